"""Forecast back-test: for each month of the demo, the month-end forecast made on its 20th against the final score.

    python benchmarks/bench_forecast.py [--province 74] [--year 2024] [--scale 1] [--day 20] [--no-write-results]

The demo of one province for one year is drawn once as it is at the end of the year (the final scores), and for
each month as it was at the end of that month's `--day`: the same dossiers, feedback and decisions, cut at that
moment by the demo generator itself (dossiers received later do not exist yet, records after it are not there,
decisions not yet published). Each cut is scored by the engine at that moment, and dashboard/queries/forecast.py
forecasts the month's total for the province and every district: all on time, expected, all late. The error of
each case is its total less the final total of the month; "in range" counts the finals between all late and all
on time. The dossiers received after the cut are not in any case (they are in the final), so every case leans
high or low by what the month's last days bring.

The figures replace the "## Forecast back-test" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pandas as pd  # noqa: E402

import db  # noqa: E402
import results  # noqa: E402
from dashboard.queries import forecast  # noqa: E402
from etl.demo.build import DEFAULT_SEED, draw, write  # noqa: E402
from indicators import engine  # noqa: E402
from machine import describe  # noqa: E402


def build(template: Path, path: Path, province: str, year: int, scale: float, as_of: datetime) -> None:
    """Write the province's demo of the year as it is at `as_of` into `path`, scored by month at that moment."""
    shutil.copy(template, path)
    con = db.connect(path)
    try:
        drawn = draw(con, province, date(year, 1, 1), date(year, 12, 31), scale, DEFAULT_SEED, as_of)
        write(con, drawn, DEFAULT_SEED, f"back-test cut {as_of.isoformat()}", as_of, as_of)
        engine.refresh(con, as_of=as_of, kinds=("month",))
    finally:
        con.close()


def units(path: Path, province: str, year: int) -> list[str]:
    """Return the province and its districts scored in the year's last month."""
    con = db.connect(path, read_only=True)
    try:
        return [r[0] for r in con.execute("""
            select unit_code from unit_scores
            where period = ? and period_kind = 'month' and (unit_code = ? or (unit_kind = 'district' and province_code = ?))
            order by unit_kind <> 'province', unit_code""", [f"{year}-12", province, province]).fetchall()]
    finally:
        con.close()


def run(province: str, year: int, scale: float, day: int) -> tuple[pd.DataFrame, int]:
    work = Path(tempfile.mkdtemp(prefix="kpi766-forecast-"))
    try:
        template = work / "template.duckdb"
        db.connect(template).close()
        final_path = work / "final.duckdb"
        build(template, final_path, province, year, scale, datetime(year, 12, 31, 23, 59, 59))
        con = db.connect(final_path, read_only=True)
        finals = con.execute("select period, unit_code, total from unit_scores where period_kind = 'month'").df()
        dossiers = con.execute("select count(*) from dossiers").fetchone()[0]
        con.close()
        final = finals.set_index(["period", "unit_code"])["total"]
        chosen = units(final_path, province, year)
        rows = []
        for month in range(1, 13):
            as_of = datetime(year, month, day, 23, 59, 59)
            period = f"{year}-{month:02d}"
            path = work / f"{period}.duckdb"
            started = time.perf_counter()
            build(template, path, province, year, scale, as_of)
            con = db.connect(path, read_only=True)
            try:
                for unit in chosen:
                    made = forecast.compute(con, unit, period, as_of)
                    if made is None or (period, unit) not in final.index:
                        continue
                    cases = made.cases.set_index("case")["total"]
                    rows.append({"period": period, "unit_code": unit, "n_due": made.n_due,
                                 "final": final[(period, unit)], **{c: cases[c] for c in forecast.CASES}})
            finally:
                con.close()
            path.unlink()
            print(f"{period}: {len(chosen)} units in {time.perf_counter() - started:.1f} s", flush=True)
        return pd.DataFrame(rows), dossiers
    finally:
        shutil.rmtree(work, ignore_errors=True)


def section(frame: pd.DataFrame, province: str, year: int, scale: float, day: int, dossiers: int,
            machine: str) -> str:
    errors = {c: frame[c] - frame["final"] for c in forecast.CASES}
    inside = ((frame["late"] - 1e-9 <= frame["final"]) & (frame["final"] <= frame["on_time"] + 1e-9))
    lines = [
        "## Forecast back-test",
        "",
        f"Province {province}, {year}, demo at scale {scale:g} ({dossiers:,} dossiers), the forecast made at the end "
        f"of each month's {day}th for the province and its districts ({len(frame)} forecasts), against the month's "
        f"final total. {machine}.",
        "`python benchmarks/bench_forecast.py` (dashboard/queries/forecast.py).",
        "",
        "| case | mean error | mean absolute error | largest error |",
        "|---|---|---|---|",
    ]
    for case in forecast.CASES:
        e = errors[case]
        lines.append(f"| {case.replace('_', ' ')} | {e.mean():+.2f} | {e.abs().mean():.2f} | "
                     f"{e.loc[e.abs().idxmax()]:+.2f} |")
    lines += ["", f"Final inside [all late, all on time]: {int(inside.sum())} of {len(frame)}. "
              f"Open dossiers due in the month at the cut: median {frame['n_due'].median():.0f} per unit.", "",
              "| month | unit | due | all late | expected | all on time | final |", "|---|---|---|---|---|---|---|"]
    for r in frame[frame["unit_code"] == province].itertuples():
        lines.append(f"| {r.period} | {r.unit_code} | {r.n_due} | {r.late:.2f} | {r.expected:.2f} | {r.on_time:.2f} "
                     f"| {r.final:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="74")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--day", type=int, default=20)
    parser.add_argument("--no-write-results", action="store_true", help="print only, leave RESULTS.md as it is")
    args = parser.parse_args()
    machine = describe(with_load=True)
    frame, dossiers = run(args.province, args.year, args.scale, args.day)
    text = section(frame, args.province, args.year, args.scale, args.day, dossiers, machine)
    print(text)
    if not args.no_write_results:
        results.record(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
