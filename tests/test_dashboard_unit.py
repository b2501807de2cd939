"""The unit page and its queries over the hand-made province of test_drill.py (13 dossiers, March 2024, scored by
the engine): the breadcrumbs, the units below, the ledger of points lost, the points needed for the next band,
the procedures ranked by the points they would recover, and the failing dossiers served a page at a time."""
from __future__ import annotations

from datetime import date

import pytest
from dash import html
from test_drill import build_province

from access.scope import Scope
from app import create_app
from appserver import find
from dashboard.queries import unit as queries
from indicators import outputs

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import unit as page

PERIOD = "2024-03"
COUNTRY = Scope.country()
# Pages and callbacks run as a signed-in admin unless a test says otherwise.
pytestmark = pytest.mark.usefixtures("as_admin")


@pytest.fixture
def province(con, db_path, monkeypatch):
    build_province(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_summary_of_the_province(province):
    unit = queries.summary("99", PERIOD)
    assert (unit["name"], unit["kind"], unit["peer_list"], unit["rank"], unit["n_peers"]) == (
        "Tỉnh Thử nghiệm", "province", "national", 1, 1)
    # March is the first month: nothing to compare with
    assert unit["previous_total"] is None and unit["score_change"] is None
    assert queries.summary("99", "2031-01") is None


def test_breadcrumbs_of_a_commune(province):
    chain = queries.breadcrumbs("99101", PERIOD)
    assert list(chain.itertuples(index=False, name=None)) == [
        ("99", "Tỉnh Thử nghiệm", "province"), ("991", "Huyện Một", "district"), ("99101", "Xã Một Một", "commune")]
    nav = page._breadcrumbs(chain, PERIOD, "vi")
    links = [c.href for c in nav.children if getattr(c, "href", None)]
    assert links == ["/?period=2024-03&peers=national", "/don-vi/99?period=2024-03", "/don-vi/991?period=2024-03"]
    assert queries.breadcrumbs("99-STP", PERIOD)["unit_code"].tolist() == ["99", "99-STP"]


def test_children_and_the_rankings_below(province):
    below = queries.children("99", PERIOD)
    # districts first, best first (992 has no dossier), then the department
    assert below["unit_code"].tolist() == ["991", "992", "99-STP"]
    assert set(queries.children("991", PERIOD)["unit_code"]) == {"99101", "99102"}
    assert queries.children("99101", PERIOD).empty
    lists = queries.peer_lists("99", PERIOD)
    assert list(lists[["peer_list", "n_units"]].itertuples(index=False, name=None)) == [
        ("99:district", 2), ("99:commune", 3), ("99:department", 1)]
    district = queries.peer_lists("991", PERIOD)
    assert list(district[["peer_list", "district_code", "n_units"]].itertuples(index=False, name=None)) == [
        ("99:commune", "991", 2)]
    links = page._peer_links(district, PERIOD, "vi")
    assert [(a.children, a.href) for a in links.children] == [
        ("Xếp hạng 2 xã", "/?period=2024-03&peers=99%3Acommune&district=991")]


def test_the_ledger_counts_the_points_lost(province):
    ledger = queries.ledger("99", PERIOD).set_index("indicator_id")
    # 2.1: 8 of 13 dossiers on time → 20 × 8 / 13 = 12.3077 points, 7.6923 lost
    row = ledger.loc["2.1"]
    assert (row.numerator, row.denominator, row.max_points) == (8, 13, 20)
    assert row.points == pytest.approx(12.3077, abs=1e-4)
    assert row.points_lost == pytest.approx(7.6923, abs=1e-4)
    # 3.6: 5 of 9 dossiers with a fee paid online → 6 × 5 / 9 = 3.3333, 2.6667 lost
    assert ledger.loc["3.6", "points_lost"] == pytest.approx(2.6667, abs=1e-4)
    # display-only: a value, no points
    assert ledger.loc["2.2", "display_only"] and ledger.loc["2.2", "points_lost"] != ledger.loc["2.2", "points_lost"]
    lost = queries.ledger("99", PERIOD)["points_lost"].dropna().tolist()
    assert lost == sorted(lost, reverse=True) and lost[0] == pytest.approx(7.6923, abs=1e-4)


def _score(con, unit: str, total: float, band: str) -> None:
    con.execute("""insert into unit_scores (ruleset, period, period_kind, period_start, unit_code, unit_name, unit_kind,
                                            total, band, peer_list, rank, n_peers)
                   values ('portal-2025', '2031', 'year', '2031-01-01', ?, ?, 'province', ?, ?, 'national', 1, 3)""",
                [unit, f"Tỉnh {unit}", total, band])


def test_points_needed_for_the_next_band(con, db_path, monkeypatch):
    outputs.ensure(con)
    for unit, total, band in (("97", 84.468, "good"), ("98", 62.3, "average"), ("96", 93.0, "excellent")):
        _score(con, unit, total, band)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    # 84.468 rounds to 84.47: 5.53 to Xuất sắc (90), which is also the target
    good = queries.next_band("97", "2031")
    assert (good["next_band"], good["points_to_next_band"], good["points_to_target"]) == ("excellent", 5.53, 5.53)
    # 62.30: 7.70 to Khá (70), 27.70 to the target
    average = queries.next_band("98", "2031")
    assert (average["next_band"], average["points_to_next_band"], average["points_to_target"]) == ("fair", 7.7, 27.7)
    top = queries.next_band("96", "2031")
    assert (top["next_band"], top["points_to_next_band"], top["points_to_target"]) == (None, 0.0, 0.0)


def test_procedures_ranked_by_the_points_they_would_recover(province):
    ranked = queries.failing_procedures(COUNTRY, "99", PERIOD, "2.1")
    # 2.1: N 8, D 13. Fixing A's 4 late dossiers: 20 × 12/13 − 20 × 8/13 = 6.1538; B's one: 20 × 9/13 − 20 × 8/13
    assert ranked["procedure_code"].tolist() == ["A", "B"]
    assert ranked["n_failing"].tolist() == [4, 1]
    assert ranked["points_recoverable"].tolist() == pytest.approx([6.1538, 1.5385], abs=1e-4)
    assert ranked["name"].tolist() == ["Đăng ký khai sinh", "Cấp giấy phép xây dựng"]
    # 4.6: no procedure used population data; fixing one of the three recovers 2 × 1/3
    each = queries.failing_procedures(COUNTRY, "99", PERIOD, "4.6")
    assert sorted(each["procedure_code"]) == ["A", "B", "C"]
    assert each["points_recoverable"].tolist() == pytest.approx([0.6667] * 3, abs=1e-4)
    # 1.1: one of the two procedures with a decision in March was announced late: fixing it recovers 6 × 1/2
    late = queries.failing_procedures(COUNTRY, "99", PERIOD, "1.1")
    assert (late["procedure_code"].tolist(), late["points_recoverable"].tolist()) == (["A"], [3.0])
    assert queries.failing_procedures(COUNTRY, "99", PERIOD, "4.7").empty


def test_failing_dossiers_a_page_at_a_time(province):
    rows, count = queries.failing_rows(COUNTRY, "99", PERIOD, "2.1")
    assert (rows["dossier_code"].tolist(), count) == (["c02", "c04", "c05", "d02", "e02"], 5)
    assert rows.set_index("dossier_code").loc["d02", "procedure_name"] == "Cấp giấy phép xây dựng"
    second, count = queries.failing_rows(COUNTRY, "99", PERIOD, "2.1", start=2, end=4)
    assert (second["dossier_code"].tolist(), count) == (["c05", "d02"], 5)
    of_a, count = queries.failing_rows(COUNTRY, "99", PERIOD, "2.1", procedure="A")
    assert (of_a["dossier_code"].tolist(), count) == (["c02", "c04", "c05", "e02"], 4)
    digitised, _ = queries.failing_rows(COUNTRY, "99", PERIOD, "4.2")
    assert digitised["dossier_code"].tolist() == ["c03", "c07", "d02", "e02"]
    feedback, count = queries.failing_rows(COUNTRY, "99", PERIOD, "5.2")
    assert (feedback["feedback_id"].tolist(), count) == (["f2", "f3"], 2)


def test_the_grid_callback_serves_the_second_page(province):
    params = {"unit_code": "99", "period": PERIOD, "indicator": "2.1", "procedure": None}
    response = page.serve_rows({"startRow": 2, "endRow": 4}, params)
    assert [r["dossier_code"] for r in response["rowData"]] == ["c05", "d02"]
    assert response["rowCount"] == 5
    open_one = response["rowData"][0]
    assert (open_one["end_at"], open_one["end_kind_name"]) == (None, "đang giải quyết")
    assert response["rowData"][1]["end_kind_name"] == "hoàn thành"
    assert response["rowData"][1]["condition"] == "Không đạt: Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"


def test_the_page_of_a_commune(province):
    layout = page.layout(unit_code="99101", period=PERIOD)
    assert find(layout, "unit-name").children == "Xã Một Một"
    unit = queries.summary("99101", PERIOD)
    assert find(layout, "unit-rank").children == [f"{unit['rank']}/3"]
    ledger = find(layout, "unit-ledger").rowData
    assert ledger[0]["points_lost"] == max(r["points_lost"] or 0 for r in ledger)
    # the first indicator opened: the one with a list of rows that lost the most points
    assert find(layout, "unit-drill").data["indicator"] == page.default_indicator(queries.ledger("99101", PERIOD))
    queries.judged(COUNTRY, "99101", PERIOD)  # the rows the layout set to judge in the background
    body, explain, options, stop_waiting = page.show_drill(
        {"unit_code": "99101", "period": PERIOD, "indicator": "2.1", "procedure": None}, 0)
    assert stop_waiting and [o["value"] for o in options] == ["A"]
    assert find(html.Div(body), "unit-rows") is not None
    assert explain[0].startswith("Hồ sơ phải được giải quyết xong")
    assert explain[-1].href == "/chi-so/2.1?period=2024-03&peers=99%3Acommune"


def test_the_default_period_is_the_latest_year(province):
    layout = page.layout(unit_code="991")
    assert find(layout, "unit-period").value == "2024"
    assert find(layout, "unit-drill").data["period"] == "2024"
    queries.judged(COUNTRY, "991", "2024")  # the rows the layout set to judge in the background
    missing = page.layout(unit_code="00000")
    assert find(missing, "unit-missing") is not None


def test_downloads_hold_the_figures_on_screen(province):
    ledger = page.ledger_table({"unit_code": "99", "period": PERIOD})
    assert ledger.frame.set_index("indicator_id").loc["2.1", "points_lost"] == pytest.approx(7.6923, abs=1e-4)
    dossiers = page.dossiers_table({"unit_code": "99", "period": PERIOD, "indicator": "2.1", "procedure": "A"})
    assert dossiers.frame["dossier_code"].tolist() == ["c02", "c04", "c05", "e02"]
    procedures = page.procedures_table({"unit_code": "99", "period": PERIOD, "indicator": "2.1"})
    assert procedures.frame["procedure_code"].tolist() == ["A", "B"]
    children = page.children_table({"unit_code": "99", "period": PERIOD})
    assert children.frame["unit_code"].tolist() == ["991", "992", "99-STP"]
    assert children.frame["href"].iloc[0] == "/don-vi/991?period=2024-03"


def test_the_line_over_the_ledger_names_the_fewest_indicators_that_cover_the_next_band():
    import pandas as pd

    ledger = pd.DataFrame({"indicator_id": ["3.2", "2.1", "4.4", "2.2"], "points_lost": [3.02, 1.94, 1.6, None]})
    needs = {"next_band": "excellent", "points_to_next_band": 5.53}
    # 3.02 + 1.94 = 4.96 falls short of 5.53; with 4.4 it is covered
    assert page.climb_line(ledger, needs, "vi") == ("Cần thêm 5,53 điểm để đạt Xuất sắc: lấy lại điểm đã mất ở "
                                                    "3.2 (3,02), 2.1 (1,94), 4.4 (1,60).")
    assert page.climb_line(ledger, {"next_band": "good", "points_to_next_band": 2.5}, "en") == (
        "2.50 more points reach Good: recover the points lost in 3.2 (3.02).")
    assert page.climb_line(ledger, {"next_band": None, "points_to_next_band": 0.0}, "vi") == "Đã ở hạng cao nhất"


def test_periods_and_trend_of_a_unit(province):
    # latest first; a year before the quarter that starts with it
    assert queries.unit_periods("99").to_dict("list") == {"period": ["2024-03", "2024", "2024-Q1"],
                                                          "period_kind": ["month", "year", "quarter"]}
    monthly = queries.trend("99101", None)
    assert monthly["period"].tolist() == ["2024-03"]
    assert monthly["total"].iloc[0] == pytest.approx(queries.summary("99101", PERIOD)["total"])
    assert queries.trend("99101", date(2025, 7, 1)).empty  # no unit 99101 valid from the reform


def test_the_drill_says_it_is_judging_rather_than_hold_the_request(province):
    params = {"unit_code": "99", "period": PERIOD, "indicator": "3.6", "procedure": None}
    queries._DRILLS.clear()
    body, _, options, stop_waiting = page.show_drill(params, 0)
    assert (body.id, options, stop_waiting) == ("unit-judging", [], False)
    queries.judged(COUNTRY, "99", PERIOD)
    body, _, options, stop_waiting = page.show_drill(params, 1)
    assert stop_waiting and [o["value"] for o in options] == ["A", "C"]
    # an indicator without a list of rows needs no judging
    body, _, _, stop_waiting = page.show_drill({**params, "indicator": "4.7"}, 0)
    assert stop_waiting and body[0].id == "unit-no-rows"


def test_choosing_a_period_a_ledger_row_or_a_procedure(province):
    params = {"unit_code": "991", "period": "2024", "indicator": "2.1", "procedure": "A"}
    assert page.choose_period("2024-Q1", params) == "/don-vi/991?period=2024-Q1&indicator=2.1"
    assert page.pick_from_ledger([{"indicator_id": "4.2"}]) == "4.2"
    assert page.pick_procedure([{"procedure_code": "B"}]) == "B"
    # a new indicator clears the procedure; a new procedure keeps the indicator
    assert page.choose_drill("4.2", "A", params) == ({**params, "indicator": "4.2", "procedure": None}, None)
    chosen, _ = page.choose_drill("2.1", "B", params)
    assert chosen == {**params, "procedure": "B"}


def test_answers_are_kept_until_the_database_changes(province):
    import db

    first = queries.summary("99", PERIOD)["total"]
    assert queries.summary("99", PERIOD)["total"] == first
    writer = db.connect(province)
    writer.execute("update unit_scores set total = 12.5 where unit_code = '99' and period = ?", [PERIOD])
    writer.close()
    assert queries.summary("99", PERIOD)["total"] == 12.5
