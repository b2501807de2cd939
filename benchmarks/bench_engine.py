"""Scoring-engine benchmark: N synthetic dossiers over two years (2023–2024, every old-tree unit), generated in DuckDB.

Measures, each in its own process (time and peak resident memory):
  full     the engine's full recompute: every unit × every month, quarter and year
  year     the engine scoring one period (the year 2024)
  floor    one DuckDB pass that only counts the same columns per unit and month
  located  the same counts after working out what no engine reading the inputs can skip: each dossier's end of
           processing from its processing records and its unit as valid on the day it was received
  pandas   a straightforward pandas implementation of the on-time (2.1) and digitisation (4.2–4.5)
           indicators for one period (2024), every unit with its subtree (benchmarks/pandas_reference.py); its
           numerators and denominators must equal the engine's, or the benchmark stops
  since    after a sync that changed 10,000 dossiers received in December 2024 (not timed), the
           engine's refresh since 1 December 2024: that month, its quarter and its year
and records the ratios in RESULTS.md under "## Scoring engine".

    python benchmarks/bench_engine.py [--dossiers 10000000] [--rounds 3] [--no-record] [--against COMMIT]

The machine is shared and its speed drifts: full, year, floor, located and pandas run in --rounds rounds, each
in turn, and the medians are recorded with every run's time. With --against, the full and one-period runs of the
engine as it was at an earlier commit are timed too, as many times each, from a git worktree of it, and the
speed-ups recorded.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import db  # noqa: E402
import pandas as pd  # noqa: E402
from machine import describe  # noqa: E402
import pandas_reference  # noqa: E402
import results  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
AS_OF = datetime(2025, 1, 31)
SYNC_SINCE = date(2024, 12, 1)
SYNC_DOSSIERS = 10_000
N_PROCEDURES = 300

GENERATE = [
    # the catalogue: the same 300 procedure codes in every province, levels and attributes spread by code
    f"""insert into procedures by name
        select p.unit_code as province_code, 'T' || lpad(i::varchar, 3, '0') as procedure_code, 'Thủ tục ' || i as name,
               case i % 3 when 0 then ['province'] when 1 then ['district', 'commune'] else ['commune'] end as levels,
               'public' as status, i % 10 <> 0 as content_complete,
               case i % 4 when 0 then 'none' when 1 then 'partial' else 'full' end as online_service,
               i % 2 = 0 as eligible_full_process, i % 3 = 0 as fee_bearing, i % 6 = 0 as payment_integrated,
               i % 5 = 0 as requires_result_document, true as targets_citizens, 3 + i % 12 as max_processing_days
        from units p, range({N_PROCEDURES}) r(i) where p.kind = 'province' and p.valid_to is not null""",
    """insert into procedure_decisions by name
        select province_code, procedure_code, 'QĐ-' || procedure_code as decision_no,
               date '2023-01-02' + (hash(province_code || procedure_code) % 700)::int as decision_date,
               date '2023-01-02' + (hash(province_code || procedure_code) % 700)::int + 3 + (hash(procedure_code) % 10)::int
                   as legal_effective_date,
               timestamp '2023-01-02 09:00' + to_days((hash(province_code || procedure_code) % 700)::int
                                                      + (hash(procedure_code || 'p') % 9)::int) as published_at
        from procedures where procedure_code < 'T050'""",
    # dossiers: 70 % at communes, 20 % at districts, 10 % at provinces; attributes from two hashes
    """create or replace temp table bench_units as
        select row_number() over (partition by kind order by unit_code) - 1 as i, unit_code, kind,
               count(*) over (partition by kind) as n
        from units where valid_to is not null and kind in ('province', 'district', 'commune')""",
    """insert into dossiers by name
        with src as (
            select k, hash(k) as h, hash(k * 7 + 3) as g from range(?) r(k)
        ),
        placed as (
            select s.*, case when h % 10 < 7 then 'commune' when h % 10 < 9 then 'district' else 'province' end as kind,
                   (h >> 40) % case when h % 10 < 7 then {commune} when h % 10 < 9 then {district} else {province} end
                       as unit_index,
                   timestamp '2023-01-01 07:30' + to_days((h % 730)::int) + to_minutes(((g >> 3) % 540)::int) as received_at
            from src s
        ),
        final as (
            select 'B' || k as dossier_code, 'T' || lpad(((g >> 11) % 300)::varchar, 3, '0') as procedure_code,
                   u.unit_code, ['direct', 'online', 'postal'][1 + ((g >> 17) % 3)::int] as channel,
                   received_at - interval 20 minute as submitted_at, received_at,
                   received_at + to_days(2 + ((h >> 13) % 14)::int) as due_at,
                   case when (g >> 23) % 10 < 9
                        then received_at + to_days(((h >> 19) % 16)::int) + to_hours(((h >> 24) % 8)::int) end as finished_at,
                   (g >> 29) % 10 < 9 as synced_to_portal,
                   case when (g >> 31) % 3 = 0 then 50000 else 0 end as fee_total, (g >> 33) % 4 <> 0 as paid_online,
                   (g >> 35) % 10 < 8 as components_digitized, (g >> 37) % 10 < 7 as result_file_attached,
                   (g >> 39) % 10 < 5 as reused_digitized_data, (g >> 41) % 10 < 3 as from_personal_store,
                   (g >> 43) % 10 < 6 as population_data_used,
                   case (g >> 45) % 20 when 0 then 'unsatisfied' when 1 then null else 'satisfied' end as rating,
                   (g >> 47) % 100 = 0 as has_complaint
            from placed p join bench_units u on u.kind = p.kind and u.i = p.unit_index
        )
        select *, case when finished_at is null then 'processing' else 'finished' end as status,
               coalesce(finished_at, received_at) as updated_at
        from final""",
    # processing records for one dossier in ten: received, a supplement round trip for some, finished
    """insert into dossier_events by name
        select dossier_code, seq, event, "at", unit_code from (
            select dossier_code, unit_code, 1 as seq, 'received' as event, received_at as at from dossiers
            where hash(dossier_code) % 10 = 0
            union all
            select dossier_code, unit_code, 2, 'supplement_requested', received_at + interval 1 day from dossiers
            where hash(dossier_code) % 30 = 0
            union all
            select dossier_code, unit_code, 3, 'supplement_completed', received_at + interval 2 day from dossiers
            where hash(dossier_code) % 30 = 0
            union all
            select dossier_code, unit_code, 4, 'finished', finished_at from dossiers
            where hash(dossier_code) % 10 = 0 and finished_at is not null)""",
    """insert into feedback by name
        select 'F' || k as feedback_id, u.unit_code, ['rules', 'staff', 'other'][1 + (hash(k) % 3)::int] as category,
               timestamp '2023-01-01 09:00' + to_days((hash(k * 3) % 730)::int) as received_at,
               timestamp '2023-01-01 09:00' + to_days((hash(k * 3) % 730)::int + 10) as due_at,
               timestamp '2023-01-01 09:00' + to_days((hash(k * 3) % 730)::int + (hash(k * 5) % 14)::int) as handled_at,
               (hash(k) % 5)::int as likes, (hash(k * 11) % 4)::int as dislikes, hash(k * 13) % 20 = 0 as reraised
        from range(? // 50) r(k) join bench_units u on u.kind = 'commune' and u.i = hash(k * 17) % {commune}""",
    "insert into load_runs (load_id, started_at, finished_at, source, status) values (1, ?, ?, 'benchmark', 'ok')",
]


def generate(path: Path, n: int) -> None:
    """Build the benchmark database at `path` with n dossiers, unless it is there already."""
    if path.exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = db.connect(partial)
    started = time.perf_counter()
    # unit counts by kind, so that picking a unit is an equality join
    counts = dict(con.execute("select kind, count(*) from units where valid_to is not null group by kind").fetchall())
    for statement in GENERATE:
        statement = statement.replace("{commune}", str(counts["commune"])).replace("{district}", str(counts["district"]))
        statement = statement.replace("{province}", str(counts["province"]))
        params = [n] if "?" in statement and "load_runs" not in statement else []
        con.execute(statement, [AS_OF, AS_OF] if "load_runs" in statement else params)
    con.execute("checkpoint")
    con.close()
    partial.rename(path)
    print(f"generated {n:,} dossiers in {time.perf_counter() - started:.1f} s", flush=True)


def measure_full(path: Path) -> None:
    from indicators import engine

    con = db.connect(path)
    written = engine.refresh(con)
    print("unit scores written:", written)


def measure_year(path: Path) -> None:
    from indicators import engine, periods

    con = db.connect(path)
    engine.score_range(con, periods.parse("2024"))


def measure_sync(path: Path) -> None:
    """Change dossiers received from SYNC_SINCE on and record the load, as a sync from a province's system would."""
    con = db.connect(path)
    con.execute("""update dossiers set channel = 'online', components_digitized = true
                   where dossier_code in (select dossier_code from dossiers where received_at >= ?
                                          order by hash(dossier_code) limit ?)""", [SYNC_SINCE, SYNC_DOSSIERS])
    con.execute("insert into load_runs (load_id, started_at, finished_at, source, status) values (2, ?, ?, 'sync', 'ok')",
                [AS_OF + timedelta(hours=1), AS_OF + timedelta(hours=1)])


def measure_since(path: Path) -> None:
    from indicators import engine

    con = db.connect(path)
    engine.refresh(con, since=SYNC_SINCE)


FLOOR = """
    select unit_code, date_trunc('month', received_at) as month, count(*) as n_dossiers,
           count(*) filter (where finished_at <= due_at) as n_on_time, count(*) filter (where synced_to_portal) as n_synced,
           count(*) filter (where channel = 'online') as n_online, count(*) filter (where fee_total > 0 and paid_online) as n_paid,
           count(*) filter (where components_digitized) as n_digitized, count(*) filter (where reused_digitized_data) as n_reused,
           count(*) filter (where from_personal_store) as n_store, count(*) filter (where population_data_used) as n_population,
           count(*) filter (where rating = 'unsatisfied' or has_complaint) as n_unhappy
    from dossiers group by all"""


# The floor's counts, on time by the end of processing its processing records give (the first terminal event, else the
# finished_at column), at the unit whose code was valid on the day the dossier was received.
LOCATED = FLOOR.replace("finished_at <= due_at", "end_at <= due_at").replace("from dossiers group by all", """from (select d.*, coalesce(e.end_at, d.finished_at) as end_at
          from dossiers d
          left join (select dossier_code,
                            min("at") filter (where event in ('finished', 'returned', 'stopped', 'rejected', 'withdrawn'))
                                as end_at
                     from dossier_events group by dossier_code) e on e.dossier_code = d.dossier_code
          join units u on u.unit_code = d.unit_code
           and (u.valid_from is null or u.valid_from <= d.received_at::date)
           and (u.valid_to is null or u.valid_to >= d.received_at::date))
    group by all""")


def measure_floor(path: Path) -> None:
    con = db.connect(path, read_only=True)
    con.execute(f"create temp table counted as {FLOOR}")


def measure_located(path: Path) -> None:
    con = db.connect(path, read_only=True)
    con.execute(f"create temp table counted as {LOCATED}")


# Where the pandas measure leaves its numerators and denominators, for the benchmark to check against the engine's.
PANDAS_RESULT = WORK / "pandas-2024.parquet"


def measure_pandas(path: Path) -> None:
    con = db.connect(path, read_only=True)
    table = pandas_reference.on_time_and_digitisation(con, date(2024, 1, 1), date(2025, 1, 1))
    table.to_parquet(PANDAS_RESULT)
    print("units:", len(table))


def pandas_agrees(con) -> str:
    """Compare the pandas implementation's numerators and denominators for 2024 with the engine's stored ones; return
    the sentence saying they agree, or stop the benchmark: a baseline that computes something else measures nothing."""
    # a reader may open no file (db.py: enable_external_access = false): the result comes in as a frame
    con.register("pandas_result", pd.read_parquet(PANDAS_RESULT))
    con.execute("create or replace temp table by_pandas as select * from pandas_result")
    differs = " or ".join(f"e.{c} is distinct from b.{c}::double" for c in pandas_reference.COLUMNS)
    checked, different = con.execute(f"""
        select count(*), count(*) filter (where {differs})
        from by_pandas b
        left join (select * from unit_indicators
                   where ruleset = 'portal-2025' and period = '2024' and period_kind = 'year') e using (unit_code)""").fetchone()
    PANDAS_RESULT.unlink()
    if different:
        raise SystemExit(f"pandas and the engine differ on {different:,} of {checked:,} units for 2024")
    return (f"Its numerators and denominators of 2.1 and 4.2–4.5 for 2024 equal the engine's for all {checked:,} "
            "units with dossiers in their scope.")


MEASURES = {"full": measure_full, "year": measure_year, "floor": measure_floor, "located": measure_located,
            "pandas": measure_pandas,
            "sync": measure_sync, "since": measure_since}
# The measures run in every round (the others change the data: once, after the rounds).
REPEATED = ("full", "year", "floor", "located", "pandas")


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """Return the median time of a measure's runs and the largest peak memory among them."""
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


# The engine runs under a DuckDB memory limit, so that temporary tables spill to disk rather than grow.
ENGINE_MEMORY_LIMIT = "3GB"


def run_measure(name: str, path: Path, script: Path = Path(__file__)) -> tuple[float, float]:
    """Run one measure of `script` (this one, or this one as it was at an earlier commit) in a child process; return
    its wall time (s) and peak resident memory (GB)."""
    env = dict(os.environ)
    if name in ("full", "year", "since"):
        env["KPI766_MEMORY_LIMIT"] = ENGINE_MEMORY_LIMIT
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(script), "--measure", name, "--db", str(path)], env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status:
        raise SystemExit(f"measure {name} failed")
    return elapsed, usage.ru_maxrss / 1024 / 1024


def measure_against(commit: str, path: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Return the runs (time, peak memory) of the full and one-period measures of the engine as it was at `commit`,
    `rounds` of each, every run from a git worktree of that commit (removed afterwards) on its own fresh copy of the
    database at `path`."""
    tree = WORK / "against"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), commit],
                   check=True, capture_output=True)
    try:
        runs: dict[str, list[tuple[float, float]]] = {}
        for _ in range(rounds):
            for name in ("full", "year"):
                copy = WORK / "engine-against.duckdb"
                shutil.copy(path, copy)
                runs.setdefault(name, []).append(run_measure(name, copy, tree / "benchmarks" / "bench_engine.py"))
                copy.unlink()
                print(f"{name} at {commit}: {runs[name][-1][0]:.1f} s, {runs[name][-1][1]:.2f} GB", flush=True)
        return runs
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


# Where the time goes, from a run of each path with every DuckDB statement timed, at 10,000,000 dossiers.
PROFILE = """Where the full recompute's time goes (seconds of DuckDB statements, 29 s in all in a run profiled on
27 November 2026): the dossier facts, one row per dossier with its end of processing, supplement times and
working-day lookups (~8.5 s: ten million rows through the joins with their processing records, units, catalogue
and calendar, kept in memory with 30 columns, 2.5 GB; they are dropped once the months are built, and
before they were, every later table spilled to disk); the month tables — received counts (~1.7 s), procedure
sets (~1.7 s), the processed dossiers as running counts (~3.3 s), finished dossiers (~1.0 s); scopes,
roll-ups, points, totals and ranks for {n_scores:,} units × periods, with the run's calendar, tree and
catalogue masks (~9.7 s); storing the {n_values:,} indicator values as one row per unit and period
(`unit_indicators`, read through the `indicator_values` view) and the scores, and committing (~2.9 s).
Quarters and years add up the months; the catalogue's authority counts and procedure masks are computed once.
Tried at this size and dropped: one aggregation giving both the received counts and the procedure sets
(2.8 s against 3.0 s for the two, within the machine's noise), and the facts' text columns (channel, rating,
end kind) as enums (no gain).

The one-period run spends most of its time (~5.5 s of ~8.3 s profiled) on the facts of the 5.6 million
dossiers that can count in 2024: to know which, every dossier's processing records are read and
its end of processing worked out. A refresh since a day first finds the periods it recomputes
from the months the input tables hold receipts in, and builds the facts only of the dossiers
that can count in them (here the year 2024: the same 5.6 million); then it recomputes those
periods and gives the other stored rows the new as_of.

The floor does none of this: it is one aggregation to (unit, month), and it stores nothing. The second
reference adds to it what no engine can skip — each dossier's end of processing from its processing
records and its unit as valid on the day it was received — and costs {located_ratio:.1f}× the floor: the rest of the
engine's time goes to the working-day calendar and catalogue lookups, keeping the facts for the four
month tables, and the scoring of every unit in every scope, period and kind. The synthetic dossiers
spread evenly over 300 procedures in every unit, the worst case for the procedure sets."""


def verdict(met: bool) -> str:
    return "met" if met else "not met"


def row(what: str, runs: list[tuple[float, float]]) -> str:
    """Return the table row of a measure: the median time, every run's time and the largest peak memory."""
    time_, memory = median(runs)
    return f"\n| {what} | {time_:.1f} | {', '.join(f'{t:.1f}' for t, _ in runs)} | {memory:.2f} |"


def against_rows(commit: str | None, before: dict[str, list[tuple[float, float]]],
                 times: dict[str, tuple[float, float]]) -> tuple[str, str]:
    """Return the table rows and the sentence comparing this engine with the engine at an earlier commit, if any."""
    if not commit:
        return "", ""
    rows = "".join(row(f"engine at `{commit}`, {what}", before[k])
                   for k, what in (("full", "full recompute"), ("year", "one period (the year 2024)")))
    sentence = (f"\nAgainst the engine at `{commit}` in the same run (medians): full recompute "
                f"**{median(before['full'])[0] / times['full'][0]:.2f}×** faster, one period "
                f"**{median(before['year'])[0] / times['year'][0]:.2f}×** (`--against {commit}`).\n")
    return rows, sentence


def record(n: int, runs: dict[str, list[tuple[float, float]]], path: Path, n_scores: int, n_values: int,
           load: float, agreement: str, commit: str | None = None,
           before: dict[str, list[tuple[float, float]]] | None = None) -> str:
    """Return the markdown section of these results, and write it into RESULTS.md in place of the previous one."""
    times = {name: median(found) for name, found in runs.items()}
    full, year, floor, located, pandas_ = (times[k] for k in ("full", "year", "floor", "located", "pandas"))
    rows, sentence = against_rows(commit, before or {}, times)
    rounds = len(runs["full"])
    table = "".join(row(what, runs[k]) for k, what in (
        ("full", "engine, full recompute: every unit × every month, quarter and year"),
        ("year", "engine, one period (the year 2024)"),
        ("floor", "floor: one DuckDB pass counting the same columns per unit and month"),
        ("located", "the floor's pass with each dossier's end from its processing records and its unit by validity"),
        ("pandas", "pandas: 2.1 and 4.2–4.5 for the year 2024"),
        ("since", f"engine, refresh since 1 December 2024 after a sync of {SYNC_DOSSIERS:,} dossiers")))
    section = f"""## Scoring engine

{n:,} dossiers over two years (2023–2024, every unit of the old tree), {date.today().isoformat()}, {describe(with_load=False)},
load average {load:.1f} when the run started (the machine is shared).
Database {path.stat().st_size / 1024 ** 3:.1f} GB; `python benchmarks/bench_engine.py --dossiers {n} --rounds {rounds}{f' --against {commit}' if commit else ''}`.
The measures ran in {rounds} rounds, each measure once per round in turn; a time is the median of its runs (the sync
changes the data: it and the refresh after it ran once, after the rounds).

| run | median time (s) | runs (s) | peak memory (GB) |
|---|---|---|---|{table}{rows}

Ratios of the medians: full recompute / floor = **{full[0] / floor[0]:.1f}×** (aim ≤ 3×: {verdict(full[0] / floor[0] <= 3)}); the floor's pass
once it knows each dossier's end of processing and unit takes **{located[0] / floor[0]:.1f}×** the floor;
pandas (one period, four indicators) / engine full recompute = **{pandas_[0] / full[0]:.1f}×**, pandas / engine one
period = **{pandas_[0] / year[0]:.1f}×** (aim ≥ 10×: {verdict(pandas_[0] / year[0] >= 10)}). Times include starting Python
and opening the database (about 1 s each); peak memory is the resident set of the measuring process; the engine
runs with DuckDB's `memory_limit` at {ENGINE_MEMORY_LIMIT} (`KPI766_MEMORY_LIMIT`), so its temporary tables spill to disk.
The pandas baseline (`benchmarks/pandas_reference.py`) reads the processing records and judges each dossier
by the methodology, as the engine does. {agreement}
{sentence}
{PROFILE.format(n_values=n_values, n_scores=n_scores, located_ratio=located[0] / floor[0])}"""
    results.record(section)
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--measure", choices=MEASURES)
    parser.add_argument("--db")
    parser.add_argument("--no-record", action="store_true", help="print the results without writing RESULTS.md")
    parser.add_argument("--rounds", type=int, default=3,
                        help="run the engine, floor and pandas measures this many times each and record the medians")
    parser.add_argument("--against", metavar="COMMIT",
                        help="also time the full and one-period runs of the engine as it was at this git commit")
    args = parser.parse_args()
    if args.measure:
        MEASURES[args.measure](Path(args.db))
        return 0
    path = WORK / f"engine-{args.dossiers}.duckdb"
    generate(path, args.dossiers)
    # the engine writes its scores: measure on a scratch copy, so every run starts from the same state
    scratch = WORK / "engine-scratch.duckdb"
    shutil.copy(path, scratch)
    load = os.getloadavg()[0]
    runs: dict[str, list[tuple[float, float]]] = {}
    # rounds of every measure in turn, so that a slow spell of the shared machine falls on all of them alike; the
    # sync changes the data, so it and the refresh after it run once, last
    for _ in range(args.rounds):
        for name in REPEATED:
            runs.setdefault(name, []).append(run_measure(name, scratch))
            print(f"{name}: {runs[name][-1][0]:.1f} s, {runs[name][-1][1]:.2f} GB", flush=True)
            if name == "pandas":
                # against the engine's scores of the same data: the sync measure changes it later
                # a connection of its own, closed with it: db.connect's readers are instances kept per version of
                # the file, whose lock would stop the next measure from writing it
                con = duckdb.connect(str(scratch), read_only=True)
                agreement = pandas_agrees(con)
                con.close()
                print(agreement, flush=True)
    for name in MEASURES:
        if name not in REPEATED:
            runs[name] = [run_measure(name, scratch)]
            print(f"{name}: {runs[name][0][0]:.1f} s, {runs[name][0][1]:.2f} GB", flush=True)
    times = {name: median(found) for name, found in runs.items()}
    before = measure_against(args.against, path, args.rounds) if args.against else {}
    con = duckdb.connect(str(scratch), read_only=True)
    n_scores, n_values = (con.execute(f"select count(*) from {table} where period_kind <> 'range'").fetchone()[0]
                          for table in ("unit_scores", "indicator_values"))
    con.close()
    scratch.unlink()
    section = (record(args.dossiers, runs, path, n_scores, n_values, load, agreement, args.against, before)
               if not args.no_record else "")
    print(section or times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
