"""Sync benchmark: a first sync of N dossiers from PostgreSQL, then an incremental sync of M changed ones.

    python benchmarks/bench_sync.py [--rows 1000000] [--changed 10000]

Uses the server at $KPI766_TEST_PG, else starts one with .ci/start-postgres in benchmarks/work/
(git-ignored) and stops it after. The source has the national portal's field names (table
`HoSo`, mapping etl/mappings/portal.toml); its dossiers are spread over Bình Dương's old units
and a 50-procedure catalogue, which the DuckDB database holds before the first sync.

Each sync runs `python -m etl sync` as a separate process: its wall time (Python start,
schema check, pull, checks, writes and the score refresh), the pull-and-write time the command
reports, the process's CPU time (user + system, all threads; PostgreSQL's own work is not in it)
and its peak resident memory. Two incremental syncs follow the first: M recently received
dossiers changed (the usual case: the scores of the last periods are recomputed), then M
dossiers spread over the whole year (every period is). The baseline is a raw `COPY (select ...) TO
STDOUT` of the same rows, read in Python and thrown away. The figures replace the "## Sync from
PostgreSQL" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import db  # noqa: E402
from etl import mappings  # noqa: E402
from etl.load import load_paths  # noqa: E402
from etl.sources.database import select  # noqa: E402
from postgres_server import PORTAL_TABLES, libpq  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
SECTION = "Sync from PostgreSQL"
N_PROCEDURES = 50

FILL = """
insert into "HoSo"
with picked as (
    select i, %(units)s::text[] as units,
           timestamp '2024-01-01 07:30' + ((i * 7919) %% 500000) * interval '1 minute' as received
    from generate_series(1::bigint, %(n)s) i
)
select 'HS-' || lpad(i::text, 9, '0'), '1.' || lpad((i %% %(n_procedures)s)::text, 6, '0'),
       units[1 + i %% cardinality(units)], 'Nguyễn Văn ' || i, lpad(i::text, 12, '0'),
       received - interval '10 minutes', received, received + interval '10 days',
       case when i %% 10 < 8 then received + (1 + i %% 300) * interval '1 hour' end,
       case when i %% 10 < 7 then received + (2 + i %% 300) * interval '1 hour' end,
       1 + i %% 3, case when i %% 10 < 7 then 10 when i %% 10 < 8 then 9 else 4 end, i %% 3, (i %% 4) * 25000,
       (i %% 2 = 0)::int, (i %% 3 <> 1)::int, timestamp '2025-01-01' + i * interval '1 second'
from picked
"""

from bench_load import CATALOGUE  # noqa: E402
from machine import describe  # noqa: E402
import results  # noqa: E402


def server() -> tuple[str, Path | None]:
    """Return the URL of a PostgreSQL server, and the directory of the one started here (None: $KPI766_TEST_PG)."""
    if os.environ.get("KPI766_TEST_PG"):
        return os.environ["KPI766_TEST_PG"], None
    directory = WORK / "postgres"
    shutil.rmtree(directory, ignore_errors=True)
    started = subprocess.run([str(ROOT / ".ci" / "start-postgres"), str(directory)], capture_output=True, text=True,
                             check=True)
    return started.stdout.strip(), directory


def stop(directory: Path) -> None:
    command = [sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1], "-D", str(directory / "data"), "stop",
               "-m", "fast"]
    subprocess.run(["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command,
                   capture_output=True, check=False)
    shutil.rmtree(directory, ignore_errors=True)


def source(url: str, units: list[str], n: int) -> str:
    """Create a new source database on the server holding `n` dossiers; return its URL."""
    name = "kpi766_bench_sync"
    with psycopg.connect(libpq(url), autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    target = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(libpq(target), autocommit=True) as con:
        con.execute(PORTAL_TABLES)
        con.execute(FILL, {"units": units, "n": n, "n_procedures": N_PROCEDURES})
        con.execute('create index on "HoSo" ("NgayCapNhat")')
        con.execute('analyze "HoSo"')
    return target


def template() -> tuple[Path, list[str]]:
    """Return a database holding the official units and the catalogue, and the codes of Bình Dương's old units."""
    WORK.mkdir(parents=True, exist_ok=True)
    path, catalogue = WORK / "sync.duckdb", WORK / "procedures.csv"
    path.unlink(missing_ok=True)
    con = db.connect(path)
    con.execute(f"copy ({CATALOGUE}) to '{catalogue}' (header)", {"n_procedures": N_PROCEDURES})
    load_paths(con, [catalogue])
    units = [u for u, in con.execute("""select unit_code from unit_tree where province_code = '74'
                                        and valid_to = date '2025-06-30' order by unit_code""").fetchall()]
    con.execute("checkpoint")
    con.close()
    return path, units


def raw_copy(url: str) -> tuple[float, float, int]:
    """Return the wall and CPU seconds a raw COPY of the first sync's rows takes, read in Python and thrown away, and the rows."""
    query, params = select(next(t for t in mappings.read().tables if t.entity.name == "dossiers"), None)
    engine = sa.create_engine(url)
    sql = str(query.compile(dialect=engine.dialect))
    n = 0
    start, cpu = time.perf_counter(), time.process_time()
    with psycopg.connect(libpq(url)) as con, con.cursor().copy(f"copy ({sql}) to stdout (format csv)", params) as copy:
        for _ in copy:
            n += 1
    return time.perf_counter() - start, time.process_time() - cpu, n


def timed_sync(path: Path, url: str) -> dict:
    """Run `python -m etl sync` as its own process; return its wall and CPU seconds, peak memory (MB) and reported figures."""
    out_path, err_path = WORK / "sync.out", WORK / "sync.err"
    with out_path.open("w") as out_file, err_path.open("w") as err_file:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "etl", "sync", "--db", str(path), "--source", url],
                                   cwd=ROOT, stdout=out_file, stderr=err_file)
        # wait4 rather than Popen.wait: it gives this process's own peak memory.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out = out_path.read_text()
    if process.returncode:
        raise SystemExit(f"sync failed: {err_path.read_text()}")
    peak = usage.ru_maxrss / 1024
    read = re.search(r"([\d,]+) rows read in ([\d.]+) s \(.*; ([\d.]+) s of CPU\)", out)
    scores = re.search(r"scores recomputed: .* in ([\d.]+) s", out)
    return {"wall": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak,
            "rows": int(read[1].replace(",", "")), "sync": float(read[2]), "sync_cpu": float(read[3]), "scores": float(scores[1]) if scores else 0.0}


def change(url: str, n_changed: int, n: int, recent: bool) -> None:
    """Give `n_changed` dossiers a new status and a later NgayCapNhat: the last received (`recent`), or spread over the table."""
    step = max(n // n_changed, 1)
    which = ("""select "MaHoSo" from "HoSo" order by "NgayTiepNhan" desc limit %(n_changed)s""" if recent else
             """select "MaHoSo" from "HoSo" where substr("MaHoSo", 4)::integer %% %(step)s = 0
                order by "MaHoSo" limit %(n_changed)s""")
    # The source stamps a change with the time it is made: later than every row synced before.
    at = "2026-01-01" if recent else "2026-02-01"
    with psycopg.connect(libpq(url), autocommit=True) as con:
        con.execute(f"""update "HoSo" set "TrangThaiHoSo" = 10,
                               "NgayCapNhat" = %(at)s::timestamp + substr("MaHoSo", 4)::integer * interval '1 millisecond'
                        where "MaHoSo" in ({which})""", {"step": step, "n_changed": n_changed, "at": at})



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=10_000)
    args = parser.parse_args()
    about = describe(with_load=True)
    path, units = template()
    url, directory = server()
    try:
        target = source(url, units, args.rows)
        raw, raw_cpu, n_raw = raw_copy(target)
        first = timed_sync(path, target)
        change(target, args.changed, args.rows, recent=True)
        recent = timed_sync(path, target)
        change(target, args.changed, args.rows, recent=False)
        spread = timed_sync(path, target)
    finally:
        if directory:
            stop(directory)
    assert n_raw == first["rows"] == args.rows, (n_raw, first["rows"])
    rows = [f"{args.rows:,} dossiers, then {args.changed:,} of them changed, {date.today().isoformat()}, {about}.",
            f"PostgreSQL {Path(sorted(glob.glob('/usr/lib/postgresql/*/bin'))[-1]).parent.name}, on the same machine; "
            f"`python benchmarks/bench_sync.py --rows {args.rows} --changed {args.changed}`.", "",
            "| run | rows read | pull + write (s) | rows/s | pull + write CPU (s) | rows per CPU-second "
            "| score refresh (s) | whole command (s) | whole command CPU (s) | peak memory (MB) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, run in (("first sync", first),
                      (f"incremental: {args.changed:,} recently received dossiers changed", recent),
                      (f"incremental: {args.changed:,} dossiers changed, spread over the year", spread)):
        rows.append(f"| {name} | {run['rows']:,} | {run['sync']:.1f} | {run['rows'] / run['sync']:,.0f} | "
                    f"{run['sync_cpu']:.1f} | {run['rows'] / run['sync_cpu']:,.0f} | "
                    f"{run['scores']:.1f} | {run['wall']:.1f} | {run['cpu']:.1f} | {run['peak_mb']:,.0f} |")
    rows += [f"| baseline: raw `COPY (select ...) TO STDOUT`, read and thrown away | {n_raw:,} | {raw:.1f} | "
             f"{n_raw / raw:,.0f} | {raw_cpu:.1f} | | | | | |", "",
             f"First sync / raw COPY: **{first['sync'] / raw:.1f}×**. Aims: first sync ≥ 100,000 rows/s and < 1 GB; "
             f"incremental sync < 5 s including the score refresh. Load average {os.getloadavg()[0]:.1f} at the end.",
             "",
             "Pull + write: from the first query to the source to the last commit, as the command reports it "
             "(parsing, every check, rejected rows, upsert, watermark, one transaction per 100,000-row batch). "
             "Whole command: adds Python's start, the schema check, the summary and the score refresh. CPU: user + "
             "system time of the sync process, every thread; PostgreSQL's own work is not in it (nor in the "
             "baseline's). Peak memory: the sync process's resident set, score refresh included. The machine is "
             "shared: wall times include waiting for a core, CPU times do not."]
    for line in rows:
        print(line, flush=True)
    results.record(f"## {SECTION}\n\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
