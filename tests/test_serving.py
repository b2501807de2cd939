"""The dashboard keeps answering while another process loads, and only ever shows a whole version of the database."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

import db
from conftest import ROOT
from etl import load
from etl.load import load_paths
from test_app import PAGES_CALLBACK, server  # noqa: F401  (server: the dashboard on a free port)

SAMPLE = ROOT / "data" / "sample"
# The sample's 7 units beside the 14,149 official ones: 4 departments are new, 3 rows override official communes.
BEFORE = {"Đơn vị": "14.153", "Thủ tục hành chính": "6", "Quyết định công bố": "0", "Hồ sơ": "0",
          "Quá trình xử lý": "0", "Phản ánh, kiến nghị": "0", "Báo cáo quốc gia": "0"}
AFTER = {**BEFORE, "Hồ sơ": "100.000"}


def _dossiers(path: Path, n: int, prefix: str = "HS") -> Path:
    """Write `n` valid dossiers of department 74-STP as CSV at `path`, and return it."""
    with duckdb.connect() as con:
        con.execute(f"""copy (select '{prefix}-' || i as dossier_code, '2.000488' as procedure_code, '74-STP' as unit_code,
                                     'online' as channel, '05/01/2024 08:00' as received_at, '2024-02-01' as updated_at
                              from range({n}) r(i)) to '{path}' (header)""")
    return path


@pytest.fixture
def catalogue(db_path: Path) -> Path:
    """Return the test database with the sample's units and procedures loaded, published through `db.writing`."""
    with db.writing(db_path) as con:
        load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv"])
    return db_path


def _load(db_path: Path, *paths: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", *map(str, paths), "--db", str(db_path)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(db_path: Path, table: str) -> int:
    con = db.connect(db_path, read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# The dashboard while a load runs


def _data_page(url: str) -> tuple[int, dict]:
    """Return the HTTP status of the data page's callback and its layout."""
    body = {"output": PAGES_CALLBACK,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/du-lieu"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    request = urllib.request.Request(f"{url}/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, {}


def _components(node, kind: str | None = None, id_: str | None = None):
    """Yield every component of the layout `node` of type `kind` or with id `id_`, depth first."""
    if isinstance(node, dict):
        if (kind is not None and node.get("type") == kind) or (id_ is not None and node.get("props", {}).get("id") == id_):
            yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from _components(child, kind, id_)


def _text(node) -> str:
    if isinstance(node, list):
        return "".join(_text(child) for child in node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children"))
    return "" if node is None else str(node)


def _state(layout: dict) -> tuple[str, dict]:
    """Return what the data page shows: its 'data as of' line and its rows per table."""
    as_of = _text(next(_components(layout, id_="data-as-of")))
    counts = next(_components(layout, id_="data-counts"))
    rows = [[_text(cell) for cell in row["props"]["children"]] for row in _components(counts, kind="Tr")]
    return as_of, dict(rows[1:])


def test_the_dashboard_shows_the_old_version_or_the_new_never_an_error_or_a_mix(catalogue, server, tmp_path):
    status, layout = _data_page(server)
    before = _state(layout)
    assert status == 200 and before[1] == BEFORE
    load = _load(catalogue, _dossiers(tmp_path / "dossiers_big.csv", 100_000))
    answers, finished = [], None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, layout = _data_page(server)
        answers.append((status, _state(layout) if status == 200 else None, load.poll() is None))
        if finished is None and load.poll() is not None:
            finished = time.monotonic()
        if finished is not None and answers[-1][1] is not None and answers[-1][1][1] == AFTER:
            break
        if finished is not None and time.monotonic() - finished > 5:
            break
    assert load.wait() == 0, load.stderr.read()
    assert [a for a in answers if a[0] != 200] == []
    after = answers[-1][1]
    assert after[1] == AFTER, "the new version did not appear within 5 s of the load's end"
    assert sum(running and state == before for _, state, running in answers) >= 3
    states = [state for _, state, _ in answers]
    assert all(state in (before, after) for state in states)
    # Old while the load wrote, then new for good: never back.
    assert states.index(after) == len(states) - states[::-1].index(before)


# Writers


def test_two_writers_take_turns_and_both_land(catalogue, tmp_path):
    later = _dossiers(tmp_path / "dossiers_b.csv", 10_000, "B")
    with db.writing(catalogue) as con:
        load_paths(con, [_dossiers(tmp_path / "dossiers_a.csv", 20_000, "A")])
        second = _load(catalogue, later)
        # The second writer says it waits, and it does: this block holds the lock until it publishes.
        assert second.stderr.readline().startswith(f"waiting: another process (pid {os.getpid()}) is writing")
        assert second.poll() is None
    assert second.wait() == 0, second.stderr.read()
    assert _count(catalogue, "dossiers") == 30_000
    assert _count(catalogue, "load_runs") == 3
    assert not db.next_path(catalogue).exists() and not db.wal_path(catalogue).exists()


def test_a_killed_writer_leaves_the_database_unchanged_and_the_next_writer_works(catalogue, tmp_path):
    published, size = _digest(catalogue), catalogue.stat().st_size
    copy = db.next_path(catalogue)
    load = _load(catalogue, _dossiers(tmp_path / "dossiers_big.csv", 200_000))
    # Kill once the copy grows: the load is writing its rows (DuckDB writes large inserts before commit).
    _wait_for(lambda: load.poll() is not None or (copy.exists() and copy.stat().st_size > size))
    assert load.poll() is None, "the load finished before its kill: use a bigger file"
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    assert _digest(catalogue) == published
    assert copy.exists()  # the killed writer's copy, never published
    again = _load(catalogue, _dossiers(tmp_path / "dossiers_small.csv", 3))
    assert again.wait() == 0, again.stderr.read()
    assert _count(catalogue, "dossiers") == 3
    assert not copy.exists()


def test_a_failed_write_leaves_the_database_unchanged(catalogue):
    published = _digest(catalogue)
    with pytest.raises(RuntimeError, match="the load failed"), db.writing(catalogue) as con:
        con.execute("delete from units")
        raise RuntimeError("the load failed")
    assert _digest(catalogue) == published
    assert not db.next_path(catalogue).exists()
    assert _count(catalogue, "units") == 14_153


def test_a_load_stopped_by_a_bad_file_publishes_nothing(catalogue, tmp_path):
    published = catalogue.stat().st_ino
    bad = tmp_path / "dossiers.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    assert load.run(argparse.Namespace(db=str(catalogue), paths=[str(bad)], entity=None)) == 2
    assert catalogue.stat().st_ino == published  # the same file: no version was published
    assert not db.next_path(catalogue).exists()


def test_a_log_left_beside_the_database_is_kept_in_the_next_version_and_never_replayed_on_it(db_path):
    # A writer that bypassed db.writing commits one unit, then dies before its checkpoint: the row is only in the log.
    subprocess.run([sys.executable, "-c", f"""
import os, duckdb
con = duckdb.connect({str(db_path)!r})
con.execute("set checkpoint_threshold = '1GB'")
con.execute("insert into units (unit_code, name, kind) values ('74-LOG', 'Sở Nhật ký', 'department')")
os._exit(0)"""], check=True)
    assert db.wal_path(db_path).exists()
    with db.writing(db_path) as con:
        con.execute("insert into units (unit_code, name, kind) values ('74-NEW', 'Sở Mới', 'department')")
    assert not db.wal_path(db_path).exists()
    assert _count(db_path, "units where unit_code in ('74-LOG', '74-NEW')") == 2
    assert _count(db_path, "units") == 14_151


# Readers


def test_a_reader_open_before_a_publish_keeps_its_version_and_the_next_reader_sees_the_new(db_path):
    old = db.connect(db_path, read_only=True)
    with db.writing(db_path) as con:
        con.execute("delete from units where kind = 'commune'")
    new = db.connect(db_path, read_only=True)
    assert old.execute("select count(*) from units").fetchone()[0] == 14_149
    assert new.execute("select count(*) from units").fetchone()[0] == 14_149 - 10_035 - 3_321
    old.close()
    new.close()


def test_a_held_version_keeps_every_query_of_a_request_on_one_version(db_path):
    seen = []

    def request():
        db.hold_version()
        try:
            seen.append(_count(db_path, "units"))
            published.set()
            written.wait(30)
            seen.append(_count(db_path, "units"))
        finally:
            db.release_version()
        seen.append(_count(db_path, "units"))

    published, written = threading.Event(), threading.Event()
    thread = threading.Thread(target=request)
    thread.start()
    published.wait(30)
    with db.writing(db_path) as con:
        con.execute("delete from units where kind = 'district'")
    written.set()
    thread.join()
    assert seen == [14_149, 14_149, 14_149 - 696]
