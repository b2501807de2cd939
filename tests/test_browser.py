"""The dashboard in a real browser: Debian's Chromium driven by playwright over the real app, serving a demo
province of one year plus a load with rejected rows. Every page must open without a JavaScript error; each
leaves a screenshot in tests/artifacts/."""
from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
PROVINCE = "95"  # Bạc Liêu: seven districts, small enough to build in seconds
BAD_LINES = 2

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium: install Debian's chromium to run the browser tests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bad_dossiers(folder: Path) -> Path:
    """Write a dossiers file whose two rows name a unit that does not exist."""
    with open(ROOT / "data" / "sample" / "dossiers.csv", encoding="utf-8") as f:
        header, first = list(csv.reader(f))[:2]
    rows = []
    for code in ("BAD-1", "BAD-2"):
        row = list(first)
        row[0], row[header.index("unit_code")] = code, "99999"
        rows.append(row)
    folder.mkdir(parents=True)
    with open(folder / "ho_so_loi.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return folder


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory, template_db) -> Path:
    """Return a database with the demo of one province in 2024, scored, and a later load of two bad rows."""
    import db
    from etl.load import load_paths

    folder = tmp_path_factory.mktemp("browser")
    path = folder / "kpi766.duckdb"
    shutil.copy(template_db, path)
    subprocess.run([sys.executable, "-m", "etl", "demo", "--province", PROVINCE, "--year", "2024", "--scale", "0.5",
                    "--db", str(path)], cwd=ROOT, check=True, capture_output=True)
    con = db.connect(path)
    try:
        load_paths(con, [_bad_dossiers(folder / "bad")], source="ho_so_loi.csv")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def server(browser_db):
    """Return the base URL of `app.py` serving the browser database on a free port."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--db", str(browser_db)], cwd=ROOT,
                            env={"PORT": str(port), "PATH": "/usr/bin:/bin"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"the dashboard did not start: {proc.stdout.read().decode()}")
    yield url
    proc.kill()
    proc.wait()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


class Tab:
    """A browser tab on the dashboard that records every console error and uncaught exception."""

    def __init__(self, page, url: str):
        self.page, self.url, self.errors = page, url, []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.set_default_timeout(20_000)

    def open(self, path: str) -> None:
        self.page.goto(self.url + path)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def download(self, selector: str):
        with self.page.expect_download() as caught:
            self.page.click(selector)
        return caught.value


@pytest.fixture
def tab(chromium, server):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    opened = Tab(page, server)
    yield opened
    context.close()
    assert opened.errors == []


@pytest.fixture
def phone(chromium, server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                   has_touch=True, locale="vi-VN")
    opened = Tab(context.new_page(), server)
    yield opened
    context.close()
    assert opened.errors == []


def test_the_data_page_shows_the_loads_and_downloads_the_rejected_rows(tab):
    tab.open("/du-lieu")
    page = tab.page
    page.wait_for_selector("#data-loads .ag-row")
    assert page.inner_text("#data-n-loads") == "2"
    assert page.inner_text("#data-n-rejected") == str(BAD_LINES)
    assert page.locator("#data-loads .ag-center-cols-container .ag-row").count() == 2
    reasons = page.locator("#data-reasons .ag-center-cols-container .ag-row")
    assert reasons.count() == 1
    assert "unknown unit" in reasons.first.inner_text()
    tab.shot("data")
    download = tab.download("#data-reasons ~ * button, .controls button:has-text('Tải CSV')")
    assert download.suggested_filename == "dong-bi-tu-choi.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Lần nạp,Bảng,Tệp,Dòng,Cột,Giá trị,Lý do"
    assert len(lines) == 1 + BAD_LINES
    assert all(",unit_code,99999," in line for line in lines[1:])


def test_choosing_a_load_puts_it_in_the_address_and_filters_the_reasons(tab):
    tab.open("/du-lieu")
    page = tab.page
    page.wait_for_selector("#data-reasons .ag-row")
    page.click("#data-load")
    page.click("[role=option]:has(input[value='1'])")  # the demo build, which rejected nothing
    page.wait_for_function("() => window.location.search === '?load=1'")
    page.wait_for_selector("#data-reasons .ag-overlay-no-rows-wrapper")
    assert page.locator("#data-reasons .ag-center-cols-container .ag-row").count() == 0
    page.reload()
    page.wait_for_selector("#data-reasons .ag-overlay-no-rows-wrapper")


def test_the_data_page_fits_a_phone(phone):
    phone.open("/du-lieu")
    phone.page.wait_for_selector("#data-loads .ag-row")
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1
    phone.shot("data-phone")
