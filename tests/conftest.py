"""Shared fixtures: a fresh real DuckDB database per test, with the schema and the official units."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402

# Accounts are hashed with cheap argon2 parameters in tests; the key signing cookies lives outside the checkout.
os.environ.setdefault("KPI766_PASSWORD_HASHING", "cheap")
os.environ.setdefault("KPI766_SECRET_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="kpi766-key-")) / "secret"))


# `make test` runs the tests on every core (pytest-xdist, `--dist loadfile`: a file's tests on one worker, so that its
# module and session fixtures are built once), then the browser tests (those driving Chromium, marked here) alone:
# a page waited for while both cores compute for the other worker can take longer than any wait.
def pytest_collection_modifyitems(items):
    for item in items:
        if "chromium" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """Return the path of a database with the schema and official units, built once per test run."""
    path = tmp_path_factory.mktemp("template") / "kpi766.duckdb"
    db.connect(path).close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """Return the path of a new database with the schema and official units installed."""
    path = tmp_path / "kpi766.duckdb"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def con(db_path: Path):
    """Return an open connection to a new database (see `db_path`)."""
    connection = db.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def access_store(tmp_path: Path, monkeypatch) -> Path:
    """Give every test an accounts store of its own (access/store.py), outside the checkout."""
    path = tmp_path / "access.sqlite3"
    monkeypatch.setenv("KPI766_ACCESS_DB", str(path))
    return path


@pytest.fixture
def as_admin():
    """Run the test inside a request signed in as an admin (tests/signin.py), for pages and callbacks called
    directly."""
    from signin import reading_as

    with reading_as("admin") as scope:
        yield scope


# Debian's Chromium, driven by the browser tests through playwright (browsers cannot be downloaded here).
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for every browser test of the run: playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()
