"""The month-end forecast (dashboard/queries/forecast.py) on the hand-made commune of test_todo.py, judged on
13 March 2024: ten dossiers processed in March, all on time, one of them open and due on 14 March. In February
the commune finished four dossiers of the same procedure, one of them late: a 1 in 4 chance of going late.

- on time: 2.1 = 20 × 10/10 = 20;
- late: the open dossier goes late: 2.1 = 20 × 9/10 = 18, and 5.3 = 6 × min(1, 9/10 / 0.9) = 6 still;
- expected: 10 − 1/4 = 9.75 dossiers on time: 2.1 = 20 × 9.75/10 = 19.5.
"""
from __future__ import annotations

import pytest
from test_engine_helpers import add_dossier
from test_todo import AS_OF, build

import db
from dashboard.queries import forecast
from indicators import engine


@pytest.fixture
def commune(con, db_path, monkeypatch):
    build(con)
    for n, finished in enumerate(["2024-02-06 10:00", "2024-02-07 10:00", "2024-02-08 10:00", "2024-02-20 10:00"]):
        add_dossier(con, f"feb{n}", "99101", procedure="A", received="2024-02-05 08:00", due_at="2024-02-16 17:00",
                    finished_at=finished, status="finished")
    engine.refresh(con, as_of=AS_OF)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_three_cases_of_the_month(commune):
    made = forecast.forecast("99101", "2024-03", AS_OF)
    assert made.n_due == 1
    cases = made.cases.set_index("case")
    assert cases.loc["on_time", "p_2_1"] == pytest.approx(20.0)
    assert cases.loc["late", "p_2_1"] == pytest.approx(18.0)
    assert cases.loc["expected", "p_2_1"] == pytest.approx(19.5)
    assert cases["p_5_3"].tolist() == pytest.approx([6.0, 6.0, 6.0])
    # only 2.1 moves: the totals differ by its points
    assert cases.loc["on_time", "total"] - cases.loc["late", "total"] == pytest.approx(2.0)
    assert cases.loc["on_time", "total"] - cases.loc["expected", "total"] == pytest.approx(0.5)
    # the on-time case is the month as stored
    con = db.connect(commune, read_only=True)
    stored = con.execute("select total, band from unit_scores where period = '2024-03' and unit_code = '99101'").fetchone()
    con.close()
    assert (cases.loc["on_time", "total"], cases.loc["on_time", "band"]) == (pytest.approx(stored[0]), stored[1])


def test_no_forecast_for_a_month_that_is_over_or_a_unit_not_scored(commune):
    assert forecast.forecast("99101", "2024-02", AS_OF) is None
    assert forecast.forecast("12345", "2024-03", AS_OF) is None
    assert forecast.forecast("99101", "2024", AS_OF) is None


def test_without_history_the_unit_is_expected_on_time(con, db_path, monkeypatch):
    build(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    cases = forecast.forecast("99101", "2024-03", AS_OF).cases.set_index("case")
    assert cases.loc["expected", "p_2_1"] == pytest.approx(20.0) and cases.loc["late", "p_2_1"] == pytest.approx(18.0)
