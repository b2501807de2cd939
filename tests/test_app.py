"""The dashboard serves its pages over a real database, started as `make run` starts it."""
from __future__ import annotations

import json
import urllib.request

import pytest

from appserver import serving
from dashboard import i18n

PAGES_CALLBACK = ".._pages_content.children..._pages_store.data.."


@pytest.fixture
def server(db_path):
    """Return the base URL of `app.py` serving the test database on a free port."""
    with serving(db_path) as url:
        yield url


def _page(url: str, path: str) -> str:
    body = {"output": PAGES_CALLBACK,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    request = urllib.request.Request(f"{url}/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.dumps(json.load(response), ensure_ascii=False)


def test_the_data_page_lists_the_provinces_of_both_trees(server):
    html = urllib.request.urlopen(server).read().decode()
    assert "Bộ chỉ số 766" in html
    page = _page(server, "/du-lieu")
    assert "Trước 01/07/2025: 63 tỉnh, thành phố" in page
    assert "Từ 01/07/2025: 34 tỉnh, thành phố" in page
    assert "Tỉnh Bình Dương" in page
    assert "14.149" in page  # 63 + 696 + 10,035 + 34 + 3,321 units, in Vietnamese format


def test_assets_are_served_locally(server):
    html = urllib.request.urlopen(server).read().decode()
    assert "https://" not in html  # no CDN: every script and stylesheet comes from this server
    assert urllib.request.urlopen(f"{server}/assets/style.css").status == 200


@pytest.mark.parametrize("value, decimals, text", [(84.5, 2, "84,50"), (1234, 0, "1.234"), (1234567.891, 1, "1.234.567,9"),
                                                    (None, 0, "–"), (float("nan"), 2, "–"), (0, 0, "0")])
def test_vietnamese_numbers(value, decimals, text):
    assert i18n.number(value, decimals) == text
