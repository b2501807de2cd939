"""What the scores on today's boundaries cost: the engine's full recompute and one period (the year 2024) with the
second view (every period before the 2025 reform scored again on today's tree, `indicators/boundaries.py`) against
the engine as it was before it, in interleaved pairs on fresh copies of the engine benchmark's database
(benchmarks/bench_engine.py: N dossiers over 2023–2024, every unit of the old tree, so that every period is
re-drawn); and the database's size with and without the re-drawn rows, each compacted into a fresh file.

    python benchmarks/bench_boundaries.py --against COMMIT [--dossiers 10000000] [--rounds 2] [--no-record]

Records the figures in RESULTS.md under "## Scores on today's boundaries".
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import bench_engine  # noqa: E402
import results  # noqa: E402
from machine import describe  # noqa: E402

WORK = bench_engine.WORK
MEASURES = ("full", "year")


def compacted_size(source: Path, drop: tuple[str, ...] = ()) -> int:
    """Return the size in bytes of `source` copied into a fresh database file, without the tables `drop`."""
    target = WORK / "boundaries-size.duckdb"
    target.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{source}' as src (read_only)")
        con.execute(f"attach '{target}' as dst")
        con.execute("copy from database src to dst")
        for table in drop:
            con.execute(f"drop view if exists dst.{table.replace('redrawn_', 'unit_')}_today")
            con.execute(f"drop table dst.{table}")
        con.execute("detach dst")
        if drop:
            # a dropped table's blocks stay in the file: copy once more
            again = WORK / "boundaries-size-2.duckdb"
            again.unlink(missing_ok=True)
            con.execute(f"attach '{target}' as dst (read_only)")
            con.execute(f"attach '{again}' as dst2")
            con.execute("copy from database dst to dst2")
            con.execute("detach dst2")
            con.execute("detach dst")
            size = again.stat().st_size
            again.unlink()
            return size
        return target.stat().st_size
    finally:
        con.close()
        target.unlink(missing_ok=True)


def counts(path: Path) -> dict[str, object]:
    """Return the rows of each view, and the units of each kind it scores in the year 2024."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found: dict[str, object] = {}
        for table in ("unit_scores", "redrawn_scores"):
            found[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            kinds = con.execute(f"select unit_kind, count(*) from {table} where period = '2024' group by all "
                                "order by min(case unit_kind when 'province' then 0 when 'district' then 1 "
                                "when 'commune' then 2 else 3 end)").fetchall()
            found[f"{table} kinds"] = ", ".join(f"{n:,} {kind}s" for kind, n in kinds)
        return found
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--against", metavar="COMMIT", required=True,
                        help="the engine before the second view (a commit of this repository)")
    parser.add_argument("--no-record", action="store_true", help="print the results without writing RESULTS.md")
    args = parser.parse_args()
    path = WORK / f"engine-{args.dossiers}.duckdb"
    bench_engine.generate(path, args.dossiers)
    load = os.getloadavg()[0]
    tree = WORK / "against"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), args.against],
                   check=True, capture_output=True)
    runs: dict[str, dict[str, list]] = {"now": {}, "before": {}}
    scripts = {"now": Path(bench_engine.__file__), "before": tree / "benchmarks" / "bench_engine.py"}
    kept = WORK / "boundaries-scored.duckdb"
    try:
        # in pairs, before then now, so that a slow spell of the shared machine falls on both alike
        for _ in range(args.rounds):
            for name in MEASURES:
                for which in ("before", "now"):
                    copy = WORK / f"boundaries-{which}.duckdb"
                    shutil.copy(path, copy)
                    runs[which].setdefault(name, []).append(bench_engine.run_measure(name, copy, scripts[which]))
                    print(f"{name} {which}: {runs[which][name][-1][0]:.1f} s, {runs[which][name][-1][1]:.2f} GB",
                          flush=True)
                    if which == "now" and name == "full":
                        copy.replace(kept)
                    else:
                        copy.unlink()
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    rows = counts(kept)
    with_both = compacted_size(kept)
    as_was_only = compacted_size(kept, ("redrawn_scores", "redrawn_indicators"))
    kept.unlink()
    median = {which: {name: (statistics.median(t for t, _ in found), max(m for _, m in found))
                      for name, found in by_name.items()} for which, by_name in runs.items()}

    def cell(which: str, name: str) -> str:
        return ", ".join(f"{t:.1f}" for t, _ in runs[which][name])

    table = "".join(
        f"\n| {what} | {median['before'][name][0]:.1f} ({cell('before', name)}) | "
        f"{median['now'][name][0]:.1f} ({cell('now', name)}) | "
        f"**{median['now'][name][0] / median['before'][name][0]:.2f}×** | "
        f"{median['before'][name][1]:.2f} / {median['now'][name][1]:.2f} |"
        for name, what in (("full", "full recompute: every unit × every month, quarter and year"),
                           ("year", "one period (the year 2024)")))
    gib = 1024 ** 3
    section = f"""## Scores on today's boundaries

{args.dossiers:,} dossiers over two years (2023–2024, every unit of the old tree: every period is re-drawn), {date.today().isoformat()},
{describe(with_load=False)}, load average {load:.1f} when the run started (the machine is shared).
`python benchmarks/bench_boundaries.py --dossiers {args.dossiers} --rounds {args.rounds} --against {args.against}`: the engine
before the second view (`{args.against}`) and with it, in {args.rounds} interleaved pairs, each run on a fresh copy of
the engine benchmark's database; a time is the median of its runs (all runs in brackets).

| run | before (s) | with today's boundaries (s) | ratio | peak memory before / with (GB) |
|---|---|---|---|---|{table}

Rows: {rows['unit_scores']:,} unit scores as they were and {rows['redrawn_scores']:,} re-drawn on today's tree (in 2024:
{rows['redrawn_scores kinds']}, in place of {rows['unit_scores kinds']}).
Database compacted into a fresh file: {with_both / gib:.2f} GB with both views, {as_was_only / gib:.2f} GB without the
re-drawn rows: the second view adds **{(with_both - as_was_only) / 1024 ** 2:.0f} MB ({(with_both / as_was_only - 1):.0%})**.
The re-drawing reads the month tables and feedback facts the first view built (no second pass over the dossiers):
its cost is the scopes, roll-ups, points, totals and ranks of today's units for every period before the reform,
and storing them. Periods on or after the reform are stored once (the views `unit_scores_today`,
`indicator_values_today` read them from the as-was rows)."""
    if not args.no_record:
        results.record(section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
