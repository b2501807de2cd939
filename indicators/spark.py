"""The engine on Apache Spark: every unit and period of a Parquet lake, with the statements DuckDB runs.

`score(lake, out)` reads the model tables of a lake written by `python -m etl export --format parquet`, runs the
engine's full recompute (`engine.prepare_facts`, `_month_leaves`, `_compute`, `_store`, as `engine.refresh` does)
through `runner.SparkRunner`, and writes `unit_indicators` (the stored form of indicator_values) and `unit_scores`
as Parquet, in the columns and types of the DuckDB outputs (`outputs`), for `python -m etl import-scores`.

It also keeps, under `out/_engine`, what the next run needs to recompute only what changed: the month tables
every kind adds up (`engine.MONTH_TABLES`), the procedures' numbers, and the run itself (rule set, as_of and the
signature of the month tables' SQL), written last. `score(lake, out, since=day)` then computes, as
`engine.refresh(since=day)` does, the periods ending on or after that day (and those new or stored before they
ended), but builds only the changed months from the dossiers: the months before the first of them are the kept
ones, so a day's changes read a month's dossiers, not a year's. The result equals a full run's (a test holds this).

The session is local (`local[N]`) unless given a master URL (spark://…, yarn, k8s://…). Its settings are those
the numbers depend on: timestamps without time zone, the project's time zone, ANSI mode as on a cluster.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from pathlib import Path

import sqlglot

import settings

from . import boundaries, dialect, engine, outputs
from .calendar import frame as calendar_frame
from .periods import KINDS
from .rulesets import RuleSet, load
from .runner import SparkRunner

# The model tables the engine reads; the first three are partitioned by province and month in a lake.
PARTITIONED = ("dossiers", "dossier_events", "feedback")
TABLES = (*PARTITIONED, "units", "unit_tree", "procedures", "procedure_decisions", "national_report",
          "unit_mapping", "load_runs")
# The lake's partition columns (etl/lake.py), not columns of the model.
PARTITION_COLUMNS = ("province", "month")
OUTPUTS = {"unit_indicators": outputs.UNIT_INDICATORS, "unit_scores": outputs.UNIT_SCORES}
# What a run keeps for the next one (under out/_engine): the month tables, the procedures' numbers and the dossiers
# open or ended in the last OPEN_MONTHS months up to as_of's (with their end), then `run`.
ENGINE = "_engine"
KEPT = (*engine.MONTH_TABLES, "procedure_ids", "open_dossiers")
OPEN_MONTHS = 3


# statements run at the same time by default (a kind's bases, each a few small stages, overlap)
CONCURRENCY = 4


class SinceError(ValueError):
    """An output folder a run with `since` cannot build on (no finished earlier run, another rule set or engine)."""


def session(master: str | None = None, partitions: int | None = None, memory: str = "2g", app: str = "kpi766"):
    """Return a Spark session: `master` (default local on every core), `partitions` for the shuffles (default
    twice the cores), the driver's memory (local mode: the whole engine's)."""
    from pyspark.sql import SparkSession

    master = master or f"local[{os.cpu_count()}]"
    scratch = Path(tempfile.gettempdir()) / f"kpi766-spark-{os.getuid()}"
    # C1 only (a run is many short statements), with room for its code: a full code cache stops the compiler
    java = f"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=512m -Dderby.system.home={scratch}"
    builder = (SparkSession.builder.master(master).appName(app)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", settings.get("timezone"))
               .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
               .config("spark.sql.ansi.enabled", "true")
               .config("spark.sql.adaptive.enabled", "true")
               # the lake's partition values are text (province "01", month "2024-07" or "none"), as written
               .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
               .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
               .config("spark.local.dir", str(scratch / "local"))
               .config("spark.driver.memory", memory)
               .config("spark.driver.extraJavaOptions", java)
               .config("spark.executor.extraJavaOptions", java))
    if partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions)) \
                         .config("spark.default.parallelism", str(partitions))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_lake(runner: SparkRunner, lake: str | Path) -> None:
    """Name every model table of the lake as a temporary view, without the lake's partition columns; the session's
    other views (of an earlier run in it) are dropped, so that a run starts from the lake alone."""
    for view in runner.spark.catalog.listTables():
        if view.isTemporary:
            runner.spark.catalog.dropTempView(view.name)
    lake = str(lake).rstrip("/")
    for table in TABLES:
        path = f"{lake}/{table}"
        if table in PARTITIONED:
            frame = runner.spark.read.option("basePath", path).parquet(path)
            frame.createOrReplaceTempView(f"lake_{table}")
            frame = frame.drop(*[c for c in PARTITION_COLUMNS if c in frame.columns])
        else:
            frame = runner.spark.read.parquet(path)
        frame.createOrReplaceTempView(table)


def narrow(runner: SparkRunner, window, feedback_window) -> None:
    """Name as `feedback` only the lake's partitions of the months of `feedback_window` (a partition's month is
    that of receipt), and as `dossiers` and `dossier_events` only the lake's rows that can count from the window's
    first month on: the partitions of that month and later (a partition's month is that of receipt, else of
    submission), and from the earlier ones, with their records, the dossiers the kept run left open or saw end from
    that month on (`kept_open_dossiers`) and those received from that month on by a record only (their row has no
    receipt).

    Exact when the first month is one of the kept run's last OPEN_MONTHS months up to its as_of's (else nothing is
    narrowed; `engine._kept_from` makes it at the latest that of as_of): a dossier received before it and not
    open then has ended before the window and, received before `since`, has not changed. The earlier partitions'
    rows are joined to those codes (the dossiers open at the end of a month or so: a few million for the whole
    country) by broadcast, rather than by shuffling every processing record."""
    columns = ", ".join(runner.spark.table("feedback").columns)
    runner.spark.sql(f"""select {columns} from lake_feedback
                         where month >= '{feedback_window.start:%Y-%m}' and month <= '{feedback_window.end:%Y-%m}'
                      """).createOrReplaceTempView("feedback")
    first = window.start.replace(day=1)
    (kept_as_of,) = runner.execute("select max(as_of) from kept_run").fetchone()
    if first.year * 12 + first.month < kept_as_of.year * 12 + kept_as_of.month - (OPEN_MONTHS - 1):
        return
    month = first.strftime("%Y-%m")
    runner.execute(f"""create or replace temp table narrowed_codes as
                       select dossier_code from kept_open_dossiers
                       where end_at is null or end_at >= timestamp '{first.isoformat()} 00:00:00'
                       union
                       select dossier_code from lake_dossier_events
                       where month < '{month}' and month <> 'none' and event = 'received'
                         and "at" >= timestamp '{first.isoformat()} 00:00:00'""")
    runner.settle()
    for table in ("dossiers", "dossier_events"):
        columns = ", ".join(runner.spark.table(table).columns)
        runner.spark.sql(f"""select {columns} from lake_{table} where month >= '{month}' or month = 'none'
                             union all
                             select /*+ BROADCAST(n) */ {columns} from lake_{table} t
                             left semi join narrowed_codes n on t.dossier_code = n.dossier_code
                             where t.month < '{month}' and t.month <> 'none'""").createOrReplaceTempView(table)


def install_calendar(runner: SparkRunner) -> None:
    """Create work_calendar (calendar.install's table; its macros are expanded by dialect.spark)."""
    rows = calendar_frame()
    rows["day"] = rows["day"].dt.date
    runner.spark.createDataFrame(rows).createOrReplaceTempView("work_calendar_rows")
    runner.execute("create or replace temp table work_calendar as "
                   "select cast(day as date) as day, is_working, n_before from work_calendar_rows")


def signature(ruleset: RuleSet) -> str:
    """Return what the kept month tables depend on besides the data: the SQL that builds them and the dossier facts
    they are built from, the macros as Spark runs them, the working-day calendar and the rule set."""
    text = "\n".join((*engine.month_statements(), engine.facts_sql(True, True), repr(sorted(dialect.MACROS.items())),
                      calendar_frame().to_csv(index=False), repr(ruleset)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refresh(runner: SparkRunner, ruleset: RuleSet | str | None = None, as_of: datetime | None = None,
            kinds: tuple[str, ...] = KINDS, since: date | None = None) -> dict[str, int]:
    """Recompute every unit's scores for every period of each kind, as `engine.refresh` does, into the runner's
    views unit_indicators and unit_scores; return the unit scores per kind.

    `since`: as `engine.refresh(since=…)`, on the views an earlier run left (`read_kept`): its outputs and its
    month tables (`kept_<table>`), of which only the changed months are computed again."""
    rs = ruleset if isinstance(ruleset, RuleSet) else load(ruleset)
    if since is None:
        for statement in OUTPUTS.values():
            runner.execute(statement)
    elif set(kinds) != set(KINDS):
        raise ValueError("a run since a day recomputes every kind of period")
    install_calendar(runner)
    engine.prepare_facts(runner, rs, engine.resolve_as_of(runner, as_of), since=since, kinds=kinds,
                         kept=since is not None, narrow=partial(narrow, runner) if since else None,
                         codes=True)
    # for the next run's `narrow`: the dossiers open, or ended in the last OPEN_MONTHS months up to as_of's (those
    # that ended before this run's facts begin are the kept run's)
    horizon = f"(select date_trunc('month', as_of) - interval {OPEN_MONTHS - 1} month from run_params)"
    runner.execute(f"""create or replace temp table open_dossiers as
                       select dossier_code, end_at from f_dossiers where end_at is null or end_at >= {horizon}""")
    if since is not None:
        runner.execute(f"""insert into open_dossiers by name
                           select dossier_code, end_at from kept_open_dossiers
                           where end_at >= {horizon} and end_at < (select month from kept_from)""")
    engine._month_leaves(runner, since, kept=since is not None)

    def score_kind(kind: str) -> None:
        # the kinds' passes name the same tables: each in a namespace of its own, side by side
        with runner.namespace(kind):
            engine._refreshed_periods(runner, kind, since)
            engine._compute(runner, kind, rs, monthly=True)
            engine._keep(runner, kind)

    with ThreadPoolExecutor(len(kinds), "kpi766-kind") as passes:
        for done in [passes.submit(score_kind, kind) for kind in kinds]:
            done.result()
    written = {kind: engine._store(runner, rs, kind, since) for kind in kinds}
    if since is not None:
        engine._restamp(runner, rs, kinds, (boundaries.AS_WAS,))
    return written


def columns(ddl: str) -> list[tuple[str, str]]:
    """Return the columns of an outputs table (its DDL) with their DuckDB types."""
    schema = sqlglot.parse_one(ddl, read="duckdb").this
    return [(c.name, c.args["kind"].sql("duckdb")) for c in schema.expressions]


def _path(folder: str | Path, *names: str) -> str:
    return "/".join((str(folder).rstrip("/"), *names))


def _files(spark, path: str):
    """Return the Hadoop file system of `path` (local, HDFS, S3 …) and the path, through the session's JVM."""
    jvm_path = spark._jvm.org.apache.hadoop.fs.Path(path)
    return jvm_path.getFileSystem(spark._jsc.hadoopConfiguration()), jvm_path


def read_kept(runner: SparkRunner, out: str | Path, ruleset: RuleSet, as_of: datetime, since: date) -> None:
    """Name the earlier run's outputs (unit_indicators, unit_scores) and kept tables (`kept_<table>`) of `out` as
    views, each computed once when first read (the run writes over them); refuse an earlier run that is missing or
    unfinished, of another rule set or engine, judged at a later as_of, or judged before `since` (what was received
    between would be missed)."""
    spark = runner.spark
    fs, run = _files(spark, _path(out, ENGINE, "run"))
    if not fs.exists(run):
        raise SinceError(f"{out} holds no finished run of score-spark to build on: run it once without --since")
    (kept,) = spark.read.parquet(_path(out, ENGINE, "run")).collect()
    if kept["signature"] != signature(ruleset):
        raise SinceError(f"{out} was computed with another rule set or engine (month tables of other columns or "
                         f"rules): run score-spark without --since")
    if kept["as_of"] > as_of:
        raise SinceError(f"{out} was judged at {kept['as_of']:%Y-%m-%d %H:%M}, after as_of {as_of:%Y-%m-%d %H:%M}:"
                         f" run score-spark without --since")
    if since > kept["as_of"].date():
        raise SinceError(f"{out} was judged at {kept['as_of']:%Y-%m-%d %H:%M}, before --since {since}: what was "
                         f"received in between would be missed; give a day on or before {kept['as_of']:%Y-%m-%d}")
    # each computed once, when first read; all before the run writes over them (`write` settles first)
    for table in OUTPUTS:
        runner.view(table, spark.read.parquet(_path(out, table)))
    for table in (*KEPT, "run"):
        runner.view(f"kept_{table}", spark.read.parquet(_path(out, ENGINE, table)))


def write(runner: SparkRunner, out: str | Path, ruleset: RuleSet) -> None:
    """Write unit_indicators and unit_scores as Parquet under `out`, in the outputs' column order and types, then
    what the next run keeps (`KEPT`, under `_engine`) and, last, the run: a run stopped on the way leaves no `run`,
    so that none builds on it."""
    runner.settle()
    spark = runner.spark
    fs, run = _files(spark, _path(out, ENGINE, "run"))
    fs.delete(run, True)
    for table, ddl in OUTPUTS.items():
        select = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns(ddl))
        runner.sql(f"select {select} from {table}").write.mode("overwrite").parquet(_path(out, table))
    for table in KEPT:
        spark.table(table).write.mode("overwrite").parquet(_path(out, ENGINE, table))
    runner.sql(f"select as_of, '{signature(ruleset)}' as signature, now()::timestamp as written_at from run_params") \
        .write.mode("overwrite").parquet(_path(out, ENGINE, "run"))


def score(lake: str | Path, out: str | Path, master: str | None = None, ruleset: str | None = None,
          as_of: datetime | None = None, partitions: int | None = None, memory: str = "2g",
          spark=None, since: date | None = None, runner: SparkRunner | None = None,
          concurrency: int = CONCURRENCY) -> dict[str, int]:
    """Compute every unit and period of the lake on Spark and write the outputs to `out`; return the unit scores
    per kind. `spark`: a session to use (else one is started with `session`), or `runner` one on a session (its
    statements' times are kept). `since`: recompute only what a change to the dossiers and feedback received on or
    after that day changes, on the earlier run kept in `out`. `concurrency`: statements run at the same time
    (`runner.SparkRunner`)."""
    spark = runner.spark if runner is not None else spark
    rs = load(ruleset)
    started = spark is None
    spark = spark or session(master, partitions, memory)
    own = runner is None
    runner = runner or SparkRunner(spark, concurrency)
    try:
        read_lake(runner, lake)
        as_of = engine.resolve_as_of(runner, as_of)
        if since is not None:
            read_kept(runner, out, rs, as_of, since)
        written = refresh(runner, rs, as_of, since=since)
        write(runner, out, rs)
    finally:
        if own:
            runner.close()
        if started:
            spark.stop()
    return written


def timed(lake: str | Path, out: str | Path, **options) -> tuple[dict[str, int], float]:
    """`score` with its time in seconds (the session's start excluded when one is given)."""
    start = time.perf_counter()
    written = score(lake, out, **options)
    return written, time.perf_counter() - start
