"""Group 3a: procedures offered online (3.1), used online (3.2), dossiers submitted online (3.3), and the display shares."""
from __future__ import annotations

import pytest
from test_engine_helpers import (DEPARTMENT, PROVINCE, add_department, add_dossier, add_procedure, score)


@pytest.fixture
def con(con):
    add_department(con)
    add_procedure(con, "P1", levels=["commune"], online_service="full", eligible_full_process=True)
    add_procedure(con, "P2", levels=["commune"], online_service="partial", eligible_full_process=True)
    add_procedure(con, "P3", levels=["commune"], online_service="none")
    add_procedure(con, "P4", levels=["district", "commune"], online_service="none")
    add_procedure(con, "P5", levels=["province"], online_service="full", agency_code=DEPARTMENT)
    return con


def test_offered_online_with_the_80_percent_target(con):
    v = score(con)["3.1"]  # the ward: P1–P4 under its authority, 2 online: 0.5 / 0.8 of 2 points
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 1.25)
    v = score(con, unit=PROVINCE)["3.1"]  # the province: all five, 3 online: 0.6 / 0.8
    assert (v["numerator"], v["denominator"], v["points"]) == (3, 5, 1.5)
    v = score(con, unit=DEPARTMENT)["3.1"]  # the department: only P5, its own
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 1, 2.0)


def test_offered_online_is_capped_at_the_target(con):
    add_procedure(con, "P6", levels=["commune"], online_service="full")
    add_procedure(con, "P7", levels=["commune"], online_service="full")
    add_procedure(con, "P8", levels=["commune"], online_service="partial")
    v = score(con)["3.1"]  # 5 of 7 = 0.714 < 0.8
    assert v["points"] == pytest.approx(2 * (5 / 7) / 0.8)
    add_procedure(con, "P9", levels=["commune"], online_service="full")
    add_procedure(con, "P10", levels=["commune"], online_service="full")
    add_procedure(con, "P11", levels=["commune"], online_service="full")
    v = score(con)["3.1"]  # 8 of 10 = 0.8 reaches the target
    assert (v["numerator"], v["denominator"], v["points"]) == (8, 10, 2.0)


def test_online_services_that_received_an_online_dossier(con):
    add_dossier(con, "D1", procedure="P1", channel="online")
    add_dossier(con, "D2", procedure="P2", channel="direct")
    add_dossier(con, "D3", procedure="P3", channel="online")  # P3 is not offered online: not counted
    v = score(con)["3.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 2, 2.0)
    # the province: online P1, P2, P5; P1 used in its ward, P5 used at the department
    add_dossier(con, "D4", unit=DEPARTMENT, procedure="P5", channel="online")
    v = score(con, unit=PROVINCE)["3.2"]
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 3, 4 * 2 / 3)


def test_dossiers_submitted_online_with_the_50_percent_target_and_result_documents(con):
    add_procedure(con, "R", levels=["commune"], requires_result_document=True)
    add_dossier(con, "D1", channel="online")
    add_dossier(con, "D2", channel="online", procedure="R", result_file_attached=False)  # no electronic result
    add_dossier(con, "D3", channel="direct")
    add_dossier(con, "D4", channel="postal")
    v = score(con)["3.3"]  # 1 of 4 = 0.25, half the 50 % target: 3 of 6 points
    assert (v["numerator"], v["denominator"], v["points"]) == (1, 4, 3.0)
    con.execute("update dossiers set result_file_attached = true where dossier_code = 'D2'")
    v = score(con)["3.3"]  # 2 of 4 reaches the target
    assert (v["numerator"], v["denominator"], v["points"]) == (2, 4, 6.0)
    v = score(con)
    assert (v["3.x2"]["ratio"], v["3.x3"]["ratio"], v["3.x2"]["points"]) == (0.25, 0.25, 0)


def test_the_sync_multiplier_option(con):
    add_dossier(con, "D1", channel="online", synced_to_portal=True)
    add_dossier(con, "D2", channel="online", synced_to_portal=False)
    add_dossier(con, "D3", channel="direct", synced_to_portal=True)
    add_dossier(con, "D4", channel="direct", synced_to_portal=False)
    assert score(con)["3.3"]["points"] == 6.0  # 0.5 reaches the 50 % target
    # decision-766-text multiplies by the sync rate 0.5: 0.25 / 0.5 → 3 points
    assert score(con, ruleset="decision-766-text")["3.3"]["points"] == 3.0


def test_no_dossier_gives_zero(con):
    v = score(con)
    assert (v["3.3"]["no_data"], v["3.3"]["points"], v["3.2"]["points"]) == (True, 0, 0)


def test_full_process_share_and_online_on_time_rate(con):
    add_dossier(con, "ON", channel="online", due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00")
    add_dossier(con, "LATE", channel="online", due_at="2024-03-11 17:00", finished_at="2024-03-12 10:00")
    add_dossier(con, "DIRECT", channel="direct", due_at="2024-03-11 17:00", finished_at="2024-03-08 10:00")
    v = score(con)
    assert (v["3.x1"]["numerator"], v["3.x1"]["denominator"]) == (1, 2)  # P1 full of P1, P2 eligible
    assert (v["3.x4"]["numerator"], v["3.x4"]["denominator"], v["3.x4"]["points"]) == (1, 2, 0)
