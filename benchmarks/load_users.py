"""Locust users of the dashboard, for benchmarks/bench_load_serving.py (run by it, headless).

Each request is the one a browser sends: the page's HTML, then the Dash callback that renders the page's content,
and for some the drill, the indicator page or a download. Users take in turn one of the sessions signed
in before (KPI766_BENCH_COOKIES, one "name=value" cookie line each); without them they sign in first when the app
has a sign-in form (`/dang-nhap` with a `csrf_token`), as KPI766_BENCH_USER with KPI766_BENCH_PASSWORD.

Environment (set by the benchmark): KPI766_BENCH_UNITS (comma-separated unit codes, one per user in turn),
KPI766_BENCH_PERIOD, KPI766_BENCH_INDICATOR, KPI766_BENCH_THINK ("5,15": seconds between pages; "0,0" a closed
loop).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, constant, task

UNITS = os.environ.get("KPI766_BENCH_UNITS", "").split(",")
PERIOD = os.environ.get("KPI766_BENCH_PERIOD", "")
INDICATOR = os.environ.get("KPI766_BENCH_INDICATOR", "2.1")
COOKIES = [line for line in os.environ.get("KPI766_BENCH_COOKIES", "").split("\n") if line]
THINK = tuple(float(x) for x in os.environ.get("KPI766_BENCH_THINK", "0,0").split(","))
PAGES = ".._pages_content.children..._pages_store.data.."
DRILL = "..unit-drill-body.children...unit-indicator-explain.children...unit-procedure.options...unit-wait.disabled.."
_turns = itertools.count()
_views = itertools.count()


def _page_body(path: str, search: str = "") -> dict:
    return {"output": PAGES,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def _id(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


class Reader(HttpUser):
    """A reader: signs in when asked to, then opens pages."""

    abstract = True
    wait_time = between(*THINK) if THINK[1] > 0 else constant(0)

    def on_start(self) -> None:
        turn = next(_turns)
        self.unit = UNITS[turn % len(UNITS)]
        if COOKIES:
            for part in COOKIES[turn % len(COOKIES)].split("; "):
                name, _, value = part.partition("=")
                self.client.cookies.set(name, value)
            return
        with self.client.get("/dang-nhap", name="sign-in form", catch_response=True) as response:
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"',
                              response.text)
            if response.status_code == 404 or found is None:
                response.success()  # no sign-in form on this version of the app
                return
        self.client.post("/dang-nhap", name="sign in",
                         data={"username": os.environ.get("KPI766_BENCH_USER", ""),
                               "password": os.environ.get("KPI766_BENCH_PASSWORD", ""),
                               "csrf_token": found[1] or found[2]})

    def page(self, path: str, name: str, search: str = "") -> None:
        """Open a page as a browser does: its HTML, then the callback that renders it."""
        self.client.get(path + search, name=f"{name} (html)")
        self.client.post("/_dash-update-component", json=_page_body(path, search), name=name)

    def unit_page(self) -> None:
        self.page(f"/don-vi/{self.unit}", "unit page", f"?period={PERIOD}" if PERIOD else "")


class UnitPages(Reader):
    """Opens its own unit's page again and again."""

    @task
    def unit(self) -> None:
        self.unit_page()


class UnitRounds(Reader):
    """Opens a unit page never opened before on each view (the communes in turn across every user): what a page
    costs the first time, before it is kept."""

    @task
    def unit(self) -> None:
        self.unit = UNITS[next(_views) % len(UNITS)]
        self.unit_page()


class Visitors(Reader):
    """Goes across every page: rankings, a unit, its drill, an indicator, a download."""

    @task(3)
    def rankings(self) -> None:
        self.page("/", "rankings page", f"?period={PERIOD}" if PERIOD else "")

    @task(4)
    def unit(self) -> None:
        self.unit_page()

    @task(2)
    def drill(self) -> None:
        params = {"unit_code": self.unit, "period": PERIOD, "indicator": INDICATOR, "procedure": None}
        self.client.post("/_dash-update-component", name="unit drill", json={
            "output": DRILL,
            "outputs": [{"id": "unit-drill-body", "property": "children"},
                        {"id": "unit-indicator-explain", "property": "children"},
                        {"id": "unit-procedure", "property": "options"},
                        {"id": "unit-wait", "property": "disabled"}],
            "inputs": [{"id": "unit-drill", "property": "data", "value": params},
                       {"id": "unit-wait", "property": "n_intervals", "value": None}],
            "changedPropIds": ["unit-drill.data"], "state": []})

    @task(2)
    def indicator(self) -> None:
        self.page(f"/chi-so/{INDICATOR}", "indicator page", f"?period={PERIOD}" if PERIOD else "")

    @task(1)
    def download(self) -> None:
        button = {"type": "download-button", "name": "unit-ledger"}
        self.client.post("/_dash-update-component", name="ledger download", json={
            "output": _id({"name": ["MATCH"], "type": "download-file"}) + ".data",
            "outputs": {"id": {"type": "download-file", "name": "unit-ledger"}, "property": "data"},
            "inputs": [[{"id": {**button, "format": "csv"}, "property": "n_clicks", "value": 1},
                        {"id": {**button, "format": "xlsx"}, "property": "n_clicks", "value": 0}]],
            "state": [{"id": {"type": "download-params", "name": "unit-ledger"}, "property": "data",
                       "value": {"unit_code": self.unit, "period": PERIOD}}],
            "changedPropIds": [_id({**button, "format": "csv"}) + ".n_clicks"]})
