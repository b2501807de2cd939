"""The indicator page and its queries over the hand-made scores of test_dashboard_rankings.py: indicator 2.1 for
four provinces in 2024 (one without data), four communes, and two months."""
from __future__ import annotations

import pytest

import pandas as pd
from test_dashboard_rankings import ranked, text  # noqa: F401 - fixture

from appserver import find

from access.scope import Scope
from app import create_app
from dashboard import exports, i18n
from dashboard.queries import scores

server = create_app().server  # pages register themselves with the app that loads them
from dashboard.pages import indicator as page  # noqa: E402

# Pages and callbacks run as a signed-in admin unless a test says otherwise.
pytestmark = pytest.mark.usefixtures("as_admin")


def test_the_weakest_units_lose_the_most_points(ranked):
    values = scores.indicator_values("2.1", "2024", "national")
    # Bình Dương has no dossier processed: no data, 0 points, all 20 lost
    assert values["unit_code"].tolist() == ["74", "79", "48", "01"]
    assert values["points_lost"].tolist() == [20.0, 4.0, 2.0, 1.0]
    assert values["ratio"].iloc[1:].tolist() == [0.8, 0.9, 0.95]
    assert pd.isna(values["ratio"].iloc[0]) and bool(values["no_data"].iloc[0])
    assert values["href"].iloc[1] == "/don-vi/79?period=2024"


def test_the_communes_of_one_district(ranked):
    values = scores.indicator_values("2.1", "2024", "74:commune", district="718")
    assert list(zip(values["unit_name"], values["points_lost"])) == [
        ("Phường Hiệp Thành", 6.0), ("Phường Phú Cường", 0.0)]
    assert len(scores.indicator_values("2.1", "2024", "74:commune")) == 4


def test_the_monthly_trend_of_the_peer_list(ranked):
    trend = scores.indicator_trend("2.1", "national")
    assert trend["period"].tolist() == ["2024-11", "2024-12"]
    assert trend["median"].round(4).tolist() == [0.6, 0.8]
    assert trend["average"].round(4).tolist() == [0.7, 0.8]
    assert trend["n_units"].tolist() == [3, 2]
    figure = page.trend({"indicator": "2.1", "peers": "national", "period": "2024"})
    assert figure["data"][0]["y"] == [60.0, 80.0]


def test_the_page_of_an_indicator(ranked):
    layout = page.layout(indicator_id="2.1", period="2024")
    assert text(find(layout, "indicator-title")) == "2.1 · Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"
    facts = text(find(layout, "indicator-facts"))
    assert "2. Tiến độ, kết quả giải quyết" in facts and "Điểm tối đa20" in facts and "Mục tiêu100 %" in facts
    formula = text(find(layout, "indicator-formula"))
    assert "Tử số: hồ sơ xử lý trong kỳ đã giải quyết xong trước hạn, đúng hạn" in formula
    assert "Mẫu số: hồ sơ tiếp nhận đến cuối kỳ" in formula and "dossiers" not in formula
    rows = find(layout, "indicator-grid").rowData
    assert [(r["unit_name"], r["points_lost"]) for r in rows] == [
        ("Tỉnh Bình Dương", 20.0), ("Thành phố Hồ Chí Minh", 4.0), ("Thành phố Đà Nẵng", 2.0),
        ("Thành phố Hà Nội", 1.0)]
    stats = find(layout, "indicator-stats")
    assert [text(card.children[1]) for card in stats.children] == ["3/4", "90 %", "0/3", "6,75"]
    assert find(layout, "indicator-distribution").figure["data"][0]["x"] == [80.0, 90.0, 95.0]


def test_the_formula_in_the_readers_language(ranked):
    with server.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        formula = text(find(page.layout(indicator_id="3.6", period="2024"), "indicator-formula"))
    assert formula == ("Numerator: dossiers received in the period with a fee, paid online"
                       "Denominator: dossiers received in the period with a fee")
    formula = text(find(page.layout(indicator_id="3.6", period="2024"), "indicator-formula"))
    assert formula == ("Tử số: hồ sơ tiếp nhận trong kỳ phải nộp phí, lệ phí đã thanh toán trực tuyến"
                       "Mẫu số: hồ sơ tiếp nhận trong kỳ phải nộp phí, lệ phí")


def test_an_unknown_indicator_offers_the_list(ranked):
    layout = page.layout(indicator_id="9.9")
    assert "Không có chỉ số này." in text(layout)
    assert len(find(layout, "indicator-id").options) == len(page.REGISTRY)


def test_the_download_holds_the_table_on_screen(ranked):
    table = exports.fetch(Scope.country(), "indicator", {"indicator": "2.1", "period": "2024", "peers": "74:commune", "district": "718"})
    assert table.frame["unit_code"].tolist() == ["25750", "25747"]
    assert table.subtitle[0] == (
        "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn · Năm 2024 · Tỉnh Bình Dương — Thành phố Thủ Dầu Một")
    assert exports.file_name(table, {"period": "2024"}, "csv", "vi") == "chi-so-2-1-2024.csv"


def test_a_database_never_scored_shows_no_data(db_path, monkeypatch):
    monkeypatch.setenv("KPI766_DB", str(db_path))
    layout = page.layout(indicator_id="2.1")
    assert "Chưa có dữ liệu" in text(layout) and "2.1 · Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in text(layout)
