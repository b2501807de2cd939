"""Working days across Tết 2024 and 2025, 30/4–1/5 and 2/9: expected dates counted by hand on a calendar."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import workdays


def ts(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


def test_tet_2024_is_a_seven_day_break():
    days = set(workdays.holiday_dates(2024, 2024).astype(object))
    assert {date(2024, 2, d) for d in range(8, 15)} <= days
    assert workdays.lunar_new_year(2024) == date(2024, 2, 10)
    assert workdays.lunar_new_year(2025) == date(2025, 1, 29)


def test_holidays_of_2025_include_compensation_and_national_day():
    days = set(workdays.holiday_dates(2025, 2025).astype(object))
    assert {date(2025, 1, d) for d in (27, 28, 29, 30, 31)} <= days
    assert {date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2), date(2025, 9, 1), date(2025, 9, 2)} <= days


def test_add_working_days_skips_tet_2024_and_keeps_the_time():
    # Wed 7 Feb 2024 09:30 + 1 → Thu 8 Feb is 29 Tết; the break ends Wed 14; next working day Thu 15.
    got = workdays.add_working_days(ts("2024-02-07T09:30"), [1])
    assert got[0] == np.datetime64("2024-02-15T09:30")
    # Mon 5 Feb + 5 working days: Tue 6, Wed 7, Thu 15, Fri 16, Mon 19.
    assert workdays.add_working_days(ts("2024-02-05T14:00"), 5)[0] == np.datetime64("2024-02-19T14:00")


def test_add_working_days_across_tet_2025_and_may_day_2025():
    # Fri 24 Jan 2025 + 1: Mon 27 – Fri 31 Jan are Tết (Sat 1 Feb too) → Mon 3 Feb.
    assert workdays.add_working_days(ts("2025-01-24T08:00"), 1)[0] == np.datetime64("2025-02-03T08:00")
    # Tue 29 Apr 2025 + 1: Wed 30/4, Thu 1/5, Fri 2/5 (compensation) → Mon 5 May.
    assert workdays.add_working_days(ts("2025-04-29T16:00"), 1)[0] == np.datetime64("2025-05-05T16:00")


def test_add_working_days_around_national_day_2024_and_2025():
    # Fri 30 Aug 2024 + 1: Mon 2/9 and Tue 3/9 are off → Wed 4 Sep.
    assert workdays.add_working_days(ts("2024-08-30T10:00"), 1)[0] == np.datetime64("2024-09-04T10:00")
    # Fri 29 Aug 2025 + 1: Mon 1/9 and Tue 2/9 off → Wed 3 Sep.
    assert workdays.add_working_days(ts("2025-08-29T10:00"), 1)[0] == np.datetime64("2025-09-03T10:00")


def test_add_working_days_vectorised_fractions_weekends_and_nat():
    start = ts("2024-03-01T12:00", "2024-03-02T10:00", "NaT", "2024-03-04T08:00")
    got = workdays.add_working_days(start, np.array([0.5, 1, 3, 0.25]))
    # Fri 12:00 + half a day = Mon 00:00; a Saturday start counts from Mon 00:00, + 1 = Tue 00:00.
    assert got[0] == np.datetime64("2024-03-04T00:00")
    assert got[1] == np.datetime64("2024-03-05T00:00")
    assert np.isnat(got[2])
    assert got[3] == np.datetime64("2024-03-04T14:00")


def test_working_days_between_counts_fractions_and_skips_holidays():
    a = ts("2024-02-07T09:30", "2024-03-01T12:00", "2024-04-26T08:00", "2024-01-05T12:00", "NaT")
    b = ts("2024-02-15T09:30", "2024-03-04T06:00", "2024-05-02T08:00", "2024-01-05T06:00", "2024-01-01")
    got = workdays.working_days_between(a, b)
    assert got[0] == pytest.approx(1.0)
    assert got[1] == pytest.approx(0.5 + 0.25)  # rest of Friday, then Monday until 06:00
    # Fri 26 Apr 08:00 → Thu 2 May 08:00: the rest of Friday (16 h) and Thu until 08:00 (8 h);
    # Mon 29 (compensation), Tue 30/4 and Wed 1/5 are off.
    assert got[2] == pytest.approx(1.0)
    assert got[3] == pytest.approx(-0.25)
    assert np.isnan(got[4])


def test_round_trip():
    start = ts("2024-01-31T08:15", "2025-01-20T16:45", "2025-08-28T09:00")
    for days in (0, 1, 7.5, 30):
        end = workdays.add_working_days(start, days)
        assert workdays.working_days_between(start, end) == pytest.approx(np.full(3, days))


def test_outside_the_calendar_span_a_working_day_is_any_weekday():
    # Thu 30 Dec 1999 + 3: Fri 31, (Mon 3 Jan 2000 is New Year's Day observed) Tue 4, Wed 5 Jan 2000
    assert workdays.add_working_days(ts("1999-12-30T10:00"), 3)[0] == np.datetime64("2000-01-05T10:00")
    # Fri 30 Dec 2050 + 3: Mon 2, Tue 3, Wed 4 Jan 2051 (past the span: weekdays only)
    assert workdays.add_working_days(ts("2050-12-30T10:00"), 3)[0] == np.datetime64("2051-01-04T10:00")
    assert workdays.working_days_between(ts("1999-12-27T00:00"), ts("2000-01-04T00:00"))[0] == pytest.approx(5.0)
    assert workdays.is_working_day(np.array(["1999-12-31", "2060-01-03", "2060-01-05"], dtype="datetime64[D]")).tolist() \
        == [True, False, True]
