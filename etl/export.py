"""Write the model tables as a Parquet lake, for an engine that reads files (a Spark cluster):

    python -m etl export --format parquet --out /lake/kpi766

Dossiers, their processing records and feedback are partitioned by province and month (Hive style:
`dossiers/province=01/month=2024-07/`); the other tables are one folder each (see etl/lake.py). The folder's tables
are replaced. `python -m indicators score-spark --input /lake/kpi766 --output /lake/scores` scores it;
`python -m etl import-scores /lake/scores` brings the scores back into the database the dashboard serves.
"""
from __future__ import annotations

import argparse
import time

import duckdb

import db

from . import lake


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["parquet"], default="parquet", help="file format (parquet)")
    parser.add_argument("--out", required=True, help="the lake's folder")


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    # the published file, read as it is (a writer publishes a new file, never changes this one)
    con = duckdb.connect(str(db.database_path(args.db)), read_only=True)
    try:
        written = lake.export(con, args.out)
    finally:
        con.close()
    for table, n in written.items():
        print(f"{table:<22} {n:>12,}")
    print(f"written to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0
