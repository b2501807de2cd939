"""The stored outputs (data contract §3): indicator_values and unit_scores, created when missing."""
from __future__ import annotations

import duckdb

from . import GROUPS

PERIOD_COLUMNS = "ruleset varchar, period varchar, period_kind varchar, period_start date, period_end date, as_of timestamp"

INDICATOR_VALUES = f"""create table if not exists indicator_values (
    {PERIOD_COLUMNS}, unit_code varchar, unit_valid_from date, unit_kind varchar, indicator_id varchar,
    group_key varchar, numerator double, denominator double, ratio double, points double, max_points double,
    no_data boolean, not_applicable boolean, computed_at timestamp)"""

UNIT_SCORES = f"""create table if not exists unit_scores (
    {PERIOD_COLUMNS}, unit_code varchar, unit_valid_from date, unit_kind varchar, unit_name varchar,
    province_code varchar, district_code varchar,
    {", ".join(f"{g.key} double" for g in GROUPS)},
    total double, excluded_points double, band varchar, peer_list varchar, rank bigint, n_peers bigint,
    rank_in_district bigint, {", ".join(f"rank_{g.key} bigint" for g in GROUPS)},
    previous_total double, score_change double, previous_rank bigint, rank_change bigint, computed_at timestamp)"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the output tables when they are missing."""
    con.execute(INDICATOR_VALUES)
    con.execute(UNIT_SCORES)
