"""From measures to points, columns, totals, bands and ranks: SQL built from the registry and a rule set.

Reads the temporary basis tables (`b_<basis>`) and `scope_units`; writes the temporary tables
`v_points` (one row per period and unit, every indicator's values as columns, stored as they are:
`stored`) and `v_scores` (one row per period and unit).
The rule set's numbers are written into the SQL as literals.
"""
from __future__ import annotations

from . import GROUPS, REGISTRY
from .outputs import ref
from .core import Measure
from .rulesets import RuleSet

# How each basis table meets a scoring unit.
JOIN_ON = {
    "received": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "procedure": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "processed": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "finished": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "feedback": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "communes": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "national_report": "b.period_start = s.period_start and b.unit_code = s.unit_code",
    "authority": "b.province_code = s.province_code and b.kind = s.kind "
                 "and b.owner = case s.kind when 'department' then s.unit_code else s.kind end",
    "announced": "b.period_start = s.period_start and b.province_code = s.province_code",
    "published": "b.period_start = s.period_start and b.province_code = s.province_code",
    "catalogue": "b.province_code = s.province_code",
}


def wide(columns: dict[Measure, str]) -> str:
    """Return SQL for `v_wide`: every scoring unit of a province with data, with every measure's value."""
    bases = sorted({m.basis for m in columns})
    joins = "\n".join(f"left join b_{basis} {basis}_b on {JOIN_ON[basis].replace('b.', basis + '_b.')}"
                      for basis in bases)
    values = ", ".join(f"coalesce({m.basis}_b.{name}, 0) as {name}" for m, name in columns.items())
    return f"""
        create or replace temp table v_wide as
        with active as (
            -- a province is scored in a period when it has a catalogue (any period: null) or data in that period
            select null::timestamp as period_start, province_code from procedures
            union select period_start, unit_code from b_received union select period_start, unit_code from b_processed
            union select period_start, unit_code from b_feedback
        )
        select s.period_start, s.unit_code, s.unit_valid_from, s.kind as unit_kind, {values}
        from scope_units s
        {joins}
        where exists (select 1 from active a where a.province_code = s.province_code
                      and (a.period_start is null or a.period_start = s.period_start))"""




def _number(value: float | None) -> str:
    """Return a rule-set number as a SQL double literal, parsed from its exact decimal text."""
    return "null::double" if value is None else f"'{float(value)!r}'::double"


def _not_applicable(indicator_id: str, ruleset: RuleSet) -> str:
    """Return the condition under which an indicator is not applicable: no data, where the rule set says so."""
    return f"d_{ref(indicator_id)} = 0" if ruleset.rule(indicator_id).no_data == "not_applicable" else "false"


def points(columns: dict[Measure, str], ruleset: RuleSet) -> str:
    """Return SQL for `v_points`: one row per period and unit, with each indicator's numerator, denominator, ratio,
    points and rows left out for an unknown value as columns `n_`, `d_`, `r_`, `p_`, `u_` + its id.

    Kept wide, so that an indicator scored on another's ratio reads it from the same row, and the unit's sums need
    no regrouping of one row per indicator.
    """
    measured, rated, scored = [], [], []
    for ind in REGISTRY.values():
        key, rule = ref(ind.id), ruleset.rule(ind.id)
        max_points, target = _number(rule.max_points), _number(rule.target)
        denominator = columns[ind.counted_denominator]
        if ind.denominator_floor is not None:
            denominator = f"greatest({denominator}, {columns[ind.denominator_floor]})"
        excluded = columns[ind.excluded] if ind.excluded is not None else "0"
        measured.append(f"{columns[ind.counted_numerator]}::double as n_{key}, {denominator}::double as d_{key}, "
                        f"{excluded}::bigint as u_{key}")
        rated.append(f"case when d_{key} > 0 then n_{key} / d_{key} end as r_{key}, "
                     f"case when d_{key} > 0 and {target} > 0 then least(1, n_{key} / (d_{key} * {target})) end "
                     f"as e_{key}")
        earned = f"e_{key}"
        if ind.id in ruleset.multipliers:
            earned = f"least(1, r_{key} * coalesce(r_{ref(ruleset.multipliers[ind.id])}, 0) / {target})"
        if ind.id in ruleset.borrowed:
            fallback = f"{max_points} * coalesce(e_{ref(ruleset.borrowed[ind.id])}, 0)"
        else:
            fallback = {"full": max_points, "zero": "0"}.get(rule.no_data, "null")
        scored.append(f"case when {max_points} = 0 then 0 when d_{key} > 0 then {max_points} * {earned} "
                      f"else {fallback} end as p_{key}")
    kept = ", ".join(f"n_{r}, d_{r}, r_{r}, u_{r}" for r in map(ref, REGISTRY))
    return f"""
        create or replace temp table v_points as
        with measured as (
            select period_start, unit_code, unit_valid_from, unit_kind, {", ".join(measured)} from v_wide
        ),
        rated as (
            select *, {", ".join(rated)} from measured
        )
        select period_start, unit_code, unit_valid_from, unit_kind, {kept}, {", ".join(scored)} from rated"""


def stored(ruleset: RuleSet) -> str:
    """Return the select list, over `v_points`, of every indicator's columns in unit_indicators (outputs.PARTS)."""
    return ", ".join(f"n_{r}, d_{r}, p_{r}, {_number(ruleset.rule(i).max_points)} as x_{r}, "
                     f"{_not_applicable(i, ruleset)} as a_{r}, u_{r}" for i, r in ((i, ref(i)) for i in REGISTRY))


def scores(ruleset: RuleSet) -> str:
    """Return SQL for `v_scores`: the six columns, the total (rescaled when indicators are not applicable), band, ranks."""
    def total(terms: list[str]) -> str:
        # list_sum skips nulls and is null when every term is: the sum of the indicators' rows
        return f"list_sum([{', '.join(terms)}])"

    refs = {ind.id: ref(ind.id) for ind in REGISTRY.values()}
    columns = ", ".join(f"coalesce({total([f'p_{refs[i.id]}' for i in REGISTRY.values() if i.group == g.key])}, 0) "
                        f"as {g.key}" for g in GROUPS)
    excluded = [f"case when {_not_applicable(i, ruleset)} then {_number(ruleset.rule(i).max_points)} end"
                for i in REGISTRY]
    band = "case " + "".join(f"when round(total, 2) >= {b.min} then '{b.key}' " for b in ruleset.bands) + "end"
    column_ranks = ", ".join(f"rank() over (partition by period_start, peer_list order by round({g.key}, 2) desc) "
                             f"as rank_{g.key}" for g in GROUPS)
    return f"""
        create or replace temp table v_scores as
        with sums as (
            select period_start, unit_code, {columns},
                   {total([f"p_{r}" for r in refs.values()])} as earned_points,
                   coalesce({total(excluded)}, 0) as excluded_points
            from v_points
        ),
        totals as (
            select s.*, u.unit_valid_from, u.kind as unit_kind, u.name as unit_name, u.province_code, u.district_code,
                   case when excluded_points < 100 then earned_points * 100 / (100 - excluded_points) end as total,
                   case u.kind when 'province' then 'national' else u.province_code || ':' || u.kind end as peer_list
            from sums s join scope_units u using (period_start, unit_code)
        ),
        final as (
            select * exclude (earned_points),
                   {band} as band,
                   rank() over (partition by period_start, peer_list order by round(total, 2) desc nulls last) as rank,
                   count(*) over (partition by period_start, peer_list) as n_peers,
                   case when unit_kind = 'commune' and district_code is not null then
                       rank() over (partition by period_start, peer_list, district_code
                                    order by round(total, 2) desc nulls last) end as rank_in_district,
                   {column_ranks}
            from totals
        )
        select * from final"""
