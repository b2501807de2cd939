"""The query layer's one entry: run SQL with bound parameters on a fresh read-only connection."""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import db
import settings


def frame(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Return the result of `sql` as a DataFrame; each call opens a read-only connection, so it sees the last
    published data."""
    con = db.connect(read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def value(sql: str, params: list | dict | None = None):
    """Return the first column of the first row of `sql`, or None when it returns no row."""
    result = frame(sql, params)
    if result.empty:
        return None
    item = result.iloc[0, 0]
    return None if pd.isna(item) else item


def as_of() -> pd.Timestamp | None:
    """Return the moment the data describes: the finish time of the last successful load, or None."""
    return value("select max(finished_at) from load_runs where status = 'ok'")


def version() -> tuple:
    """Return what identifies the contents of the database file: its path, and the inode, size and modification
    time of the file and of its write-ahead log. A load publishes a new file, so the version changes with it."""
    path = Path(settings.get("db"))
    marks = []
    for part in (path, db.wal_path(path)):
        try:
            status = part.stat()
        except FileNotFoundError:
            marks.append(None)
        else:
            marks.append((status.st_ino, status.st_size, status.st_mtime_ns))
    return (str(path), *marks)


class Kept:
    """Frames kept per database version and question, for `seconds` at most and `entries` at most (least recently
    used first out); every caller gets its own copy.

    Pages ask the same few questions on every view, and each answer otherwise opens a connection that reads the
    file cold; the version in the key makes the first request after a load read the new figures.
    """

    def __init__(self, seconds: float = 300, entries: int = 512):
        self.seconds, self.entries = seconds, entries
        self._kept: OrderedDict[tuple, tuple[float, pd.DataFrame]] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, question: tuple, answer: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Return the frame kept for `question` in this version of the database, else `answer()`, then kept."""
        # A question carries what a request sent (a unit code, a period): its digest keeps every key 32 bytes.
        key = (version(), hashlib.sha256(repr(question).encode()).digest())
        now = time.monotonic()
        with self._guard:
            hit = self._kept.get(key)
            if hit is not None and now - hit[0] < self.seconds:
                self._kept.move_to_end(key)
                return hit[1].copy()
        result = answer()
        with self._guard:
            self._kept[key] = (now, result)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return result.copy()
