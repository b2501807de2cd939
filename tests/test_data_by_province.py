"""The data page by province: each rejected row records the unit it names, and a leader or an analyst reads the
rejected rows and the loads of their province only (either tree), an admin everything, an officer nothing — over
real loads of a small procedures file with bad rows of two provinces, of no province and of an unknown one."""
from __future__ import annotations

import csv

import duckdb
import pytest

import db
from access.scope import Refused, Scope
from app import create_app
from conftest import ROOT
from dashboard import exports
from dashboard.queries import data as queries
from etl.load import load_paths
from signin import reading_as

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import data as page  # noqa: E402

# line, province_code, procedure_code, max_processing_days: lines 2 to 6 are rejected, line 7 is good.
ROWS = (
    (2, "74", "P-1", "abc"),  # old Bình Dương, which went into new 79 (Hồ Chí Minh City): unparseable number
    (3, "01", "P-2", "abc"),  # Hà Nội: unparseable number
    (4, "79", "P-3", "abc"),  # Hồ Chí Minh City: unparseable number
    (5, "", "P-4", "1"),      # no province: missing required value
    (6, "99", "P-5", "1"),    # no such province: unknown province
    (7, "79", "P-6", "1"),    # good
)


def _procedures(folder, rows) -> None:
    """Write procedures.csv in `folder`: the first sample row with each (province, code, days) of `rows`."""
    with open(ROOT / "data" / "sample" / "procedures.csv", encoding="utf-8") as f:
        header, first = list(csv.reader(f))[:2]
    folder.mkdir()
    lines = []
    for _, province, code, days in rows:
        row = list(first)
        row[header.index("province_code")], row[header.index("procedure_code")] = province, code
        row[header.index("max_processing_days")] = days
        lines.append(row)
    with open(folder / "procedures.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *lines])


@pytest.fixture
def loaded(con, db_path, tmp_path, monkeypatch):
    """Load 1: one good row of Hà Nội. Load 2: the six rows of ROWS."""
    _procedures(tmp_path / "june", [(2, "01", "P-0", "1")])
    load_paths(con, [tmp_path / "june"], source="june")
    _procedures(tmp_path / "july", ROWS)
    load_paths(con, [tmp_path / "july"], source="july")
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_each_rejected_row_records_the_unit_it_names(loaded):
    con = duckdb.connect(str(loaded), read_only=True)
    rows = con.execute("select line, unit_code, reason from rejected_rows order by line").fetchall()
    con.close()
    assert [(line, unit) for line, unit, _ in rows] == [(2, "74"), (3, "01"), (4, "79"), (5, None), (6, "99")]
    assert rows[3][2] == "missing required value" and rows[4][2] == "unknown province"


def test_the_leader_of_79_sees_the_rows_of_79_and_of_old_74_only(loaded):
    leader = Scope("leader", "79")
    rows = queries.rejected_rows(leader)
    assert list(zip(rows["line"], rows["unit_code"])) == [(2, "74"), (4, "79")]
    reasons = queries.rejection_reasons(leader)
    assert list(reasons["n_rows"]) == [2]
    runs = queries.load_runs(leader)
    # load 1 rejected nothing of 79; load 2 rejected its lines 2 and 4, in one file; what a load read and wrote
    # is not stored by province
    assert list(runs["load_id"]) == [2]
    assert (runs["n_rejected"].iloc[0], runs["n_files"].iloc[0]) == (2, 1)
    assert runs[["n_read", "n_loaded", "n_replaced", "n_unchanged"]].isna().all().all()
    assert queries.rejected_rows(leader, 1).empty


def test_the_leader_of_ha_noi_sees_neither_79_nor_rows_naming_no_known_unit(loaded):
    rows = queries.rejected_rows(Scope("leader", "01"))
    assert list(zip(rows["line"], rows["unit_code"])) == [(3, "01")]
    assert list(queries.load_runs(Scope("leader", "01"))["n_rejected"]) == [1]


def test_a_reader_of_a_commune_sees_their_province(loaded):
    rows = queries.rejected_rows(Scope("analyst", "25747"))  # Phường Thủ Dầu Một, Hồ Chí Minh City
    assert list(zip(rows["line"], rows["unit_code"])) == [(2, "74"), (4, "79")]


def test_an_admin_sees_every_rejected_row_and_load(loaded):
    rows = queries.rejected_rows(Scope.country())
    assert list(rows["line"]) == [2, 3, 4, 5, 6]
    runs = queries.load_runs(Scope.country())
    assert list(runs["load_id"]) == [2, 1]
    assert list(runs["n_rejected"]) == [5, 0] and list(runs["n_read"]) == [6, 1]


def test_an_officer_is_refused(loaded):
    with pytest.raises(Refused):
        queries.rejected_rows(Scope("officer", "79"))


def test_the_analyst_of_79_downloads_the_rows_of_79_only(loaded):
    with reading_as("analyst", "79") as scope:
        text = exports.to_csv(exports.fetch(scope, "rejected-rows", {}), "en").decode("utf-8-sig").splitlines()
        loads = exports.to_csv(exports.fetch(scope, "loads", {}), "en").decode("utf-8-sig").splitlines()
    assert len(text) == 1 + 2 and text[1].endswith(",74") and text[2].endswith(",79")
    assert len(loads) == 1 + 1


def test_the_page_counts_the_readers_province(loaded):
    with reading_as("leader", "79"):
        layout = page.layout().to_plotly_json()
    found = {}

    def walk(component):
        if hasattr(component, "to_plotly_json"):
            component = component.to_plotly_json()
        if isinstance(component, dict):
            props = component.get("props", {})
            if props.get("id") in ("data-n-loads", "data-n-rejected"):
                found[props["id"]] = props["children"]
            walk(props.get("children"))
        elif isinstance(component, (list, tuple)):
            for child in component:
                walk(child)

    walk(layout)
    assert found == {"data-n-loads": "1", "data-n-rejected": "2"}


def test_a_database_from_before_the_column_opens_and_works(db_path, tmp_path, monkeypatch):
    con = db.connect(db_path)
    con.execute("alter table rejected_rows drop column unit_code")
    con.execute("insert into rejected_rows values (1, 'procedures', 'old.csv', 2, 'name', null, 'missing')")
    con.execute("insert into load_runs values (1, now(), now(), 'old', 1, 0, 0, 0, 1, 'ok')")
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    # read-only, as the dashboard reads it: its rows name no unit, so only an admin sees them
    assert list(queries.rejected_rows(Scope.country())["line"]) == [2]
    assert queries.rejected_rows(Scope("leader", "79")).empty
    # opened for writing, it gets the column, and a load records units in it
    con = db.connect(db_path)
    _procedures(tmp_path / "july", ROWS[:1])
    load_paths(con, [tmp_path / "july"], source="july")
    units = con.execute("select load_id, unit_code from rejected_rows order by load_id").fetchall()
    con.close()
    assert units == [(1, None), (2, "74")]
