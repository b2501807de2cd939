"""Old and new units across the 2025 reform: what an old unit went into, and what a unit of today was made of.

Read from `unit_mapping` (the official old→new table) and `units`, as the engine hands dossiers over
(`indicators/sql/scope.sql`): an old commune (or island district) goes to its new communes, its dossiers to the
default one; any other old unit (district, province, department) to the new province its province went into.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from . import base

# Per unit of today's tree (unit_code, with valid_from set), the old units whose dossiers it holds, by name:
# `formed_from`. For a query to join on the units of the new tree.
FORMED_FROM = """
    select m.new_code as unit_code, string_agg(distinct o.name, ', ' order by o.name) as formed_from
    from unit_mapping m
    join units o on o.unit_code = m.old_code and o.valid_to is not null and o.kind in ('commune', 'district')
    where m.is_default
    group by all
    union all
    select m.new_province_code, string_agg(distinct o.name, ', ' order by o.name)
    from unit_mapping m
    join units o on o.unit_code = m.old_province_code and o.valid_to is not null and o.kind = 'province'
    group by all"""

_KEPT = base.Kept()


def successors(unit_code: str, valid_from: date | None) -> pd.DataFrame:
    """Return what an old unit went into, the unit holding its dossiers first: unit_code, name, kind,
    province_name, holds_dossiers (its dossiers follow this one), divided (the old unit was split among several).
    No rows for a unit of today's tree."""
    sql = """
        with me as (
            select unit_code, kind, province_code from unit_tree
            where unit_code = $unit and valid_from is not distinct from $from and valid_to is not null
        ),
        mapped as (
            select m.new_code as unit_code, m.is_default as holds_dossiers, m.divided
            from unit_mapping m join me on m.old_code = me.unit_code
            where me.kind in ('commune', 'district')
        ),
        targets as (
            select * from mapped
            union all
            select distinct m.new_province_code, true, false
            from unit_mapping m join me on m.old_province_code = me.province_code
            where not exists (select 1 from mapped)
        )
        select t.unit_code, n.name, n.kind, p.name as province_name, t.holds_dossiers, t.divided
        from targets t
        join units n on n.unit_code = t.unit_code and n.valid_to is null and n.valid_from is not null
        left join units p on p.unit_code = n.parent_code and p.kind = 'province' and p.valid_to is null
        order by t.holds_dossiers desc, n.name"""
    params = {"unit": unit_code, "from": valid_from}
    return _KEPT.get(("successors", unit_code, str(valid_from)), lambda: base.frame(sql, params))


def predecessors(unit_code: str, valid_from: date | None) -> pd.DataFrame:
    """Return the old units a unit of today's tree was made of, those whose dossiers it holds first: unit_code,
    name, kind, holds_dossiers (false for a part of a divided commune whose dossiers follow another), divided.
    No rows for a unit of the old tree."""
    sql = """
        with me as (
            select unit_code, kind from units
            where unit_code = $unit and valid_from is not distinct from $from and valid_from is not null
              and valid_to is null
        ),
        olds as (
            select m.old_code as unit_code, bool_or(m.is_default) as holds_dossiers, bool_or(m.divided) as divided
            from unit_mapping m join me on m.new_code = me.unit_code
            where me.kind = 'commune'
            group by all
            union all
            select distinct m.old_province_code, true, false
            from unit_mapping m join me on m.new_province_code = me.unit_code
            where me.kind = 'province'
        )
        select o.unit_code, u.name, u.kind, o.holds_dossiers, o.divided
        from olds o
        join units u on u.unit_code = o.unit_code and u.valid_to is not null
                    and (u.kind = 'province') = ((select kind from me) = 'province')
        order by o.holds_dossiers desc, u.name"""
    params = {"unit": unit_code, "from": valid_from}
    return _KEPT.get(("predecessors", unit_code, str(valid_from)), lambda: base.frame(sql, params))

