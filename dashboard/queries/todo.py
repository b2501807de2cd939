"""Việc cần làm — what a unit (and every unit below it) must act on before it loses points this month.

The current period is the last month stored for the unit; the data's moment (`as_of`) is the one its scores were
computed at. Every judgement is the engine's: the unit's dossiers, feedback items and procedures are judged
(indicators/drill.py) at `as_of` and again at the horizon, the end of the N-th working day after it (kept inside
the month, whose points are weighed); an item on time now and late then goes late within the horizon. Its points
at stake are what the unit's points of the month fall by when it does: its numerators and denominators of the
month as stored, moved by the difference the two judgements make, scored by the engine's own rules
(indicators/whatif.py). An item already late has cost its points; it is listed with none at stake.

The list names dossiers and feedback items: it is dossier-level. `todo` takes the reader's Scope first, refuses
(access.scope.Refused) a unit outside it, and judges the rows with that scope (indicators/drill.py), so it lists
the rows of the scope only; the scope is in every cache key. The units scored and their stored values are
score-level, public like the scores.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

import db
import workdays
from access.scope import Scope
from indicators import drill, whatif
from indicators.outputs import ref
from indicators.periods import parse

from . import base
from . import unit as unit_queries
from . import whatif as whatif_queries

RULESET = unit_queries.RULESET
DEFAULT_WITHIN = 2
MAX_WITHIN = 20
# The indicators an item's lateness is weighed on, by kind of item (the engine may move others too: they count in
# the total at stake).
SHOWN = {"dossier": ("2.1", "5.3"), "feedback": ("5.1", "5.2"), "procedure": ("1.2",)}
STATES = ("overdue", "due_today", "due_soon")


@dataclass(frozen=True)
class TodoList:
    """A unit's to-do list: the unit, the month, the moment judged and the horizon, and the items by kind."""

    unit_code: str
    unit_name: str
    period: str
    as_of: datetime
    horizon: datetime
    within: int
    dossiers: pd.DataFrame
    feedback: pd.DataFrame
    decisions: pd.DataFrame


def choose_unit(scope: Scope, requested: str | None) -> str | None:
    """Return the unit the list is for: the one the address names when it was scored in the last month, else the
    reader's own unit when it was, else the first unit of their scope scored then (the months before 1 July 2025
    were scored for the old units that went into it), provinces first; for an admin the first province scored
    then; None when there is none. The one place the choice is made: a unit named outside the reader's scope is
    chosen, and `todo` refuses it."""
    if not isinstance(scope, Scope):
        raise TypeError("choosing the to-do list's unit needs the reader's Scope")
    scored = units()
    codes = set(scored["unit_code"])
    if requested and requested in codes:
        return requested
    if not scope.everything:
        if scope.unit_code in codes:
            return scope.unit_code
        mine = readable_units(scope)
        return None if mine.empty else str(mine["unit_code"].iloc[0])
    provinces = scored[scored["kind"] == "province"]
    return None if provinces.empty else str(provinces["unit_code"].iloc[0])


def units() -> pd.DataFrame:
    """Return the units scored in the last month stored: unit_code, name, kind, province_code, period, as_of;
    provinces first, then by code."""
    return base.frame("""
        with last as (
            select max(period_start) as period_start from unit_scores
            where ruleset = $ruleset and period_kind = 'month'
        )
        select unit_code, unit_name as name, unit_kind as kind, province_code, period, as_of
        from unit_scores join last using (period_start)
        where ruleset = $ruleset and period_kind = 'month'
        order by kind <> 'province', unit_code""", {"ruleset": RULESET})


def readable_units(scope: Scope) -> pd.DataFrame:
    """Return the units of `units()` whose to-do list the reader may open: those of their scope."""
    if not isinstance(scope, Scope):
        raise TypeError("the units of a reader need their Scope")
    scored = units()
    if scope.everything:
        return scored
    mine = base.scoped_frame(scope, "select distinct unit_code from readable")
    return scored[scored["unit_code"].isin(mine["unit_code"])].reset_index(drop=True)


def horizon(as_of: datetime, within: int, period_end: date) -> datetime:
    """Return the end of the `within`-th working day after as_of's day (0: the end of its day, or of the next
    working day when it is not one), and no later than the last moment before `period_end`."""
    start = np.datetime64(datetime.combine(as_of.date(), time()), "s")
    day = workdays.add_working_days(start, float(within)).astype("datetime64[D]").item()
    last = datetime.combine(day, time(23, 59, 59))
    if period_end == date.max:
        return last
    return min(last, datetime.combine(period_end - timedelta(days=1), time(23, 59, 59)))


@functools.lru_cache(maxsize=32)
def _judged_at(scope: Scope, version: tuple, unit_code: str, period: str, moment: datetime) -> drill.Drill:
    con = db.connect(read_only=True)
    try:
        return drill.judge(scope, con, unit_code, period, RULESET, moment)
    finally:
        con.close()


def changes(now: pd.DataFrame, later: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return, per row of `now`, how each numerator and denominator the row counts in moves from now to later."""
    flags = [c for c in now.columns if c in whatif.VALUE_COLUMNS]
    joined = now[[key, *flags]].merge(later[[key, *flags]], on=key, how="left", suffixes=("", "_later"))
    out = pd.DataFrame({key: joined[key]})
    for flag in flags:
        after = joined[f"{flag}_later"].fillna(joined[flag]).astype(bool)
        out[flag] = after.astype(int) - joined[flag].astype(bool).astype(int)
    return out


def _at_stake(requests: list[tuple[pd.Series, pd.DataFrame]], shown: tuple[str, ...]) -> list[pd.DataFrame]:
    """Return, for each (unit's values, moves) request, per row of its moves the points the unit's month falls by,
    per shown indicator and in total, when its numerators and denominators move by the row's values: the
    engine's points before less after. Every request's cases are scored in one go."""
    blocks, cases = [], []
    for values, moves in requests:
        flags = [c for c in moves.columns if c in whatif.VALUE_COLUMNS]
        signatures = moves[flags].drop_duplicates().reset_index(drop=True)
        block = pd.DataFrame([values.to_dict()] * (len(signatures) + 1))
        for flag in flags:
            block.loc[1:, flag] = (block.loc[1:, flag].to_numpy() + signatures[flag].to_numpy()).clip(min=0)
        blocks.append((flags, signatures, len(cases)))
        cases.append(block)
    if not cases:
        return []
    scored = whatif.score(pd.concat(cases, ignore_index=True), RULESET)
    out = []
    for (flags, signatures, _), (values, moves), first in zip(blocks, requests,
                                                              np.cumsum([0, *map(len, cases)])[:-1]):
        part = scored.iloc[first:first + len(signatures) + 1]
        before, after = part.iloc[0], part.iloc[1:]
        lost = pd.DataFrame({f"stake_{ref(i)}": before[f"p_{ref(i)}"] - after[f"p_{ref(i)}"].to_numpy()
                             for i in shown})
        lost["stake_total"] = before["total"] - after["total"].to_numpy()
        lost = pd.concat([signatures, lost.reset_index(drop=True)], axis=1)
        out.append(moves[flags].merge(lost, on=flags, how="left").drop(columns=flags).set_index(moves.index))
    return out


def _states(now_on_time: pd.Series, late_later: pd.Series, due_at: pd.Series, as_of: datetime,
            until: datetime) -> pd.Series:
    """Return each open item's state: overdue (late now), due today or due soon (late by the horizon, or due
    before it after the month's end); None when it is not due within the horizon."""
    due_day = pd.to_datetime(due_at).dt.date
    soon = now_on_time & (late_later | (pd.to_datetime(due_at) <= until))
    state = pd.Series(None, index=now_on_time.index, dtype="object")
    state[soon] = np.where(due_day[soon] == as_of.date(), "due_today", "due_soon")
    state[~now_on_time] = "overdue"
    return state


def _working_days_left(as_of: datetime, due_at: pd.Series) -> pd.Series:
    moments = pd.to_datetime(due_at).to_numpy(dtype="datetime64[s]")
    return pd.Series(workdays.working_days_between(np.full(len(moments), np.datetime64(as_of, "s")), moments),
                     index=due_at.index)


def _weigh(rows: pd.DataFrame, moves: pd.DataFrame, values: pd.DataFrame, unit_code: str, own: str | None,
           shown: tuple[str, ...]) -> pd.DataFrame:
    """Add the points at stake for the unit (`stake_*`) and, with `own`, for each row's own unit (`own_stake`)."""
    late = rows["state"] == "overdue"
    moves = moves.copy()
    moves.loc[late.to_numpy(), [c for c in moves.columns if c in whatif.VALUE_COLUMNS]] = 0
    flags = moves.drop(columns=moves.columns[0])
    requests, targets = [], []
    if unit_code in values.index and not moves.empty:
        requests.append((values.loc[unit_code], flags))
        targets.append(None)
    if own is not None and not moves.empty:
        for code, index in rows.groupby(own).groups.items():
            if code in values.index and code != unit_code:
                requests.append((values.loc[code], flags.loc[index]))
                targets.append(index)
    found = _at_stake(requests, shown)
    columns = (*(f"stake_{ref(i)}" for i in shown), "stake_total")
    for column in (*columns, "own_stake"):
        rows[column] = np.nan
    for index, stakes in zip(targets, found):
        if index is None:
            rows.loc[:, list(columns)] = stakes[list(columns)].to_numpy()
        else:
            rows.loc[index, "own_stake"] = stakes["stake_total"].to_numpy()
    if own is not None:
        mine = rows[own] == unit_code
        rows.loc[mine, "own_stake"] = rows.loc[mine, "stake_total"]
    return rows


def _names(period: str) -> pd.Series:
    scored = units()
    return scored[scored["period"] == period].set_index("unit_code")["name"]


def _procedure_names(province_code: str) -> pd.Series:
    return base.frame("select procedure_code, name from procedures where province_code = $p",
                      {"p": province_code}).drop_duplicates("procedure_code").set_index("procedure_code")["name"]


def todo(scope: Scope, unit_code: str, within: int = DEFAULT_WITHIN) -> TodoList | None:
    """Return the unit's to-do list for the last month stored, items due within `within` working days, the rows
    of the reader's `scope` only; None when the unit was not scored in that month. A unit outside the scope is
    refused (access.scope.Refused), as is `within` outside 0..MAX_WITHIN (ValueError). Kept per version of the
    database and scope: the page, its downloads and a change of language ask for the same list."""
    base.check(scope, unit_code)
    if not 0 <= int(within) <= MAX_WITHIN:
        raise ValueError(f"within must be 0 to {MAX_WITHIN} working days, not {within}")
    return _todo(scope, base.version(), unit_code, int(within))


@functools.lru_cache(maxsize=32)
def _todo(scope: Scope, version: tuple, unit_code: str, within: int) -> TodoList | None:
    scored = units()
    found = scored[scored["unit_code"] == unit_code]
    if found.empty:
        return None
    row = found.iloc[0]
    period, as_of = str(row["period"]), pd.Timestamp(row["as_of"]).to_pydatetime()
    month = parse(period)
    until = horizon(as_of, int(within), month.end)
    now = _judged_at(scope, version, unit_code, period, as_of)
    later = _judged_at(scope, version, unit_code, period, until) if until > as_of else now
    codes = sorted(set(now.dossiers["unit_code"]) | set(now.feedback["unit_code"]) | {unit_code})
    values = whatif_queries.values(period, codes)[list(whatif.VALUE_COLUMNS)]
    names = _names(period)
    far = horizon(as_of, int(within), date.max)

    weigh = dict(values=values, unit_code=unit_code, names=names, as_of=as_of, far=far)
    dossiers = _open_items(now.dossiers[now.dossiers["end_at"].isna() & now.dossiers["d_2_1"].astype(bool)],
                           later.dossiers, "dossier_code", "2_1", SHOWN["dossier"], **weigh)
    dossiers["procedure_name"] = dossiers["procedure_code"].map(_procedure_names(str(row["province_code"])))
    feedback = _open_items(now.feedback[now.feedback["handled_at"].isna() & now.feedback["d_5_1"].astype(bool)],
                           later.feedback, "feedback_id", "5_1", SHOWN["feedback"], **weigh)

    decisions = _decisions(now, later, values, unit_code, str(row["province_code"]), as_of, far)
    return TodoList(unit_code, str(row["name"]), period, as_of, until, int(within),
                    _ordered(dossiers), _ordered(feedback), _ordered(decisions))


def _open_items(rows: pd.DataFrame, later: pd.DataFrame, key: str, indicator: str, shown, *, values: pd.DataFrame,
                unit_code: str, names, as_of: datetime, far: datetime) -> pd.DataFrame:
    """Return the open rows (dossiers or feedback items) that are overdue, due today or go late by the horizon for
    `indicator` (its id with `_`), with their state, working days left, unit name and the points at stake."""
    rows = rows.copy()
    moves = changes(rows, later, key)
    late_later = pd.Series((moves[f"n_{indicator}"] < 0).to_numpy(), index=rows.index)
    rows["state"] = _states(rows[f"n_{indicator}"].astype(bool), late_later, rows["due_at"], as_of, far).to_numpy()
    keep = rows["state"].notna().to_numpy()
    rows, moves = rows[keep], moves[keep]
    rows["working_days_left"] = _working_days_left(as_of, rows["due_at"])
    rows["unit_name"] = rows["unit_code"].map(names)
    return _weigh(rows.reset_index(drop=True), moves.reset_index(drop=True), values, unit_code, "unit_code", shown)


def _decisions(now: drill.Drill, later: drill.Drill, values: pd.DataFrame, unit_code: str, province_code: str,
               as_of: datetime, far: datetime) -> pd.DataFrame:
    """Return the province's decisions awaiting publication whose procedure is on time for 1.2 now and late by the
    horizon (or due for publication before it), with their deadline and the points at stake."""
    procedures = now.procedures[now.procedures["n_1_2"].astype(bool) | ~now.procedures["d_1_2"].astype(bool)]
    moves = changes(procedures, later.procedures, "procedure_code")
    pending = base.frame("""
        select procedure_code, decision_no, decision_date, legal_effective_date
        from procedure_decisions
        where province_code = $p and (published_at is null or published_at > $as_of) and decision_date <= $as_of""",
                         {"p": province_code, "as_of": as_of})
    if pending.empty:
        return pending.assign(name=None, deadline=None, working_days_left=None, state=None)
    days = publish_days()
    # the publish_days-th working day after the decision (after the working day before it, for a decision dated
    # on a day off), published by that day's end
    decided = pd.to_datetime(pending["decision_date"]).to_numpy(dtype="datetime64[D]")
    last_days = workdays.working_day_offset(decided, days - ~workdays.is_working_day(decided))
    pending["deadline"] = pd.to_datetime(last_days) + pd.Timedelta(hours=23, minutes=59, seconds=59)
    pending = pending[pending["deadline"] >= pd.Timestamp(as_of)].copy()
    flips = set(moves.loc[moves["n_1_2"] < 0, "procedure_code"])
    pending = pending[pending["procedure_code"].isin(flips) | (pending["deadline"] <= pd.Timestamp(far))].copy()
    pending["state"] = np.where(pending["deadline"].dt.date == as_of.date(), "due_today", "due_soon")
    pending["working_days_left"] = _working_days_left(as_of, pending["deadline"])
    pending["name"] = pending["procedure_code"].map(now.procedures.set_index("procedure_code")["name"])
    pending = pending.reset_index(drop=True)
    chosen = moves.set_index("procedure_code").reindex(pending["procedure_code"]).fillna(0).reset_index()
    return _weigh(pending, chosen, values, unit_code, None, SHOWN["procedure"]).drop(columns="own_stake")


@functools.cache
def publish_days() -> int:
    return unit_queries._rules().working_days["publish_after_decision"]


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the items with the most points at stake first, then the most urgent."""
    if frame.empty:
        return frame
    urgency = frame["state"].map({s: n for n, s in enumerate(STATES)})
    return (frame.assign(_urgency=urgency)
            .sort_values(["stake_total", *(["own_stake"] if "own_stake" in frame else []), "_urgency",
                          "working_days_left"], ascending=[False, *([False] if "own_stake" in frame else []), True, True],
                         na_position="last", kind="stable")
            .drop(columns="_urgency").reset_index(drop=True))
