"""Serving benchmark: what publishing a write as a new version costs, and what a reader's connection costs.

    python benchmarks/bench_serving.py [--db PATH] [--repeat 5] [--no-write-results]

Works on benchmarks/work/serving.duckdb (git-ignored): a copy of `--db` when given, else the
demo built there (`python -m etl demo --to 2025-12-31`, the whole country 2024–2025). A write is one
updated row, the smallest change a command can make, so the figures are the fixed cost of
`db.writing` (lock, copy, checkpoint, fsync, rename). The baseline is the same update written
in place, as every command wrote before a published version was the rule. Readers: open,
count the dossiers and close, through `db.connect(read_only=True)` (a private instance
attaching the file) and, as the baseline, DuckDB's own read-only `duckdb.connect`. The
figures replace the "## Serving while loading" section of benchmarks/RESULTS.md; each is the
median of `--repeat` runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import db  # noqa: E402
from machine import describe  # noqa: E402
import results  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
UPDATE = "update units set name = name where unit_code = '74' and valid_to is not null"


def median_seconds(step, repeat: int) -> float:
    """Return the median seconds of `repeat` runs of `step`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def published(path: Path) -> None:
    with db.writing(path) as con:
        con.execute(UPDATE)


def in_place(path: Path) -> None:
    con = db.connect(path)
    con.execute(UPDATE)
    con.execute("checkpoint")
    con.close()


def copy_and_fsync(path: Path) -> None:
    scratch = WORK / "scratch.duckdb"
    shutil.copyfile(path, scratch)
    with open(scratch, "rb") as f:
        os.fsync(f.fileno())
    scratch.unlink()


def read(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("select count(*) from dossiers").fetchone()
    con.close()


def section(r: dict) -> str:
    return f"""## Serving while loading

Database {r['mb']:,.0f} MB ({r['dossiers']:,} dossiers), {date.today().isoformat()}, {r['machine']},
load average {r['load']:.1f} at the start (a shared machine).
Median of {r['repeat']} runs; `python benchmarks/bench_serving.py`.

| step | ms |
|---|---|
| write one row through `db.writing` (lock, copy, checkpoint, fsync, rename) | {r['published'] * 1000:,.0f} |
| of which: copy the file and fsync the copy | {r['copy'] * 1000:,.0f} |
| baseline: write the same row in place (checkpoint, close) | {r['in_place'] * 1000:,.0f} |
| reader: `db.connect(read_only=True)`, count the dossiers, close | {r['reader'] * 1000:,.1f} |
| baseline: `duckdb.connect(read_only=True)`, count the dossiers, close | {r['plain_reader'] * 1000:,.1f} |

Cost of publishing: {r['published'] - r['in_place']:.2f} s more per write, {r['published'] / r['in_place']:.1f}× the
in-place write of one row; against the demo build (about 45 s) or a load that rescoring follows
(seconds), it is small. A reader's connection costs {r['reader'] / r['plain_reader']:.1f}× DuckDB's own.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a database to copy and measure (default: build the demo)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "serving.duckdb"
    for leftover in (path, db.wal_path(path), db.next_path(path), db.wal_path(db.next_path(path))):
        leftover.unlink(missing_ok=True)
    if args.db:
        shutil.copyfile(args.db, path)
    else:
        subprocess.run([sys.executable, "-m", "etl", "demo", "--to", "2025-12-31", "--db", str(path)], cwd=ROOT,
                       check=True,
                       stdout=subprocess.DEVNULL)
    in_place(path)  # any log folded in, so both ways start from a checkpointed file

    result = {"machine": describe(with_load=False), "load": os.getloadavg()[0], "repeat": args.repeat, "mb": path.stat().st_size / 1024 ** 2,
              "published": median_seconds(lambda: published(path), args.repeat),
              "copy": median_seconds(lambda: copy_and_fsync(path), args.repeat),
              "in_place": median_seconds(lambda: in_place(path), args.repeat),
              "reader": median_seconds(lambda: read(db.connect(path, read_only=True)), args.repeat * 4),
              "plain_reader": median_seconds(lambda: read(duckdb.connect(str(path), read_only=True)), args.repeat * 4)}
    con = db.connect(path, read_only=True)
    result["dossiers"] = con.execute("select count(*) from dossiers").fetchone()[0]
    con.close()
    text = section(result)
    print(text)
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
