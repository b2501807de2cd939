"""The demo generator on a real database: Bình Dương at a small scale over 2024–2025, and one month of the whole country."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

import db
from conftest import ROOT
from model import entities
from etl.__main__ import main
from etl.demo import profiles
from etl.demo.build import FILLED, run_demo

SCALE = 0.1
# Fixed, so that the tests do not depend on the day they run (the demo's default end is today).
LAST_DAY = date(2025, 12, 31)


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Return per demo-filled table (and the communes' flag) its row count and an order-independent hash of its rows."""
    result = {}
    for name in FILLED:
        result[name] = con.execute(
            f"select count(*), coalesce(bit_xor(hash(t)), 0) from (select * exclude (load_id) from {name}) t").fetchone()
    result["communes"] = con.execute(
        "select count(*), bit_xor(hash(unit_code, valid_from, offers_e_certified_copy)) from units where kind = 'commune'").fetchone()
    return result


@pytest.fixture(scope="module")
def bd(tmp_path_factory) -> Path:
    """Return the path of a database with the demo of Bình Dương (code 74) at scale 0.1, built through the command line."""
    path = tmp_path_factory.mktemp("demo") / "bd.duckdb"
    assert main(["demo", "--db", str(path), "--province", "74", "--scale", str(SCALE), "--to", str(LAST_DAY)]) == 0
    return path


@pytest.fixture(scope="module")
def bd_con(bd: Path):
    con = duckdb.connect(str(bd), read_only=True)
    con.execute("create temp table tree as select * from unit_tree")
    yield con
    con.close()


@pytest.fixture(scope="module")
def country(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """Return a connection to the demo of the whole country for March 2024 at scale 0.5."""
    path = tmp_path_factory.mktemp("demo") / "country.duckdb"
    con = db.connect(path)
    run_demo(con, None, date(2024, 3, 1), date(2024, 3, 31), scale=0.5)
    yield con
    con.close()


def test_every_table_is_filled_and_the_run_recorded(bd_con):
    for name in FILLED:
        assert bd_con.execute(f"select count(*) from {name}").fetchone()[0] > 0, name
    run = bd_con.execute("select source, status, n_loaded, load_id from load_runs").fetchall()
    assert len(run) == 1 and run[0][1] == "ok" and run[0][0].startswith("demo seed=766 scale=0.1 province=74")
    assert bd_con.execute("select count(*) from dossiers where load_id <> ?", [run[0][3]]).fetchone()[0] == 0


def test_same_seed_same_contents_other_seed_differs(bd, tmp_path):
    first = duckdb.connect(str(bd), read_only=True)
    expected = checksums(first)
    first.close()
    con = db.connect(tmp_path / "again.duckdb")
    run_demo(con, "74", last_day=LAST_DAY, scale=SCALE)
    run_demo(con, "74", last_day=LAST_DAY, scale=SCALE)  # a rebuild replaces, it does not add
    assert checksums(con) == expected
    assert con.execute("select count(*) from load_runs").fetchone()[0] == 2
    assert con.execute("select count(*) from units where kind = 'province'").fetchone()[0] == 63 + 34
    run_demo(con, "74", last_day=LAST_DAY, scale=SCALE, seed=767)
    other = checksums(con)
    assert other["dossiers"] != expected["dossiers"] and other["procedures"] != expected["procedures"]
    con.close()


@pytest.mark.parametrize("entity", entities.ENTITIES, ids=lambda e: e.name)
def test_the_demo_passes_the_loaders_row_checks(bd_con, entity):
    lookups = entity.lookups.replace("unit_tree", "tree")
    for check in entity.checks:
        n = bd_con.execute(f"select count(*) from {entity.name} r {lookups} where {check.fails}").fetchone()[0]
        assert n == 0, f"{entity.name}: {check.reason}"


def test_dossier_units_are_valid_on_their_date_and_the_reform_splits_the_trees(bd_con):
    rows = bd_con.execute("""
        select coalesce(received_at, submitted_at)::date >= date '2025-07-01' as after, t.valid_from is not null as new_tree,
               t.province_code, count(*)
        from dossiers d join tree t on t.unit_code = d.unit_code
         and (t.valid_from is null or t.valid_from <= coalesce(d.received_at, d.submitted_at)::date)
         and (t.valid_to is null or t.valid_to >= coalesce(d.received_at, d.submitted_at)::date)
        group by all order by all""").fetchall()
    assert sum(r[3] for r in rows) == bd_con.execute("select count(*) from dossiers").fetchone()[0]
    # Before the reform Bình Dương itself; after it, its communes' successors and the departments of Hồ Chí Minh City.
    assert {(r[0], r[1], r[2]) for r in rows} == {(False, False, "74"), (True, True, "79")}


def test_a_province_the_reform_closed_decides_nothing_after_its_last_day(bd_con):
    # Bình Dương (74) closed on 30 June 2025; Hồ Chí Minh City (79), which it went into, decides after that
    last = dict(bd_con.execute("select province_code, max(decision_date) from procedure_decisions group by all").fetchall())
    assert last["74"] <= date(2025, 6, 30) < last["79"]


def test_records_agree_with_their_dossiers(bd_con):
    gaps = bd_con.execute("""select count(*) from (select dossier_code, min(seq) lo, max(seq) hi, count(*) n
                              from dossier_events group by 1) where lo <> 1 or hi <> n""").fetchone()[0]
    assert gaps == 0
    mismatched = bd_con.execute("""
        with last as (select dossier_code, arg_max(event, seq) as event, max("at") as last_at from dossier_events group by 1)
        select count(*) from dossiers d join last l using (dossier_code)
        where case d.status when 'processing' then l.event not in ('transferred', 'supplement_completed')
                            when 'received' then l.event <> 'received'
                            when 'supplement_requested' then l.event <> 'supplement_requested'
                            else l.event <> d.status or d.finished_at is distinct from l.last_at end""").fetchone()[0]
    assert mismatched == 0
    assert bd_con.execute("select count(*) from dossiers where dossier_code not in (select dossier_code from dossier_events)").fetchone()[0] == 0
    assert bd_con.execute("select count(*) from dossier_events e join dossiers d using (dossier_code) where e.unit_code <> d.unit_code").fetchone()[0] == 0
    out_of_order = bd_con.execute("""select count(*) from (select "at" < lag("at") over (partition by dossier_code order by seq) as back
                                     from dossier_events) where back""").fetchone()[0]
    assert out_of_order == 0


def test_every_status_and_event_occurs(bd_con):
    statuses = {r[0] for r in bd_con.execute("select distinct status from dossiers").fetchall()}
    assert statuses == set(entities.DOSSIER_STATUSES)
    events = {r[0] for r in bd_con.execute("select distinct event from dossier_events").fetchall()}
    assert events == set(entities.EVENTS)
    two_requests = bd_con.execute("""select count(*) from (select dossier_code from dossier_events
                                     where event = 'supplement_requested' group by 1 having count(*) = 2)""").fetchone()[0]
    before_receipt = bd_con.execute("select count(*) from dossiers where status = 'withdrawn' and received_at is null").fetchone()[0]
    after_receipt = bd_con.execute("select count(*) from dossiers where status = 'withdrawn' and received_at is not null").fetchone()[0]
    assert two_requests > 0 and before_receipt > 0 and after_receipt > 0


def test_bình_dương_catalogue_matches_the_published_counts(bd_con):
    online, full, fee, integrated = bd_con.execute("""
        select count(*) filter (where online_service in ('partial', 'full')), count(*) filter (where online_service = 'full'),
               count(*) filter (where fee_bearing), count(*) filter (where fee_bearing and payment_integrated)
        from procedures where province_code = '74'""").fetchone()
    assert (online, full, fee, integrated) == (2001, 892, 680, 680)
    levels = dict(bd_con.execute("""select lv, count(*) from (select unnest(levels) lv from procedures where province_code = '74')
                                    group by 1""").fetchall())
    assert levels["province"] == 1560 and levels["district"] >= 300 and levels["commune"] >= 200


def test_bình_dương_2024_digitised_share_and_feedback(bd_con):
    digitised = bd_con.execute("""select avg(components_digitized::int) from dossiers
                                  where received_at >= '2024-01-01' and received_at < '2025-01-01'""").fetchone()[0]
    assert 0.990 <= digitised <= 0.998
    items = bd_con.execute("select count(*) from feedback where received_at < '2025-01-01'").fetchone()[0]
    assert 2452 * SCALE * 0.8 <= items <= 2452 * SCALE * 1.2
    per_commune = bd_con.execute("""select count(*) / count(distinct d.unit_code) from dossiers d
                                    join tree t on t.unit_code = d.unit_code and t.valid_from is null
                                    where t.kind = 'commune' and year(d.received_at) = 2024""").fetchone()[0]
    assert per_commune >= 150 * SCALE


# Each declared rate and the SQL that measures it on the generated data: (numerator condition, population).
MEASURED = {
    "on_time": ("finished_at <= due_at", "status = 'finished' and due_at is not null"),
    "synced": ("synced_to_portal", "true"),
    "digitized": ("components_digitized", "received_at is not null"),
    "reused": ("reused_digitized_data", "received_at is not null"),
    "personal_store": ("from_personal_store", "received_at is not null"),
    "rated": ("rating is not null", "status in ('finished', 'returned')"),
    "unsatisfied": ("rating = 'unsatisfied'", "rating is not null"),
    "postal": ("channel = 'postal'", "true"),
}


def province_rates(con, where: str = "true"):
    """Return rows (province, rate name, value, n) of the MEASURED rates per pre-reform province."""
    parts = [f"""select t.province_code, '{name}' as rate, avg(({num})::int) filter (where {pop}) as value,
                        count(*) filter (where {pop}) as n
                 from dossiers d join unit_tree t on t.unit_code = d.unit_code and t.valid_from is null
                 where {where} group by all""" for name, (num, pop) in MEASURED.items()]
    return con.execute(" union all ".join(parts)).fetchall()


def test_bình_dương_rates_fall_in_the_declared_ranges(bd_con):
    rows = province_rates(bd_con, "d.received_at < '2025-01-01'")
    for province, name, value, n in rows:
        rate = profiles.RATE_BY_NAME[name]
        assert rate.lo <= value <= rate.hi, (province, name, value)


def test_provinces_spread_inside_the_declared_ranges(country):
    rows = [r for r in province_rates(country) if r[3] >= 150]
    assert len({r[0] for r in rows if r[1] == "on_time"}) >= 40
    for province, name, value, n in rows:
        rate = profiles.RATE_BY_NAME[name]
        assert rate.lo <= value <= rate.hi, (province, name, value, n)
    on_time = {p: v for p, name, v, n in rows if name == "on_time"}
    assert max(on_time.values()) - min(on_time.values()) > 0.05
    proc_online = country.execute("""select province_code, avg((online_service <> 'none')::int) from procedures
                                     where status <> 'abolished' group by 1""").fetchall()
    lo, hi = profiles.RATE_BY_NAME["proc_online"].lo, profiles.RATE_BY_NAME["proc_online"].hi
    assert len(proc_online) == 63 and all(lo <= v <= hi for _, v in proc_online)
    copies = country.execute("select avg(offers_e_certified_copy::int) from units where kind = 'commune'").fetchone()[0]
    assert profiles.RATE_BY_NAME["e_certified_copy"].lo <= copies <= 1.0


def test_tết_slows_the_year(bd_con):
    # Mùng 1 Tết 2024 is 10 February: the fortnight around it against the same weekdays of January and March.
    around, usual = bd_con.execute("""
        select count(*) filter (where received_at::date between date '2024-02-05' and date '2024-02-18') / 10.0,
               count(*) filter (where received_at::date between date '2024-01-08' and date '2024-01-19'
                                   or received_at::date between date '2024-03-04' and date '2024-03-15') / 20.0
        from dossiers""").fetchone()
    assert around < 0.5 * usual
    late_before, late_else = bd_con.execute("""
        select avg((finished_at > due_at)::int) filter (where received_at::date between date '2024-01-21' and date '2024-02-09'),
               avg((finished_at > due_at)::int) filter (where received_at::date between date '2024-03-01' and date '2024-11-30')
        from dossiers where status = 'finished' and due_at is not null""").fetchone()
    assert late_before > late_else


def test_departments_before_and_after_the_merger(bd_con):
    rows = bd_con.execute("""select unit_code, name, valid_from, valid_to, parent_code from units
                             where kind = 'department' order by all""").fetchall()
    names = {r[0]: r[1] for r in rows if r[2] is None}
    assert names["74-STP"] == "Sở Tư pháp tỉnh Bình Dương" and len(names) == 20
    new = {r[0]: r[1] for r in rows if r[2] == date(2025, 7, 1)}
    assert new["79-SNNMT"] == "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh" and "79-SKHDT" not in new
    assert all(r[4] == r[0].split("-")[0] for r in rows)


def test_the_command_builds_one_year_and_scores_it(db_path):
    done = subprocess.run([sys.executable, "-m", "etl", "demo", "--province", "74", "--year", "2024", "--scale", "0.05",
                           "--db", str(db_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "scores recomputed" in done.stdout
    con = db.connect(db_path)
    first, last = con.execute("select min(received_at)::date, max(received_at)::date from dossiers").fetchone()
    assert first.year == last.year == 2024
    assert con.execute("select total > 0 from unit_scores where period = '2024' and unit_code = '74'").fetchone() == (True,)
    con.close()
