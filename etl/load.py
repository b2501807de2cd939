"""Load input files or folders into the database.

Each file holds one entity, named by --entity or by the file name (`dossiers_2024.csv`,
`ho_so.xlsx`). Folders are read recursively and loaded in entity order: units, procedures,
procedure_decisions, dossiers, dossier_events, feedback, national_report.

Every file is checked before anything is written: a file that cannot be read or lacks a
required column stops the load (exit status 2). Bad rows go to `rejected_rows`; the rest
loads. A file already loaded (same SHA-256) is skipped. The whole load is one transaction.

Rows staged from elsewhere (`python -m etl sync` stages batches from a source database) go
through the same steps: `parse`, then `write_rows` and `record_run` inside the caller's
transaction.
"""
from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.console import Console
from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import db
import settings
from etl import lake, scores
from model.entities import BY_NAME, ENTITIES, Entity
from etl.sources import files
from etl.sources.files import FileError
from etl.sql import upsert, validate

STAGES = ("read", "check", "write")  # the steps of each file on the progress bar
# A load shorter than this shows no progress bar.
PROGRESS_DELAY_S = 2.0


@dataclass
class FileResult:
    """What happened to one input file.

    `skipped_by`: the load that already loaded the same bytes (-1: an identical file earlier in this load).
    `n_rejected` counts rejected lines, so n_read = n_new + n_replaced + n_unchanged + n_rejected.
    """

    path: str
    entity: str
    n_read: int = 0
    n_new: int = 0
    n_replaced: int = 0
    n_unchanged: int = 0
    n_rejected: int = 0
    personal: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    skipped_by: int | None = None


@dataclass
class LoadResult:
    """The outcome of one load: its id (None when every file was skipped and nothing was written) and its files."""

    load_id: int | None
    files: list[FileResult]
    top_reasons: list[tuple[str, int]] = field(default_factory=list)

    def total(self, name: str) -> int:
        """Return the sum over files of counter `name` (`n_read`, `n_new`, ...)."""
        return sum(getattr(f, name) for f in self.files)


class ProgressBar:
    """A rich progress bar of `total` steps that appears only once a load has run for PROGRESS_DELAY_S."""

    def __init__(self, enabled: bool, total: int | None):
        self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task("loading", total=total)
        self.timer = threading.Timer(PROGRESS_DELAY_S, self.bar.start) if enabled else None
        if self.timer:
            self.timer.start()

    def step(self, description: str, advance: int = 1) -> None:
        self.bar.update(self.task, description=description, advance=advance)

    def close(self) -> None:
        if self.timer:
            self.timer.cancel()
            self.bar.stop()


def _already_loaded(con: duckdb.DuckDBPyConnection, sources: list[files.SourceFile]) -> dict[tuple[str, str], int]:
    """Return the (sha256, entity) of each given source that a previous load wrote, with the first load that did.

    A file can hold two entities (the portal's sync format): each is loaded once.
    """
    rows = con.execute("""select sha256, entity, min(load_id) from load_files where list_contains($1, sha256)
                          group by sha256, entity""", [[s.sha256 for s in sources]]).fetchall()
    return {(digest, entity): load_id for digest, entity, load_id in rows}


def parse(con: duckdb.DuckDBPyConnection, entity: Entity, staged: files.Staged, rows: str) -> None:
    """Parse staged rows into temp table `rows`: every column typed, each bad row's problems listed (see validate.parse_sql)."""
    con.execute(validate.parse_sql(entity, staged, rows), staged.params)


def _read(con: duckdb.DuckDBPyConnection, source: files.SourceFile, rows: str) -> None:
    """Read and parse one file into temp table `rows` (see validate.parse_sql); raise FileError when it cannot be read.

    Runs before the load's transaction: parsing needs nothing from the database, and every file
    is then read in full before anything is written.
    """
    staged = None
    try:
        staged = files.stage(con, source, f"{rows}_source")
        parse(con, source.entity, staged, rows)
    except (duckdb.Error, pa.ArrowException, UnicodeDecodeError) as e:
        raise files.unreadable(source.path, source.format, e) from e
    finally:
        if staged and staged.registered:
            con.unregister(staged.registered)


def write_rows(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str, load_id: int, name: str) -> FileResult:
    """Check the parsed rows of temp table `rows` and write them inside the open transaction; return their counts.

    Rejected rows go to rejected_rows as coming from `name`; the others are upserted on the entity's key.
    """
    result = FileResult(name, entity.name)
    con.execute(validate.checks_sql(entity, rows, "failed"))
    con.execute(validate.duplicates_sql(entity, rows, "duplicated"))
    result.n_read = con.execute(f"select count(*) from {rows}").fetchone()[0]
    result.n_rejected = upsert.reject(con, entity, rows, "failed", "duplicated", load_id, name)
    counts = upsert.write(con, entity, rows, "failed", "duplicated", load_id, result.n_read - result.n_rejected)
    result.n_new, result.n_replaced, result.n_unchanged = counts["new"], counts["replaced"], counts["unchanged"]
    for table in ("failed", "duplicated"):
        con.execute(f"drop table {table}")
    return result


def _load_file(con: duckdb.DuckDBPyConnection, source: files.SourceFile, rows: str, load_id: int,
               progress: ProgressBar) -> FileResult:
    """Check and write one parsed file (temp table `rows`) inside the open transaction; return its counts."""
    progress.step(f"{source.path.name}: checking and writing", 0)
    result = write_rows(con, source.entity, rows, load_id, source.name)
    result.personal, result.ignored = source.personal, source.ignored
    progress.step(f"{source.path.name}: written")
    con.execute("insert into load_files values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [load_id, source.name, source.sha256, source.entity.name, result.n_read, result.n_new,
                 result.n_replaced, result.n_unchanged, result.n_rejected])
    progress.step(f"{source.path.name}: done")
    return result


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """Return the id the next load takes."""
    return con.execute("select coalesce(max(load_id), 0) + 1 from load_runs").fetchone()[0]


def record_run(con: duckdb.DuckDBPyConnection, load_id: int, started_at, finished_at, source: str,
               results: list[FileResult], status: str) -> None:
    """Write the load_runs row of load `load_id` with the totals of `results`, replacing the one it has."""
    con.execute("delete from load_runs where load_id = $1", [load_id])
    con.execute("insert into load_runs values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                [load_id, started_at, finished_at, source,
                 *(sum(getattr(r, n) for r in results) for n in ("n_read", "n_new", "n_replaced", "n_unchanged",
                                                                "n_rejected")), status])


def top_reasons(con: duckdb.DuckDBPyConnection, load_id: int) -> list[tuple[str, int]]:
    """Return the five most frequent rejection reasons of load `load_id`, with their counts."""
    return con.execute("""select reason, count(*) from rejected_rows where load_id = $1
                          group by reason order by count(*) desc, reason limit 5""", [load_id]).fetchall()


def _drop(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in tables:
        con.execute(f"drop table if exists {table}")


def load_paths(con: duckdb.DuckDBPyConnection, paths: list[str | Path], entity: str | None = None,
               source: str | None = None, show_progress: bool = False) -> LoadResult:
    """Load the files named by `paths` (folders recursively) in one transaction; return what happened.

    Raises FileError, before writing anything, when a file cannot be read, has an unknown
    format or entity, or lacks a required column. `source` is recorded in load_runs (default:
    the paths).
    """
    order = {e.name: i for i, e in enumerate(ENTITIES)}
    sources = [s for path in files.discover(paths) for s in files.sources(con, path, entity)]
    sources.sort(key=lambda s: order[s.entity.name])
    loaded = _already_loaded(con, sources)
    results, todo, seen = [], [], set()
    for s in sources:
        key = (s.sha256, s.entity.name)
        if key in loaded or key in seen:
            results.append(FileResult(s.name, s.entity.name, personal=s.personal, ignored=s.ignored,
                                      skipped_by=loaded.get(key, -1)))
        else:
            todo.append(s)
            seen.add(key)
    if not todo:
        return LoadResult(None, results)
    started_at = settings.local_now()
    progress = ProgressBar(show_progress, len(todo) * len(STAGES))
    tables = [f"rows_{i}" for i in range(len(todo))]
    try:
        for s, table in zip(todo, tables):
            progress.step(f"{s.path.name}: reading", 0)
            _read(con, s, table)
            progress.step(f"{s.path.name}: read")
    except BaseException:
        progress.close()
        _drop(con, tables)
        raise
    try:
        with db.transaction(con):
            load_id = next_load_id(con)
            for s, table in zip(todo, tables):
                results.append(_load_file(con, s, table, load_id, progress))
            record_run(con, load_id, started_at, settings.local_now(), source or " ".join(map(str, paths)), results,
                       "ok")
    finally:
        progress.close()
        _drop(con, tables)
    return LoadResult(load_id, results, top_reasons(con, load_id))


def _shown(path: str) -> str:
    """Return `path` relative to the working directory when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def summary(result: LoadResult, console: Console) -> None:
    """Print the load's table of files and counts, the skipped files, and the most frequent rejection reasons."""
    table = Table(title=f"load {result.load_id}" if result.load_id else "nothing loaded")
    table.add_column("file", overflow="fold", min_width=20)
    table.add_column("entity", no_wrap=True)
    for name in ("read", "new", "replaced", "unchanged", "rejected"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("dropped personal columns", overflow="fold")
    skipped = []
    for f in result.files:
        if f.skipped_by is not None:
            skipped.append(f"{_shown(f.path)}: skipped, " + ("the same file is in this load" if f.skipped_by < 0
                                                          else f"already loaded in load {f.skipped_by}"))
            continue
        # Text, not markup: a file named `ho_so_[ab].jsonl` prints as it is named.
        table.add_row(Text(_shown(f.path)), f.entity, *(f"{getattr(f, n):,}" for n in ("n_read", "n_new",
                                                                                       "n_replaced", "n_unchanged",
                                                                                       "n_rejected")),
                      Text(", ".join(f.personal)))
    if table.row_count:
        console.print(table)
    else:
        console.print("Nothing loaded: every file was loaded before.")
    for line in skipped:
        console.print(line, markup=False, highlight=False)
    ignored = sorted({c for f in result.files for c in f.ignored})
    if ignored:
        console.print(f"Ignored columns (not in the data contract): {', '.join(ignored)}", markup=False)
    if result.top_reasons:
        console.print(f"{result.total('n_rejected'):,} rows rejected. Most frequent reasons:")
        for reason, n in result.top_reasons:
            console.print(f"  {n:>8,}  {reason}", markup=False, highlight=False)
        console.print(f"See them all: select * from rejected_rows where load_id = {result.load_id}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to load")
    parser.add_argument("--entity", choices=list(BY_NAME), help="the entity every file holds (default: from the file name)")
    parser.add_argument("--lake", help="also write the loaded rows to this Parquet lake (python -m etl export): "
                                       "the partitions the load touched are rewritten")


def run(args: argparse.Namespace) -> int:
    """Load the paths; return 0, or 2 when a file cannot be used (nothing is then written)."""
    try:
        with db.writing(args.db) as con:
            # The summary and the rich progress bar report the load; DuckDB's own bar would interleave with them.
            con.execute("set enable_progress_bar = false")
            result = load_paths(con, args.paths, args.entity, show_progress=sys.stderr.isatty())
            # Piped output has no terminal width; rich would fold the table into 80 columns.
            summary(result, Console(width=None if sys.stdout.isatty() else 160))
            if result.load_id is not None:
                scores.refresh(con)
                if args.lake:
                    written = lake.export(con, args.lake, load_id=result.load_id)
                    print(f"lake {args.lake}: {sum(written[t] for t in lake.PARTITIONED):,} rows rewritten "
                          f"in the partitions the load touched")
    except FileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
