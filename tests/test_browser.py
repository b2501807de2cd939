"""The dashboard in a real browser: Debian's Chromium driven by playwright over the real app, serving a demo
province of one year plus a load with rejected rows. Every page must open without a JavaScript error; each
leaves a screenshot in tests/artifacts/. Each tab signs in through the sign-in form (as an admin unless a test
signs in as an officer or a leader)."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from appserver import PASSWORD, access_path, add_account, serving
from conftest import CHROMIUM, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
PROVINCE = "95"  # Bạc Liêu: seven districts, small enough to build in seconds
BAD_LINES = 2

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium: install Debian's chromium to run the browser tests")


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
    with serving(browser_db) as url:
        yield url


@pytest.fixture(scope="session")
def readers(server, browser_db) -> dict[str, str]:
    """Create the officer of a new commune of Cà Mau (96) made of old communes of Bạc Liêu, and the leader of Cà
    Mau; return the officer's old communes' codes (old_commune: most dossiers; outside: one of another commune)."""
    import db

    con = db.connect(browser_db, read_only=True)
    try:
        new, old = con.execute("""
            select m.new_code, m.old_code from unit_mapping m join dossiers d on d.unit_code = m.old_code
            where m.is_default and m.old_province_code = ?
            group by all order by count(*) desc, m.old_code limit 1""", [PROVINCE]).fetchone()
        outside = con.execute("""
            select m.old_code from unit_mapping m join dossiers d on d.unit_code = m.old_code
            where m.is_default and m.old_province_code = ? and m.new_code <> ?
            group by all order by count(*) desc, m.old_code limit 1""", [PROVINCE, new]).fetchone()[0]
    finally:
        con.close()
    add_account(access_path(browser_db), "test-officer", "officer", new)
    add_account(access_path(browser_db), "test-leader", "leader", "96")
    add_account(access_path(browser_db), "test-leaving", "leader", "96")
    return {"new_commune": new, "old_commune": old, "outside": outside}


class Tab:
    """A browser tab on the dashboard that records every console error and uncaught exception."""

    def __init__(self, page, url: str):
        self.page, self.url, self.errors = page, url, []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # a wait, not a measure of speed: the other test worker may hold both cores for a while
        page.set_default_timeout(45_000)

    def sign_in(self, name: str, password: str = PASSWORD) -> None:
        """Sign in through the form, as a reader does."""
        self.page.goto(self.url + "/dang-nhap")
        self.page.fill("#username", name)
        self.page.fill("#password", password)
        self.page.click("#sign-in-submit")
        self.page.wait_for_selector("#account-name")

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
    opened.sign_in("test-admin")
    yield opened
    context.close()
    assert opened.errors == []


@pytest.fixture
def phone(chromium, server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                   has_touch=True, locale="vi-VN")
    opened = Tab(context.new_page(), server)
    opened.sign_in("test-admin")
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
    assert lines[0] == "Lần nạp,Bảng,Tệp,Dòng,Cột,Giá trị,Lý do,Đơn vị"
    assert len(lines) == 1 + BAD_LINES
    assert all(",unit_code,99999," in line and line.endswith(",99999") for line in lines[1:])


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


def _choose(page, dropdown: str, value: str) -> None:
    """Pick `value` in the dropdown with id `dropdown`."""
    page.click(f"#{dropdown}")
    page.click(f"[role=option]:has(input[value='{value}'])")


def _rows(page, grid_id: str):
    return page.locator(f"#{grid_id} .ag-center-cols-container .ag-row")


def _cell(page, grid_id: str, row_id: str, column: str) -> str:
    return page.inner_text(f"#{grid_id} .ag-center-cols-container .ag-row[row-id='{row_id}'] [col-id='{column}']")


def test_rankings_switch_period_and_peer_list_and_download_the_table_as_on_screen(tab):
    import openpyxl

    tab.open("/")
    page = tab.page
    page.wait_for_selector("#rankings-grid .ag-row")
    assert page.inner_text("#rankings-subtitle").startswith("Năm 2024")
    tab.shot("rankings")
    _choose(page, "rankings-kind", "quarter")
    page.wait_for_function("() => document.querySelector('#rankings-subtitle').textContent.startsWith('Quý 4/2024')")
    _choose(page, "rankings-period", "2024-Q2")
    page.wait_for_function("() => document.querySelector('#rankings-subtitle').textContent.startsWith('Quý 2/2024')")
    assert "period=2024-Q2" in page.url
    _choose(page, "rankings-province", PROVINCE)
    page.wait_for_function(f"() => window.location.search.includes('peers={PROVINCE}%3A')")
    _choose(page, "rankings-level", "district")
    page.wait_for_function(f"() => window.location.search.includes('peers={PROVINCE}%3Adistrict')")
    # Bạc Liêu's seven districts
    page.wait_for_function("() => document.querySelectorAll('#rankings-grid .ag-center-cols-container .ag-row')"
                           ".length === 7")
    tab.shot("rankings-districts")
    first = page.locator("#rankings-grid .ag-center-cols-container .ag-row[row-index='0']")
    code = first.get_attribute("row-id")
    shown_total = _cell(page, "rankings-grid", code, "total")
    download = tab.download("button:has-text('Tải Excel')")
    assert download.suggested_filename == "xep-hang-2024-q2.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    header = [c.value for c in sheet[4]]
    first_row = {h: c.value for h, c in zip(header, sheet[5])}
    assert f"{first_row['Tổng điểm']:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") == shown_total
    assert first_row["Hạng"] == 1


def test_a_unit_from_the_table_its_ledger_its_dossiers_a_commune_and_back_by_the_breadcrumb(tab):
    import pypdf

    tab.open(f"/?period=2024&peers={PROVINCE}:district")
    page = tab.page
    page.wait_for_selector("#rankings-grid .ag-row")
    district = page.locator("#rankings-grid .ag-row[row-index='0'] a.grid-link")
    district_name = district.text_content().strip()
    district.click()
    page.wait_for_selector("#unit-name")
    assert page.inner_text("#unit-name") == district_name
    assert "/don-vi/" in page.url and "period=2024" in page.url
    page.wait_for_selector("#unit-ledger .ag-row")
    assert _rows(page, "unit-ledger").count() > 5
    _choose(page, "unit-indicator", "2.1")
    code_cell = "#unit-rows .ag-row[row-index='0'] [col-id='dossier_code']"
    page.wait_for_function(f"() => document.querySelector({code_cell!r})?.textContent.trim().length > 0",
                           timeout=30_000)
    # the demo's dossier codes: the unit, the day received (yymmdd), a number
    assert re.fullmatch(r"[\w.-]+-24\d{4}-\d{5}", page.inner_text(code_cell).strip())
    tab.shot("unit-district")
    download = tab.download("button:has-text('Tải báo cáo PDF')")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    report = pypdf.PdfReader(io.BytesIO(content))
    assert len(report.pages) >= 1
    assert district_name in report.pages[0].extract_text()
    commune = page.locator("#unit-children .ag-row[row-index='0'] a.grid-link")
    commune.scroll_into_view_if_needed()
    commune_name, href = commune.text_content().strip(), commune.get_attribute("href")
    assert commune_name
    commune.click()
    page.wait_for_url(f"**{href.split('?')[0]}?**")
    page.wait_for_function(f"() => document.querySelector('#unit-name')?.textContent === {commune_name!r}")
    tab.shot("unit-commune")
    page.click(f"#unit-breadcrumbs a:has-text({district_name!r})")
    page.wait_for_function(f"() => document.querySelector('#unit-name')?.textContent === {district_name!r}")


def test_switching_to_english_changes_the_labels_and_back(tab):
    tab.open("/")
    page = tab.page
    page.wait_for_selector("#rankings-grid .ag-row")
    assert page.inner_text("#nav-rankings") == "Xếp hạng"
    page.click("#shell-lang-en")
    page.wait_for_function("() => document.querySelector('#nav-rankings')?.textContent === 'Rankings'")
    page.wait_for_selector("#rankings-grid .ag-row")
    assert page.inner_text("#rankings-subtitle").startswith("Year 2024")
    assert page.locator("button:has-text('Download Excel')").count() == 1
    tab.shot("rankings-en")
    page.click("#shell-lang-vi")
    page.wait_for_function("() => document.querySelector('#nav-rankings')?.textContent === 'Xếp hạng'")


@pytest.mark.parametrize("path, ready, name", [
    ("/chi-so/2.1?period=2024", "h1", "indicator"),
    ("/phuong-phap", "h1", "methodology"),
])
def test_the_other_pages_open_without_errors(tab, path, ready, name):
    tab.open(path)
    tab.page.wait_for_selector(ready)
    tab.shot(name)


@pytest.mark.parametrize("path, ready, name", [
    ("/", "#rankings-grid .ag-row", "rankings-phone"),
    (f"/don-vi/{PROVINCE}?period=2024", "#unit-ledger .ag-row", "unit-phone"),
])
def test_the_main_pages_fit_a_phone(phone, path, ready, name):
    phone.open(path)
    phone.page.wait_for_selector(ready)
    assert phone.page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    phone.shot(name)


def test_the_to_do_list_of_a_province_changes_with_its_address_and_downloads_as_shown(tab):
    tab.open(f"/viec-can-lam?unit={PROVINCE}&within=2")
    page = tab.page
    page.wait_for_selector("#todo-dossiers .ag-row")
    assert page.inner_text("#nav-todo") == "Việc cần làm"
    # the demo ends with 2024: its last month, judged at the end of 31 December
    assert "Tháng 2024-12 · xét tại 31/12/2024 23:59" in page.inner_text("#todo-subtitle")
    tab.shot("todo")
    page.fill("#todo-within", "5")
    page.press("#todo-within", "Enter")
    page.wait_for_function("() => window.location.search.includes('within=5')")
    page.wait_for_selector("#todo-dossiers .ag-row")
    shown = int(page.inner_text("#todo-card-overdue_n")) + int(page.inner_text("#todo-card-due_n").replace(".", ""))
    download = tab.download("button[id*='todo-dossiers'][id*='csv']")
    assert download.suggested_filename == f"ho-so-qua-han-va-sap-den-han-{PROVINCE}-2024-12.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Mã hồ sơ,Tình trạng,Thủ tục,Đơn vị,Ngày tiếp nhận,Hạn trả,Ngày làm việc còn lại,"
                               "Điểm 2.1 có thể mất")
    assert len(lines) == 1 + shown


def test_the_to_do_list_in_english(tab):
    tab.page.context.add_cookies([{"name": "kpi766-lang", "value": "en", "url": tab.url}])
    tab.open(f"/viec-can-lam?unit={PROVINCE}")
    page = tab.page
    page.wait_for_selector("#todo-dossiers .ag-row")
    assert page.inner_text("#nav-todo") == "To-do"
    assert page.inner_text("h1") == "To-do list"
    assert "Month 2024-12 · judged at 31/12/2024 23:59" in page.inner_text("#todo-subtitle")
    assert page.locator("button:has-text('Download Excel')").count() == 3
    tab.shot("todo-en")


@pytest.fixture(scope="session")
def month_in_progress(tmp_path_factory, template_db, chromium):
    """Return a browser tab factory on a demo of the province whose data ends on Wednesday 18 December 2024: the
    month is in progress."""
    folder = tmp_path_factory.mktemp("month")
    path = folder / "kpi766.duckdb"
    shutil.copy(template_db, path)
    subprocess.run([sys.executable, "-m", "etl", "demo", "--province", PROVINCE, "--from", "2024-09-01",
                    "--to", "2024-12-18", "--scale", "0.5", "--db", str(path)], cwd=ROOT, check=True,
                   capture_output=True)
    with serving(path) as url:
        yield url


def _tab_on(chromium, url: str, language: str) -> Tab:
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    context.add_cookies([{"name": "kpi766-lang", "value": language, "url": url}])
    opened = Tab(context.new_page(), url)
    opened.sign_in("test-admin")
    return opened


@pytest.mark.parametrize("language, title, hint", [("vi", "Dự báo cuối tháng", "hồ sơ đang giải quyết"),
                                                   ("en", "Month-end forecast", "open dossiers due in the month")])
def test_the_unit_page_forecasts_the_month_in_progress(chromium, month_in_progress, language, title, hint):
    tab = _tab_on(chromium, month_in_progress, language)
    try:
        tab.open(f"/don-vi/{PROVINCE}?period=2024-12")
        page = tab.page
        page.wait_for_selector("#forecast-on_time", timeout=60_000)
        assert page.inner_text("#forecast-card h2") == title
        assert hint in page.inner_text("#forecast-card")
        number = (lambda text: float(text.replace(".", "").replace(",", "."))) if language == "vi" else \
            (lambda text: float(text.replace(",", "")))
        low, expected, high = (number(page.inner_text(f"#forecast-{c}")) for c in ("late", "expected", "on_time"))
        assert low <= expected <= high
        # the range is drawn on the trend chart
        page.wait_for_function("() => document.querySelectorAll('#unit-trend .errorbar').length > 0")
        tab.shot(f"unit-forecast-{language}")
        # the to-do list of the same month: the dossiers due by Friday 20 December
        tab.open(f"/viec-can-lam?unit={PROVINCE}")
        page.wait_for_selector("#todo-dossiers .ag-row")
        assert "18/12/2024 23:59" in page.inner_text("#todo-subtitle")
        assert "20/12/2024" in page.inner_text("#todo-subtitle")
        tab.shot(f"todo-month-{language}")
        assert tab.errors == []
    finally:
        tab.page.context.close()


@pytest.mark.parametrize("language, title", [("vi", "Nếu thì sao"), ("en", "What if")])
def test_the_what_if_on_the_unit_page_scores_a_changed_numerator(chromium, server, language, title):
    tab = _tab_on(chromium, server, language)
    try:
        tab.open(f"/don-vi/{PROVINCE}?period=2024")
        page = tab.page
        page.wait_for_selector("#whatif-total")
        assert page.inner_text("#whatif-card h2") == title
        # every processed dossier on time: 2.1 earns its 20 points
        denominator = page.get_attribute("#whatif-numerator", "max")
        page.fill("#whatif-numerator", denominator)
        page.press("#whatif-numerator", "Enter")
        full = "20,00" if language == "vi" else "20.00"
        page.wait_for_function(f"() => document.querySelector('#whatif-points')?.textContent === {full!r}")
        page.locator("#whatif-card").scroll_into_view_if_needed()
        tab.shot(f"unit-whatif-{language}")
        assert tab.errors == []
    finally:
        tab.page.context.close()


@pytest.mark.parametrize("language, title, steps", [("vi", "Kế hoạch đạt mục tiêu", "Con đường rẻ nhất"),
                                                    ("en", "Plan to the target", "The cheapest path")])
def test_the_plan_of_the_province_and_of_a_unit_below_it(chromium, server, language, title, steps):
    tab = _tab_on(chromium, server, language)
    try:
        tab.open(f"/ke-hoach?unit={PROVINCE}&period=2024")
        page = tab.page
        page.wait_for_selector("#plan-below .ag-row")
        assert page.inner_text("h1") == title and page.locator(f"h2:has-text({steps!r})").count() == 1
        assert page.inner_text("#plan-subtitle").endswith("· 2024")
        assert _rows(page, "plan-progress").count() == 12
        tab.shot(f"plan-{language}")
        unit = page.locator("#plan-below .ag-row[row-index='0'] a.grid-link")
        name = unit.text_content().strip()
        unit.click()
        page.wait_for_function(f"() => document.querySelector('#plan-subtitle')?.textContent.startsWith({name!r})")
        page.wait_for_selector("#plan-steps .ag-row")
        assert "unit=" in page.url and "period=2024" in page.url
        tab.shot(f"plan-unit-{language}")
        assert tab.errors == []
    finally:
        tab.page.context.close()


@pytest.fixture
def reader_tab(chromium, server, readers):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    opened = Tab(context.new_page(), server)
    yield opened
    context.close()


def _open_drill(tab, unit: str) -> None:
    tab.open(f"/don-vi/{unit}?period=2024&indicator=2.1")
    tab.page.wait_for_selector("#unit-ledger .ag-row")


def _first_dossier(tab) -> tuple[str, str]:
    """Return the dossier code and unit code of the first failing dossier listed."""
    cells = [f"#unit-rows .ag-row[row-index='0'] [col-id='{column}']" for column in ("dossier_code", "unit_code")]
    for cell in cells:
        tab.page.wait_for_function(f"() => document.querySelector({cell!r})?.textContent.trim().length > 0",
                                   timeout=30_000)
    return tuple(tab.page.text_content(cell).strip() for cell in cells)


def test_an_officer_sees_the_dossiers_of_their_commune_only(reader_tab, readers):
    tab, page = reader_tab, reader_tab.page
    page.goto(tab.url + f"/don-vi/{readers['old_commune']}?period=2024")
    page.wait_for_url("**/dang-nhap?next=**")  # nobody signed in: the sign-in page, coming back after
    tab.shot("sign-in")
    page.fill("#username", "test-officer")
    page.fill("#password", PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_selector("#unit-name")
    assert f"/don-vi/{readers['old_commune']}" in page.url
    assert readers["new_commune"] in page.inner_text("#account-name")
    _open_drill(tab, readers["old_commune"])
    assert _first_dossier(tab)[1] == readers["old_commune"]
    tab.shot("officer-unit")
    # another commune's scores are public, its dossiers are not
    _open_drill(tab, readers["outside"])
    page.wait_for_selector("#unit-outside")
    assert page.locator("#unit-rows").count() == 0
    tab.shot("officer-outside")
    tab.open("/du-lieu")
    page.wait_for_selector("#data-refused")
    assert page.locator("#data-loads").count() == 0
    tab.shot("officer-data")
    assert tab.errors == []


def test_an_officer_s_to_do_list_is_their_commune_s_and_another_unit_s_is_refused(reader_tab, readers, browser_db):
    import db

    con = db.connect(browser_db, read_only=True)
    try:  # the old communes that went into the officer's new commune: the months of 2024 were scored for them
        theirs = {code for (code,) in con.execute(
            "select old_code from unit_mapping where is_default and new_code = ?", [readers["new_commune"]]).fetchall()}
    finally:
        con.close()
    tab, page = reader_tab, reader_tab.page
    tab.sign_in("test-officer")
    tab.open("/viec-can-lam")
    page.wait_for_selector("#todo-subtitle")
    chosen = page.inner_text("#todo-unit")
    assert chosen.rsplit("(", 1)[1].rstrip(")\n ") in theirs, chosen
    assert page.locator("#todo-outside").count() == 0
    tab.shot("officer-todo")
    tab.open(f"/viec-can-lam?unit={PROVINCE}")
    page.wait_for_selector("#todo-outside")
    assert "chỉ dành cho cán bộ được giao đơn vị" in page.inner_text("#todo-outside")
    assert page.locator("#todo-dossiers").count() == 0
    tab.shot("officer-todo-outside")
    page.click("#todo-own")  # back to their own list
    page.wait_for_selector("#todo-subtitle")
    assert page.inner_text("#todo-unit") == chosen
    assert tab.errors == []


def test_a_leader_sees_their_province_and_the_data_page_without_downloads(reader_tab, readers):
    tab, page = reader_tab, reader_tab.page
    tab.sign_in("test-leader")
    _open_drill(tab, PROVINCE)
    assert re.fullmatch(r"[\w.-]+-24\d{4}-\d{5}", _first_dossier(tab)[0])
    tab.shot("leader-unit")
    _open_drill(tab, readers["outside"])
    assert _first_dossier(tab)[1] == readers["outside"]
    tab.open("/du-lieu")
    page.wait_for_selector("#data-loads")
    # the only rejected rows name the unknown unit 99999: an admin's, so the leader's page shows no load
    assert page.inner_text("#data-n-rejected") == "0" and page.inner_text("#data-n-loads") == "0"
    assert page.locator("#data-loads .ag-center-cols-container .ag-row").count() == 0
    assert page.locator("#data-reasons").count() == 1
    hidden = page.locator(".controls button:has-text('Tải CSV')")
    assert hidden.count() == 2 and not hidden.first.is_visible() and not hidden.last.is_visible()
    assert page.locator("#data-audit-section").count() == 0
    tab.shot("leader-data")
    assert tab.errors == []


def test_a_session_ended_on_the_server_sends_the_browser_to_the_sign_in_page(reader_tab, readers, browser_db,
                                                                            monkeypatch):
    from access import store

    tab, page = reader_tab, reader_tab.page
    tab.sign_in("test-leaving")
    _open_drill(tab, PROVINCE)
    monkeypatch.setenv("KPI766_ACCESS_DB", str(access_path(browser_db)))
    store.disable("test-leaving")
    # the next callback answers 401: the reader's own choice, unless one the page makes by itself (the drill asking
    # again while it is judged) came first and the browser is already on its way to the sign-in page
    try:
        _choose(page, "unit-indicator", "4.2")
    except PlaywrightTimeout:
        assert "/dang-nhap" in page.url
    page.wait_for_url("**/dang-nhap?next=**")
    assert "indicator" in page.url
