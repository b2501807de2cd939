"""One unit in one period: its scores, its place in the tree, the points each indicator lost, its monthly trend,
its children, and the procedures, dossiers and feedback items behind the points it lost.

Every function reads the stored scores of the default rule set by (period, unit_code), or a unit's own rows, on
its own read-only connection or on the one of an open `session()`; those of the scores take the boundaries to read
them on (`indicators.boundaries`: `as_was`, the default, or `today`). The drill-down functions read the unit's
dossiers, feedback items and procedures as the engine judged them (indicators/drill.py): judged once per unit and
period, in the background when its page opens (`prepare_drill`), and kept.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

import duckdb
import pandas as pd

import db
import settings
from access.scope import Scope
from indicators import GROUPS, REGISTRY, drill, outputs, pages, rulesets
from indicators import periods as _periods
from indicators.boundaries import AS_WAS, INDICATORS, SCORES

from . import base, pool

RULESET = rulesets.DEFAULT
# The total the index asks every unit to reach.
TARGET_TOTAL = 90.0
GROUP_KEYS = tuple(g.key for g in GROUPS)
SUMMARY_COLUMNS = ("unit_code", "unit_valid_from", "unit_name as name", "unit_kind as kind", "province_code",
                   "district_code", "period", "period_kind", "period_start", "period_end", "as_of", *GROUP_KEYS,
                   "total", "band", "peer_list", "rank", "n_peers", "rank_in_district", "previous_total",
                   "score_change", "previous_rank", "rank_change")


# Guards the answers and judgements kept for every request thread.
_GUARD = threading.Lock()
# The connection of an open `session()`, opened by its first question that is not remembered.
_SESSION: ContextVar[dict | None] = ContextVar("unit_session", default=None)
# Answers kept per version of the database file: a unit's page is opened again and again, by one reader
# switching language or period and back, and by many readers.
_ANSWERS = base.Kept()


@contextmanager
def session() -> Iterator[None]:
    """Run the queries called inside on one read-only connection: a page's layout asks a dozen small questions,
    and opening a connection costs more than most of them."""
    if _SESSION.get() is not None:
        yield
        return
    holder: dict = {"con": None}
    token = _SESSION.set(holder)
    try:
        yield
    finally:
        _SESSION.reset(token)
        if holder["con"] is not None:
            holder["con"].close()


def _frame(sql: str, params: dict) -> pd.DataFrame:
    """Return the result of `sql` with `params`: as remembered for this version of the database, else run on the
    session's connection, or on a connection of its own outside a session."""
    def answer() -> pd.DataFrame:
        holder = _SESSION.get()
        if holder is None:
            return base.frame(sql, params)
        if holder["con"] is None:
            holder["con"] = db.connect(read_only=True)
        return holder["con"].execute(sql, params).df()

    return _ANSWERS.get((sql, tuple(sorted((k, str(v)) for k, v in params.items()))), answer)


@functools.cache
def _rules() -> rulesets.RuleSet:
    return rulesets.load(RULESET)


def _at(period: str, **params) -> dict:
    """Return the bound parameters naming a stored period: its label, kind and first day, with `params`.

    The score tables are written one period kind at a time, so the kind and first day let DuckDB skip most of
    their row groups.
    """
    try:
        parsed = _periods.parse(period)
        kind, start = parsed.kind, parsed.start
    except ValueError:
        kind, start = None, None
    return {"ruleset": RULESET, "period": period, "kind": kind, "start": start, **params}


def summary(unit_code: str, period: str, boundaries: str = AS_WAS) -> dict | None:
    """Return the unit's scores in the period as a dict: unit_code, unit_valid_from, name, kind, province_code,
    district_code, period, period_kind, period_start, period_end, as_of, the six columns, total, band, peer_list,
    rank, n_peers, rank_in_district, previous_total, score_change, previous_rank, rank_change; None when the unit
    was not scored in the period."""
    row = stored(unit_code, period, boundaries)
    return None if row is None else {name: row[name] for name in (*SUMMARY_NAMES, "divided_share")}


SUMMARY_NAMES = [c.split(" as ")[-1] for c in SUMMARY_COLUMNS]


def stored(unit_code: str, period: str, boundaries: str = AS_WAS) -> dict | None:
    """Return the unit's stored row in the period on `boundaries`, read in one lookup and kept: its scores (as
    `summary` names them, with `divided_share`, null as the units were), `valued` (whether it has indicator values)
    and its unit_indicators columns (outputs.indicator_columns(), null without values); None when the unit was not
    scored in the period. The page, its ledger and its what-if card read it."""
    divided = "s.divided_share" if boundaries != AS_WAS else "null::double as divided_share"
    found = _frame(f"""
        select {", ".join(f"s.{c}" for c in SUMMARY_COLUMNS)}, {divided}, i.unit_code is not null as valued,
               {", ".join(f"i.{c}" for c in outputs.indicator_columns())}
        from {SCORES[boundaries]} s
        left join {INDICATORS[boundaries]} i
          on i.ruleset = $ruleset and i.period_kind = $kind and i.period_start = $start and i.period = $period
         and i.unit_code = $unit
        where s.ruleset = $ruleset and s.period_kind = $kind and s.period_start = $start and s.period = $period
          and s.unit_code = $unit""", _at(period, unit=unit_code))
    return None if found.empty else _first_row(found)


def _first_row(frame: pd.DataFrame) -> dict:
    """Return the frame's first row as a dict, missing values as None (DataFrame.where costs milliseconds)."""
    return {name: None if pd.isna(value) else value for name, value in frame.iloc[0].items()}


def periods(kind: str | None = None) -> list[str]:
    """Return the periods scored, latest first, of `kind` (month, quarter, year) or of every kind."""
    found = _frame("""
        select distinct period, period_kind, period_start from unit_scores
        where ruleset = $ruleset and ($kind is null or period_kind = $kind)
        order by period_start desc, period_kind desc""", {"ruleset": RULESET, "kind": kind})
    return found["period"].tolist()


def _stored(stored: str, derived: str, params: dict, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the rows of `stored` (a query of unit_pages or unit_trends, indicators/pages.py); on a database
    scored before those tables existed, and on today's boundaries (whose pages are not stored: the view is read
    less, and its pages are kept per version with the page built), the same rows derived on the fly by `derived`
    (their store step's SQL)."""
    if boundaries != AS_WAS:
        return _frame(derived, params)
    try:
        return _frame(stored, params)
    except duckdb.CatalogException:
        return _frame(derived, params)


def _trends(unit_code: str, boundaries: str = AS_WAS) -> dict | None:
    """Return the unit code's stored trend row: periods (latest first) and months (oldest first), lists of dicts;
    None when the code was never scored."""
    found = _stored(
        "select periods, months from unit_trends where ruleset = $ruleset and unit_code = $unit",
        f"select periods, months from ({pages.derive_trends('ruleset = $ruleset and unit_code = $unit', SCORES[boundaries])})",
        {"ruleset": RULESET, "unit": unit_code}, boundaries)
    return None if found.empty else found.iloc[0].to_dict()


def unit_periods(unit_code: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the periods in which the unit was scored, latest first (a year before its quarter and month):
    period, period_kind."""
    found = _trends(unit_code, boundaries)
    return pd.DataFrame(list(found["periods"]) if found else [], columns=["period", "period_kind"])


def _page(unit_code: str, period: str, boundaries: str = AS_WAS) -> dict:
    """Return the unit's stored page in the period (indicators/pages.py): chain, peer_links and children, lists of
    dicts (empty when the unit was not scored)."""
    province = f"""(select province_code from {SCORES[boundaries]} where ruleset = $ruleset and period_kind = $kind
                   and period_start = $start and period = $period and unit_code = $unit)"""
    found = _stored(
        """select chain, peer_links, children from unit_pages
           where ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period
             and unit_code = $unit""",
        f"""select chain, peer_links, children from ({pages.derive(
            "ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period "
            f"and province_code = {province}", SCORES[boundaries])}) where unit_code = $unit""",
        _at(period, unit=unit_code), boundaries)
    if found.empty:
        return {"chain": [], "peer_links": [], "children": []}
    return {name: list(value) for name, value in found.iloc[0].items()}


def breadcrumbs(unit_code: str, period: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the chain from the unit's province down to the unit in the period, top first: unit_code, name, kind.

    A department sits under its province; a commune of the new tree directly under its province.
    """
    return pd.DataFrame(_page(unit_code, period, boundaries)["chain"], columns=["unit_code", "name", "kind"])


CHILD_COLUMNS = ["unit_code", "name", "kind", "total", "band", "rank", "n_peers", "peer_list", "score_change",
                 "rank_change"]


def children(unit_code: str, period: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the units directly under the unit in the period, best first: unit_code, name, kind, total, band,
    rank, n_peers, peer_list, score_change, rank_change. A province's districts and departments (and its
    communes when it has no districts); a district's communes; nothing under a commune or a department."""
    return pd.DataFrame(_page(unit_code, period, boundaries)["children"], columns=CHILD_COLUMNS).astype(
        {"total": "float64", "score_change": "float64", "rank_change": "float64"})


def peer_lists(unit_code: str, period: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the rankings below the unit in the period: peer_list, kind, district_code (set for the communes of
    a district), n_units. A province: its departments, districts and communes; a district: its communes."""
    return pd.DataFrame(_page(unit_code, period, boundaries)["peer_links"],
                        columns=["peer_list", "kind", "district_code", "n_units"])


def ledger(unit_code: str, period: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return one row per indicator, the most points lost first: indicator_id, group_key, group_number, name_vi,
    name_en, unit ('share' or 'days'), display_only, max_points, points, points_lost (max − points; null for a
    display-only or not applicable indicator), ratio, numerator, denominator, target, no_data, not_applicable,
    excluded_rows (left out of both for an unknown value), order (the declarations' order)."""
    # The unit's one stored row (`stored`: its indicators as columns), unfolded here: the indicator_values view would
    # unfold every unit of the period before picking this one. Kept unfolded: the page, its download and its drill ask.
    return _ANSWERS.get(("ledger", RULESET, unit_code, period, boundaries),
                        lambda: _ledger(unit_code, period, boundaries))


LEDGER_COLUMNS = ["indicator_id", "group_key", "group_number", "name_vi", "name_en", "unit", "display_only",
                  "max_points", "points", "points_lost", "ratio", "numerator", "denominator", "target", "no_data",
                  "not_applicable", "excluded_rows", "order"]


def _ledger(unit_code: str, period: str, boundaries: str) -> pd.DataFrame:
    row = stored(unit_code, period, boundaries)
    if row is None or not row["valued"]:
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    rules = _rules()
    numbers = {g.key: g.number for g in GROUPS}
    rows = []
    for order, (indicator_id, i) in enumerate(REGISTRY.items()):
        n, d, p, x, a, u = (row[f"{part}_{outputs.ref(indicator_id)}"] for part in outputs.PARTS)
        if x is None:
            continue  # folded in from before the indicator existed: not stored with it
        display_only = rules.rule(indicator_id).max_points == 0
        scored = not display_only and not a
        rows.append({
            "indicator_id": indicator_id, "group_key": i.group, "group_number": numbers[i.group], "name_vi": i.name_vi,
            "name_en": i.name_en, "unit": i.unit, "display_only": display_only, "max_points": x,
            "points": None if display_only else p, "points_lost": x - p if scored and p is not None else None,
            "ratio": n / d if n is not None and d is not None and d > 0 else None, "numerator": n, "denominator": d,
            "target": rules.rule(indicator_id).target, "no_data": None if d is None else bool(d == 0),
            "not_applicable": a, "excluded_rows": u, "order": order})
    rows.sort(key=lambda r: (r["points_lost"] is None, -(r["points_lost"] or 0.0), r["order"]))
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS).astype(
        {"max_points": "float64", "points": "float64", "points_lost": "float64", "ratio": "float64",
         "numerator": "float64", "denominator": "float64"})


def next_band(unit_code: str, period: str, boundaries: str = AS_WAS) -> dict | None:
    """Return what the unit needs to climb, as a dict: total, band, next_band (key, or None at the top),
    next_band_min, points_to_next_band, target (90), points_to_target (0 when reached); None when not scored.

    Totals are compared rounded to 2 decimals, as the engine assigns bands.
    """
    unit = summary(unit_code, period, boundaries)
    if unit is None:
        return None
    total = round(unit["total"], 2) if unit["total"] is not None else None
    above = [b for b in _rules().bands if total is None or b.min > total]
    following = above[-1] if above else None
    return {
        "total": unit["total"], "band": unit["band"],
        "next_band": following.key if following else None,
        "next_band_min": following.min if following else None,
        "points_to_next_band": round(following.min - (total or 0), 2) if following else 0.0,
        "target": TARGET_TOTAL,
        "points_to_target": round(max(0.0, TARGET_TOTAL - (total or 0)), 2),
    }


ANY = "any"
# Whether a reader's scope covers a unit: the drill asks before listing its dossiers.
allows = base.allows


def trend(unit_code: str, valid_from: date | None | str = ANY, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the unit's monthly scores over the whole data range, oldest first: period, period_start, the six
    columns, total, band. With `valid_from` (a date, or None for a unit valid from the start), only that unit: a
    code reused by the 2025 reform names two. On today's boundaries a unit of today's tree runs from the first
    month of the data."""
    found = _trends(unit_code, boundaries)
    months = pd.DataFrame(list(found["months"]) if found else [],
                          columns=["period", "period_start", "unit_valid_from", *GROUP_KEYS, "total", "band"])
    if not isinstance(valid_from, str):
        same = (months["unit_valid_from"].isna() if valid_from is None
                else months["unit_valid_from"] == pd.Timestamp(valid_from).date())
        months = months[same]
    months = months.assign(period_start=pd.to_datetime(months["period_start"])).astype(
        {name: "float64" for name in (*GROUP_KEYS, "total")})
    return months[["period", "period_start", *GROUP_KEYS, "total", "band"]].reset_index(drop=True)


# The judged rows of the last units and periods asked for: judging a province's year takes about a second (a
# commune's a fifth of one), and the reader pages through its dossiers and switches indicators many times, and
# comes back. Kept up to _DRILLS_ROWS rows in all (a commune's year is a few thousand), least recently used out
# first. Keyed by the database and the moment its scores describe, so a new load is judged afresh. Judging runs in a bounded pool (settings
# drill_workers, drill_queue): beyond it a reader is told to retry (limits.Busy), and the server stays up.
_DRILLS: OrderedDict[tuple, drill.Drill] = OrderedDict()
_DRILLS_ROWS = 2_000_000
_LOCKS: dict[tuple, threading.Lock] = {}
_POOL = pool.Bounded(int(settings.get("drill_workers")), int(settings.get("drill_queue")), "drill")


def _drill_key(scope: Scope, unit_code: str, period: str) -> tuple | None:
    """Return the key of the unit's judged rows as the reader's scope sees them; refuse a unit outside it."""
    base.check(scope, unit_code)
    unit = summary(unit_code, period)
    return None if unit is None else (settings.get("db"), scope, unit_code, period, unit["as_of"])


def judged(scope: Scope, unit_code: str, period: str) -> drill.Drill | None:
    """Return the judged dossiers, feedback items and procedures of the unit in the period (indicators/drill.py),
    those of the reader's scope only, computed once and kept; None when the unit was not scored in the period.
    A unit outside the scope is refused (access.scope.Refused); raises limits.Busy when the pool is full."""
    key = _drill_key(scope, unit_code, period)
    if key is None:
        return None
    with _GUARD:
        if key in _DRILLS:
            _DRILLS.move_to_end(key)
            return _DRILLS[key]
    return _POOL.submit(key, base.carry(_judged), key, unit_code, period).result()


def _judged(key: tuple, unit_code: str, period: str) -> drill.Drill:
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _GUARD:
            if key in _DRILLS:
                _DRILLS.move_to_end(key)
                return _DRILLS[key]
        con = db.connect(key[0], read_only=True)
        try:
            computed = drill.judge(key[1], con, unit_code, period, RULESET, key[-1])
        finally:
            con.close()
        with _GUARD:
            _DRILLS[key] = computed
            while len(_DRILLS) > 1 and sum(map(_rows, _DRILLS.values())) > _DRILLS_ROWS:
                _LOCKS.pop(_DRILLS.popitem(last=False)[0], None)
        return computed


def _rows(judged_rows: drill.Drill) -> int:
    return len(judged_rows.dossiers) + len(judged_rows.feedback) + len(judged_rows.procedures)


def drill_ready(scope: Scope, unit_code: str, period: str) -> bool:
    """Return whether the unit's judged rows are at hand, so that asking for them answers at once."""
    return _drill_key(scope, unit_code, period) in _DRILLS


def prepare_drill(scope: Scope, unit_code: str, period: str) -> None:
    """Start judging the unit's rows in the background, unless they are at hand or on their way, so that they are
    ready when the reader picks an indicator; nothing for a unit outside the reader's scope. Raises limits.Busy
    when the pool is full."""
    if not base.allows(scope, unit_code):
        return
    key = _drill_key(scope, unit_code, period)
    if key is None or key in _DRILLS:
        return
    _POOL.submit(key, base.carry(_judged), key, unit_code, period)


def _indicator_row(unit_code: str, period: str, indicator_id: str) -> dict | None:
    rows = ledger(unit_code, period)
    found = rows[rows["indicator_id"] == indicator_id]
    return None if found.empty else _first_row(found)


def _recoverable(row: dict, fixed: pd.Series) -> pd.Series:
    """Return the points the indicator would gain if `fixed` more rows met its numerator: max × min(1, (N + f) / D
    / target) − points, as the engine scores it."""
    if row["display_only"] or not row["target"] or not row["denominator"] or row["points"] is None:
        return pd.Series(None, index=fixed.index, dtype="float64")
    share = ((row["numerator"] + fixed) / row["denominator"] / row["target"]).clip(upper=1.0)
    return row["max_points"] * share - row["points"]


def failing_procedures(scope: Scope, unit_code: str, period: str, indicator_id: str) -> pd.DataFrame:
    """Return the procedures behind the indicator's lost points, the most recoverable first: procedure_code, name,
    n_failing (its failing dossiers or feedback items; 1 for a failing procedure itself), points_recoverable (the
    points the indicator would gain were they all fixed). Refused for a unit outside the reader's scope."""
    rows = judged(scope, unit_code, period)
    row = _indicator_row(unit_code, period, indicator_id)
    empty = pd.DataFrame(columns=["procedure_code", "name", "n_failing", "points_recoverable"])
    if rows is None or row is None or drill.kind_of(REGISTRY[indicator_id]) in (None, "feedback"):
        return empty
    failing = rows.failing(indicator_id)
    if failing.empty:
        return empty
    if "dossier_code" in failing:
        counted = failing.groupby("procedure_code", as_index=False).size().rename(columns={"size": "n_failing"})
        names = rows.procedures[["procedure_code", "name"]]
        counted = counted.merge(names, on="procedure_code", how="left")
    else:
        counted = failing[["procedure_code", "name"]].assign(n_failing=1)
    counted["points_recoverable"] = _recoverable(row, counted["n_failing"])
    ordered = counted.sort_values(["points_recoverable", "n_failing", "procedure_code"],
                                  ascending=[False, False, True], ignore_index=True)
    return ordered[["procedure_code", "name", "n_failing", "points_recoverable"]]


def failing_rows(scope: Scope, unit_code: str, period: str, indicator_id: str, procedure: str | None = None,
                 start: int = 0, end: int | None = None) -> tuple[pd.DataFrame, int]:
    """Return rows `start` to `end` (all when None) of the dossiers or feedback items that failed the indicator,
    of one procedure when given, and how many there are in all.

    Dossiers: dossier_code, unit_code, procedure_code, procedure_name, channel, received_at, due_at, end_at,
    end_kind, ordered by received time and code. Feedback items: feedback_id, unit_code, category, received_at,
    due_at, handled_at, likes, dislikes, reraised. Only the rows of the reader's scope; refused for a unit outside it.
    """
    rows = judged(scope, unit_code, period)
    if rows is None or drill.kind_of(REGISTRY[indicator_id]) not in ("dossier", "feedback"):
        return pd.DataFrame(), 0
    failing = rows.failing(indicator_id)
    if "dossier_code" in failing:
        if procedure:
            failing = failing[failing["procedure_code"] == procedure]
        failing = failing.sort_values(["received_at", "dossier_code"], ignore_index=True)
        names = rows.procedures[["procedure_code", "name"]].rename(columns={"name": "procedure_name"})
        page = failing.iloc[start:end].merge(names, on="procedure_code", how="left")
        columns = ["dossier_code", "unit_code", "procedure_code", "procedure_name", "channel", "received_at",
                   "due_at", "end_at", "end_kind"]
        return page[columns], len(failing)
    failing = failing.sort_values(["received_at", "feedback_id"], ignore_index=True)
    return failing.iloc[start:end].reset_index(drop=True), len(failing)
