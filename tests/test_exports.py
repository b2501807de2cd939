"""Exports: a registered table written as CSV and Excel with the screen's figures, and a unit's PDF report whose
Vietnamese text survives the embedded font."""
from __future__ import annotations

import io
from contextvars import copy_context
from datetime import datetime

import openpyxl
import pandas as pd
import pypdf
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from signin import reading_as

from access.scope import Refused, Scope
from dashboard import exports
from dashboard.components import downloads
from dashboard.components.grid import Column
from indicators import outputs, pages

COLUMNS = [
    Column("unit_name", "unit"),
    Column("total", "total", "score"),
    Column("band", "band", "band"),
    Column("share", ("Tỷ lệ đúng hạn", "On time"), "share"),
    Column("received_at", "received_at", "date"),
    Column("n_dossiers", ("Số hồ sơ", "Dossiers"), "count"),
]
FRAME = pd.DataFrame({
    "unit_name": ["Tỉnh Bình Dương", "Tỉnh Cà Mau"],
    "total": [91.256, 48.5],
    "band": ["excellent", "weak"],
    "band_name": ["Xuất sắc", "Yếu"],
    "share": [0.845, None],
    "received_at": pd.to_datetime(["2024-07-01", None]),
    "n_dossiers": [1234567, 0],
})


def _table(params: dict) -> exports.Table:
    return exports.Table(("Xếp hạng", "Rankings"), COLUMNS, FRAME, (f"Năm {params['period']}", f"Year {params['period']}"))


exports.table("test-rankings", needs="scores")(_table)


def test_csv_has_a_byte_order_mark_headers_in_the_language_and_band_names():
    table = exports.fetch(Scope.country(), "test-rankings", {"period": "2024"})
    content = exports.to_csv(table, "vi")
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Đơn vị,Tổng điểm,Xếp loại,Tỷ lệ đúng hạn,Ngày tiếp nhận,Số hồ sơ"
    assert lines[1] == "Tỉnh Bình Dương,91.256,Xuất sắc,0.845,01/07/2024,1234567"
    assert lines[2] == "Tỉnh Cà Mau,48.5,Yếu,,,0"
    assert exports.to_csv(table, "en").decode("utf-8-sig").splitlines()[0] == \
        "Unit,Total,Band,On time,Received,Dossiers"


def test_excel_has_formats_per_kind_a_frozen_filtered_header_and_coloured_bands():
    content = exports.to_xlsx(exports.fetch(Scope.country(), "test-rankings", {"period": "2024"}), "vi")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Xếp hạng"
    assert sheet["A1"].value == "Xếp hạng"
    assert sheet["A2"].value == "Năm 2024"
    assert [c.value for c in sheet[4]] == ["Đơn vị", "Tổng điểm", "Xếp loại", "Tỷ lệ đúng hạn", "Ngày tiếp nhận",
                                          "Số hồ sơ"]
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:F6"
    assert (sheet["B5"].value, sheet["B5"].number_format) == (91.256, "#,##0.00")
    assert (sheet["D5"].value, sheet["D5"].number_format) == (0.845, "0.0%")
    assert (sheet["E5"].value, sheet["E5"].number_format) == (datetime(2024, 7, 1), "dd/mm/yyyy")
    assert (sheet["F5"].value, sheet["F5"].number_format) == (1234567, "#,##0")
    assert sheet["C5"].value == "Xuất sắc" and sheet["C6"].value == "Yếu"
    assert sheet["D6"].value is None and sheet["E6"].value is None
    rules = {r.formula[0]: r.dxf.fill.bgColor.rgb[-6:] for cf in sheet.conditional_formatting for r in cf.rules}
    assert rules['"Xuất sắc"'] == "1B7F3B"
    assert rules['"Yếu"'] == "B3261E"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width


def test_file_names_carry_the_title_without_diacritics_and_the_period():
    table = exports.fetch(Scope.country(), "test-rankings", {"period": "2024-Q3"})
    assert exports.file_name(table, {"period": "2024-Q3"}, "xlsx", "vi") == "xep-hang-2024-q3.xlsx"
    assert exports.file_name(table, {"period": "2024"}, "csv", "en") == "rankings-2024.csv"
    assert exports.slug("Đơn vị: Phường Đông Hòa") == "don-vi-phuong-dong-hoa"


def test_an_unknown_table_names_the_registered_ones():
    with pytest.raises(KeyError, match="test-rankings"):
        exports.fetch(Scope.country(), "nothing", {})


def _run(callback, triggered: dict, *args):
    def inside():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": triggered, "value": 1}]))
        return callback(*args)
    with reading_as("admin"):
        return copy_context().run(inside)


def test_the_download_callback_sends_the_clicked_format_with_the_stored_parameters():
    clicked = '{"format":"xlsx","name":"test-rankings","type":"download-button"}.n_clicks'
    sent = _run(downloads.send_table, clicked, [0, 1], {"period": "2024"})
    assert sent["filename"] == "xep-hang-2024.xlsx"
    assert sent["base64"] is True
    clicked = '{"format":"csv","name":"test-rankings","type":"download-button"}.n_clicks'
    sent = _run(downloads.send_table, clicked, [1, 0], {"period": "2024"})
    assert sent["filename"] == "xep-hang-2024.csv"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _report(**changes) -> exports.UnitReport:
    fields = dict(
        unit_name="Tỉnh Bình Dương", period="2024-Q3", total=84.47, band_key="good", band_name="Tốt", rank=20,
        n_peers=63, peers="Các tỉnh, thành phố", score_change=-1.25, rank_change=3,
        groups=pd.DataFrame({"name": ["1. Công khai, minh bạch", "2. Tiến độ"], "points": [16.4, 18.06],
                             "max_points": [18.0, 20.0]}),
        ledger=pd.DataFrame({"indicator_id": ["3.2", "1.1"], "name": ["Đơn vị có hồ sơ trực tuyến", "Công bố"],
                             "points": [0.98, 6.0], "max_points": [4.0, 6.0], "points_lost": [3.02, 0.0]}),
        trend=pd.DataFrame({"period": ["2024-07", "2024-08", "2024-09"], "total": [83.0, None, 85.5]}),
        children=pd.DataFrame({"unit_name": ["Huyện Dầu Tiếng"], "total": [62.5], "band_name": ["Trung bình"]}),
        path=[])
    fields.update(changes)
    return exports.UnitReport(**fields)


def test_the_pdf_prints_vietnamese_text_with_the_embedded_font():
    pdf = exports.render(_report(band_name="Xuất sắc"), "vi", "26/11/2026")
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for words in ("Tỉnh Bình Dương", "Xuất sắc", "Đơn vị có hồ sơ trực tuyến", "Quý 3/2024", "84,47",
                  "20 trên 63", "−1,25", "+3", "Huyện Dầu Tiếng", "62,50", "Trung bình", "Lập ngày 26/11/2026"):
        assert words in text
    assert "3,02" in text
    assert "Công bố" not in text  # an indicator that lost nothing stays off the ledger
    fonts = {f["/BaseFont"] for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert all("DejaVuSans" in str(f) for f in fonts)


def test_the_pdf_in_english_says_when_nothing_was_lost():
    text = _text(exports.render(_report(ledger=_report().ledger.iloc[1:]), "en", "26/11/2026"))
    assert "No points lost on any indicator." in text
    assert "Quarter 3/2024" in text
    assert "20 of 63" in text
    assert "84.47" in text


def _score(con, period: str, kind: str, code: str, name: str, unit_kind: str, district: str | None, points: tuple,
           band: str, peer_list: str, rank: int, n_peers: int, score_change: float | None = None,
           rank_change: int | None = None) -> None:
    con.execute("""insert into unit_scores (ruleset, period, period_kind, period_start, unit_code, unit_valid_from,
                       unit_kind, unit_name, province_code, district_code, transparency, progress, online, payment,
                       digitisation, satisfaction, total, band, peer_list, rank, n_peers, score_change, rank_change)
                   values ('portal-2025', $period, $kind, $start, $code, date '2008-01-01', $unit_kind, $name, '74',
                           $district, $p1, $p2, $p3, $p4, $p5, $p6, round($p1 + $p2 + $p3 + $p4 + $p5 + $p6, 2),
                           $band, $peers, $rank, $n, $change, $rank_change)""",
                {"period": period, "kind": kind, "start": f"{period[:4]}-{period[5:7] or '01'}-01", "code": code,
                 "unit_kind": unit_kind, "name": name, "district": district, **{f"p{i + 1}": p for i, p in enumerate(points)},
                 "band": band, "peers": peer_list, "rank": rank, "n": n_peers, "change": score_change,
                 "rank_change": rank_change})


@pytest.fixture
def scored(con, db_path, monkeypatch):
    """A database where Bình Dương (74) scores 84.47 in 2024, rank 20 of 63, with two districts and three months."""
    outputs.ensure(con)
    province = (16.40, 18.06, 8.98, 8.02, 16.55, 16.46)
    _score(con, "2024", "year", "74", "Tỉnh Bình Dương", "province", None, province, "good", "national", 20, 63,
           -1.25, 3)
    _score(con, "2024", "year", "718", "Thành phố Thủ Dầu Một", "district", "718", (18, 19, 12, 10, 20, 16.2),
           "excellent", "74:district", 1, 2)
    _score(con, "2024", "year", "721", "Huyện Dầu Tiếng", "district", "721", (12, 10, 8, 6, 14, 12.5),
           "average", "74:district", 2, 2)
    for month, shift in (("2024-01", -2.0), ("2024-02", 0.0), ("2024-03", 1.0)):
        _score(con, month, "month", "74", "Tỉnh Bình Dương", "province", None,
               (province[0] + shift, *province[1:]), "good", "national", 20, 63)
    con.execute("""create temp table new_values as
                   select 'portal-2025' as ruleset, '2024' as period, 'year' as period_kind,
                          date '2024-01-01' as period_start, null::date as period_end, null::timestamp as as_of,
                          '74' as unit_code, null::date as unit_valid_from, 'province' as unit_kind,
                          null::timestamp as computed_at, indicator_id, points, max_points, 1.0 as numerator,
                          1.0 as denominator, false as not_applicable
                   from (values ('3.2', 0.98, 4.0), ('2.1', 18.06, 20.0), ('1.1', 6.0, 6.0))
                        t(indicator_id, points, max_points)""")
    outputs.insert_long(con, "new_values")
    pages.rebuild(con)  # what the unit page shows, as the engine stores it with the scores
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_unit_report_is_built_from_the_unit_queries(scored):
    report = exports.report_data("74", "2024", "vi")
    assert report.total == pytest.approx(84.47)
    assert (report.rank, report.n_peers, report.band_name, report.peers) == (20, 63, "Tốt", "Các tỉnh, thành phố")
    assert report.ledger["indicator_id"].tolist() == ["3.2", "2.1", "1.1"]
    assert report.ledger["points_lost"].round(2).tolist() == [3.02, 1.94, 0.0]
    assert report.trend["total"].round(2).tolist() == [82.47, 84.47, 85.47]
    assert report.children["unit_name"].tolist() == ["Huyện Dầu Tiếng", "Thành phố Thủ Dầu Một"]
    assert report.children["band_name"].tolist() == ["Trung bình", "Xuất sắc"]
    text = _text(exports.unit_report(Scope.country(), "74", "2024", "vi"))
    for words in ("Tỉnh Bình Dương", "Năm 2024", "84,47", "Tốt", "20 trên 63", "3,02", "1,94", "Huyện Dầu Tiếng",
                  "62,50", "Các chỉ số bị mất điểm"):
        assert words in text
    with pytest.raises(KeyError):
        exports.unit_report(Scope.country(), "74", "2023", "vi")


def test_the_pdf_button_sends_the_report_named_by_unit_and_period(scored):
    clicked = '{"name":"unit","type":"download-report-button"}.n_clicks'
    sent = _run(downloads.send_report, clicked, 1, {"unit_code": "74", "period": "2024"})
    assert sent["filename"] == "bao-cao-74-2024.pdf"


def test_the_pdf_of_a_unit_without_history_or_units_below_fits_one_page():
    empty = _report(trend=pd.DataFrame({"period": [], "total": []}),
                    children=pd.DataFrame(columns=["unit_name", "total", "band_name"]), score_change=None,
                    rank_change=None)
    pdf = exports.render(empty, "vi", "26/11/2026")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = _text(pdf)
    assert "Đơn vị trực thuộc" not in text
    assert "Diễn biến theo tháng" in text
