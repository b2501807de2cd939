"""Feedback items (phản ánh, kiến nghị) per unit, and the national-report totals some provinces supply."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

import workdays
from etl.demo import profiles
from etl.demo.scope import Half

CATEGORIES = np.array(["rules", "staff", "other"])
CATEGORY_P = (0.35, 0.15, 0.50)
DUE_WORKING_DAYS = 10
RERAISED, RERAISED_IF_LATE = 0.02, 0.15


def build(rng: np.random.Generator, half: Half, scale: float, as_of: np.datetime64, first_id: int) -> pa.Table:
    """Return the feedback table of one half: ids numbered from `first_id`, units weighted by size within their origin."""
    units = half.units
    span_days = (np.datetime64(half.last_day) - np.datetime64(half.first_day)).astype(int) + 1
    per_origin = {o: profiles.PROVINCE_BY_CODE[o].population * profiles.FEEDBACK_PER_THOUSAND_YEAR * scale * span_days / 365
                  for o in set(units["origin"])}
    share = units["size"] / units.groupby("origin")["size"].transform("sum")
    counts = rng.poisson((units["origin"].map(per_origin) * share).to_numpy())
    unit = np.repeat(np.arange(len(units)), counts)
    n = len(unit)
    received = (np.datetime64(half.first_day).astype("datetime64[s]")
                + rng.integers(0, span_days * 86400, n).astype("timedelta64[s]"))
    due = workdays.add_working_days(received, np.full(n, DUE_WORKING_DAYS))
    quality = units["quality"].to_numpy()[unit]
    origin = units["origin"].to_numpy(dtype=object)[unit]

    def rate(name: str) -> np.ndarray:
        base = np.array([profiles.province_rate(profiles.PROVINCE_BY_CODE[o], name) for o in origin]) if n else np.zeros(0)
        logit = np.log(base / (1 - base)) + profiles.RATE_BY_NAME[name].direction * quality
        return 1 / (1 + np.exp(-logit))

    on_time = rng.random(n) < rate("feedback_on_time")
    handled = np.where(on_time, workdays.add_working_days(received, rng.uniform(0.2, DUE_WORKING_DAYS, n)),
                       workdays.add_working_days(due, rng.geometric(0.3, n)))
    handled = np.where(handled <= as_of, handled, np.datetime64("NaT"))
    likes = rng.poisson(2.0, n)
    disliked = rng.random(n) < rate("feedback_disliked")
    dislikes = np.where(disliked, likes + rng.integers(1, 4, n), rng.binomial(likes, 0.3))
    reraised = rng.random(n) < np.where(on_time, RERAISED, RERAISED_IF_LATE)
    # only the items received by as_of exist (a demo that reaches today stops at this moment)
    seen = received <= as_of
    ids = np.char.add("PAKN-", np.char.zfill((first_id + np.cumsum(seen) - 1).astype(str), 8))
    return pa.table({
        "feedback_id": pa.array(ids),
        "unit_code": pa.array(units["unit_code"].to_numpy(dtype=object)[unit].astype(str)),
        "category": pa.array(CATEGORIES[rng.choice(3, n, p=CATEGORY_P)]),
        "received_at": pa.array(received),
        "due_at": pa.array(due),
        "handled_at": pa.array(handled),
        "likes": pa.array(likes.astype(np.int64)),
        "dislikes": pa.array(dislikes.astype(np.int64)),
        "reraised": pa.array(reraised),
    }).filter(pa.array(seen))


# Monthly dossiers received per province as the national reporting system counts them: the
# dossiers in the database plus a few the province did not synchronise (0–4 %, a fixed hash).
NATIONAL_REPORT = """
insert into national_report by name
with received as (
    select t.province_code, date_trunc('month', d.received_at)::date as period_start
    from dossiers d
    join unit_tree t on t.unit_code = d.unit_code
     and (t.valid_from is null or t.valid_from <= d.received_at::date)
     and (t.valid_to is null or t.valid_to >= d.received_at::date)
    where d.received_at is not null and t.province_code in (select unnest($provinces))
),
monthly as (
    select province_code, period_start, count(*) as n from received group by all
),
final as (
    select province_code as unit_code, period_start, last_day(period_start) as period_end,
           round(n * (1 + (hash(province_code, period_start, $seed) % 400) / 10000.0))::bigint as dossiers_received,
           $load_id as load_id
    from monthly
)
select * from final
"""

# Communes issuing electronic certified copies: a fixed hash per commune against its province's rate.
E_CERTIFIED_COPY = """
update units u set offers_e_certified_copy = (hash(u.unit_code, u.valid_from, $seed) % 10000) < r.p * 10000
from (select unnest($codes) as province_code, unnest($rates) as p) r, unit_tree t
where u.kind = 'commune' and t.unit_code = u.unit_code and t.valid_from is not distinct from u.valid_from
  and t.province_code = r.province_code
"""
