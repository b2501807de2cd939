"""Group 4: electronic results (4.1), digitised dossiers (4.2), data reuse (4.3–4.6), e-certified copies (4.7)."""
from __future__ import annotations

import pytest
from test_engine_helpers import (COMMUNE, COMMUNE_2, DEPARTMENT, DISTRICT, add_department, add_dossier, add_procedure,
                                 score)


@pytest.fixture
def con(con):
    add_procedure(con, "R", requires_result_document=True)
    add_procedure(con, "N", requires_result_document=False)
    return con


def test_electronic_results_of_dossiers_finished_in_the_period(con):
    add_dossier(con, "D1", procedure="R", finished_at="2024-03-05 10:00", result_file_attached=True)
    add_dossier(con, "D2", procedure="R", finished_at="2024-03-06 10:00", result_file_attached=False)
    add_dossier(con, "D3", procedure="R", result_file_attached=True)  # still in progress: not finished
    add_dossier(con, "D4", procedure="N", finished_at="2024-03-06 10:00")  # no result document
    add_dossier(con, "D5", procedure="R", finished_at="2024-04-02 10:00", result_file_attached=True)  # April
    v = score(con)["4.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 3.0)
    v = score(con, period="2024-04")["4.1"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 1, 6.0)
    v = score(con, period="2024-05")["4.1"]
    assert (v["denominator"], v["points"], v["no_data"]) == (0, 0, True)


@pytest.fixture
def received(con):
    """Four dossiers received in March 2024 with the digitisation flags of the hand computation."""
    add_dossier(con, "D1", procedure="R", components_digitized=True, result_file_attached=True,
                reused_digitized_data=True, from_personal_store=True, population_data_used=True)
    add_dossier(con, "D2", procedure="R", components_digitized=True, result_file_attached=False,
                population_data_used=True)
    add_dossier(con, "D3", procedure="N", components_digitized=False, population_data_used=True)
    add_dossier(con, "D4", procedure="N", components_digitized=True, population_data_used=False)
    return con


def test_digitised_dossiers_and_the_80_percent_option(received):
    # D1 (digitised, result attached) and D4 (digitised, no result document): 2 of 4
    v = score(received)["4.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 2.0)
    assert score(received, ruleset="decision-766-text")["4.2"]["points"] == 2.5  # 0.5 / 0.8 of 4


def test_reuse_personal_store_and_population_data(received):
    v = score(received)
    assert (v["4.3"]["numerator"], v["4.3"]["denominator"], v["4.3"]["points"]) == (1, 4, 0.625)  # 0.25 / 0.8 of 2
    assert (v["4.4"]["numerator"], v["4.4"]["points"]) == (1, 1.0)  # 0.25 of 4
    assert (v["4.5"]["numerator"], v["4.5"]["points"]) == (3, 1.5)  # 0.75 of 2
    # 4.6: procedures with dossiers R and N; both have one using population data
    assert (v["4.6"]["numerator"], v["4.6"]["denominator"], v["4.6"]["points"]) == (2, 2, 2.0)


def test_reuse_capped_at_its_80_percent_target(con):
    for i in range(5):
        add_dossier(con, f"D{i}", procedure="N", reused_digitized_data=i < 4)
    v = score(con)["4.3"]
    assert (v["numerator"], v["denominator"], v["points"]) == (4, 5, 2.0)


def test_procedures_using_population_data(con):
    add_procedure(con, "M")
    add_dossier(con, "D1", procedure="R", population_data_used=True)
    add_dossier(con, "D2", procedure="N", population_data_used=False)
    add_dossier(con, "D3", procedure="M", population_data_used=None)  # unknown is not "used"
    v = score(con)["4.6"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 3, pytest.approx(2 / 3))


def test_no_dossier_gives_zero(con):
    v = score(con)
    assert all((v[i]["no_data"], v[i]["points"]) == (True, 0) for i in ("4.1", "4.2", "4.3", "4.4", "4.5", "4.6"))


def test_e_certified_copies_over_the_communes_in_scope(con):
    add_department(con)
    con.execute("update units set offers_e_certified_copy = (unit_code = ?) where unit_code in (?, ?)",
                [COMMUNE, COMMUNE, COMMUNE_2])
    add_dossier(con, "D1", procedure="N")
    v = score(con, unit=DISTRICT)["4.7"]  # of the district's wards, two are known and one offers it
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 1.0)
    assert score(con, unit=COMMUNE)["4.7"]["points"] == 2.0
    assert score(con, unit=COMMUNE_2)["4.7"]["points"] == 0.0
    # no data (a ward with no answer, a department): full points
    v = score(con, unit="25744")["4.7"]
    assert (v["no_data"], v["points"]) == (True, 2.0)
    assert score(con, unit=DEPARTMENT)["4.7"]["points"] == 2.0
