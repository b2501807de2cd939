"""The engine: turns the declarations and a rule set into SQL, runs it, and stores indicator_values (as
unit_indicators, see outputs) and unit_scores, with what the unit page shows derived from them (pages).

`refresh(con)` recomputes every unit for every month, quarter and year present in the data, or with
`since` only the periods that end on or after that day; `score_range(con, period)` computes one period
or date range on request. Everything is aggregated in DuckDB, one pass per period kind.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

import db
import settings

from . import REGISTRY, bases, boundaries, calendar, outputs, pages, scoring
from .core import Measure
from .periods import KINDS, LABEL_SQL, STEP, Period, as_datetime
from .rulesets import RuleSet, load

SQL = Path(__file__).resolve().parent / "sql"
LEAF_BASES = {"processed": "l_processed", "finished": "l_finished", "feedback": "l_feedback"}


def _sql(name: str) -> str:
    return (SQL / name).read_text(encoding="utf-8")


def facts_sql(window: bool, codes: bool = False) -> str:
    """Return the dossier facts SQL (sql/dossier_facts.sql), with `window` only for the dossiers that can count in
    [$start, $end): the bounds are then its parameters. Without, every dossier received at a known unit.
    `codes`: with the dossier's code (not needed by the scores, and memory at millions of dossiers)."""
    # a dossier ends at or after its receipt (sql/dossier_facts.sql, `timed`): one received inside the window is kept
    # without working out its end
    conditions = {"window_received": "received_at is null or received_at < $end",
                  "window_kept": "received_at < $end and (received_at >= $start or end_at is null or end_at >= $start)"}
    if not window:
        conditions = {"window_received": "true", "window_kept": "received_at is not null"}
    return _sql("dossier_facts.sql").format(**conditions, codes="dossier_code, " if codes else "")


def measure_columns() -> tuple[dict[Measure, str], dict[str, str]]:
    """Return every distinct measure of the registry with its column name, and each `having` condition with its column."""
    columns: dict[Measure, str] = {}
    havings: dict[str, str] = {}
    for ind in REGISTRY.values():
        for measure in ind.measures():
            if measure not in columns:
                columns[measure] = bases.column(measure, len(columns))
            if measure.having is not None and measure.having not in havings:
                havings[measure.having] = f"h_{len(havings)}"
    return columns, havings


def resolve_as_of(con: duckdb.DuckDBPyConnection, as_of: datetime | None = None) -> datetime:
    """Return as_of: the explicit value, else the end of the last load, else the latest moment in the data, else now."""
    if as_of is not None:
        return as_of
    # the data is read only without a load (on Spark, a scan of the whole lake)
    (found,) = con.execute("select max(finished_at) from load_runs").fetchone()
    if found is None:
        (found,) = con.execute("""
            select greatest((select max(greatest(received_at, finished_at, updated_at)) from dossiers),
                            (select max("at") from dossier_events),
                            (select max(greatest(received_at, handled_at)) from feedback))""").fetchone()
    return found or settings.local_now()


@contextmanager
def unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB write tables in any row order while the engine runs, then restore the caller's setting.

    Every table the engine builds is read by joins and aggregates only, so the order is of no use, and without
    it DuckDB need not put the rows of its parallel threads back in sequence.
    """
    kept = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {bool(kept)}")


def number_procedures(con: duckdb.DuckDBPyConnection, kept: str | None = None) -> None:
    """Create `procedure_ids`: every procedure code of the catalogue and the dossiers numbered from 0, so that a
    unit's set of procedures is a few 64-bit words (the dossier facts carry the number).

    `kept`: a table of an earlier run's numbers, which are kept, the codes new since numbered after them (the
    month tables an earlier run kept hold sets by those numbers; a count of procedures does not depend on them).
    """
    codes = "select procedure_code from procedures union select procedure_code from dossiers"
    if kept is None:
        con.execute(f"""create or replace temp table procedure_ids as
                        select procedure_code, row_number() over (order by procedure_code) - 1 as procedure_id
                        from ({codes})""")
        return
    con.execute(f"""create or replace temp table procedure_ids as
                    select procedure_code, procedure_id from {kept}
                    union all
                    select procedure_code,
                           (select coalesce(max(procedure_id), -1) from {kept})
                           + row_number() over (order by procedure_code) as procedure_id
                    from (({codes}) except (select procedure_code from {kept}))""")


def prepare(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, as_of: datetime, window: Period | None = None,
            since: date | None = None, kinds: tuple[str, ...] = KINDS) -> None:
    """Create the temporary tables every period kind shares: calendar, run parameters, facts.

    With a `window`, the facts keep only the dossiers and feedback that can count in it; with `since`, the window
    is that of the periods of `kinds` a refresh since that day recomputes (see `_changed`).
    """
    outputs.ensure(con)
    con.execute("set enable_progress_bar = false")
    calendar.install(con)
    prepare_facts(con, ruleset, as_of, window, since, kinds)


def prepare_facts(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, as_of: datetime, window: Period | None = None,
                  since: date | None = None, kinds: tuple[str, ...] = KINDS, kept: bool = False,
                  narrow: Callable[[Period, Period], None] | None = None, codes: bool = False) -> None:
    """`prepare` once the calendar is installed: the run parameters, facts and per-run tables (Spark runs this part
    alone, see spark.py).

    `kept` (with `since`): the months before `kept_from` (`_kept_from`) are an earlier run's (`kept_run`,
    `kept_procedure_ids`, `kept_month_<table>`, see `_month_leaves`), so the dossier facts are those that can count
    from that month on; the feedback's window stays that of every changed period (feedback is counted per period,
    not by month).
    `narrow`: called with the dossiers' and the feedback's windows before their facts are built (Spark reads only
    the lake's partitions that can hold them). `codes`: the dossier facts carry the dossiers' codes.
    """
    # the unit tree is a recursive view: walk it once per run
    con.execute("create or replace temp table t_tree as select * from unit_tree")
    con.execute("""create or replace temp table run_params as
                   select r.*, wt(c.n_before, c.is_working, r.as_of) as wt_as_of
                   from (select ?::timestamp as as_of, ?::int as announce_days, ?::int as publish_days,
                                ?::boolean as deduct_supplement_from_due, null::date as tree_day) r
                   left join work_calendar c on c.day = r.as_of::date""",
                [as_of, ruleset.working_days["announce_before_effect"], ruleset.working_days["publish_after_decision"],
                 ruleset.deduct_supplement_from_due])
    dossier_window = window
    if since is not None:
        window = dossier_window = _since_window(con, ruleset, kinds, since, kept)
        if kept:
            dossier_window = _kept_from(con)
    if narrow is not None and dossier_window is not None:
        narrow(dossier_window, window)
    # after narrowing: the codes of the dossiers read (the kept months' are in the kept numbers)
    number_procedures(con, "kept_procedure_ids" if kept else None)
    if window is None:
        con.execute(f"create or replace temp table f_dossiers as {facts_sql(False, codes)}")
        con.execute(f"create or replace temp table f_feedback as {_sql('feedback_facts.sql')}")
    else:
        con.execute(f"create or replace temp table f_dossiers as {facts_sql(True, codes)}", _bounds(dossier_window))
        con.execute(f"""create or replace temp table f_feedback as
                        select * from ({_sql('feedback_facts.sql')}) where received_at >= $start and received_at < $end""",
                    _bounds(window))
    holders(con)
    grouped = by_basis(measure_columns()[0])
    con.execute(bases.authority(grouped.get("authority", {})))
    con.execute(bases.procedure_masks(grouped.get("procedure", {})))
    # the periods to score are those with dossiers or feedback: decisions alone do not make a period
    con.execute("""create or replace temp table data_months as
                   select distinct date_trunc('month', received_at) as month from f_dossiers
                   union select date_trunc('month', received_at) from f_feedback""")
    if kept:
        # and the kept months with dossiers: a quarter or year may hold only those
        con.execute("""create or replace temp table data_months as
                       select month from data_months
                       union select distinct period_start::timestamp from kept_month_c_received
                       where period_start < (select month from kept_from)""")


def _kept_from(con: duckdb.DuckDBPyConnection) -> Period:
    """Create `kept_from` (one row, `month`): the first month a run on kept months builds again from the dossiers,
    the first changed month or the month of the kept run's as_of, whichever is earlier (that run judged its own
    month before it ended); return the dossiers' window from it on, without end, as a full run's."""
    con.execute("""create or replace temp table kept_from as
                   select least(coalesce((select min(period_start) from changed where period_kind = 'month'),
                                         timestamp '9999-12-31 00:00:00'),
                                (select date_trunc('month', max(as_of)) from kept_run)) as month""")
    (start,) = con.execute("select month from kept_from").fetchone()
    return Period("since", "range", start.date(), date(9999, 12, 31))


def holders(con: duckdb.DuckDBPyConnection) -> None:
    """Create `t_holders`: every unit holding dossier or feedback facts, which sql/scope.sql maps to the units whose
    scope holds it."""
    con.execute("""create or replace temp table t_holders as
                   select distinct unit_code, unit_valid_from from f_dossiers
                   union select distinct unit_code, unit_valid_from from f_feedback""")


def _bounds(window: Period) -> dict[str, datetime]:
    return {"start": as_datetime(window.start), "end": as_datetime(window.end)}


def _since_window(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kinds: tuple[str, ...], since: date,
                  kept: bool = False) -> Period:
    """Return the window holding every period a refresh since `since` recomputes, before the facts are known.

    The periods are found as `_changed` finds them, from every month in which the input tables record a receipt:
    more months than the facts will hold (some at no known unit), so the window holds every period they give.
    `kept` (an earlier run at an as_of on or after `since` holds the months before since's, and receipts before
    `since` have not changed): from every month from since's to as_of's, without reading the input tables. Every
    period holding one of them ends on or after `since`, so it is one `_changed` gives when it holds data (one
    that holds none gets no facts, so no scores); a period before since's month that holds facts was stored by
    that run after it ended, so `_changed` does not give it.
    """
    if kept:
        con.execute("""create or replace temp table data_months as
                       select unnest(generate_series(date_trunc('month', ?::timestamp),
                                                     (select as_of from run_params), interval 1 month)) as month""",
                    [as_datetime(since)])
    else:
        con.execute("""create or replace temp table data_months as
                       select distinct date_trunc('month', received_at) as month from dossiers
                       where received_at is not null
                       union select date_trunc('month', "at") from dossier_events where event = 'received'
                       union select date_trunc('month', received_at) from feedback where received_at is not null""")
    _changed_periods(con, ruleset, kinds, since)
    start, end = con.execute("select min(period_start), max(end_at) from changed").fetchone()
    if start is None:
        # nothing to recompute: a window that holds nothing
        return Period("since", "range", date.min, date.min)
    return Period("since", "range", start.date(), end.date())


def _periods(con: duckdb.DuckDBPyConnection, kind: str, period: Period | None, every: bool = False) -> None:
    """Create the temporary table `periods`: every period of `kind` holding data, or the one period asked for.

    `every`: every period from the first holding data to as_of's, even one that holds none or has not begun by
    as_of (its first moment): the months that quarters and years add up.
    """
    if period is None:
        con.execute(f"create or replace temp table periods_raw as {_sql('periods.sql')}",
                    {"kind": kind, "step": STEP[kind], "every": every})
        label = LABEL_SQL[kind].format(start="period_start")
    else:
        con.execute("""create or replace temp table periods_raw as
                       select ?::timestamp as period_start, ?::timestamp as end_at,
                              least(?::timestamp, as_of) as eff_end_at, ?::date as first_day,
                              (least(?::timestamp, as_of) - interval 1 microsecond)::date as last_day,
                              ?::date as last_nominal_day
                       from run_params""",
                    [as_datetime(period.start), as_datetime(period.end), as_datetime(period.end), period.start,
                     as_datetime(period.end), period.last_day])
        label = "?"
    con.execute(f"""create or replace temp table periods as
                    select {label} as period, ? as period_kind, p.*, wt(c.n_before, c.is_working, p.eff_end_at) as wt_eff_end
                    from periods_raw p join work_calendar c on c.day = p.eff_end_at::date
                    where p.first_day <= p.last_day or ?""",
                [*([period.label] if period else []), kind if period is None else period.kind, every])


def _refreshed_periods(con: duckdb.DuckDBPyConnection, kind: str, since: date | None) -> None:
    """Create `periods` for a refresh: every period of `kind` holding data, with `since` only those in `changed`."""
    _periods(con, kind, None)
    if since is not None:
        con.execute("delete from periods where period_start not in "
                    "(select period_start from changed where period_kind = ?)", [kind])


def by_basis(columns: dict[Measure, str]) -> dict[str, dict[Measure, str]]:
    """Return the measures with their column names, grouped by basis."""
    grouped: dict[str, dict[Measure, str]] = {}
    for measure, name in columns.items():
        grouped.setdefault(measure.basis, {})[measure] = name
    return grouped


MONTH_TABLES = tuple(f"month_{table}" for table in (*bases.MONTHLY, "l_processed"))


def month_statements() -> tuple[str, ...]:
    """Return the statements that build the month tables (`MONTH_TABLES`, before their renaming)."""
    columns, havings = measure_columns()
    grouped = by_basis(columns)
    cube, procedures, _ = bases.received("month", grouped.get("received", {}), havings)
    return (cube, procedures, bases.finished("month", grouped.get("finished", {})),
            bases.processed_months(grouped.get("processed", {})))


def _month_leaves(con: duckdb.DuckDBPyConnection, since: date | None, kept: bool = False) -> None:
    """Create `month_<table>` for every additive leaf table (`bases.MONTHLY`) and `month_l_processed`: every month
    from the first holding data to as_of's (with `since`, from the start of the first changed period), from which
    every kind adds up its own.

    `kept` (with `since`): only the months from `kept_from` on are computed; the months before it are taken from
    an earlier run's tables (`kept_month_<table>`: a month ended before that run's as_of and received nothing
    since does not change).
    """
    _periods(con, "month", None, every=True)
    if since is not None:
        # no changed period: no month (a far day rather than 'infinity', which Spark has not)
        first = "select month from kept_from" if kept else \
            "select coalesce(min(period_start), timestamp '9999-12-31 00:00:00') from changed"
        con.execute(f"delete from periods where period_start < ({first})")
    for statement in month_statements():
        con.execute(statement)
    for table in bases.MONTHLY:
        con.execute(f"drop table if exists month_{table}")
        con.execute(f"alter table {table} rename to month_{table}")
    if kept:
        for table in MONTH_TABLES:
            con.execute(f"insert into {table} by name select * from kept_{table} "
                        f"where period_start < (select month from kept_from)")
        # the units holding the kept months' dossiers hold data too (the facts are the changed months' only)
        kept_holders = " union ".join(f"select unit_code, unit_valid_from from {table}" for table in MONTH_TABLES)
        con.execute(f"create or replace temp table t_holders as "
                    f"select unit_code, unit_valid_from from t_holders union {kept_holders}")
    # every kind adds up the months: the dossier facts, most of the run's memory, are of no more use
    con.execute("drop table f_dossiers")


def _compute(con: duckdb.DuckDBPyConnection, kind: str, ruleset: RuleSet, monthly: bool = False) -> None:
    """Compute v_points and v_scores for the periods in `periods` (of `kind`, or 'range').

    `monthly`: the additive leaf tables are sums of the months' (`month_<table>`).
    """
    con.execute(_sql("scope.sql"))
    columns, havings = measure_columns()
    grouped = by_basis(columns)
    basis_kind = "range" if kind not in KINDS else kind
    for statement in bases.received(basis_kind, grouped.get("received", {}), havings, monthly):
        con.execute(statement)
    con.execute(bases.procedure(grouped.get("procedure", {}), havings))
    con.execute(bases.processed(basis_kind, grouped.get("processed", {}), monthly))
    con.execute(bases.finished(basis_kind, grouped.get("finished", {}), monthly))
    con.execute(bases.feedback(basis_kind, grouped.get("feedback", {})))
    for basis, leaf in LEAF_BASES.items():
        con.execute(bases.rollup(leaf, f"b_{basis}", list(grouped.get(basis, {}).values())))
    con.execute(bases.announced(basis_kind, grouped.get("announced", {})))
    con.execute(bases.published(basis_kind, grouped.get("published", {})))
    con.execute(bases.catalogue(grouped.get("catalogue", {})))
    con.execute(bases.communes(grouped.get("communes", {})))
    con.execute(bases.national_report(grouped.get("national_report", {})))
    con.execute(scoring.wide(columns))
    con.execute(scoring.points(columns, ruleset))
    con.execute(scoring.scores(ruleset))


def _delete(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kind: str, since: date | None,
            view: str = boundaries.AS_WAS) -> None:
    """Delete the stored rows of `view` that the rows computed for `kind` (`computed_periods_<kind>`, with `_today`
    for the re-drawn ones) replace.

    A full refresh of a kind deletes all of that kind, so periods that no longer hold data go too; with `since`,
    the periods ending on or after it and those recomputed; a range, only itself.
    """
    step = STEP.get(kind)
    computed = _computed(kind, view)
    for table in boundaries.STORED[view]:
        if step is None:
            con.execute(f"delete from {table} where ruleset = ? and (period, period_kind) in "
                        f"(select period, period_kind from computed_periods_{computed})", [ruleset.name])
        elif since is None:
            con.execute(f"delete from {table} where ruleset = ? and period_kind = ?", [ruleset.name, kind])
        else:
            con.execute(f"""delete from {table} where ruleset = ? and period_kind = ?
                            and (period_start + interval '{step}' > ? or period_start in (select period_start::date
                                                                                           from computed_periods_{computed}))""",
                        [ruleset.name, kind, since])


def _computed(kind: str, view: str) -> str:
    """Return the suffix of the tables `_keep` makes for `kind` in `view`."""
    return kind if view == boundaries.AS_WAS else f"{kind}_{view}"


def _redraw(con: duckdb.DuckDBPyConnection, kind: str, ruleset: RuleSet, monthly: bool = False) -> None:
    """Score once more on today's tree the periods just computed and kept for `kind` that ended before the reform
    (`boundaries`), and keep them as `computed_<table>_<kind>_today` with their divided shares."""
    boundaries.prepare_pass(con, f"computed_periods_{kind}")
    try:
        _compute(con, kind, ruleset, monthly)
        every = measure_columns()[0][boundaries.EVERY_RECEIPT]
        boundaries.divided_shares(con, every, f"computed_shares_{_computed(kind, boundaries.TODAY)}")
    finally:
        boundaries.end_pass(con)
    _keep(con, _computed(kind, boundaries.TODAY))


def _keep(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Keep what `_compute` made for `kind` (its periods, v_points, v_scores) as `computed_<table>_<kind>`, for
    `_store` to write every kind's in one transaction."""
    for table, kept in (("periods", "periods"), ("v_points", "points"), ("v_scores", "scores")):
        con.execute(f"drop table if exists computed_{kept}_{kind}")
        con.execute(f"alter table {table} rename to computed_{kept}_{kind}")


def _store(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kind: str, since: date | None = None,
           view: str = boundaries.AS_WAS) -> int:
    """Replace the stored rows of `view` of the periods computed for `kind` and this rule set with the new ones;
    return the unit scores written. The caller holds the transaction.

    Each unit's previous period of the same kind is read from the new rows or, when it was not recomputed, from
    the stored ones.
    """
    step = STEP.get(kind)
    previous = f"p.period_start = c.period_start - interval '{step}'" if step else "false"
    indicators_table, scores_table = boundaries.STORED[view]
    _delete(con, ruleset, kind, since, view)
    computed = _computed(kind, view)
    # the stored rows a previous period is read from, copied first: an insert into unit_scores that reads
    # unit_scores can see some of its own new rows (DuckDB), which doubled a period's rows after its previous one
    con.execute(f"""create or replace temp table stored_previous as
                   select period_start, unit_code, unit_valid_from, total, rank from {scores_table}
                   where ruleset = ? and period_kind = ?""", [ruleset.name, kind])
    con.execute(f"""
        insert into {indicators_table} by name
        select ? as ruleset, p.period, p.period_kind, p.period_start::date as period_start, p.last_day as period_end,
               r.as_of, v.unit_code, v.unit_valid_from, v.unit_kind, now()::timestamp as computed_at,
               {scoring.stored(ruleset)}
        from computed_points_{computed} v
        join computed_periods_{computed} p using (period_start)
        cross join run_params r""", [ruleset.name])
    con.execute(f"""
        insert into {scores_table} by name
        with current as (
            select $ruleset as ruleset, p.period, p.period_kind, p.period_start::date as period_start,
                   p.last_day as period_end, r.as_of, v.*  exclude (period_start), now()::timestamp as computed_at
            from computed_scores_{computed} v join computed_periods_{computed} p using (period_start) cross join run_params r
        ),
        previous as (
            select period_start, unit_code, unit_valid_from, total, rank from current
            union all
            select period_start, unit_code, unit_valid_from, total, rank from stored_previous
        ),
        compared as (
            select c.*, p.total as previous_total, p.rank as previous_rank
            from current c
            left join previous p
              on {previous} and p.unit_code = c.unit_code and p.unit_valid_from is not distinct from c.unit_valid_from
        )
        select * , total - previous_total as score_change, previous_rank - rank as rank_change from compared""",
                {"ruleset": ruleset.name})
    if view == boundaries.TODAY:
        con.execute(f"""update {scores_table} s set divided_share = c.divided_share
                        from computed_shares_{computed} c join computed_periods_{computed} p using (period_start)
                        where s.ruleset = ? and s.period_kind = p.period_kind and s.period_start = p.period_start::date
                          and s.period = p.period and s.unit_code = c.unit_code""", [ruleset.name])
    return con.execute(f"select count(*) from computed_scores_{computed}").fetchone()[0]


def _release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the run's temporary tables that storing does not read (all but `computed_*`, `run_params` and
    `changed`), so that storing has the memory they held."""
    kept = ("run_params", "changed")
    for (name,) in con.execute("select table_name from duckdb_tables() where temporary").fetchall():
        if not name.startswith("computed_") and name not in kept:
            con.execute(f'drop table "{name}"')


def _store_pages(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kinds: tuple[str, ...]) -> None:
    """Write the unit pages of the periods just stored for `kinds` and the rule set's trends (indicators/pages.py),
    from the as-was scores. The caller holds the transaction."""
    for kind in kinds:
        pages.store(con, ruleset.name, f"select period, period_kind from computed_periods_{kind}")
    pages.store_trends(con, ruleset.name)


def _changed_periods(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kinds: tuple[str, ...], since: date) -> None:
    """Create the temporary table `changed`: per kind, the periods holding data (`data_months`) that end on or after
    `since`, are not stored yet, or were stored before they ended (their effective end has moved with as_of)."""
    con.execute("create or replace temp table changed (period_kind varchar, period_start timestamp, end_at timestamp)")
    for kind in kinds:
        con.execute(f"""
            insert into changed by name
            select $kind as period_kind, p.period_start, p.end_at
            from ({_sql('periods.sql')}) p
            left join (select period_start, min(as_of) as as_of from unit_scores
                       where ruleset = $ruleset and period_kind = $kind group by all) s
                   on s.period_start = p.period_start::date
            where p.last_nominal_day >= $since or s.period_start is null or p.end_at > s.as_of""",
                    {"kind": kind, "step": STEP[kind], "every": False, "ruleset": ruleset.name, "since": since})


def _changed(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kinds: tuple[str, ...], since: date) -> None:
    """Create `changed` from the facts' months (`_changed_periods`), then keep in the facts only the dossiers and
    feedback that can count in one of its periods."""
    _changed_periods(con, ruleset, kinds, since)
    con.execute("""delete from f_dossiers where received_at >= (select max(end_at) from changed)
                                              or end_at < (select min(period_start) from changed)""")
    con.execute("""delete from f_feedback where received_at >= (select max(end_at) from changed)
                                             or received_at < (select min(period_start) from changed)""")


def _restamp(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, kinds: tuple[str, ...],
             views: tuple[str, ...] = (boundaries.AS_WAS, boundaries.TODAY)) -> None:
    """Give the stored rows (of `views`) that were not recomputed this run's as_of, as a full refresh would."""
    for table in (table for view in views for table in boundaries.STORED[view]):
        con.execute(f"""update {table} set as_of = (select as_of from run_params)
                        where ruleset = ? and list_contains(?, period_kind)
                          and as_of is distinct from (select as_of from run_params)""", [ruleset.name, list(kinds)])


def _ruleset(ruleset: RuleSet | str | None) -> RuleSet:
    return ruleset if isinstance(ruleset, RuleSet) else load(ruleset)


def refresh(con: duckdb.DuckDBPyConnection, ruleset: RuleSet | str | None = None, as_of: datetime | None = None,
            kinds: tuple[str, ...] = KINDS, since: date | None = None) -> dict[str, int]:
    """Recompute and store every unit's scores for every period of each kind present in the data.

    With `since`, recompute only the periods that end on or after that day (and those new or stored before they
    ended), for when only dossiers and feedback received from that day on have changed; the result is the same
    as a full refresh. Returns the number of unit scores written per kind. Call it after every load.
    """
    rs = _ruleset(ruleset)
    written = {}
    with unordered(con):
        prepare(con, rs, resolve_as_of(con, as_of), since=since, kinds=kinds)
        if since is not None:
            _changed(con, rs, kinds, since)
        _month_leaves(con, since)
        for kind in kinds:
            _refreshed_periods(con, kind, since)
            _compute(con, kind, rs, monthly=True)
            _keep(con, kind)
            _redraw(con, kind, rs, monthly=True)
        _release(con)
        # every kind in one transaction: one commit to write, and a reader sees all kinds of a run or none
        with db.transaction(con):
            for kind in kinds:
                written[kind] = _store(con, rs, kind, since)
                _store(con, rs, kind, since, boundaries.TODAY)
            if since is not None:
                _restamp(con, rs, kinds)
        # the unit pages in a transaction of their own: the scores' rows written above no longer hold memory (at
        # 10 M dossiers the trends ran out of the 3 GB limit inside the scores' transaction); a reader of the
        # published file sees both, as publishing follows the refresh
        with db.transaction(con):
            _store_pages(con, rs, kinds)
    return written


def score_range(con: duckdb.DuckDBPyConnection, period: Period, ruleset: RuleSet | str | None = None,
                as_of: datetime | None = None) -> int:
    """Compute and store the scores of one period or date range (no comparison with a previous one); return the count."""
    rs = _ruleset(ruleset)
    with unordered(con):
        prepare(con, rs, resolve_as_of(con, as_of), period)
        _periods(con, period.kind, period)
        _compute(con, "range", rs)
        _keep(con, "range")
        _redraw(con, "range", rs)
        with db.transaction(con):
            _store(con, rs, "range", view=boundaries.TODAY)
            written = _store(con, rs, "range")
            _store_pages(con, rs, ("range",))
            return written
