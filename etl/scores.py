"""After the data changes, the scores are recomputed, so the dashboard always shows current figures."""
from __future__ import annotations

import time
from datetime import date

import duckdb

from indicators import engine


def refresh(con: duckdb.DuckDBPyConnection, since: date | None = None) -> None:
    """Recompute every unit's scores for every month, quarter and year of the data (with `since`, only the periods
    ending on or after that day, when only data received from then on has changed), and say how many and how fast."""
    start = time.perf_counter()
    written = engine.refresh(con, since=since)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in written.items())
    print(f"scores recomputed: {counts} unit scores in {time.perf_counter() - start:.1f} s")
