"""The read side: one read-only DuckDB instance per published version, shared by every reader of it, locked to the
file; answers kept by the version a request actually reads, also in its worker threads; identical questions asked
together answered once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

import db
from dashboard.queries import base

UNITS = 14_149


def _count(sql: str = "select count(*) from units") -> int:
    return int(base.frame(sql).iloc[0, 0])


@pytest.fixture(autouse=True)
def database(db_path, monkeypatch):
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_readers_of_one_version_share_one_instance_and_a_publish_opens_the_next(database):
    first, second = db.connect(read_only=True), db.connect(read_only=True)
    same = db._pinned(database)
    assert db._pinned(database) is same
    with db.writing(database) as con:
        con.execute("delete from units where kind = 'district'")
    assert db._pinned(database) is not same
    assert first.execute("select count(*) from units").fetchone()[0] == UNITS  # an open reader keeps its version
    assert _count() == UNITS - 696
    first.close()
    second.close()


def test_a_reader_cannot_reach_other_files_or_change_its_configuration(database, tmp_path):
    con = db.connect(read_only=True)
    other = tmp_path / "other.csv"
    other.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(duckdb.PermissionException):
        con.execute("select * from read_csv(?)", [str(other)])
    for statement in ("set threads = 64", "set memory_limit = '100GB'", "set enable_external_access = true",
                      "set lock_configuration = false"):
        with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
            con.execute(statement)
    assert con.execute("select current_setting('threads')").fetchone()[0] == 2
    con.close()


def test_an_answer_read_on_the_held_version_is_kept_under_that_version_not_the_next(database):
    # The request holds version 1; a load publishes version 2 before the request asks its question.
    kept = base.Kept()
    question = ("units",)
    db.hold_version()
    try:
        assert _count() == UNITS
        with db.writing(database) as con:
            con.execute("delete from units where kind = 'district'")
        held = kept.get(question, lambda: base.frame("select count(*) as n from units"))
    finally:
        db.release_version()
    assert held["n"].iloc[0] == UNITS
    # The next request reads version 2 and must not be handed version 1's answer.
    fresh = kept.get(question, lambda: base.frame("select count(*) as n from units"))
    assert fresh["n"].iloc[0] == UNITS - 696


def test_worker_threads_read_the_version_the_request_holds(database):
    db.hold_version()
    try:
        assert _count() == UNITS
        with db.writing(database) as con:
            con.execute("delete from units where kind = 'district'")
        with ThreadPoolExecutor(2) as pool:
            carried = pool.submit(base.carry(_count)).result()
            bare = pool.submit(_count).result()
    finally:
        db.release_version()
    assert (carried, bare) == (UNITS, UNITS - 696)


def test_identical_questions_asked_together_are_answered_once(database):
    kept, calls, started, go = base.Kept(), [], threading.Event(), threading.Event()

    def answer():
        calls.append(1)
        started.set()
        go.wait(30)
        return base.frame("select 42 as n")

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(kept.get, ("q",), answer)
        started.wait(30)
        others = [pool.submit(kept.get, ("q",), answer) for _ in range(7)]
        go.set()
        results = [f.result()["n"].iloc[0] for f in [first, *others]]
    assert results == [42] * 8
    assert len(calls) == 1
