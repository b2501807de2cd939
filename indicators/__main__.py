"""`python -m indicators score`: compute (when needed) and show or export the 766 scores of a period.

    python -m indicators score --period 2024 --level province
    python -m indicators score --period 2024-Q3 --level commune --unit 25747
    python -m indicators score --period 2024-07 --format xlsx --out scores.xlsx
    python -m indicators score --period 2024 --boundaries today --level province
    python -m indicators score-spark --input /lake/kpi766 --output /lake/scores --master spark://host:7077
    python -m indicators score-spark --input /lake/kpi766 --output /lake/scores --since 2025-11-03
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

import cells
import db

from . import GROUPS, REGISTRY, boundaries, engine, periods, report, rulesets

FORMATS = ("table", "csv", "json", "xlsx")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m indicators", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    score = sub.add_parser("score", help="compute and show or export the scores of a period")
    score.add_argument("--period", required=True, help="2024, 2024-Q3, 2024-07 or 2024-03-05..2024-04-10")
    score.add_argument("--level", choices=report.LEVELS, default="province", help="kind of unit to list")
    score.add_argument("--unit", help="show this unit's indicators instead of a list")
    score.add_argument("--province", help="list only the units of this province")
    score.add_argument("--ruleset", help=f"rule set name or TOML file (default {rulesets.DEFAULT}; "
                                         f"shipped: {', '.join(rulesets.available())})")
    score.add_argument("--boundaries", choices=boundaries.VIEWS, default=boundaries.AS_WAS,
                       help="as_was: the units of the period (the official record); today: a period before the "
                            "2025 reform redrawn on today's units")
    score.add_argument("--format", choices=FORMATS, default="table")
    score.add_argument("--out", help="write to this file instead of the terminal")
    score.add_argument("--as-of", type=datetime.fromisoformat, help="judge in-progress dossiers at this moment "
                                                                    "(default: the end of the last load)")
    score.add_argument("--recompute", action="store_true", help="recompute even when scores are stored")
    score.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")
    on_spark = sub.add_parser("score-spark", help="compute every unit and period of a Parquet lake on Spark",
                              description="Read the model tables of a lake (python -m etl export --format parquet), "
                                          "recompute every unit's scores for every month, quarter and year on Spark, "
                                          "write unit_indicators and unit_scores as Parquet under --output "
                                          "(python -m etl import-scores brings them into the database), with "
                                          "what a run --since a day needs in --output/_engine.")
    on_spark.add_argument("--input", required=True, help="the lake's folder (or URL the cluster reads)")
    on_spark.add_argument("--output", required=True, help="the folder to write the scores to")
    on_spark.add_argument("--master", help="Spark master URL: spark://host:7077, yarn, k8s://… (default: local on "
                                           "every core)")
    on_spark.add_argument("--ruleset", help=f"rule set name or TOML file (default {rulesets.DEFAULT})")
    on_spark.add_argument("--as-of", type=datetime.fromisoformat, help="judge in-progress dossiers at this moment "
                                                                       "(default: the end of the last load)")
    on_spark.add_argument("--since", type=lambda text: datetime.strptime(text, "%Y-%m-%d").date(),
                          help="only dossiers and feedback received on or after this day (YYYY-MM-DD) changed: "
                               "recompute the periods ending from it on, building on the run kept in --output")
    on_spark.add_argument("--partitions", type=int, help="shuffle partitions (default: Spark's)")
    on_spark.add_argument("--concurrency", type=int, default=4,
                          help="statements that do not depend on each other run at the same time, up to this many "
                               "(default 4; 1 runs them one by one)")
    on_spark.add_argument("--driver-memory", default="2g", help="the driver's memory (local mode: the whole run's)")
    digest = sub.add_parser("digest", help="write (and e-mail) each unit's to-do list: the morning digest")
    _digest().add_arguments(digest)
    return p


def _digest():
    # the digest reads the to-do list the dashboard shows, so it lives beside it
    from dashboard import digest
    return digest


def ensure_scores(con, period: periods.Period, ruleset: rulesets.RuleSet, as_of, recompute: bool) -> None:
    """Compute the period's kind (or the range) unless its scores are stored already for this rule set."""
    # a database scored before the boundaries were stored has no redrawn rows yet: scored again
    stored = con.execute("select count(*) from unit_scores where ruleset = ? and period = ?",
                         [ruleset.name, period.label]).fetchone()[0] if _has_outputs(con) else 0
    if stored and not recompute and as_of is None:
        return
    if period.kind in periods.KINDS:
        engine.refresh(con, ruleset, as_of, kinds=(period.kind,))
    else:
        engine.score_range(con, period, ruleset, as_of)


def _has_outputs(con) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_name in "
                       "('unit_scores', 'redrawn_scores')").fetchone()[0] == 2


def _number(value, digits: int = 2) -> str:
    return "" if pd.isna(value) else f"{value:,.{digits}f}"


def _arrow(change) -> str:
    if pd.isna(change) or change == 0:
        return ""
    return f"↑{change:g}" if change > 0 else f"↓{-change:g}"


def ranking_table(frame, title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for name in ("#", "Mã", "Đơn vị", *(f"{g.number} ({g.max_points:g})" for g in GROUPS), "Tổng", "Xếp loại", "±điểm", "±hạng"):
        table.add_column(name, justify="right" if name not in ("Mã", "Đơn vị", "Xếp loại") else "left")
    for row in frame.itertuples():
        table.add_row(str(row.rank), row.unit_code, row.unit_name, *(_number(getattr(row, g.key)) for g in GROUPS),
                      _number(row.total), row.band or "", _number(row.score_change), _arrow(row.rank_change))
    return table


def detail_table(frame, summary: dict, title: str) -> Table:
    table = Table(title=title)
    for name in ("Chỉ số", "Tên", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa", "Mất", "Không tính"):
        table.add_column(name, justify="left" if name in ("Chỉ số", "Tên", "Không tính") else "right")
    for row in frame.itertuples():
        share = REGISTRY[row.indicator_id].unit == "share"
        ratio = "" if pd.isna(row.ratio) else (f"{row.ratio:.1%}" if share else _number(row.ratio))
        note = " (không áp dụng)" if row.not_applicable else " (không có dữ liệu)" if row.no_data else ""
        table.add_row(row.indicator_id, row.name + note, _number(row.numerator, 0 if share else 2),
                      _number(row.denominator, 0), ratio, _number(row.points), _number(row.max_points, 0),
                      _number(row.points_lost), row.excluded_note)
    table.add_section()
    for g in GROUPS:
        table.add_row(g.number, g.name_vi, "", "", "", _number(summary[g.key]), _number(g.max_points, 0),
                      _number(g.max_points - summary[g.key]))
    table.add_row("", "Tổng điểm", "", "", "", _number(summary["total"]), "100", _number(100 - summary["total"]))
    return table


def export(frame, fmt: str, out: str | None) -> None:
    """Write a frame as csv, json or xlsx to `out`, or csv/json to standard output."""
    if fmt == "xlsx":
        if not out:
            raise SystemExit("--format xlsx needs --out FILE")
        frame.to_excel(out, index=False, engine="xlsxwriter", engine_kwargs={"options": cells.WORKBOOK_OPTIONS})
    elif fmt == "csv":
        # CRLF rows (RFC 4180): a cell holding a line break is then quoted, not split into two rows.
        text = cells.frame(frame).to_csv(index=False, lineterminator="\r\n")
        Path(out).write_text(text, encoding="utf-8-sig", newline="") if out else sys.stdout.write(text)
    else:
        text = json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=1)
        Path(out).write_text(text + "\n", encoding="utf-8") if out else print(text)


def run(args: argparse.Namespace) -> int:
    period = periods.parse(args.period)
    ruleset = rulesets.load(args.ruleset)
    with db.writing(args.db) as con:
        ensure_scores(con, period, ruleset, args.as_of, args.recompute)
        if args.unit:
            summary = report.unit_summary(con, ruleset, period.label, args.unit, args.boundaries)
            if summary is None:
                print(f"no score for unit {args.unit} in {period.label}", file=sys.stderr)
                return 1
            frame = report.unit_detail(con, ruleset, period.label, args.unit, args.boundaries)
            where = " · địa giới hiện nay" if args.boundaries == boundaries.TODAY else ""
            title = (f"{summary['unit_name']} ({args.unit}) · {period.label}{where} · {_number(summary['total'])} điểm · "
                     f"hạng {summary['rank']}/{summary['n_peers']} · {ruleset.name}")
            table = detail_table(frame, summary, title)
        else:
            frame = report.ranking(con, ruleset, period.label, args.level, args.province, args.boundaries)
            if frame.empty:
                print(f"no {args.level} scores for {period.label}", file=sys.stderr)
                return 1
            where = " · địa giới hiện nay" if args.boundaries == boundaries.TODAY else ""
            table = ranking_table(frame, f"Bộ chỉ số 766 · {period.label}{where} · {args.level} · {ruleset.name}")
    if args.format == "table":
        if args.out:
            with open(args.out, "w", encoding="utf-8") as out:
                Console(file=out, width=200).print(table)
        else:
            # a pipe has no width: give the table room rather than wrapping every cell
            Console(width=None if sys.stdout.isatty() else 200).print(table)
    else:
        export(frame, args.format, args.out)
    return 0


def run_spark(args: argparse.Namespace) -> int:
    from . import spark
    try:
        written, seconds = spark.timed(args.input, args.output, master=args.master, ruleset=args.ruleset,
                                       as_of=args.as_of, partitions=args.partitions, memory=args.driver_memory,
                                       since=args.since, concurrency=args.concurrency)
    except spark.SinceError as e:
        print(f"error: {e}")
        return 2
    counts = ", ".join(f"{n:,} {kind}" for kind, n in written.items())
    print(f"scores computed on Spark: {counts} unit scores in {seconds:.1f} s, written to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    commands = {"digest": _digest().run, "score-spark": run_spark}
    return commands.get(args.command, run)(args)


if __name__ == "__main__":
    sys.exit(main())
