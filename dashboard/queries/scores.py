"""Scores: the periods and peer lists that exist, a peer list's league table and band counts, a unit's standing
in it, and one indicator's values and monthly trend across a peer list.

A peer list is named as unit_scores names it (`national`, `74:district`, `74:commune`, `74:department`);
`district` narrows a province's communes to one district, ranked among themselves (`rank_in_district`).
Every query reads one period's rows of one peer list, or one indicator's monthly rows of one kind of unit, on
the boundaries asked for (`indicators.boundaries`: `as_was`, the official record, or `today`).
"""
from __future__ import annotations

import functools

import duckdb
import pandas as pd

from indicators import REGISTRY, rulesets
from indicators.boundaries import AS_WAS, SCORES, VALUES

from . import base
from .lineage import FORMED_FROM
from .base import frame as _frame

# The league tables, periods and peer lists of every view, kept per version of the database.
_KEPT = base.Kept()


def _cached(query):
    """Return `query` answering from the frames kept per database version and arguments."""

    @functools.wraps(query)
    def remembered(*args, **kwargs):
        return _KEPT.get((query.__name__, args, tuple(sorted(kwargs.items()))), lambda: query(*args, **kwargs))

    return remembered


def unit_kind(peers: str) -> str:
    """Return the kind of unit a peer list ranks: provinces nationally, else the kind after the province code."""
    return "province" if peers == "national" else peers.split(":", 1)[1]


@_cached
def periods(ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the periods scored, newest first: code, kind (year, quarter, month), start (its first day). No rows
    before the first scoring has created the score tables."""
    try:
        return _frame(f"""
            select distinct period as code, period_kind as kind, period_start as start
            from {SCORES[boundaries]} where ruleset = $ruleset
            order by start desc, code""", {"ruleset": ruleset or rulesets.DEFAULT})
    except duckdb.CatalogException:
        return pd.DataFrame({"code": [], "kind": [], "start": pd.to_datetime([])})


@_cached
def choices(period: str, province: str | None, ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return what the peer selectors offer in `period`, one row per choice: what, code, name. `what` is
    `province` for the provinces ranked in the period, `peers` for the peer lists of `province` in it,
    `district` for its districts."""
    return _frame(f"""
        with scores as (
            select unit_code, unit_name, peer_list, province_code from {SCORES[boundaries]}
            where ruleset = $ruleset and period = $period
        ),
        provinces as (
            select 'province' as what, unit_code as code, unit_name as name
            from scores where peer_list = 'national'
        ),
        peer_lists as (
            select distinct 'peers', peer_list, null from scores
            where province_code = $province and peer_list <> 'national'
        ),
        districts as (
            select 'district', unit_code, unit_name from scores where peer_list = $province || ':district'
        ),
        final as (
            select * from provinces union all select * from peer_lists union all select * from districts
        )
        select * from final order by what, code""",
        {"ruleset": ruleset or rulesets.DEFAULT, "period": period, "province": province})


@_cached
def league(period: str, peers: str, district: str | None = None, ruleset: str | None = None,
           boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the league table of `peers` in `period`, best first: rank, n_peers, rank_change, unit_code,
    unit_name, href (the unit's page at this period), the six columns, total, score_change, band.
    With `district`, the province's communes of that district ranked among themselves (no rank change: the
    previous period's rank inside a district is not kept). On today's boundaries the link keeps them, and
    `divided_share` is the share of the unit's dossiers that came from divided communes. `formed_from` names the
    old units a unit of today's tree holds the dossiers of (a search by an old name finds it)."""
    return _frame(f"""
        with peers as (
            select * from {SCORES[boundaries]}
            where ruleset = $ruleset and period = $period and peer_list = $peers
              and ($district::varchar is null or district_code = $district)
        ),
        formed as ({FORMED_FROM}),
        final as (
            select case when $district::varchar is null then rank else rank_in_district end as rank,
                   count(*) over () as n_peers,
                   case when $district::varchar is null then rank_change end as rank_change,
                   p.unit_code, unit_name, '/don-vi/' || p.unit_code || '?period=' || period || $link as href,
                   transparency, progress, online, payment, digitisation, satisfaction, total, score_change, band,
                   {"divided_share" if boundaries != AS_WAS else "null::double as divided_share"}, f.formed_from
            from peers p
            left join formed f on f.unit_code = p.unit_code and p.unit_valid_from is not null
        )
        select * from final order by rank, total desc, unit_name""",
        {"ruleset": ruleset or rulesets.DEFAULT, "period": period, "peers": peers, "district": district,
         "link": link(boundaries)})


def link(boundaries: str) -> str:
    """Return what a link to a unit's page adds to keep the boundaries shown."""
    return "" if boundaries == AS_WAS else f"&boundaries={boundaries}"


@_cached
def band_counts(period: str, peers: str, target: float, district: str | None = None,
                ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return one row per band present in the peer list: band, n_units, and n_at_target, the units of that band
    whose total (rounded to 2 decimals, as ranks and bands compare it) reaches `target`."""
    return _frame(f"""
        with peers as (
            select band, round(total, 2) as total from {SCORES[boundaries]}
            where ruleset = $ruleset and period = $period and peer_list = $peers
              and ($district::varchar is null or district_code = $district)
        )
        select band, count(*) as n_units, count(*) filter (where total >= $target) as n_at_target
        from peers group by band""",
        {"ruleset": ruleset or rulesets.DEFAULT, "period": period, "peers": peers, "district": district,
         "target": target})


@_cached
def standing(unit_code: str, period: str, peers: str, district: str | None = None, top: int = 10,
             ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return one row for the unit in the peer list (none when it is not in it): unit_name, rank, n_peers, total
    rounded to 2 decimals, band, and top_total, the rounded total of the unit placed `top`-th (null for a
    shorter list)."""
    return _frame(f"""
        with peers as (
            select unit_code, unit_name, band, round(total, 2) as total,
                   case when $district::varchar is null then rank else rank_in_district end as rank
            from {SCORES[boundaries]}
            where ruleset = $ruleset and period = $period and peer_list = $peers
              and ($district::varchar is null or district_code = $district)
        ),
        placed as (
            select total from peers order by total desc limit 1 offset $top - 1
        ),
        final as (
            select unit_name, rank, (select count(*) from peers) as n_peers, total, band,
                   (select total from placed) as top_total
            from peers where unit_code = $unit
        )
        select * from final""",
        {"ruleset": ruleset or rulesets.DEFAULT, "period": period, "peers": peers, "district": district,
         "top": top, "unit": unit_code})


@_cached
def indicator_values(indicator_id: str, period: str, peers: str, district: str | None = None,
                     ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the indicator's value for every unit of the peer list, weakest first (most points lost, then the
    worst ratio: the lowest share, or the most days): unit_code, unit_name, href, numerator, denominator, ratio,
    points, max_points, points_lost, no_data, not_applicable, total (the unit's total)."""
    return _frame(f"""
        with peers as materialized (
            select unit_code, unit_valid_from, unit_name, total from {SCORES[boundaries]}
            where ruleset = $ruleset and period = $period and peer_list = $peers
              and ($district::varchar is null or district_code = $district)
        ),
        final as (
            select p.unit_code, p.unit_name, '/don-vi/' || p.unit_code || '?period=' || $period || $link as href,
                   v.numerator, v.denominator, v.ratio, v.points, v.max_points,
                   v.max_points - coalesce(v.points, v.max_points) as points_lost, v.no_data, v.not_applicable,
                   p.total
            from {VALUES[boundaries]} v
            join peers p on v.unit_code = p.unit_code and v.unit_valid_from is not distinct from p.unit_valid_from
            where v.ruleset = $ruleset and v.period = $period and v.indicator_id = $indicator and v.unit_kind = $kind
              -- the peers' codes are close together (a province's communes): the range skips most stored rows
              and v.unit_code between (select min(unit_code) from peers) and (select max(unit_code) from peers)
        )
        select * from final
        order by points_lost desc, case when $worse_high then -ratio else ratio end nulls last, unit_name""",
        {"ruleset": ruleset or rulesets.DEFAULT, "period": period, "peers": peers, "district": district,
         "indicator": indicator_id, "kind": unit_kind(peers), "worse_high": REGISTRY[indicator_id].unit == "days",
         "link": link(boundaries)})


@_cached
def indicator_trend(indicator_id: str, peers: str, district: str | None = None,
                    ruleset: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return one row per month in which the peer list exists: period, period_start, median and average of the
    units' ratios (units with no data left out), n_units (those with data)."""
    return _frame(f"""
        with peers as materialized (
            select period, period_start, unit_code, unit_valid_from from {SCORES[boundaries]}
            where ruleset = $ruleset and period_kind = 'month' and peer_list = $peers
              and ($district::varchar is null or district_code = $district)
        ),
        final as (
            select p.period, any_value(p.period_start) as period_start, median(v.ratio) as median,
                   avg(v.ratio) as average, count(v.ratio) as n_units
            from {VALUES[boundaries]} v
            join peers p on v.period = p.period and v.unit_code = p.unit_code
             and v.unit_valid_from is not distinct from p.unit_valid_from
            where v.ruleset = $ruleset and v.period_kind = 'month' and v.indicator_id = $indicator
              and v.unit_kind = $kind
              -- the peers' codes are close together (a province's communes): the range skips most stored rows
              and v.unit_code between (select min(unit_code) from peers) and (select max(unit_code) from peers)
            group by p.period
        )
        select * from final order by period_start""",
        {"ruleset": ruleset or rulesets.DEFAULT, "peers": peers, "district": district, "indicator": indicator_id,
         "kind": unit_kind(peers)})
