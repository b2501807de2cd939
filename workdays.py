"""Vietnamese working days: Monday to Friday minus the public holidays, plus the Saturdays worked to make up a
swapped day, and arithmetic on them.

The days come from the `holidays` package (country VN), which has the full official Tết break (e.g. 8–14
February 2024: 29 Tết to mùng 5; 27 January – 1 February 2025), the two-day National Day since 2025, and each
swap the Government announced for public servants: the weekday given off ("Ngày nghỉ (thay cho ngày 04/05/2024)",
29 April 2024) as a holiday, and the Saturday worked in exchange (4 May 2024, 26 April 2025, 22 August 2026) in
its `weekend_workdays`. `SWAPS` adds the announced swaps the package lacks, each with its public source.

Time is measured on a working-day axis: a working day is a full 24 hours of that axis and
a non-working day has no length, so a moment on a weekend or holiday stands at the start
(00:00) of the next working day. Adding whole working days therefore keeps the time of day.
Outside FIRST_YEAR..LAST_YEAR a working day is any Monday to Friday.
"""
from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import numpy as np

FIRST_YEAR, LAST_YEAR = 2000, 2050  # the span of the default calendar
_FIRST, _END = np.datetime64(f"{FIRST_YEAR}-01-01"), np.datetime64(f"{LAST_YEAR + 1}-01-01")
_EPOCH = np.datetime64("1970-01-01")
_SECONDS_PER_DAY = 86_400
_WEEKMASK = "1111100"

# Announced swaps the `holidays` package does not have: (weekday given off, Saturday worked in exchange).
# Reviewed against the package for every year since 2019 (the index began in 2022): it has them all; these are
# earlier ones.
SWAPS: tuple[tuple[date, date], ...] = (
    # New Year 2013: Monday 31 December 2012 off, worked Saturday 5 January 2013 (Bộ Lao động – Thương binh và
    # Xã hội, for public servants with a five-day week), reported by Người Lao Động, 19 December 2012:
    # https://nld.com.vn/thoi-su-trong-nuoc/tet-duong-lich-duoc-nghi-4-ngay-20121219113326238.htm
    (date(2012, 12, 31), date(2013, 1, 5)),
)


def _country(first_year: int, last_year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=range(first_year, last_year + 1))


def holiday_dates(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> np.ndarray:
    """Return the sorted Vietnamese public holidays and swapped days off of the years first_year..last_year as
    datetime64[D]."""
    days = set(_country(first_year, last_year))
    days |= {off for off, _ in SWAPS if first_year <= off.year <= last_year}
    return np.array(sorted(days), dtype="datetime64[D]")


def make_up_saturdays(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> np.ndarray:
    """Return the sorted weekend days worked to make up a swapped day off, of the years first_year..last_year, as
    datetime64[D]."""
    days = {d for d in _country(first_year, last_year).weekend_workdays if first_year <= d.year <= last_year}
    days |= {worked for _, worked in SWAPS if first_year <= worked.year <= last_year}
    return np.array(sorted(days), dtype="datetime64[D]")


def lunar_new_year(year: int) -> date:
    """Return the first day of Tết (mùng 1 Tết Nguyên Đán) that falls in `year`."""
    days = holidays.country_holidays("VN", years=year, language="en_US")
    return next(d for d, name in sorted(days.items()) if name == "Lunar New Year")


@cache
def _calendar() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, for the days of FIRST_YEAR..LAST_YEAR, whether each is a working day and the working days before
    it, and the working days themselves in order."""
    days = np.arange(_FIRST, _END)
    working = np.is_busday(days, weekmask=_WEEKMASK, holidays=holiday_dates())
    working[(make_up_saturdays() - _FIRST).astype(np.int64)] = True
    before = np.concatenate([[0], np.cumsum(working)[:-1]]).astype(np.int64)
    return working, before, days[working]


def _ordinal(days: np.ndarray) -> np.ndarray:
    """Return the number of working days before each date, counted from the start of FIRST_YEAR (negative before
    it): a date's position on the working-day axis."""
    working, before, listed = _calendar()
    inside = (days >= _FIRST) & (days < _END)
    index = np.where(inside, days - _FIRST, 0).astype(np.int64)
    early = -np.busday_count(np.minimum(days, _FIRST), _FIRST, weekmask=_WEEKMASK)
    late = len(listed) + np.busday_count(_END, np.maximum(days, _END), weekmask=_WEEKMASK)
    return np.where(inside, before[index], np.where(days < _FIRST, early, late))


def _day_of(ordinal: np.ndarray) -> np.ndarray:
    """Return the working day at each position of the working-day axis (the inverse of `_ordinal`)."""
    _, _, listed = _calendar()
    inside = (ordinal >= 0) & (ordinal < len(listed))
    early = np.busday_offset(_FIRST, np.minimum(ordinal, 0), roll="forward", weekmask=_WEEKMASK)
    late = np.busday_offset(_END, np.maximum(ordinal - len(listed), 0), roll="forward", weekmask=_WEEKMASK)
    return np.where(inside, listed[np.clip(ordinal, 0, len(listed) - 1)], np.where(ordinal < 0, early, late))


def _is_working(days: np.ndarray) -> np.ndarray:
    working, _, _ = _calendar()
    inside = (days >= _FIRST) & (days < _END)
    index = np.where(inside, days - _FIRST, 0).astype(np.int64)
    return np.where(inside, working[index], np.is_busday(days, weekmask=_WEEKMASK))


def is_working_day(days) -> np.ndarray:
    """Return, element-wise, whether each date (or the date of each timestamp) is a working day."""
    return _is_working(np.asarray(days, dtype="datetime64[s]").astype("datetime64[D]"))


def working_day_offset(days, offset) -> np.ndarray:
    """Return the working day `offset` working days after each date, as datetime64[D] (a non-working day rolls
    forward to the next working day first; NaT stays NaT)."""
    days = np.asarray(days, dtype="datetime64[s]").astype("datetime64[D]")
    missing = np.isnat(days)
    result = _day_of(_ordinal(np.where(missing, _EPOCH, days)) + np.asarray(offset, dtype=np.int64))
    return np.where(missing, np.datetime64("NaT", "D"), result)


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
    missing = np.isnat(start_day)
    anchor = np.where(missing, _EPOCH, start_day)
    position = np.where(_is_working(anchor), start_seconds / _SECONDS_PER_DAY, 0.0) + days
    whole = np.floor(position)
    seconds = np.rint((position - whole) * _SECONDS_PER_DAY).astype(np.int64)
    end_day = _day_of(_ordinal(anchor) + whole.astype(np.int64))
    result = end_day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.where(missing, np.datetime64("NaT", "s"), result)


def working_days_between(a, b) -> np.ndarray:
    """Return the working days from a to b as float64, element-wise (negative when b is before a; NaN if either is NaT).

    Time of day counts as a fraction of the working day; time spent on non-working days counts zero.
    """
    a_day, a_seconds = _split(a)
    b_day, b_seconds = _split(b)
    missing = np.isnat(a_day) | np.isnat(b_day)
    a_day = np.where(missing, _EPOCH, a_day)
    b_day = np.where(missing, _EPOCH, b_day)
    whole = (_ordinal(b_day) - _ordinal(a_day)).astype(np.float64)
    a_frac = np.where(_is_working(a_day), a_seconds / _SECONDS_PER_DAY, 0.0)
    b_frac = np.where(_is_working(b_day), b_seconds / _SECONDS_PER_DAY, 0.0)
    return np.where(missing, np.nan, whole + b_frac - a_frac)
