"""Group 1: the province's catalogue (1.1–1.3, shared by every unit of the province) and synchronisation (1.4)."""
from __future__ import annotations

import pytest
from test_engine_helpers import (COMMUNE, DEPARTMENT, DISTRICT, PROVINCE, add_decision, add_department, add_dossier,
                                 add_procedure, score)


@pytest.fixture
def con(con):
    add_department(con)
    for code in ("P1", "P2", "P3", "P4"):
        add_procedure(con, code)
    return con


def test_announced_on_time_counts_working_days_and_one_late_decision_makes_it_late(con):
    add_decision(con, "P1", "1", "2024-03-04", effective="2024-03-11")  # Tue–Mon: 5 working days → on time
    add_decision(con, "P2", "2", "2024-03-04", effective="2024-03-08")  # 4 working days → late
    add_decision(con, "P3", "3a", "2024-03-01", effective="2024-03-15")  # on time …
    add_decision(con, "P3", "3b", "2024-03-20", effective="2024-03-22")  # … but this one is late
    add_decision(con, "P4", "4", "2024-02-20", effective="2024-03-20")  # dated in February: not in March
    for unit in (PROVINCE, DISTRICT, COMMUNE, DEPARTMENT):  # computed for the province, given to all its units
        v = score(con, unit=unit)["1.1"]
        assert (v["numerator"], v["denominator"], v["points"]) == (1, 3, 2.0)


def test_announcement_working_days_skip_tet(con):
    # decided Mon 5 Feb 2024, effective Fri 16 Feb: 11 calendar days but only 4 working days (Tết 8–14 Feb)
    add_decision(con, "P1", "1", "2024-02-05", effective="2024-02-16")
    v = score(con, period="2024-02")["1.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (0, 1, 0.0)


def test_published_within_five_working_days_or_due_in_the_period(con):
    add_decision(con, "P1", "1", "2024-03-04", published="2024-03-11 16:00")  # the 5th working day: on time
    add_decision(con, "P2", "2", "2024-03-04", published="2024-03-12 08:00")  # the 6th: late
    add_decision(con, "P3", "3", "2024-03-04")  # never published
    # decided Wed 28 Feb, due Wed 6 Mar (so due in March), published 5 Mar: on time
    add_decision(con, "P4", "4", "2024-02-28", published="2024-03-05 09:00")
    v = score(con)["1.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 2.0)


def test_content_complete_among_public_procedures(con):
    add_procedure(con, "P5", content_complete=False)
    add_procedure(con, "P6", content_complete=False, status="abolished")  # not public: left out
    v = score(con, unit=DISTRICT)["1.3"]
    assert (v["numerator"], v["denominator"], v["points"]) == (4, 5, 1.6)


def test_no_decision_in_the_period_gives_zero(con):
    v = score(con)
    assert (v["1.1"]["no_data"], v["1.1"]["points"], v["1.2"]["no_data"], v["1.2"]["points"]) == (True, 0, True, 0)


def test_synchronised_dossiers_against_the_national_report(con):
    add_dossier(con, "D1", synced_to_portal=True)
    add_dossier(con, "D2", synced_to_portal=True)
    add_dossier(con, "D3", synced_to_portal=False)
    v = score(con)["1.4"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 3, 4.0)
    # the national report counted 4 dossiers for the ward in March: the denominator is 4
    con.execute("insert into national_report values (?, '2024-03-01', '2024-03-31', 4, 0)", [COMMUNE])
    v = score(con)["1.4"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 3.0)


def test_a_smaller_national_report_does_not_lower_the_denominator(con):
    add_dossier(con, "D1", synced_to_portal=True)
    add_dossier(con, "D2", synced_to_portal=True)
    con.execute("insert into national_report values (?, '2024-03-01', '2024-03-31', 1, 0)", [COMMUNE])
    v = score(con)["1.4"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 2, 6.0)


def test_synchronisation_rolls_up_the_subtree(con):
    add_dossier(con, "C", unit=COMMUNE, synced_to_portal=True)
    add_dossier(con, "D", unit=DISTRICT, synced_to_portal=False)
    add_dossier(con, "S", unit=DEPARTMENT, synced_to_portal=True)
    assert score(con, unit=PROVINCE)["1.4"]["denominator"] == 3
    assert score(con, unit=DISTRICT)["1.4"]["denominator"] == 2
    assert score(con, unit=COMMUNE)["1.4"]["denominator"] == 1
    assert score(con, unit=DEPARTMENT)["1.4"]["denominator"] == 1
    # with no dossier at all the indicator has no data and scores 0
    v = score(con, unit="25741")["1.4"]
    assert (v["denominator"], v["points"], v["no_data"]) == (0, 0, True)
