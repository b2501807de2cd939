"""1.4's second denominator, the national report, given at a finer grain than the scored period or unit.

A quarter's or a year's floor is the sum of the unit's monthly reports; a unit without a report of its own takes
the sum over its units; a unit's own report always wins over the sum beneath it. Bình Dương (74), its district
Thủ Dầu Một (718) with wards Phú Cường (25747) and Hiệp Thành (25741), and the department 74-STP; values worked
out by hand. The old engine used only a report of exactly the unit and the period (the values in the comments).
"""
from __future__ import annotations

import pytest
from test_engine_helpers import COMMUNE, COMMUNE_2, DEPARTMENT, DISTRICT, PROVINCE, add_department, add_dossier, \
    add_procedure, score


@pytest.fixture
def con(con):
    add_department(con)
    add_procedure(con, "P1")
    return con


def report(con, unit: str, first: str, last: str, total: int) -> None:
    con.execute("insert into national_report values (?, ?, ?, ?, 0)", [unit, first, last, total])


def synced(con, period: str, unit: str) -> tuple:
    v = score(con, period=period, unit=unit)["1.4"]
    return v["numerator"], v["denominator"], round(v["points"], 4)


def test_a_quarter_and_a_year_sum_the_months(con):
    # the ward received 1 dossier in January (synchronised) and 3 in March (2 synchronised): 3 of 4 synchronised;
    # the national report counted 2 in January, 1 in February and 4 in March: 7 in the quarter and the year
    add_dossier(con, "J", received="2024-01-15 09:00", synced_to_portal=True)
    for code, flag in (("M1", True), ("M2", True), ("M3", False)):
        add_dossier(con, code, received="2024-03-04 09:00", synced_to_portal=flag)
    report(con, COMMUNE, "2024-01-01", "2024-01-31", 2)
    report(con, COMMUNE, "2024-02-01", "2024-02-29", 1)
    report(con, COMMUNE, "2024-03-01", "2024-03-31", 4)
    # 3 of 7 → 6 × 3/7 = 2.5714 (the old engine: 3 of 4, 4.5)
    assert synced(con, "2024-Q1", COMMUNE) == (3, 7, 2.5714)
    assert synced(con, "2024", COMMUNE) == (3, 7, 2.5714)
    # a month keeps its own report: March 2 of 4 → 3.0
    assert synced(con, "2024-03", COMMUNE) == (2, 4, 3.0)
    # the second quarter has no dossier and no report: no data
    assert score(con, period="2024-Q2")["1.4"]["no_data"]


def test_a_report_of_exactly_the_period_wins_over_its_months(con):
    add_dossier(con, "M1", received="2024-03-04 09:00", synced_to_portal=True)
    report(con, COMMUNE, "2024-01-01", "2024-01-31", 2)
    report(con, COMMUNE, "2024-03-01", "2024-03-31", 4)
    report(con, COMMUNE, "2024-01-01", "2024-03-31", 5)  # the quarter's own report: 5, not 2 + 4
    assert synced(con, "2024-Q1", COMMUNE) == (1, 5, 1.2)
    # the year has no report of its own: the sum of its months, 2 + 4 (a quarter's report is not a month's)
    assert synced(con, "2024", COMMUNE) == (1, 6, 1.0)


def test_a_unit_without_its_own_report_sums_its_units(con):
    # March 2024: the ward 25747 received 2 (both synchronised) and the district 718 itself 1 (synchronised).
    # Reports: ward 25747 4, ward 25741 3, the department 2; none for the district or the province.
    add_dossier(con, "C1", unit=COMMUNE, synced_to_portal=True)
    add_dossier(con, "C2", unit=COMMUNE, synced_to_portal=True)
    add_dossier(con, "D1", unit=DISTRICT, synced_to_portal=True)
    report(con, COMMUNE, "2024-03-01", "2024-03-31", 4)
    report(con, COMMUNE_2, "2024-03-01", "2024-03-31", 3)
    report(con, DEPARTMENT, "2024-03-01", "2024-03-31", 2)
    # district: its wards' 4 + 3 = 7 → 3 of 7; province: 4 + 3 + 2 = 9 → 3 of 9 = 2.0 (the old engine: 3 of 3)
    assert synced(con, "2024-03", DISTRICT) == (3, 7, 2.5714)
    assert synced(con, "2024-03", PROVINCE) == (3, 9, 2.0)
    # the ward 25741 has a report but no dossier: 0 of 3
    assert synced(con, "2024-03", COMMUNE_2) == (0, 3, 0.0)


def test_a_unit_s_own_report_wins_over_the_sum_over_its_units(con):
    add_dossier(con, "C1", unit=COMMUNE, synced_to_portal=True)
    add_dossier(con, "C2", unit=COMMUNE, synced_to_portal=True)
    add_dossier(con, "D1", unit=DISTRICT, synced_to_portal=True)
    report(con, COMMUNE, "2024-03-01", "2024-03-31", 4)
    report(con, COMMUNE_2, "2024-03-01", "2024-03-31", 3)
    report(con, DEPARTMENT, "2024-03-01", "2024-03-31", 2)
    # the district reported 5 of its own (not its wards' 7): district 3 of 5; the province sums the units with
    # a report of their own at the top: the district's 5 + the department's 2 = 7 → 3 of 7
    report(con, DISTRICT, "2024-03-01", "2024-03-31", 5)
    assert synced(con, "2024-03", DISTRICT) == (3, 5, 3.6)
    assert synced(con, "2024-03", PROVINCE) == (3, 7, 2.5714)
    # the province's own report, 4, wins over the 7 beneath it: 3 of 4
    report(con, PROVINCE, "2024-03-01", "2024-03-31", 4)
    assert synced(con, "2024-03", PROVINCE) == (3, 4, 4.5)
    # the ward keeps its own 4 whatever is above it: 2 of 4
    assert synced(con, "2024-03", COMMUNE) == (2, 4, 3.0)


def test_months_and_units_together(con):
    # a year of the province with reports only from the wards, per month: January 25747 2, March 25747 4 and
    # 25741 3 → 9; one dossier received and synchronised
    add_dossier(con, "C1", unit=COMMUNE, synced_to_portal=True)
    report(con, COMMUNE, "2024-01-01", "2024-01-31", 2)
    report(con, COMMUNE, "2024-03-01", "2024-03-31", 4)
    report(con, COMMUNE_2, "2024-03-01", "2024-03-31", 3)
    assert synced(con, "2024", PROVINCE) == (1, 9, 0.6667)
    # the province's own monthly report (March, 10) is its own total for the year: it wins over the wards' 9
    report(con, PROVINCE, "2024-03-01", "2024-03-31", 10)
    assert synced(con, "2024", PROVINCE) == (1, 10, 0.6)
