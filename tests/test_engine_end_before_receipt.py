"""A dossier whose end of processing (a terminal event) is recorded before its receipt, in an earlier month.

The loader rejects `finished_at` before `received_at` in the dossier columns, but not a terminal event in
`dossier_events` dated before the receipt, so such a dossier reaches the engine. A dossier cannot end before it was
received: the engine takes such an end as the moment of receipt, so a full refresh, a refresh since a day and a
period scored alone agree on it.

Dossier A: received 2024-03-05, returned 2024-02-20 (event). Dossier B: received and finished in January, on time.
"""
from __future__ import annotations

from datetime import date, datetime

from test_engine_helpers import COMMUNE, add_dossier, add_event, add_procedure

from indicators import engine, periods

AS_OF = datetime(2024, 6, 1)


def dossiers(con) -> None:
    add_procedure(con, "P1")
    add_dossier(con, "A", received="2024-03-05 08:00", due_at="2024-03-20 17:00", synced_to_portal=True)
    add_event(con, "A", 1, "received", "2024-03-05 08:00")
    add_event(con, "A", 2, "returned", "2024-02-20 08:00")
    add_dossier(con, "B", received="2024-01-10 08:00", due_at="2024-01-20 17:00")
    add_event(con, "B", 1, "received", "2024-01-10 08:00")
    add_event(con, "B", 2, "finished", "2024-01-15 08:00")


def value(con, period: str, indicator: str) -> tuple:
    return con.execute("""select numerator, denominator from indicator_values
                          where period = ? and unit_code = ? and indicator_id = ?""",
                       [period, COMMUNE, indicator]).fetchone()


def refreshed_and_alone(con, period: str, indicator: str) -> tuple[tuple, tuple]:
    """Return the indicator's numerator and denominator after a full refresh, then with the period scored alone."""
    engine.refresh(con, as_of=AS_OF)
    refreshed = value(con, period, indicator)
    engine.score_range(con, periods.parse(period), as_of=AS_OF)
    return refreshed, value(con, period, indicator)


def test_a_quarter_refreshed_counts_the_processed_dossiers_a_quarter_scored_alone_counts(con):
    dossiers(con)
    refreshed, alone = refreshed_and_alone(con, "2024-Q1", "2.1")
    # scored alone, A counts in Q1 (received by its end, ended in it): both on time (A ended before its due time)
    assert alone == (2.0, 2.0)
    assert refreshed == alone


def test_a_month_scored_alone_counts_the_dossiers_received_in_it_as_a_refresh_does(con):
    dossiers(con)
    refreshed, alone = refreshed_and_alone(con, "2024-03", "1.4")
    # A was received (and synced) in March 2024
    assert refreshed == (1.0, 1.0)
    assert alone == refreshed


def test_a_refresh_since_a_day_counts_a_dossier_received_after_it_as_a_full_refresh_does(con):
    add_procedure(con, "P1")
    add_dossier(con, "B", received="2024-12-10 08:00")
    add_event(con, "B", 1, "received", "2024-12-10 08:00")
    engine.refresh(con, as_of=datetime(2025, 1, 2))
    # received (and synced) on 5 January 2025, after the day the refresh starts from; returned on 28 December
    add_dossier(con, "A", received="2025-01-05 08:00", synced_to_portal=True)
    add_event(con, "A", 1, "received", "2025-01-05 08:00")
    add_event(con, "A", 2, "returned", "2024-12-28 08:00")
    engine.refresh(con, as_of=datetime(2025, 1, 10), since=date(2025, 1, 1))
    incremental = value(con, "2025-01", "1.4")
    engine.refresh(con, as_of=datetime(2025, 1, 10))
    assert value(con, "2025-01", "1.4") == (1.0, 1.0)
    assert incremental == (1.0, 1.0)


def test_a_month_refreshed_counts_the_finished_dossiers_a_month_scored_alone_counts(con):
    add_procedure(con, "P1")
    # C: received and finished in February, 2 working days (Tue 20 → Thu 22 February, 08:00)
    add_dossier(con, "C", received="2024-02-20 08:00")
    add_event(con, "C", 1, "received", "2024-02-20 08:00")
    add_event(con, "C", 2, "finished", "2024-02-22 08:00")
    # A: finished (by its event) on 20 February, received on 5 March
    add_dossier(con, "A", received="2024-03-05 08:00")
    add_event(con, "A", 1, "received", "2024-03-05 08:00")
    add_event(con, "A", 2, "finished", "2024-02-20 08:00")
    refreshed, alone = refreshed_and_alone(con, "2024-02", "2.2")
    # A ended when it was received, in March: February holds C alone
    assert alone == (2.0, 1.0)
    assert refreshed == alone
