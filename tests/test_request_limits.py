"""What a request may ask for: bad parameters get 400 with the reason, never a server error; a grid asks at most a
page of rows; a request body has a maximum size; cache keys stay small whatever a request sends."""
from __future__ import annotations

import json

import pytest

from access import store
from dashboard import limits
from appserver import PASSWORD, csrf_token
from signin import dashboard
from dashboard.components import downloads
from dashboard.queries import base
from indicators import outputs

PAGES = ".._pages_content.children..._pages_store.data.."


@pytest.fixture
def client(database):
    """Return a test client signed in as an admin through the sign-in form: every limit below is met by a reader
    who may read everything, so nothing but the limit refuses them."""
    store.add_user("limits-admin", "admin", None, PASSWORD)
    browser = dashboard().server.test_client()
    token = csrf_token(browser.get("/dang-nhap").get_data(as_text=True))
    signed = browser.post("/dang-nhap", data={"username": "limits-admin", "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    return browser


@pytest.fixture(autouse=True)
def database(con, db_path, monkeypatch):
    outputs.ensure(con)
    con.close()
    monkeypatch.setenv("KPI766_DB", str(db_path))


def _post(client, output: str, outputs_, inputs: list, state: list | None = None):
    body = {"output": output, "outputs": outputs_, "inputs": inputs, "state": state or [],
            "changedPropIds": [f"{json.dumps(inputs[0]['id'], separators=(',', ':'), sort_keys=True) if isinstance(inputs[0]['id'], dict) else inputs[0]['id']}.{inputs[0]['property']}"]}
    return client.post("/_dash-update-component", json=body)


def _rows(client, request):
    return _post(client, "unit-rows.getRowsResponse", {"id": "unit-rows", "property": "getRowsResponse"},
                 [{"id": "unit-rows", "property": "getRowsRequest", "value": request}],
                 [{"id": "unit-drill", "property": "data",
                   "value": {"unit_code": "74", "period": "2024", "indicator": "2.1"}}])


@pytest.mark.parametrize("request_", [
    {"startRow": 0, "endRow": 10_000_000},   # more than a page
    {"startRow": -100, "endRow": 0},         # negative
    {"startRow": None, "endRow": 100},       # null
    {"startRow": 0.5, "endRow": 100},        # a float
    {"startRow": 50, "endRow": 10},          # backwards
    {"startRow": True, "endRow": 100},       # a boolean
])
def test_a_grid_row_window_beyond_a_page_or_not_whole_is_refused(client, request_):
    response = _rows(client, request_)
    assert response.status_code == 400
    assert b"Row" in response.data or b"row" in response.data


def test_an_unknown_indicator_in_the_drill_is_refused(client):
    response = _post(client, "unit-rows.getRowsResponse", {"id": "unit-rows", "property": "getRowsResponse"},
                     [{"id": "unit-rows", "property": "getRowsRequest", "value": {"startRow": 0, "endRow": 100}}],
                     [{"id": "unit-drill", "property": "data",
                       "value": {"unit_code": "74", "period": "2024", "indicator": "9.9"}}])
    assert response.status_code == 400
    assert b"unknown indicator" in response.data


def _page(client, path: str, search: str):
    return _post(client, PAGES, [{"id": "_pages_content", "property": "children"},
                                 {"id": "_pages_store", "property": "data"}],
                 [{"id": "_pages_location", "property": "pathname", "value": path},
                  {"id": "_pages_location", "property": "search", "value": search}])


@pytest.mark.parametrize("search", ["?load=²", "?load=1e3", "?load=" + "9" * 5000])
def test_a_load_number_that_is_not_plain_digits_is_refused(client, search):
    response = _page(client, "/du-lieu", search)
    assert response.status_code == 400
    assert b"load must be a whole number" in response.data


def test_a_plain_load_number_still_opens_the_data_page(client):
    assert _page(client, "/du-lieu", "?load=12").status_code == 200


def test_an_unknown_download_format_or_table_is_refused(client):
    button = {"type": downloads.BUTTON, "name": "unit-ledger", "format": "exe"}
    response = _post(client, json.dumps({"type": downloads.FILE, "name": ["MATCH"]}, separators=(",", ":"),
                                        sort_keys=True) + ".data",
                     {"id": {"type": downloads.FILE, "name": "unit-ledger"}, "property": "data"},
                     [{"id": button, "property": "n_clicks", "value": [1]}],
                     [{"id": {"type": downloads.PARAMS, "name": "unit-ledger"}, "property": "data",
                       "value": {"unit_code": "74", "period": "2024"}}])
    assert response.status_code == 400
    assert b"unknown format" in response.data


def test_a_pdf_of_an_unknown_unit_is_refused(client):
    response = _post(client, json.dumps({"type": downloads.REPORT_FILE, "name": ["MATCH"]}, separators=(",", ":"),
                                        sort_keys=True) + ".data",
                     {"id": {"type": downloads.REPORT_FILE, "name": "unit"}, "property": "data"},
                     [{"id": {"type": downloads.REPORT_BUTTON, "name": "unit"}, "property": "n_clicks", "value": 1}],
                     [{"id": {"type": downloads.REPORT_PARAMS, "name": "unit"}, "property": "data",
                       "value": {"unit_code": "no-such-unit", "period": "2024"}}])
    assert response.status_code == 400
    assert b"no report" in response.data


def test_a_request_body_above_the_limit_gets_413(client, monkeypatch):
    limit = limits.request_bytes()
    response = client.post("/_dash-update-component", data=b"x" * (limit + 1),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_cache_key_is_a_digest_whatever_the_question(db_path):
    kept = base.Kept()
    kept.get(("unit", "7" * 1_000_000), lambda: base.frame("select 1 as x"))
    (key,) = kept._kept
    assert len(key[-1]) == 32 and len(repr(key)) < 1000

