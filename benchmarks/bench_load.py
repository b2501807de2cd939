"""Loader benchmark: N generated dossiers from Parquet and from CSV, against a raw DuckDB copy of the same file.

    python benchmarks/bench_load.py [--rows 1000000]

Files go to benchmarks/work/ (git-ignored). Each load runs on a fresh database that already
holds the official units and a 50-procedure catalogue of Bình Dương (74), so the figure
includes staging, parsing, every check and the write. The baseline is
`create table as select * from read_parquet/read_csv` of the same file in a fresh database.
The figures replace the "## Loader" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from etl.load import load_paths  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
N_PROCEDURES = 50

# Rows numbered i from 0 to $n - 1, each at one of Bình Dương's old units (valid in 2024) and received in 2024: the
# first common table expressions of the generated dossiers, here and in the portal benchmark.
PLACED = """
units as (
    select list(unit_code order by unit_code) as codes from unit_tree
    where province_code = '74' and valid_to = date '2025-06-30'
),
base as (
    select i, codes[1 + i % len(codes)] as unit_code,
           timestamp '2024-01-01 07:30:00' + to_minutes((i * 7919) % 500000) as received_at
    from range($n) r(i), units
),"""

# Dossiers at Bình Dương's old units, each with a procedure of the province's catalogue.
DOSSIERS = "with" + PLACED + """
final as (
    select 'HS-' || lpad(i::varchar, 9, '0') as dossier_code,
           '1.' || lpad((i % $n_procedures)::varchar, 6, '0') as procedure_code,
           unit_code,
           ['direct', 'online', 'postal'][1 + i % 3] as channel,
           received_at - interval 10 minute as submitted_at,
           received_at,
           received_at + interval 10 day as due_at,
           case when i % 10 < 8 then received_at + to_hours(1 + i % 300) end as finished_at,
           case when i % 10 < 7 then received_at + to_hours(2 + i % 300) end as returned_at,
           case when i % 10 < 8 then 'finished' else 'processing' end as status,
           i % 5 <> 0 as synced_to_portal,
           ((i % 4) * 25000)::double as fee_total,
           i % 3 = 0 as paid_online,
           i % 2 = 0 as components_digitized,
           i % 3 <> 1 as result_file_attached,
           i % 4 = 0 as reused_digitized_data,
           i % 7 = 0 as from_personal_store,
           i % 2 = 1 as population_data_used,
           case i % 5 when 0 then 'unsatisfied' when 1 then null else 'satisfied' end as rating,
           i % 50 = 0 as has_complaint,
           received_at + interval 20 day as updated_at
    from base
)
select * from final"""

CATALOGUE = """
select '74' as province_code, '1.' || lpad(i::varchar, 6, '0') as procedure_code, 'Thủ tục ' || i as name,
       'Hộ tịch' as field, 'commune;district' as levels, 'public' as status, 'có' as content_complete,
       'full' as online_service, '5' as max_processing_days
from range($n_procedures) r(i)"""
from machine import describe  # noqa: E402
import results  # noqa: E402




def generate(n: int) -> tuple[Path, Path, Path]:
    """Write the catalogue CSV and the dossiers as Parquet and CSV; return their paths."""
    WORK.mkdir(parents=True, exist_ok=True)
    con = db.connect(WORK / "generate.duckdb")
    params = {"n": n, "n_procedures": N_PROCEDURES}
    catalogue, parquet, csv = WORK / "procedures.csv", WORK / f"dossiers_{n}.parquet", WORK / f"dossiers_{n}.csv"
    con.execute(f"copy ({CATALOGUE}) to '{catalogue}' (header)", {"n_procedures": N_PROCEDURES})
    con.execute(f"copy ({DOSSIERS}) to '{parquet}' (format parquet)", params)
    con.execute(f"copy (select * from read_parquet('{parquet}')) to '{csv}' (header, timestampformat '%Y-%m-%d %H:%M:%S')")
    con.close()
    return catalogue, parquet, csv


def template(catalogue: Path) -> Path:
    """Return a database holding the official units and the catalogue, to copy before each run."""
    path = WORK / "template.duckdb"
    path.unlink(missing_ok=True)
    con = db.connect(path)
    load_paths(con, [catalogue])
    con.execute("checkpoint")
    con.close()
    return path


def timed_load(base: Path, data: Path) -> tuple[float, int]:
    """Return the seconds a load of `data` takes on a copy of `base`, and the rows it loaded."""
    path = WORK / "run.duckdb"
    shutil.copy(base, path)
    con = db.connect(path)
    con.execute("set enable_progress_bar = false")
    start = time.perf_counter()
    result = load_paths(con, [data])
    seconds = time.perf_counter() - start
    con.close()
    path.unlink()
    assert result.total("n_rejected") == 0, result.top_reasons
    return seconds, result.total("n_new")


def timed_baseline(data: Path) -> float:
    """Return the seconds a raw `create table as select * from <reader>` of `data` takes in a fresh database."""
    import duckdb

    path = WORK / "baseline.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute("set enable_progress_bar = false")
    reader = "read_parquet" if data.suffix == ".parquet" else "read_csv"
    start = time.perf_counter()
    con.execute(f"create table t as select * from {reader}(?)", [str(data)])
    seconds = time.perf_counter() - start
    con.close()
    path.unlink()
    return seconds



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    catalogue, parquet, csv = generate(args.rows)
    base = template(catalogue)
    rows = [f"{args.rows:,} dossiers, {date.today().isoformat()}, {describe(with_load=True)}.", "",
            "| source | load (s) | rows/s | raw copy (s) | load / raw copy |", "|---|---|---|---|---|"]
    for data in (parquet, csv):
        seconds, n = timed_load(base, data)
        raw = timed_baseline(data)
        line = f"| {data.suffix[1:]} | {seconds:.2f} | {n / seconds:,.0f} | {raw:.2f} | {seconds / raw:.1f}× |"
        print(line, flush=True)
        rows.append(line)
    rows += ["", "Load = staging, parsing, every check, duplicate keys, upsert and commit; raw copy = "
                 "`create table as select * from read_parquet/read_csv` of the same file."]
    results.record("## Loader\n\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
