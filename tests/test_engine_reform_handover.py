"""Data of units closed by the 2025 reform: dossiers still processed after 30 June 2025, and the publication
decisions of a closed province.

Old Phường Phú Cường (25747, Bình Dương) hands its data to new Phường Thủ Dầu Một (25747 from 2025-07-01, Hồ Chí
Minh City). A dossier it received in June 2025 and that is finished in July, or still open in August, is processed
in July (and in the third quarter): received by the period's effective end and finished inside it or in progress at
its end. The new ward took the old one's dossiers over, so they count for it, in the months and quarters after the
reform as in the year 2025. Old Bình Dương (74) went into Hồ Chí Minh City (79): its decisions count for the new
province in the periods scored with the new tree.
"""
from __future__ import annotations

from datetime import date, datetime

from test_engine_helpers import add_decision, add_dossier, add_event, add_procedure

from access.scope import Scope
from indicators import drill, engine, periods

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


def province_value(con, period: str, code: str, indicator: str) -> tuple:
    """The numerator and denominator of a province: the new one (valid from 1 July 2025) for a period scored with
    the new tree, else the old one of that code."""
    return con.execute("""select numerator, denominator from indicator_values
                          where period = ? and unit_code = ? and unit_kind = 'province' and indicator_id = ?
                          order by unit_valid_from desc nulls last limit 1""", [period, code, indicator]).fetchone()


def test_publication_decisions_of_a_closed_province_count_for_the_province_it_went_into(con):
    for province in ("74", "79"):
        for procedure in ("X", "Y"):
            add_procedure(con, procedure, province)
    # a dossier in March (old Phú Cường) and one in July (new Thủ Dầu Một), so that both quarters are scored
    add_dossier(con, "march", "25747", "2025-03-04 08:00", procedure="X", due_at="2025-03-20 17:00")
    add_dossier(con, "july", "25747", "2025-07-10 08:00", procedure="X", due_at="2025-08-30 17:00")
    # old Bình Dương (74), Mon 3 March: effective 2 working days later (late for 1.1), published the next day
    add_decision(con, "X", "74-A", "2025-03-03", effective="2025-03-05", published="2025-03-04 09:00", province="74")
    # old Hồ Chí Minh City (79): on time for both
    add_decision(con, "Y", "79-B", "2025-03-10", effective="2025-03-24", published="2025-03-11 09:00", province="79")
    # old Bình Dương, Fri 27 June: no effective date (unknown for 1.1); the 5th working day after it is Fri 4 July,
    # so it falls due in the third quarter, and it was published on Mon 7 July: late
    add_decision(con, "Y", "74-C", "2025-06-27", published="2025-07-07 09:00", province="74")
    engine.refresh(con, as_of=AS_OF)
    # the first quarter keeps the old tree: each old province its own decisions
    assert province_value(con, "2025-Q1", "74", "1.1") == (0.0, 1.0)
    assert province_value(con, "2025-Q1", "74", "1.2") == (1.0, 1.0)
    assert province_value(con, "2025-Q1", "79", "1.1") == (1.0, 1.0)
    # the year 2025 is scored with the new tree: new Hồ Chí Minh City holds the decisions of old Bình Dương as
    # well as those of old Hồ Chí Minh City (whose code it reuses). 1.1: X late (74-A), Y unknown (79-B on time,
    # 74-C without an effective date: left out, methodology §3); 1.2: X on time (74-A), Y late (74-C)
    assert province_value(con, "2025", "79", "1.1") == (0.0, 1.0)
    assert province_value(con, "2025", "79", "1.2") == (1.0, 2.0)
    # the third quarter: no decision dated in it, one of old Bình Dương's falls due in it, published late
    assert province_value(con, "2025-Q3", "79", "1.1") == (0.0, 0.0)
    assert province_value(con, "2025-Q3", "79", "1.2") == (0.0, 1.0)
    # one period scored on its own, and the drill's list of procedures, agree
    engine.score_range(con, periods.parse("2025-01-01..2025-12-31"), as_of=AS_OF)
    assert province_value(con, "2025-01-01..2025-12-31", "79", "1.2") == (1.0, 2.0)
    listed = drill.judge(Scope.country(), con, "79", "2025", as_of=AS_OF).procedures.set_index("procedure_code")
    assert listed.loc["Y", "d_1_2"] and not listed.loc["Y", "n_1_2"] and listed.loc["X", "n_1_2"]
    assert not listed.loc["X", "n_1_1"] and listed.loc["X", "d_1_1"] and not listed.loc["Y", "d_1_1"]
