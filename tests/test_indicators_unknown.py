"""Unknown is not compliant and not failing (methodology §3): a row whose value an indicator needs is unknown leaves
its numerator and its denominator, and the rows left out are stored per unit, period and indicator (`u_` in
unit_indicators, `excluded_rows` in indicator_values) and shown beside the score: the unit page, its downloads, the
PDF report and `python -m indicators score --unit`, in Vietnamese and English.

One rule declared on the indicators (`Indicator.unknown`): 1.1 (a decision without legal_effective_date), 2.1, 5.3
and 3.x4 (a dossier with neither due_at nor a statutory time limit), 5.1 and 5.2 (a feedback item without due_at),
4.7 (a commune with unknown offers_e_certified_copy). Ward Phú Cường (25747), March 2024.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import (
    COMMUNE,
    COMMUNE_2,
    DISTRICT,
    PROVINCE,
    add_decision,
    add_dossier,
    add_event,
    add_feedback,
    add_procedure,
)

from indicators import REGISTRY, engine, outputs, periods, report, rulesets

AS_OF = datetime(2024, 4, 30)
RANGE = "2024-03-01..2024-03-31"


def values(con, period: str, unit: str = COMMUNE) -> dict[str, tuple]:
    rows = con.execute("""select indicator_id, numerator, denominator, excluded_rows, points from indicator_values
                          where period = ? and unit_code = ? and ruleset = 'portal-2025'""", [period, unit]).fetchall()
    return {r[0]: r[1:] for r in rows}


def both(con, unit: str = COMMUNE) -> dict[str, tuple]:
    """Return {id: (numerator, denominator, excluded, points)} for March, by a full refresh and scored alone (equal)."""
    engine.refresh(con, as_of=AS_OF)
    by_months = values(con, "2024-03", unit)
    engine.score_range(con, periods.parse(RANGE), as_of=AS_OF)
    assert values(con, RANGE, unit) == by_months
    return by_months


@pytest.fixture
def announced(con):
    """Decisions of Mon 4 Mar 2024 (working days counted after it, up to the effective date):
    PA effective Wed 20 Mar (12 days: on time); PB none (unknown); PC Wed 6 Mar (2: late);
    PD one without a date and one effective Tue 5 Mar (1: late): late whatever the other;
    PE one without a date and one effective 20 Mar: unknown."""
    add_procedure(con, "P1")
    add_dossier(con, "D", finished_at="2024-03-05 08:00", due_at="2024-03-11 17:00")  # March holds data
    for procedure, number, effective in (("PA", "1", "2024-03-20"), ("PB", "2", None), ("PC", "3", "2024-03-06"),
                                         ("PD", "4", None), ("PD", "5", "2024-03-05"), ("PE", "6", None),
                                         ("PE", "7", "2024-03-20")):
        add_decision(con, procedure, number, "2024-03-04", effective=effective, published="2024-03-04 10:00")
    return con


def test_a_decision_without_an_effective_date_leaves_1_1(announced):
    # 1.1 = PA / {PA, PC, PD} = 1 / 3 → 6 × 1/3 = 2 points; PB and PE left out: 2.
    # The engine once counted them on time: 3 / 5, 3.6 points.
    got = both(announced)["1.1"]
    assert got == (1, 3, 2, pytest.approx(2.0))
    # the province's value, given to every unit of it
    assert both(announced, PROVINCE)["1.1"] == got


def test_a_dossier_without_any_deadline_leaves_2_1_and_5_3_unless_its_rating_decides(con):
    # K1 (P1, due, finished on time, online); P0 has no time limit: U1 finished (online), U2 open, U3 finished
    # rated unsatisfied, none with due_at. 2.1 = K1 / K1, 3 left out. 5.3: U3 fails whatever its due time, so
    # 5.3 = K1 / {K1, U3} = 1 / 2 → 6 × min(1, 0.5 / 0.9) = 3.33 points, U1 and U2 left out. 3.x4 (online):
    # 1 / 1, U1 left out. The engine once counted them on time: 2.1 4 / 4, 5.3 3 / 4.
    add_procedure(con, "P1")
    add_procedure(con, "P0", max_processing_days=None)
    add_dossier(con, "K1", channel="online", due_at="2024-03-11 17:00", finished_at="2024-03-06 08:00")
    add_dossier(con, "U1", procedure="P0", channel="online", finished_at="2024-03-06 08:00")
    add_dossier(con, "U2", procedure="P0")
    add_dossier(con, "U3", procedure="P0", finished_at="2024-03-06 08:00", rating="unsatisfied")
    got = both(con)
    assert got["2.1"] == (1, 1, 3, 20.0)
    assert got["5.3"] == (1, 2, 2, pytest.approx(6 * 0.5 / 0.9))
    assert got["3.x4"][:3] == (1, 1, 1)


def test_a_second_supplement_request_makes_a_dossier_without_deadline_late_not_unknown(con):
    # More than one supplement request: late (§4), whatever the due time: counted, not left out.
    add_procedure(con, "P0", max_processing_days=None)
    add_dossier(con, "U", procedure="P0")
    for seq, (event, at) in enumerate([("received", "2024-03-04 08:00"), ("supplement_requested", "2024-03-05 08:00"),
                                       ("supplement_completed", "2024-03-05 10:00"),
                                       ("supplement_requested", "2024-03-06 08:00")], 1):
        add_event(con, "U", seq, event, at)
    assert both(con)["2.1"] == (0, 1, 0, 0.0)


def test_feedback_without_a_due_time_leaves_5_1_and_5_2_unless_its_votes_decide(con):
    # F1 due 15 Mar, handled 10 Mar: on time. F2 no due time, handled. F3 no due time, 3 dislikes, no like: fails 5.2
    # whatever its due time. 5.1 = 1 / 1, 2 left out; 5.2 = 1 / 2, 1 left out → 3 points.
    # The engine once counted them on time: 5.1 3 / 3, 5.2 2 / 3.
    add_procedure(con, "P1")
    add_feedback(con, "F1", due_at="2024-03-15 17:00", handled_at="2024-03-10 09:00", likes=1, dislikes=0)
    add_feedback(con, "F2", handled_at="2024-03-10 09:00")
    add_feedback(con, "F3", handled_at="2024-03-10 09:00", likes=0, dislikes=3)
    got = both(con)
    assert got["5.1"] == (1, 1, 2, 6.0)
    assert got["5.2"] == (1, 2, 1, 3.0)


def test_a_commune_with_unknown_certified_copies_leaves_4_7_and_shows(con):
    # Thủ Dầu Một (718) has 14 wards; Phú Cường offers electronic certified copies, Hiệp Thành does not, the 12
    # others are unknown: 4.7 = 1 / 2 (1 point), 12 left out; Bình Dương's 91 communes: 1 / 2, 89 left out.
    # Hiệp Thành: 0 / 1. Ward 25744 (unknown): no data, full points, 1 left out, and it shows.
    add_procedure(con, "P1")
    add_dossier(con, "D", finished_at="2024-03-05 08:00")
    con.execute("update units set offers_e_certified_copy = (unit_code = ?) where unit_code in (?, ?)",
                [COMMUNE, COMMUNE, COMMUNE_2])
    assert both(con, DISTRICT)["4.7"] == (1, 2, 12, 1.0)
    assert values(con, "2024-03", PROVINCE)["4.7"] == (1, 2, 89, 1.0)
    assert values(con, "2024-03", COMMUNE_2)["4.7"] == (0, 1, 0, 0.0)
    assert values(con, "2024-03", "25744")["4.7"] == (0, 0, 1, 2.0)
    assert values(con, "2024-03", COMMUNE)["4.7"] == (1, 1, 0, 2.0)


def test_every_indicator_stores_its_rows_left_out_and_those_without_the_rule_store_zero(announced):
    engine.refresh(announced, as_of=AS_OF)
    columns = {r[0] for r in announced.execute("describe unit_indicators").fetchall()}
    assert {f"u_{outputs.ref(i)}" for i in REGISTRY} <= columns
    got = values(announced, "2024-03")
    declared = {i for i, ind in REGISTRY.items() if ind.unknown is not None}
    assert declared == {"1.1", "2.1", "3.x4", "4.7", "5.1", "5.2", "5.3"}
    assert all(got[i][2] == 0 for i in REGISTRY if i not in declared)


def test_an_older_database_is_folded_in_with_its_rows_left_out_unknown(con):
    # unit_indicators as stored before the rows left out were counted: no u_ columns. Opened by this version it
    # gets them, empty (null: not counted then), and keeps its values.
    outputs.ensure(con)
    kept = ", ".join(f"{c} {t}" for c, t in con.execute("select column_name, column_type from (describe unit_indicators) "
                                                         "where not starts_with(column_name, 'u_')").fetchall())
    con.execute("drop view indicator_values")
    con.execute("drop table unit_indicators")
    con.execute(f"create table unit_indicators ({kept})")
    con.execute("""insert into unit_indicators (ruleset, period, period_kind, unit_code, n_2_1, d_2_1, p_2_1, x_2_1,
                                                a_2_1)
                   values ('portal-2025', '2024', 'year', '74', 3, 4, 15, 20, false)""")
    outputs.ensure(con)
    row = con.execute("""select numerator, denominator, points, excluded_rows from indicator_values
                         where indicator_id = '2.1'""").fetchone()
    assert row == (3, 4, 15, None)


def test_the_note_beside_the_score_in_both_languages():
    unknown = REGISTRY["1.1"].unknown
    assert unknown.describe(3, "vi") == "3 TTHC có quyết định chưa có ngày hiệu lực, không tính"
    assert unknown.describe(3, "en") == "3 procedures with a decision without an effective date, not counted"
    assert unknown.describe(1, "en") == "1 procedure with a decision without an effective date, not counted"
    assert REGISTRY["2.1"].unknown.describe(1234, "vi").startswith("1.234 hồ sơ không có hạn giải quyết")
    assert report.excluded_note("2.1", 0) == "" and report.excluded_note("1.3", 5) == ""
    assert report.excluded_note("2.1", None) == ""


def test_the_cli_shows_the_rows_left_out_beside_the_score(announced, db_path, capsys, tmp_path):
    from indicators.__main__ import main
    announced.close()
    assert main(["score", "--period", "2024-03", "--unit", COMMUNE, "--db", str(db_path), "--as-of", "2024-04-30"]) == 0
    out = capsys.readouterr().out
    assert "Không tính" in out and "2 TTHC có quyết định chưa có ngày hiệu lực, không tính" in out
    csv = tmp_path / "unit.csv"
    assert main(["score", "--period", "2024-03", "--unit", COMMUNE, "--db", str(db_path), "--format", "csv",
                 "--out", str(csv)]) == 0
    text = csv.read_text(encoding="utf-8-sig")
    assert "excluded_rows" in text and "2 TTHC có quyết định chưa có ngày hiệu lực, không tính" in text


def test_the_unit_detail_frame_carries_the_rows_and_the_note(announced):
    engine.refresh(announced, as_of=AS_OF)
    frame = report.unit_detail(announced, rulesets.load(), "2024-03", COMMUNE).set_index("indicator_id")
    assert frame.loc["1.1", "excluded_rows"] == 2
    assert frame.loc["1.1", "excluded_note"] == "2 TTHC có quyết định chưa có ngày hiệu lực, không tính"
    assert frame.loc["1.3", "excluded_note"] == ""
