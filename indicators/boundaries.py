"""Scores on today's boundaries: every period that ended before the 2025 reform scored once more on today's tree.

Two views of the same history (the `boundaries` dimension):

- `as_was` — each period on the tree valid at its end (`unit_scores`, `indicator_values`): the official record.
- `today` — every period on the tree valid today: a period that ended before 1 July 2025 is scored again with each
  old unit's dossiers, feedback, decisions and reports handed to the unit that succeeded it, as the engine hands
  them over for a period across the reform (an old commune to its default new commune, any other unit to its new
  province), and its units are banded and ranked among today's peers. Those re-drawn rows are stored in
  `redrawn_scores` and `redrawn_indicators`, the same shape as the as-was tables, and `redrawn_scores` adds
  `divided_share`: the share of the unit's dossiers received in the period that came from an old commune divided
  among several new ones (they follow its default successor only). A period that ends on or after the reform is
  already on today's tree: the views `unit_scores_today` and `indicator_values_today` take it from the as-was
  tables (stored once), with its change against the previous period read from the re-drawn one, so Q3 2025 is
  compared with Q2 2025 on the same units.

The re-drawing runs the engine's own SQL with one difference: `scope_units` takes the units valid on the tree day
(`run_params.tree_day`, the later of as_of's day and the reform day) instead of those valid at each period's end;
and the national report's totals of old units count for their successors, as their dossiers do.
"""
from __future__ import annotations

import duckdb

from model.units import REFORM_DAY

from . import outputs
from .core import Measure

AS_WAS, TODAY = "as_was", "today"
VIEWS = (AS_WAS, TODAY)
# What each view's rows are read from, by boundaries: scores, indicator values (one row per indicator) and the
# indicators' stored row (one row per unit and period).
SCORES = {AS_WAS: "unit_scores", TODAY: "unit_scores_today"}
VALUES = {AS_WAS: "indicator_values", TODAY: "indicator_values_today"}
INDICATORS = {AS_WAS: "unit_indicators", TODAY: "unit_indicators_today"}
# Where each view's computed rows are stored: (indicators, scores).
STORED = {AS_WAS: ("unit_indicators", "unit_scores"), TODAY: ("redrawn_indicators", "redrawn_scores")}
# The received-basis measure that counts every dossier received (the divided share's denominator).
EVERY_RECEIPT = Measure("received", "true")
STEP_SQL = "case {kind} when 'month' then interval 1 month when 'quarter' then interval 3 month " \
           "when 'year' then interval 1 year end"


def redrawn(period_end: str = "period_end") -> str:
    """Return the condition, over a stored row, of a period re-drawn on today's tree: it ended before the reform."""
    return f"{period_end} < date '{REFORM_DAY.isoformat()}'"


def _scores_ddl() -> str:
    return (outputs.UNIT_SCORES.replace("unit_scores (", "redrawn_scores (", 1).rstrip()[:-1]
            + ", divided_share double)")


def _indicators_ddl() -> str:
    return outputs.UNIT_INDICATORS.replace("unit_indicators (", "redrawn_indicators (", 1)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ? and table_schema = 'main' "
        "and table_catalog = current_database() order by ordinal_position", [table]).fetchall()]


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the re-drawn tables and the today views when missing (after `outputs.ensure`).

    The re-drawn rows are derived from the data as the as-was ones are: stored for another set of indicators, they
    are dropped and made again by the next refresh.
    """
    scores = _columns(con, "unit_scores")
    if _columns(con, "redrawn_scores") not in ([], [*scores, "divided_share"]):
        con.execute("drop view if exists unit_scores_today")
        con.execute("drop table redrawn_scores")
    if _columns(con, "redrawn_indicators") not in ([], _columns(con, "unit_indicators")):
        con.execute("drop view if exists indicator_values_today")
        con.execute("drop view if exists unit_indicators_today")
        con.execute("drop view if exists redrawn_values")
        con.execute("drop table redrawn_indicators")
    con.execute(_scores_ddl())
    con.execute(_indicators_ddl())
    step = STEP_SQL.format(kind="s.period_kind")
    con.execute(f"""
        create or replace view unit_scores_today as
        select *, 'today' as boundaries from redrawn_scores
        union all by name
        select s.* replace (coalesce(s.previous_total, r.total) as previous_total,
                            coalesce(s.score_change, s.total - r.total) as score_change,
                            coalesce(s.previous_rank, r.rank) as previous_rank,
                            coalesce(s.rank_change, r.rank - s.rank) as rank_change),
               null::double as divided_share, 'today' as boundaries
        from unit_scores s
        left join redrawn_scores r
          on r.ruleset = s.ruleset and r.period_kind = s.period_kind and r.period_start = s.period_start - {step}
         and r.unit_code = s.unit_code and r.unit_valid_from is not distinct from s.unit_valid_from
        where not {redrawn('s.period_end')}""")
    con.execute(f"""
        create or replace view unit_indicators_today as
        select * from redrawn_indicators
        union all by name
        select * from unit_indicators where not {redrawn()}""")
    con.execute(outputs._view().replace("view indicator_values", "view indicator_values_today", 1)
                .replace("from unit_indicators", "from unit_indicators_today", 1))


def prepare_pass(con: duckdb.DuckDBPyConnection, computed_periods: str) -> None:
    """Make `periods` the periods of `computed_periods` that ended before the reform, `scope_units` take the tree
    of today for them (`run_params.tree_day`), and the national report's totals of old units count for their
    successors (`national_report`, a temporary table of that name read before the stored one)."""
    con.execute(f"create or replace temp table periods as select * from {computed_periods} "
                f"where {redrawn('last_day')}")
    con.execute("update run_params set tree_day = greatest(as_of::date, ?::date)", [REFORM_DAY])
    stored = '"' + con.execute("select current_database()").fetchone()[0].replace('"', '""') + '".main'
    con.execute(f"""
        create or replace temp table national_report as
        with
        successors as (
            select old_code, arg_max(new_code, is_default) as new_code from unit_mapping group by old_code
        ),
        provinces as (
            select old_province_code, any_value(new_province_code) as new_province_code from unit_mapping group by all
        ),
        closed as (
            -- the units closed by the tree day, with the unit of today that holds their data (sql/scope.sql)
            select u.unit_code, u.valid_to,
                   coalesce(case when u.kind in ('commune', 'district') then s.new_code end,
                            p.new_province_code) as successor_code
            from t_tree u
            left join successors s on s.old_code = u.unit_code
            left join provinces p on p.old_province_code = u.province_code
            where u.valid_to < (select tree_day from run_params)
        )
        select r.* replace (coalesce(c.successor_code, r.unit_code) as unit_code)
        from {stored}.national_report r
        -- a report names the unit valid on its first day
        left join closed c on c.unit_code = r.unit_code and r.period_start <= c.valid_to""")


def end_pass(con: duckdb.DuckDBPyConnection) -> None:
    """Give `scope_units` back the tree valid at each period's end, and the national report its stored rows."""
    con.execute("update run_params set tree_day = null")
    con.execute("drop table if exists temp.main.national_report")


def divided_shares(con: duckdb.DuckDBPyConnection, column: str, into: str) -> None:
    """Create `into`: per period and scoring unit of the pass just computed, the share of its dossiers received in
    the period that came from an old commune divided among several new ones (null without dossiers).

    Reads the leaf counts (`c_received`, the column `column` counting every receipt) and `scope_map`.
    """
    con.execute(f"""
        create or replace temp table {into} as
        with divided as (
            -- the old communes divided among several new ones: units closed by the tree day, not the new units
            -- that reuse some of their codes
            select t.unit_code, t.valid_from
            from t_tree t
            where t.valid_to < (select tree_day from run_params)
              and t.unit_code in (select old_code from unit_mapping where divided)
        )
        select m.period_start, m.scope_code as unit_code,
               coalesce(sum(l.{column}) filter (where d.unit_code is not null), 0) / nullif(sum(l.{column}), 0)
                   as divided_share
        from c_received l
        join scope_map m on m.period_start = l.period_start and m.leaf_code = l.unit_code
                        and m.leaf_from is not distinct from l.unit_valid_from
        left join divided d on d.unit_code = l.unit_code and d.valid_from is not distinct from l.unit_valid_from
        group by all""")
