"""The working-day calendar as a DuckDB table, so that SQL can measure time in working days.

`work_calendar(day, is_working, n_before)`: n_before is the number of working days before
`day`. The working time of a moment, `wt(...)`, counts microseconds: n_before whole days plus the
time elapsed on the day when it is a working day, the same axis as
`workdays.working_days_between`. Two moments are `wt(b) - wt(a)` microseconds of working time
apart, `wdays(n)` is n working days on that axis; integers, so that moving a term across a
comparison never changes its result.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

import workdays

# The span of workdays' holidays (workdays.FIRST_YEAR..LAST_YEAR): a moment outside it has no working time.
FIRST_DAY, LAST_DAY = f"{workdays.FIRST_YEAR}-01-01", f"{workdays.LAST_YEAR + 1}-01-01"
# One working day on the axis of wt(): microseconds.
DAY = 86_400_000_000


def frame() -> pd.DataFrame:
    """Return work_calendar's rows: every day of the span, whether it is a working day, the working days before it."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY))
    working = workdays.is_working_day(days)
    return pd.DataFrame({
        "day": days.astype("datetime64[s]"),
        "is_working": working,
        "n_before": np.concatenate([[0], np.cumsum(working)[:-1]]).astype(np.int64),
    })


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the temporary table work_calendar and the macros wt(n_before, is_working, moment),
    wdays(days), month_no(moment) and month_start(number) (dialect.MACROS writes them for Spark)."""
    con.register("work_calendar_df", frame())
    con.execute("create or replace temp table work_calendar as "
                "select day::date as day, is_working, n_before from work_calendar_df")
    con.unregister("work_calendar_df")
    con.execute(f"""create or replace temp macro wt(n_before, is_working, moment) as
                    n_before * {DAY} + case when is_working then epoch_us(moment) - epoch_us(date_trunc('day', moment))
                                            else 0 end""")
    con.execute(f"create or replace temp macro wdays(days) as round(days * {DAY})::bigint")
    # months as numbers: cheaper to compare and group than their first moments
    con.execute("create or replace temp macro month_no(moment) as year(moment) * 12 + month(moment) - 1")
    con.execute("create or replace temp macro month_start(n) as make_timestamp(n // 12, n % 12 + 1, 1, 0, 0, 0)")
