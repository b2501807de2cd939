"""Vietnamese working days: Monday to Friday minus the public holidays, and arithmetic on them.

The holidays come from the `holidays` package (country VN), which has the full official Tết
break (e.g. 8–14 February 2024: 29 Tết to mùng 5; 27 January – 1 February 2025), the
days off given in exchange for a worked Saturday (29 April 2024, 2 May 2025) and the
two-day National Day since 2025. The Saturdays worked in exchange are not in the package,
so they stay non-working here.

Time is measured on a working-day axis: a working day is a full 24 hours of that axis and
a non-working day has no length, so a moment on a weekend or holiday stands at the start
(00:00) of the next working day. Adding whole working days therefore keeps the time of day.
"""
from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import numpy as np

FIRST_YEAR, LAST_YEAR = 2000, 2050  # the span of the default calendar
_DAY = np.timedelta64(1, "D")
_SECONDS_PER_DAY = 86_400


def holiday_dates(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> np.ndarray:
    """Return the sorted Vietnamese public holidays of the years first_year..last_year as datetime64[D]."""
    days = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def lunar_new_year(year: int) -> date:
    """Return the first day of Tết (mùng 1 Tết Nguyên Đán) that falls in `year`."""
    days = holidays.country_holidays("VN", years=year, language="en_US")
    return next(d for d, name in sorted(days.items()) if name == "Lunar New Year")


@cache
def calendar() -> np.busdaycalendar:
    """Return numpy's business-day calendar: Monday–Friday minus the holidays of FIRST_YEAR..LAST_YEAR."""
    return np.busdaycalendar(weekmask="1111100", holidays=holiday_dates())


def is_working_day(days) -> np.ndarray:
    """Return, element-wise, whether each date (or the date of each timestamp) is a working day."""
    return np.is_busday(np.asarray(days, dtype="datetime64[s]").astype("datetime64[D]"), busdaycal=calendar())


def _split(moments) -> tuple[np.ndarray, np.ndarray]:
    """Return the dates and the seconds since midnight of datetime64 moments."""
    moments = np.asarray(moments, dtype="datetime64[s]")
    days = moments.astype("datetime64[D]")
    return days, (moments - days).astype(np.int64)


def add_working_days(start, days) -> np.ndarray:
    """Return start + `days` working days as datetime64[s], element-wise (broadcasting).

    Whole days keep the time of day; a fraction adds that share of 24 hours on the working-day
    axis. A start on a non-working day counts from 00:00 of the next working day. NaT stays NaT.
    """
    start_day, start_seconds = _split(start)
    days = np.asarray(days, dtype=np.float64)
    working = np.is_busday(np.where(np.isnat(start_day), np.datetime64("1970-01-01"), start_day), busdaycal=calendar())
    position = np.where(working, start_seconds / _SECONDS_PER_DAY, 0.0) + days
    whole = np.floor(position)
    seconds = np.rint((position - whole) * _SECONDS_PER_DAY).astype(np.int64)
    anchor = np.where(np.isnat(start_day), np.datetime64("1970-01-01"), start_day)
    end_day = np.busday_offset(anchor, whole.astype(np.int64), roll="forward", busdaycal=calendar())
    result = end_day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.where(np.isnat(start_day), np.datetime64("NaT", "s"), result)


def working_days_between(a, b) -> np.ndarray:
    """Return the working days from a to b as float64, element-wise (negative when b is before a; NaN if either is NaT).

    Time of day counts as a fraction of the working day; time spent on non-working days counts zero.
    """
    a_day, a_seconds = _split(a)
    b_day, b_seconds = _split(b)
    missing = np.isnat(a_day) | np.isnat(b_day)
    epoch = np.datetime64("1970-01-01")
    a_day = np.where(missing, epoch, a_day)
    b_day = np.where(missing, epoch, b_day)
    cal = calendar()
    whole = np.busday_count(a_day, b_day, busdaycal=cal).astype(np.float64)
    a_frac = np.where(np.is_busday(a_day, busdaycal=cal), a_seconds / _SECONDS_PER_DAY, 0.0)
    b_frac = np.where(np.is_busday(b_day, busdaycal=cal), b_seconds / _SECONDS_PER_DAY, 0.0)
    return np.where(missing, np.nan, whole + b_frac - a_frac)
