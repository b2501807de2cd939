"""Rows left out of a score for an unknown value (methodology §3), shown beside the score: a note per indicator
("3 TTHC có quyết định chưa có ngày hiệu lực, không tính") for the ledger's column and its downloads, and a short
list of them under the ledger, so that data left out never raises a score unseen."""
from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import i18n
from dashboard.components.grid import Column
from indicators import REGISTRY
from indicators.report import excluded_note

COLUMN = Column("excluded_note", ("Không tính (thiếu dữ liệu)", "Not counted (unknown)"), width=300)
TITLE = ("Dữ liệu không tính vào điểm", "Data not counted in the score")
HINT = ("Dòng thiếu giá trị cần để chấm (chưa biết đạt hay không) không tính vào tử số lẫn mẫu số của chỉ số.",
        "A row without the value an indicator needs (not known to pass or fail) leaves both its numerator and "
        "its denominator.")


def notes(frame: pd.DataFrame, language: str) -> list[str]:
    """Return, for each row of a frame with `indicator_id` and `excluded_rows`, the note shown beside its score
    (empty when no row was left out)."""
    if "excluded_rows" not in frame:
        return [""] * len(frame)
    return [excluded_note(i, n, language) for i, n in zip(frame["indicator_id"], frame["excluded_rows"])]


def listing(frame: pd.DataFrame, language: str) -> html.Div | None:
    """Return the list of the indicators with rows left out, each with its note; None when there are none."""
    rows = [(i, note) for i, note in zip(frame["indicator_id"], notes(frame, language)) if note]
    if not rows:
        return None
    order = {ind_id: n for n, ind_id in enumerate(REGISTRY)}
    items = [html.Li([html.Strong(f"{i} "), note], **{"data-indicator": i})
             for i, note in sorted(rows, key=lambda r: order[r[0]])]
    return html.Div([html.H3(i18n.pick(*TITLE, language)), html.P(i18n.pick(*HINT, language), className="muted"),
                     html.Ul(items)], className="excluded-rows", id="unit-excluded")
