"""The working-day calendar as a DuckDB table, so that SQL can measure time in working days.

`work_calendar(day, is_working, n_before)`: n_before is the number of working days before
`day`. The working time of a moment is n_before + (the share of the day elapsed, on a working
day), the same axis as `workdays.working_days_between`, so two moments are
`wt(b) - wt(a)` working days apart.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

import workdays

FIRST_DAY, LAST_DAY = "2010-01-01", "2041-01-01"


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the temporary table work_calendar and the macro wt(n_before, is_working, moment)."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY))
    working = workdays.is_working_day(days)
    frame = pd.DataFrame({
        "day": days.astype("datetime64[s]"),
        "is_working": working,
        "n_before": np.concatenate([[0], np.cumsum(working)[:-1]]).astype(np.int64),
    })
    con.register("work_calendar_df", frame)
    con.execute("create or replace temp table work_calendar as "
                "select day::date as day, is_working, n_before from work_calendar_df")
    con.unregister("work_calendar_df")
    con.execute("""create or replace temp macro wt(n_before, is_working, moment) as
                   n_before + case when is_working then (epoch(moment) - epoch(date_trunc('day', moment))) / 86400.0
                                   else 0 end""")
