"""Reading stored scores back for people: the ranking of a level, and one unit's indicators with the points lost."""
from __future__ import annotations

import duckdb
import pandas as pd

from . import GROUPS, REGISTRY
from .rulesets import RuleSet

LEVELS = ("province", "district", "commune", "department")


def ranking(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, level: str,
            within: str | None = None) -> pd.DataFrame:
    """Return the scores of every unit of a level in a period, by peer list and rank; `within` keeps one province."""
    bands = {b.key: b.name_vi for b in ruleset.bands}
    frame = con.execute(f"""
        select peer_list, rank, n_peers, unit_code, unit_name, province_code, district_code,
               {", ".join(g.key for g in GROUPS)}, total, band, score_change, rank_change
        from unit_scores
        where ruleset = ? and period = ? and unit_kind = ? and (?::varchar is null or province_code = ?)
        order by peer_list, rank, unit_code""", [ruleset.name, period, level, within, within]).df()
    frame["band"] = frame["band"].map(bands)
    return frame


def unit_detail(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, unit: str) -> pd.DataFrame:
    """Return one unit's indicators in a period: numerator, denominator, ratio, points, max points and points lost."""
    frame = con.execute("""
        select indicator_id, group_key, numerator, denominator, ratio, points, max_points,
               max_points - coalesce(points, max_points) as points_lost, no_data, not_applicable
        from indicator_values where ruleset = ? and period = ? and unit_code = ?""", [ruleset.name, period, unit]).df()
    order = {ind_id: n for n, ind_id in enumerate(REGISTRY)}
    frame["name"] = frame["indicator_id"].map(lambda i: REGISTRY[i].name_vi)
    frame = frame.sort_values("indicator_id", key=lambda s: s.map(order)).reset_index(drop=True)
    return frame[["indicator_id", "name", "numerator", "denominator", "ratio", "points", "max_points", "points_lost",
                  "no_data", "not_applicable", "group_key"]]


def unit_summary(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, unit: str) -> dict | None:
    """Return a unit's stored score row as a dict, or None when the unit has no score in that period."""
    cur = con.execute("select * from unit_scores where ruleset = ? and period = ? and unit_code = ?",
                      [ruleset.name, period, unit])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None
