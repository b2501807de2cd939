"""The stored outputs (data contract §3): indicator_values and unit_scores, created when missing.

`indicator_values` (one row per period, unit and indicator) is a view over `unit_indicators`, one row per period
and unit with every indicator's numerator (`n_`), denominator (`d_`), points (`p_`), maximum (`x_`),
not-applicable flag (`a_`) and rows left out of both for an unknown value (`u_`, methodology §3) as columns, named by its id with `_` for `.`: a unit's 26 values are one row to store
rather than 26 rows each repeating the unit's and the period's text. The view gives the ratio (numerator /
denominator) and no_data (no denominator) as the engine computes them.
"""
from __future__ import annotations

import duckdb

import db

from . import GROUPS, REGISTRY, pages

PERIOD_COLUMNS = "ruleset varchar, period varchar, period_kind varchar, period_start date, period_end date, as_of timestamp"
UNIT_COLUMNS = "unit_code varchar, unit_valid_from date, unit_kind varchar"
# unit_indicators' columns before the indicators'.
KEYS = ("ruleset", "period", "period_kind", "period_start", "period_end", "as_of", "unit_code", "unit_valid_from",
        "unit_kind", "computed_at")
# The columns each indicator has in unit_indicators, by prefix, with their type and the view's name for them.
PARTS = {"n": ("double", "numerator"), "d": ("double", "denominator"), "p": ("double", "points"),
         "x": ("double", "max_points"), "a": ("boolean", "not_applicable"), "u": ("bigint", "excluded_rows")}


def ref(indicator_id: str) -> str:
    """Return an indicator id as it appears in column names: 2.1 → 2_1."""
    return indicator_id.replace(".", "_")


def indicator_columns() -> dict[str, str]:
    """Return unit_indicators' columns of the indicators, in registry order, with their types."""
    return {f"{part}_{ref(i)}": kind for i in REGISTRY for part, (kind, _) in PARTS.items()}


UNIT_INDICATORS = f"""create table if not exists unit_indicators (
    {PERIOD_COLUMNS}, {UNIT_COLUMNS}, computed_at timestamp,
    {", ".join(f"{name} {kind}" for name, kind in indicator_columns().items())})"""

UNIT_SCORES = f"""create table if not exists unit_scores (
    {PERIOD_COLUMNS}, {UNIT_COLUMNS}, unit_name varchar,
    province_code varchar, district_code varchar,
    {", ".join(f"{g.key} double" for g in GROUPS)},
    total double, excluded_points double, band varchar, peer_list varchar, rank bigint, n_peers bigint,
    rank_in_district bigint, {", ".join(f"rank_{g.key} bigint" for g in GROUPS)},
    previous_total double, score_change double, previous_rank bigint, rank_change bigint, computed_at timestamp)"""


def _view() -> str:
    rows = ", ".join(
        f"{{'indicator_id': '{i.id}', 'group_key': '{i.group}', "
        + ", ".join(f"'{name}': {part}_{ref(i.id)}" for part, (_, name) in PARTS.items()) + "}"
        for i in REGISTRY.values())
    return f"""create or replace view indicator_values as
        with unfolded as (
            select ruleset, period, period_kind, period_start, period_end, as_of, unit_code, unit_valid_from,
                   unit_kind, computed_at, unnest([{rows}]) as v
            from unit_indicators
        )
        select ruleset, period, period_kind, period_start, period_end, as_of, unit_code, unit_valid_from, unit_kind,
               v.indicator_id, v.group_key, v.numerator, v.denominator,
               case when v.denominator > 0 then v.numerator / v.denominator end as ratio,
               v.points, v.max_points, v.denominator = 0 as no_data, v.not_applicable, v.excluded_rows, computed_at
        from unfolded
        -- an indicator the row was not stored with (folded in from before it existed) has no maximum
        where v.max_points is not null"""


def insert_long(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Insert into unit_indicators the rows of `source` (a table or view name) shaped as indicator_values, one per
    period, unit and indicator: each period and unit becomes one row, with its indicators side by side."""
    present = {r[0] for r in con.execute(f"select column_name from (describe {source})").fetchall()}
    # a part the source was stored without (the rows left out, before they were counted) stays null
    value = "{" + ", ".join(f"'{part}': {name if name in present else f'null::{kind}'}"
                            for part, (kind, name) in PARTS.items()) + "}"
    picked = ", ".join(f"any_value({value}) filter (where indicator_id = '{i}') as s_{ref(i)}" for i in REGISTRY)
    unpacked = ", ".join(f"s_{ref(i)}.{part} as {part}_{ref(i)}" for i in REGISTRY for part in PARTS)
    con.execute(f"""insert into unit_indicators by name
                    select * exclude ({", ".join(f"s_{ref(i)}" for i in REGISTRY)}), {unpacked}
                    from (select ruleset, period, period_kind, period_start, any_value(period_end) as period_end,
                                 any_value(as_of) as as_of, unit_code, unit_valid_from,
                                 any_value(unit_kind) as unit_kind, max(computed_at) as computed_at, {picked}
                          from {source}
                          group by ruleset, period, period_kind, period_start, unit_code, unit_valid_from)""")


def _relation_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    found = con.execute("select table_type from information_schema.tables where table_name = ? "
                        "and table_schema = 'main' and table_catalog = current_database()", [name]).fetchone()
    return found[0] if found else None


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the outputs when they are missing, and bring older ones to this shape, keeping what they hold.

    An `indicator_values` table (one row per indicator, as stored before) is folded into unit_indicators; a
    unit_indicators made for other indicators is rebuilt with the registry's columns (those of an indicator new to
    it empty until the next refresh, as are the rows left out of a database stored before they were counted).
    """
    # one transaction: interrupted half-way (after a rename), the next open finds the old shape again
    with db.transaction(con):
        _ensure(con)
        # the scores on today's boundaries, shaped after these (imported here: that module builds on this one)
        from . import boundaries
        boundaries.ensure(con)


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(UNIT_SCORES)
    existing = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = 'unit_indicators' "
        "and table_schema = 'main' and table_catalog = current_database() order by ordinal_position").fetchall()]
    wanted = [*KEYS, *indicator_columns()]
    if existing and existing != wanted:
        kept = ", ".join(c for c in existing if c in wanted)
        con.execute("alter table unit_indicators rename to unit_indicators_before")
        con.execute(UNIT_INDICATORS)
        con.execute(f"insert into unit_indicators by name select {kept} from unit_indicators_before")
        con.execute("drop table unit_indicators_before")
    con.execute(UNIT_INDICATORS)
    if _relation_type(con, "indicator_values") == "BASE TABLE":
        con.execute("alter table indicator_values rename to indicator_values_before")
        insert_long(con, "indicator_values_before")
        con.execute("drop table indicator_values_before")
    con.execute(_view())
    pages.ensure(con)
