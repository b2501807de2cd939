"""The Saturdays worked to make up a swapped day off (§3) are working days, in the calendar and in every due time.

2024: Monday 29 April off (with Tuesday 30/4 and Wednesday 1/5, the holidays), worked Saturday 4 May.
2025: Friday 2 May off (after Wednesday 30/4 and Thursday 1/5), worked Saturday 26 April.
2026: Monday 31 August off (before Tuesday 1/9 and Wednesday 2/9), worked Saturday 22 August.
Expected values counted by hand on a calendar; the old calendar (Saturdays never worked) gives the values in the
comments.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from test_engine_helpers import COMMUNE, add_decision, add_dossier, add_procedure, score

import workdays
from indicators import calendar


def ts(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


def test_the_make_up_saturdays_are_working_days_and_the_swapped_days_are_not():
    days = np.array(["2024-05-04", "2025-04-26", "2026-08-22", "2024-04-29", "2025-05-02", "2026-08-31",
                     "2024-05-11", "2012-12-31", "2013-01-05"], dtype="datetime64[D]")
    assert workdays.is_working_day(days).tolist() == [True, True, True, False, False, False, False, False, True]
    assert {date(2024, 5, 4), date(2025, 4, 26), date(2026, 8, 22)} <= set(workdays.make_up_saturdays().astype(object))


def test_working_day_arithmetic_across_the_make_up_saturdays():
    # Thu 2 May 2024 10:00 + 3: Fri 3, Sat 4 (worked), Mon 6 → Mon 6 May 10:00 (was Tue 7)
    assert workdays.add_working_days(ts("2024-05-02T10:00"), 3)[0] == np.datetime64("2024-05-06T10:00")
    # Thu 24 Apr 2025 09:00 + 2: Fri 25, Sat 26 (worked) → Sat 26 Apr 09:00 (was Mon 28)
    assert workdays.add_working_days(ts("2025-04-24T09:00"), 2)[0] == np.datetime64("2025-04-26T09:00")
    # Fri 21 Aug 2026 12:00 → Mon 24 Aug 12:00: half of Friday, Saturday 22, half of Monday = 2 (was 1)
    assert workdays.working_days_between(ts("2026-08-21T12:00"), ts("2026-08-24T12:00"))[0] == pytest.approx(2.0)
    # the demo's working-day offsets: the working day after Fri 3 May 2024 is Sat 4 May
    assert workdays.working_day_offset(np.array(["2024-05-03"], dtype="datetime64[D]"), 1)[0] == np.datetime64("2024-05-04")


def test_the_sql_calendar_has_the_make_up_saturdays(con):
    calendar.install(con)
    rows = con.execute("""select day, is_working, n_before from work_calendar
                          where day between '2024-05-03' and '2024-05-06' order by day""").fetchall()
    assert [r[1] for r in rows] == [True, True, False, True]  # Fri 3, Sat 4, Sun 5, Mon 6
    assert rows[3][2] - rows[0][2] == 2  # Fri 3 and Sat 4 lie before Monday


def test_processing_time_without_a_due_date_counts_the_make_up_saturday(con):
    # P3: 3 working days, no due_at. Received Thu 2 May 2024 10:00; working time: Fri 3 10:00 = 1, Sat 4 10:00 = 2,
    # Mon 6 10:00 = 3. Finished Mon 6 09:00: 2 23/24 days → on time; Tue 7 09:00: 3 23/24 → late (the old
    # calendar skipped Saturday 4: 1 23/24 and 2 23/24, both on time: 2 of 2).
    add_procedure(con, "P3", max_processing_days=3)
    add_dossier(con, "ON", procedure="P3", received="2024-05-02 10:00", status="finished",
                finished_at="2024-05-06 09:00")
    add_dossier(con, "LATE", procedure="P3", received="2024-05-02 10:00", status="finished",
                finished_at="2024-05-07 09:00")
    v = score(con, period="2024-05", unit=COMMUNE)["2.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 10.0)


def test_publication_deadline_across_4_may_2024(con):
    # Decided Fri 26 Apr 2024; 5 working days: Thu 2, Fri 3, Sat 4, Mon 6, Tue 7 May (29/4, 30/4, 1/5 off) → due
    # Tue 7 May, a day in May. Published Tue 7 May 16:00: on time; Wed 8 May 09:00: late (the old calendar made
    # it due Wed 8: 2 of 2).
    for code in ("P1", "P2"):
        add_procedure(con, code)
    add_decision(con, "P1", "1", "2024-04-26", published="2024-05-07 16:00")
    add_decision(con, "P2", "2", "2024-04-26", published="2024-05-08 09:00")
    v = score(con, period="2024-05")["1.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 2.0)


def test_announcement_lead_time_across_26_april_2025(con):
    # Decided Tue 22 Apr 2025, in force Mon 28 Apr: working days after the decision up to the effect: Wed 23,
    # Thu 24, Fri 25, Sat 26 (worked), Mon 28 = 5 → on time (the old calendar counted 4: late, 0 of 2).
    # Decided Wed 23 Apr, in force Mon 28 Apr: 24, 25, 26, 28 = 4 → late.
    for code in ("P1", "P2"):
        add_procedure(con, code)
    add_decision(con, "P1", "1", "2025-04-22", effective="2025-04-28")
    add_decision(con, "P2", "2", "2025-04-23", effective="2025-04-28")
    v = score(con, period="2025-04", as_of=datetime(2025, 6, 30))["1.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 3.0)
