"""The data page: what is loaded, the load history, and the rows a load rejected, grouped by reason and
downloadable — over the sample files and a second load with four known bad rows."""
from __future__ import annotations

import csv
import io
import json
import shutil
from contextvars import copy_context

import openpyxl
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from access.scope import Scope
from app import create_app
from conftest import ROOT
from dashboard import exports
from dashboard.components import downloads
from dashboard.queries import data as queries
from etl.load import load_paths

create_app()  # pages register themselves with the app that loads them
from dashboard.pages import data as page  # noqa: E402

# Pages and callbacks run as a signed-in admin unless a test says otherwise.
pytestmark = pytest.mark.usefixtures("as_admin")

DUPLICATE = "duplicate dossier_code X-003 in this file (lines 4, 5)"
UNKNOWN_UNIT = "unknown unit (no unit with this code is valid on that date)"


def _bad_dossiers(folder):
    """Write a dossiers file of five rows: X-001 at an unknown unit, X-002 received on 31 February, X-003 twice,
    and X-004, which is good."""
    with open(ROOT / "data" / "sample" / "dossiers.csv", encoding="utf-8") as f:
        header, first = list(csv.reader(f))[:2]
    rows = []
    for code, column, value in (("X-001", "unit_code", "99999"), ("X-002", "received_at", "31/02/2024 08:00"),
                                ("X-003", None, None), ("X-003", None, None), ("X-004", None, None)):
        row = list(first)
        row[0] = code
        if column:
            row[header.index(column)] = value
        rows.append(row)
    folder.mkdir()
    with open(folder / "ho_so_thang7.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return folder


@pytest.fixture
def loaded(con, db_path, tmp_path, monkeypatch):
    """A database with the sample files loaded (load 1) and the bad dossiers file (load 2)."""
    sample = tmp_path / "sample"
    # the CSV samples only: the portal file in its own folder is tested with the portal format
    shutil.copytree(ROOT / "data" / "sample", sample, ignore=shutil.ignore_patterns("*.md", "portal"))
    load_paths(con, [sample], source="sample")
    load_paths(con, [_bad_dossiers(tmp_path / "july")], source="july")
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))
    return db_path


def test_the_load_history_counts_what_each_load_did(loaded):
    runs = queries.load_runs(Scope.country())
    assert runs["load_id"].tolist() == [2, 1]
    july = runs.iloc[0]
    assert (july.source, july.n_files, july.n_read, july.n_loaded, july.n_rejected, july.status) == \
        ("july", 1, 5, 1, 4, "ok")
    sample = runs.iloc[1]
    assert (sample.n_files, sample.n_read, sample.n_rejected) == (7, 46, 0)
    whole = queries.overview().set_index("entity")
    assert whole.at["dossiers", "n_rows"] == 15  # the sample's fourteen and X-004
    assert whole.at["units", "n_rows"] == 14_149 + 4  # the official units, the sample's four departments (its three
    # other rows override official communes)
    assert whole["first_received_at"].iloc[0].strftime("%d/%m/%Y %H:%M") == "05/01/2024 08:30"
    assert (whole["n_loads"].iloc[0], whole["n_rejected"].iloc[0]) == (2, 4)


def test_rejected_rows_are_grouped_by_reason_with_their_file_and_columns(loaded):
    reasons = queries.rejection_reasons(Scope.country())
    assert reasons[["reason", "n_rows", "first_line", "columns"]].values.tolist() == [
        [DUPLICATE, 2, 4, "dossier_code"],
        [UNKNOWN_UNIT, 1, 2, "unit_code"],
        ["unparseable timestamp", 1, 3, "received_at"],
    ]
    assert set(reasons["file"].str.rsplit("/", n=1).str[-1]) == {"ho_so_thang7.csv"}
    assert queries.rejection_reasons(Scope.country(), 1).empty
    rows = queries.rejected_rows(Scope.country(), 2)
    assert rows[["line", "column", "value"]].values.tolist() == [
        [2, "unit_code", "99999"], [3, "received_at", "31/02/2024 08:00"], [4, "dossier_code", "X-003"],
        [5, "dossier_code", "X-003"]]


def test_the_rejected_rows_download_holds_each_row_with_its_value_and_reason(loaded):
    table = exports.fetch(Scope.country(), "rejected-rows", {"load": 2})
    assert exports.file_name(table, {"load": 2}, "xlsx", "vi") == "dong-bi-tu-choi-lan-nap-2.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table, "vi"))).active
    assert sheet["A2"].value == "Lần nạp 2"
    assert [c.value for c in sheet[4]] == ["Lần nạp", "Bảng", "Tệp", "Dòng", "Cột", "Giá trị", "Lý do",
                                         "Đơn vị"]
    assert [sheet.cell(6, c).value for c in (2, 4, 5, 6, 7, 8)] == ["Hồ sơ", 3, "received_at", "31/02/2024 08:00",
                                                                     "unparseable timestamp", "74-STP"]
    # each row names its unit as the file wrote it, the unknown one too
    assert [sheet.cell(r, 8).value for r in range(5, 9)] == ["99999", "74-STP", "74-STP", "74-STP"]
    assert sheet.max_row == 4 + 4
    text = exports.to_csv(exports.fetch(Scope.country(), "rejected-rows", {}), "en").decode("utf-8-sig")
    assert text.splitlines()[0] == "Load,Table,File,Line,Column,Value,Reason,Unit"
    assert len(text.splitlines()) == 5


def _page_text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def _find(component, component_id):
    """Return the component with `component_id` inside `component`, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_page_shows_the_counts_the_history_and_the_reasons_of_the_load_in_the_url(loaded):
    layout = page.layout()
    assert _find(layout, "data-n-dossiers").children == "15"
    assert _find(layout, "data-received").children == "05/01/2024 – 12/08/2025"
    assert _find(layout, "data-n-loads").children == "2"
    assert _find(layout, "data-n-rejected").children == "4"
    assert [r["n_rejected"] for r in _find(layout, "data-loads").rowData] == [4, 0]
    assert [r["reason"] for r in _find(layout, "data-reasons").rowData] == [DUPLICATE, UNKNOWN_UNIT,
                                                                           "unparseable timestamp"]
    assert _find(layout, "data-load").value == "all"
    assert "Trước 01/07/2025: 63 tỉnh, thành phố" in _page_text(layout)
    filtered = page.layout(load="1")
    assert _find(filtered, "data-load").value == "1"
    assert _find(filtered, "data-reasons").rowData == []
    assert _find(filtered, downloads.params_id("rejected-rows")).data == {"load": 1}


def test_choosing_a_load_filters_the_reasons_and_the_download(loaded):
    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "data-load.value", "value": "1"}]))
        return page.choose_load("1")
    rows, params, reason_params, url_load = copy_context().run(run)
    assert (rows, params, reason_params, url_load) == ([], {"load": 1}, {"load": 1}, 1)
    rows, params, reason_params, url_load = page.choose_load("all")
    assert [r["n_rows"] for r in rows] == [2, 1, 1]
    assert rows[0]["entity_name"] == "Hồ sơ"
    assert params == reason_params == {"load": None} and url_load is None


def test_the_reasons_and_the_provinces_download_as_the_page_shows_them(loaded):
    reasons = exports.to_csv(exports.fetch(Scope.country(), "rejection-reasons", {"load": 2}), "vi").decode("utf-8-sig").splitlines()
    assert len(reasons) == 1 + 3  # the header and the three reasons of the second load
    assert reasons[1].startswith("2,") and DUPLICATE in reasons[1]
    provinces = exports.fetch(Scope.country(), "provinces", {})
    assert len(provinces.frame) == 63 + 34
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(provinces, "vi"))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Cây đơn vị")
    binh_duong = next(row for row in values[header + 1:] if row[1] == "74")
    assert binh_duong[:3] == ["Trước 01/07/2025", "74", "Tỉnh Bình Dương"]


def test_the_download_buttons_carry_the_page_parameters(loaded):
    buttons = downloads.buttons("rejected-rows", {"load": 2})
    store = next(c for c in buttons.children if getattr(c, "id", None) == downloads.params_id("rejected-rows"))
    assert store.data == {"load": 2}
    assert [c.children for c in buttons.children[:2]] == ["Tải CSV", "Tải Excel"]
