"""The 2025 reform: one engine, 63 provinces and their districts before it, 34 provinces and no district after it.

A period that straddles the reform (the year 2025) is scored with the units valid at its end;
the dossiers of closed units go to their successors (a commune to its default new commune,
any other unit to its new province).
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import add_dossier, add_procedure

from indicators import engine

AS_OF = datetime(2026, 1, 31)


@pytest.fixture
def nationwide(con):
    for (code,) in con.execute("select distinct unit_code from units where kind = 'province'").fetchall():
        add_procedure(con, "X", code)
    add_dossier(con, "old", "25747", "2024-03-04 08:00", procedure="X", synced_to_portal=True)  # Phú Cường, Bình Dương
    add_dossier(con, "before", "25747", "2025-03-04 08:00", procedure="X", synced_to_portal=True)
    add_dossier(con, "after", "25747", "2025-11-04 08:00", procedure="X", synced_to_portal=False)  # Thủ Dầu Một, HCMC
    engine.refresh(con, as_of=AS_OF, kinds=("quarter", "year"))
    return con


def counts(con, period: str) -> dict[str, int]:
    return dict(con.execute("select unit_kind, count(*) from unit_scores where period = ? group by all", [period]).fetchall())


def test_63_provinces_in_2024_and_34_in_2025_q4(nationwide):
    before, after = counts(nationwide, "2024"), counts(nationwide, "2025-Q4")
    assert (before["province"], before["district"], before["commune"]) == (63, 696, 10035)
    assert (after["province"], after.get("district", 0), after["commune"]) == (34, 0, 3321)
    assert counts(nationwide, "2025-Q1")["province"] == 63
    # quarters without data are not scored
    assert counts(nationwide, "2025-Q2") == counts(nationwide, "2025-Q3") == {}
    assert nationwide.execute("select max(n_peers) from unit_scores where period = '2025-Q4' and peer_list = 'national'"
                              ).fetchone()[0] == 34


def test_a_reused_code_is_two_units(nationwide):
    rows = nationwide.execute("""select period, unit_name, province_code, district_code from unit_scores
                                 where unit_code = '25747' and period in ('2024', '2025-Q4') order by period""").fetchall()
    assert rows == [("2024", "Phường Phú Cường", "74", "718"), ("2025-Q4", "Phường Thủ Dầu Một", "79", None)]


def test_the_year_that_straddles_the_reform_maps_old_dossiers_to_the_new_units(nationwide):
    def synced(period: str, unit: str) -> tuple:
        return nationwide.execute("""select numerator, denominator from indicator_values
                                     where period = ? and unit_code = ? and indicator_id = '1.4'""", [period, unit]).fetchone()
    # 2025 is scored with the new units: the dossier of March (old Phú Cường) joins the one of November
    assert counts(nationwide, "2025")["province"] == 34
    assert synced("2025", "25747") == (1, 2)
    assert synced("2025", "79") == (1, 2)
    # the quarters on each side keep their own tree
    assert synced("2025-Q1", "25747") == (1, 1)
    assert synced("2025-Q1", "74") == (1, 1)
    assert synced("2025-Q1", "718") == (1, 1)
    assert synced("2025-Q4", "79") == (0, 1)
    # and a unit closed by the reform is not scored in 2025 any more
    assert nationwide.execute("select count(*) from unit_scores where period = '2025' and unit_code = '718'").fetchone()[0] == 0
