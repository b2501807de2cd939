"""`python -m indicators score`: computes when needed, lists a level, details a unit, exports csv, json and xlsx."""
from __future__ import annotations

import json

import openpyxl
import pytest
from test_engine_helpers import add_dossier, add_procedure

from indicators.__main__ import main


@pytest.fixture
def filled(db_path):
    import db

    con = db.connect(db_path)
    add_procedure(con, "P1")
    add_dossier(con, "D1", synced_to_portal=True, due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00")
    con.close()
    return str(db_path)


def test_a_province_table_in_the_terminal(filled, capsys):
    assert main(["score", "--period", "2024", "--db", filled, "--as-of", "2025-01-31"]) == 0
    out = capsys.readouterr().out
    assert "Tỉnh Bình Dương" in out and "2024" in out


def test_a_unit_shows_its_indicators_with_points_lost(filled, capsys):
    assert main(["score", "--period", "2024-03", "--unit", "25747", "--db", filled, "--as-of", "2025-01-31"]) == 0
    out = capsys.readouterr().out
    assert "Tỷ lệ hồ sơ xử lý trước hạn" in out and "Tổng điểm" in out and "Mất" in out


def test_csv_json_and_xlsx_files(filled, tmp_path):
    csv_path, json_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.json", tmp_path / "s.xlsx"
    common = ["score", "--period", "2024-Q1", "--level", "commune", "--db", filled, "--as-of", "2025-01-31"]
    assert main([*common, "--format", "csv", "--out", str(csv_path)]) == 0
    assert main([*common, "--format", "json", "--out", str(json_path)]) == 0
    assert main([*common, "--format", "xlsx", "--out", str(xlsx_path)]) == 0
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("peer_list,rank,n_peers,unit_code")
    rows = json.loads(json_path.read_text(encoding="utf-8"))
    assert len(rows) == 91 and rows[0]["unit_code"] == "25747" and rows[0]["rank"] == 1
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet.max_row == 92


def test_a_date_range_and_an_unknown_period(filled, capsys):
    assert main(["score", "--period", "2024-03-01..2024-03-10", "--db", filled, "--format", "csv"]) == 0
    assert "Tỉnh Bình Dương" in capsys.readouterr().out
    with pytest.raises(ValueError):
        main(["score", "--period", "March", "--db", filled])
