"""Reading stored scores back for people: the ranking of a level, and one unit's indicators with the points lost."""
from __future__ import annotations

import duckdb
import pandas as pd

from . import GROUPS, REGISTRY
from .boundaries import AS_WAS, SCORES, VALUES
from .rulesets import RuleSet

LEVELS = ("province", "district", "commune", "department")


def ranking(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, level: str,
            within: str | None = None, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the scores of every unit of a level in a period, by peer list and rank; `within` keeps one province;
    `boundaries`: as they were then, or redrawn on today's tree (indicators.boundaries)."""
    bands = {b.key: b.name_vi for b in ruleset.bands}
    frame = con.execute(f"""
        select peer_list, rank, n_peers, unit_code, unit_name, province_code, district_code,
               {", ".join(g.key for g in GROUPS)}, total, band, score_change, rank_change, '{boundaries}' as boundaries
        from {SCORES[boundaries]}
        where ruleset = ? and period = ? and unit_kind = ? and (?::varchar is null or province_code = ?)
        order by peer_list, rank, unit_code""", [ruleset.name, period, level, within, within]).df()
    frame["band"] = frame["band"].map(bands)
    return frame


def excluded_note(indicator_id: str, count, language: str = "vi") -> str:
    """Return what is shown beside a score for the rows left out of it for an unknown value (methodology §3):
    "3 TTHC có quyết định chưa có ngày hiệu lực, không tính"; empty when none were (or none were counted)."""
    unknown = REGISTRY[indicator_id].unknown
    if unknown is None or count is None or pd.isna(count) or count <= 0:
        return ""
    return unknown.describe(int(count), language)


def unit_detail(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, unit: str,
                boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return one unit's indicators in a period: numerator, denominator, ratio, points, max points, points lost, and
    the rows left out for an unknown value with the note that says so (`excluded_rows`, `excluded_note`)."""
    frame = con.execute(f"""
        select indicator_id, group_key, numerator, denominator, ratio, points, max_points,
               max_points - coalesce(points, max_points) as points_lost, no_data, not_applicable, excluded_rows
        from {VALUES[boundaries]} where ruleset = ? and period = ? and unit_code = ?""", [ruleset.name, period, unit]).df()
    order = {ind_id: n for n, ind_id in enumerate(REGISTRY)}
    frame["name"] = frame["indicator_id"].map(lambda i: REGISTRY[i].name_vi)
    frame["excluded_note"] = [excluded_note(i, n) for i, n in zip(frame["indicator_id"], frame["excluded_rows"])]
    frame = frame.sort_values("indicator_id", key=lambda s: s.map(order)).reset_index(drop=True)
    return frame[["indicator_id", "name", "numerator", "denominator", "ratio", "points", "max_points", "points_lost",
                  "no_data", "not_applicable", "excluded_rows", "excluded_note", "group_key"]]


def unit_summary(con: duckdb.DuckDBPyConnection, ruleset: RuleSet, period: str, unit: str,
                 boundaries: str = AS_WAS) -> dict | None:
    """Return a unit's stored score row as a dict, or None when the unit has no score in that period."""
    cur = con.execute(f"select * from {SCORES[boundaries]} where ruleset = ? and period = ? and unit_code = ?",
                      [ruleset.name, period, unit])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None
