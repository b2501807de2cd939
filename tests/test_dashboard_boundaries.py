"""The dashboard on both boundaries, over the hand-worked world of test_boundaries.py: the switch kept in the
address, the rankings of 34 provinces of today in 2024-Q1, the unit page of new Thủ Dầu Một (25747) with its
history from 2024 and the old wards it was made of, old Phú Cường's page with what it went into, and the downloads
saying which boundaries they hold."""
from __future__ import annotations

import pytest
from test_boundaries import build_world

from access.scope import Scope
from app import create_app
from appserver import find
from dashboard import exports
from dashboard.components import selectors
from dashboard.queries import lineage, scores
from dashboard.queries import unit as queries

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import rankings, unit as page  # noqa: E402

pytestmark = pytest.mark.usefixtures("as_admin")


@pytest.fixture
def world(con, db_path, monkeypatch):
    build_world(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    return "".join(_text(c) for c in (children if isinstance(children, list) else [children]))


def test_the_switch_is_kept_in_the_address(world):
    scope, _ = selectors.resolve({"period": "2024-Q1", "boundaries": "today"})
    assert scope.boundaries == "today" and scope.query() == {"period": "2024-Q1", "peers": "national",
                                                              "boundaries": "today"}
    assert selectors.resolve({"period": "2024-Q1", "boundaries": "nonsense"})[0].boundaries == "as_was"
    assert selectors.query("period", None, "2024-Q1", None, None, None, "today") == {
        "period": "2024-Q1", "boundaries": "today", "peers": "national"}


def test_rankings_of_today_in_2024(world):
    today = scores.league("2024-Q1", "national", boundaries="today")
    was = scores.league("2024-Q1", "national")
    assert (len(today), len(was)) == (34, 63)
    city = today.set_index("unit_code").loc["79"]
    assert city["divided_share"] == pytest.approx(0.2)
    assert city["href"] == "/don-vi/79?period=2024-Q1&boundaries=today"
    # a search by an old name finds the unit of today
    assert "Tỉnh Bình Dương" in city["formed_from"] and "Tỉnh Bà Rịa - Vũng Tàu" in city["formed_from"]
    assert was["formed_from"].isna().all() and was["divided_share"].isna().all()
    table = rankings.table({"period": "2024-Q1", "boundaries": "today"})
    assert "theo địa giới hiện nay" in table.subtitle[0]
    assert exports.file_name(table, {"period": "2024-Q1"}, "xlsx", "vi") == "xep-hang-2024-q1-dia-gioi-hien-nay.xlsx"
    assert b"T\xe1\xbb\xab x\xc3\xa3 b\xe1\xbb\x8b chia" in exports.to_csv(table, "vi")  # "Từ xã bị chia"
    assert [c.field for c in rankings.columns(None, today)][-2:] == ["divided_share", "formed_from"]


def test_the_history_of_a_unit_of_today_runs_from_2024(world):
    months = queries.trend("25747", queries.summary("25747", "2025-08")["unit_valid_from"], "today")
    assert months["period"].tolist() == ["2024-02", "2025-05", "2025-08"]
    assert queries.trend("25747", queries.summary("25747", "2025-08")["unit_valid_from"])["period"].tolist() == [
        "2025-08"]


def test_the_page_of_new_thu_dau_mot_on_today_boundaries(world):
    layout = page.layout("25747", "2024-Q1", boundaries="today")
    assert _text(find(layout, "unit-name")) == "Phường Thủ Dầu Một"
    made_of = _text(find(layout, "unit-made-of"))
    assert "Phường Phú Cường" in made_of and "Phường Phú Thọ" in made_of and "Phường Chánh Nghĩa" in made_of
    assert "Hiệp Thành" not in made_of  # a divided commune whose dossiers follow Phú Lợi
    assert _text(find(layout, "unit-divided-share")).startswith("Không có hồ sơ nào đến từ xã bị chia")
    city = page.layout("79", "2024-Q1", boundaries="today")
    assert _text(find(city, "unit-divided-share")).startswith("20,0 % hồ sơ của kỳ đến từ xã bị chia")
    formed = find(layout, "unit-formed-from")
    links = {a.children: a.href for li in formed.children for a in li.children if getattr(a, "href", None)}
    assert links["Phường Phú Cường"] == "/don-vi/25747?period=2024-Q1"
    assert find(layout, "unit-drill-card").hidden
    # the same address on the boundaries of the time is old Phú Cường, with what it went into
    old = page.layout("25747", "2024-Q1")
    assert _text(find(old, "unit-name")) == "Phường Phú Cường"
    merged = find(old, "unit-merged-into")
    assert [a.href for li in merged.children for a in li.children if getattr(a, "href", None)] == [
        "/don-vi/25747?period=2024-Q1&boundaries=today"]
    assert "Thành phố Hồ Chí Minh" in _text(merged)
    assert not find(old, "unit-drill-card").hidden


def test_a_divided_commune_names_where_its_dossiers_went(world):
    went = lineage.successors("25741", None)
    assert list(went[["unit_code", "holds_dossiers"]].itertuples(index=False, name=None)) == [
        ("25750", True), ("25747", False)]
    # an old unit asked for on today's boundaries points to what it went into
    missing = page.layout("25753", "2024-Q1", boundaries="today")
    assert find(missing, "unit-missing") is not None
    assert "Phường Thủ Dầu Một" in _text(find(missing, "unit-merged-into"))


def test_the_switch_goes_to_the_same_period_on_the_other_boundaries(world):
    params = {"unit_code": "25747", "period": "2024-Q1", "indicator": None}
    assert page.choose_boundaries("today", params) == "/don-vi/25747?period=2024-Q1&boundaries=today"
    assert page.choose_boundaries("as_was", params) == "/don-vi/25747?period=2024-Q1"
    assert page.choose_period("2025-Q2", params, "today") == "/don-vi/25747?period=2025-Q2&boundaries=today"


def test_the_unit_downloads_carry_the_boundaries(world):
    ledger = exports.fetch(Scope.country(), "unit-ledger",
                           {"unit_code": "25747", "period": "2024-Q1", "boundaries": "today"})
    assert ledger.subtitle[0].endswith("theo địa giới hiện nay")
    assert exports.file_name(ledger, {"period": "2024-Q1"}, "csv", "vi").endswith("2024-q1-dia-gioi-hien-nay.csv")
    row = ledger.frame.set_index("indicator_id").loc["1.4"]
    assert (row["numerator"], row["denominator"]) == (1, 2)
