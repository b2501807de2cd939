"""What a unit's page shows, derived once when scores are stored rather than on every view (data contract §3).

`unit_pages`, one row per rule set, period and unit (PAGE_KEYS) beside its unit_scores row:
- `chain`: the units from its province down to it, top first (unit_code, name, kind): a department sits under its
  province, a commune of the new tree directly under its province;
- `peer_links`: the rankings below it (peer_list, kind, district_code, n_units): a province's departments,
  districts and communes; a district's communes (district_code set);
- `children`: the units directly under it, districts first, then communes, then departments, best first
  (unit_code, name, kind, total, band, rank, n_peers, peer_list, score_change, rank_change): a province's
  districts and departments (and its communes when it has no district), a district's communes.

`unit_trends`, one row per rule set and unit code (TREND_KEYS):
- `periods`: the periods the code was scored in, latest first, a year before its quarter and month
  (period, period_kind);
- `months`: its monthly scores, oldest first (period, period_start, unit_valid_from, the six columns, total,
  band); a code reused by the 2025 reform holds both units' months, told apart by unit_valid_from.

Everything comes from unit_scores of the same rule set (a page from its own period's rows, a trend from every
month), so the engine writes a period's pages with its scores, in the same transaction (`store`), and the trends
after every store (`store_trends`). `derive` and `derive_trends` are the one SQL of both: the dashboard runs them on
the fly, for one unit, only on a database stored before these tables existed and opened read-only. Every join
and key is spelled from PERIOD_KEYS, PAGE_KEYS and TREND_KEYS: a further dimension of the stored scores is one
more name there.
"""
from __future__ import annotations

import duckdb

from . import GROUPS

# What one period of one rule set is, in unit_scores; a page adds its unit, a trend is a unit code's.
PERIOD_KEYS = ("ruleset", "period", "period_kind", "period_start")
PAGE_KEYS = (*PERIOD_KEYS, "unit_code", "unit_valid_from")
TREND_KEYS = ("ruleset", "unit_code")
GROUP_KEYS = tuple(g.key for g in GROUPS)
# The order of the units below a unit, and of the rankings below it.
KIND_ORDER = "case {0} when 'district' then 0 when 'commune' then 1 when 'department' then 2 end"
# The order of a unit's periods starting on the same day.
KIND_RANK = "case {0} when 'year' then 0 when 'quarter' then 1 when 'month' then 2 end"

# The tables derived here, for the dashboard on the DuckDB file it serves (never on Spark).
TABLES = ("unit_pages", "unit_trends")

CHAIN = "struct(unit_code varchar, name varchar, kind varchar)[]"
PEER_LINKS = "struct(peer_list varchar, kind varchar, district_code varchar, n_units bigint)[]"
CHILDREN = ("struct(unit_code varchar, name varchar, kind varchar, total double, band varchar, rank bigint, "
            "n_peers bigint, peer_list varchar, score_change double, rank_change bigint)[]")
PERIODS = "struct(period varchar, period_kind varchar)[]"
MONTHS = ("struct(period varchar, period_start date, unit_valid_from date, "
          + ", ".join(f"{g} double" for g in GROUP_KEYS) + ", total double, band varchar)[]")

UNIT_PAGES = f"""create table if not exists unit_pages (
    ruleset varchar, period varchar, period_kind varchar, period_start date, unit_code varchar, unit_valid_from date,
    chain {CHAIN}, peer_links {PEER_LINKS}, children {CHILDREN})"""
UNIT_TRENDS = f"""create table if not exists unit_trends (
    ruleset varchar, unit_code varchar, periods {PERIODS}, months {MONTHS})"""


def _same(left: str, right: str, keys: tuple[str, ...]) -> str:
    """Return the join condition of two rows with the same `keys`: equal, or both null (a unit valid from the
    start has no unit_valid_from)."""
    return " and ".join(f"{left}.{k} = {right}.{k}" if k in PERIOD_KEYS else f"{left}.{k} is not distinct from {right}.{k}"
                        for k in keys)


def _keys(alias: str, keys: tuple[str, ...] = PAGE_KEYS) -> str:
    return ", ".join(f"{alias}.{k}" for k in keys)


def _unit(alias: str) -> str:
    return f"{{'unit_code': {alias}.unit_code, 'name': {alias}.unit_name, 'kind': {alias}.unit_kind}}"


def derive(where: str, source: str = "unit_scores") -> str:
    """Return the SQL of the unit_pages rows of the unit_scores rows `where` selects (a condition on unit_scores'
    columns, with the parameters of the caller): each with the rows of its own period, which `where` must keep
    whole for a unit's province (its ancestors, the units below it). `source` is the table or view of the scores
    (`unit_scores_today` for today's boundaries, derived on the fly).

    Every join pairs a unit with the rows of its period by code: a code names one unit in one period."""
    period = ", ".join(PERIOD_KEYS)
    child = ("{'unit_code': unit_code, 'name': unit_name, 'kind': unit_kind, 'total': total, 'band': band, "
             "'rank': rank, 'n_peers': n_peers, 'peer_list': peer_list, 'score_change': score_change, "
             "'rank_change': rank_change}")
    below = {
        # a district's communes; a province's districts and departments, and its communes outside any district
        "district": ("district_code", "unit_kind = 'commune' and district_code is not null"),
        "province": ("province_code", "unit_kind in ('district', 'department') "
                                      "or (unit_kind = 'commune' and district_code is null)"),
    }
    # the rankings below: a district's communes; everything in a province but itself
    ranked = {"district": below["district"], "province": ("province_code", "unit_code <> province_code")}
    parts = []
    for kind, (parent, rows) in below.items():
        parts.append(f"""children_{kind} as (
            select {period}, '{kind}' as parent_kind, {parent} as parent,
                   list({child} order by {KIND_ORDER.format("unit_kind")}, total desc nulls last, unit_code)
                       as children
            from scored where {rows} group by all
        )""")
    for kind, (parent, rows) in ranked.items():
        district = "parent" if kind == "district" else "null::varchar"
        parts.append(f"""links_{kind} as (
            select {period}, '{kind}' as parent_kind, parent,
                   list({{'peer_list': peer_list, 'kind': kind, 'district_code': {district}, 'n_units': n_units}}
                        order by {KIND_ORDER.format("kind")}, peer_list) as peer_links
            from (select {period}, {parent} as parent, peer_list, unit_kind as kind, count(*) as n_units
                  from scored where {rows} group by all)
            group by all
        )""")
    joins = "\n".join(
        f"left join {table}_{kind} {table[0]}{kind[0]} on {_same(table[0] + kind[0], 's', PERIOD_KEYS)} "
        f"and {table[0]}{kind[0]}.parent_kind = s.unit_kind and {table[0]}{kind[0]}.parent = s.unit_code"
        for table in ("children", "links") for kind in below)
    return f"""
        with scored as materialized (
            select {", ".join(PAGE_KEYS)}, unit_name, unit_kind, province_code, district_code, total, band, rank,
                   n_peers, peer_list, score_change, rank_change
            from {source} where {where}
        ),
        {", ".join(parts)}
        select {_keys("s")},
               list_filter([case when p.unit_code <> s.unit_code then {_unit("p")} end,
                            case when d.unit_code <> s.unit_code then {_unit("d")} end,
                            {_unit("s")}], x -> x is not null) as chain,
               coalesce(ld.peer_links, lp.peer_links, []::{PEER_LINKS}) as peer_links,
               coalesce(cd.children, cp.children, []::{CHILDREN}) as children
        from scored s
        left join scored p on {_same("p", "s", PERIOD_KEYS)} and p.unit_code = s.province_code
        left join scored d on {_same("d", "s", PERIOD_KEYS)} and d.unit_code = s.district_code
        {joins}
        order by s.period_start, s.unit_code"""


def derive_trends(where: str, source: str = "unit_scores") -> str:
    """Return the SQL of the unit_trends rows of the unit codes whose `source` rows (unit_scores, or
    unit_scores_today) `where` selects (every row of a code: a condition on the rule set and the unit code only)."""
    months = ", ".join(f"'{g}': {g}" for g in GROUP_KEYS)
    return f"""
        with scored as materialized (
            select {", ".join(PAGE_KEYS)}, {", ".join(GROUP_KEYS)}, total, band from {source}
            where ({where}) and period_kind in ('month', 'quarter', 'year')
        ),
        periods as (
            select {", ".join(TREND_KEYS)}, list({{'period': period, 'period_kind': period_kind}}
                                                 order by period_start desc, {KIND_RANK.format("period_kind")}) as periods
            from (select {", ".join(TREND_KEYS)}, period, any_value(period_kind) as period_kind,
                         max(period_start) as period_start
                  from scored group by all)
            group by all
        ),
        months as (
            select {", ".join(TREND_KEYS)},
                   list({{'period': period, 'period_start': period_start, 'unit_valid_from': unit_valid_from,
                          {months}, 'total': total, 'band': band}}
                        order by period_start, unit_valid_from nulls first) as months
            from scored where period_kind = 'month'
            group by all
        )
        select {_keys("p", TREND_KEYS)}, p.periods, coalesce(m.months, []::{MONTHS}) as months
        from periods p left join months m on {_same("m", "p", TREND_KEYS)}
        order by p.unit_code"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create unit_pages and unit_trends when missing; derive them all for scores stored before they existed.
    The caller holds the transaction."""
    existed = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database() and table_name in ('unit_pages', 'unit_trends')").fetchall()}
    if existed != {"unit_pages", "unit_trends"}:
        rebuild(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Derive every page and trend afresh from unit_scores (scores stored before these tables existed, or written
    without the engine)."""
    for name, create, sql in (("unit_pages", UNIT_PAGES, derive("true")),
                              ("unit_trends", UNIT_TRENDS, derive_trends("true"))):
        con.execute(create)
        con.execute(f"delete from {name}")
        con.execute(f"insert into {name} by name {sql}")


def store(con: duckdb.DuckDBPyConnection, ruleset: str, periods: str) -> None:
    """Write the pages of the rule set's periods that `periods` (a query of period, period_kind) names, from their
    unit_scores rows just stored, in place of those stored before, and drop the pages of periods no longer scored.
    The caller holds the transaction."""
    keys = ", ".join(PERIOD_KEYS)
    con.execute(f"""delete from unit_pages where ruleset = $ruleset
                    and ((period, period_kind) in ({periods})
                         or ({keys}) not in (select distinct {keys} from unit_scores where ruleset = $ruleset))""",
                {"ruleset": ruleset})
    con.execute(f"""insert into unit_pages by name
                    {derive(f"ruleset = $ruleset and (period, period_kind) in ({periods})")}""",
                {"ruleset": ruleset})


def store_trends(con: duckdb.DuckDBPyConnection, ruleset: str) -> None:
    """Write the rule set's unit_trends afresh from its unit_scores. The caller holds the transaction."""
    con.execute("delete from unit_trends where ruleset = ?", [ruleset])
    con.execute(f"insert into unit_trends by name {derive_trends('ruleset = $ruleset')}", {"ruleset": ruleset})
