"""2.1 and 5.3 with a recorded due time (methodology §4, group 2): on time means end ≤ due_at as recorded; the
citizen's supplement time is taken off only for a dossier without due_at, measured against max_processing_days. The
rule-set option `deduct_supplement_from_due` takes it off due_at too, for sources that keep the first due date.

Ward Phú Cường (25747), procedure P1 (10 working days), March 2024. Every case is scored both ways the engine
scores: a full refresh (the months added up) and the period scored alone, which must agree.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import COMMUNE, add_dossier, add_event, add_procedure, indicator_values

from indicators import engine, periods

DUE = "2024-03-11 17:00"  # Mon 11 Mar 2024


@pytest.fixture
def first_due(tmp_path) -> str:
    path = tmp_path / "first-due.toml"
    path.write_text('name = "first-due"\nextends = "portal-2025"\n[options]\ndeduct_supplement_from_due = true\n')
    return str(path)


def both(con, as_of: datetime, ruleset: str | None = None, ids=("2.1", "5.3")) -> dict[str, tuple]:
    """Return {id: (numerator, denominator)} for March 2024 at the ward, by a full refresh and scored alone (equal)."""
    name = "first-due" if ruleset else "portal-2025"
    engine.refresh(con, ruleset, as_of=as_of)
    by_months = indicator_values(con, "2024-03", COMMUNE, name)
    engine.score_range(con, periods.parse("2024-03-01..2024-03-31"), ruleset, as_of=as_of)
    alone = indicator_values(con, "2024-03-01..2024-03-31", COMMUNE, name)
    got = {i: (by_months[i]["numerator"], by_months[i]["denominator"]) for i in ids}
    assert got == {i: (alone[i]["numerator"], alone[i]["denominator"]) for i in ids}
    return got


def supplement(con, code: str, requested: str, completed: str | None, end: str | None = None, **columns) -> None:
    add_dossier(con, code, **columns)
    events = [("received", "2024-03-04 08:00"), ("supplement_requested", requested)]
    events += [("supplement_completed", completed)] if completed else []
    events += [("finished", end)] if end else []
    for seq, (event, at) in enumerate(events, 1):
        add_event(con, code, seq, event, at)


def test_a_finished_dossier_is_judged_on_its_due_time_as_recorded(con, first_due):
    # S: due Mon 11 Mar 17:00, finished Tue 12 Mar 10:00 after a 48 h supplement (5 → 7 Mar): late as recorded;
    # with the option 12 Mar 10:00 − 48 h = 10 Mar 10:00 ≤ due. T: finished Mon 11 Mar 16:00: on time either way.
    add_procedure(con, "P1")
    supplement(con, "S", "2024-03-05 08:00", "2024-03-07 08:00", "2024-03-12 10:00", due_at=DUE)
    supplement(con, "T", "2024-03-05 08:00", "2024-03-07 08:00", "2024-03-11 16:00", due_at=DUE)
    as_of = datetime(2024, 4, 30)
    assert both(con, as_of) == {"2.1": (1, 2), "5.3": (1, 2)}  # the engine once gave 2 / 2
    assert both(con, as_of, first_due) == {"2.1": (2, 2), "5.3": (2, 2)}


def test_an_open_dossier_after_its_supplement_is_judged_on_its_due_time_as_recorded(con, first_due):
    # Open at as_of Tue 12 Mar 10:00, due Mon 11 Mar 17:00, 48 h supplement over on 7 Mar: late as recorded (the
    # engine once took the 48 h off: 10 Mar 10:00 ≤ due, on time); with the option on time.
    add_procedure(con, "P1")
    supplement(con, "O", "2024-03-05 08:00", "2024-03-07 08:00", due_at=DUE)
    as_of = datetime(2024, 3, 12, 10)
    assert both(con, as_of) == {"2.1": (0, 1), "5.3": (0, 1)}
    assert both(con, as_of, first_due) == {"2.1": (1, 1), "5.3": (1, 1)}


def test_a_reply_after_the_due_time_makes_it_late_from_the_reply(con, first_due):
    # Requested Thu 7 Mar (before the due time), the citizen replied Wed 13 Mar 08:00, still open. At as_of
    # 13 Mar 07:59 it waits for the citizen: judged at the request, on time. From the reply it is judged at as_of,
    # after the due time: late. With the option: 13 Mar 09:00 − (13 Mar 08:00 − 7 Mar 09:00) = 7 Mar 10:00, on time.
    add_procedure(con, "P1")
    supplement(con, "R", "2024-03-07 09:00", "2024-03-13 08:00", due_at=DUE)
    assert both(con, datetime(2024, 3, 13, 7, 59)) == {"2.1": (1, 1), "5.3": (1, 1)}
    assert both(con, datetime(2024, 3, 13, 9)) == {"2.1": (0, 1), "5.3": (0, 1)}
    assert both(con, datetime(2024, 3, 13, 9), first_due) == {"2.1": (1, 1), "5.3": (1, 1)}


def test_without_a_due_time_the_supplement_time_is_taken_off_the_working_days(con):
    # No due_at, P1's 10 working days. Received Mon 4 Mar 08:00, finished Tue 19 Mar 10:00: 11 working days 2 h;
    # the citizen held it Tue 5 Mar 08:00 → Tue 12 Mar 08:00, 5 working days: 6 days 2 h ≤ 10, on time.
    # The same dossier without the supplement: 11 days 2 h > 10, late.
    add_procedure(con, "P1")
    supplement(con, "W", "2024-03-05 08:00", "2024-03-12 08:00", "2024-03-19 10:00")
    add_dossier(con, "X", finished_at="2024-03-19 10:00")
    assert both(con, datetime(2024, 4, 30)) == {"2.1": (1, 2), "5.3": (1, 2)}


def test_the_option_must_be_true_or_false(tmp_path):
    from indicators import rulesets
    (tmp_path / "bad.toml").write_text('name = "bad"\nextends = "portal-2025"\n[options]\n'
                                       'deduct_supplement_from_due = "yes"\n')
    with pytest.raises(ValueError, match="deduct_supplement_from_due must be true or false"):
        rulesets.load(str(tmp_path / "bad.toml"))
    assert rulesets.load().deduct_supplement_from_due is False
