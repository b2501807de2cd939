"""After the data changes, the scores are recomputed, so the dashboard always shows current figures."""
from __future__ import annotations

import time

import duckdb

from indicators import engine


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every unit's scores for every month, quarter and year of the data, and say how many and how fast."""
    start = time.perf_counter()
    written = engine.refresh(con)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in written.items())
    print(f"scores recomputed: {counts} unit scores in {time.perf_counter() - start:.1f} s")
