"""Dossiers of a unit closed by the 2025 reform that are still processed after 30 June 2025.

Old Phường Phú Cường (25747, Bình Dương) hands its data to new Phường Thủ Dầu Một (25747 from 2025-07-01, Hồ Chí
Minh City). A dossier it received in June 2025 and that is finished in July, or still open in August, is processed
in July (and in the third quarter): received by the period's effective end and finished inside it or in progress at
its end. The new ward took the old one's dossiers over, so they count for it, in the months and quarters after the
reform as in the year 2025.
"""
from __future__ import annotations

from datetime import date, datetime

from test_engine_helpers import add_dossier, add_event, add_procedure

from indicators import engine

AS_OF = datetime(2025, 8, 10, 12)
NEW_FROM = date(2025, 7, 1)


def value(con, period: str, indicator: str) -> tuple:
    return con.execute("""select numerator, denominator from indicator_values
                          where period = ? and unit_code = '25747' and unit_valid_from = ? and indicator_id = ?""",
                       [period, NEW_FROM, indicator]).fetchone()


def test_dossiers_of_a_closed_commune_processed_after_the_reform_count_for_its_successor(con):
    for province in ("74", "79"):
        add_procedure(con, "X", province)
    # open from 20 June to 20 July 2025, finished before its due time
    add_dossier(con, "finished-in-july", "25747", "2025-06-20 08:00", procedure="X", due_at="2025-07-25 17:00")
    add_event(con, "finished-in-july", 1, "received", "2025-06-20 08:00")
    add_event(con, "finished-in-july", 2, "finished", "2025-07-20 08:00")
    add_dossier(con, "still-open", "25747", "2025-06-25 08:00", procedure="X", due_at="2025-09-30 17:00")
    add_event(con, "still-open", 1, "received", "2025-06-25 08:00")
    # one dossier of the new ward, so that its July exists whatever the rule
    add_dossier(con, "new", "25747", "2025-07-10 08:00", procedure="X", due_at="2025-08-30 17:00")
    add_event(con, "new", 1, "received", "2025-07-10 08:00")
    engine.refresh(con, as_of=AS_OF)
    # July: the three dossiers, all on time (each ended, or was open at 1 August, before its due time)
    assert value(con, "2025-07", "2.1") == (3.0, 3.0)
    assert value(con, "2025-Q3", "2.1") == (3.0, 3.0)
    # the year straddles the reform and already hands them over
    assert value(con, "2025", "2.1") == (3.0, 3.0)
