-- grain: one row per period of one kind that holds data (dossiers or feedback received, decisions dated) up to as_of
with
run_params as (
    select * from run_params
),
months as (
    select month from data_months
    -- with $every, every month from the first holding data to as_of's
    union
    select unnest(generate_series(b.first_month, b.last_month, interval 1 month))
    from (select min(d.month) as first_month, any_value(date_trunc('month', r.as_of)) as last_month
          from data_months d cross join run_params r) b
    where $every
),
starts as (
    select distinct date_trunc($kind, month) as period_start
    from months cross join run_params r
    -- a month holds data received up to as_of when it began before as_of; with $every, as_of's month too, even
    -- one that begins at as_of (a dossier can end at that moment)
    where month < r.as_of or ($every and month <= r.as_of)
),
bounds as (
    select s.period_start, s.period_start + $step::interval as end_at, r.as_of
    from starts s cross join run_params r
),
final as (
    select period_start, end_at, least(end_at, as_of) as eff_end_at,
           period_start::date as first_day,
           (least(end_at, as_of) - interval 1 microsecond)::date as last_day,
           (end_at - interval 1 day)::date as last_nominal_day
    from bounds
)
select * from final
