"""Formula injection: a name beginning with = + - @ tab or CR leaves the system as text, in every table a reader
downloads (dashboard CSV and Excel, `indicators score --format csv|xlsx`); numbers stay numbers."""
from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from dashboard import exports
from dashboard.components.grid import Column
from indicators import __main__ as cli

NAMES = ['=HYPERLINK("http://x.invalid","Bấm")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Xã An Bình"]
FRAME = pd.DataFrame({"unit_name": NAMES, "total": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.25]})
# An XLSX file stores a carriage return as _x000D_, which openpyxl hands back as it is.
STORED = [n.replace("\r", "_x000D_") for n in NAMES]
TABLE = exports.Table(("Xếp hạng", "Rankings"), [Column("unit_name", "unit"), Column("total", "total", "score")],
                      FRAME)


def _csv_rows(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content, newline="")))[1:]


def test_dashboard_csv_quotes_formula_starts_and_keeps_numbers():
    rows = _csv_rows(exports.to_csv(TABLE, "vi").decode("utf-8-sig"))
    assert [r[0] for r in rows] == ["'" + n for n in NAMES[:-1]] + ["Xã An Bình"]
    assert [r[1] for r in rows] == ["-1.5", "2.0", "3.0", "4.0", "5.0", "6.0", "7.25"]


def test_dashboard_xlsx_writes_formula_starts_as_text_and_numbers_as_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(TABLE, "vi"))).active
    first = exports.HEADER_ROW + 2
    names = [sheet.cell(first + i, 1) for i in range(len(NAMES))]
    assert [c.value for c in names] == STORED
    assert {c.data_type for c in names} == {"s"}  # 'f' would be a live formula
    totals = [sheet.cell(first + i, 2).value for i in range(len(NAMES))]
    assert totals == [-1.5, 2, 3, 4, 5, 6, 7.25]


def test_score_cli_csv_quotes_formula_starts(tmp_path):
    out = tmp_path / "scores.csv"
    cli.export(FRAME, "csv", str(out))
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = _csv_rows(f.read())
    assert [r[0] for r in rows] == ["'" + n for n in NAMES[:-1]] + ["Xã An Bình"]
    assert rows[0][1] == "-1.5"


def test_score_cli_xlsx_writes_formula_starts_as_text(tmp_path):
    out = tmp_path / "scores.xlsx"
    cli.export(FRAME, "xlsx", str(out))
    sheet = openpyxl.load_workbook(out).active
    names = [sheet.cell(2 + i, 1) for i in range(len(NAMES))]
    assert [c.value for c in names] == STORED
    assert {c.data_type for c in names} == {"s"}
    assert sheet.cell(2, 2).value == -1.5
