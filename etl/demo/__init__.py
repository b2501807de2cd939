"""Build a realistic demo database: departments, procedure catalogues, dossiers with their records, feedback.

Default: the whole country from 2024-01-01 up to this moment (today, in the project's time zone),
so the current month is in progress: dossiers, feedback and publication decisions still open.
The three-level tree until 30 June 2025 and the two-level tree after. `--province` builds one province in full
detail (after the reform, its communes' successors). The same seed and options give the
same table contents; the rates come from the declared profiles in `etl/demo/profiles.py`.
"""
from __future__ import annotations

import argparse
from datetime import date

import db
import settings
from etl import scores
from etl.demo.build import DEFAULT_SEED, run_demo

__all__ = ["add_arguments", "run", "run_demo"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the demo's options to its command-line parser."""
    parser.add_argument("--province", help="one province, by a code of either tree (default: the whole country)")
    parser.add_argument("--from", dest="first_day", type=date.fromisoformat, default=date(2024, 1, 1),
                        help="first day, YYYY-MM-DD (default 2024-01-01)")
    parser.add_argument("--to", dest="last_day", type=date.fromisoformat,
                        help="last day, YYYY-MM-DD (default today: the data then describes this moment)")
    parser.add_argument("--year", type=int, help="one calendar year, instead of --from and --to")
    parser.add_argument("--scale", type=float, default=1.0, help="volume multiplier (1 ≈ 0.73 million dossiers nationally a year)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")


def run(args: argparse.Namespace) -> int:
    """Build the demo into `--db`, print rows per table and seconds, and return the exit status."""
    if args.year:
        args.first_day, args.last_day = date(args.year, 1, 1), date(args.year, 12, 31)
    args.last_day = args.last_day or settings.local_now().date()
    if args.last_day < args.first_day:
        print("--to is before --from")
        return 2
    with db.writing(args.db) as con:
        known = con.execute("select count(*) from units where kind = 'province' and unit_code = ?", [args.province]).fetchone()[0]
        if args.province is not None and not known:
            print(f"unknown province code: {args.province}")
            return 2
        counts = run_demo(con, args.province, args.first_day, args.last_day, args.scale, args.seed)
        seconds = counts.pop("seconds")
        for name, n in counts.items():
            print(f"{name:<20} {n:>12,}")
        print(f"built in {seconds:.1f} s")
        scores.refresh(con)
    return 0
