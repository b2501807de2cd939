"""Access by unit where the data is read: the drill and the query layer return only the rows of the reader's scope,
and refuse a unit outside it; the 2025 reform case of the access issue, worked by hand.

The officer of the new Phường Thủ Dầu Một (25747, from 1 July 2025) sees the 2024 dossiers of the old Phú Cường
(25747), Phú Thọ (25753) and Chánh Nghĩa (25756), which went into it whole, and nobody else's: not those of Chánh
Mỹ (25774) nor Hiệp Thành (25741), divided communes whose default successors are 25771 and 25750. Over random
units of today's official tree (hypothesis), a scope covers exactly its subtree and the old units that went into it.
"""
from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_helpers import add_dossier, add_procedure

from access.scope import COUNTRY, Refused, Scope
from conftest import ROOT
from dashboard.queries import base
from dashboard.queries import data as data_queries
from dashboard.queries import unit as queries
from indicators import drill, engine

AS_OF = datetime(2025, 1, 31)
# dossier: old unit (2024)
DOSSIERS = {"phu-cuong": "25747", "phu-tho": "25753", "chanh-nghia": "25756", "chanh-my": "25774",
            "hiep-thanh": "25741", "vung-tau": "26506", "ha-noi": "00013"}
OFFICER = Scope("officer", "25747")
LEADER = Scope("leader", "79")
ANALYST = Scope("analyst", "79")


@pytest.fixture
def reform(con, db_path, monkeypatch):
    for province in ("74", "77", "01"):
        add_procedure(con, "X", province)
    for code, unit in DOSSIERS.items():
        add_dossier(con, code, unit, "2024-03-04 08:00", procedure="X", due_at="2024-03-08 17:00",
                    finished_at="2024-03-20 10:00", synced_to_portal=True)
    engine.refresh(con, as_of=AS_OF, kinds=("year",))
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def _seen(scope: Scope, unit: str, period: str = "2024") -> list[str]:
    judged = queries.judged(scope, unit, period)
    return sorted(judged.dossiers["dossier_code"])


def test_the_officer_of_the_new_commune_sees_exactly_the_old_communes_that_went_into_it(reform):
    # the old province's year, judged with the officer's scope: only the three communes that went in whole
    import db

    con = db.connect(reform, read_only=True)
    try:
        judged = drill.judge(OFFICER, con, "74", "2024", as_of=AS_OF)
    finally:
        con.close()
    assert sorted(judged.dossiers["dossier_code"]) == ["chanh-nghia", "phu-cuong", "phu-tho"]
    # through the query layer: each old commune that went into it, none of the divided ones nor their district
    assert _seen(OFFICER, "25753") == ["phu-tho"]
    assert _seen(OFFICER, "25756") == ["chanh-nghia"]
    assert _seen(OFFICER, "25747") == ["phu-cuong"]
    for outside in ("25774", "25741", "718", "74", "79", "00013"):
        with pytest.raises(Refused, match=outside):
            queries.judged(OFFICER, outside, "2024")


def test_the_leader_of_the_new_province_sees_its_old_provinces(reform):
    assert _seen(LEADER, "74") == ["chanh-my", "chanh-nghia", "hiep-thanh", "phu-cuong", "phu-tho"]
    assert _seen(ANALYST, "77") == ["vung-tau"]
    assert _seen(LEADER, "25774") == ["chanh-my"]
    with pytest.raises(Refused):
        queries.judged(LEADER, "01", "2024")
    with pytest.raises(Refused):
        queries.failing_rows(LEADER, "00013", "2024", "2.1")
    assert _seen(Scope.country(), "01") == ["ha-noi"]


def test_failing_rows_and_procedures_are_limited_to_the_scope(reform):
    rows, count = queries.failing_rows(OFFICER, "25753", "2024", "2.1")
    assert (rows["dossier_code"].tolist(), count) == (["phu-tho"], 1)
    assert queries.failing_procedures(OFFICER, "25753", "2024", "2.1")["n_failing"].tolist() == [1]
    with pytest.raises(Refused):
        queries.failing_procedures(OFFICER, "25774", "2024", "2.1")
    # nothing is judged nor started for a unit outside the scope
    queries.prepare_drill(OFFICER, "74", "2024")
    assert not any(key[2] == "74" and key[1] == OFFICER for key in queries._DRILLS)


def test_the_scope_is_part_of_the_cache_key(reform):
    leader_rows = _seen(LEADER, "718")
    assert any(key[1] == LEADER and key[2] == "718" for key in queries._DRILLS)
    # the same unit and period for the officer is refused, not served from the leader's kept rows
    with pytest.raises(Refused):
        queries.judged(OFFICER, "718", "2024")
    assert leader_rows == ["chanh-my", "chanh-nghia", "hiep-thanh", "phu-cuong", "phu-tho"]


def test_the_data_page_queries_need_a_role_that_sees_loads(reform):
    assert data_queries.load_runs(LEADER).empty
    with pytest.raises(Refused):
        data_queries.rejected_rows(OFFICER)
    with pytest.raises(TypeError):
        data_queries.rejection_reasons(None)


def test_a_scope_needs_a_role_and_a_unit_and_none_is_never_everything():
    with pytest.raises(ValueError):
        Scope("officer", None)
    with pytest.raises(ValueError):
        Scope("officer", COUNTRY)
    with pytest.raises(ValueError):
        Scope("admin", "79")
    with pytest.raises(ValueError):
        Scope("guest", "79")
    with pytest.raises(TypeError):
        base.scoped_frame(None, "select * from readable")
    with pytest.raises(ValueError, match="readable"):
        base.scoped_frame(OFFICER, "select * from dossiers")
    with pytest.raises(TypeError):
        drill.judge(None, None, "74", "2024")


# What a dossier-level function reads: the drill, the dossiers, the feedback items, the rejected rows, loads.
DOSSIER_LEVEL = ("judged", "drill.judge", "failing", "rejected_rows", "load_runs", "_drill_key", "prepare(")
# Functions that only count (the data page's totals, the provinces' dossier counts; the month-end forecast's totals,
# bands and number of dossiers due, judged over every row of the unit as its scores are; the moment of the last
# load) and list no row.
COUNTS_ONLY = {"overview", "provinces", "_provinces"}
COUNTS_ONLY_IN = {"dashboard/queries/forecast.py": {"compute", "_kept", "forecast", "late_chances"},
                  "dashboard/queries/base.py": {"as_of"}}  # the moment of the last load
# The query layer and the drill: every module, so a new one is scanned as soon as it exists.
SCANNED = sorted({str(p.relative_to(ROOT)) for p in (ROOT / "dashboard" / "queries").glob("*.py")}
                 | {"indicators/drill.py"})


def test_the_scan_covers_the_query_modules_of_the_to_do_list_forecast_what_if_and_plan():
    assert {"dashboard/queries/todo.py", "dashboard/queries/forecast.py", "dashboard/queries/whatif.py",
            "dashboard/queries/plan.py", "dashboard/queries/unit.py", "dashboard/queries/data.py"} <= set(SCANNED)


@pytest.mark.parametrize("module", SCANNED)
def test_every_dossier_level_query_takes_the_scope_first(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    missing = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name in COUNTS_ONLY | COUNTS_ONLY_IN.get(module, set()):
            continue
        body = ast.get_source_segment(source, node)
        body = body[body.index(":\n"):]  # the body, not the signature
        reaches = any(word in body for word in DOSSIER_LEVEL) or "dossiers" in body.split('"""')[-1]
        # the drill's inner steps, reached only through judge and prepare with a scope, or keyed by one (_judged)
        inner = {"_judged", "_judge_pending", "_finish_pending", "kind_of", "_row_values", "_procedures",
                 "_decisions", "_facts_with_codes", "_stored", "_measures", "_flag_columns", "_indicator_row",
                 "_recoverable", "_rows"}
        if reaches and node.name not in inner:
            first = node.args.args[0].arg if node.args.args else None
            if first != "scope":
                missing.append(node.name)
    assert missing == [], f"{module}: dossier-level functions without a scope first: {missing}"


@pytest.fixture(scope="module")
def tree(template_db):
    """The official units of both trees and the old→new mapping, read once."""
    import db

    con = db.connect(template_db, read_only=True)
    try:
        units = con.execute("select unit_code, valid_from, valid_to, kind, district_code, province_code "
                            "from unit_tree").df()
        mapping = con.execute("select old_code, new_code, old_province_code, new_province_code, is_default "
                              "from unit_mapping").df()
    finally:
        con.close()
    return template_db, units, mapping


def _readable(path, scope: Scope) -> set[tuple]:
    import db

    from access.scope import UNITS_SQL

    con = db.connect(path, read_only=True)
    try:
        return set(con.execute(UNITS_SQL, scope.params()).fetchall())
    finally:
        con.close()


def _pair(code: str, valid_from) -> tuple:
    return code, None if pd.isna(valid_from) else pd.Timestamp(valid_from).date()


@given(st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_scope_covers_its_subtree_and_the_old_units_that_went_into_it(tree, data):
    path, units, mapping = tree
    today = units[units["valid_to"].isna()]
    unit = data.draw(st.sampled_from(sorted(today["unit_code"].unique())))
    kind = today[today["unit_code"] == unit]["kind"].iloc[0]
    seen = _readable(path, Scope("officer", unit))
    codes = {code for code, _ in seen}
    new_rows = today[(today["unit_code"] == unit) | (today["province_code"] == unit)]
    assert set(new_rows["unit_code"]) <= codes
    old = units[units["valid_to"].notna()]
    if kind == "province":
        olds = set(mapping.loc[mapping["new_province_code"] == unit, "old_province_code"])
        assert set(old.loc[old["province_code"].isin(olds), "unit_code"]) <= codes
        # nothing of another new province
        others = today[(today["province_code"] != unit)]
        assert not ({_pair(c, f) for c, f in zip(others["unit_code"], others["valid_from"])}
                    & {_pair(c, f) for c, f in seen})
    else:
        went_in = set(mapping.loc[(mapping["new_code"] == unit) & mapping["is_default"], "old_code"])
        expected = {(unit, today[today["unit_code"] == unit]["valid_from"].iloc[0])} | {
            (c, f) for c, f in zip(old["unit_code"], old["valid_from"]) if c in went_in}
        assert {_pair(c, f) for c, f in seen} == {_pair(c, f) for c, f in expected}
