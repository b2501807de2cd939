"""Drill-down benchmark: how long judging one unit's rows for one period takes (indicators/drill.py), the work
behind the unit page's lists of failing procedures, dossiers and feedback items.

    python benchmarks/bench_drill.py [--db PATH] [--repeat 3] [--no-write-results]

The database is benchmarks/work/dashboard.duckdb, built with `python -m etl demo --to 2025-12-31` (the whole country,
2024–2025) when absent, unless --db names another. Each case opens a read-only connection, as the dashboard
does, and judges every listable indicator of the unit at once. The baseline, measured in the same run on the
same connection, is the floor of reading: copying the unit's own dossiers and their events out of the
database (no facts, no judging). The dashboard judges a unit once, in the background, when its page opens, and
keeps the result; these figures are how long the reader may wait for the first list.

The figures replace the "## Drill-down" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from machine import describe  # noqa: E402
import results  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = ROOT / "benchmarks" / "work"
# unit, period, what it is: a province's year, a district's quarter, a commune's month, a new province's year
CASES = (("74", "2024", "province (Bình Dương), year"), ("718", "2024-Q3", "district (Thủ Dầu Một), quarter"),
         ("25747", "2024-07", "commune (Phú Cường), month"), ("79", "2025", "new province (Hồ Chí Minh), year 2025"))




def floor(con, unit: str) -> float:
    """Return the seconds it takes to copy the unit's own dossiers and their events into temporary tables."""
    started = time.perf_counter()
    con.execute("""create or replace temp table floor_dossiers as
                   select d.* from dossiers d join unit_tree t on t.unit_code = d.unit_code
                   where ? in (t.unit_code, t.district_code, t.province_code)""", [unit])
    con.execute("""create or replace temp table floor_events as
                   select e.* from dossier_events e semi join floor_dossiers d on d.dossier_code = e.dossier_code""")
    return time.perf_counter() - started


def run(db: Path, repeat: int) -> list[dict]:
    import db as database
    from access.scope import Scope
    from indicators import drill

    rows = []
    for unit, period, label in CASES:
        judged, floors, sizes = [], [], None
        for _ in range(repeat):
            con = database.connect(db, read_only=True)
            try:
                as_of = con.execute("select max(as_of) from unit_scores where period = ? and unit_code = ?",
                                    [period, unit]).fetchone()[0]
                if as_of is None:
                    break
                started = time.perf_counter()
                result = drill.judge(Scope.country(), con, unit, period, as_of=as_of)
                judged.append(time.perf_counter() - started)
                sizes = (len(result.dossiers), len(result.feedback), len(result.procedures))
                floors.append(floor(con, unit))
            finally:
                con.close()
        if judged:
            rows.append({"label": label, "unit": unit, "period": period, "judge": statistics.median(judged),
                         "floor": statistics.median(floors), "sizes": sizes})
            print(f"{label}: judged in {rows[-1]['judge']:.2f} s, read floor {rows[-1]['floor']:.2f} s, "
                  f"rows {sizes}", flush=True)
    return rows


def section(rows: list[dict], dossiers: int, started_machine: str) -> str:
    lines = "\n".join(
        f"| {r['label']} | `{r['unit']}` `{r['period']}` | {r['sizes'][0]:,} | {r['sizes'][1]:,} | "
        f"{r['judge']:.2f} | {r['floor']:.2f} | {r['judge'] / r['floor']:.1f}× |" for r in rows)
    return f"""## Drill-down

{dossiers:,} dossiers (the demo database), {date.today().isoformat()}, {started_machine}.

| unit and period | | dossiers judged | feedback items | judge (s) | read floor (s) | judge / floor |
|---|---|---|---|---|---|---|
{lines}

Judge = `indicators.drill.judge`: the unit's candidate rows copied out, the engine's dossier and feedback facts,
its scope, every row basis statement run per row, the procedures of the catalogue, decisions and dossiers, as
DataFrames. Read floor = copying the unit's own dossiers and their events, nothing else (for a new province of
2025, not the rows its predecessors hand it). Median of the runs. The unit page judges a unit once, in the
background, as soon as its page is drawn, and keeps the result; until it is ready the drill says so and looks
again every 0.4 s, so no callback waits for it.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=WORK / "dashboard.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    args = parser.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "etl", "demo", "--to", "2025-12-31", "--db", str(args.db)], cwd=ROOT,
                       check=True)
    started_machine = describe(with_load=True)
    rows = run(args.db, args.repeat)
    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    dossiers = con.execute("select count(*) from dossiers").fetchone()[0]
    con.close()
    text = section(rows, dossiers, started_machine)
    print(text)
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
