"""The real dashboard for tests: `app.py` started as `make run` starts it, on a free port, and a layout walker."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db_path: Path) -> Iterator[str]:
    """Yield the base URL of `app.py` serving `db_path` on a free port; stop it after."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--db", str(db_path)], cwd=ROOT,
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
    try:
        yield url
    finally:
        proc.kill()
        proc.wait()


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
