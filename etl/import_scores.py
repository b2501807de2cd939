"""Bring scores computed elsewhere (`python -m indicators score-spark`) into the database the dashboard serves:

    python -m etl import-scores /lake/scores

The folder holds `unit_indicators/` and `unit_scores/` as Parquet, in the columns of the stored outputs. For each
rule set and kind of period in them, the stored rows of that rule set and kind are replaced by them, as a full
refresh replaces them; the rest is kept, and the unit pages are derived again from the scores. Files with other
columns are refused and nothing is written.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

import db
from indicators import outputs, pages

TABLES = ("unit_indicators", "unit_scores")


class ScoresError(ValueError):
    """Scores that cannot be imported: missing files or other columns."""


def _source(folder: Path, table: str) -> str:
    files = sorted((folder / table).glob("*.parquet"))
    if not files:
        raise ScoresError(f"no Parquet files in {folder / table}")
    return "read_parquet([" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "])"


def import_scores(con: duckdb.DuckDBPyConnection, folder: str | Path) -> dict[str, int]:
    """Replace the stored rows of each rule set and kind in the folder's scores with them, in one transaction;
    return the rows per table."""
    folder = Path(folder)
    outputs.ensure(con)
    sources = {table: _source(folder, table) for table in TABLES}
    for table, source in sources.items():
        wanted = [r[0] for r in con.execute(f"select column_name from (describe {table})").fetchall()]
        found = [r[0] for r in con.execute(f"select column_name from (describe select * from {source})").fetchall()]
        if found != wanted:
            missing, extra = sorted(set(wanted) - set(found)), sorted(set(found) - set(wanted))
            raise ScoresError(f"{folder / table} does not have the columns of {table}"
                               f" (missing: {', '.join(missing) or 'none'}; not expected: {', '.join(extra) or 'none'})")
    written = {}
    with db.transaction(con):
        for table, source in sources.items():
            con.execute(f"""delete from {table} where (ruleset, period_kind) in
                            (select distinct ruleset, period_kind from {source})""")
            con.execute(f"insert into {table} by name select * from {source}")
            written[table] = con.execute(f"select count(*) from {source}").fetchone()[0]
        pages.rebuild(con)  # what the unit pages show, derived from the scores as the engine stores them
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="the folder score-spark wrote (unit_indicators/, unit_scores/)")


def run(args: argparse.Namespace) -> int:
    try:
        with db.writing(args.db) as con:
            written = import_scores(con, args.folder)
    except ScoresError as e:
        print(f"error: {e}")
        return 2
    for table, n in written.items():
        print(f"{table:<16} {n:>10,} rows imported")
    return 0
