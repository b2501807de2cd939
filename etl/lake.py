"""A Parquet lake of the model tables, for an engine that reads files (Spark: `python -m indicators score-spark`).

Layout under the lake's folder: one folder per table. Dossiers, their processing records and feedback are
partitioned Hive style by province and month (`dossiers/province=01/month=2024-07/….parquet`): the province of the
unit (`unit_tree`), the month of receipt (of submission while not received; `none` when neither is known); a
dossier's records are in its dossier's partition. The other tables, small, are one folder of files each; `unit_tree`
is written out as a table (it is a recursive view in DuckDB).

`export(con, out)` writes the whole lake; `export(con, out, load_id=n)` rewrites only the partitions that load
touched: those of its rows and those where the lake held them before (a dossier whose receipt moved to another
month leaves its old partition).
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb

PARTITIONED = {"dossiers": "dossier_code", "dossier_events": "dossier_code", "feedback": "feedback_id"}
WHOLE = ("units", "unit_tree", "procedures", "procedure_decisions", "national_report", "unit_mapping", "load_runs")
PARTITION_BY = ("province", "month")

PROVINCES = "(select unit_code, min(province_code) as province from unit_tree group by unit_code)"
DOSSIER_KEYS = f"""(select d.dossier_code, coalesce(p.province, 'none') as province,
                           coalesce(strftime(coalesce(d.received_at, d.submitted_at), '%Y-%m'), 'none') as month
                    from dossiers d left join {PROVINCES} p on p.unit_code = d.unit_code)"""
ROWS = {
    "dossiers": f"select d.*, k.province, k.month from dossiers d join {DOSSIER_KEYS} k using (dossier_code)",
    "dossier_events": f"""select e.*, coalesce(k.province, 'none') as province, coalesce(k.month, 'none') as month
                          from dossier_events e left join {DOSSIER_KEYS} k using (dossier_code)""",
    "feedback": f"""select f.*, coalesce(p.province, 'none') as province,
                           coalesce(strftime(f.received_at, '%Y-%m'), 'none') as month
                    from feedback f left join {PROVINCES} p on p.unit_code = f.unit_code""",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy(con: duckdb.DuckDBPyConnection, query: str, folder: Path, partitioned: bool) -> None:
    options = "format parquet"
    if partitioned:
        options += f", partition_by ({', '.join(PARTITION_BY)}), overwrite_or_ignore, " \
                   f"filename_pattern {_quote('part_' + uuid.uuid4().hex + '_{i}')}"
        folder.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({query}) to {_quote(str(folder))} ({options})")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({query}) to {_quote(str(folder / 'part_0.parquet'))} ({options})")


def _partition(folder: Path, province: str, month: str) -> Path:
    return folder / f"province={province}" / f"month={month}"


def touched(con: duckdb.DuckDBPyConnection, out: Path, load_id: int) -> set[tuple[str, str]]:
    """Return the (province, month) partitions load `load_id` changes: where its rows go, and where the lake
    holds rows with their keys now."""
    found: set[tuple[str, str]] = set()
    for table, key in PARTITIONED.items():
        new = f"select {key} from {table} where load_id = {int(load_id)}"
        found |= set(con.execute(f"select distinct province, month from ({ROWS[table]}) where {key} in ({new})")
                     .fetchall())
        files = out / table
        if any(files.glob("*/*/*.parquet")):
            found |= set(con.execute(
                f"""select distinct province, month
                    from read_parquet({_quote(str(files / '*/*/*.parquet'))}, hive_partitioning = true,
                                      hive_types_autocast = false)
                    where {key} in ({new})""").fetchall())
    return found


def export(con: duckdb.DuckDBPyConnection, out: str | Path, load_id: int | None = None) -> dict[str, int]:
    """Write the model tables to the lake at `out` (all of it, or with `load_id` the partitions that load touched);
    return the rows written per table."""
    out = Path(out)
    written = {}
    if load_id is None:
        for table in (*PARTITIONED, *WHOLE):
            shutil.rmtree(out / table, ignore_errors=True)
        where = "true"
    else:
        partitions = touched(con, out, load_id)
        for table in PARTITIONED:
            for province, month in partitions:
                shutil.rmtree(_partition(out / table, province, month), ignore_errors=True)
        if not partitions:
            where = "false"
        else:
            where = "(province, month) in (" + ", ".join(f"({_quote(p)}, {_quote(m)})" for p, m in partitions) + ")"
        for table in WHOLE:
            shutil.rmtree(out / table, ignore_errors=True)
    for table in PARTITIONED:
        query = f"select * from ({ROWS[table]}) where {where}"
        written[table] = con.execute(f"select count(*) from ({query})").fetchone()[0]
        if written[table]:
            _copy(con, query, out / table, partitioned=True)
        elif not any((out / table).glob("*/*/*.parquet")):
            # no rows: one empty file, so that a reader finds the table's columns
            empty = f"select * exclude ({', '.join(PARTITION_BY)}) from ({query}) where false"
            _copy(con, empty, _partition(out / table, "none", "none"), partitioned=False)
    for table in WHOLE:
        query = f"select * from {table}"
        written[table] = con.execute(f"select count(*) from ({query})").fetchone()[0]
        _copy(con, query, out / table, partitioned=False)
    return written
