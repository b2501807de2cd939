"""Dashboard benchmark: how long every callback of the app takes on the demo database, and how soon the first
page is usable in a browser.

    python benchmarks/bench_dashboard.py [--db PATH] [--repeat 3] [--no-browser] [--no-write-results]

The database is benchmarks/work/dashboard.duckdb, built with `python -m etl demo --to 2025-12-31` (the whole country,
2024–2025) when absent, unless --db names another. The app runs in a child process (this script with
`--serve`) whose every request reports its own duration in a `Server-Timing` header, so the figures are the
server's time, not the client's.

For every page (rankings, unit, indicator, methodology, data) and a set of realistic addresses — several
periods of each kind, each peer list, units of each kind in both trees, several indicators — the script renders
the page through the pages callback, reads the values of every control from the returned layout, then fires
every server callback whose inputs are on the page, once per alternative value of each input (each option of a
dropdown, a few rows of a table, each download button), applying the outputs to the page's state as the browser
would and firing the callbacks they trigger in turn. Each request is repeated `--repeat` times. The baseline,
measured in the same run, is the pages callback for an address that no page serves: Dash's own cost per
request. Time to the first usable page: a new browser context (empty cache) opens `/` and waits for the league
table's rows, and a unit's page for its ledger's rows; navigation start to rows visible, five times each.

The figures replace the "## Dashboard" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path
from machine import describe  # noqa: E402
import results  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = ROOT / "benchmarks" / "work"
AIM_MS = 300
FIRST_PAGE_AIM_S = 2.0
PAGES = "_pages_content"
PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# How many alternative values of one input are tried: options of a dropdown, rows of a table.
ALTERNATIVES = 4
# The admin account the benchmark signs in as, in a store of its own under benchmarks/work.
BENCH_ACCOUNT = "bench-admin"


def serve(port: int) -> None:
    """Run the app on `port`, each response carrying its server-side duration as `Server-Timing: app;dur=MS`."""
    import flask

    import app

    def started():
        flask.g.started = time.perf_counter()

    # first of all, so the time includes the sign-in guard (which answers an anonymous request itself)
    app.server.before_request_funcs.setdefault(None, []).insert(0, started)

    @app.server.after_request
    def timed(response):
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - flask.g.started) * 1000:.2f}"
        return response

    # served as in production (gunicorn), the hooks registered before its workers start
    app.Server({**app.options(), "bind": f"127.0.0.1:{port}"}).run()


# Talking to the app --------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """Posts callbacks to the app and records each one's server-side time under a name."""

    def __init__(self, url: str):
        self.url = url
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)

    def post(self, name: str, body: dict) -> dict | None:
        """Return the callback's response (None for no update), recording its server time under `name`."""
        request = urllib.request.Request(f"{self.url}/_dash-update-component", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw, timing = response.read(), response.headers.get("Server-Timing", "")
                status = response.status
        except urllib.error.HTTPError as error:
            timing, status, raw = error.headers.get("Server-Timing", ""), error.code, error.read()
        found = re.search(r"dur=([\d.]+)", timing)
        if found:
            self.times[name].append(float(found.group(1)))
        if status >= 400:
            self.failures[name].append(f"{status}: {raw[:200]!r}")
            return None
        return json.loads(raw) if status == 200 and raw else None


def _walk(node, found: dict) -> None:
    """Collect the props of every component with an id in a layout tree: {id key: (type, props)}."""
    if isinstance(node, list):
        for child in node:
            _walk(child, found)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if props.get("id") is not None:
            found[_key(props["id"])] = (node.get("type"), props)
        for value in props.values():
            if isinstance(value, (list, dict)):
                _walk(value, found)


def _key(component_id) -> str:
    return json.dumps(component_id, sort_keys=True, separators=(",", ":")) if isinstance(component_id, dict) \
        else component_id


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _outputs(output: str) -> list[tuple[str, str]]:
    """Return the (id, property) pairs of a callback's output string (one, or several as ..a.b...c.d..)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]


def _matches(pattern: dict, concrete) -> bool:
    if not isinstance(concrete, dict) or set(pattern) != set(concrete):
        return False
    return all(isinstance(v, list) or concrete[k] == v for k, v in pattern.items())


class Page:
    """A rendered page: its components' props, updated by callback outputs as the browser would."""

    def __init__(self, client: Client, deps: list[dict], path: str, search: str):
        self.client, self.deps = client, [d for d in deps if not d["clientside_function"]]
        self.components: dict[str, tuple[str, dict]] = {}
        self.name = path.split("/")[1] or "rankings"
        response = client.post(f"page {self.name}", _pages_body(path, search))
        if response:
            _walk(response["response"][PAGES]["children"], self.components)

    def _instances(self, spec_id: str) -> list[list]:
        """Return the concrete ids a dependency id stands for on this page, grouped by MATCH values."""
        pattern = _parse_id(spec_id)
        if not isinstance(pattern, dict):
            return [[pattern]] if pattern in self.components else []
        found = [json.loads(k) for k in self.components if k.startswith("{") and _matches(pattern, json.loads(k))]
        match = [k for k, v in pattern.items() if v == ["MATCH"]]
        groups = defaultdict(list)
        for concrete in found:
            groups[tuple(concrete[k] for k in match)].append(concrete)
        return list(groups.values())

    def _value(self, component_id, prop: str):
        return self.components.get(_key(component_id), (None, {}))[1].get(prop)

    def _bodies(self, dep: dict):
        """Yield (trigger, body) for each way this page can fire `dep`."""
        specs = dep["inputs"] + dep["state"]
        if any(not self._instances(s["id"]) for s in specs):
            return
        group_keys = {s["id"]: self._instances(s["id"]) for s in specs}
        n_groups = min(len(g) for g in group_keys.values())
        for g in range(n_groups):
            def resolved(spec):
                ids = group_keys[spec["id"]][g]
                if "ALL" in spec["id"]:
                    return [{"id": i, "property": spec["property"], "value": self._value(i, spec["property"])}
                            for i in ids]
                return {"id": ids[0], "property": spec["property"], "value": self._value(ids[0], spec["property"])}
            for n, spec in enumerate(dep["inputs"]):
                for trigger_id in group_keys[spec["id"]][g]:
                    for alternative in self._alternatives(trigger_id, spec["property"]):
                        inputs = [resolved(s) for s in dep["inputs"]]
                        target = inputs[n] if isinstance(inputs[n], dict) else \
                            next(i for i in inputs[n] if i["id"] == trigger_id)
                        target["value"] = alternative
                        outputs = [{"id": self._concrete(i, g), "property": p} for i, p in _outputs(dep["output"])]
                        body = {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                                "inputs": inputs, "state": [resolved(s) for s in dep["state"]],
                                "changedPropIds": [f"{_key(trigger_id)}.{spec['property']}"]}
                        yield (trigger_id, spec["property"], alternative), body

    def _concrete(self, spec_id: str, group: int):
        instances = self._instances(spec_id)
        if instances:
            return instances[min(group, len(instances) - 1)][0]
        pattern = _parse_id(spec_id)
        return pattern if not isinstance(pattern, dict) else {k: v for k, v in pattern.items()}

    def _alternatives(self, component_id, prop: str) -> list:
        kind, props = self.components.get(_key(component_id), (None, {}))
        current = props.get(prop)
        if prop == "value" and props.get("options"):
            values = [o["value"] if isinstance(o, dict) else o for o in props["options"]]
            step = max(1, len(values) // ALTERNATIVES)
            return values[::step][:ALTERNATIVES]
        if prop == "value" and kind == "Input":
            return [85, 90] if props.get("type") == "number" else ["Bình", "Phường", ""]
        rows = props.get("rowData") or []
        picked = [rows[i] for i in sorted({0, len(rows) // 2, len(rows) - 1})] if rows else []
        if prop == "cellClicked":
            field = (props.get("columnDefs") or [{}])[0].get("field")
            return [{"value": r.get(field), "colId": field, "rowIndex": rows.index(r), "rowId": str(rows.index(r)),
                     "timestamp": 0} for r in picked]
        if prop == "selectedRows":
            return [[r] for r in picked]
        if prop == "getRowsRequest":
            return [{"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}]
        if prop in ("n_clicks", "n_intervals"):
            return [1]
        return [current]

    def _apply(self, response: dict | None) -> list[tuple[str, str]]:
        """Apply a callback's outputs to the page; return the (id, property) pairs that changed."""
        changed = []
        for key, props in ((response or {}).get("response") or {}).items():
            if key not in self.components:
                continue
            for prop, value in props.items():
                prop = prop.split("@")[0]
                if prop == "children" and isinstance(value, (dict, list)):
                    _walk(value, self.components)
                self.components[key][1][prop] = value
                changed.append((key, prop))
        return changed

    def run(self, repeat: int, depth: int = 2) -> None:
        """Fire every callback this page can fire, with each alternative input, and the callbacks they trigger."""
        initial = [d for d in self.deps if not d["prevent_initial_call"] and d["output"] != PAGES_OUTPUT]
        for dep in initial:
            for _, body in list(self._bodies(dep))[:1]:
                self._apply(self.client.post(_name(dep), body))
        for dep in self.deps:
            if dep["output"] == PAGES_OUTPUT:
                continue
            for (trigger_id, prop, value), body in list(self._bodies(dep)):
                response = None
                for _ in range(repeat):
                    response = self.client.post(_name(dep), body)
                self._cascade(self._apply(response), depth)

    def _cascade(self, changed: list[tuple[str, str]], depth: int) -> None:
        if depth == 0 or not changed:
            return
        for dep in self.deps:
            inputs = {(_key(_parse_id(s["id"])) if not s["id"].startswith("{") else s["id"], s["property"])
                      for s in dep["inputs"]}
            if dep["output"] == PAGES_OUTPUT or not inputs & set(changed):
                continue
            for _, body in list(self._bodies(dep))[:1]:
                body["changedPropIds"] = [f"{k}.{p}" for k, p in changed if (k, p) in inputs][:1]
                self._cascade(self._apply(self.client.post(_name(dep), body)), depth - 1)


def _name(dep: dict) -> str:
    """Return a callback's name for the report: its outputs without the allow-duplicate suffixes, a pattern id
    by its fixed parts (`download-file.data`)."""
    def shown(component_id: str) -> str:
        if not component_id.startswith("{"):
            return component_id
        return "-".join(str(v) for k, v in sorted(json.loads(component_id).items())
                        if not isinstance(v, list) and k == "type") or component_id
    return " + ".join(f"{shown(i)}.{p.split('@')[0]}" for i, p in _outputs(dep["output"]))


def _pages_body(path: str, search: str) -> dict:
    return {"output": PAGES_OUTPUT,
            "outputs": [{"id": PAGES, "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


# What to open --------------------------------------------------------------------------------------------

def addresses(db_path: Path) -> list[tuple[str, str]]:
    """Return (path, query string) pairs covering every page: several periods of each kind, each peer list,
    units of each kind in both trees, several indicators."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        periods = dict(con.execute("""select period_kind, list(distinct period order by period desc)
                                      from unit_scores group by all""").fetchall())
        years, quarters, months = periods.get("year", []), periods.get("quarter", []), periods.get("month", [])
        units = con.execute("""
            with picked as (
                select period, unit_kind, unit_code, province_code, district_code,
                       row_number() over (partition by period, unit_kind order by rank, unit_code) as best,
                       row_number() over (partition by period, unit_kind order by rank desc, unit_code) as worst
                from unit_scores where period in (select unnest($1::varchar[])) and ruleset = 'portal-2025'
            )
            select period, unit_kind, unit_code, province_code, district_code from picked
            where best = 1 or worst = 1 order by period, unit_kind, unit_code""",
                            [years[:2] + months[:1]]).fetchall()
    finally:
        con.close()
    out = [("/", ""), ("/", "?kind=quarter"), ("/", "?kind=month")]
    for period in years[:2] + quarters[:2] + months[:2]:
        out.append(("/", f"?period={period}"))
    for period, kind, code, province, district in units:
        out.append((f"/don-vi/{code}", f"?period={period}"))
        if kind != "province":
            out.append(("/", f"?period={period}&peers={province}:{kind}"))
        if kind == "commune" and district:
            out.append(("/", f"?period={period}&peers={province}:commune&district={district}"))
    for indicator in ("2.1", "3.2", "4.2", "5.1"):
        for period in years[:1] + quarters[:1] + months[:1]:
            out.append((f"/chi-so/{indicator}", f"?period={period}"))
    out += [("/phuong-phap", ""), ("/du-lieu", "")]
    return list(dict.fromkeys(out))


# What makes a page usable: its main table's rows on screen.
FIRST_PAGES = {"rankings": ("/", "#rankings-grid .ag-center-cols-container .ag-row"),
               "unit": ("/don-vi/74?period=2024", "#unit-ledger .ag-center-cols-container .ag-row")}


def sign_in(url: str, password: str) -> None:
    """Sign in as the benchmark's admin through the sign-in form; urllib's default opener keeps the session."""
    from http.cookiejar import CookieJar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{url}/dang-nhap", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    opener.open(f"{url}/dang-nhap", data=urllib.parse.urlencode(
        {"username": BENCH_ACCOUNT, "password": password, "csrf_token": token}).encode(), timeout=30)
    urllib.request.install_opener(opener)


def bench_account() -> str:
    """Return the password of the benchmark's admin, a new random one, in the store of KPI766_ACCESS_DB."""
    import secrets

    from access import store

    password = secrets.token_urlsafe(12)
    if store.get_user(BENCH_ACCOUNT) is None:
        store.add_user(BENCH_ACCOUNT, "admin", None, password)
    else:
        store.set_password(BENCH_ACCOUNT, password)
    return password


def first_page(url: str, password: str, runs: int = 5) -> dict[str, list[float]]:
    """Return, per page of FIRST_PAGES, the seconds from navigation start to its table's rows, in a fresh
    browser context (empty cache but for the sign-in page's stylesheet) each run, signed in first."""
    from playwright.sync_api import sync_playwright

    seconds = defaultdict(list)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            for name, (path, rows) in FIRST_PAGES.items():
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                page.goto(url + "/dang-nhap")
                page.fill("#username", BENCH_ACCOUNT)
                page.fill("#password", password)
                page.click("#sign-in-submit")
                page.wait_for_load_state("networkidle")
                page.goto(url + path)
                page.wait_for_selector(rows, state="visible", timeout=60_000)
                seconds[name].append(page.evaluate("() => performance.now()") / 1000)
                context.close()
        browser.close()
    return dict(seconds)


# Report --------------------------------------------------------------------------------------------------



def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]


def section(r: dict) -> str:
    rows = "\n".join(
        f"| `{name}` | {len(v)} | {statistics.median(v):.1f} | {p95(v):.1f} | {max(v):.1f} | "
        f"{statistics.median(v) / r['baseline']:.1f}× |"
        for name, v in sorted(r["times"].items(), key=lambda item: -p95(item[1])))
    every = [t for v in r["times"].values() for t in v]
    over = sorted(name for name, v in r["times"].items() if p95(v) > AIM_MS)
    failures = "".join(f"\n- `{name}`: {len(f)} failed, e.g. {f[0]}" for name, f in sorted(r["failures"].items()))
    first = r["first_page"]
    first_line = ("Time to the first usable page (navigation start → the main table's rows visible, a new browser "
                  "context with an empty cache each time): " + "; ".join(
                      f"`{FIRST_PAGES[name][0]}` median **{statistics.median(v):.2f} s**, slowest {max(v):.2f} s "
                      f"({len(v)} runs)" for name, v in first.items()) + f" (aim {FIRST_PAGE_AIM_S:.0f} s).") \
        if first else "Time to the first usable page: not measured in this run (--no-browser)."
    return f"""## Dashboard

{r['dossiers']:,} dossiers (the default demo: whole country 2024–2025), {date.today().isoformat()}, {r['machine']}.
`python benchmarks/bench_dashboard.py`: {len(r['addresses'])} addresses over every page, each control's
alternatives fired as the browser would, every request {r['repeat']}×; times are the server's (a `Server-Timing`
header set by the app around each request), in ms.

| callback | calls | median | p95 | max | median / baseline |
|---|---|---|---|---|---|
{rows}

Baseline (the pages callback for an address no page serves, Dash's own cost per request): median
{r['baseline']:.1f} ms. All {len(every)} calls: median {statistics.median(every):.1f} ms, **p95 {p95(every):.1f} ms**
(aim {AIM_MS} ms); callbacks over the aim at p95: {', '.join(f'`{n}`' for n in over) or 'none'}.
{first_line}
Failed requests: {sum(len(f) for f in r['failures'].values()) or 'none'}.{failures}

The data page's first view after a load counts every dossier per province and keeps the counts until the next
load, so its slowest call is that first one; the page callbacks of the other pages and the PDF report open one
read-only connection each. Of the time to the first usable page, the server's part is the `page` rows above
(under 0.2 s); the rest is the browser fetching, parsing and starting the scripts of Dash, Plotly and AG Grid.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=WORK / "dashboard.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="skip the time to the first usable page")
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "etl", "demo", "--to", "2025-12-31", "--db", str(args.db)], cwd=ROOT,
                       check=True)
    started_machine = describe(with_load=True)
    port = _free_port()
    os.environ.setdefault("KPI766_ACCESS_DB", str(WORK / "dashboard.access.sqlite3"))
    os.environ.setdefault("KPI766_SECRET_KEY_FILE", str(WORK / "dashboard.secret"))
    password = bench_account()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], cwd=ROOT,
                            env={**os.environ, "KPI766_DB": str(args.db)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError as error:
                if time.time() > deadline:
                    raise SystemExit(f"the dashboard did not start: {error}")
                time.sleep(0.3)
        sign_in(url, password)
        deps = json.load(urllib.request.urlopen(f"{url}/_dash-dependencies"))
        client = Client(url)
        for _ in range(3):  # warm the process up: imports, the first connection, DuckDB's caches
            client.post("warm-up", _pages_body("/", ""))
        for _ in range(max(5, args.repeat * 3)):
            client.post("baseline", _pages_body("/khong-co-trang-nay", ""))
        baseline = statistics.median(client.times.pop("baseline"))
        client.times.pop("warm-up", None)
        todo = addresses(args.db)
        for path, search in todo:
            for _ in range(args.repeat - 1):
                client.post(f"page {path.split('/')[1] or 'rankings'}", _pages_body(path, search))
            Page(client, deps, path, search).run(args.repeat)
            print(f"{path}{search}: {sum(len(v) for v in client.times.values())} calls so far", flush=True)
        first = {} if args.no_browser else first_page(url, password)
    finally:
        proc.terminate()
        proc.wait()
    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    dossiers = con.execute("select count(*) from dossiers").fetchone()[0]
    con.close()
    text = section({"dossiers": dossiers, "machine": started_machine, "addresses": todo, "repeat": args.repeat,
                    "times": dict(client.times), "failures": dict(client.failures), "baseline": baseline,
                    "first_page": first})
    print(text)
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
