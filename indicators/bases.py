"""The SQL of each basis: from the facts of one period set to one row per period and scoring unit.

Every function returns trusted SQL text built from the declarations' measures. The tables it
reads are the temporary ones the engine prepares: `f_dossiers`, `f_feedback`, `periods`,
`run_params`, `scope_units` (the units scored in each period), `scope_map` (each unit with
data → every scoring unit whose scope holds it) and `scope_provinces` (each province code → the
province holding its publication decisions in each period).
"""
from __future__ import annotations

from .core import Measure


def column(measure: Measure, index: int) -> str:
    """Return the column name under which a measure is computed."""
    return f"m_{measure.basis}_{index}"


def aggregate(measure: Measure, name: str, source: str | None = None) -> str:
    """Return the aggregate expression of a measure: a filtered count, or a filtered sum of its total."""
    where = measure.where if source is None else f"({measure.where}) and {source} > 0"
    if measure.total is not None:
        return f"coalesce(sum({measure.total}) filter (where {where}), 0) as {name}"
    return f"count(*) filter (where {where}) as {name}"


def bucket_join(kind: str, moment: str) -> str:
    """Return the join that puts a row in the period holding `moment`."""
    if kind == "range":
        return f"join periods p on {moment} >= p.period_start and {moment} < p.end_at and {moment} <= p.eff_end_at"
    return f"join periods p on p.period_start = date_trunc('{kind}', {moment}) and {moment} <= p.eff_end_at"


def _sums(columns: list[str]) -> str:
    return ", ".join(f"sum(l.{c}) as {c}" for c in columns) or "count(*) as n_rows"


def _rollup(leaf_table: str, columns: list[str], keys: str = "") -> str:
    """Return SQL summing a leaf-level table (period_start, unit_code, unit_valid_from, measures) over every scope."""
    return f"""
        select m.period_start, m.scope_code as unit_code{keys}, {_sums(columns)}
        from {leaf_table} l
        join scope_map m on m.period_start = l.period_start and m.leaf_code = l.unit_code
                        and m.leaf_from is not distinct from l.unit_valid_from
        group by all"""


# Leaf tables that add up over time: a quarter's or a year's is the sum (or union) of its months'.
MONTHLY = {"c_received": "sum", "c_procedure_leaf": "bit_or", "l_finished": "sum"}


def from_months(table: str, kind: str, columns: list[str]) -> str:
    """Return SQL building a quarter's or year's leaf table from the months' copy of it (`month_<table>`)."""
    keys = "l.unit_code, l.unit_valid_from" + (", l.word" if table == "c_procedure_leaf" else "")
    combined = ", ".join(f"{MONTHLY[table]}(l.{c}) as {c}" for c in columns) or "count(*) as n_rows"
    return f"""
        create or replace temp table {table} as
        select p.period_start, {keys}, {combined}
        from month_{table} l
        join periods p on p.period_start = date_trunc('{kind}', l.period_start)
        group by all"""


# A set of procedures is stored as 64-bit words: procedure n is bit n % 64 of word n // 64.
WORD = "procedure_id // 64 as word"


def procedure_set(condition: str) -> str:
    """Return the aggregate of one word of the set of procedures (by `procedure_ids`) of the rows meeting a condition."""
    return f"coalesce(bit_or(1::ubigint << (procedure_id % 64)::ubigint) filter (where coalesce({condition}, false)), 0)"


def received(kind: str, measures: dict[Measure, str], havings: dict[str, str], monthly: bool = False) -> tuple[str, ...]:
    """Return the statements of the received basis: counts per unit holding dossiers, their totals per scope, and
    per unit the set of procedures that met each `having` condition (`c_procedure_leaf`, one row per word of them).
    `monthly`: add up the months'."""
    counts = ", ".join(f"count(*) filter (where {m.where}) as {name}" for m, name in measures.items())
    sets = ", ".join(f"{procedure_set(cond)} as {name}" for cond, name in havings.items())
    cube = f"""
        create or replace temp table c_received as
        select p.period_start, d.unit_code, d.unit_valid_from, {counts or "count(*) as n_rows"}
        from f_dossiers d
        {bucket_join(kind, "d.received_at")}
        group by all"""
    procedures = f"""
        create or replace temp table c_procedure_leaf as
        select p.period_start, d.unit_code, d.unit_valid_from, d.{WORD}, {sets or "true as any_row"}
        from f_dossiers d
        {bucket_join(kind, "d.received_at")}
        group by all"""
    if monthly:
        cube = from_months("c_received", kind, list(measures.values()))
        procedures = from_months("c_procedure_leaf", kind, list(havings.values()))
    totals = f"create or replace temp table b_received as {_rollup('c_received', list(measures.values()))}"
    return cube, procedures, totals


AUTHORITY = """
    case s.kind
        when 'province' then list_has_any(coalesce(pr.levels, []), ['province', 'district', 'commune'])
        when 'district' then list_has_any(coalesce(pr.levels, []), ['district', 'commune'])
        when 'commune' then list_contains(coalesce(pr.levels, []), 'commune')
        when 'department' then pr.agency_code = s.unit_code
    end and coalesce(pr.status, 'public') <> 'abolished'"""


# What the catalogue offers a unit depends only on its province and kind, and for a department on its code.
OWNERS = """select distinct province_code, kind, case when kind = 'department' then unit_code end as unit_code
            from t_tree where province_code is not null"""


def procedure_masks(measures: dict[Measure, str]) -> str:
    """Return SQL for `procedure_masks`: per province, kind of unit and `owner` (as in `authority`), the set of
    procedures (in words, as in `c_procedure_leaf`) that meet each procedure measure's condition, once per run.

    A procedure outside the province's catalogue is judged on an empty catalogue row, as a left join gives it.
    """
    masks = ", ".join(f"{procedure_set(m.where)} as {name}" for m, name in measures.items())
    return f"""
        create or replace temp table procedure_masks as
        with units as ({OWNERS}),
        rows as (
            select s.province_code, s.kind, s.unit_code, i.procedure_id,
                   pr.* exclude (procedure_code, province_code), {AUTHORITY} as under_authority
            from units s
            cross join procedure_ids i
            left join procedures pr on pr.province_code = s.province_code and pr.procedure_code = i.procedure_code
        )
        select province_code, kind, coalesce(unit_code, kind) as owner, {WORD}, {masks or "true as any_row"}
        from rows group by all"""


def procedure(measures: dict[Measure, str], having_columns: dict[str, str]) -> str:
    """Return SQL counting, per period and scoring unit, the procedures that meet each procedure measure.

    The sets of the units in a scope are joined into the scope's (a bitwise or of each word), and a measure counts
    the procedures both in the set of its `having` condition and in the mask of its own condition.
    """
    sets = ", ".join(f"bit_or(l.{name}) as {name}" for name in having_columns.values())
    counts = [f"sum(bit_count(c.{having_columns[m.having]} & k.{name})) as {name}" for m, name in measures.items()]
    return f"""
        create or replace temp table b_procedure as
        with c_procedure as (
            select m.period_start, m.scope_code as unit_code, l.word, {sets or "true as any_row"}
            from c_procedure_leaf l
            join scope_map m on m.period_start = l.period_start and m.leaf_code = l.unit_code
                            and m.leaf_from is not distinct from l.unit_valid_from
            group by all
        )
        select c.period_start, c.unit_code, {", ".join(counts) or "count(*) as n_rows"}
        from c_procedure c
        join scope_units s on s.period_start = c.period_start and s.unit_code = c.unit_code
        join procedure_masks k
          on k.province_code = s.province_code and k.kind = s.kind
         and k.owner = case s.kind when 'department' then s.unit_code else s.kind end and k.word = c.word
        group by all"""


def processed(kind: str, measures: dict[Measure, str], monthly: bool = False) -> str:
    """Return SQL for the processed basis at the level of the units that hold the dossiers: each dossier in every
    period it was handled in, judged at that period's effective end.

    `monthly`: from the months' (`month_l_processed`, see `processed_months`): a period holds the dossiers that
    ended in its months, and those open at its effective end, which is that of its last month up to as_of.
    Otherwise, for one period or date range (`range`): each dossier handled in it, judged there.
    """
    if monthly:
        last = "l.period_start = date_trunc('month', least(p.end_at - interval 1 microsecond, p.eff_end_at))"
        sums = [f"sum(l.e_{name}) + coalesce(sum(l.o_{name}) filter (where {last}), 0)" for name in measures.values()]
        return f"""
            create or replace temp table l_processed as
            select * from (
                select p.period_start, l.unit_code, l.unit_valid_from,
                       {", ".join(f"{total} as {name}" for total, name in zip(sums, measures.values()))
                        or "count(*) as n_rows"}
                from month_l_processed l
                join periods p on p.period_start = date_trunc('{kind}', l.period_start)
                group by all
            )
            -- a unit with no dossier handled in the period has no row, as one scored on its own
            where {" or ".join(f"{name} <> 0" for name in measures.values()) or "true"}"""
    if kind != "range":
        raise ValueError("the processed basis of a month, quarter or year is built from the months'")
    counts = ", ".join(f"count(*) filter (where {m.where}) as {name}" for m, name in measures.items())
    return f"""
        create or replace temp table l_processed as
        with spread as (
            select d.*, p.period_start from f_dossiers d
            join periods p on d.received_at <= p.eff_end_at and (d.end_at is null or d.end_at >= p.period_start)
        ),
        judged as (
            select s.*, p.eff_end_at, p.wt_eff_end,
                   s.end_at is not null and s.end_at < p.end_at and s.end_at <= p.eff_end_at as is_ended,
                   -- still open at the period end: a supplement request open then is its end
                   s.supplement_requested_at <= p.eff_end_at
                       and not coalesce(s.supplement_completed_at <= p.eff_end_at, false) as is_waiting,
                   case when s.supplement_completed_at <= p.eff_end_at
                        then s.supplement_completed_at - s.supplement_requested_at else interval 0 second end as deducted,
                   case when s.supplement_completed_at <= p.eff_end_at
                        then s.wt_completed - s.wt_requested else 0 end as deducted_days
            from spread s
            join periods p on p.period_start = s.period_start
            where not s.is_withdrawn_unreceived and s.received_at <= p.eff_end_at
        ),
        final as (
            select *,
                   case when is_ended then is_on_time_at_end
                        when second_request_at <= eff_end_at then false
                        when due_at is not null then
                            case when is_waiting then supplement_requested_at else eff_end_at end
                            - case when deduct_supplement_from_due then deducted else interval 0 second end <= due_at
                        when max_processing_days is not null then coalesce(
                            case when is_waiting then wt_requested else wt_eff_end end - wt_received - deducted_days
                            <= wdays(max_processing_days), false)
                        -- neither a due time nor a time limit: unknown
                   end as is_on_time
            from judged cross join (select deduct_supplement_from_due from run_params)
        )
        select period_start, unit_code, unit_valid_from, {counts or "count(*) as n_rows"}
        from final group by all"""


def processed_months(measures: dict[Measure, str]) -> str:
    """Return SQL for `month_l_processed`: per month of `periods` (every month up to as_of's) and unit holding
    dossiers, each processed measure over the dossiers that ended in the month (`e_` + its column) and over those
    open at the month's effective end (`o_` + its column), judged as `processed('range')` judges them.

    Months are numbered (`month_no`) until the end. A dossier is open from the month it was received to the month it ended (or for good), on time until a moment
    and late after it, so it is a few steps up and down a running count rather than one row per month it was open
    in: the first month it is late is that of its due time (moved on by a supplement time already over), of its
    second supplement request, or of the moment its working days run out. Steps before the first month of
    `periods` are taken in it.
    """
    def moved(m: Measure) -> str:
        step = "sign" if m.total is None else f"sign * ({m.total})"
        return f"coalesce(sum({step}) filter (where {m.where}), 0)"

    names = list(measures.values())
    opens = ", ".join(f"{moved(m)} as o_{name}" for m, name in measures.items()) or "0 as o_n_rows"
    ends = ", ".join(aggregate(m, f"e_{name}") for m, name in measures.items()) or "count(*) as e_n_rows"
    running = ", ".join(f"sum(coalesce(v.o_{n}, 0)) over w as o_{n}" for n in names) or "0 as o_n_rows"
    kept = ", ".join(f"coalesce(e.e_{n}, 0) as e_{n}, coalesce(s.o_{n}, 0) as o_{n}" for n in names) or "0 as e_n_rows"
    return f"""
        create or replace temp table month_l_processed as
        with
        months as (
            select month_no(period_start) as month from periods
        ),
        first_month as (
            select min(month) as first_start from months
        ),
        handled as not materialized (
            -- the dossiers processed at some time up to as_of: their months of receipt and of end (none while open)
            select d.*, month_no(d.received_at) as opened,
                   case when d.end_at <= r.as_of then month_no(d.end_at) end as ended,
                   r.as_of, r.wt_as_of, r.deduct_supplement_from_due
            from f_dossiers d cross join run_params r
            where not d.is_withdrawn_unreceived and d.received_at <= r.as_of
        ),
        limits as (
            -- late while open from: a second request; after the due time (none while a supplement request made
            -- before it waits for the citizen; after the reply, the due time as recorded, or it less the supplement
            -- time where the rule set deducts it); after the working days
            select *,
                   case when second_request_at <= as_of
                        then month_no(second_request_at - interval 1 microsecond) end as late_by_request,
                   case when due_at is null then null
                        when supplement_requested_at is null or due_at < supplement_requested_at then due_at
                        when supplement_completed_at is not null and deduct_supplement_from_due
                        then due_at + (supplement_completed_at - supplement_requested_at)
                        -- judged at the request until the reply, at the period end from the reply on
                        when supplement_completed_at is not null
                        then greatest(due_at, supplement_completed_at - interval 1 microsecond)
                   end as due_limit,
                   case when due_at is not null or max_processing_days is null then null
                        when wt_requested is null or wt_received + wdays(max_processing_days) < wt_requested
                        then wt_received + wdays(max_processing_days)
                        when wt_completed is not null
                        then wt_received + wdays(max_processing_days) + (wt_completed - wt_requested)
                   end as working_limit
            from handled
            where ended is null or opened < ended
        ),
        turned as (
            select l.*, least(l.ended, case when late is not null then greatest(l.opened, late) end) as turn,
                   case when due_at is null and max_processing_days is null then null else true end as known
            from (
                select l.*,
                       least(l.late_by_request,
                             case when l.due_limit < l.as_of then month_no(l.due_limit) end,
                             -- received at a moment without working time (outside the calendar): never on time
                             case when l.due_at is null and l.max_processing_days is not null
                                       and l.wt_received is null then l.opened end,
                             -- the working day on which the working time passes the limit: the working days
                             -- in order, the first with no working day before it
                             case when l.working_limit < l.wt_as_of
                                  then month_no(w.days[l.working_limit // wdays(1) + 1]) end) as late
                from limits l
                cross join (select list(day order by day) as days from work_calendar where is_working) w
            ) l
        ),
        steps as (
            -- until it turns late, on time, or unknown (null: `known`) without a due time or a time limit
            select t.* exclude (turn, opened, ended),
                   unnest(list_concat(
                       case when turn is null or opened < turn
                            then [{{'month': opened, 'sign': 1, 'on_time': known}},
                                  {{'month': turn, 'sign': -1, 'on_time': known}}] else [] end,
                       case when turn is not null and (ended is null or turn < ended)
                            then [{{'month': turn, 'sign': 1, 'on_time': false}},
                                  {{'month': ended, 'sign': -1, 'on_time': false}}] else [] end)) as step
            from turned t
        ),
        open_rows as (
            select * exclude (step), step.month as month, step.sign as sign, step.on_time as is_on_time,
                   false as is_ended
            from steps where step.month is not null
        ),
        moves as (
            select greatest(o.month, f.first_start) as period_start, o.unit_code, o.unit_valid_from, {opens}
            from open_rows o cross join first_month f
            group by all
        ),
        grid as (
            select m.month as period_start, u.unit_code, u.unit_valid_from
            from months m cross join (select distinct unit_code, unit_valid_from from moves) u
        ),
        running as (
            select g.*, {running}
            from grid g
            left join moves v
              on v.period_start = g.period_start and v.unit_code = g.unit_code
             and v.unit_valid_from is not distinct from g.unit_valid_from
            window w as (partition by g.unit_code, g.unit_valid_from order by g.period_start)
        ),
        ended_rows as (
            select ended as period_start, unit_code, unit_valid_from, {ends}
            from (select *, true as is_ended, is_on_time_at_end as is_on_time from handled
                  where ended >= opened and ended >= (select first_start from first_month))
            group by all
        )
        select month_start(coalesce(s.period_start, e.period_start)) as period_start, coalesce(s.unit_code, e.unit_code) as unit_code,
               coalesce(s.unit_valid_from, e.unit_valid_from) as unit_valid_from, {kept}
        from running s
        full join ended_rows e
          on e.period_start = s.period_start and e.unit_code = s.unit_code
         and e.unit_valid_from is not distinct from s.unit_valid_from"""


def finished(kind: str, measures: dict[Measure, str], monthly: bool = False) -> str:
    """Return SQL for the finished basis at the level of the units that hold the dossiers. `monthly`: add up the months'."""
    if monthly:
        return from_months("l_finished", kind, list(measures.values()))
    return f"""
        create or replace temp table l_finished as
        select p.period_start, d.unit_code, d.unit_valid_from,
               {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        -- ended with a result: finished, or the result handed back (returned)
        from (select * from f_dossiers where end_kind in ('finished', 'returned')) d
        {bucket_join(kind, "d.end_at")}
        group by all"""


def feedback(kind: str, measures: dict[Measure, str]) -> str:
    """Return SQL for the feedback basis: items received in the period, judged at its effective end."""
    return f"""
        create or replace temp table l_feedback as
        with judged as (
            select f.*, p.period_start,
                   -- no due time: unknown (null)
                   case when f.handled_at <= p.eff_end_at then f.handled_at <= f.due_at
                        else p.eff_end_at <= f.due_at end as is_on_time
            from f_feedback f
            {bucket_join(kind, "f.received_at")}
        )
        select period_start, unit_code, unit_valid_from,
               {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        from judged group by all"""


def rollup(leaf_table: str, basis_table: str, columns: list[str]) -> str:
    """Return SQL summing a leaf-level basis table over every scope that holds it."""
    return f"create or replace temp table {basis_table} as {_rollup(leaf_table, columns)}"


def authority(measures: dict[Measure, str]) -> str:
    """Return SQL counting the procedures under a unit's authority that meet each measure, once per run.

    They depend only on the unit's province and kind, and for a department on its code (the procedures it
    handles): one row per province, kind and `owner` (the department's code, else the kind).
    """
    return f"""
        create or replace temp table b_authority as
        with units as ({OWNERS}),
        rows as (
            select s.unit_code, s.kind, pr.*
            from units s
            join procedures pr on pr.province_code = s.province_code
            where {AUTHORITY}
        )
        select province_code, kind, coalesce(unit_code, kind) as owner,
               {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        from rows group by all"""


# A decision counts for the province that holds its province's decisions in the period (sql/scope.sql): itself, or
# after the 2025 reform the new province it went into.
HOLDER = "join scope_provinces h on h.period_start = p.period_start and h.province_code = d.province_code"


def _select(keys: str, measures: dict[Measure, str]) -> str:
    """Return the select list of a decision basis over `rows`: `keys`, then each measure's aggregate."""
    return f"{keys}, {', '.join(aggregate(m, name) for m, name in measures.items()) or 'count(*) as n_rows'}"


def announced(kind: str, measures: dict[Measure, str], keys: str = "period_start, province_code") -> str:
    """Return SQL for 1.1 per province and period: a procedure is on time when all its decisions in the period are.
    `keys`: the columns of `rows` to group by (the drill adds procedure_code)."""
    return f"""
        create or replace temp table b_announced as
        with decisions as (
            select h.holder_code as province_code, d.procedure_code, p.period_start,
                   -- no effective date: unknown (null)
                   (ce.n_before + ce.is_working::int) - (cd.n_before + cd.is_working::int)
                      >= (select announce_days from run_params) as is_on_time
            from procedure_decisions d
            {bucket_join(kind, "d.decision_date::timestamp")}
            {HOLDER}
            join work_calendar cd on cd.day = d.decision_date
            left join work_calendar ce on ce.day = d.legal_effective_date
        ),
        rows as (
            -- one late decision makes the procedure late; else one without an effective date makes it unknown
            select province_code, procedure_code, period_start,
                   case when not bool_and(is_on_time) then false when bool_or(is_on_time is null) then null else true end
                       as is_announced_on_time
            from decisions group by all
        )
        select {_select(keys, measures)}
        from rows group by all"""


def published(kind: str, measures: dict[Measure, str], keys: str = "period_start, province_code") -> str:
    """Return SQL for 1.2 per province and period: decisions dated in the period or due for publication in it.

    A day counts in the period holding it, up to the period's effective end: the first day of the next period is
    not in it. A decision is judged at the period's effective end, as a dossier in progress is: published by then
    within its deadline → on time; not published by then → on time while its deadline is still ahead (not yet
    overdue), late once it has passed. `keys` as in `announced`.
    """
    on = "true" if kind == "range" else f"p.period_start = date_trunc('{kind}', d.day)"
    return f"""
        create or replace temp table b_published as
        with dated as (
            -- the deadline: the publish_days-th working day after the decision, as that day's n_before
            select d.province_code, d.procedure_code, d.decision_date, d.published_at,
                   cd.n_before + cd.is_working::int + (select publish_days from run_params) - 1 as deadline_n
            from procedure_decisions d
            join work_calendar cd on cd.day = d.decision_date
        ),
        decisions as (
            select d.* exclude (deadline_n), c.day as deadline_day
            from dated d
            join work_calendar c on c.is_working and c.n_before = d.deadline_n
        ),
        days as (
            select *, unnest([decision_date, deadline_day]) as day from decisions
        ),
        rows as (
            select h.holder_code as province_code, d.procedure_code, p.period_start,
                   bool_and(case when d.published_at <= p.eff_end_at then d.published_at < d.deadline_day + interval 1 day
                                 else p.eff_end_at < d.deadline_day + interval 1 day end) as is_published_on_time
            from days d
            join periods p on {on} and d.day >= p.period_start and d.day < p.end_at and d.day <= p.eff_end_at
            {HOLDER}
            group by all
        )
        select {_select(keys, measures)}
        from rows group by all"""


def catalogue(measures: dict[Measure, str]) -> str:
    """Return SQL for 1.3 per province: its public procedures (a snapshot)."""
    return f"""
        create or replace temp table b_catalogue as
        select province_code, {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        from procedures where coalesce(status, 'public') <> 'abolished'
        group by all"""


def communes(measures: dict[Measure, str]) -> str:
    """Return SQL for 4.7: per period and scoring unit, the communes in its scope valid at the period end."""
    return f"""
        create or replace temp table b_communes as
        with rows as (
            select c.period_start, unnest([c.unit_code, c.district_code, c.province_code]) as unit_code,
                   u.offers_e_certified_copy
            from scope_units c
            join units u on u.unit_code = c.unit_code and u.valid_from is not distinct from c.unit_valid_from
            where c.kind = 'commune'
        )
        select period_start, unit_code,
               {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        from rows where unit_code is not null group by all"""


def national_report(measures: dict[Measure, str]) -> str:
    """Return SQL for the national report's totals per period and scoring unit (1.4's denominator floor).

    A unit's own total for a period is its report of exactly that period, else the sum of its monthly reports
    of the months inside the period that have begun by its effective end. A unit with no total of its own takes
    the sum of its units' (its districts', departments' and communes'), each counted once: a report counts for
    every unit above its own up to the first that has a total of its own, so a unit's own total always wins
    over the sum beneath it. A report of a unit not valid at the period end counts nowhere.
    """
    return f"""
        create or replace temp table b_national_report as
        with
        reports as (
            -- the reports of exactly a period, then those of a month inside a longer one
            select p.period_start, r.unit_code, r.dossiers_received, true as is_exact
            from national_report r
            join periods p on r.period_start = p.period_start::date and r.period_end = p.last_nominal_day
            union all
            select p.period_start, r.unit_code, r.dossiers_received, false as is_exact
            from national_report r
            join periods p on r.period_start >= p.period_start::date and r.period_end <= p.last_nominal_day
                          and r.period_start <= p.last_day
            where r.period_start = date_trunc('month', r.period_start) and r.period_end = last_day(r.period_start)
              and not (r.period_start = p.period_start::date and r.period_end = p.last_nominal_day)
        ),
        own as (
            select period_start, unit_code,
                   case when bool_or(is_exact) then sum(dossiers_received) filter (where is_exact)
                        else sum(dossiers_received) end as dossiers_received
            from reports group by all
        ),
        chain as (
            -- each unit with a total of its own, then its district and its province, from the bottom up
            select o.period_start, o.unit_code as reporter, o.dossiers_received,
                   unnest([o.unit_code, s.district_code, s.province_code]) as scope_code, unnest([0, 1, 2]) as depth
            from own o
            join scope_units s on s.period_start = o.period_start and s.unit_code = o.unit_code
        ),
        flagged as (
            select c.*, c.scope_code <> c.reporter and o.unit_code is not null as scope_has_own
            from chain c
            left join own o on o.period_start = c.period_start and o.unit_code = c.scope_code
            where c.scope_code is not null
        ),
        counted as (
            select *, bool_or(scope_has_own) over (partition by period_start, reporter order by depth
                                                   rows between unbounded preceding and current row) as covered
            from flagged
        ),
        rows as (
            select distinct period_start, scope_code as unit_code, reporter, dossiers_received
            from counted where not covered
        )
        select period_start, unit_code,
               {", ".join(aggregate(m, name) for m, name in measures.items()) or "count(*) as n_rows"}
        from rows
        group by all"""
