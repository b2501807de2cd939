"""The query layer's one entry: run SQL with bound parameters on a read-only connection, and answers kept per version."""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd

import db
from access.scope import UNITS_SQL, Refused, Scope


def frame(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Return the result of `sql` as a DataFrame, read on a cursor of the version this request holds (else of the
    last published one)."""
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


def carry(function: Callable) -> Callable:
    """Return `function` wrapped to read, in a worker thread, the version of the database this request holds."""
    return db.carry(function)


def version() -> tuple:
    """Return what identifies the version of the database this request reads (db.version_of): the one it holds,
    so that an answer read from one version is never kept under the next one's key."""
    return db.version_of()


class Kept:
    """Frames kept per database version and question, for `seconds` at most and `entries` at most (least recently
    used first out); every caller gets its own copy (with `copy` False, the one kept: for answers no caller changes).

    Pages ask the same few questions on every view, and each answer otherwise opens a connection that reads the
    file cold; the version in the key makes the first request after a load read the new figures.
    """

    def __init__(self, seconds: float = 300, entries: int = 512, copy: bool = True):
        self.seconds, self.entries, self.copy = seconds, entries, copy
        self._kept: OrderedDict[tuple, tuple[float, pd.DataFrame]] = OrderedDict()
        self._guard = threading.Lock()
        self._asked: dict[tuple, threading.Event] = {}  # questions being answered now, to answer each once

    def get(self, question: tuple, answer: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Return the frame kept for `question` in the version of the database this request reads, else
        `answer()`, then kept. Concurrent callers of the same question wait for the first one's answer."""
        # A question carries what a request sent (a unit code, a period): its digest keeps every key 32 bytes.
        key = (version(), hashlib.sha256(repr(question).encode()).digest())
        while True:
            now = time.monotonic()
            with self._guard:
                hit = self._kept.get(key)
                if hit is not None and now - hit[0] < self.seconds:
                    self._kept.move_to_end(key)
                    return self._given(hit[1])
                waiting = self._asked.get(key)
                if waiting is None:
                    mine = self._asked[key] = threading.Event()
                    break
            waiting.wait()
            with self._guard:
                hit = self._kept.get(key)
            if hit is not None:
                return self._given(hit[1])
            # the first asker failed: this one asks in its turn (and meets the same error, if any)
        try:
            result = answer()
            with self._guard:
                self._kept[key] = (now, result)
                while len(self._kept) > self.entries:
                    self._kept.popitem(last=False)
        finally:
            with self._guard:
                del self._asked[key]
            mine.set()
        return self._given(result)

    def _given(self, kept):
        return kept.copy() if self.copy else kept


# The units a reader may see, kept per database version: every drill request asks.
_READABLE = Kept()


def scoped_frame(scope: Scope, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Return the result of `sql` limited to the reader's scope: `sql` reads the table `readable` (the scope's
    (unit_code, valid_from) pairs, access/scope.py) and is refused when it does not; the scope is in the cache key."""
    if not isinstance(scope, Scope):
        raise TypeError("a dossier-level query needs the reader's Scope first (Scope.country() for a command)")
    if "readable" not in sql:
        raise ValueError("a scoped query must read the table `readable`")
    bound = {**(params or {}), **scope.params()}
    return _READABLE.get(("scoped", str(scope), sql, tuple(sorted((k, str(v)) for k, v in bound.items()))),
                         lambda: frame(f"with readable as ({UNITS_SQL}) {sql}", bound))


def allows(scope: Scope, unit_code: str) -> bool:
    """Return whether the reader's scope covers unit `unit_code` (any version of the code)."""
    if not isinstance(scope, Scope):
        raise TypeError("an access check needs the reader's Scope")
    return scope.everything or bool(scoped_frame(
        scope, "select count(*) as n from readable where unit_code = $unit", {"unit": unit_code})["n"].iloc[0])


def check(scope: Scope, unit_code: str) -> None:
    """Refuse (access.scope.Refused) a request for the dossiers of a unit outside the reader's scope."""
    if not allows(scope, unit_code):
        raise Refused(f"Hồ sơ của đơn vị {unit_code} nằm ngoài phạm vi được giao cho tài khoản này.",
                      f"The dossiers of unit {unit_code} are outside this account's scope.")
