"""Sync from a live source database: pull the rows changed since the last sync, check them and write them.

    python -m etl sync --source postgresql+psycopg://kpi@10.0.0.5:5432/motcua [--mapping FILE] [--every 15m]

The mapping (TOML, default etl/mappings/portal.toml) says which source table and column gives
each canonical column; it is checked against the source's schema before anything is written
(exit status 2). Only rows at or after each table's stored watermark are pulled, in watermark
order and in batches; each batch is written with its watermark in one transaction, so a sync
that stops halfway resumes where it stopped, losing and doubling nothing. Bad rows go to
rejected_rows; each run is one row of load_runs; the scores of the periods touched are
recomputed. With --every, syncs again at that interval until Ctrl-C or SIGTERM, which end it
between two runs; a failed run is logged and the next one tries again.
"""
from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date

import duckdb
from rich.console import Console

import db
import settings
from etl import mappings, scores
from model.entities import Entity
from etl.load import FileResult, LoadResult, ProgressBar, next_load_id, parse, record_run, summary, top_reasons, write_rows
from etl.mappings import MappingError, TableMapping
from etl.sources import credentials
from etl.sources.database import Batch, CheckedTable, Database, SourceError
from etl.sources.files import Staged
from etl.sql.upsert import changed
from etl.sql.validate import key_match

DEFAULT_BATCH_SIZE = 100_000
# Batches between two publishes: each publish copies the database, so not every batch; a killed sync loses at most
# these (a million rows at the default batch size), and the next one resumes after them.
DEFAULT_PUBLISH_EVERY = 10
INTERVAL_UNITS = {"s": 1, "m": 60, "h": 3600}
# The first day whose scores a row of the entity (alias `s`) counts in; an entity not named here
# (units, the catalogue) counts in every period.
SCORE_DAYS = {
    "dossiers": "coalesce(s.received_at, s.submitted_at)::date",
    "dossier_events": """coalesce((select coalesce(d.received_at, d.submitted_at)::date from dossiers d
                                   where d.dossier_code = s.dossier_code), s."at"::date)""",
    "feedback": "s.received_at::date",
    "national_report": "s.period_start",
}


@dataclass
class SyncResult(LoadResult):
    """A sync run's outcome. `every_period`: the rows written count in every period (units, the catalogue);
    `since`: else the first day whose scores the rows written, and the versions they replaced, count in."""

    every_period: bool = False
    since: date | None = None
    watermarks: dict[str, str | None] | None = None  # source table -> its watermark after the run
    seconds: float = 0.0  # from the first query to the source to the last commit
    cpu_seconds: float = 0.0  # the CPU time of this process (every thread) meanwhile
    started_at: object = None  # the run's start, as load_runs records it
    finished: bool = False  # false while batches remain (a run published in parts, see `sync`)
    done: set[str] = field(default_factory=set)  # the source tables read to the end
    resumed: list[int] = field(default_factory=list)  # runs killed after publishing batches: rescored by this one

    @property
    def written(self) -> bool:
        return self.total("n_new") + self.total("n_replaced") > 0 or bool(self.resumed)


def interval(text: str) -> float:
    """Return the seconds of an interval written `30s`, `15m` or `1h`."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh])\s*", text)
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"expected an interval such as 30s, 15m or 1h, got {text!r}")
    return int(match[1]) * INTERVAL_UNITS[match[2]]


def _table_name(mapping: TableMapping) -> str:
    return f"{mapping.schema}.{mapping.table}" if mapping.schema else mapping.table


def stored_watermark(con: duckdb.DuckDBPyConnection, source: str, mapping: TableMapping) -> str | None:
    """Return the watermark the last sync of this source table wrote for its entity (None: never synced, or none kept)."""
    if mapping.watermark is None:
        return None
    row = con.execute("select watermark from sync_state where source = $1 and source_table = $2 and entity = $3",
                      [source, _table_name(mapping), mapping.entity.name]).fetchone()
    return row[0] if row else None


def _store_watermark(con: duckdb.DuckDBPyConnection, source: str, mapping: TableMapping, watermark: str,
                     load_id: int) -> None:
    key = [source, _table_name(mapping), mapping.entity.name]
    con.execute("delete from sync_state where source = $1 and source_table = $2 and entity = $3", key)
    con.execute("insert into sync_state values ($1, $2, $3, $4, $5, $6)", [*key, watermark, load_id, settings.local_now()])


def _earliest(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def _replaced_day(con: duckdb.DuckDBPyConnection, entity: Entity, rows: str) -> date | None:
    """Return the first score day of the stored rows that the parsed rows `rows` are about to replace."""
    return con.execute(f"""select min({SCORE_DAYS[entity.name]}) from {rows} g join {entity.name} s
                           on {key_match(entity, 'g', 's')} where g.problems is null and ({changed(entity)})""").fetchone()[0]


def _add(total: FileResult, part: FileResult, sign: int = 1) -> None:
    for name in ("n_read", "n_new", "n_replaced", "n_unchanged", "n_rejected"):
        setattr(total, name, getattr(total, name) + sign * getattr(part, name))


def _write_batch(con: duckdb.DuckDBPyConnection, database: Database, mapping: TableMapping, batch: Batch,
                 run: SyncResult, file: FileResult, started_at) -> None:
    """Write one batch, its watermark and the run's counts so far in one transaction."""
    entity = mapping.entity
    con.register("sync_batch", batch.table)
    con.execute("begin")
    part = None
    try:
        parse(con, entity, Staged("(select * from sync_batch)", {}, batch.types), "sync_rows")
        if entity.name in SCORE_DAYS:
            run.since = _earliest(run.since, _replaced_day(con, entity, "sync_rows"))
        part = write_rows(con, entity, "sync_rows", run.load_id, file.path)
        _add(file, part)
        if batch.watermark is not None:
            _store_watermark(con, database.key, mapping, batch.watermark, run.load_id)
        record_run(con, run.load_id, started_at, None, database.label, run.files, "running")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        if part is not None:
            _add(file, part, -1)
        raise
    finally:
        con.unregister("sync_batch")
        con.execute("drop table if exists sync_rows")


def sync(con: duckdb.DuckDBPyConnection, database: Database, tables: list[CheckedTable],
         batch_size: int = DEFAULT_BATCH_SIZE, show_progress: bool = False, max_batches: int | None = None,
         run: SyncResult | None = None) -> SyncResult:
    """Pull and write the rows of each checked table changed since its stored watermark; return what happened.

    With `max_batches`, stop after writing that many batches and return the run unfinished (`run.finished` false)
    so the caller can publish them; pass the run back, on the published database, to go on from there. The run
    is logged in load_runs: `running` while it goes, then `ok`, or `failed` when an error stops it (re-raised); a
    run that was killed is marked `interrupted` by the next one, which also rescores the rows it had written.
    """
    started = time.perf_counter(), time.process_time()
    if run is None:
        started_at = settings.local_now()
        # A run killed after publishing some batches left them unscored: this run rescores them with its own.
        left = [i for i, in con.execute("select load_id from load_runs where status = 'running' and source = $1",
                                        [database.label]).fetchall()]
        con.execute("update load_runs set status = 'interrupted' where status = 'running' and source = $1",
                    [database.label])
        con.execute("update sync_state set source = $1 where source = $2", [database.key, database.former_key])
        run = SyncResult(next_load_id(con), [], watermarks={}, started_at=started_at, resumed=left)
        record_run(con, run.load_id, started_at, None, database.label, [], "running")
    progress, written = None, 0
    try:
        with database.snapshot() as reader:
            # Every part reads every table in its one snapshot, those read to the end in an earlier part too (from
            # their watermark, so only what changed since): processing steps never arrive before their dossier.
            todo = tables
            marks = [stored_watermark(con, database.key, t.mapping) for t in todo]
            total = sum(reader.count(t.mapping, m) for t, m in zip(todo, marks)) if show_progress else None
            progress = ProgressBar(show_progress, total)
            for table, mark in zip(todo, marks):
                name = _table_name(table.mapping)
                file = next((f for f in run.files if f.path == name), None)
                if file is None:
                    file = FileResult(name, table.mapping.entity.name, personal=table.personal)
                    run.files.append(file)
                    run.watermarks[name] = mark
                progress.step(f"{name}: reading", 0)
                with closing(reader.batches(table, mark, batch_size)) as batches:
                    for batch in batches:
                        if max_batches is not None and written == max_batches and name not in run.done:
                            _add_time(run, started)
                            return run  # unfinished: the caller publishes what is written, then goes on
                        _write_batch(con, database, table.mapping, batch, run, file, run.started_at)
                        written += name not in run.done  # a table's catching up does not hold the next part back
                        run.watermarks[name] = batch.watermark or run.watermarks[name]
                        progress.step(f"{name}: {file.n_read:,} rows", batch.table.num_rows)
                run.done.add(name)
    except BaseException as e:
        record_run(con, run.load_id, run.started_at, settings.local_now(), database.label, run.files,
                   "failed" if isinstance(e, Exception) else "interrupted")
        raise
    finally:
        if progress:
            progress.close()
    record_run(con, run.load_id, run.started_at, settings.local_now(), database.label, run.files, "ok")
    run.finished = True
    _add_time(run, started)
    run.top_reasons = top_reasons(con, run.load_id)
    written_by = [run.load_id, *run.resumed]
    for table in tables:
        entity = table.mapping.entity
        if entity.name not in SCORE_DAYS:
            run.every_period = run.every_period or con.execute(
                f"select count(*) > 0 from {entity.name} where list_contains($1, load_id)", [written_by]).fetchone()[0]
            continue
        day = con.execute(f"select min({SCORE_DAYS[entity.name]}) from {entity.name} s where list_contains($1, load_id)",
                          [written_by]).fetchone()[0]
        run.since = _earliest(run.since, day)
    return run


def _add_time(run: SyncResult, started: tuple[float, float]) -> None:
    run.seconds += time.perf_counter() - started[0]
    run.cpu_seconds += time.process_time() - started[1]


def _refresh(con: duckdb.DuckDBPyConnection, run: SyncResult) -> None:
    """Recompute the scores of the periods the run's rows, and the versions they replaced, count in."""
    if run.written:
        scores.refresh(con, since=None if run.every_period else run.since)


def _report(run: SyncResult) -> None:
    # Piped output has no terminal width; rich would fold the table into 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 160)
    summary(run, console)
    read = run.total("n_read")
    console.print(f"{read:,} rows read in {run.seconds:.1f} s ({read / max(run.seconds, 1e-9):,.0f} rows/s; "
                  f"{run.cpu_seconds:.1f} s of CPU)", markup=False, highlight=False)
    for table, mark in (run.watermarks or {}).items():
        console.print(f"{table}: synced up to {mark or '(no watermark)'}", markup=False, highlight=False)


def _run_once(args: argparse.Namespace, database: Database, tables: list[CheckedTable]) -> int:
    """Run one sync into the database, publishing every --publish-every batches; return 0, or 1 when it failed
    (the failure is logged in load_runs), or 130 when interrupted."""
    run = None
    while run is None or not run.finished:
        with db.writing(args.db) as con:
            # The summary and the rich progress bar report the sync; DuckDB's own bar would interleave with them.
            con.execute("set enable_progress_bar = false")
            try:
                run = sync(con, database, tables, args.batch_size, show_progress=sys.stderr.isatty(),
                           max_batches=args.publish_every, run=run)
            except Exception as e:  # noqa: BLE001 - any error of a run is reported and logged, and the next run retries
                message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                print(f"error: sync from {database.label} failed: {credentials.mask(message)}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                print("sync interrupted: the batches written so far are kept, the next sync goes on from there",
                      file=sys.stderr)
                return 130
            if run.finished:
                _report(run)
                _refresh(con, run)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, metavar="URL",
                        help="SQLAlchemy URL of the source database, e.g. postgresql+psycopg://user@host:5432/db")
    parser.add_argument("--mapping", metavar="FILE", help="mapping file (TOML; default: etl/mappings/portal.toml)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                        help=f"rows per batch and transaction (default {DEFAULT_BATCH_SIZE:,})")
    parser.add_argument("--publish-every", type=int, default=DEFAULT_PUBLISH_EVERY, metavar="N",
                        help="publish the batches written every N batches, so that a killed sync keeps them "
                             f"(default {DEFAULT_PUBLISH_EVERY})")
    parser.add_argument("--every", type=interval, metavar="INTERVAL",
                        help="keep syncing at this interval (30s, 15m, 1h) until Ctrl-C or SIGTERM")


def run(args: argparse.Namespace) -> int:
    """Sync once, or every --every until stopped; return 0, 1 when a single sync failed, 2 when the mapping does not fit."""
    if args.batch_size < 1 or args.publish_every < 1:
        print("error: --batch-size and --publish-every must be at least 1", file=sys.stderr)
        return 2
    try:
        database = Database(args.source)
        tables = database.check(mappings.read(args.mapping))
    except (MappingError, SourceError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.every is None:
        return _run_once(args, database, tables)
    stop = threading.Event()

    def ask_to_stop(signum, frame):
        # The first signal ends the loop after the current run; a second Ctrl-C stops that run too.
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    while not stop.is_set():
        _run_once(args, database, tables)
        sys.stdout.flush()
        stop.wait(args.every)
    return 0
