"""The month-end forecast of a unit's score, for the month in progress.

Three cases, all from the engine's judgements and its points SQL (indicators/whatif.py):

- **on time**: every open dossier due in the month ends on time: the month's values as stored at as_of, where an
  open dossier not yet overdue counts as on time;
- **late**: every one of them goes late: the values moved by the difference between the dossiers judged at as_of
  and judged at the month's last moment (with no later data, an open dossier whose deadline falls in the month is
  late then);
- **expected**: each goes late with the chance its procedure's dossiers of the unit went late in the months
  before (`MONTHS_BACK`), the unit's own rate for a procedure without history, on time when the unit has none:
  the values moved by each dossier's difference times that chance.

Each case gives the total and the band. The unit page shows them beside the trend; `benchmarks/bench_forecast.py`
measures them against the final scores.

The forecast is score-level, public like the scores: it gives totals, bands and the number of open dossiers due,
and names no dossier. Like the engine's scores it counts every row of the unit, so it judges them with the
country's scope (`Scope.country()`, as a command does) whoever reads it: a reader's scope would drop rows and
change the figures. A list of dossiers is the to-do list's (dashboard/queries/todo.py), scoped.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import duckdb
import pandas as pd

import db
from access.scope import Scope
from indicators import drill, whatif
from indicators.periods import Period, parse

from . import base
from . import unit as unit_queries
from . import whatif as whatif_queries
from .todo import changes

RULESET = unit_queries.RULESET
MONTHS_BACK = 3
CASES = ("on_time", "expected", "late")


@dataclass(frozen=True)
class Forecast:
    """The cases of a unit's month: one row per case (on_time, expected, late) with total, band, p_2_1, p_5_3;
    the number of open dossiers due in the month, and the moment judged."""

    unit_code: str
    period: str
    as_of: datetime
    n_due: int
    cases: pd.DataFrame


def month_end(period: Period) -> datetime:
    return datetime.combine(period.last_day, time(23, 59, 59))


def _before(period: Period) -> Period:
    """Return the MONTHS_BACK months before the period as one date range."""
    first = period.start
    for _ in range(MONTHS_BACK):
        first = (first - timedelta(days=1)).replace(day=1)
    last = period.start - timedelta(days=1)
    return parse(f"{first.isoformat()}..{last.isoformat()}")


def late_chances(history: pd.DataFrame) -> tuple[dict[str, float], float | None]:
    """Return, from the judged dossiers of the months before, each procedure's share of its ended dossiers that
    were late (2.1), and the unit's share over all its procedures (None without any)."""
    ended = history[history["end_at"].notna() & history["d_2_1"].astype(bool)]
    if ended.empty:
        return {}, None
    late = ~ended["n_2_1"].astype(bool)
    return late.groupby(ended["procedure_code"]).mean().to_dict(), float(late.mean())


def compute(con: duckdb.DuckDBPyConnection, unit_code: str, period: str, as_of: datetime) -> Forecast | None:
    """Return the forecast of the unit's month judged at `as_of` (the moment its stored scores describe), on an
    open connection; None when the unit was not scored in the month or the month is over at as_of."""
    chosen = parse(period)
    if chosen.kind != "month" or as_of >= month_end(chosen):
        return None
    found = whatif_queries.values(period, [unit_code], con)
    if found.empty:
        return None
    values = found.iloc[0][list(whatif.VALUE_COLUMNS)]
    # score-level: every row of the unit counts, as in its stored scores (see the module's note)
    every = Scope.country()
    now = drill.judge(every, con, unit_code, chosen, RULESET, as_of)
    end = drill.judge(every, con, unit_code, chosen, RULESET, month_end(chosen))
    history = drill.judge(every, con, unit_code, _before(chosen), RULESET, as_of).dossiers
    open_now = now.dossiers[now.dossiers["end_at"].isna() & now.dossiers["d_2_1"].astype(bool)]
    moved = changes(open_now, end.dossiers, "dossier_code")
    flags = [c for c in moved.columns if c in whatif.VALUE_COLUMNS]
    due = moved[(moved[flags] != 0).any(axis=1)]
    by_procedure, overall = late_chances(history)
    procedures = open_now.set_index("dossier_code").loc[due["dossier_code"], "procedure_code"]
    chance = procedures.map(by_procedure).fillna(overall if overall is not None else 0.0).to_numpy()
    late = values.copy()
    expected = values.copy()
    for flag in flags:
        late[flag] = max(values[flag] + due[flag].sum(), 0)
        expected[flag] = max(values[flag] + (due[flag].to_numpy() * chance).sum(), 0)
    scored = whatif.score(pd.DataFrame([values, expected, late]), RULESET)
    cases = pd.DataFrame({"case": CASES, "total": scored["total"], "band": scored["band"],
                          "p_2_1": scored["p_2_1"], "p_5_3": scored["p_5_3"]})
    return Forecast(unit_code, period, as_of, len(due), cases)


@functools.lru_cache(maxsize=32)
def _kept(version: tuple, unit_code: str, period: str, as_of: datetime) -> Forecast | None:
    con = db.connect(read_only=True)
    try:
        return compute(con, unit_code, period, as_of)
    finally:
        con.close()


def forecast(unit_code: str, period: str, as_of: datetime) -> Forecast | None:
    """Return the unit's forecast for the month (see `compute`), kept per version of the database."""
    return _kept(base.version(), unit_code, period, pd.Timestamp(as_of).to_pydatetime())
