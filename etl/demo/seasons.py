"""When dossiers arrive: the weekly rhythm, the Tết slowdown, and growth over the months, as declared factors."""
from __future__ import annotations

import numpy as np

import workdays

WEEKDAY_FACTOR = np.array([1.12, 1.05, 1.0, 1.0, 0.92, 0.10, 0.05])  # Monday … Sunday
HOLIDAY_FACTOR = 0.05
# Days relative to mùng 1 Tết: (first, last, factor). The year-end rush, then the break and a slow restart.
TET_WINDOWS = ((-21, -8, 1.10), (-7, -3, 0.70), (-2, 6, 0.15), (7, 20, 0.70))
# Dossiers received in these days before Tết are late more often (logit shift of the on-time rate).
TET_LATE_WINDOW, TET_LATE_SHIFT = (-20, -1), -0.9
MONTHLY_GROWTH = 0.006


def tet_offset(days: np.ndarray) -> np.ndarray:
    """Return, per date, the number of days since the nearest mùng 1 Tết (negative before it)."""
    years = np.unique(days.astype("datetime64[Y]").astype(int) + 1970)
    tets = np.array([workdays.lunar_new_year(int(y)) for y in range(years.min() - 1, years.max() + 2)], dtype="datetime64[D]")
    delta = days[:, None] - tets[None, :]
    nearest = np.abs(delta.astype(int)).argmin(axis=1)
    return delta[np.arange(len(days)), nearest].astype(int)


def day_factors(days: np.ndarray) -> np.ndarray:
    """Return the relative dossier volume of each date (1 ≈ an ordinary working day)."""
    weekday = (days.astype("datetime64[D]").view("int64") + 3) % 7  # 1970-01-01 was a Thursday
    factor = WEEKDAY_FACTOR[weekday].copy()
    working = workdays.is_working_day(days)
    factor[~working & (weekday < 5)] = HOLIDAY_FACTOR
    factor[working & (weekday >= 5)] = 1.0  # a Saturday worked to make up a swapped day off
    offset = tet_offset(days)
    for first, last, f in TET_WINDOWS:
        factor[(offset >= first) & (offset <= last)] *= f
    months = (days.astype("datetime64[M]") - days[0].astype("datetime64[M]")).astype(int)
    return factor * (1.0 + MONTHLY_GROWTH * months)


def tet_late_shift(days: np.ndarray) -> np.ndarray:
    """Return the logit shift of the on-time rate for dossiers received on each date."""
    offset = tet_offset(days)
    first, last = TET_LATE_WINDOW
    return np.where((offset >= first) & (offset <= last), TET_LATE_SHIFT, 0.0)
