"""The rows left out of a score for an unknown value (methodology §3) are shown beside it: in the unit page's ledger
(a column, and a list under it), in its CSV and Excel downloads and in the PDF report, in Vietnamese and English.

Ward Phú Cường (25747), March 2024: two procedures whose decisions have no effective date leave 1.1, one dossier
without a due time, of a procedure without a time limit, leaves 2.1, and the ward's own answer on electronic
certified copies is unknown (4.7). The dossier, neither rated unsatisfied nor complained about, leaves 5.3 too.
"""
from __future__ import annotations

import io
from datetime import datetime

import pypdf
import pytest
from test_engine_helpers import COMMUNE, add_decision, add_dossier, add_procedure

from access.scope import Scope
from app import create_app
from appserver import find
from dashboard import exports
from dashboard.components import excluded
from dashboard.queries import unit as queries
from indicators import engine

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import unit as page

PERIOD = "2024-03"
pytestmark = pytest.mark.usefixtures("as_admin")  # the unit page reads the signed-in reader's scope
NOTE_VI = "2 TTHC có quyết định chưa có ngày hiệu lực, không tính"
NOTE_EN = "2 procedures with a decision without an effective date, not counted"
DOSSIER_EN = "1 dossier without a due time (none recorded, no statutory limit), not counted"
COMMUNE_EN = "1 commune whose electronic certified copies are not known, not counted"


@pytest.fixture
def scored(con, db_path, monkeypatch):
    add_procedure(con, "P1")
    add_procedure(con, "P0", max_processing_days=None)
    add_dossier(con, "D", due_at="2024-03-11 17:00", finished_at="2024-03-05 08:00")
    add_dossier(con, "U", procedure="P0", finished_at="2024-03-05 08:00")
    add_decision(con, "PA", "1", "2024-03-04", effective="2024-03-20", published="2024-03-04 10:00")
    add_decision(con, "PB", "2", "2024-03-04", published="2024-03-04 10:00")
    add_decision(con, "PC", "3", "2024-03-04", published="2024-03-04 10:00")
    engine.refresh(con, as_of=datetime(2024, 4, 30))
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_ledger_carries_the_rows_left_out(scored):
    ledger = queries.ledger(COMMUNE, PERIOD).set_index("indicator_id")
    assert (ledger.loc["1.1", "numerator"], ledger.loc["1.1", "denominator"], ledger.loc["1.1", "excluded_rows"]) == (
        1, 1, 2)
    assert ledger.loc["2.1", "excluded_rows"] == 1 and ledger.loc["1.3", "excluded_rows"] == 0


def test_the_unit_page_shows_them_beside_the_score(scored):
    layout = page.layout(unit_code=COMMUNE, period=PERIOD)
    rows = {r["indicator"].split()[0]: r for r in find(layout, "unit-ledger").rowData}
    assert rows["1.1"]["excluded_note"] == NOTE_VI
    assert rows["1.3"]["excluded_note"] == ""
    listed = find(layout, "unit-excluded")
    items = listed.children[-1].children
    dossier = "1 hồ sơ không có hạn giải quyết (không ghi hạn, TTHC không quy định thời hạn), không tính"
    assert [(item.children[0].children, item.children[1]) for item in items] == [
        ("1.1 ", NOTE_VI), ("2.1 ", dossier), ("4.7 ", "1 xã, phường chưa có thông tin chứng thực bản sao điện tử, "
                                                       "không tính"), ("5.3 ", dossier)]


def test_in_english(scored):
    ledger = queries.ledger(COMMUNE, PERIOD)
    shown = page.ledger_rows(ledger, "en").set_index("indicator_id")
    assert shown.loc["1.1", "excluded_note"] == NOTE_EN
    listed = excluded.listing(ledger, "en")
    assert listed.children[0].children == "Data not counted in the score"
    assert [item.children[1] for item in listed.children[-1].children] == [NOTE_EN, DOSSIER_EN, COMMUNE_EN,
                                                                               DOSSIER_EN]
    assert excluded.COLUMN.title("en") == "Not counted (unknown)"


def test_nothing_is_listed_when_nothing_was_left_out():
    import pandas as pd
    assert excluded.listing(pd.DataFrame({"indicator_id": ["1.1"], "excluded_rows": [0]}), "vi") is None


def test_the_downloads_and_the_pdf_carry_them(scored):
    table = page.ledger_table({"unit_code": COMMUNE, "period": PERIOD})
    csv = exports.to_csv(table, "vi").decode("utf-8-sig")
    assert "Không tính (thiếu dữ liệu)" in csv and NOTE_VI in csv
    assert "Not counted (unknown)" in exports.to_csv(table, "en").decode("utf-8-sig")
    assert exports.to_xlsx(table, "vi")[:2] == b"PK"
    report = exports.report_data(COMMUNE, PERIOD, "en")
    assert report.excluded == [f"1.1 · {NOTE_EN}", f"2.1 · {DOSSIER_EN}", f"4.7 · {COMMUNE_EN}",
                               f"5.3 · {DOSSIER_EN}"]
    pdf = exports.unit_report(Scope.country(), COMMUNE, PERIOD, "vi")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Dữ liệu không tính vào điểm" in text and "chưa có ngày hiệu lực" in text
