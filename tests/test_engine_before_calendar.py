"""A dossier received before the working-day calendar's first day (calendar.FIRST_DAY, 2010-01-01), with no due time
and the procedure's 10 working days, still open.

Its working time of receipt is null. Scored alone, an open dossier is judged `null <= limit`, so never on time;
in a refresh its working-day limit is null, so it never turns late. The two disagree in every period it is open in.
By hand (10 working days from Sun 20 Dec 2009, holidays 1 Jan): due by early January 2010, so late at the end of
January; B (received Wed 20 Jan 2010) has until 3 February, so on time at the end of January and late by 10 March.
"""
from __future__ import annotations

from datetime import datetime

from test_engine_helpers import COMMUNE, add_dossier, add_event, add_procedure

from indicators import engine, periods

AS_OF = datetime(2010, 3, 10)


def value(con, period: str) -> tuple:
    return con.execute("""select numerator, denominator from indicator_values
                          where period = ? and unit_code = ? and indicator_id = '2.1'""", [period, COMMUNE]).fetchone()


def test_a_dossier_received_before_the_calendar_is_judged_the_same_refreshed_and_scored_alone(con):
    add_procedure(con, "P1")
    add_dossier(con, "A", received="2009-12-20 08:00")
    add_event(con, "A", 1, "received", "2009-12-20 08:00")
    add_dossier(con, "B", received="2010-01-20 08:00")
    add_event(con, "B", 1, "received", "2010-01-20 08:00")
    engine.refresh(con, as_of=AS_OF)
    refreshed = {p: value(con, p) for p in ("2010-01", "2010-Q1")}
    alone = {}
    for p in refreshed:
        engine.score_range(con, periods.parse(p), as_of=AS_OF)
        alone[p] = value(con, p)
    assert alone == {"2010-01": (1.0, 2.0), "2010-Q1": (0.0, 2.0)}
    assert refreshed == alone  # got 2010-01 (2, 2), 2010-Q1 (1, 2): A is on time for ever
