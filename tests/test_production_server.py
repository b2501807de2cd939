"""The production server: `app.py` exposes the WSGI app as `server` without opening the database at import,
`python app.py` serves it through gunicorn with workers and threads from the settings, `gunicorn 'app:server'`
serves it too; dossier-level drills run in a bounded pool and beyond it the reader is told to retry."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from appserver import free_port, serving
from conftest import ROOT
from dashboard import limits
from dashboard.queries import pool


def test_importing_the_app_gives_the_wsgi_server_and_opens_no_database(tmp_path):
    missing = tmp_path / "nowhere" / "kpi766.duckdb"
    result = subprocess.run([sys.executable, "-c", "import app; print(type(app.server).__name__)"], cwd=ROOT,
                            env={**os.environ, "KPI766_DB": str(missing)}, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "Flask", result.stderr
    assert not missing.parent.exists()


def test_workers_and_threads_come_from_the_settings(monkeypatch):
    import app
    monkeypatch.setenv("KPI766_WORKERS", "3")
    monkeypatch.setenv("KPI766_THREADS", "7")
    options = app.options()
    assert (options["workers"], options["threads"], options["worker_class"]) == (3, 7, "gthread")
    monkeypatch.delenv("KPI766_WORKERS")
    assert app.options()["workers"] == (os.cpu_count() or 1)


def test_python_app_py_serves_through_gunicorn(db_path):
    with serving(db_path) as url:
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert response.headers["Server"].startswith("gunicorn")
            assert "Bộ chỉ số 766" in response.read().decode()


def test_gunicorn_serves_app_server(db_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--bind", f"127.0.0.1:{port}",
                                "--workers", "1"], cwd=ROOT, env={**os.environ, "KPI766_DB": str(db_path)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(30)


def test_a_full_pool_refuses_at_once_and_the_same_job_runs_once():
    bounded = pool.Bounded(workers=1, queue=1, name="test")
    release, runs = threading.Event(), []

    def job(name):
        runs.append(name)
        release.wait(30)
        return name

    first = bounded.submit("a", job, "a")
    assert bounded.submit("a", job, "a") is first  # asked twice, runs once
    queued = bounded.submit("b", job, "b")
    with pytest.raises(limits.Busy) as busy:
        bounded.submit("c", job, "c")
    assert busy.value.code == 503
    assert "Đang bận, thử lại sau vài giây" in busy.value.description
    assert "Busy, retry in a few seconds" in busy.value.description
    release.set()
    assert (first.result(30), queued.result(30)) == ("a", "b")
    assert runs == ["a", "b"]
    assert bounded.submit("c", job, "c").result(30) == "c"  # room again once the others are done
