"""The engine on Apache Spark: every unit and period of a Parquet lake, with the statements DuckDB runs.

`score(lake, out)` reads the model tables of a lake written by `python -m etl export --format parquet`, runs the
engine's full recompute (`engine.prepare_facts`, `_month_leaves`, `_compute`, `_store`, as `engine.refresh` does)
through `runner.SparkRunner`, and writes `unit_indicators` (the stored form of indicator_values) and `unit_scores`
as Parquet, in the columns and types of the DuckDB outputs (`outputs`), for `python -m etl import-scores`.

The session is local (`local[N]`) unless given a master URL (spark://…, yarn, k8s://…). Its settings are those
the numbers depend on: timestamps without time zone, the project's time zone, ANSI mode as on a cluster.
"""
from __future__ import annotations

import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlglot

import settings

from . import engine, outputs
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


def session(master: str | None = None, partitions: int | None = None, memory: str = "2g", app: str = "kpi766"):
    """Return a Spark session: `master` (default local on every core), `partitions` for the shuffles (default
    twice the cores), the driver's memory (local mode: the whole engine's)."""
    from pyspark.sql import SparkSession

    master = master or f"local[{os.cpu_count()}]"
    scratch = Path(tempfile.gettempdir()) / f"kpi766-spark-{os.getuid()}"
    java = f"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dderby.system.home={scratch}"
    builder = (SparkSession.builder.master(master).appName(app)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", settings.get("timezone"))
               .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
               .config("spark.sql.ansi.enabled", "true")
               .config("spark.sql.adaptive.enabled", "true")
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
        frame = runner.spark.read.option("basePath", path).parquet(path) if table in PARTITIONED \
            else runner.spark.read.parquet(path)
        frame.drop(*[c for c in PARTITION_COLUMNS if c in frame.columns and table in PARTITIONED]) \
             .createOrReplaceTempView(table)


def install_calendar(runner: SparkRunner) -> None:
    """Create work_calendar (calendar.install's table; its macros are expanded by dialect.spark)."""
    rows = calendar_frame()
    rows["day"] = rows["day"].dt.date
    runner.spark.createDataFrame(rows).createOrReplaceTempView("work_calendar_rows")
    runner.execute("create or replace temp table work_calendar as "
                   "select cast(day as date) as day, is_working, n_before from work_calendar_rows")


def refresh(runner: SparkRunner, ruleset: RuleSet | str | None = None, as_of: datetime | None = None,
            kinds: tuple[str, ...] = KINDS) -> dict[str, int]:
    """Recompute every unit's scores for every period of each kind, as `engine.refresh` does without `since`, into
    the runner's views unit_indicators and unit_scores; return the unit scores per kind."""
    rs = ruleset if isinstance(ruleset, RuleSet) else load(ruleset)
    for statement in OUTPUTS.values():
        runner.execute(statement)
    install_calendar(runner)
    engine.prepare_facts(runner, rs, engine.resolve_as_of(runner, as_of))
    engine._month_leaves(runner, None)
    for kind in kinds:
        engine._periods(runner, kind, None)
        engine._compute(runner, kind, rs, monthly=True)
        engine._keep(runner, kind)
    return {kind: engine._store(runner, rs, kind) for kind in kinds}


def columns(ddl: str) -> list[tuple[str, str]]:
    """Return the columns of an outputs table (its DDL) with their DuckDB types."""
    schema = sqlglot.parse_one(ddl, read="duckdb").this
    return [(c.name, c.args["kind"].sql("duckdb")) for c in schema.expressions]


def write(runner: SparkRunner, out: str | Path) -> None:
    """Write unit_indicators and unit_scores as Parquet under `out`, in the outputs' column order and types."""
    for table, ddl in OUTPUTS.items():
        select = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns(ddl))
        runner.sql(f"select {select} from {table}").write.mode("overwrite").parquet(f"{str(out).rstrip('/')}/{table}")


def score(lake: str | Path, out: str | Path, master: str | None = None, ruleset: str | None = None,
          as_of: datetime | None = None, partitions: int | None = None, memory: str = "2g",
          spark=None) -> dict[str, int]:
    """Compute every unit and period of the lake on Spark and write the outputs to `out`; return the unit scores
    per kind. `spark`: a session to use (else one is started with `session`)."""
    started = spark is None
    spark = spark or session(master, partitions, memory)
    try:
        runner = SparkRunner(spark)
        read_lake(runner, lake)
        written = refresh(runner, ruleset, as_of)
        write(runner, out)
    finally:
        if started:
            spark.stop()
    return written


def timed(lake: str | Path, out: str | Path, **options) -> tuple[dict[str, int], float]:
    """`score` with its time in seconds (the session's start excluded when one is given)."""
    start = time.perf_counter()
    written = score(lake, out, **options)
    return written, time.perf_counter() - start
