"""A demo that reaches today describes a moment inside the day: nothing after it exists, and the month is in
progress (open dossiers due soon and overdue, open feedback, decisions awaiting publication). Built with a fixed
moment, so the test does not depend on the day it runs."""
from __future__ import annotations

from datetime import date, datetime

import pytest

import db
from etl.demo.build import DEFAULT_SEED, demo_as_of, draw, write

AS_OF = datetime(2024, 11, 20, 10, 30)


def test_the_moment_described_is_the_end_of_the_last_day_or_now_when_earlier():
    assert demo_as_of(date(2024, 11, 20), datetime(2026, 1, 1, 8, 0)) == datetime(2024, 11, 20, 23, 59, 59)
    assert demo_as_of(date(2024, 11, 20), AS_OF) == AS_OF


@pytest.fixture(scope="module")
def today(tmp_path_factory):
    """Bình Dương from 1 September 2024 up to AS_OF, recorded as the demo command records it."""
    con = db.connect(tmp_path_factory.mktemp("today") / "today.duckdb")
    drawn = draw(con, "74", date(2024, 9, 1), AS_OF.date(), 0.3, DEFAULT_SEED, AS_OF)
    write(con, drawn, DEFAULT_SEED, "demo test", datetime(2024, 11, 20, 10, 31), AS_OF)
    yield con
    con.close()


def test_nothing_after_the_moment_exists(today):
    latest = today.execute("""
        select greatest((select max(greatest(received_at, finished_at, returned_at, updated_at)) from dossiers),
                        (select max("at") from dossier_events),
                        (select max(greatest(received_at, handled_at)) from feedback),
                        (select max(published_at) from procedure_decisions))""").fetchone()[0]
    assert latest <= AS_OF
    # the run is recorded as ending at the moment the data describes, which the engine and "data as of" read
    assert today.execute("select started_at, finished_at from load_runs").fetchall() == [(AS_OF, AS_OF)]


def test_the_month_is_in_progress(today):
    open_due = today.execute("""
        select count(*) filter (where due_at < ?), count(*) filter (where due_at >= ? and due_at < ? + interval 4 day)
        from dossiers where status not in ('finished', 'returned', 'stopped', 'rejected', 'withdrawn')
          and received_at is not null""", [AS_OF, AS_OF, AS_OF]).fetchone()
    assert open_due[0] > 0 and open_due[1] > 0  # overdue, and due in the coming days
    assert today.execute("select count(*) from feedback where handled_at is null and due_at >= ?",
                         [AS_OF]).fetchone()[0] > 0
    assert today.execute("select count(*) from procedure_decisions where published_at is null").fetchone()[0] > 0
    # today's dossiers: received earlier today, none later
    assert today.execute("select count(*) from dossiers where received_at::date = ?", [AS_OF.date()]).fetchone()[0] > 0
