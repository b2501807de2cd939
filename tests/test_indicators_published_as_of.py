"""1.2 judged at the effective period end (§4, 1.2): a decision not yet published whose deadline (decision date + 5
working days) is still ahead is not late; it counts as on time, as an open dossier not yet overdue does.

Province Bình Dương (74), values counted by hand; the old engine counted every unpublished decision as late (the
values in the comments).
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import COMMUNE, PROVINCE, add_decision, add_procedure, score


@pytest.fixture
def con(con):
    for code in ("P1", "P2", "P3", "P4", "P5"):
        add_procedure(con, code)
    return con


def published(con, period: str, as_of: datetime, unit: str = COMMUNE) -> tuple:
    v = score(con, period=period, unit=unit, as_of=as_of)["1.2"]
    return v["numerator"], v["denominator"], v["points"], v["no_data"]


def test_the_live_month_does_not_count_a_decision_still_within_its_deadline_as_late(con):
    # as_of Wed 27 Mar 2024 12:00, March is live.
    # P1 decided Mon 25 Mar, not published; due Mon 1 Apr (26, 27, 28, 29 Mar, 1 Apr): not yet overdue → on time.
    # P2 decided Mon 18 Mar, not published; due Mon 25 Mar: overdue → late.
    # P3 decided Tue 19 Mar, published Wed 20 Mar: on time.
    add_decision(con, "P1", "1", "2024-03-25")
    add_decision(con, "P2", "2", "2024-03-18")
    add_decision(con, "P3", "3", "2024-03-19", published="2024-03-20 10:00")
    # 2 of 3 → 4 × 2/3 (the old engine: 1 of 3)
    n, d, points, no_data = published(con, "2024-03", datetime(2024, 3, 27, 12))
    assert (n, d, no_data) == (2, 3, False) and points == pytest.approx(8 / 3)
    # the same unit's province and every unit of it get the same value
    assert published(con, "2024-03", datetime(2024, 3, 27, 12), PROVINCE)[:2] == (2, 3)


def test_a_period_scored_within_five_working_days_of_its_end(con):
    # P4 decided Wed 28 Feb 2024, not published; due Wed 6 Mar (29 Feb, 1, 4, 5, 6 Mar).
    # P5 decided Mon 19 Feb, published Wed 28 Feb; due Mon 26 Feb → late.
    add_decision(con, "P4", "4", "2024-02-28")
    add_decision(con, "P5", "5", "2024-02-19", published="2024-02-28 09:00")
    # February scored on Mon 4 Mar 10:00 and judged at its end (1 Mar 00:00): P4 not yet due → on time; 1 of 2
    # (the old engine: 0 of 2).
    assert published(con, "2024-02", datetime(2024, 3, 4, 10)) == (1, 2, 2.0, False)
    # March as of 4 Mar 10:00: P4 is neither dated in March nor due by then → no data.
    assert published(con, "2024-03", datetime(2024, 3, 4, 10)) == (0, 0, 0.0, True)
    # March as of 31 Mar: P4 fell due on 6 Mar unpublished → late, 0 of 1; February is judged at its own end still.
    assert published(con, "2024-03", datetime(2024, 3, 31)) == (0, 1, 0.0, False)
    assert published(con, "2024-02", datetime(2024, 3, 31)) == (1, 2, 2.0, False)


def test_published_after_the_period_end_is_judged_at_that_end(con):
    # P1 decided Wed 28 Feb 2024, published Thu 7 Mar (a day after its deadline, Wed 6 Mar).
    # February, judged at 1 Mar 00:00: not yet published and not yet due → on time; March: due in it → late.
    add_decision(con, "P1", "1", "2024-02-28", published="2024-03-07 09:00")
    assert published(con, "2024-02", datetime(2024, 4, 30)) == (1, 1, 4.0, False)
    assert published(con, "2024-03", datetime(2024, 4, 30)) == (0, 1, 0.0, False)
