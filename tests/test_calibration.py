"""The default demo tells the published story of Bình Dương in 2024 (methodology §7), through the real engine."""
from __future__ import annotations

from datetime import date

import pytest

from etl.demo.build import DEFAULT_SEED, run_demo
from indicators import engine


@pytest.fixture(scope="module")
def scored(tmp_path_factory, template_db):
    """Return a connection to the default national demo, scored by year."""
    import shutil

    import db
    path = tmp_path_factory.mktemp("calibration") / "demo.duckdb"
    shutil.copy(template_db, path)
    con = db.connect(path)
    run_demo(con, None, date(2024, 1, 1), date(2025, 12, 31), 1.0, DEFAULT_SEED)
    engine.refresh(con, kinds=("year",))
    yield con
    con.close()


def _bands(con, kind: str) -> dict[str, int]:
    return dict(con.execute("""select band, count(*) from unit_scores
                               where period = '2024' and province_code = '74' and unit_kind = ? group by band""",
                            [kind]).fetchall())


def test_binh_duong_total_and_rank(scored):
    total, rank, n_peers = scored.execute("""select total, rank, n_peers from unit_scores
                                             where period = '2024' and unit_code = '74' and unit_kind = 'province'""").fetchone()
    assert abs(total - 84.5) <= 1.5  # published: 84.5
    assert 18 <= rank <= 26 and n_peers == 63  # published: 22nd of 63


def test_binh_duong_districts_and_communes(scored):
    assert _bands(scored, "district") == {"excellent": 9}  # published: all 9 excellent
    communes = _bands(scored, "commune")
    assert sum(communes.values()) == 91
    assert communes.get("excellent", 0) >= 80  # published: 85 of 91
    assert set(communes) <= {"excellent", "good"}  # published: the other 6 good


def test_the_reform_in_the_scores(scored):
    kinds = dict(scored.execute("""select period, count(*) from unit_scores
                                   where unit_kind = 'province' group by period""").fetchall())
    assert kinds == {"2024": 63, "2025": 34}
