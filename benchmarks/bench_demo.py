"""Demo benchmark: build about a million dossiers with their records, against the pure write of the same tables.

    python benchmarks/bench_demo.py [--dossiers 1000000] [--no-write-results]

Databases go to benchmarks/work/ (git-ignored). The build is `run_demo` for the whole country
over 2024–2025 at the scale that gives the requested number of dossiers, on a fresh database
that already holds the official units. The baseline (the write floor) inserts the same
tables, already drawn and held as Arrow tables in memory, into another fresh database in one
transaction. The figures replace the "## Demo" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from etl.demo import build  # noqa: E402
from machine import describe  # noqa: E402
import results  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
DOSSIERS_AT_SCALE_1 = 1_467_700  # the whole country, 2024–2025, seed 766


def fresh(name: str):
    """Return a connection to a new database in WORK with the schema and official units."""
    path = WORK / name
    for leftover in (path, path.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    return db.connect(path)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_floor(tables: dict) -> float:
    """Return the seconds DuckDB takes to insert the already drawn Arrow tables into a fresh database."""
    con = fresh("floor.duckdb")
    started = time.perf_counter()
    con.execute("begin")
    for name, parts in tables.items():
        for j, table in enumerate(parts):
            con.register(f"t_{name}_{j}", table)
            con.execute(f"insert into {name} by name select *, 1::bigint as load_id from t_{name}_{j}")
    con.execute("commit")
    seconds = time.perf_counter() - started
    con.close()
    return seconds




def section(r: dict) -> str:
    return f"""## Demo

{r['dossiers']:,} dossiers (scale {r['scale']:.3f}, whole country 2024–2025, seed 766), {date.today().isoformat()}, {r['machine']}.

| step | seconds | rows | rows/s |
|---|---|---|---|
| demo build (draw + write, one transaction) | {r['build']:.1f} | {r['rows']:,} | {r['rows'] / r['build']:,.0f} |
| drawing alone (numpy, measured in a separate run) | {r['draw']:.1f} | | |
| write floor: insert the same Arrow tables | {r['floor']:.1f} | {r['rows']:,} | {r['rows'] / r['floor']:,.0f} |

Build / write floor: {r['build'] / r['floor']:.1f}×. Dossiers per second: {r['dossiers'] / r['build']:,.0f}.
Peak resident memory of the build: {r['rss']:,.0f} MB. Rows per table: {r['counts']}.
Scale 1 over 2024–2025 (what `python -m etl demo --to 2025-12-31` builds) is about 1.47 million dossiers.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    scale = args.dossiers / DOSSIERS_AT_SCALE_1

    con = fresh("demo.duckdb")
    counts = build.run_demo(con, last_day=date(2025, 12, 31), scale=scale)
    con.close()
    rss = peak_rss_mb()
    build_seconds = counts.pop("seconds")
    rows = sum(counts.values())

    con = fresh("draw.duckdb")
    started = time.perf_counter()
    tables = build.draw(con, None, date(2024, 1, 1), date(2025, 12, 31), scale, build.DEFAULT_SEED)
    draw_seconds = time.perf_counter() - started
    con.close()
    floor = write_floor({name: tables[name] for name in build.FILLED if tables[name]})

    result = {"dossiers": counts["dossiers"], "scale": scale, "machine": describe(with_load=False), "build": build_seconds,
              "draw": draw_seconds, "floor": floor, "rows": rows, "rss": rss, "counts": counts}
    text = section(result)
    print(text)
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
