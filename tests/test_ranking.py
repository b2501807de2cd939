"""Ranks against the previous period of the same kind: score change and rank change, ties, and the rule set recorded."""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import add_dossier, add_procedure

from indicators import engine

AS_OF = datetime(2025, 1, 31)


@pytest.fixture
def two_provinces(con):
    # Hà Nội (01) is on time in February and late in March; Hà Giang (02) the other way round.
    for province in ("01", "02"):
        add_procedure(con, "X", province, levels=["province"])
    add_dossier(con, "01-feb", "01", "2024-02-19 08:00", procedure="X", due_at="2024-02-20 17:00", finished_at="2024-02-20 10:00")
    add_dossier(con, "02-feb", "02", "2024-02-19 08:00", procedure="X", due_at="2024-02-20 17:00", finished_at="2024-02-21 10:00")
    add_dossier(con, "01-mar", "01", "2024-03-04 08:00", procedure="X", due_at="2024-03-05 17:00", finished_at="2024-03-06 10:00")
    add_dossier(con, "02-mar", "02", "2024-03-04 08:00", procedure="X", due_at="2024-03-05 17:00", finished_at="2024-03-05 10:00")
    engine.refresh(con, as_of=AS_OF)
    return con


def rows(con, period: str) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        """select unit_code, total, rank, previous_total, score_change, previous_rank, rank_change, ruleset
           from unit_scores where period = ? and unit_kind = 'province'""", [period]).fetchall()}


def test_change_of_score_and_rank_against_the_previous_month(two_provinces):
    # on time: 1.3 2 + 2.1 20 + 4.7 2 (no data) + 5.1, 5.2 12 (no feedback) + 5.3 6 = 42; late: 16
    feb, mar = rows(two_provinces, "2024-02"), rows(two_provinces, "2024-03")
    assert feb["01"][:2] == (42, 1) and feb["02"][:2] == (16, 2)
    assert feb["01"][2:6] == (None, None, None, None)  # January has no data: nothing to compare with
    assert mar["01"][:6] == (16, 2, 42, -26, 1, -1)
    assert mar["02"][:6] == (42, 1, 16, 26, 2, 1)
    assert {r[6] for r in mar.values()} == {"portal-2025"}


def test_equal_totals_share_a_rank(two_provinces):
    # over the quarter each has one dossier on time of two: 2 + 10 + 2 + 12 + 6 × 0.5 / 0.9
    q1 = rows(two_provinces, "2024-Q1")
    assert q1["01"][:2] == (pytest.approx(26 + 10 / 3), 1)
    assert q1["02"][:2] == (pytest.approx(26 + 10 / 3), 1)


def test_every_month_quarter_and_year_with_data_is_stored(two_provinces):
    periods = [r[0] for r in two_provinces.execute(
        "select distinct period from unit_scores where unit_code = '01' order by period").fetchall()]
    assert periods == ["2024", "2024-02", "2024-03", "2024-Q1"]


def test_a_second_rule_set_is_stored_beside_the_first(two_provinces):
    engine.refresh(two_provinces, "decision-766-text", as_of=AS_OF, kinds=("month",))
    counts = dict(two_provinces.execute("""select ruleset, count(*) from unit_scores
                                           where period = '2024-03' and unit_kind = 'province' group by all""").fetchall())
    assert counts == {"portal-2025": 2, "decision-766-text": 2}
    # no feedback, redistributed: 5.1 on 2.1's ratio (0 or 1), 5.2 on 5.3's (0 or 1): 42 and 4
    mar = dict(two_provinces.execute("""select unit_code, total from unit_scores where period = '2024-03'
                                        and ruleset = 'decision-766-text' and unit_kind = 'province'""").fetchall())
    assert mar == {"01": 4, "02": 42}


def test_quarters_added_up_from_months_equal_quarters_computed_directly(two_provinces):
    query = """select unit_code, indicator_id, numerator, denominator, points from indicator_values
               where period in ('2024-Q1', '2024') order by all"""
    from_months = two_provinces.execute(query).fetchall()
    engine.refresh(two_provinces, as_of=AS_OF, kinds=("quarter", "year"))
    assert two_provinces.execute(query).fetchall() == from_months


def test_a_refresh_drops_the_periods_that_no_longer_hold_data(two_provinces):
    two_provinces.execute("delete from dossiers where received_at < '2024-03-01'")
    engine.refresh(two_provinces, as_of=AS_OF)
    periods = {r[0] for r in two_provinces.execute("select distinct period from unit_scores").fetchall()}
    assert periods == {"2024", "2024-03", "2024-Q1"}
