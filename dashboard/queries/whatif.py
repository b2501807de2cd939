"""What-if on a unit's period: change indicators' numerators and see the new points, total, band and rank among
the unit's peers, through the engine's points SQL (indicators/whatif.py) and the stored totals of the peers.

A numerator counts a measure; every indicator counting the same measure moves with it (`whatif.sharing`), as it
would if the change were made in the data.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from indicators import REGISTRY, whatif
from indicators.outputs import ref
from indicators.periods import parse

from . import base
from . import unit as unit_queries

RULESET = unit_queries.RULESET


def _at(unit_code: str, period: str) -> dict:
    chosen = parse(period)
    return {"ruleset": RULESET, "period": period, "kind": chosen.kind, "start": chosen.start, "unit": unit_code}


def values(period: str, codes: list[str], con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Return the stored numerators and denominators of the units in the period, by unit_code, with unit_kind,
    unit_name, total and band: what the to-do list, the forecast, the what-if and the plan score their cases from.
    On `con` when given (the forecast's back-test), else on a read-only connection of its own."""
    chosen = parse(period)
    sql = f"""
        select i.unit_code, i.unit_kind, s.unit_name, s.total, s.band,
               {", ".join(f"i.{c}" for c in whatif.VALUE_COLUMNS)}
        from unit_indicators i join unit_scores s using (ruleset, period, period_kind, period_start, unit_code)
        where i.ruleset = $ruleset and i.period_kind = $kind and i.period_start = $start and i.period = $period
          and i.unit_code in (select unnest($codes))"""
    params = {"ruleset": RULESET, "period": period, "kind": chosen.kind, "start": chosen.start, "codes": codes}
    frame = con.execute(sql, params).df() if con is not None else base.frame(sql, params)
    return frame.drop_duplicates("unit_code").set_index("unit_code")


def stored(unit_code: str, period: str) -> pd.Series | None:
    """Return the unit's stored numerators and denominators in the period with its kind (`unit_kind`), or None: read
    from the unit's stored row as its page reads it (unit_queries.stored)."""
    row = unit_queries.stored(unit_code, period)
    if row is None or not row["valued"]:
        return None
    return pd.Series({"unit_kind": row["kind"], "unit_name": row["name"], "total": row["total"], "band": row["band"],
                      **{c: row[c] for c in whatif.VALUE_COLUMNS}}, name=unit_code)


def peer_totals(unit_code: str, period: str) -> pd.Series:
    """Return the stored totals of the unit's peers in the period (its peer list, the unit left out)."""
    return base.frame("""
        with me as (
            select peer_list from unit_scores
            where ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period
              and unit_code = $unit
        )
        select total from unit_scores s
        where ruleset = $ruleset and period_kind = $kind and period_start = $start and period = $period
          and peer_list = (select peer_list from me) and unit_code <> $unit""", _at(unit_code, period))["total"]


def rank_among(total: float, peers: pd.Series) -> int:
    """Return the competition rank (1, 2, 2, 4) of `total` among the peers' totals, compared at 2 decimals as the
    engine ranks them."""
    return 1 + int((peers.dropna().round(2) > round(total, 2)).sum())


def apply(unit_code: str, period: str, numerators: dict[str, float]) -> dict | None:
    """Return the unit's period with the given indicators' numerators (indicator id → new numerator) as the engine
    would score it: `indicators` (a frame of id, numerator, denominator, points before and after), total, band and
    rank before and after, and n_peers. None when the unit was not scored in the period. A numerator below 0 or
    above its denominator, an unknown or display-only indicator, is refused."""
    values = stored(unit_code, period)
    if values is None:
        return None
    changed = values.copy()
    for indicator_id, numerator in numerators.items():
        if indicator_id not in REGISTRY or REGISTRY[indicator_id].display_only:
            raise ValueError(f"{indicator_id!r} is not a scored indicator")
        denominator = values[f"d_{ref(indicator_id)}"]
        if not 0 <= float(numerator) <= denominator:
            raise ValueError(f"the numerator of {indicator_id} must be between 0 and its denominator "
                             f"{denominator:g}, not {numerator}")
        for column in whatif.sharing(indicator_id):
            changed[column] = float(numerator)
    cases = pd.DataFrame([values[list(whatif.VALUE_COLUMNS)], changed[list(whatif.VALUE_COLUMNS)]])
    scored = whatif.score(cases, RULESET, unit_kind=str(values["unit_kind"]))
    peers = peer_totals(unit_code, period)
    before, after = scored.iloc[0], scored.iloc[1]
    rows = pd.DataFrame([{"indicator_id": i, "numerator": changed[f"n_{ref(i)}"], "denominator": changed[f"d_{ref(i)}"],
                          "points_before": before[f"p_{ref(i)}"], "points_after": after[f"p_{ref(i)}"]}
                         for i, ind in REGISTRY.items() if not ind.display_only])
    return {"indicators": rows, "total_before": before["total"], "total_after": after["total"],
            "band_before": before["band"], "band_after": after["band"],
            "rank_before": rank_among(before["total"], peers), "rank_after": rank_among(after["total"], peers),
            "n_peers": len(peers) + 1}
