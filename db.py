"""The one place a DuckDB connection is opened and where a write is published (the schema itself: model/).

DuckDB lets one process write a database file and no other process open it meanwhile, not
even read-only. So a command that changes the database never writes the file the dashboard
reads: `writing` gives it a private copy and, when it succeeds, puts that copy in the file's
place with one atomic rename. Readers always open a complete version (README: "Serving while
loading").
"""
from __future__ import annotations

import fcntl
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import settings
from model import schema

# The catalogue name a read-only connection gives the database it attaches.
ALIAS = "kpi766"
_held = threading.local()


def database_path(path: str | Path | None = None) -> Path:
    """Return the path of the database file: `path`, else the `db` setting."""
    return Path(settings.get("db", path and str(path)))


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Return a connection to the database at `path` (default: the `db` setting), schema ensured unless read-only.

    Read-only, it is a cursor of this process's instance of the version published now (or of the version the
    thread holds, see `hold_version`): one instance per version, opened once and shared by every reader of it.
    """
    path = database_path(path)
    if read_only:
        con = _pinned(path).cursor()
        con.execute(f"use {ALIAS}")
        return con
    config = {}
    for name, option in (("duckdb_threads", "threads"), ("memory_limit", "memory_limit")):
        if settings.get(name):
            config[option] = settings.get(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # DuckDB lets a process attach a file once: this process's reader of it goes first (it closes when no cursor
    # reads it any more). Commands write through `writing`, on a copy, and never meet it.
    with _instances_guard:
        _instances.pop((os.getpid(), path), None)
    con = duckdb.connect(str(path), config=config)
    con.execute("set TimeZone = ?", [settings.get("timezone")])
    schema.ensure(con)
    return con


def version_of(path: str | Path | None = None) -> tuple:
    """Return what identifies the version a read-only connection of this thread reads: the path, and the inode,
    size and modification time of the file and of its write-ahead log (a publish changes them). When the thread
    holds a version, the held one, even after a newer one is published."""
    path = database_path(path)
    held = getattr(_held, "versions", None)
    if held is not None:
        return _pinned(path).version
    return _marks(path)


def _marks(path: Path) -> tuple:
    marks = []
    for part in (path, wal_path(path)):
        try:
            status = part.stat()
        except FileNotFoundError:
            marks.append(None)
        else:
            marks.append((status.st_ino, status.st_size, status.st_mtime_ns))
    return (str(path), *marks)


class _Instance:
    """One read-only DuckDB instance attached to one published version of the file."""

    def __init__(self, path: Path):
        # The file can be replaced between looking at it and attaching it: look again after, and retry.
        for _ in range(5):
            before = _marks(path)
            self.root = _attach(path)
            self.version = _marks(path)
            if before == self.version:
                return
            self.root.close()
        raise RuntimeError(f"{path} was replaced five times while it was being opened")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.root.cursor()


# This process's instance per database path: the one of the version published when it was last looked at.
# A superseded instance is dropped here and closes when the last cursor reading it does.
_instances: dict[tuple[int, Path], _Instance] = {}
_instances_guard = threading.Lock()


def _current(path: Path) -> _Instance:
    # Keyed by process too: an instance must never cross a fork (a server's workers each open their own).
    key = (os.getpid(), path)
    with _instances_guard:
        found = _instances.get(key)
        if found is None or found.version != _marks(path):
            found = _instances[key] = _Instance(path)
        return found


def _pinned(path: Path) -> _Instance:
    """Return the instance this thread reads `path` through: the held one, pinned at its first use, or the current."""
    held = getattr(_held, "versions", None)
    if held is None:
        return _current(path)
    if path not in held:
        held.setdefault(path, _current(path))
    return held[path]


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    # duckdb.connect(path) hands out the instance already open on that path in this process,
    # which after a publish is the old version for as long as any connection to it lives; a
    # private in-memory instance attaching the file opens whatever version is there now.
    config = {"threads": int(settings.get("reader_threads")), "memory_limit": settings.get("reader_memory_limit")}
    con = duckdb.connect(":memory:", config=config)
    # ATTACH takes no bound parameters: the path is quoted as an SQL string.
    statement = f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {ALIAS} (read_only)"
    try:
        con.execute("set global TimeZone = ?", [settings.get("timezone")])
        try:
            con.execute(statement)
        except duckdb.IOException as e:
            # A writer publishing at this instant removes the old version's write-ahead log between
            # DuckDB seeing it and opening it; the next attempt finds the new version whole.
            if not path.exists() or "No such file" not in str(e):
                raise
            con.execute(statement)
        con.execute(f"use {ALIAS}")
        # A reader answers questions about this file and nothing else: no other file, no extension, no URL,
        # and no statement may change that (or the threads and memory it was given).
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def hold_version() -> None:
    """From now until `release_version`, every read-only connection this thread opens reads the version the first one found.

    The dashboard holds one per request, so a page whose queries straddle a publish shows one
    version, never the counts of the old and the dates of the new.
    """
    _held.versions = {}


def release_version(_error: BaseException | None = None) -> None:
    """Let go of the version `hold_version` kept; each read-only connection of this thread opens the current one again."""
    _held.versions = None


def carry(function: Callable) -> Callable:
    """Return `function` wrapped to run, in whatever thread, on the version this thread holds: a request's worker
    threads read what the request reads."""
    versions = getattr(_held, "versions", None)

    def carried(*args, **kwargs):
        previous = getattr(_held, "versions", None)
        _held.versions = versions
        try:
            return function(*args, **kwargs)
        finally:
            _held.versions = previous
    return carried


def wal_path(path: Path) -> Path:
    """Return the path of the write-ahead log DuckDB keeps beside the database file `path`."""
    return path.with_name(path.name + ".wal")


def next_path(path: Path) -> Path:
    """Return the path of the private copy a writer changes before it is published as `path`."""
    return path.with_name(path.name + ".next")


def lock_path(path: Path) -> Path:
    """Return the path of the file whose lock makes writers of `path` take turns."""
    return path.with_name(path.name + ".lock")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction of `con`: committed when it ends, rolled back on any exception."""
    con.execute("begin")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


@contextmanager
def writing(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database; publish the copy in its place on success, drop it on failure.

    Writers take turns on `<path>.lock`. While one writes, readers keep opening `path` and see
    the version before it; after it, the version it made, whole. An exception, Ctrl-C or a
    killed process leaves `path` as it was.
    """
    # A path given through a symlink names the file it points to: that file is replaced, the link stays.
    path = database_path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    copy = next_path(path)
    with _writer_lock(path):
        _remove(copy, wal_path(copy))  # left by a writer that was killed: its work was never published
        try:
            if path.exists():
                shutil.copyfile(path, copy)
                shutil.copymode(path, copy)  # whoever could read the database can read the next version
                # A log beside the published file holds transactions committed after its last
                # checkpoint (by a writer that bypassed this function); they belong to this version.
                if wal_path(path).exists():
                    shutil.copyfile(wal_path(path), wal_path(copy))
            con = connect(copy)
            try:
                yield con
                con.execute("checkpoint")
            finally:
                con.close()
            if wal_path(copy).exists():
                raise RuntimeError(f"{copy} still has a write-ahead log after its checkpoint; {path} is unchanged")
            _owned_like(copy, path)  # a load run as root leaves the service user its own database
            _publish(copy, path)
        except BaseException:
            _remove(copy, wal_path(copy))
            raise


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    lock = lock_path(path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o664)
    except PermissionError:
        # Another user's lock file (one left by a version without _owned_like): locking needs no write access.
        fd, writable = os.open(lock, os.O_RDONLY), False
    else:
        writable = True
        _owned_like(lock, path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            print(f"waiting: another process (pid {holder}) is writing {path}; this one starts when it finishes",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        # Closing the descriptor releases the lock; the kernel does the same for a killed process.
        os.close(fd)


def _owned_like(target: Path, path: Path) -> None:
    """Give `target` the owner and group of the database `path` (or of its folder when there is none yet), when
    this process may: a command run as root then leaves files the service user can still open and lock."""
    if os.geteuid() != 0:
        return
    model = path if path.exists() else path.parent
    status = model.stat()
    os.chown(target, status.st_uid, status.st_gid)


def _publish(copy: Path, path: Path) -> None:
    _fsync(copy)  # the pages copied but never rewritten are still only in the page cache
    # DuckDB replays any log it finds beside a file it opens, whichever version the log was
    # written for; the copy has absorbed this one, so it must go before the copy takes its place.
    wal_path(path).unlink(missing_ok=True)
    os.replace(copy, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)

