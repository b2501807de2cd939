"""The engine on Spark (local mode) beside DuckDB on the same machine: N synthetic dossiers (bench_engine's database).

    python benchmarks/bench_spark.py [--dossiers 10000000] [--scaling 1,2,4] [--no-since] [--no-record]

Measures, each in its own process, time and peak resident memory of the process and its children (the JVM's too):
  export   python -m etl export: the database as a Parquet lake partitioned by province and month
  duckdb   the engine's full recompute in DuckDB (bench_engine's `full`, under the same 3 GB memory limit)
  spark    python -m indicators score-spark over the lake, local mode on every core, for each number of shuffle
           partitions per core in --scaling; the first run's scores are compared with DuckDB's on every row
           (indicators/agreement.py), or the benchmark stops
  since    a day's changes: bench_engine's sync (10,000 dossiers received from 1 December 2024 changed, a load
           recorded), then DuckDB's refresh since that day and `score-spark --since` on the run the first Spark run
           kept; Spark's scores are compared with DuckDB's again

For the sizing in indicators/README.md, the heaviest statements of the first Spark run are listed with their time
and the bytes their stages shuffled (written), from Spark's event log. Recorded in RESULTS.md under
"## Spark beside DuckDB: N dossiers".
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb  # noqa: E402

import bench_engine  # noqa: E402
import results  # noqa: E402
from machine import describe  # noqa: E402

WORK = ROOT / "benchmarks" / "work"


def _tree(pid: int) -> list[int]:
    """Return the process and its descendants now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _rss(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; return its wall time (s), the peak resident memory of it and its descendants together (GB,
    sampled every 0.2 s) and its output."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def watch() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _rss(_tree(child.pid)))
            time.sleep(0.2)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output = child.communicate()[0]
    watcher.join()
    elapsed = time.perf_counter() - started
    if child.returncode:
        print(output[-5000:])
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, peak[0] / 1024 ** 3, output


def measure_spark(lake: Path, out: Path, partitions: int, memory: str, since: date | None) -> None:
    """In the child: score the lake on Spark (with `since`, on the run kept in `out`), print the run's statements
    with their times (JSON, last line)."""
    from indicators import spark
    from indicators.runner import SparkRunner

    session = spark.session(None, partitions, memory)
    session.conf.set("spark.sql.adaptive.enabled", "true")
    runner = SparkRunner(session, spark.CONCURRENCY)
    started = time.perf_counter()
    try:
        written = spark.score(lake, out, runner=runner, since=since)
    finally:
        runner.close()
    print(f"scored in {time.perf_counter() - started:.1f} s: {written}", flush=True)
    session.stop()
    print(json.dumps(runner.timings))


def shuffled(events: Path) -> tuple[dict[str, int], int]:
    """Return the bytes each job description (a statement, see SparkRunner) wrote to shuffles, and the number of
    stages run, from an event log."""
    stage_job: dict[int, str] = {}
    written: dict[str, int] = {}
    stages = 0
    for log in sorted(f for f in events.rglob("*") if f.is_file() and not f.name.startswith(".")):
        for line in log.open(encoding="utf-8"):
            event = json.loads(line)
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                what = (event.get("Properties") or {}).get("spark.job.description", "?")
                for stage in event.get("Stage IDs", []):
                    stage_job[stage] = what
            elif kind == "SparkListenerStageCompleted":
                stages += 1
            elif kind == "SparkListenerTaskEnd":
                metrics = (event.get("Task Metrics") or {}).get("Shuffle Write Metrics") or {}
                what = stage_job.get(event.get("Stage ID"), "?")
                written[what] = written.get(what, 0) + metrics.get("Shuffle Bytes Written", 0)
    return written, stages


def spark_run(lake: Path, out: Path, events: Path, partitions: int, memory: str,
              since: date | None = None) -> tuple[float, float, list, dict[str, int], int]:
    """Run `measure_spark` in a child with an event log in `events`; return its time, peak memory, statements'
    times, shuffle bytes per statement and stages."""
    shutil.rmtree(events, ignore_errors=True)
    events.mkdir(parents=True)
    env = dict(os.environ, PYSPARK_SUBMIT_ARGS=f"--conf spark.eventLog.enabled=true "
                                               f"--conf spark.eventLog.compress=false "
                                               f"--conf spark.eventLog.dir=file://{events} pyspark-shell")
    elapsed, peak, output = run([sys.executable, str(Path(__file__)), "--driver-memory", memory,
                                 "--measure-spark", str(lake), str(out), str(partitions),
                                 *(["--since", since.isoformat()] if since else [])], env)
    return (elapsed, peak, json.loads(output.strip().splitlines()[-1]), *shuffled(events))


def agree(database: Path, scores: Path) -> dict[str, int]:
    """Return the rows of Spark's scores, or stop the benchmark when they differ from the database's."""
    from indicators import agreement
    con = duckdb.connect(str(database), read_only=True)
    try:
        disagree = agreement.disagreements(con, str(scores))
        if any(disagree.values()):
            raise SystemExit(f"Spark's scores differ from DuckDB's: {disagree}")
        return agreement.rows(con, str(scores))
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--scaling", default="1,2,4", help="shuffle partitions per core, one Spark run each")
    parser.add_argument("--driver-memory", default="8g", help="Spark's memory in local mode (the driver's)")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--no-since", action="store_true", help="leave out the day's changes (a sync, then the "
                                                                   "refresh since its day on both engines)")
    parser.add_argument("--measure-spark", nargs=3, metavar=("LAKE", "OUT", "PARTITIONS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--since", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_spark:
        lake, out, partitions = args.measure_spark
        measure_spark(Path(lake), Path(out), int(partitions), args.driver_memory, args.since)
        return 0
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    path = WORK / f"engine-{args.dossiers}.duckdb"
    bench_engine.generate(path, args.dossiers)
    scratch, lake = WORK / "spark-scratch.duckdb", WORK / f"lake-{args.dossiers}"
    shutil.copy(path, scratch)
    python = sys.executable
    export = run([python, "-m", "etl", "export", "--db", str(scratch), "--format", "parquet", "--out", str(lake)])
    print(f"export: {export[0]:.1f} s, {export[1]:.2f} GB", flush=True)
    env = dict(os.environ, KPI766_MEMORY_LIMIT=bench_engine.ENGINE_MEMORY_LIMIT)
    on_duckdb = run([python, str(ROOT / "benchmarks" / "bench_engine.py"), "--measure", "full", "--db", str(scratch)],
                    env)
    print(f"duckdb: {on_duckdb[0]:.1f} s, {on_duckdb[1]:.2f} GB", flush=True)
    spark_runs, heaviest, first = {}, [], None
    for per_core in [int(n) for n in args.scaling.split(",")]:
        out = WORK / f"spark-scores-{per_core}"
        shutil.rmtree(out, ignore_errors=True)
        elapsed, peak, timings, written, stages = spark_run(lake, out, WORK / f"spark-events-{per_core}",
                                                            per_core * cores, args.driver_memory)
        spark_runs[per_core] = (elapsed, peak, len(timings), stages)
        print(f"spark, {per_core} partitions per core: {elapsed:.1f} s, {peak:.2f} GB", flush=True)
        if first is None:
            first = (per_core, out)
            heaviest = sorted(((t, what, written.get(what, 0)) for t, what in timings), reverse=True)[:8]
            rows = agree(scratch, out)
            total_shuffle = sum(written.values())
    since_lines = []
    if not args.no_since:
        # a day's changes: the sync of bench_engine (10,000 dossiers received from 1 December 2024 changed, a load
        # recorded), then on DuckDB its refresh since that day and on Spark the same from the run kept by the first
        run([python, str(ROOT / "benchmarks" / "bench_engine.py"), "--measure", "sync", "--db", str(scratch)])
        lake_next = WORK / f"lake-{args.dossiers}-next"
        run([python, "-m", "etl", "export", "--db", str(scratch), "--format", "parquet", "--out", str(lake_next)])
        day = bench_engine.SYNC_SINCE
        duck_since = run([python, str(ROOT / "benchmarks" / "bench_engine.py"), "--measure", "since", "--db",
                          str(scratch)], env)
        per_core, out = first
        elapsed, peak, timings, written, stages = spark_run(lake_next, out, WORK / "spark-events-since",
                                                            per_core * cores, args.driver_memory, since=day)
        agree(scratch, out)
        print(f"since: duckdb {duck_since[0]:.1f} s, spark {elapsed:.1f} s", flush=True)
        since_lines = [
            f"| a day's changes, DuckDB: refresh since {day:%d %B %Y} after a sync of {bench_engine.SYNC_DOSSIERS:,} "
            f"dossiers received from that day | {duck_since[0]:.1f} s | {duck_since[1]:.2f} GB |",
            f"| a day's changes, Spark: `score-spark --since {day}` on the run kept by the first, {per_core} "
            f"partition(s) per core ({len(timings)} statements, {stages:,} stages, "
            f"{sum(written.values()) / 1024 ** 2:,.0f} MB shuffled) | {elapsed:.1f} s "
            f"({elapsed / duck_since[0]:.1f}× DuckDB's since, {elapsed / spark_runs[per_core][0]:.2f}× its full run) "
            f"| {peak:.2f} GB |",
        ]
        shutil.rmtree(lake_next, ignore_errors=True)
    lake_bytes = sum(f.stat().st_size for f in lake.rglob("*.parquet"))
    db_bytes = path.stat().st_size
    lines = [
        f"## Spark beside DuckDB: {args.dossiers:,} dossiers",
        "",
        f"`python benchmarks/bench_spark.py --dossiers {args.dossiers} --scaling {args.scaling}` on "
        f"{describe(False)}, load average {load:.1f} at the start; Spark {__import__('pyspark').__version__} "
        f"local mode on {cores} cores, driver memory {args.driver_memory}, Java 17. Time and peak resident memory of "
        "each process with its children (Spark's JVM included). The database: bench_engine's synthetic "
        f"{args.dossiers:,} dossiers over 2023–2024 ({db_bytes / 1024 ** 2:,.0f} MB); its lake "
        f"{lake_bytes / 1024 ** 2:,.0f} MB of Parquet.",
        "",
        "| run | time | peak memory |",
        "|---|---|---|",
        f"| export to the lake (`python -m etl export`) | {export[0]:.1f} s | {export[1]:.2f} GB |",
        f"| full recompute, DuckDB (3 GB limit) | {on_duckdb[0]:.1f} s | {on_duckdb[1]:.2f} GB |",
    ]
    for per_core, (elapsed, peak, statements, stages) in spark_runs.items():
        lines.append(f"| full recompute, Spark, {per_core} partition(s) per core ({per_core * cores} shuffle "
                     f"partitions; {statements} statements, {stages:,} stages) | {elapsed:.1f} s "
                     f"({elapsed / on_duckdb[0]:.1f}× DuckDB) | {peak:.2f} GB |")
    lines += since_lines
    lines += [
        "",
        f"Spark's scores equal DuckDB's on every row and column ({rows['unit_scores']:,} unit_scores, "
        f"{rows['unit_indicators']:,} unit_indicators rows; doubles within 1e-9). Spark wrote "
        f"{total_shuffle / 1024 ** 2:,.0f} MB to shuffles in all (first run); its heaviest statements:",
        "",
        "| statement | time | shuffle written |",
        "|---|---|---|",
        *(f"| `{what}` | {t:.1f} s | {b / 1024 ** 2:,.1f} MB |" for t, what, b in heaviest),
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_record:
        results.record(section)
    scratch.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
