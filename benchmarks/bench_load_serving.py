"""Load benchmark: the dashboard served as in production, under many readers at once (Locust, headless).

    python benchmarks/bench_load_serving.py [--db PATH] [--app-root DIR] [--label after] [--seconds 60]
                                            [--scenarios units,visitors,overload] [--no-write-results]

Serves `--db` (default: the national demo, built in benchmarks/work/serving.duckdb when missing) with
`python app.py` from `--app-root` (default this checkout; another commit's checkout measures that version) on a free
port of 127.0.0.1, then runs benchmarks/load_users.py with Locust against it:

- units: 20 users in a closed loop, each opening its own unit's page (a commune of the latest year) for
  `--seconds`; the aim is ≥ 20 page views a second with p95 ≤ 1 s and no error;
- first views: the same 20 users, each view a unit page not opened before (the communes in turn): what the pages
  cost before they are kept;
- visitors: 200 users with 5–15 s between pages, across the rankings, unit, drill, indicator pages and a download;
  the aim is p95 ≤ 1 s;
- overload: 500 users with 1–3 s between pages, the same mix: the server must stay up with its memory bounded,
  and answer a unit page within 1 s again a few seconds after.

Readers are signed in when the app has a sign-in form (KPI766_BENCH_USER, KPI766_BENCH_PASSWORD): before the
scenarios, SESSIONS sign-ins one after the other (their time is reported), whose sessions the Locust users share
in turn, as officers already signed in that morning; `--sign-in` makes every Locust user sign in itself instead,
all within the first seconds (a password check takes a quarter of a CPU-second by design: argon2). A page view is
the page's HTML and the callback that renders it; its time is the callback's. The figures of each `--label` are kept in
benchmarks/work/ and the "## Serving a province" section of benchmarks/RESULTS.md shows every label measured.
Locust runs on the same machine as the server and takes some of its cores.
"""
from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402
import results  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
USERS = Path(__file__).resolve().parent / "load_users.py"
# name: (Locust user class, users, seconds between pages "min,max")
SCENARIOS = {
    "units": ("UnitPages", 20, "0,0"),
    "first views": ("UnitRounds", 20, "0,0"),
    "visitors": ("Visitors", 200, "5,15"),
    "overload": ("Visitors", 500, "1,3"),
}
PAGE_NAMES = ("unit page", "rankings page", "indicator page")
# Sessions signed in before the scenarios, shared by the Locust users in turn.
SESSIONS = 40


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_database() -> Path:
    path = WORK / "serving.duckdb"
    if not path.exists():
        subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(path)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return path


def units_and_period(path: Path) -> tuple[list[str], str]:
    """Return the communes scored in the latest year (up to 5,000), in a fixed shuffled order, and that year."""
    with duckdb.connect(str(path), read_only=True) as con:
        period = con.execute("select max(period) from unit_scores where period_kind = 'year'").fetchone()[0]
        codes = [c for c, in con.execute("""select unit_code from unit_scores where period = ? and unit_kind = 'commune'
                                             order by hash(unit_code) limit 5000""", [period]).fetchall()]
    return codes, period


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


class Memory(threading.Thread):
    """Samples the resident memory of the server and its workers every half second; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root, self.peak, self.done = psutil.Process(pid), 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass


def cpu_seconds(pid: int) -> dict[str, float]:
    """Return the CPU seconds used so far by the server (its processes), by the children this benchmark waited for
    (Locust) and by the whole machine (every core's time not idle)."""
    root = psutil.Process(pid)
    server = 0.0
    for process in (root, *root.children(recursive=True)):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        server += times.user + times.system
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = psutil.cpu_times()
    return {"server": server, "locust": children.ru_utime + children.ru_stime,
            "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)}


def sign_in(url: str, n: int) -> tuple[list[str], float | None]:
    """Sign in `n` times as KPI766_BENCH_USER, one after the other; return the session cookies ("name=value") and
    the median seconds a sign-in took. No cookies when the app has no sign-in form."""
    cookies, seconds = [], []
    for _ in range(n):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        try:
            form = opener.open(f"{url}/dang-nhap", timeout=30).read().decode()
        except urllib.error.HTTPError:
            return [], None
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', form)
        if found is None:
            return [], None
        data = urllib.parse.urlencode({"username": os.environ.get("KPI766_BENCH_USER", ""),
                                       "password": os.environ.get("KPI766_BENCH_PASSWORD", ""),
                                       "csrf_token": found[1] or found[2]}).encode()
        started = time.perf_counter()
        opener.open(f"{url}/dang-nhap", data=data, timeout=60).read()
        seconds.append(time.perf_counter() - started)
        cookies.append("; ".join(f"{c.name}={c.value}" for c in jar))
    return cookies, sorted(seconds)[len(seconds) // 2]


def unit_page_seconds(url: str, unit: str, period: str, cookie: str | None = None) -> float | None:
    body = json.dumps({"output": ".._pages_content.children..._pages_store.data..",
                       "outputs": [{"id": "_pages_content", "property": "children"},
                                   {"id": "_pages_store", "property": "data"}],
                       "inputs": [{"id": "_pages_location", "property": "pathname", "value": f"/don-vi/{unit}"},
                                  {"id": "_pages_location", "property": "search", "value": f"?period={period}"}],
                       "changedPropIds": ["_pages_location.pathname"], "state": []}).encode()
    started = time.perf_counter()
    try:
        request = urllib.request.Request(f"{url}/_dash-update-component", data=body,
                                         headers={"Content-Type": "application/json",
                                                  **({"Cookie": cookie} if cookie else {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except OSError:
        return None
    return time.perf_counter() - started


def _ms(value: str) -> float | None:
    """Return a Locust time in ms, None when no request finished ('N/A')."""
    return None if value in ("N/A", "", None) else float(value)


def run_scenario(name: str, label: str, url: str, units: list[str], period: str, seconds: int,
                 server: subprocess.Popen, cookies: list[str]) -> dict:
    user, n_users, think = SCENARIOS[name]
    prefix = WORK / f"locust-{label}-{name}"
    env = {**os.environ, "KPI766_BENCH_UNITS": ",".join(units), "KPI766_BENCH_PERIOD": period,
           "KPI766_BENCH_THINK": think, "KPI766_BENCH_COOKIES": "\n".join(cookies)}
    memory = Memory(server.pid)
    memory.start()
    before = cpu_seconds(server.pid)
    subprocess.run([sys.executable, "-m", "locust", "-f", str(USERS), user, "--headless", "--users", str(n_users),
                    "--spawn-rate", str(max(n_users // 5, 1)), "--run-time", f"{seconds}s", "--host", url,
                    "--csv", str(prefix), "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"],
                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 300)
    memory.done.set()
    after = cpu_seconds(server.pid)
    used = {part: after[part] - before[part] for part in after}
    recovered = None
    if name == "overload":
        started = time.monotonic()
        while time.monotonic() - started < 120:
            taken = unit_page_seconds(url, units[0], period, cookies[0] if cookies else None)
            if taken is not None and taken <= 1.0:
                recovered = time.monotonic() - started
                break
            time.sleep(0.5)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    pages = [rows[n] for n in PAGE_NAMES if n in rows]
    total = rows["Aggregated"]
    unit = rows.get("unit page", {})
    return {
        "users": n_users, "think": think, "seconds": seconds,
        "page_views_per_s": sum(float(r["Requests/s"]) for r in pages),
        "unit_p95_ms": _ms(unit.get("95%")), "unit_p50_ms": _ms(unit.get("50%")),
        "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
        "p95_ms": _ms(total["95%"]), "p50_ms": _ms(total["50%"]),
        "per_name": {n: {"count": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                         "p50_ms": _ms(r["50%"]), "p95_ms": _ms(r["95%"])}
                     for n, r in rows.items() if n != "Aggregated"},
        "peak_memory_mb": memory.peak / 1024 ** 2,
        "cpu_s": {**used, "others": used["machine"] - used["server"] - used["locust"]},
        "server_up": server.poll() is None,
        "recovered_s": recovered,
    }


def section(measured: dict[str, dict]) -> str:
    lines = ["## Serving a province (load)", "",
             "`python benchmarks/bench_load_serving.py`: `python app.py` on 127.0.0.1 and Locust (benchmarks/load_users.py)",
             "on the same machine, against the national demo. A page view is the page's HTML and the callback that",
             "renders it; its time is the callback's. **The machine is shared with four other engineers' work while",
             "these run** (load average at the start below), and Locust itself takes part of the two cores.", ""]
    for label, run in measured.items():
        sessions = f"; {run['sessions']}" if run.get("sessions") else ""
        lines += [f"**{label}** — {run['when']}, commit {run['commit']}, {run['server']}{sessions}; {run['machine']}.",
                  ""]
    lines += ["| scenario | version | users | page views/s | unit page p50 / p95 ms | all requests p95 ms | "
              "requests | errors | peak server memory MB | up after | back under 1 s after |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in SCENARIOS:
        for label, run in measured.items():
            r = run["scenarios"].get(name)
            if r is None:
                continue
            unit = (f"{r['unit_p50_ms']:,.0f} / {r['unit_p95_ms']:,.0f}" if r["unit_p95_ms"] is not None else "–")
            every = f"{r['p95_ms']:,.0f}" if r["p95_ms"] is not None else "–"
            back = "–" if name != "overload" else (f"{r['recovered_s']:.1f} s" if r["recovered_s"] is not None
                                                   else "not within 120 s")
            lines.append(f"| {name} ({r['think'].replace(',', '–')} s think) | {label} | {r['users']} | "
                         f"{r['page_views_per_s']:.1f} | {unit} | {every} | {r['requests']:,} | "
                         f"{r['failures']:,} | {r['peak_memory_mb']:,.0f} | {'yes' if r['server_up'] else 'no'} | {back} |")
    lines += ["", "Where the CPU went, in CPU-seconds over each scenario (2 cores: 120 in a 60 s scenario): the server's "
              "processes, Locust, and the rest of the machine (other work beside the benchmark).", "",
              "| scenario | version | server | Locust | rest of the machine | server CPU per page view (all its requests) ms |",
              "|---|---|---|---|---|---|"]
    for name in SCENARIOS:
        for label, run in measured.items():
            r = run["scenarios"].get(name)
            if r is None or "cpu_s" not in r:
                continue
            views = r["page_views_per_s"] * r["seconds"]
            per_view = f"{1000 * r['cpu_s']['server'] / views:,.0f}" if views else "–"
            lines.append(f"| {name} | {label} | {r['cpu_s']['server']:,.0f} | {r['cpu_s']['locust']:,.0f} | "
                         f"{r['cpu_s']['others']:,.0f} | {per_view} |")
    lines += ["", "The aims (issue: a province's officers opening their pages at once): units ≥ 20 page views/s with",
              "p95 ≤ 1 s and no error; visitors p95 ≤ 1 s; overload: no crash, memory bounded, back to normal within",
              "seconds. The load averages at the start differ between the versions' runs, so the comparison is rough."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="the database to serve (default: the national demo in benchmarks/work)")
    parser.add_argument("--app-root", default=str(ROOT), help="the checkout whose app.py serves (default: this one)")
    parser.add_argument("--label", default="after", help="the name of this version in RESULTS.md")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    parser.add_argument("--sign-in", action="store_true",
                        help="every Locust user signs in itself at its start (default: shared sessions signed in before)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    path = Path(args.db).resolve() if args.db else demo_database()
    units, period = units_and_period(path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    load_at_start = os.getloadavg()[0]
    server = subprocess.Popen([sys.executable, "app.py", "--db", str(path)], cwd=args.app_root,
                              env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(url, server)
        header = urllib.request.urlopen(url, timeout=10).headers.get("Server", "")
        cookies, sign_in_s = ([], None) if args.sign_in else sign_in(url, SESSIONS)
        measured = {name: run_scenario(name, args.label, url, units, period, args.seconds, server, cookies)
                    for name in args.scenarios.split(",")}
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.app_root, capture_output=True,
                            text=True).stdout.strip()
    run = {"when": date.today().isoformat(), "commit": commit, "server": header.split("/")[0] or "?",
           "machine": f"{describe(with_load=False)}, load average {load_at_start:.1f} at the start",
           "sessions": "each user signs in" if args.sign_in else
           (f"{len(cookies)} sessions signed in before, {sign_in_s:.2f} s per sign-in" if cookies else "no sign-in"),
           "scenarios": measured}
    (WORK / f"load-serving-{args.label}.json").write_text(json.dumps(run, indent=1), encoding="utf-8")
    every = {p.stem.removeprefix("load-serving-"): json.loads(p.read_text(encoding="utf-8"))
             for p in sorted(WORK.glob("load-serving-*.json"))}
    text = section(every)
    print(text)
    print(json.dumps(measured, indent=1))
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
