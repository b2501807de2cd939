"""The rankings page and its queries over hand-made score rows: four provinces in 2024 with two of them tied at
85,50, a province's districts and communes, and two months, so every rank, count and gap is known."""
from __future__ import annotations

import pandas as pd
import pytest

import db
from access.scope import Scope
from app import create_app
from appserver import find
from dashboard import exports, theme
from dashboard.components import charts, selectors
from dashboard.queries import scores
from indicators import outputs

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import rankings as page  # noqa: E402

# Pages and callbacks run as a signed-in admin unless a test says otherwise.
pytestmark = pytest.mark.usefixtures("as_admin")

RULESET = "portal-2025"
PERIODS = {"2024": ("year", "2024-01-01"), "2024-Q4": ("quarter", "2024-10-01"), "2024-11": ("month", "2024-11-01"),
           "2024-12": ("month", "2024-12-01")}
# period, unit_code, kind, name, province, district, peer_list, total, band, rank, rank_in_district, rank_change
SCORES = [
    ("2024", "01", "province", "Thành phố Hà Nội", "01", None, "national", 92.004, "excellent", 1, None, 2),
    ("2024", "79", "province", "Thành phố Hồ Chí Minh", "79", None, "national", 85.5, "good", 2, None, 0),
    ("2024", "74", "province", "Tỉnh Bình Dương", "74", None, "national", 85.4951, "good", 2, None, -1),
    ("2024", "48", "province", "Thành phố Đà Nẵng", "48", None, "national", 68.0, "average", 4, None, None),
    ("2024", "718", "district", "Thành phố Thủ Dầu Một", "74", "718", "74:district", 93.1, "excellent", 1, None, None),
    ("2024", "721", "district", "Thành phố Bến Cát", "74", "721", "74:district", 88.0, "good", 2, None, None),
    ("2024", "25747", "commune", "Phường Phú Cường", "74", "718", "74:commune", 95.0, "excellent", 1, 1, 0),
    ("2024", "25750", "commune", "Phường Hiệp Thành", "74", "718", "74:commune", 89.0, "good", 3, 2, 1),
    ("2024", "25813", "commune", "Phường Mỹ Phước", "74", "721", "74:commune", 91.0, "excellent", 2, 1, -1),
    ("2024", "25816", "commune", "Xã An Điền", "74", "721", "74:commune", 72.0, "fair", 4, 2, 0),
    ("2024", "74-STP", "department", "Sở Tư pháp", "74", None, "74:department", 90.0, "excellent", 1, None, None),
    ("2024-Q4", "01", "province", "Thành phố Hà Nội", "01", None, "national", 91.0, "excellent", 1, None, None),
    ("2024-11", "01", "province", "Thành phố Hà Nội", "01", None, "national", 90.0, "excellent", 1, None, None),
    ("2024-11", "79", "province", "Thành phố Hồ Chí Minh", "79", None, "national", 80.0, "good", 2, None, None),
    ("2024-11", "74", "province", "Tỉnh Bình Dương", "74", None, "national", 79.0, "fair", 3, None, None),
    ("2024-12", "01", "province", "Thành phố Hà Nội", "01", None, "national", 90.0, "excellent", 1, None, None),
    ("2024-12", "79", "province", "Thành phố Hồ Chí Minh", "79", None, "national", 80.0, "good", 2, None, None),
]
# Indicator 2.1 (20 points, target 100 %): period, unit, numerator, denominator, points, no_data
VALUES_21 = [
    ("2024", "01", 95, 100, 19.0, False), ("2024", "79", 80, 100, 16.0, False), ("2024", "74", 0, 0, 0.0, True),
    ("2024", "48", 90, 100, 18.0, False),
    ("2024", "25747", 10, 10, 20.0, False), ("2024", "25750", 7, 10, 14.0, False),
    ("2024", "25813", 9, 10, 18.0, False), ("2024", "25816", 3, 4, 15.0, False),
    ("2024-11", "01", 10, 10, 20.0, False), ("2024-11", "79", 5, 10, 10.0, False),
    ("2024-11", "74", 6, 10, 12.0, False),
    ("2024-12", "01", 9, 10, 18.0, False), ("2024-12", "79", 7, 10, 14.0, False),
]


def build_scores(con) -> None:
    """Write the score rows above into unit_scores and indicator_values."""
    outputs.ensure(con)
    kinds = {r[1]: r[2] for r in SCORES}
    rows = pd.DataFrame(SCORES, columns=["period", "unit_code", "unit_kind", "unit_name", "province_code",
                                         "district_code", "peer_list", "total", "band", "rank", "rank_in_district",
                                         "rank_change"])
    rows["ruleset"] = RULESET
    rows["period_kind"] = rows["period"].map(lambda p: PERIODS[p][0])
    rows["period_start"] = pd.to_datetime(rows["period"].map(lambda p: PERIODS[p][1]))
    rows["n_peers"] = rows.groupby(["period", "peer_list"])["unit_code"].transform("count")
    for group, value in (("transparency", 15.0), ("progress", 18.0), ("online", 10.0), ("payment", 8.0),
                         ("digitisation", 20.0), ("satisfaction", 15.0)):
        rows[group] = value
    rows["score_change"] = rows["rank_change"].astype(float) / 2
    con.register("new_scores", rows)
    con.execute("insert into unit_scores by name select * from new_scores")
    values = pd.DataFrame(VALUES_21, columns=["period", "unit_code", "numerator", "denominator", "points", "no_data"])
    values["ruleset"] = RULESET
    values["period_kind"] = values["period"].map(lambda p: PERIODS[p][0])
    values["unit_kind"] = values["unit_code"].map(kinds)
    values["indicator_id"] = "2.1"
    values["group_key"] = "progress"
    values["max_points"] = 20.0
    values["not_applicable"] = False
    values["ratio"] = (values["numerator"] / values["denominator"]).where(~values["no_data"])
    con.register("new_values", values)
    con.execute("""create temp view new_values_long as
                   select *, null::date as period_start, null::date as period_end, null::timestamp as as_of,
                          null::date as unit_valid_from, null::timestamp as computed_at
                   from new_values""")
    outputs.insert_long(con, "new_values_long")


@pytest.fixture
def ranked(con, db_path, monkeypatch):
    build_scores(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def text(component) -> str:
    """Return the text inside a component, its children's joined."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    children = getattr(component, "children", None)
    return "".join(text(c) for c in (children if isinstance(children, (list, tuple)) else [children]))


def test_the_national_league_keeps_the_tie(ranked):
    league = scores.league("2024", "national")
    assert list(zip(league["rank"], league["unit_code"])) == [(1, "01"), (2, "79"), (2, "74"), (4, "48")]
    assert league["n_peers"].tolist() == [4, 4, 4, 4]
    assert league["href"].iloc[0] == "/don-vi/01?period=2024"
    assert [None if pd.isna(v) else v for v in league["rank_change"]] == [2, 0, -1, None]


def test_the_communes_of_a_district_are_ranked_among_themselves(ranked):
    league = scores.league("2024", "74:commune", district="721")
    assert list(zip(league["rank"], league["unit_name"])) == [(1, "Phường Mỹ Phước"), (2, "Xã An Điền")]
    assert league["n_peers"].tolist() == [2, 2]
    assert league["rank_change"].isna().all()  # a rank inside a district has no stored previous rank


def test_band_counts_and_the_units_at_the_target(ranked):
    counts = scores.band_counts("2024", "national", 85.5).set_index("band")
    assert counts["n_units"].to_dict() == {"excellent": 1, "good": 2, "average": 1}
    # 85,4951 rounds to 85,50 and reaches a target of 85,5, as it shares the rank of 85,50
    assert counts["n_at_target"].to_dict() == {"excellent": 1, "good": 2, "average": 0}
    assert int(scores.band_counts("2024", "national", 90)["n_at_target"].sum()) == 1


def test_the_points_a_unit_needs(ranked):
    row = scores.standing("48", "2024", "national", top=2).iloc[0]
    assert (row["rank"], row["n_peers"], row["total"], row["top_total"]) == (4, 4, 68.0, 85.5)
    need = page.needs(row["total"], row["rank"], row["n_peers"], row["top_total"], 90, top=2)
    assert (need["next_band"].key, need["to_next_band"], need["to_target"], need["to_top"]) == ("fair", 2.0, 22.0, 17.5)
    # a list no longer than the top has no top to enter
    assert pd.isna(scores.standing("48", "2024", "national").iloc[0]["top_total"])
    assert scores.standing("25747", "2024", "national").empty


def test_the_sentence_for_a_leader():
    # Bình Dương's published 2024 place: 84,47 points, 20th of 63, the tenth province at 88,26
    assert page.leader_text("Bình Dương", 84.47, 20, 63, 88.26, 90, "vi") == (
        "Bình Dương: hạng 20/63, 84,47 điểm; cần thêm 5,53 điểm để đạt Xuất sắc, 3,79 điểm để vào top 10.")
    assert page.leader_text("Bình Dương", 84.47, 20, 63, 88.26, 95, "en") == (
        "Bình Dương: rank 20 of 63, 84.47 points; needs 5.53 points to reach Excellent, 10.53 points to reach the "
        "target of 95, 3.79 points to enter the top 10.")
    assert page.leader_text("Hà Nội", 92.0, 1, 63, 88.26, 90, "vi") == (
        "Hà Nội: hạng 1/63, 92,00 điểm; đã đạt mục tiêu, trong top 10.")


def test_the_national_page(ranked):
    layout = page.layout(period="2024")
    rows = find(layout, "rankings-grid").rowData
    assert [(r["rank"], r["unit_name"], r["band_name"]) for r in rows] == [
        (1, "Thành phố Hà Nội", "Xuất sắc"), (2, "Thành phố Hồ Chí Minh", "Tốt"), (2, "Tỉnh Bình Dương", "Tốt"),
        (4, "Thành phố Đà Nẵng", "Trung bình")]
    assert text(find(layout, "rankings-n-units")) == "4"
    assert text(find(layout, "rankings-at-target")) == "25,0 % 1/4"
    assert [text(find(layout, f"rankings-band-{key}")) for key in ("excellent", "good", "fair", "average", "weak")] \
        == ["1", "2", "0", "1", "0"]
    assert "Chọn một dòng" in text(find(layout, "rankings-leader"))
    figure = find(layout, "rankings-chart").figure
    assert figure["data"][0]["y"] == [92.0, 85.5, 85.5, 68.0]
    assert figure["data"][0]["marker"]["color"][0] == "#1b7f3b"


def test_a_province_page_shows_the_province_among_the_provinces(ranked):
    layout = page.layout(period="2024", peers="74:commune", district="718", target="95")
    assert [r["unit_name"] for r in find(layout, "rankings-grid").rowData] == ["Phường Phú Cường", "Phường Hiệp Thành"]
    assert text(find(layout, "rankings-subtitle")) == "Năm 2024 · Tỉnh Bình Dương — Thành phố Thủ Dầu Một"
    assert text(find(layout, "rankings-leader-text")) == (
        "Tỉnh Bình Dương: hạng 2/4, 85,50 điểm; cần thêm 4,50 điểm để đạt Xuất sắc, 9,50 điểm để đạt mục tiêu 95.")
    assert text(find(layout, "rankings-at-target")) == "50,0 % 1/2"
    assert find(layout, "rankings-district").value == "718"


def test_picking_a_row_names_that_unit(ranked):
    state = {"period": "2024", "peers": "74:commune", "district": None, "target": 90.0, "unit": None}
    leader, new_state = page.pick({"rowId": "25816"}, state)
    assert text(leader) == ("Xã An Điền: hạng 4/4, 72,00 điểm; cần thêm 8,00 điểm để đạt Tốt, 18,00 điểm để đạt "
                            "mục tiêu 90. Khá")
    assert new_state["unit"] == "25816"


def test_the_query_string_is_made_valid(ranked):
    scope, choices = selectors.resolve({})
    assert (scope.period, scope.peers) == ("2024", "national")  # the latest year
    assert list(choices.periods["code"]) == ["2024-12", "2024-11", "2024-Q4", "2024"]
    assert selectors.resolve({"kind": "month"})[0].period == "2024-12"
    assert selectors.resolve({"period": "1999"})[0].period == "2024"
    # another kind keeps the year shown: its latest period in that year
    assert selectors.resolve({"kind": "quarter", "period": "2024"})[0].period == "2024-Q4"
    assert selectors.resolve({"kind": "month", "period": "2024-Q4"})[0].period == "2024-12"
    assert selectors.resolve({"period": "2024-11"})[0].period == "2024-11"
    # Bình Dương is not ranked in December: the national list instead
    assert selectors.resolve({"period": "2024-12", "peers": "74:district"})[0].peers == "national"
    scope, choices = selectors.resolve({"period": "2024", "peers": "74:ward"})
    assert (scope.peers, choices.peer_lists) == ("74:commune", ("74:commune", "74:department", "74:district"))
    scope, _ = selectors.resolve({"period": "2024", "peers": "74:commune", "district": "*"})
    assert (scope.level, scope.district) == ("district-communes", "718")


def test_the_selectors_write_the_query_string():
    assert selectors.query("province", "year", "2024", "74", "district-communes", "718") == {
        "period": "2024", "peers": "74:commune", "district": "*"}
    assert selectors.query("district", "year", "2024", "74", "district-communes", "721") == {
        "period": "2024", "peers": "74:commune", "district": "721"}
    assert selectors.query("kind", "month", "2024", "74", "district", None) == {
        "kind": "month", "period": "2024", "peers": "74:district"}
    assert selectors.query("province", "year", "2024", "national", "district", None) == {
        "period": "2024", "peers": "national"}
    assert selectors.period_label("2024-Q3") == "Quý 3/2024"
    assert selectors.period_label("2024-07") == "Tháng 7/2024"
    assert selectors.period_label("2024-07", "en") == "Jul 2024"


def test_the_download_holds_the_table_on_screen(ranked):
    table = exports.fetch(Scope.country(), "rankings", {"period": "2024", "peers": "national"})
    assert table.frame["unit_code"].tolist() == ["01", "79", "74", "48"]
    assert table.subtitle == ("Năm 2024 · Các tỉnh, thành phố", "Year 2024 · Provinces nationally")
    csv = exports.to_csv(table, "vi").decode("utf-8-sig")
    assert "Thành phố Đà Nẵng" in csv and "Trung bình" in csv
    assert csv.splitlines()[0].startswith("Hạng,Thay đổi hạng,Đơn vị,Công khai (18)")


def test_new_figures_show_as_soon_as_the_database_changes(ranked):
    assert scores.league("2024", "74:district")["total"].tolist() == [93.1, 88.0]
    with db.writing(ranked) as con:
        con.execute("update unit_scores set total = 94.5 where period = '2024' and unit_code = '721'")
    assert scores.league("2024", "74:district")["total"].tolist() == [93.1, 94.5]


def test_units_sharing_a_short_name_keep_their_own_bars():
    frame = pd.DataFrame({"unit_code": ["26734", "27001"], "unit_name": ["Phường An Phú", "Xã An Phú"],
                          "total": [91.234, 79.0],
                          "band": ["excellent", "fair"]})
    figure = charts.league_bars(frame, theme.bands(), 85, "vi")
    bars = figure["data"][0]
    assert (bars["x"], bars["y"], bars["customdata"]) == ([0, 1], [91.23, 79.0], ["Phường An Phú", "Xã An Phú"])
    assert bars["ids"] == ["26734", "27001"]
    assert figure["layout"]["xaxis"]["ticktext"] == ["An Phú", "An Phú"]
    assert bars["marker"]["color"] == [theme.BAND_COLORS["excellent"], theme.BAND_COLORS["fair"]]
    lines = [(shape["y0"], shape["line"]["dash"]) for shape in figure["layout"]["shapes"]]
    assert lines == [(90, "dot"), (80, "dot"), (70, "dot"), (50, "dot"), (85, "dash")]
    assert figure["layout"]["annotations"][-1]["text"] == "Mục tiêu 85"


def test_a_scope_named_in_full_is_guessed_before_it_is_confirmed():
    assert selectors.guess({"period": "2024", "peers": "74:commune", "district": "718"}) == selectors.Scope(
        "2024", "74", "district-communes", "718")
    assert selectors.guess({"period": "2024"}) == selectors.Scope("2024")
    assert selectors.guess({"kind": "month"}) is None
    assert selectors.guess({"kind": "month", "period": "2024"}) is None
    assert selectors.guess({"period": "2024", "peers": "74:ward"}) is None
    assert selectors.guess({"period": "2024", "peers": "74:commune", "district": "*"}) is None


def test_an_address_that_names_a_list_the_period_lacks_shows_the_national_list(ranked):
    layout = page.layout(period="2024-12", peers="74:district")
    assert [r["unit_code"] for r in find(layout, "rankings-grid").rowData] == ["01", "79"]
    assert find(layout, "rankings-state").data["peers"] == "national"


def test_a_database_never_scored_shows_no_data(db_path, monkeypatch):
    monkeypatch.setenv("KPI766_DB", str(db_path))
    assert "Chưa có dữ liệu" in text(page.layout())
