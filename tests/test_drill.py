"""The drill-down against the engine: for each unit and indicator, the failing rows it lists are exactly the
denominator less the numerator the engine stored, and they are the dossiers worked out by hand.

Tỉnh Thử nghiệm (99): district 991 with communes 99101 and 99102, district 992 with commune 99201, and the
department 99-STP. Thirteen dossiers received on 4 March 2024, due 11 March 17:00; scored by a full refresh
judged on 31 January 2025. Procedure A (commune, fee-bearing, online), B (district, result document),
C (province, handled by 99-STP, fee-bearing, result document).
"""
from __future__ import annotations

from datetime import datetime

import pytest
from test_engine_helpers import add_decision, add_dossier, add_feedback, add_procedure

from access.scope import Scope
from indicators import REGISTRY, drill, engine

COUNTRY = Scope.country()

AS_OF = datetime(2025, 1, 31)
DUE = "2024-03-11 17:00"
# code: unit, procedure, channel, fee, paid online, digitised, result attached, finished (None: still open)
DOSSIERS = {
    "c01": ("99101", "A", "online", 1000, True, True, None, "2024-03-08 10:00"),
    "c02": ("99101", "A", "direct", 1000, False, True, None, "2024-03-12 10:00"),
    "c03": ("99101", "A", "online", 1000, True, False, None, "2024-03-07 10:00"),
    "c04": ("99101", "A", "direct", 0, None, True, None, "2024-03-13 10:00"),
    "c05": ("99101", "A", "direct", 1000, False, True, None, None),
    "c06": ("99102", "A", "online", 1000, True, True, None, "2024-03-05 10:00"),
    "c07": ("99102", "A", "direct", 0, None, False, None, "2024-03-06 10:00"),
    "d01": ("991", "B", "direct", None, None, True, True, "2024-03-06 10:00"),
    "d02": ("991", "B", "direct", None, None, True, False, "2024-03-20 10:00"),
    "e01": ("99201", "A", "online", 1000, True, True, None, "2024-03-08 10:00"),
    "e02": ("99201", "A", "direct", 1000, False, False, None, "2024-03-15 10:00"),
    "s01": ("99-STP", "C", "online", 500, True, True, True, "2024-03-07 10:00"),
    "s02": ("99-STP", "C", "direct", 500, False, True, True, "2024-03-09 10:00"),
}
UNITS = [("99", "Tỉnh Thử nghiệm", "province", None), ("991", "Huyện Một", "district", "99"),
         ("992", "Huyện Hai", "district", "99"), ("99101", "Xã Một Một", "commune", "991"),
         ("99102", "Xã Một Hai", "commune", "991"), ("99201", "Xã Hai Một", "commune", "992"),
         ("99-STP", "Sở Tư pháp", "department", "99")]


def build_province(con) -> None:
    """Insert the province, its catalogue, dossiers and feedback, and score every period with a full refresh."""
    for code, name, kind, parent in UNITS:
        con.execute("insert into units (unit_code, name, kind, parent_code, valid_to) "
                    "values (?, ?, ?, ?, '2025-06-30')", [code, name, kind, parent])
    add_procedure(con, "A", "99", name="Đăng ký khai sinh", levels=["commune"], online_service="full",
                  fee_bearing=True, payment_integrated=True)
    add_procedure(con, "B", "99", name="Cấp giấy phép xây dựng", levels=["district"], requires_result_document=True)
    add_procedure(con, "C", "99", name="Cấp phiếu lý lịch tư pháp", levels=["province"], agency_code="99-STP",
                  online_service="partial", fee_bearing=True, payment_integrated=False, requires_result_document=True)
    add_procedure(con, "D", "99", name="Thủ tục chưa có hồ sơ", levels=["commune"], online_service="partial")
    for code, (unit, procedure, channel, fee, paid, digitised, attached, finished) in DOSSIERS.items():
        add_dossier(con, code, unit, procedure=procedure, channel=channel, fee_total=fee, paid_online=paid,
                    components_digitized=digitised, result_file_attached=attached, synced_to_portal=True,
                    due_at=DUE, finished_at=finished, received="2024-03-04 08:00")
    # A: effective two working days after its decision (5 needed), published the next day; B: announced in time,
    # never published
    add_decision(con, "A", "QĐ-1", "2024-03-04", effective="2024-03-06", published="2024-03-05 09:00", province="99")
    add_decision(con, "B", "QĐ-2", "2024-03-05", effective="2024-03-20", province="99")
    add_feedback(con, "f1", "99101", due_at="2024-03-10 17:00", handled_at="2024-03-08 10:00", likes=1)
    add_feedback(con, "f2", "99101", due_at="2024-03-10 17:00", handled_at="2024-03-12 10:00")
    add_feedback(con, "f3", "99201", due_at="2024-03-10 17:00", handled_at="2024-03-09 10:00", dislikes=2)
    engine.refresh(con, as_of=AS_OF)


@pytest.fixture
def province(con):
    build_province(con)
    return con


def stored(con, unit: str, period: str) -> dict[str, tuple[float, float]]:
    rows = con.execute("select indicator_id, numerator, denominator from indicator_values where period = ? and "
                       "unit_code = ?", [period, unit]).fetchall()
    return {i: (n, d) for i, n, d in rows}


@pytest.mark.parametrize("unit", ["99", "991", "99101", "99201", "99-STP", "992"])
@pytest.mark.parametrize("period", ["2024-03", "2024-Q1", "2024"])
def test_failing_rows_are_the_denominator_less_the_numerator(province, unit, period):
    judged = drill.judge(COUNTRY, province, unit, period, as_of=AS_OF)
    values = stored(province, unit, period)
    listed = [i for i in REGISTRY if drill.kind_of(REGISTRY[i]) is not None]
    every = {"1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.5", "3.6", "4.1", "4.2", "4.6", "5.1", "5.2", "5.3"}
    assert every <= set(listed)
    for indicator_id in listed:
        numerator, denominator = values[indicator_id]
        assert len(judged.failing(indicator_id)) == denominator - numerator, (unit, period, indicator_id)


def codes(frame, column="dossier_code") -> list[str]:
    return sorted(frame[column])


def test_late_dossiers_of_the_province_and_a_district(province):
    # late: c02, c04, e02 finished after 11 March 17:00, d02 on 20 March; c05 still open on 31 March
    assert codes(drill.judge(COUNTRY, province, "99", "2024-03", as_of=AS_OF).failing("2.1")) == ["c02", "c04", "c05", "d02",
                                                                                         "e02"]
    district = drill.judge(COUNTRY, province, "991", "2024-03", as_of=AS_OF).failing("2.1")
    assert codes(district) == ["c02", "c04", "c05", "d02"]
    open_one = district[district.dossier_code == "c05"].iloc[0]
    assert open_one.end_at is None or open_one.end_at != open_one.end_at  # still in progress: no end
    assert district.set_index("dossier_code").loc["d02", "end_kind"] == "finished"


def test_not_digitised_and_not_paid_online(province):
    judged = drill.judge(COUNTRY, province, "99", "2024-03", as_of=AS_OF)
    # 4.2: components not digitised (c03, c07, e02), or a result document without its file (d02)
    assert codes(judged.failing("4.2")) == ["c03", "c07", "d02", "e02"]
    # 3.6: dossiers with a fee not paid online; c04 and c07 had no fee
    assert codes(judged.failing("3.6")) == ["c02", "c05", "e02", "s02"]
    # 4.1: finished dossiers of result-document procedures without the electronic result
    assert codes(judged.failing("4.1")) == ["d02"]


def test_a_commune_sees_only_its_own_dossiers(province):
    judged = drill.judge(COUNTRY, province, "99201", "2024", as_of=AS_OF)
    assert codes(judged.dossiers) == ["e01", "e02"]
    assert codes(judged.failing("2.1")) == ["e02"]


def test_failing_feedback_and_procedures(province):
    judged = drill.judge(COUNTRY, province, "99", "2024-03", as_of=AS_OF)
    # 5.1: f2 handled after its due time; 5.2 also f3, disliked more than liked
    assert codes(judged.failing("5.1"), "feedback_id") == ["f2"]
    assert codes(judged.failing("5.2"), "feedback_id") == ["f2", "f3"]
    # 4.6: no dossier used population data, so each procedure with dossiers fails
    assert codes(judged.failing("4.6"), "procedure_code") == ["A", "B", "C"]
    # 3.2: online procedures under the province's authority without an online dossier: D (partial, no dossier)
    assert codes(judged.failing("3.2"), "procedure_code") == ["D"]
    # 1.1: A announced too late; 1.2: B never published
    assert codes(judged.failing("1.1"), "procedure_code") == ["A"]
    assert codes(judged.failing("1.2"), "procedure_code") == ["B"]
    # 3.5: fee-bearing procedures with fee-bearing dossiers and none paid online: none (A and C had one each)
    assert judged.failing("3.5").empty


def test_indicators_without_listable_rows():
    assert drill.kind_of(REGISTRY["2.2"]) is None  # a sum of working days
    assert drill.kind_of(REGISTRY["4.7"]) is None  # communes
    assert drill.kind_of(REGISTRY["1.1"]) == "procedure"  # procedures of the province, from their decisions
    assert drill.kind_of(REGISTRY["2.1"]) == "dossier"
    assert drill.kind_of(REGISTRY["5.2"]) == "feedback"
    assert drill.kind_of(REGISTRY["3.2"]) == "procedure"


def test_runs_on_a_read_only_connection(province, db_path):
    province.close()
    import db

    reader = db.connect(db_path, read_only=True)
    try:
        judged = drill.judge(COUNTRY, reader, "99", "2024-03", as_of=AS_OF)
        assert len(judged.failing("2.1")) == 5
    finally:
        reader.close()
