"""Group 5: feedback handled on time (5.1) and well (5.2), satisfaction with dossiers (5.3), feedback categories (5.4)."""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import add_dossier, add_feedback, add_procedure, score

MID_MARCH = datetime(2024, 3, 15, 12, 0)


@pytest.fixture
def con(con):
    add_procedure(con, "P1")
    return con


def test_feedback_on_time_including_open_items_not_yet_due(con):
    add_feedback(con, "F1", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00")  # handled in time
    add_feedback(con, "F2", due_at="2024-03-10 17:00", handled_at="2024-03-12 10:00")  # handled late
    add_feedback(con, "F3", due_at="2024-03-20 17:00")  # open, not yet due on 15 March
    add_feedback(con, "F4", due_at="2024-03-10 17:00")  # open and overdue
    v = score(con, as_of=MID_MARCH)["5.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 3.0)
    # judged at the end of March, F3 is overdue too
    v = score(con)["5.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 4, 1.5)


def test_feedback_satisfaction_less_late_disliked_and_reraised(con):
    add_feedback(con, "OK", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", likes=3, dislikes=1)
    add_feedback(con, "TIE", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", likes=2, dislikes=2)
    add_feedback(con, "DISLIKED", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", likes=2, dislikes=5)
    add_feedback(con, "AGAIN", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", reraised=True)
    add_feedback(con, "LATE", due_at="2024-03-10 17:00", handled_at="2024-03-11 10:00")
    v = score(con)["5.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 5, pytest.approx(2.4))


def test_no_feedback_gives_full_points_or_redistributes(con):
    # 2.1: 1 of 2 on time; 5.3: 1 of 2 satisfied (0.5 / 0.9)
    add_dossier(con, "ON", due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00", rating="satisfied")
    add_dossier(con, "LATE", due_at="2024-03-11 17:00", finished_at="2024-03-12 10:00")
    v = score(con)
    assert (v["5.1"]["no_data"], v["5.1"]["points"], v["5.2"]["points"]) == (True, 6.0, 6.0)
    v = score(con, ruleset="decision-766-text")
    assert v["5.1"]["points"] == 3.0  # 6 × 0.5 (2.1's ratio)
    assert v["5.2"]["points"] == pytest.approx(6 * 0.5 / 0.9)  # 5.3's ratio against its 90 % target


def test_satisfaction_with_dossiers_and_its_90_percent_target(con):
    due, done = "2024-03-11 17:00", "2024-03-08 10:00"
    add_dossier(con, "D1", due_at=due, finished_at=done, rating="satisfied")
    add_dossier(con, "D2", due_at=due, finished_at=done, rating="unsatisfied")
    add_dossier(con, "D3", due_at=due, finished_at=done, has_complaint=True)
    add_dossier(con, "D4", due_at=due, finished_at="2024-03-12 10:00", rating="satisfied")  # late
    add_dossier(con, "D5", due_at=due, finished_at=done)  # not rated: counts as satisfied
    v = score(con)["5.3"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 5, pytest.approx(6 * 0.4 / 0.9))


def test_satisfaction_capped_at_90_percent(con):
    for i in range(10):
        add_dossier(con, f"D{i}", due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00",
                    rating="unsatisfied" if i == 0 else None)
    v = score(con)["5.3"]
    assert (v["numerator"], v["denominator"], v["points"]) == (9, 10, 6.0)


def test_no_dossier_gives_zero_on_5_3(con):
    v = score(con)["5.3"]
    assert (v["no_data"], v["points"]) == (True, 0)


def test_feedback_by_category(con):
    add_feedback(con, "F1", category="rules")
    add_feedback(con, "F2", category="staff")
    add_feedback(con, "F3", category="rules")
    add_feedback(con, "F4", category="other")
    v = score(con)
    assert (v["5.4a"]["ratio"], v["5.4b"]["ratio"], v["5.4a"]["points"]) == (0.5, 0.25, 0)
