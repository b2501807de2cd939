-- grain: province_successors, one row per old province with the new province it went into; scope_units, one row
-- per period and unit scored in it; scope_map, one row per period, unit holding data and scoring unit whose scope
-- holds it; scope_provinces, one row per period and province code with the province scored in it that holds that
-- code's publication decisions.
-- A period is scored with the units valid on its last day (or, re-drawn on today's boundaries, on the tree day
-- run_params.tree_day); a unit that had closed by then (the 2025 reform) hands its data to its successor: a commune
-- to its default new commune, any other unit to its new province.
create or replace temp table province_successors as
select old_province_code, any_value(new_province_code) as new_province_code from unit_mapping group by all;

create or replace temp table scope_units as
with
periods as (
    select * from periods
),
tree as (
    select * from t_tree
),
valid as (
    select p.period_start, u.unit_code, u.valid_from as unit_valid_from, u.kind, u.name, u.province_code,
           u.district_code
    from periods p
    cross join (select tree_day from run_params) r
    join tree u
      on (u.valid_from is null or u.valid_from <= coalesce(r.tree_day, p.last_day))
     and (u.valid_to is null or u.valid_to >= coalesce(r.tree_day, p.last_day))
),
provinces as (
    select period_start, unit_code as province_code from valid where kind = 'province'
),
final as (
    -- a unit whose province is not valid at the period end has no place in its tree then
    select v.*
    from valid v
    semi join provinces pv on pv.period_start = v.period_start and pv.province_code = v.province_code
)
select * from final;

create or replace temp table scope_map as
with
periods as (
    select * from periods
),
tree as (
    select * from t_tree
),
holders as (
    select unit_code, unit_valid_from as valid_from from t_holders
),
successors as (
    select old_code, arg_max(new_code, is_default) as new_code from unit_mapping group by old_code
),
holding_units as (
    -- each unit holding data, with the unit that takes its data over once it has closed
    select u.unit_code, u.valid_from, u.valid_to,
           coalesce(case when u.kind in ('commune', 'district') then m.new_code end, ps.new_province_code) as successor_code
    from tree u
    semi join holders h on h.unit_code = u.unit_code and h.valid_from is not distinct from u.valid_from
    left join successors m on m.old_code = u.unit_code
    left join province_successors ps on ps.old_province_code = u.province_code
),
leaves as (
    -- the units holding data that had opened by the period end: a unit closed before the period can still hold
    -- dossiers processed in it (received before the reform, finished after), which its successor took over
    select p.period_start, u.unit_code, u.valid_from, u.successor_code
    from periods p
    join holding_units u
      on u.valid_from is null or u.valid_from <= p.last_day
),
targets as (
    select l.period_start, l.unit_code as leaf_code, l.valid_from as leaf_from,
           case when s.unit_code is not null then l.unit_code else l.successor_code end as target_code
    from leaves l
    left join scope_units s
      on s.period_start = l.period_start and s.unit_code = l.unit_code and s.unit_valid_from is not distinct from l.valid_from
),
expanded as (
    select t.period_start, t.leaf_code, t.leaf_from, unnest([s.unit_code, s.district_code, s.province_code]) as scope_code
    from targets t
    join scope_units s on s.period_start = t.period_start and s.unit_code = t.target_code
),
final as (
    select distinct * from expanded where scope_code is not null
)
select * from final;

create or replace temp table scope_provinces as
with
codes as (
    select distinct unit_code as code from t_tree where kind = 'province'
),
final as (
    -- a province valid at the period end holds its own decisions; one closed by then (the 2025 reform) hands them
    -- to the new province it went into
    select p.period_start, c.code as province_code, coalesce(v.unit_code, s.new_province_code) as holder_code
    from periods p
    cross join codes c
    left join scope_units v on v.period_start = p.period_start and v.unit_code = c.code and v.kind = 'province'
    left join province_successors s on s.old_province_code = c.code
)
select * from final where holder_code is not null;
