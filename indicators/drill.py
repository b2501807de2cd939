"""The drill-down: which dossiers, feedback items and procedures kept an indicator's numerator below its
denominator, for one unit and one period, judged exactly as the engine judged them.

Built from the declarations: an indicator whose numerator and denominator count rows of the same basis
(received, processed, finished dossiers; feedback items) fails on the rows its denominator counts and its
numerator does not; an indicator counting procedures (catalogue, authority, procedure bases) fails on the
procedures its denominator counts and its numerator does not. The rows come from the engine's own SQL: the
facts (sql/dossier_facts.sql, sql/feedback_facts.sql), the scope (sql/scope.sql) and the basis statements of
bases.py, run on a connection where the input tables are narrowed to the units that can count for the unit.
Temporary tables only, so a read-only connection serves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from access.scope import UNITS_SQL, Scope

from . import REGISTRY, bases, calendar, engine
from .outputs import ref
from .core import Indicator, Measure
from .periods import Period, as_datetime, parse
from .rulesets import RuleSet, load

# The bases whose rows are single dossiers or feedback items, and the leaf table each one's statement writes.
ROW_BASES = {"received": "c_received", "processed": "l_processed", "finished": "l_finished", "feedback": "l_feedback"}
# The bases whose rows are procedures, and those of them counted from publication decisions, per province.
PROCEDURE_BASES = ("catalogue", "authority", "procedure", "announced", "published")
DECISION_BASES = ("announced", "published")
DOSSIER_COLUMNS = ("dossier_code", "unit_code", "procedure_code", "channel", "received_at", "due_at", "end_at",
                   "end_kind")
FEEDBACK_COLUMNS = ("feedback_id", "unit_code", "category", "received_at", "due_at", "handled_at", "likes",
                    "dislikes", "reraised")


def kind_of(indicator: Indicator) -> str | None:
    """Return what an indicator's failures are: 'dossier', 'feedback', 'procedure', or None when they are not
    rows that can be listed (a sum, different row bases, a per-province decision count, communes, a report)."""
    num, den = indicator.numerator, indicator.denominator
    if num.total is not None or den.total is not None:
        return None
    if num.basis == den.basis and num.basis in ROW_BASES:
        return "feedback" if num.basis == "feedback" else "dossier"
    if num.basis in PROCEDURE_BASES and den.basis in PROCEDURE_BASES:
        return "procedure"
    return None


@dataclass(frozen=True)
class Drill:
    """The judged rows of one unit and period: per dossier, per feedback item and per procedure, each row-level
    indicator's numerator and denominator as columns `n_<id>` and `d_<id>` (booleans; dots of ids as '_')."""

    unit_code: str
    period: str
    dossiers: pd.DataFrame
    feedback: pd.DataFrame
    procedures: pd.DataFrame

    def failing(self, indicator_id: str) -> pd.DataFrame:
        """Return the rows the indicator's denominator counts and its numerator does not (empty for an indicator
        without listable failures)."""
        kind = kind_of(REGISTRY[indicator_id])
        if kind is None:
            return pd.DataFrame()
        rows = {"dossier": self.dossiers, "feedback": self.feedback, "procedure": self.procedures}[kind]
        key = ref(indicator_id)
        kept = rows[rows[f"d_{key}"] & ~rows[f"n_{key}"]]
        return kept.drop(columns=[c for c in kept.columns if c[:2] in ("n_", "d_")]).reset_index(drop=True)


def _measures(kinds: tuple[str, ...]) -> tuple[dict[str, dict[Measure, str]], dict[str, str]]:
    """Return, per basis, the distinct measures of the indicators with listable failures of `kinds` with their
    column names, and each indicator column (`n_<id>`, `d_<id>`) with the measure column it reads."""
    by_basis: dict[str, dict[Measure, str]] = {}
    sides: dict[str, str] = {}
    for ind in REGISTRY.values():
        if kind_of(ind) in kinds:
            for side, measure in (("n", ind.counted_numerator), ("d", ind.counted_denominator)):
                columns = by_basis.setdefault(measure.basis, {})
                columns.setdefault(measure, f"m_{measure.basis}_{len(columns)}")
                sides[f"{side}_{ref(ind.id)}"] = columns[measure]
    return by_basis, sides


def _facts_with_codes() -> str:
    """Return the dossier facts SQL selecting each dossier's code and procedure code too: the engine has no use
    for them, the list does.

    The facts end in one unindented `select`: the codes go first in it.
    """
    head, found, tail = engine.facts_sql(window=True).rpartition("\nselect ")
    if not found:
        raise RuntimeError("sql/dossier_facts.sql no longer ends in a top-level select")
    return f"{head}\nselect dossier_code, procedure_code, {tail}"


def _stored(con: duckdb.DuckDBPyConnection) -> str:
    """Return the schema of the database's own tables, to name them past the temporary tables of the same names
    (whose schema is called `main` too)."""
    return '"' + con.execute("select current_database()").fetchone()[0].replace('"', '""') + '".main'


def prepare(scope: Scope, con: duckdb.DuckDBPyConnection, unit_code: str, period: Period, ruleset: RuleSet,
            as_of: datetime) -> None:
    """Create the temporary tables of the unit's scope in the period: `drill_dossiers` and `drill_feedback` (the
    facts of the rows that count for the unit, of the reader's `scope` only: access/scope.py), and the engine's
    `periods`, `run_params`, `scope_units`."""
    if not con.execute("select current_setting('lock_configuration')").fetchone()[0]:
        con.execute("set enable_progress_bar = false")  # a reader's configuration is locked (db.py)
    stored = _stored(con)
    calendar.install(con)
    con.execute("create or replace temp table t_tree as select * from unit_tree")
    # The reader's scope (UNITS_SQL, below) reads unit_tree too: a temporary table of that name comes first in the
    # search path, so the view is worked out once (a tenth of a commune's judging time otherwise).
    con.execute("create or replace temp table unit_tree as select * from t_tree")
    con.execute("create or replace temp table run_params as select ?::timestamp as as_of, ?::int as announce_days, "
                "?::int as publish_days, ?::boolean as deduct_supplement_from_due, null::date as tree_day",
                [as_of, ruleset.working_days["announce_before_effect"], ruleset.working_days["publish_after_decision"],
                 ruleset.deduct_supplement_from_due])
    bounds = {"unit": unit_code, "start": as_datetime(period.start), "end": as_datetime(period.end)}
    # The units whose rows may count for the unit: its subtree in either tree, the old communes that hand their
    # rows to a commune of it, and every unit of an old province that hands its rows to it. sql/scope.sql then
    # keeps exactly those the engine keeps.
    con.execute("""
        create or replace temp table drill_candidates as
        with subtree as (
            select unit_code from t_tree where $unit in (unit_code, district_code, province_code)
        )
        select unit_code from subtree
        union select old_code from unit_mapping where new_code in (select unit_code from subtree)
        union select t.unit_code from t_tree t
              join unit_mapping m on m.old_province_code = t.province_code and m.new_province_code = $unit""",
                {"unit": unit_code})
    # The facts SQL reads the tables `dossiers`, `dossier_events` and `feedback`: temporary tables of the same
    # names come first in DuckDB's search path, so it reads only the candidates' rows received before the end.
    con.execute(f"""create or replace temp table dossiers as
                   select d.* from {stored}.dossiers d
                   semi join drill_candidates c on c.unit_code = d.unit_code
                   where d.received_at is null or d.received_at < $end""", {"end": bounds["end"]})
    con.execute(f"""create or replace temp table dossier_events as
                   select e.* from {stored}.dossier_events e semi join dossiers d on d.dossier_code = e.dossier_code""")
    con.execute(f"""create or replace temp table feedback as
                   select f.* from {stored}.feedback f
                   semi join drill_candidates c on c.unit_code = f.unit_code
                   where f.received_at >= $start and f.received_at < $end""",
                {"start": bounds["start"], "end": bounds["end"]})
    engine.number_procedures(con)
    con.execute(f"create or replace temp table f_dossiers as {_facts_with_codes()}",
                {"start": bounds["start"], "end": bounds["end"]})
    con.execute(f"create or replace temp table f_feedback as {engine._sql('feedback_facts.sql')}")
    engine.holders(con)
    engine._periods(con, period.kind, period)
    con.execute(engine._sql("scope.sql"))
    # The reader's scope: the units (and versions) whose rows they may see.
    con.execute(f"create or replace temp table drill_readable as {UNITS_SQL}", scope.params())
    leaves = """semi join scope_map m on m.leaf_code = f.unit_code
                                      and m.leaf_from is not distinct from f.unit_valid_from and m.scope_code = $unit
                semi join drill_readable r on r.unit_code = f.unit_code
                                          and r.valid_from is not distinct from f.unit_valid_from"""
    con.execute(f"create or replace temp table drill_dossiers as select f.* from f_dossiers f {leaves}",
                {"unit": unit_code})
    con.execute(f"create or replace temp table drill_feedback as select f.* from f_feedback f {leaves}",
                {"unit": unit_code})


def _row_values(con: duckdb.DuckDBPyConnection, source: str, key: str, facts: str, kinds: tuple[str, ...],
                bases_: tuple[str, ...]) -> pd.DataFrame:
    """Return one row per fact of `source` with the numerator and denominator of every indicator of `kinds` as
    boolean columns.

    The basis statements group by unit: with each row's key standing in for its unit code, they group by row,
    and judge each one exactly as they judge it for the scores.
    """
    measures, sides = _measures(kinds)
    con.execute(f"create or replace temp table {facts} as select * replace ({key} as unit_code) from {source}")
    statements = {
        "received": lambda m: bases.received("range", m, {})[0],
        "processed": lambda m: bases.processed("range", m),
        "finished": lambda m: bases.finished("range", m),
        "feedback": lambda m: bases.feedback("range", m),
    }
    joins, found = [], {}
    for basis in bases_:
        if basis in measures:
            con.execute(statements[basis](measures[basis]))
            joins.append(f"left join {ROW_BASES[basis]} {basis} on {basis}.unit_code = s.{key}")
            found.update({name: f"{basis}.{name}" for name in measures[basis].values()})
    columns = ", ".join(f"coalesce({found[name]} > 0, false) as {side}" for side, name in sides.items())
    return con.execute(f"select s.*, {columns} from {source} s {' '.join(joins)}").df()


def _decisions(con: duckdb.DuckDBPyConnection, stored: str, measures: dict[str, dict[Measure, str]]) -> None:
    """Create `b_announced` and `b_published` with one row per procedure of the unit's province (`procedure_code`
    added to their keys), from the decisions of the provinces whose decisions it holds in the period."""
    # A decision counts in the period when dated in it or due for publication in it, a few working days after
    # it: older decisions are left out with a margin wide enough for any holiday (the statement would drop them,
    # but only after pairing every decision with the calendar).
    con.execute(f"""create or replace temp table procedure_decisions as
                    select * from {stored}.procedure_decisions
                    where province_code in (select h.province_code from scope_provinces h
                                            join drill_unit u on u.province_code = h.holder_code)
                      and decision_date < (select end_at from periods)
                      and decision_date >= (select p.period_start - to_days(3 * r.publish_days + 30)
                                            from periods p, run_params r)""")
    keys = "period_start, province_code, procedure_code"
    con.execute(bases.announced("range", measures.get("announced", {}), keys))
    con.execute(bases.published("range", measures.get("published", {}), keys))


def _procedures(con: duckdb.DuckDBPyConnection, unit_code: str, stored: str) -> pd.DataFrame:
    """Return one row per procedure of the unit's province catalogue, with dossiers in its scope, or with a
    publication decision in the period: procedure_code, name, n_dossiers (received in the period), and every
    procedure indicator's numerator and denominator as boolean columns.

    A catalogue measure counts public procedures, an authority measure those under the unit's authority
    (bases.AUTHORITY), a procedure measure those with dossiers in the scope whose `having` holds for one of them,
    an announced or published measure the procedures whose decisions the engine found on time.
    """
    measures, sides = _measures(("procedure",))
    con.execute("create or replace temp table drill_unit as "
                "select unit_code, kind, province_code from scope_units where unit_code = ?", [unit_code])
    _decisions(con, stored, measures)
    havings = {m.having: f"h_{n}" for n, m in enumerate(measures.get("procedure", {}))}
    flags = "".join(f", bool_or(coalesce({cond}, false)) as {name}" for cond, name in havings.items())
    tests = [f"in_catalogue and coalesce(status, 'public') <> 'abolished' and ({m.where}) as {name}"
             for m, name in measures.get("catalogue", {}).items()]
    tests += [f"in_catalogue and under_authority and ({m.where}) as {name}"
              for m, name in measures.get("authority", {}).items()]
    tests += [f"has_dossiers and ({m.where}) and {havings[m.having]} as {name}"
              for m, name in measures.get("procedure", {}).items()]
    tests += [f"coalesce({name} > 0, false) as {name}" for basis in DECISION_BASES
              for name in measures.get(basis, {}).values()]
    return con.execute(f"""
        with c as (
            select procedure_code, count(*) as n_dossiers{flags}
            from drill_dossiers d cross join periods p
            where d.received_at >= p.period_start and d.received_at < p.end_at and d.received_at <= p.eff_end_at
            group by procedure_code
        ),
        s as (select * from drill_unit),
        codes as (
            select pr.procedure_code from procedures pr join s on pr.province_code = s.province_code
            union select procedure_code from c
            union select procedure_code from b_announced join s using (province_code)
            union select procedure_code from b_published join s using (province_code)
        ),
        joined as (
            select pr.* exclude (procedure_code, province_code), c.* exclude (procedure_code),
                   ann.* exclude (period_start, province_code, procedure_code),
                   pub.* exclude (period_start, province_code, procedure_code),
                   k.procedure_code,
                   pr.procedure_code is not null as in_catalogue, c.procedure_code is not null as has_dossiers,
                   coalesce({bases.AUTHORITY}, false) as under_authority
            from codes k
            cross join s
            left join procedures pr on pr.province_code = s.province_code and pr.procedure_code = k.procedure_code
            left join c on c.procedure_code = k.procedure_code
            left join b_announced ann on ann.province_code = s.province_code and ann.procedure_code = k.procedure_code
            left join b_published pub on pub.province_code = s.province_code and pub.procedure_code = k.procedure_code
        ),
        tested as (
            select procedure_code, name, coalesce(n_dossiers, 0) as n_dossiers, {", ".join(tests)} from joined
        )
        select procedure_code, name, n_dossiers, {", ".join(f"coalesce({name}, false) as {side}"
                                                             for side, name in sides.items())}
        from tested""").df()


def judge(scope: Scope, con: duckdb.DuckDBPyConnection, unit_code: str, period: str | Period,
          ruleset: RuleSet | str | None = None, as_of: datetime | None = None) -> Drill:
    """Return the judged dossiers, feedback items and procedures of the unit in the period (see `Drill`); its
    dossiers and feedback items only those of units in the reader's `scope`.

    `as_of` should be the one the stored scores were computed with (their `as_of` column); by default the
    engine's own rule.
    """
    rs = ruleset if isinstance(ruleset, RuleSet) else load(ruleset)
    chosen = period if isinstance(period, Period) else parse(period)
    if not isinstance(scope, Scope):
        raise TypeError("judge needs the reader's Scope first (Scope.country() for a command)")
    prepare(scope, con, unit_code, chosen, rs, engine.resolve_as_of(con, as_of))
    dossiers = _row_values(con, "drill_dossiers", "dossier_code", "f_dossiers", ("dossier",),
                           ("received", "processed", "finished"))
    feedback = _row_values(con, "drill_feedback", "feedback_id", "f_feedback", ("feedback",), ("feedback",))
    procedures = _procedures(con, unit_code, _stored(con))
    return Drill(unit_code, chosen.label, dossiers[[*DOSSIER_COLUMNS, *_flag_columns(dossiers)]],
                 feedback[[*FEEDBACK_COLUMNS, *_flag_columns(feedback)]], procedures)


def _flag_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c[:2] in ("n_", "d_")]
