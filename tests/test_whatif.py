"""What-if on the unit page (dashboard/queries/whatif.py) over the hand-made province of test_drill.py, March 2024:
the points, total, band and rank it predicts for a changed numerator are those the engine stores once the change
is made for real in the data.

4.2 (dossiers digitised, 4 points, target 100 %): c03 (commune 99101) was received without its components
digitised. With it digitised, the province's 4.2 numerator goes from 9 to 10 of 13, 4 × 9/13 = 2.7692 →
4 × 10/13 = 3.0769; commune 99101's from 4 to 5 of 5: 3.2 → 4 points.
"""
from __future__ import annotations

import pytest
from test_drill import AS_OF, build_province

import db
from dashboard.queries import whatif
from indicators import engine

PERIOD = "2024-03"


@pytest.fixture
def province(con, db_path, monkeypatch):
    build_province(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def stored(path, unit: str) -> tuple:
    con = db.connect(path, read_only=True)
    try:
        return con.execute("""select s.total, s.band, s.rank, i.p_4_2 from unit_scores s join unit_indicators i
                              using (ruleset, period, unit_code) where s.period = ? and s.unit_code = ?""",
                           [PERIOD, unit]).fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("unit, numerator, before, after", [("99", 10, 4 * 9 / 13, 4 * 10 / 13),
                                                             ("99101", 5, 4 * 4 / 5, 4.0)])
def test_the_what_if_is_what_the_engine_stores_when_the_change_is_made(province, unit, numerator, before, after):
    predicted = whatif.apply(unit, PERIOD, {"4.2": numerator})
    row = predicted["indicators"].set_index("indicator_id").loc["4.2"]
    assert (row.points_before, row.points_after) == (pytest.approx(before), pytest.approx(after))
    total, band, rank, points = stored(province, unit)
    assert predicted["total_before"] == pytest.approx(total) and predicted["rank_before"] == rank
    con = db.connect(province)
    con.execute("update dossiers set components_digitized = true where dossier_code = 'c03'")
    engine.refresh(con, as_of=AS_OF)
    con.close()
    total, band, rank, points = stored(province, unit)
    assert points == pytest.approx(after)
    assert predicted["total_after"] == pytest.approx(total)
    assert predicted["total_after"] - predicted["total_before"] == pytest.approx(after - before)
    assert (predicted["band_after"], predicted["rank_after"]) == (band, rank)


def test_a_shared_measure_moves_every_indicator_counting_it(province):
    # 2.1's denominator and 5.3's are the same processed dossiers; a numerator is its own measure
    predicted = whatif.apply("99", PERIOD, {"2.1": 13}).get("indicators").set_index("indicator_id")
    assert predicted.loc["2.1", "points_after"] == pytest.approx(20.0)
    assert predicted.loc["5.3", "points_after"] == pytest.approx(predicted.loc["5.3", "points_before"])


def test_bad_changes_are_refused(province):
    with pytest.raises(ValueError, match="between 0 and its denominator 13"):
        whatif.apply("99", PERIOD, {"2.1": 14})
    with pytest.raises(ValueError, match="'2.2' is not a scored indicator"):
        whatif.apply("99", PERIOD, {"2.2": 1})
    assert whatif.apply("12345", PERIOD, {"2.1": 1}) is None
