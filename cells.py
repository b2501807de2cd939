"""Cells that leave the system as data, never as formulas (OWASP "CSV injection").

A spreadsheet reads a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a
unit or procedure named `=HYPERLINK(...)` would run in the reader's Excel. Every table written as CSV or XLSX goes
through here: CSV text cells that begin so get a leading single quote (the spreadsheet then shows the text), XLSX
workbooks write every string as a string (`WORKBOOK_OPTIONS`). Numbers stay numbers: only text is touched.
"""
from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter otherwise writes a string beginning with '=' as a live formula.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def text(value):
    """Return `value` safe for a CSV cell: a string beginning like a formula gets a leading quote; anything else
    unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def frame(data: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `data` whose text columns are safe for CSV (`text` on every string); numeric columns are
    left as they are."""
    out = data.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(text, na_action="ignore")
    return out
