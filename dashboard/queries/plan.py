"""Kế hoạch đạt mục tiêu — the plan to reach a target: for a unit, the cheapest path to a total; for a province,
the gap to the national place it aims at, its units below the target with each one's path, and its progress month
by month since the target was set.

The cheapest path: each indicator that lost points, with the points one more item in its numerator earns (one
more dossier on time, one more procedure with online payment …: the engine's points of the stored values with
that numerator one higher, less the points now, through indicators/whatif.py), how many such items recover all
its lost points, and who holds them (the units directly below with the most items outside the numerator). The
indicators are taken the most points per item first until the gap is closed; the total the whole path reaches is
scored by the engine in one go.

The plan is score-level, public like the scores: it reads the stored numerators and denominators per indicator
and unit, and counts (items to change, the units below holding them); it names no dossier, so it takes no scope.
"""
from __future__ import annotations

import math

import pandas as pd

from indicators import REGISTRY, whatif
from indicators.outputs import ref
from indicators.periods import parse

from . import base
from . import unit as unit_queries
from . import whatif as whatif_queries

RULESET = unit_queries.RULESET
DEFAULT_TARGET = 90.0
DEFAULT_TOP = 10
# What one item of an indicator's numerator is, by the basis its numerator counts.
ITEM_OF_BASIS = {"received": "dossier", "processed": "dossier", "finished": "dossier", "feedback": "feedback",
                 "communes": "commune", "national_report": "dossier"}


def _at(period: str, **params) -> dict:
    chosen = parse(period)
    return {"ruleset": RULESET, "period": period, "kind": chosen.kind, "start": chosen.start, **params}


def steps(stored: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return, per unit of `stored` (its values, by unit_code), every indicator that lost points: indicator_id, the
    points one more item earns (`per_item`), the items that recover all its lost points (`items`) and those points
    (`recoverable`), the most per item first. Every unit's cases are scored by the engine in one go."""
    scored = [i for i in REGISTRY.values() if not i.display_only]
    cases = []
    for _, row in stored.iterrows():
        base_case = row[list(whatif.VALUE_COLUMNS)].astype(float)
        cases.append(base_case)
        for ind in scored:
            case = base_case.copy()
            for column in whatif.sharing(ind.id):
                case[column] = case[column] + 1
            cases.append(case)
        for ind in scored:
            case = base_case.copy()
            for column in whatif.sharing(ind.id):
                case[column] = row[f"d_{ref(ind.id)}"]
            cases.append(case)
    totals = whatif.score(pd.DataFrame(cases), RULESET)["total"].to_numpy() if cases else []
    width = 1 + 2 * len(scored)
    found = {}
    for u, (code, row) in enumerate(stored.iterrows()):
        block = totals[u * width:(u + 1) * width]
        out = []
        for k, ind in enumerate(scored):
            key = ref(ind.id)
            n, d = float(row[f"n_{key}"]), float(row[f"d_{key}"])
            recoverable = block[1 + len(scored) + k] - block[0]
            per_item = min(block[1 + k] - block[0], recoverable)
            if d <= 0 or n >= d or per_item <= 1e-9:
                continue
            # points are linear in the numerator up to the target: the items that reach the cap
            items = min(math.ceil(recoverable / per_item - 1e-9), int(math.ceil(d - n)))
            out.append({"indicator_id": ind.id, "item": ITEM_OF_BASIS.get(ind.numerator.basis, "procedure"),
                        "numerator": n,
                        "denominator": d, "per_item": per_item, "items": items, "recoverable": recoverable})
        frame = pd.DataFrame(out, columns=["indicator_id", "item", "numerator", "denominator", "per_item", "items",
                                           "recoverable"])
        found[code] = frame.sort_values(["per_item", "indicator_id"], ascending=[False, True], ignore_index=True)
    return found


def paths(stored: pd.DataFrame, target: float) -> dict[str, tuple[pd.DataFrame, float]]:
    """Return, per unit of `stored`, the cheapest path from its total to `target`: the steps taken (with `take`,
    the items to change) and the total the engine gives once they all are (the total as it is when it is there)."""
    found = steps(stored)
    taken_by, cases, codes = {}, [], []
    for code, row in stored.iterrows():
        remaining = target - float(row["total"])
        taken = found[code].copy()
        taken["take"] = 0
        for i, step in taken.iterrows():
            if remaining <= 1e-9:
                break
            take = min(step["items"], math.ceil(remaining / step["per_item"] - 1e-9))
            taken.at[i, "take"] = take
            remaining -= take * step["per_item"]
        taken_by[code] = taken[taken["take"] > 0].reset_index(drop=True)
        case = row[list(whatif.VALUE_COLUMNS)].astype(float).copy()
        for step in taken_by[code].itertuples():
            for column in whatif.sharing(step.indicator_id):
                case[column] = min(case[column] + step.take, float(row[f"d_{ref(step.indicator_id)}"]))
        cases.append(case)
        codes.append(code)
    reached = whatif.score(pd.DataFrame(cases), RULESET)["total"].tolist() if cases else []
    return {code: (taken_by[code], float(total)) for code, total in zip(codes, reached)}


def holders(period: str, unit_code: str, indicator_ids: list[str], limit: int = 3) -> dict[str, list[tuple]]:
    """Return, per indicator, the units directly below the unit with the most items outside its numerator
    (denominator − numerator), at most `limit`: [(unit_code, name, items)]. An indicator computed for the province
    as a whole (1.1–1.3) is held by the province and has none."""
    below = unit_queries.children(unit_code, period)
    if below.empty or not indicator_ids:
        return {}
    stored = whatif_queries.values(period, below["unit_code"].tolist())
    out = {}
    for indicator_id in indicator_ids:
        if REGISTRY[indicator_id].per_province:
            continue  # the province's own catalogue and decisions: held by the province, not the units below
        key = ref(indicator_id)
        missing = (stored[f"d_{key}"] - stored[f"n_{key}"]).sort_values(ascending=False)
        missing = missing[missing > 0].head(limit)
        out[indicator_id] = [(code, stored.at[code, "unit_name"], int(round(m))) for code, m in missing.items()]
    return out


def unit_plan(unit_code: str, period: str, target: float = DEFAULT_TARGET) -> dict | None:
    """Return the unit's plan to reach `target` in the period: total, gap, the steps with their holders below, and
    the total the path reaches; None when the unit was not scored in the period."""
    stored = whatif_queries.values(period, [unit_code])
    if stored.empty:
        return None
    row = stored.iloc[0]
    taken, reached = paths(stored, target)[unit_code]
    found = holders(period, unit_code, taken["indicator_id"].tolist())
    taken["holders"] = taken["indicator_id"].map(lambda i: ", ".join(f"{n} ({k})" for _, n, k in found.get(i, [])))
    return {"unit_code": unit_code, "name": row["unit_name"], "kind": row["unit_kind"], "total": float(row["total"]),
            "band": row["band"], "target": target, "gap": max(target - float(row["total"]), 0.0), "steps": taken,
            "reached": reached}


def national(period: str) -> pd.DataFrame:
    """Return the provinces' totals and ranks in the period, best first."""
    return base.frame("""
        select unit_code, unit_name as name, total, rank, n_peers from unit_scores
        where ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period
          and peer_list = 'national' order by rank, unit_code""", _at(period))


def below_target(province_code: str, period: str, target: float) -> pd.DataFrame:
    """Return the units of the province (not the province) below `target` in the period, the farthest first, each
    with its gap, its cheapest step (indicator, items, points per item) and the total its whole path reaches."""
    units = base.frame("""
        select unit_code from unit_scores
        where ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period
          and province_code = $province and unit_kind <> 'province' and round(total, 2) < $target""",
                       _at(period, province=province_code, target=target))
    if units.empty:
        return pd.DataFrame(columns=["unit_code", "name", "kind", "total", "gap", "first_step", "first_items",
                                     "steps", "reached"])
    stored = whatif_queries.values(period, units["unit_code"].tolist())
    found = paths(stored, target)
    rows = []
    for code, row in stored.iterrows():
        taken, reached = found[code]
        first = taken.iloc[0] if not taken.empty else None
        rows.append({"unit_code": code, "name": row["unit_name"], "kind": row["unit_kind"], "total": row["total"],
                     "gap": target - row["total"], "first_step": None if first is None else first["indicator_id"],
                     "first_items": None if first is None else int(first["take"]),
                     "steps": ", ".join(f"{s.indicator_id} × {s.take}" for s in taken.itertuples()),
                     "reached": reached})
    return pd.DataFrame(rows).sort_values(["gap", "unit_code"], ascending=[False, True], ignore_index=True)


def province_plan(province_code: str, period: str, target: float = DEFAULT_TARGET, top: int = DEFAULT_TOP) -> dict | None:
    """Return the province's plan: its total and rank, the total of the `top`-th province and the gap to it, the
    province's own cheapest path to that total, and its units below `target`."""
    ranking = national(period)
    mine = ranking[ranking["unit_code"] == province_code]
    if mine.empty:
        return None
    aim = ranking.sort_values("total", ascending=False)["total"].iloc[min(top, len(ranking)) - 1]
    plan = unit_plan(province_code, period, float(aim) + 0.01 if mine["rank"].iloc[0] > top else float(aim))
    plan.update({"rank": int(mine["rank"].iloc[0]), "n_peers": int(mine["n_peers"].iloc[0]), "top": top,
                 "aim": float(aim), "below": below_target(province_code, period, target), "unit_target": target})
    return plan


def progress(unit_code: str, since: str) -> pd.DataFrame:
    """Return the unit's months from `since` (YYYY-MM) on: period, total, band, rank, n_peers, and for a province
    or district the units below it at or above 90 and their number."""
    start = parse(since).start
    return base.frame("""
        with mine as (
            select period, period_start, total, band, rank, n_peers, unit_kind from unit_scores
            where ruleset = $ruleset and period_kind = 'month' and unit_code = $unit and period_start >= $start
        ),
        below as (
            select s.period_start, count(*) filter (where round(s.total, 2) >= 90) as n_at_target, count(*) as n_units
            from unit_scores s
            where s.ruleset = $ruleset and s.period_kind = 'month' and s.period_start >= $start
              and s.unit_code <> $unit and $unit in (s.province_code, s.district_code)
            group by all
        )
        select m.period, m.total, m.band, m.rank, m.n_peers, b.n_at_target, b.n_units
        from mine m left join below b using (period_start)
        order by m.period_start""", {"ruleset": RULESET, "unit": unit_code, "start": start})
