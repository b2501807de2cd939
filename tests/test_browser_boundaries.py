"""The switch of boundaries in a real browser (Debian's Chromium, as tests/test_browser.py): the unit page of new
Phường Thủ Dầu Một (25747, the code of old Phường Phú Cường reused) over a demo of Bình Dương from 2024 to
September 2025, switched to today's boundaries, the link to old Phú Cường and back."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from test_browser import Tab

from appserver import serving
from conftest import CHROMIUM, ROOT

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium: install Debian's chromium to run the browser tests")


@pytest.fixture(scope="module")
def server(tmp_path_factory, template_db):
    """Serve the demo of Bình Dương (74) from January 2024 to September 2025, scored on both boundaries."""
    path = tmp_path_factory.mktemp("boundaries") / "kpi766.duckdb"
    shutil.copy(template_db, path)
    subprocess.run([sys.executable, "-m", "etl", "demo", "--province", "74", "--from", "2024-01-01",
                    "--to", "2025-09-30", "--scale", "0.1", "--db", str(path)], cwd=ROOT, check=True,
                   capture_output=True)
    with serving(path) as url:
        yield url


@pytest.fixture
def tab(chromium, server):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    opened = Tab(context.new_page(), server)
    opened.sign_in("test-admin")
    yield opened
    context.close()
    assert opened.errors == []


def _name_is(page, name: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#unit-name')?.textContent === {name!r}")


def test_the_unit_page_of_new_25747_switches_boundaries_and_links_old_phu_cuong_and_back(tab):
    page = tab.page
    tab.open("/don-vi/25747?period=2025-Q3")
    _name_is(page, "Phường Thủ Dầu Một")
    # today's boundaries: the same period, the quarter before the reform compared on the same wards
    page.check("#unit-boundaries input[value='today']")
    page.wait_for_url("**/don-vi/25747?period=2025-Q3&boundaries=today")
    page.wait_for_function("() => document.querySelector('#unit-code-line')?.textContent"
                           ".includes('theo địa giới hiện nay')")
    assert page.inner_text("#unit-score-change") != "–"
    tab.shot("unit-boundaries-today")
    # the old ward it was made of, on the boundaries of the time, in the last quarter before the reform
    page.click("#unit-formed-from a:has-text('Phường Phú Cường')")
    page.wait_for_url("**/don-vi/25747?period=2025-Q2")
    _name_is(page, "Phường Phú Cường")
    merged = page.inner_text("#unit-merged-into")
    assert "Phường Thủ Dầu Một, Thành phố Hồ Chí Minh" in merged
    tab.shot("unit-boundaries-old-ward")
    # and back: the new ward in that quarter, re-drawn on today's boundaries
    page.click("#unit-merged-into a")
    page.wait_for_url("**/don-vi/25747?period=2025-Q2&boundaries=today")
    _name_is(page, "Phường Thủ Dầu Một")
    made_of = page.inner_text("#unit-made-of")
    assert "Phường Phú Cường" in made_of and "Phường Phú Thọ" in made_of
    assert page.is_checked("#unit-boundaries input[value='today']")
    # the switch back to the boundaries of the time: old Phú Cường in the same quarter
    page.check("#unit-boundaries input[value='as_was']")
    page.wait_for_url("**/don-vi/25747?period=2025-Q2")
    _name_is(page, "Phường Phú Cường")


def test_the_rankings_switch_to_the_34_provinces_of_today_in_2024(tab):
    page = tab.page
    tab.open("/?period=2024&peers=national")
    page.wait_for_selector("#rankings-grid .ag-row")
    page.check("#rankings-boundaries input[value='today']")
    page.wait_for_url("**boundaries=today**")
    page.wait_for_function("() => document.querySelector('#rankings-subtitle')?.textContent"
                           ".includes('theo địa giới hiện nay')")
    page.wait_for_selector("#rankings-grid .ag-row a.grid-link:has-text('Thành phố Hồ Chí Minh')")
    # a search by an old name finds the province of today
    page.fill("#rankings-search", "Bình Dương")
    page.wait_for_function("() => document.querySelectorAll('#rankings-grid .ag-center-cols-container .ag-row')"
                           ".length === 1")
    tab.shot("rankings-boundaries-today")
