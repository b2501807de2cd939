"""Group 3b: payment integrated (3.4), procedures with online payments (3.5), dossiers paid online (3.6)."""
from __future__ import annotations

import pytest
from test_engine_helpers import add_dossier, add_procedure, score


@pytest.fixture
def con(con):
    add_procedure(con, "P1", fee_bearing=True, payment_integrated=True)
    add_procedure(con, "P2", fee_bearing=True, payment_integrated=False)
    add_procedure(con, "P3", fee_bearing=True, payment_integrated=True)
    add_procedure(con, "P4", fee_bearing=False)
    return con


def test_payment_integrated_with_the_80_percent_target(con):
    v = score(con)["3.4"]  # 2 of 3 fee-bearing = 0.667 / 0.8 of 2 points
    assert (v["numerator"], v["denominator"]) == (2, 3)
    assert v["points"] == pytest.approx(2 * (2 / 3) / 0.8)
    add_procedure(con, "P5", fee_bearing=True, payment_integrated=True)
    add_procedure(con, "P6", fee_bearing=True, payment_integrated=True)
    v = score(con)["3.4"]  # 4 of 5 = 0.8: full points
    assert (v["numerator"], v["denominator"], v["points"]) == (4, 5, 2.0)


def test_procedures_with_an_online_payment_and_dossiers_paid_online(con):
    add_dossier(con, "D1", procedure="P1", fee_total=50_000, paid_online=True)
    add_dossier(con, "D2", procedure="P2", fee_total=50_000, paid_online=False)
    add_dossier(con, "D3", procedure="P3", fee_total=0)  # no fee in this dossier: P3 is not in 3.5
    add_dossier(con, "D4", procedure="P4", fee_total=20_000, paid_online=True)  # P4 not fee-bearing: not in 3.5
    v = score(con)
    assert (v["3.5"]["numerator"], v["3.5"]["denominator"], v["3.5"]["points"]) == (1, 2, 1.25)
    # 3.6 counts dossiers with a fee: D1, D2, D4; two paid online
    assert (v["3.6"]["numerator"], v["3.6"]["denominator"], v["3.6"]["points"]) == (2, 3, 4.0)


def test_capped_at_full_points(con):
    add_dossier(con, "D1", procedure="P1", fee_total=1, paid_online=True)
    add_dossier(con, "D2", procedure="P3", fee_total=1, paid_online=True)
    v = score(con)
    assert (v["3.5"]["points"], v["3.6"]["points"]) == (2.0, 6.0)


def test_no_fee_bearing_dossier_gives_zero(con):
    add_dossier(con, "D1", procedure="P4", fee_total=0)
    v = score(con)
    assert (v["3.5"]["no_data"], v["3.5"]["points"], v["3.6"]["no_data"], v["3.6"]["points"]) == (True, 0, True, 0)
