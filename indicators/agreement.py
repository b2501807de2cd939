"""Whether two engines' outputs agree: the stored scores in a DuckDB file against those of another engine.

Every row of `unit_indicators` and `unit_scores` is matched on its key (rule set, period, kind, unit and the day its
version began); both sides must hold the same keys. Every column is then compared: exactly for text, integers,
booleans, dates, bands and ranks; within 1e-9 of the larger magnitude (and at least 1e-9) for doubles; NULL only
against NULL. `computed_at`, the moment of the run, is the one column left out.
"""
from __future__ import annotations

import duckdb

KEYS = ("ruleset", "period", "period_kind", "unit_code", "unit_valid_from")
TABLES = ("unit_indicators", "unit_scores")
IGNORED = ("computed_at",)
TOLERANCE = 1e-9


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"select column_name, column_type from (describe select * from {relation})").fetchall()}


def differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> dict[str, int]:
    """Return, for two relations of the same outputs table, the rows whose key is on one side only
    (`missing_left`, `missing_right`) and per column the rows that differ; every count 0 when they agree."""
    columns = _columns(con, left)
    if set(columns) != set(_columns(con, right)):
        raise ValueError(f"{left} and {right} do not have the same columns")
    on = " and ".join(f"l.{k} is not distinct from r.{k}" for k in KEYS)
    checks = []
    for name, kind in columns.items():
        if name in KEYS or name in IGNORED:
            continue
        if kind == "DOUBLE":
            differ = (f"(l.{name} is null) <> (r.{name} is null) or abs(l.{name} - r.{name}) > "
                      f"{TOLERANCE} * greatest(1, abs(l.{name}), abs(r.{name}))")
        else:
            differ = f"l.{name} is distinct from r.{name}"
        checks.append(f"count(*) filter (where l.ruleset is not null and r.ruleset is not null and ({differ})) "
                      f"as \"{name}\"")
    row = con.execute(f"""
        select count(*) filter (where l.ruleset is null) as missing_left,
               count(*) filter (where r.ruleset is null) as missing_right, {", ".join(checks)}
        from {left} l full join {right} r on {on}""")
    names = [d[0] for d in row.description]
    return dict(zip(names, row.fetchone()))


def disagreements(con: duckdb.DuckDBPyConnection, scores_dir: str) -> dict[str, dict[str, int]]:
    """Return, per outputs table, the counts of `differences` between the database's table and the Parquet
    files of the same table under `scores_dir` (as `python -m indicators score-spark` writes them) that are not 0."""
    found = {}
    for table in TABLES:
        other = f"read_parquet('{scores_dir.rstrip('/')}/{table}/*.parquet')"
        counts = differences(con, table, other)
        found[table] = {k: v for k, v in counts.items() if v}
    return found


def rows(con: duckdb.DuckDBPyConnection, scores_dir: str) -> dict[str, int]:
    """Return the rows of each outputs table under `scores_dir`."""
    return {t: con.execute(f"select count(*) from read_parquet('{scores_dir.rstrip('/')}/{t}/*.parquet')").fetchone()[0]
            for t in TABLES}
