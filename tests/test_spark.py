"""The engine on Spark gives DuckDB's numbers: every row of unit_indicators and unit_scores, every column.

The worlds are the oracle tests' (test_oracle_progress: supplements, due times, working-day limits, national
reports, decisions; test_oracle_reform: two trees, hand-overs, a rule set with indicators not applicable) and a demo
province across the 2025 reform. Each is scored by DuckDB (`engine.refresh`, which the oracle tests check), written
as a Parquet lake (`etl.lake`), scored by Spark from the lake (`indicators.spark`) and compared row by row
(`indicators.agreement`: exact but for doubles, within 1e-9). The rewrites of `indicators.dialect` are checked on
their own first, without Spark, then on Spark against DuckDB over many values.

The Spark tests (marker `spark`) run a local session on two cores, one per test run; they need Java 17 and are
skipped without it (`.ci/run` installs it).
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import db
from etl import import_scores, lake
from indicators import agreement, calendar, dialect, engine, pages, runner
from test_engine_since import change_recent_dossiers
from test_oracle_progress import COMMUNE, Dossier, examples, hand, write
from test_oracle_reform import install, two_tree_worlds
from test_oracle_services import ruleset_of

ROOT = Path(__file__).resolve().parent.parent
ONE_WORLD = settings(max_examples=1, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))


# ---------------------------------------------------------------------------------------------------------------
# The rewrites, without Spark

def test_rounding_to_cents_is_written_as_duckdb_rounds():
    assert dialect.spark("select round(total, 2) from t") == "SELECT (FLOOR((total) * 100 + 0.5) / 100) FROM t"


def test_list_indexes_stay_one_based_and_lists_keep_their_order():
    # SQLGlot reads a literal index as 0-based and leaves others as written; try_element_at is 1-based
    assert dialect.spark("select l[2], l[k + 1] from t") == \
        "SELECT TRY_ELEMENT_AT(l, CAST(2 AS INT)), TRY_ELEMENT_AT(l, CAST(k + 1 AS INT)) FROM t"
    # SQLGlot alone drops the order (COLLECT_LIST(day))
    assert dialect.spark("select list(day order by day) from c") == "SELECT ARRAY_SORT(COLLECT_LIST(day)) FROM c"
    with pytest.raises(ValueError):
        dialect.spark("select list(day order by day desc) from c")
    assert dialect.spark("select (min(a, 2) filter (where e = 1))[2] from t") == \
        "SELECT TRY_ELEMENT_AT((SLICE(ARRAY_SORT(COLLECT_LIST(a) FILTER(WHERE e = 1)), 1, 2)), CAST(2 AS INT)) FROM t"


def test_a_list_sum_is_null_only_when_every_term_is():
    assert dialect.spark("select list_sum([a, b]) from t") == \
        "SELECT (CASE WHEN COALESCE(a, b) IS NULL THEN NULL ELSE (COALESCE(a, 0)) + COALESCE(b, 0) END) FROM t"


def test_several_unnests_in_one_select_are_zipped_into_one_generator():
    assert dialect.spark("select o.r, unnest([o.a, o.b]) as code, unnest([0, 1]) as depth from o") == \
        "SELECT o.r, INLINE(ARRAYS_ZIP(ARRAY(o.a, o.b), ARRAY(0, 1))) AS (code, depth) FROM o"


def test_the_calendar_macros_are_expanded():
    assert dialect.spark("select month_no(x) from t") == "SELECT (YEAR((x)) * 12 + MONTH((x)) - 1) FROM t"
    assert "DATEDIFF(MICROSECOND, CAST(CAST((m) AS DATE) AS TIMESTAMP_NTZ), (m))" in dialect.spark(
        "select wt(n, w, m) from t")


def test_parameters_become_literals():
    assert runner.bind("select ?::timestamp, $k, ?", [datetime(2024, 5, 1, 8), "it's"]) == \
        "select timestamp '2024-05-01 08:00:00'::timestamp, $k, 'it''s'"
    assert runner.bind("select $k, $step::interval", {"k": True, "step": "1 month"}) == "select true, '1 month'::interval"


def test_a_namespace_renames_alike_every_table_its_thread_creates_and_gives_out_what_it_renames():
    """The period kinds' passes run side by side on one Spark session, each in a namespace: the same SQL, the
    names of the tables the pass created given its suffix wherever they stand (the engine's
    `periods as (select * from periods)` included), the others left alone."""
    spark_runner = runner.SparkRunner(None)
    spark_runner._thread.namespace = ("quarter", set())

    def scoped(sql: str) -> str:
        return spark_runner._scoped(dialect.sqlglot.parse_one(sql, read="duckdb")).sql("duckdb")

    # a create reads the tables as they were: here the shared periods, then its own
    assert scoped("create or replace temp table periods as select * from periods") == \
        "CREATE OR REPLACE TEMPORARY TABLE periods__quarter AS SELECT * FROM periods"
    assert scoped("create temp table s as with periods as (select * from periods) "
                  "select periods.a, t.b from periods join t_tree t on t.a = periods.a") == \
        "CREATE TEMPORARY TABLE s__quarter AS WITH periods__quarter AS (SELECT * FROM periods__quarter) " \
        "SELECT periods__quarter.a, t.b FROM periods__quarter JOIN t_tree AS t ON t.a = periods__quarter.a"
    assert scoped("delete from periods where period_start not in (select period_start from changed)") == \
        "DELETE FROM periods__quarter WHERE NOT period_start IN (SELECT period_start FROM changed)"
    # a rename to a name it did not create gives the table out; then its name is free again
    assert scoped("alter table s rename to computed_s_quarter") == "ALTER TABLE s__quarter RENAME TO computed_s_quarter"
    assert scoped("select count(*) from s") == "SELECT COUNT(*) FROM s"
    assert spark_runner._thread.namespace[1] == {"periods"}


class Transpiling:
    """A DuckDB connection that also prints every statement it runs as Spark SQL (with RAISE): the statements a
    refresh sends all carry over, with no JVM."""

    def __init__(self, con) -> None:
        self.con = con
        self.printed = 0

    def execute(self, sql, params=None):
        for statement in dialect.statements(runner.bind(sql, params)):
            if not runner.NOTHING.match(statement):
                tree = dialect.sqlglot.parse_one(statement, read="duckdb")
                if tree.key == "create" and tree.args.get("kind") == "MACRO":
                    continue
                query = tree.expression if tree.key in ("create", "insert") else tree
                # the unit pages are derived for the dashboard, on the DuckDB file it serves (import-scores
                # derives them there): they never run on Spark
                target = tree.this.find(dialect.sqlglot.exp.Table) if tree.key in ("insert", "delete") else None
                if target is not None and target.name in pages.TABLES:
                    continue
                if query is not None and tree.key != "delete":
                    dialect.spark(query.sql("duckdb"))
                    self.printed += 1
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_every_statement_of_a_refresh_carries_over_to_spark(con):
    hand(con, [Dossier("D", COMMUNE, "P1", datetime(2024, 3, 4, 8), due=datetime(2024, 3, 20, 17),
                       events=[("received", datetime(2024, 3, 4, 8)),
                               ("supplement_requested", datetime(2024, 3, 6, 8)),
                               ("supplement_requested", datetime(2024, 3, 8, 8))])])
    checked = Transpiling(con)
    engine.refresh(checked, as_of=datetime(2024, 5, 1))
    assert checked.printed > 100
    # and those of a refresh since a day: the deletes of the periods recomputed, the as_of of the others restamped
    checked.printed = 0
    engine.refresh(checked, as_of=datetime(2024, 5, 2), since=date(2024, 4, 1))
    assert checked.printed > 100


# ---------------------------------------------------------------------------------------------------------------
# On Spark

@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: the Spark tests need Java 17 (.ci/run installs default-jre-headless)")
    from indicators import spark as on_spark
    session = on_spark.session("local[2]", partitions=2, memory="1g", app="kpi766-tests")
    # the tests' worlds are small: no adaptive re-planning between stages
    session.conf.set("spark.sql.adaptive.enabled", "false")
    yield session
    session.stop()


def score_on_spark(spark, con, tmp_path: Path, **options) -> Path:
    """Write the database's model tables as a lake, score them on Spark; return the scores' folder."""
    from indicators import spark as on_spark
    lake.export(con, tmp_path / "lake")
    on_spark.score(tmp_path / "lake", tmp_path / "scores", spark=spark, **options)
    return tmp_path / "scores"


def assert_agree(con, scores: Path) -> None:
    found = agreement.rows(con, str(scores))
    stored = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in agreement.TABLES}
    assert found == stored and min(stored.values()) > 0
    assert agreement.disagreements(con, str(scores)) == {t: {} for t in agreement.TABLES}


@pytest.mark.spark
def test_the_risky_expressions_give_duckdb_s_values_on_spark(spark):
    # rounding at the cent on values ending in 5 (0.285: DuckDB 0.28, Spark's round 0.29), a moment's working time,
    # months as numbers and back, sums of terms some or all null, the second smallest of a group
    con = duckdb.connect()
    calendar.install(con)
    con.execute("create table numbers as select range as i from range(40000)")
    spark.range(40000).withColumnRenamed("id", "i").createOrReplaceTempView("numbers")
    query = """
        select i, round(i / 1000, 2) as cents, round(i / 997 * 3, 2) as other_cents,
               wt(i % 2000, i % 3 <> 0, timestamp '2024-01-01 00:00:00' + i * interval 37 minute) as working_time,
               month_start(month_no(timestamp '2023-11-30 23:59:59' + i * interval 1 day)) as month_first,
               list_sum([case when i % 2 = 0 then i / 7 end, case when i % 3 = 0 then i / 11 end]) as summed
        from numbers"""
    second = """select g, (min(v, 2) filter (where v % 5 <> 0))[2] as second
                from (select i % 7 as g, (i * 7919) % 1000 as v from numbers where i < 200) group by g"""
    for sql in (query, second):
        here = sorted(con.execute(sql).fetchall())
        there = sorted(tuple(r) for r in spark.sql(dialect.spark(sql)).collect())
        assert len(here) > 0 and here == there


@pytest.mark.spark
@ONE_WORLD
@given(examples=st.lists(examples(), min_size=5, max_size=5))
def test_the_progress_oracle_worlds_agree(spark, con, tmp_path, examples):
    # five drawn worlds in one database, their dossiers and decisions renamed apart
    data = {"dossiers": [], "decisions": [], "catalogue": examples[0][0]["catalogue"], "national": {}}
    for k, (example, _) in enumerate(examples):
        data["dossiers"] += [dataclasses.replace(d, code=f"{k}{d.code}") for d in example["dossiers"]]
        data["decisions"] += [dataclasses.replace(d, number=f"{k}{d.number}") for d in example["decisions"]]
        data["national"].update(example["national"])
    assume(len(data["dossiers"]) >= 25 and data["decisions"] and data["national"])
    as_of = examples[0][1]
    write(con, data)
    engine.refresh(con, as_of=as_of)
    assert_agree(con, score_on_spark(spark, con, tmp_path, as_of=as_of))


@pytest.mark.spark
@ONE_WORLD
@given(world=two_tree_worlds())
def test_a_reform_oracle_world_agrees_with_indicators_not_applicable(spark, con, tmp_path, world):
    straddling = [d for d in world.dossiers if d["received_at"] < datetime(2025, 7, 1)
                  and (d["finished_at"] or d["returned_at"] or datetime.max) >= datetime(2025, 7, 1)]
    assume(len(world.dossiers) >= 8 and straddling and world.feedback and world.as_of >= datetime(2025, 8, 1))
    engine.outputs.ensure(con)
    install(con, world)
    ruleset = ruleset_of("oracle-na", tmp_path)
    engine.refresh(con, ruleset, as_of=world.as_of)
    assert_agree(con, score_on_spark(spark, con, tmp_path, ruleset=str(tmp_path / "oracle-na.toml"),
                                     as_of=world.as_of))


@pytest.mark.spark
def test_a_demo_province_across_the_reform_agrees_imports_and_is_kept_up_since_a_day(spark, tmp_path):
    # a demo province from May to August 2025, scored by the demo's own refresh; then the Spark scores imported
    # into a copy of the database, as an operator serves them: the same rows as DuckDB's; then a day's changes
    # recomputed on Spark from the run kept in the scores' folder equal a full refresh on DuckDB
    from indicators import spark as on_spark
    path = tmp_path / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(path), "--province", "01", "--from",
                    "2025-05-01", "--to", "2025-08-31", "--scale", "0.05"], cwd=ROOT, check=True,
                   capture_output=True)
    con = db.connect(path)
    try:
        scores = score_on_spark(spark, con, tmp_path)
        assert_agree(con, scores)
        shutil.copy(path, tmp_path / "served.duckdb")
        served = db.connect(tmp_path / "served.duckdb")
        try:
            served.execute("delete from unit_scores where period_kind = 'quarter'")
            assert import_scores.import_scores(served, scores) == agreement.rows(con, str(scores))
        finally:
            served.close()
        con.execute(f"attach '{tmp_path / 'served.duckdb'}' as served (read_only)")
        for table in agreement.TABLES:
            assert set(agreement.differences(con, table, f"served.{table}").values()) == {0}
        con.execute("detach served")
        # dossiers and feedback received from 10 August on changed, added and removed, one new in January 2026,
        # a later load: Spark builds only August onwards from the dossiers and takes the months before from the run
        # it kept; its scores are a full refresh's
        since = date(2025, 8, 10)

        def kept_months() -> list[str]:
            return [m for (m,) in duckdb.connect().execute(
                f"""select distinct strftime(period_start, '%Y-%m') as m
                    from '{scores}/_engine/month_l_processed/*.parquet' order by m""").fetchall()]
        assert kept_months() == ["2025-05", "2025-06", "2025-07", "2025-08"]
        change_recent_dossiers(con, since)
        engine.refresh(con)
        lake.export(con, tmp_path / "lake-next")
        day = runner.SparkRunner(spark)
        on_spark.score(tmp_path / "lake-next", scores, runner=day, since=since)
        assert_agree(con, scores)
        # it read the dossiers of August on and, of the earlier ones, only those still open in August
        read = day.execute("select count(*), min(received_at) from dossiers").fetchone()
        assert 0 < read[0] < con.execute("select count(*) from dossiers").fetchone()[0]
        assert read[1] < datetime(2025, 8, 1)
        # the load's as_of is in September: the months kept for the next run go on to it
        assert kept_months() == ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09"]
    finally:
        con.close()


@pytest.mark.spark
def test_a_run_since_a_day_judges_the_kept_run_s_month_again_and_refuses_what_it_cannot_build_on(spark, con, tmp_path):
    from indicators import spark as on_spark
    # one dossier received on 4 March 2024 and due on 10 April: open and on time when the kept run judged it on
    # 1 April, late on 25 April though nothing was received since (April holds no receipt: no month changed)
    hand(con, [Dossier("D", COMMUNE, "P1", datetime(2024, 3, 4, 8), due=datetime(2024, 4, 10, 17),
                       events=[("received", datetime(2024, 3, 4, 8))])])
    lake.export(con, tmp_path / "lake")
    out = tmp_path / "scores"

    def since(day: date, as_of: datetime, **options) -> None:
        on_spark.score(tmp_path / "lake", out, spark=spark, since=day, as_of=as_of, **options)

    with pytest.raises(on_spark.SinceError, match="no finished run"):
        since(date(2024, 4, 1), datetime(2024, 4, 25))
    on_spark.score(tmp_path / "lake", out, spark=spark, as_of=datetime(2024, 4, 1, 1))
    with pytest.raises(on_spark.SinceError, match="another rule set or engine"):
        since(date(2024, 4, 1), datetime(2024, 4, 25), ruleset="decision-766-text")
    with pytest.raises(on_spark.SinceError, match="after as_of 2024-03-30"):
        since(date(2024, 3, 1), datetime(2024, 3, 30))
    with pytest.raises(on_spark.SinceError, match="before --since 2024-04-02"):
        since(date(2024, 4, 2), datetime(2024, 4, 25))
    since(date(2024, 4, 1), datetime(2024, 4, 25))
    engine.refresh(con, as_of=datetime(2024, 4, 25))
    assert_agree(con, out)
    assert con.execute("""select numerator, denominator from indicator_values
                          where period = '2024' and indicator_id = '2.1' and unit_code = ?""",
                       [COMMUNE]).fetchone() == (0, 1)


def test_scores_with_other_columns_are_refused_and_nothing_is_written(con, tmp_path):
    folder = tmp_path / "scores"
    for table in import_scores.TABLES:
        (folder / table).mkdir(parents=True)
        con.execute(f"copy (select 1 as unit_code) to '{folder / table / 'part.parquet'}' (format parquet)")
    engine.outputs.ensure(con)
    with pytest.raises(import_scores.ScoresError, match="does not have the columns"):
        import_scores.import_scores(con, folder)
    assert con.execute("select count(*) from unit_scores").fetchone()[0] == 0
