"""A refresh since a day recomputes only the periods ending from that day on, and stores what a full refresh would."""
from __future__ import annotations

from datetime import date

import pytest

from etl.demo.build import DEFAULT_SEED, run_demo
from indicators import engine

SINCE = date(2025, 10, 15)
TABLES = ("indicator_values", "unit_scores", "unit_pages", "unit_trends")


@pytest.fixture
def scored(con):
    """Bình Dương's 2025 demo (both trees, about 5,000 dossiers), fully scored."""
    run_demo(con, "74", date(2025, 1, 1), date(2025, 12, 31), 0.2, DEFAULT_SEED)
    engine.refresh(con)
    return con


def change_recent_dossiers(con, since: date = SINCE) -> None:
    """Change, add and remove dossiers and feedback received from `since` on, one new dossier in January 2026, and
    record the load (a later as_of)."""
    con.execute("""update dossiers set channel = 'online', finished_at = null, status = 'processing'
                   where received_at >= ? and hash(dossier_code) % 3 = 0""", [since])
    con.execute("delete from dossiers where received_at >= ? and hash(dossier_code) % 7 = 0", [since])
    con.execute("""insert into dossiers by name
                   select * replace ('N' || dossier_code as dossier_code, received_at + interval 2 day as received_at,
                                     population_data_used = false as population_data_used)
                   from dossiers where received_at >= ? and hash(dossier_code) % 5 = 0""", [since])
    con.execute("""insert into dossiers by name
                   select * replace ('NEW-2026' as dossier_code, timestamp '2026-01-05 09:00' as received_at,
                                     timestamp '2026-01-05 09:00' as updated_at, null as finished_at)
                   from dossiers where received_at >= ? order by dossier_code limit 1""", [since])
    con.execute("""insert into feedback by name
                   select * replace ('N' || feedback_id as feedback_id, received_at + interval 1 day as received_at)
                   from feedback where received_at >= ?""", [since])
    con.execute("""insert into load_runs (load_id, started_at, finished_at, source, status)
                   select max(load_id) + 1, max(finished_at) + interval 1 hour, max(finished_at) + interval 2 hour,
                          'sync', 'ok' from load_runs""")


def stored(con) -> dict[str, list[tuple]]:
    return {table: con.execute(f"select columns(c -> c <> 'computed_at') from {table} order by all").fetchall()
            for table in TABLES}


def test_a_refresh_since_a_day_recomputes_the_later_periods_and_stores_what_a_full_refresh_stores(scored):
    first = scored.execute("select max(computed_at) from unit_scores").fetchone()[0]
    before = stored(scored)
    change_recent_dossiers(scored)
    engine.refresh(scored, since=SINCE)
    recomputed = {r[0] for r in scored.execute(
        "select distinct period from unit_scores where computed_at > ?", [first]).fetchall()}
    assert recomputed == {"2025-10", "2025-11", "2025-12", "2026-01", "2025-Q4", "2026-Q1", "2025", "2026"}
    incremental = stored(scored)
    engine.refresh(scored)
    full = stored(scored)
    assert incremental["unit_scores"] == full["unit_scores"]
    assert incremental["indicator_values"] == full["indicator_values"]
    # what the unit page shows, stored with the scores: the pages of the periods recomputed, every code's trend
    assert incremental["unit_pages"] == full["unit_pages"]
    assert incremental["unit_trends"] == full["unit_trends"]
    assert full["unit_trends"] != before["unit_trends"]
    assert full["unit_scores"] != before["unit_scores"]


def test_a_refresh_that_fails_storing_one_kind_stores_none(scored, monkeypatch):
    """Every kind of a refresh is stored in one transaction: a failure on the year leaves the months as they were."""
    before = stored(scored)
    change_recent_dossiers(scored)
    store = engine._store

    def failing(con, ruleset, kind, since=None, *view):
        if kind == "year":
            raise RuntimeError("disk full")
        return store(con, ruleset, kind, since, *view)

    monkeypatch.setattr(engine, "_store", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        engine.refresh(scored)
    assert stored(scored) == before
