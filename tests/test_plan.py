"""The plan to the target (dashboard/queries/plan.py) on the hand-made province of test_drill.py, March 2024.

Commune 99102 (Xã Một Hai) totals 75: 15 points short of 90. What one more item earns, by the index's rules
(points = max × min(1, ratio / target)):
1.1 6 × 1/2 = 3 (a procedure announced on time, 1 of 2 now); 1.2 4 × 1/2 = 2; 3.2 4 × 1/2 = 2; 4.2 4 × 1/2 = 2;
4.4 4 × 1/2 = 2, twice (0 of 2 now); 4.6 2 × 1/1 = 2. The most per item first: 3 + 2 + 2 + 2 + 2 × 2 + 2 = 15,
exactly the gap: the path reaches 90.
"""
from __future__ import annotations

import pytest
from test_drill import build_province

from dashboard.queries import plan

PERIOD = "2024-03"


@pytest.fixture
def province(con, db_path, monkeypatch):
    build_province(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_cheapest_path_of_a_commune(province):
    made = plan.unit_plan("99102", PERIOD)
    assert (made["total"], made["gap"]) == (pytest.approx(75.0), pytest.approx(15.0))
    steps = made["steps"]
    assert list(zip(steps["indicator_id"], steps["take"])) == [("1.1", 1), ("1.2", 1), ("3.2", 1), ("4.2", 1),
                                                               ("4.4", 2), ("4.6", 1)]
    assert steps["per_item"].tolist() == pytest.approx([3.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    assert list(steps["item"]) == ["procedure", "procedure", "procedure", "dossier", "dossier", "procedure"]
    # scored by the engine once every step is taken
    assert made["reached"] == pytest.approx(90.0)


def test_a_district_names_the_communes_holding_the_items(province):
    steps = plan.unit_plan("991", PERIOD)["steps"].set_index("indicator_id")
    # 2.1: 5 of 9 on time in the district; the late dossiers are c02, c04, c05 of 99101 and d02 of the district
    assert steps.loc["2.1", "per_item"] == pytest.approx(20 / 9)
    assert steps.loc["2.1", "holders"] == "Xã Một Một (3)"
    # 1.1 is the province's catalogue: no unit below holds it
    assert steps.loc["1.1", "holders"] == ""


def test_the_province_plan_its_units_below_the_target_and_its_progress(province):
    made = plan.province_plan("99", PERIOD, target=90, top=10)
    # the only province scored: first of 1, already in the top 10, nothing to close
    assert (made["rank"], made["n_peers"], made["gap"]) == (1, 1, 0.0)
    assert made["steps"].empty
    below = made["below"].set_index("unit_code")
    # every unit of the province is below 90
    assert set(below.index) == {"991", "992", "99101", "99102", "99201", "99-STP"}
    assert below.loc["99102", "first_step"] == "1.1" and below.loc["99102", "reached"] == pytest.approx(90.0)
    assert below["gap"].tolist() == sorted(below["gap"], reverse=True)
    months = plan.progress("99", "2024-01")
    assert months["period"].tolist() == ["2024-03"] and months["n_units"].tolist() == [6]


def test_a_unit_not_scored_has_no_plan(province):
    assert plan.unit_plan("12345", PERIOD) is None
    assert plan.province_plan("12345", PERIOD) is None
