"""A whole small province worked out by hand, end to end: every column, the totals, bands and ranks (with ties).

Tỉnh Thử nghiệm (99): district 991 with wards 99101 and 99102, district 992 with wards 99201
and 99202, and the department 99-STP. Provinces 01 and 02 have a one-line catalogue and no
data, so they tie. March 2024, judged on 31 January 2025. The hand computation of every
number below is in the comments: points = max × min(1, ratio / target).
"""
from __future__ import annotations

import pytest
from test_engine_helpers import add_decision, add_dossier, add_feedback, add_procedure

from indicators import engine, periods

COLUMNS = ("transparency", "progress", "online", "payment", "digitisation", "satisfaction")


@pytest.fixture
def province(con):
    units = [("99", "Tỉnh Thử nghiệm", "province", None, None), ("991", "Huyện Một", "district", "99", None),
             ("992", "Huyện Hai", "district", "99", None), ("99101", "Xã Một Một", "commune", "991", True),
             ("99102", "Xã Một Hai", "commune", "991", False), ("99201", "Xã Hai Một", "commune", "992", None),
             ("99202", "Xã Hai Hai", "commune", "992", None), ("99-STP", "Sở Tư pháp", "department", "99", None)]
    for code, name, kind, parent, offers in units:
        con.execute("""insert into units (unit_code, name, kind, parent_code, valid_to, offers_e_certified_copy)
                       values (?, ?, ?, ?, '2025-06-30', ?)""", [code, name, kind, parent, offers])
    add_procedure(con, "A", "99", levels=["commune"], online_service="full", fee_bearing=True, payment_integrated=True)
    add_procedure(con, "B", "99", levels=["district"], content_complete=False, requires_result_document=True)
    add_procedure(con, "C", "99", levels=["province"], agency_code="99-STP", online_service="partial",
                  fee_bearing=True, payment_integrated=False, requires_result_document=True)
    for other in ("01", "02"):
        add_procedure(con, "X", other, levels=["province"])
    add_decision(con, "A", "1", "2024-03-04", effective="2024-03-11", published="2024-03-05 09:00", province="99")
    due, early = "2024-03-11 17:00", "2024-03-08 10:00"
    add_dossier(con, "c1", "99101", procedure="A", channel="online", synced_to_portal=True, fee_total=1000,
                paid_online=True, components_digitized=True, reused_digitized_data=True, from_personal_store=True,
                population_data_used=True, due_at=due, finished_at=early, rating="satisfied")
    add_dossier(con, "c2", "99101", procedure="A", synced_to_portal=True, fee_total=1000, paid_online=False,
                components_digitized=True, due_at=due, finished_at="2024-03-12 10:00")
    add_dossier(con, "c3", "99102", procedure="A", channel="online", synced_to_portal=True, fee_total=0,
                components_digitized=True, population_data_used=True, due_at=due, finished_at="2024-03-05 10:00")
    add_dossier(con, "d1", "991", procedure="B", synced_to_portal=False, components_digitized=True,
                result_file_attached=True, due_at=due, finished_at="2024-03-06 10:00")
    add_dossier(con, "s1", "99-STP", procedure="C", channel="online", synced_to_portal=True, fee_total=500,
                paid_online=True, components_digitized=True, result_file_attached=True, population_data_used=True,
                due_at=due, finished_at="2024-03-07 10:00")
    add_feedback(con, "f1", "99101", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", likes=1)
    add_feedback(con, "f2", "99201", due_at="2024-03-10 17:00", handled_at="2024-03-12 10:00")
    add_feedback(con, "f3", "99202", due_at="2024-03-10 17:00", handled_at="2024-03-12 10:00")
    engine.score_range(con, periods.parse("2024-03"), as_of=engine.datetime(2025, 1, 31))
    return con


def scores(con) -> dict[str, dict]:
    """Return the stored March 2024 scores by unit code."""
    cur = con.execute("select * from unit_scores where period = '2024-03'")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    return {r["unit_code"]: r for r in rows}


# unit: transparency, progress, online, payment, digitisation, satisfaction, total, band
EXPECTED = {
    # 1.1 6 + 1.2 4 + 1.3 (2 of 3 complete) 1.3333 + 1.4 (4 of 5 synced) 4.8; 2.1 4 of 5 → 16;
    # 3.1 2 of 3 online / 0.8 → 1.6667, 3.2 2 of 2 → 4, 3.3 3 of 5 ≥ 50 % → 6;
    # 3.4 1 of 2 / 0.8 → 1.25, 3.5 2 of 2 → 2, 3.6 2 of 3 → 4;
    # 4.1 2 of 2 → 6, 4.2 5 of 5 → 4, 4.3 1 of 5 / 0.8 → 0.5, 4.4 1 of 5 → 0.8, 4.5 3 of 5 → 1.2,
    # 4.6 2 of 3 → 1.3333, 4.7 1 of 2 known → 1; 5.1 1 of 3 → 2, 5.2 1 of 3 → 2, 5.3 4 of 5 / 0.9 → 5.3333
    "99": (16.1333, 16, 11.6667, 7.25, 14.8333, 9.3333, 75.2167, "fair"),
    # 1.4 3 of 4 → 4.5; 2.1 3 of 4 → 15; 3.1 1 of 2 / 0.8 → 1.25, 3.2 → 4, 3.3 2 of 4 → 6; 3.4 2, 3.5 2, 3.6 1 of 2 → 3;
    # 4.1 1 of 1 → 6, 4.2 4, 4.3 1 of 4 / 0.8 → 0.625, 4.4 1, 4.5 2 of 4 → 1, 4.6 1 of 2 → 1, 4.7 1 of 2 → 1;
    # 5.1 6, 5.2 6, 5.3 3 of 4 / 0.9 → 5
    "991": (15.8333, 15, 11.25, 7, 14.625, 17, 80.7083, "good"),
    # no dossiers: 1.1–1.3 11.3333; 3.1 1.25; 3.4 2; 4.7 unknown → 2; both feedback items late → 0
    "992": (11.3333, 0, 1.25, 2, 2, 0, 16.5833, "weak"),
    # 1.4 2 of 2 → 6; 2.1 1 of 2 → 10; 3.1 2, 3.2 4, 3.3 1 of 2 → 6; 3.4 2, 3.5 2, 3.6 1 of 2 → 3;
    # 4.1 no data 0, 4.2 4, 4.3 1 of 2 / 0.8 → 1.25, 4.4 2, 4.5 1, 4.6 2, 4.7 2; 5.1 6, 5.2 6, 5.3 1 of 2 / 0.9 → 3.3333
    "99101": (17.3333, 10, 12, 7, 12.25, 15.3333, 73.9167, "fair"),
    # 1.4 6; 2.1 20; online 12; 3.4 2 and no fee-bearing dossier → 0, 0; 4.2 4, 4.5 2, 4.6 2, 4.7 false → 0;
    # no feedback → 12, 5.3 6
    "99102": (17.3333, 20, 12, 2, 8, 18, 77.3333, "fair"),
    "99201": (11.3333, 0, 2, 2, 2, 0, 17.3333, "weak"),
    "99202": (11.3333, 0, 2, 2, 2, 0, 17.3333, "weak"),
    # authority: C only. 1.4 6; 2.1 20; 3.1 2, 3.2 4, 3.3 6; 3.4 0, 3.5 2, 3.6 6;
    # 4.1 6, 4.2 4, 4.5 2, 4.6 2, 4.7 no commune → 2; no feedback 12, 5.3 6
    "99-STP": (17.3333, 20, 12, 8, 16, 18, 91.3333, "excellent"),
    # a catalogue and nothing else: 1.3 2 + 4.7 unknown 2 + no feedback 12
    "01": (2, 0, 0, 0, 2, 12, 16, "weak"),
    "02": (2, 0, 0, 0, 2, 12, 16, "weak"),
}


def test_every_column_total_and_band(province):
    got = scores(province)
    for unit, (*columns, total, band) in EXPECTED.items():
        row = got[unit]
        assert [row[c] for c in COLUMNS] == pytest.approx(columns, abs=1e-4), unit
        assert sum(row[c] for c in COLUMNS) == pytest.approx(row["total"])
        assert (round(row["total"], 4), row["band"]) == (pytest.approx(total, abs=1e-4), band), unit


def test_ranks_within_each_peer_list_with_ties(province):
    got = scores(province)
    rank = {u: (got[u]["peer_list"], got[u]["rank"], got[u]["n_peers"]) for u in EXPECTED}
    assert rank["99"] == ("national", 1, 3)
    assert rank["01"] == rank["02"] == ("national", 2, 3)
    assert (rank["991"], rank["992"]) == (("99:district", 1, 2), ("99:district", 2, 2))
    assert rank["99-STP"] == ("99:department", 1, 1)
    communes = {u: rank[u][1] for u in ("99101", "99102", "99201", "99202")}
    assert communes == {"99102": 1, "99101": 2, "99201": 3, "99202": 3}
    in_district = {u: got[u]["rank_in_district"] for u in communes}
    assert in_district == {"99102": 1, "99101": 2, "99201": 1, "99202": 1}
    # each column has its own rank: the two first wards tie on transparency and on online services
    assert [got[u]["rank_transparency"] for u in ("99101", "99102", "99201", "99202")] == [1, 1, 3, 3]
    assert [got[u]["rank_payment"] for u in ("99101", "99102", "99201", "99202")] == [1, 2, 2, 2]


def test_indicator_values_add_up_to_the_columns(province):
    rows = province.execute("""select v.group_key, sum(v.points), any_value(s.transparency), any_value(s.digitisation)
                               from indicator_values v join unit_scores s using (period, unit_code, ruleset)
                               where v.period = '2024-03' and v.unit_code = '99' group by all""").fetchall()
    by_group = {g: p for g, p, *_ in rows}
    assert by_group["transparency"] == pytest.approx(16.1333, abs=1e-4)
    assert by_group["digitisation"] == pytest.approx(14.8333, abs=1e-4)
