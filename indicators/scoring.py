"""From measures to points, columns, totals, bands and ranks: SQL built from the registry and a rule set.

Reads the temporary basis tables (`b_<basis>`) and `scope_units`; writes the temporary tables
`v_values` (one row per period, unit and indicator) and `v_scores` (one row per period and unit).
"""
from __future__ import annotations

from . import GROUPS, REGISTRY
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
    "authority": "b.unit_code = s.unit_code and b.kind = s.kind",
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
            -- a province is scored in a period when it has a catalogue or data in that period
            select province_code from procedures
            union select unit_code from b_received union select unit_code from b_processed
            union select unit_code from b_feedback
        )
        select s.period_start, s.unit_code, s.unit_valid_from, s.kind as unit_kind, {values}
        from scope_units s
        {joins}
        where s.province_code in (select province_code from active)"""


def _ref(indicator_id: str) -> str:
    return indicator_id.replace(".", "_")


def values(columns: dict[Measure, str], ruleset: RuleSet) -> str:
    """Return SQL for `v_values`: numerator, denominator, ratio, points, max points and flags per unit and indicator."""
    parts = []
    for ind in REGISTRY.values():
        denominator = columns[ind.denominator]
        if ind.denominator_floor is not None:
            denominator = f"greatest({denominator}, {columns[ind.denominator_floor]})"
        parts.append(f"select period_start, unit_code, unit_valid_from, unit_kind, '{ind.id}' as indicator_id, "
                     f"{columns[ind.numerator]}::double as numerator, {denominator}::double as denominator from v_wide")
    multipliers = ruleset.multipliers
    borrowed = ruleset.borrowed
    refs = sorted(set(multipliers.values()) | set(borrowed.values()))
    windows = "".join(f", max(case when indicator_id = '{r}' then ratio end) over w as ratio_{_ref(r)}"
                      f", max(case when indicator_id = '{r}' then earned end) over w as earned_{_ref(r)}"
                      for r in refs)
    scored = "".join(f"case when indicator_id = '{i}' then least(1, ratio * coalesce(ratio_{_ref(r)}, 0) / target) else "
                     for i, r in multipliers.items()) + "earned" + " end" * len(multipliers)
    borrow = "".join(f"when indicator_id = '{i}' then max_points * coalesce(earned_{_ref(r)}, 0) "
                     for i, r in borrowed.items())
    return f"""
        create or replace temp table v_values as
        with base as (
            {" union all ".join(parts)}
        ),
        rated as (
            select b.*, r.group_key, r.max_points, r.target, r.no_data,
                   case when b.denominator > 0 then b.numerator / b.denominator end as ratio
            from base b join rule_params r using (indicator_id)
        ),
        earned as (
            select *, case when denominator > 0 and target > 0 then least(1, numerator / (denominator * target)) end
                          as earned
            from rated
        ),
        referenced as (
            select *{windows}
            from earned
            window w as (partition by period_start, unit_code)
        ),
        final as (
            select period_start, unit_code, unit_valid_from, unit_kind, indicator_id, group_key, numerator, denominator,
                   ratio, max_points,
                   denominator = 0 as no_data,
                   denominator = 0 and no_data = 'not_applicable' as not_applicable,
                   case when max_points = 0 then 0
                        when denominator > 0 then max_points * {scored}
                        {borrow}
                        when no_data = 'full' then max_points
                        when no_data = 'zero' then 0
                   end as points
            from referenced
        )
        select * from final"""


def scores(ruleset: RuleSet) -> str:
    """Return SQL for `v_scores`: the six columns, the total (rescaled when indicators are not applicable), band, ranks."""
    columns = ", ".join(f"coalesce(sum(points) filter (where group_key = '{g.key}'), 0) as {g.key}" for g in GROUPS)
    band = "case " + "".join(f"when round(total, 2) >= {b.min} then '{b.key}' " for b in ruleset.bands) + "end"
    column_ranks = ", ".join(f"rank() over (partition by period_start, peer_list order by round({g.key}, 2) desc) "
                             f"as rank_{g.key}" for g in GROUPS)
    return f"""
        create or replace temp table v_scores as
        with sums as (
            select period_start, unit_code, {columns},
                   sum(points) as earned_points,
                   coalesce(sum(max_points) filter (where not_applicable), 0) as excluded_points
            from v_values group by all
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
