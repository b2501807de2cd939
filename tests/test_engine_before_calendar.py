"""A dossier received before the working-day calendar's first day (calendar.FIRST_DAY, 1 January 2000), with no due
time and the procedure's 10 working days, still open: its receipt has no working time, so it is never on time,
refreshed or scored alone. B (received Thu 20 Jan 2000) has until Thu 3 February (before Tết, 4–9 February): on time
at the end of January, late by 10 March.
"""
from __future__ import annotations

from datetime import datetime

from test_engine_helpers import COMMUNE, add_dossier, add_event, add_procedure

from indicators import engine, periods

AS_OF = datetime(2000, 3, 10)


def value(con, period: str) -> tuple:
    return con.execute("""select numerator, denominator from indicator_values
                          where period = ? and unit_code = ? and indicator_id = '2.1'""", [period, COMMUNE]).fetchone()


def test_a_dossier_received_before_the_calendar_is_judged_the_same_refreshed_and_scored_alone(con):
    add_procedure(con, "P1")
    add_dossier(con, "A", received="1999-12-20 08:00")
    add_event(con, "A", 1, "received", "1999-12-20 08:00")
    add_dossier(con, "B", received="2000-01-20 08:00")
    add_event(con, "B", 1, "received", "2000-01-20 08:00")
    engine.refresh(con, as_of=AS_OF)
    refreshed = {p: value(con, p) for p in ("2000-01", "2000-Q1")}
    alone = {}
    for p in refreshed:
        engine.score_range(con, periods.parse(p), as_of=AS_OF)
        alone[p] = value(con, p)
    assert alone == {"2000-01": (1.0, 2.0), "2000-Q1": (0.0, 2.0)}
    assert refreshed == alone
