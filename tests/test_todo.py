"""The to-do list (dashboard/queries/todo.py) and the engine's points of given values (indicators/whatif.py), on
hand-made data scored by the engine.

Tỉnh Thử nghiệm (99) with commune 99101, judged on Wednesday 13 March 2024 at 10:00. The commune has ten
dossiers processed in March, every one on time: nine finished, one open and due tomorrow (Thursday 14 March
16:00), so 2.1 earns 20 × 10/10 = 20 and would earn 20 × 9/10 = 18 if it went late: 2 points at stake, exactly
20 × 1/10 with the target 100 %. 5.3 counts it among the satisfied (10/10, target 90 %): 9/10 still reaches
the target, so none of 5.3's 6 points is at stake. One more dossier was due yesterday and is still open: it is
overdue, its points already lost. One feedback item, open and due tomorrow, is the commune's only one: going
late, it takes 5.1 from 6 to 0 and, handled late, 5.2 from 6 to 0.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from test_drill import build_province
from test_engine_helpers import add_decision, add_dossier, add_feedback, add_procedure

from access.scope import Refused, Scope
from dashboard.queries import todo
from indicators import REGISTRY, engine, whatif
from indicators.outputs import ref

AS_OF = datetime(2024, 3, 13, 10, 0)
EVERY = Scope.country()
UNITS = [("99", "Tỉnh Thử nghiệm", "province", None), ("991", "Huyện Một", "district", "99"),
         ("99101", "Xã Một Một", "commune", "991")]


def build(con, overdue: bool = False, valid_to: str | None = "2025-06-30") -> None:
    """Build the commune of the module's note; with valid_to=None its units are units of today's tree, which an
    account can be given."""
    for code, name, kind, parent in UNITS:
        con.execute("insert into units (unit_code, name, kind, parent_code, valid_to) values (?, ?, ?, ?, ?)",
                    [code, name, kind, parent, valid_to])
    add_procedure(con, "A", "99", name="Đăng ký khai sinh", levels=["commune"])
    for n in range(9):
        add_dossier(con, f"done{n}", "99101", procedure="A", received="2024-03-04 08:00", due_at="2024-03-11 17:00",
                    finished_at="2024-03-08 10:00", status="finished")
    add_dossier(con, "open1", "99101", procedure="A", received="2024-03-07 08:00", due_at="2024-03-14 16:00",
                status="processing")
    if overdue:
        add_dossier(con, "late1", "99101", procedure="A", received="2024-03-05 08:00", due_at="2024-03-12 16:00",
                    status="processing")
    add_feedback(con, "f1", "99101", received="2024-03-01 09:00", due_at="2024-03-14 17:00")
    # decided on Thursday 7 March, not yet published: due by the end of the 5th working day after, 14 March
    add_decision(con, "A", "QĐ-1", "2024-03-07", effective="2024-04-20", province="99")
    engine.refresh(con, as_of=AS_OF)


@pytest.fixture
def commune(con, db_path, monkeypatch):
    build(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_points_at_stake_of_a_dossier_due_tomorrow(commune):
    listed = todo.todo(EVERY, "99101", within=2)
    assert (listed.period, listed.as_of, listed.horizon) == ("2024-03", AS_OF, datetime(2024, 3, 15, 23, 59, 59))
    row = listed.dossiers.set_index("dossier_code").loc["open1"]
    assert row.state == "due_soon"
    assert row.stake_2_1 == pytest.approx(20 * 1 / 10)
    assert row.stake_5_3 == pytest.approx(0.0)
    assert row.stake_total == pytest.approx(2.0)
    # 13 March 10:00 to 14 March 16:00: 1 working day and 6 hours of its 24
    assert row.working_days_left == pytest.approx(1.25)
    assert (row.procedure_name, row.unit_name) == ("Đăng ký khai sinh", "Xã Một Một")
    # the feedback item: 5.1 and 5.2, 6 points each, all at stake
    item = listed.feedback.set_index("feedback_id").loc["f1"]
    assert (item.stake_5_1, item.stake_5_2, item.stake_total) == (pytest.approx(6.0), pytest.approx(6.0),
                                                                   pytest.approx(12.0))
    # the province's decision awaiting publication, due by the end of 14 March
    decision = listed.decisions.set_index("decision_no").loc["QĐ-1"]
    assert decision.deadline == pd.Timestamp("2024-03-14 23:59:59") and decision.state == "due_soon"


def test_the_province_weighs_the_same_dossier_on_its_own_points(commune):
    listed = todo.todo(EVERY, "99", within=2).dossiers.set_index("dossier_code")
    # the province holds the same ten dossiers: the same 2 points of its 2.1; the commune's own stake beside them
    assert listed.loc["open1", "stake_2_1"] == pytest.approx(2.0)
    assert listed.loc["open1", "own_stake"] == pytest.approx(2.0)


def test_nothing_is_due_today_and_a_shorter_horizon_keeps_only_what_falls_in_it(commune):
    listed = todo.todo(EVERY, "99101", within=0)
    assert listed.horizon == datetime(2024, 3, 13, 23, 59, 59)
    assert listed.dossiers.empty and listed.feedback.empty


def test_an_overdue_dossier_is_listed_first_in_urgency_with_nothing_left_at_stake(con, db_path, monkeypatch):
    build(con, overdue=True)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    listed = todo.todo(EVERY, "99101", within=2).dossiers
    assert listed["dossier_code"].tolist() == ["open1", "late1"]  # most points at stake first
    late = listed.set_index("dossier_code").loc["late1"]
    assert late.state == "overdue" and late.stake_total == 0 and late.working_days_left < 0
    # 11 processed, 10 on time: the open one now takes 2.1 from 20 × 10/11 to 20 × 9/11
    assert listed.set_index("dossier_code").loc["open1", "stake_2_1"] == pytest.approx(20 / 11)


def test_the_unit_is_the_addressed_one_else_the_first_province(commune):
    assert todo.choose_unit(EVERY, "99101") == "99101"
    assert todo.choose_unit(EVERY, "no-such-unit") == "99" and todo.choose_unit(EVERY, None) == "99"
    assert todo.todo(EVERY, "no-such-unit") is None
    with pytest.raises(ValueError, match="within must be 0 to 20"):
        todo.todo(EVERY, "99", within=21)


@pytest.fixture
def today(con, db_path, monkeypatch):
    """The same commune in today's tree: the units accounts are given."""
    build(con, valid_to=None)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_a_reader_s_list_is_their_own_unit_s_and_another_unit_is_refused(today):
    officer, leader = Scope("officer", "99101"), Scope("leader", "99")
    # without a unit in the address, the reader's own; a unit the address names is chosen, and todo refuses it
    assert todo.choose_unit(officer, None) == "99101" and todo.choose_unit(leader, None) == "99"
    assert todo.choose_unit(officer, "no-such-unit") == "99101"
    assert todo.choose_unit(officer, "99") == "99"
    assert todo.choose_unit(Scope("officer", "01001"), None) is None  # nothing of theirs scored in the last month
    for outside in ("99", "991"):
        with pytest.raises(Refused, match=f"unit {outside} are outside this account's scope"):
            todo.todo(officer, outside)
    with pytest.raises(TypeError):
        todo.choose_unit(None, "99101")
    # the officer's own list: the same rows and points at stake as the country's, the scope in the cache key
    mine, every = todo.todo(officer, "99101"), todo.todo(EVERY, "99101")
    assert mine.dossiers["dossier_code"].tolist() == every.dossiers["dossier_code"].tolist() == ["open1"]
    assert mine.dossiers["stake_total"].tolist() == pytest.approx([2.0])
    assert mine.feedback["feedback_id"].tolist() == ["f1"]
    # the leader of the province sees the commune's dossier in the province's list; the officer sees units of theirs
    assert todo.todo(leader, "99").dossiers["dossier_code"].tolist() == ["open1"]
    assert todo.readable_units(officer)["unit_code"].tolist() == ["99101"]
    assert todo.readable_units(leader)["unit_code"].tolist() == ["99", "991", "99101"]


def test_whatif_scores_the_stored_values_as_the_engine_stored_them(con):
    build_province(con)
    stored = con.execute(f"""
        select i.unit_code, i.unit_kind, {", ".join(f"i.{c}" for c in whatif.VALUE_COLUMNS)},
               {", ".join(f"i.p_{ref(x)}" for x in REGISTRY)}, s.total, s.band
        from unit_indicators i join unit_scores s using (ruleset, period, unit_code)
        where i.period = '2024-03' order by i.unit_code""").df()
    assert len(stored) == 7
    for kind, rows in stored.groupby("unit_kind"):
        again = whatif.score(rows[list(whatif.VALUE_COLUMNS)], unit_kind=kind)
        for x in REGISTRY:
            assert again[f"p_{ref(x)}"].tolist() == pytest.approx(rows[f"p_{ref(x)}"].tolist()), (kind, x)
        assert again["total"].tolist() == pytest.approx(rows["total"].tolist())
        assert again["band"].tolist() == rows["band"].tolist()


def test_whatif_refuses_missing_and_negative_values():
    with pytest.raises(ValueError, match="missing: n_1_1"):
        whatif.score(pd.DataFrame([{"d_1_1": 1}]))
    values = {c: 1.0 for c in whatif.VALUE_COLUMNS}
    with pytest.raises(ValueError, match="negative numerators or denominators: n_2_1"):
        whatif.score(pd.DataFrame([{**values, "n_2_1": -1}]))


def test_a_unit_of_today_s_tree_opens_the_old_unit_that_went_into_it(commune):
    # the old commune 99101 (scored in March 2024) went whole into 99201 of today's tree (from 1 July 2025): its
    # officer's list is the old commune's, the month's scores being those of the old tree
    import db

    con = db.connect(commune)
    con.execute("insert into units (unit_code, name, kind, parent_code, valid_from) values "
                "('98', 'Tỉnh Mới', 'province', null, '2025-07-01'), "
                "('99201', 'Xã Mới', 'commune', '98', '2025-07-01')")
    con.execute("insert into unit_mapping values ('99101', '99201', '99', '98', true, false)")
    con.close()
    officer = Scope("officer", "99201")
    assert todo.choose_unit(officer, None) == "99101"
    assert todo.todo(officer, "99101").dossiers["dossier_code"].tolist() == ["open1"]
    with pytest.raises(Refused):
        todo.todo(officer, "99")
