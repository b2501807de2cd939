"""Scores on today's boundaries: a period before the 2025 reform scored once more on today's tree.

The world, worked by hand on indicator 1.4 (dossiers synced to the national portal / dossiers received; 6 points,
target 100 %):

- 2024-Q1, in three old provinces that merged into new Hồ Chí Minh City (79):
  Phú Cường (old 25747, Bình Dương 74) synced · Phú Thọ (25753, 74) not synced · Hiệp Thành (25741, 74), divided
  between Phú Lợi (25750, its default successor) and Thủ Dầu Một, synced · Tân Định (26734, old Hồ Chí Minh City
  79) not synced · Phường 1 (26506, Bà Rịa-Vũng Tàu 77) synced.
- 2025-Q2: Phú Thọ (old 25753) synced; 2025-Q3: Thủ Dầu Một (new 25747, the code of old Phú Cường reused) not synced.

As was: 2024-Q1 ranks 63 provinces; old Phú Cường 1/1, old Bình Dương 2/3, old Hồ Chí Minh City (79 of the old
tree) 0/1. On today's boundaries: 34 provinces; new Thủ Dầu Một = Phú Cường + Phú Thọ = 1/2 (Hiệp Thành follows its
default successor Phú Lợi: 1/1, all of it from a divided commune); new Hồ Chí Minh City = all five = 3/5, a fifth
of it from a divided commune. Q3 2025 of Thủ Dầu Một compares, on today's boundaries, with Q2 2025 of the wards
that made it (Phú Thọ 1/1: 6 points on 1.4), and as was with nothing.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest
from test_engine_helpers import add_dossier, add_procedure

from indicators import boundaries, engine, periods

AS_OF = datetime(2025, 9, 30)
REFORM = date(2025, 7, 1)


def build_world(con) -> None:
    """Insert the world of this module's docstring and score its quarters and months."""
    for (code,) in con.execute("select distinct unit_code from units where kind = 'province'").fetchall():
        add_procedure(con, "X", code)
    for code, unit, synced in (("a", "25747", True), ("b", "25753", False), ("c", "25741", True),
                               ("d", "26734", False), ("e", "26506", True)):
        add_dossier(con, code, unit, "2024-02-05 08:00", procedure="X", synced_to_portal=synced)
    add_dossier(con, "f", "25753", "2025-05-05 08:00", procedure="X", synced_to_portal=True)
    add_dossier(con, "g", "25747", "2025-08-05 08:00", procedure="X", synced_to_portal=False)
    engine.refresh(con, as_of=AS_OF, kinds=("quarter", "month"))


@pytest.fixture
def world(con):
    build_world(con)
    return con


def synced(con, view: str, period: str, unit: str) -> tuple:
    return con.execute(f"""select numerator, denominator, points from {boundaries.VALUES[view]}
                           where period = ? and unit_code = ? and indicator_id = '1.4'""", [period, unit]).fetchone()


def row(con, view: str, period: str, unit: str) -> dict:
    cur = con.execute(f"select * from {boundaries.SCORES[view]} where period = ? and unit_code = ?", [period, unit])
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip([d[0] for d in cur.description], rows[0]))


def test_as_was_stays_the_record_of_the_old_tree(world):
    assert synced(world, "as_was", "2024-Q1", "25747") == (1, 1, 6)
    assert synced(world, "as_was", "2024-Q1", "74") == (2, 3, 4)
    assert synced(world, "as_was", "2024-Q1", "79") == (0, 1, 0)
    old = row(world, "as_was", "2024-Q1", "79")
    assert (old["unit_valid_from"], old["n_peers"]) == (None, 63)
    assert row(world, "as_was", "2024-Q1", "25747")["unit_name"] == "Phường Phú Cường"


def test_today_redraws_the_old_units_into_their_successors(world):
    assert synced(world, "today", "2024-Q1", "25747") == (1, 2, 3)
    assert synced(world, "today", "2024-Q1", "25750") == (1, 1, 6)
    assert synced(world, "today", "2024-Q1", "79") == (3, 5, pytest.approx(3.6))
    city = row(world, "today", "2024-Q1", "79")
    assert (city["unit_valid_from"], city["unit_name"], city["n_peers"]) == (REFORM, "Thành phố Hồ Chí Minh", 34)
    ward = row(world, "today", "2024-Q1", "25747")
    assert (ward["unit_name"], ward["province_code"], ward["district_code"]) == ("Phường Thủ Dầu Một", "79", None)
    # the old provinces that merged have no row of their own on today's boundaries
    assert world.execute("select count(*) from unit_scores_today where period = '2024-Q1' and unit_code in ('74', '77')"
                         ).fetchone()[0] == 0
    assert world.execute("select count(*) from unit_scores_today where period = '2024-Q1' and unit_kind = 'province'"
                         ).fetchone()[0] == 34


def test_the_share_from_divided_communes(world):
    assert row(world, "today", "2024-Q1", "25750")["divided_share"] == 1
    assert row(world, "today", "2024-Q1", "25747")["divided_share"] == 0
    assert row(world, "today", "2024-Q1", "79")["divided_share"] == pytest.approx(0.2)
    # a unit without dossiers in the period has no share
    assert row(world, "today", "2024-Q1", "01")["divided_share"] is None


def test_periods_after_the_reform_are_stored_once_and_compared_across_it(world):
    assert world.execute("select count(*) from redrawn_scores where period_end >= ?", [REFORM]).fetchone()[0] == 0
    assert synced(world, "today", "2025-Q2", "25747") == (1, 1, 6)
    assert synced(world, "as_was", "2025-Q2", "25753") == (1, 1, 6)
    was, now = row(world, "as_was", "2025-Q3", "25747"), row(world, "today", "2025-Q3", "25747")
    assert was["previous_total"] is None and was["score_change"] is None
    before = row(world, "today", "2025-Q2", "25747")
    assert now["total"] == was["total"]
    assert now["previous_total"] == before["total"]
    assert now["score_change"] == pytest.approx(was["total"] - before["total"])
    assert now["rank_change"] == before["rank"] - now["rank"]
    # the as-was history of the reused code is two units; today's is one
    assert world.execute("select count(distinct unit_valid_from) from unit_scores_today where unit_code = '25747'"
                         ).fetchone()[0] == 1


def test_a_range_before_the_reform_is_redrawn_too(world):
    engine.score_range(world, periods.parse("2024-02-01..2024-02-29"), as_of=AS_OF)
    assert synced(world, "as_was", "2024-02-01..2024-02-29", "74") == (2, 3, 4)
    assert synced(world, "today", "2024-02-01..2024-02-29", "79") == (3, 5, pytest.approx(3.6))


def test_a_refresh_since_a_day_keeps_the_redrawn_rows_as_a_full_one(world):
    full = world.execute("select period, unit_code, total, divided_share from redrawn_scores order by all").fetchall()
    engine.refresh(world, as_of=AS_OF, kinds=("quarter", "month"), since=date(2025, 8, 1))
    assert world.execute("select period, unit_code, total, divided_share from redrawn_scores order by all"
                         ).fetchall() == full


def test_the_national_report_of_old_units_counts_for_their_successors(world):
    """1.4's denominator is the larger of the dossiers received and the national report's total. Reports for
    February 2024: old Bình Dương 10, old Hồ Chí Minh City 1. As was, Bình Dương 2/10 (1,2 points); on today's
    boundaries new Hồ Chí Minh City holds both: 3 synced of max(5 received, 11 reported) = 3/11."""
    for unit, total in (("74", 10), ("79", 1)):
        world.execute("insert into national_report (unit_code, period_start, period_end, dossiers_received) "
                      "values (?, '2024-02-01', '2024-02-29', ?)", [unit, total])
    engine.refresh(world, as_of=AS_OF, kinds=("quarter",))
    assert synced(world, "as_was", "2024-Q1", "74") == (2, 10, pytest.approx(1.2))
    assert synced(world, "as_was", "2024-Q1", "79") == (0, 1, 0)
    assert synced(world, "today", "2024-Q1", "79") == (3, 11, pytest.approx(6 * 3 / 11))
    # the stored report is read again once the pass is over
    assert world.execute("select count(*) from national_report").fetchone()[0] == 2
