"""Group 2: on-time processing (2.1) and average processing time (2.2), worked out by hand.

Ward Phú Cường (25747), procedure P1 (10 working days), March 2024 unless said otherwise.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import add_dossier, add_event, add_procedure, score

DUE = "2024-03-11 17:00"


@pytest.fixture
def con(con):
    add_procedure(con, "P1")
    return con


def on_time(con, **kwargs) -> tuple[float, float, float]:
    """Return 2.1's numerator, denominator and points for the unit."""
    v = score(con, **kwargs)["2.1"]
    return v["numerator"], v["denominator"], v["points"]


def test_exactly_on_time_and_one_minute_late(con):
    add_dossier(con, "ON", due_at=DUE, finished_at="2024-03-11 17:00")
    add_dossier(con, "LATE", due_at=DUE, finished_at="2024-03-11 17:01")
    assert on_time(con) == (1, 2, 10.0)


def test_a_recorded_due_time_is_kept_after_a_supplement(con, tmp_path):
    # finished 17 h after the due time; the citizen took 2 days (48 h) to supplement. Methodology §4: on time means
    # end ≤ due_at as recorded (the one-stop system re-issues it after a supplement), so both are late (0 / 2); the
    # rule-set option for sources that keep the first due date takes the 48 h off: 10 Mar 10:00 ≤ due, 1 / 2
    add_dossier(con, "S", due_at=DUE, finished_at="2024-03-12 10:00")
    add_event(con, "S", 1, "received", "2024-03-04 08:00")
    add_event(con, "S", 2, "supplement_requested", "2024-03-05 08:00")
    add_event(con, "S", 3, "supplement_completed", "2024-03-07 08:00")
    add_event(con, "S", 4, "finished", "2024-03-12 10:00")
    add_dossier(con, "N", due_at=DUE, finished_at="2024-03-12 10:00")
    assert on_time(con) == (0, 2, 0.0)
    (tmp_path / "first-due.toml").write_text('name = "first-due"\nextends = "portal-2025"\n'
                                             '[options]\ndeduct_supplement_from_due = true\n')
    assert on_time(con, ruleset=str(tmp_path / "first-due.toml")) == (1, 2, 10.0)


def test_two_supplement_requests_make_it_late(con):
    add_dossier(con, "TWO", due_at=DUE)
    for seq, (event, at) in enumerate([("received", "2024-03-04 08:00"), ("supplement_requested", "2024-03-05 08:00"),
                                       ("supplement_completed", "2024-03-05 10:00"),
                                       ("supplement_requested", "2024-03-06 08:00"),
                                       ("supplement_completed", "2024-03-06 10:00"), ("finished", "2024-03-07 08:00")]):
        add_event(con, "TWO", seq, event, at)
    assert on_time(con) == (0, 1, 0.0)


def test_an_unanswered_supplement_request_ends_at_the_request(con):
    # one open request: the request time is the end; before the due time → on time, after → late
    add_dossier(con, "EARLY", due_at=DUE)
    add_event(con, "EARLY", 1, "supplement_requested", "2024-03-08 09:00")
    add_dossier(con, "AFTER", due_at=DUE)
    add_event(con, "AFTER", 1, "supplement_requested", "2024-03-12 09:00")
    assert on_time(con) == (1, 2, 10.0)
    # and the dossier is not still counted as in progress in April
    assert on_time(con, period="2024-04") == (0, 0, 0.0)


def test_withdrawal_before_and_after_receipt(con):
    # withdrawn before it was received: never processed, not counted
    add_dossier(con, "BEFORE", received=None, submitted_at="2024-03-04 08:00", status="withdrawn")
    add_dossier(con, "BEFORE_EV", due_at=DUE, received="2024-03-05 08:00")
    add_event(con, "BEFORE_EV", 1, "withdrawn", "2024-03-04 10:00")
    # withdrawn after receipt, before the due time: processed, and on time
    add_dossier(con, "AFTER", due_at=DUE)
    add_event(con, "AFTER", 1, "received", "2024-03-04 08:00")
    add_event(con, "AFTER", 2, "withdrawn", "2024-03-06 08:00")
    # withdrawn after receipt and after the due time: late
    add_dossier(con, "AFTER_LATE", due_at=DUE, status="withdrawn", updated_at="2024-03-13 08:00")
    assert on_time(con) == (1, 2, 10.0)


def test_no_due_date_is_judged_on_working_days_across_tet(con):
    add_procedure(con, "P5", max_processing_days=5)
    # received Wed 7 Feb 2024 08:00; Tết closes 8–14 Feb. Mon 19 Feb 08:00 is 3.0 working days later,
    # Thu 22 Feb 08:00 is 6.0: on time and late, although both are more than 5 calendar days
    add_dossier(con, "IN_TIME", procedure="P5", received="2024-02-07 08:00", finished_at="2024-02-19 08:00")
    add_dossier(con, "TOO_LONG", procedure="P5", received="2024-02-07 08:00", finished_at="2024-02-22 08:00")
    assert on_time(con, period="2024-02") == (1, 2, 10.0)


def test_supplement_time_is_deducted_in_working_days_without_a_due_date(con):
    add_procedure(con, "P2", max_processing_days=2)
    # Mon 4 Mar 08:00 → Thu 7 Mar 08:00 is 3 working days; the citizen held it Tue 08:00 → Wed 08:00 (1 day)
    add_dossier(con, "S", procedure="P2", finished_at="2024-03-07 08:00")
    add_event(con, "S", 1, "supplement_requested", "2024-03-05 08:00")
    add_event(con, "S", 2, "supplement_completed", "2024-03-06 08:00")
    add_event(con, "S", 3, "finished", "2024-03-07 08:00")
    assert on_time(con) == (1, 1, 20.0)


def test_in_progress_dossiers_are_judged_at_the_effective_period_end(con):
    add_dossier(con, "OPEN", due_at="2024-03-20 17:00")
    # March has ended at as_of: still open on 1 April 00:00, past its due time → late
    assert on_time(con) == (0, 1, 0.0)
    # the data describes 15 March: March is judged then, and the dossier is not yet overdue
    assert on_time(con, as_of=datetime(2024, 3, 15, 12, 0)) == (1, 1, 20.0)


def test_a_dossier_spanning_two_months_counts_in_both(con):
    add_dossier(con, "SPAN", due_at="2024-04-10 17:00", finished_at="2024-04-05 10:00")
    assert on_time(con, period="2024-03") == (1, 1, 20.0)
    assert on_time(con, period="2024-04") == (1, 1, 20.0)
    assert on_time(con, period="2024-05") == (0, 0, 0.0)


def test_no_data_gives_zero(con):
    v = score(con)["2.1"]
    assert (v["denominator"], v["points"], v["no_data"]) == (0, 0.0, True)


def test_average_processing_time_in_working_days(con):
    # Mon 4 Mar 08:00 → Wed 6 Mar 08:00 = 2 days; Mon 4 Mar 08:00 → Mon 11 Mar 08:00 = 5 days; average 3.5
    add_dossier(con, "A", finished_at="2024-03-06 08:00")
    add_dossier(con, "B", finished_at="2024-03-11 08:00")
    v = score(con)["2.2"]
    assert v["denominator"] == 2
    assert v["ratio"] == pytest.approx(3.5)
    assert (v["points"], v["max_points"]) == (0, 0)
