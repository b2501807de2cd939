"""The real dashboard for tests: `app.py` started as `make run` starts it, on a free port, and a layout walker."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT


PASSWORD = "test-password"


def add_account(store_path: Path, name: str, role: str, unit_code: str | None,
                password: str = PASSWORD) -> None:
    """Create an account in the accounts store at `store_path` (access/store.py)."""
    from access import store

    before = os.environ.get("KPI766_ACCESS_DB")
    os.environ["KPI766_ACCESS_DB"] = str(store_path)
    try:
        store.add_user(name, role, unit_code, password)
    finally:
        if before is None:
            os.environ.pop("KPI766_ACCESS_DB")
        else:
            os.environ["KPI766_ACCESS_DB"] = before


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(url: str, name: str, password: str = PASSWORD) -> urllib.request.OpenerDirector:
    """Return an opener holding the session of `name` signed in through the sign-in form of the app at `url`."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    token = csrf_token(opener.open(f"{url}/dang-nhap", timeout=30).read().decode())
    form = urllib.parse.urlencode({"username": name, "password": password, "csrf_token": token, "next": "/"})
    with opener.open(f"{url}/dang-nhap", data=form.encode(), timeout=30) as response:
        if urllib.parse.urlsplit(response.url).path != "/":
            raise AssertionError(f"{name} could not sign in: landed on {response.url}")
    return opener


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def access_path(db_path: Path) -> Path:
    """Return the accounts store the served app of `db_path` uses: beside it, as by default."""
    return Path(f"{db_path}.access.sqlite3")


@contextmanager
def serving(db_path: Path, signed_in: str | None = "admin") -> Iterator[str]:
    """Yield the base URL of `app.py` serving `db_path` on a free port; stop it after.

    With `signed_in` (a role; default admin), an account of that role is created and signed in, and urllib's
    default opener carries its session cookie for the block, so plain `urlopen` calls read as that reader.
    """
    port = free_port()
    env = {"PORT": str(port), "PATH": "/usr/bin:/bin", "KPI766_ACCESS_DB": str(access_path(db_path))}
    env.update({k: os.environ[k] for k in ("KPI766_SECRET_KEY_FILE", "KPI766_PASSWORD_HASHING") if k in os.environ})
    # the server's log goes to a file: a pipe nobody reads fills up after a few hundred requests and blocks it
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "app.py", "--db", str(db_path)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
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
        log.seek(0)
        pytest.fail(f"the dashboard did not start: {log.read().decode()}")
    try:
        if signed_in:
            unit = {"admin": None, "officer": "25747"}.get(signed_in, "79")
            add_account(access_path(db_path), f"test-{signed_in}", signed_in, unit)
            urllib.request.install_opener(sign_in(url, f"test-{signed_in}"))
        yield url
    finally:
        urllib.request.install_opener(None)
        proc.kill()
        proc.wait()
        log.close()


def find(component, component_id):
    """Return the component with `component_id` inside a layout, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found = find(child, component_id)
            if found is not None:
                return found
    return None
