"""`python -m etl sync` against a real PostgreSQL source shaped like a province's system (the portal's field names).

The source holds N dossiers HS-0000001 … with two processing steps each; dossier i was last
changed at 2024-01-01 00:00 + i minutes, so the watermark after a sync is the last dossier's.
Units and procedures are the sample's (Bình Dương, 2024), loaded from data/sample first.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

import db
from etl import mappings
from etl.load import load_paths
from etl.sources.database import Database, SourceError
from etl.sync import sync
from postgres_server import PORTAL_TABLES, execute, postgres_server, source_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TABLES = ["dossiers", "dossier_events", "load_runs", "rejected_rows", "sync_state"]

SCHEMA = PORTAL_TABLES + """
-- Dossiers first to last: a unit of Bình Dương and a procedure of its catalogue, received on one of 250 days.
create function fill(first integer, last integer) returns void language sql as $$
    with picked as (
        select i, (array['25747', '25750', '718', '74-STP', '74-SKHDT'])[1 + i % 5] as unit,
               (array['1.001193', '2.000815', '1.009794', '2.000488', '2.001610'])[1 + i % 5] as procedure,
               timestamp '2024-01-02 08:00' + (i % 250) * interval '1 day' as received
        from generate_series(first, last) i
    )
    insert into "HoSo"
    select 'HS-' || lpad(i::text, 7, '0'), procedure, unit, 'Nguyễn Văn ' || i, lpad(i::text, 12, '0'),
           received - interval '10 minutes', received, received + interval '5 days', received + interval '3 days',
           received + interval '4 days', 1 + i % 3, 10, i % 3, (i % 5) * 50000, 1, 1,
           timestamp '2024-01-01' + i * interval '1 minute'
    from picked;
    insert into "QuaTrinhXuLy"
    select "MaHoSo", step, case step when 1 then 1 else 5 end,
           case step when 1 then "NgayTiepNhan" else "NgayKetThucXuLy" end, "MaDonVi", 'Cán bộ một cửa', "NgayCapNhat"
    from "HoSo", generate_series(1, 2) step
    where "MaHoSo" between 'HS-' || lpad(first::text, 7, '0') and 'HS-' || lpad(last::text, 7, '0');
$$;
"""


def source(url: str, n: int) -> str:
    """Create the portal-shaped tables at `url` holding dossiers 1 … n; return `url`."""
    execute(url, SCHEMA)
    execute(url, "select fill(1, %s)", [n])
    return url


@pytest.fixture
def catalogue(db_path):
    """Return the database path after loading the sample units and procedures."""
    con = db.connect(db_path)
    load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv"])
    con.close()
    return db_path


def run_sync(database: Database, db_path: Path, batch_size: int = 1000, mapping: Path | None = None):
    """Sync the database's source into the DuckDB file through the mapping; return the run."""
    with db.writing(db_path) as con:
        return sync(con, database, database.check(mappings.read(mapping)), batch_size)


def counts(run) -> dict[str, tuple[int, int, int, int, int]]:
    return {f.entity: (f.n_read, f.n_new, f.n_replaced, f.n_unchanged, f.n_rejected) for f in run.files}


def query(db_path: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def snapshot(db_path: Path) -> dict[str, tuple]:
    """Return each table's row count and an order-independent checksum of its rows."""
    return {t: query(db_path, f"select count(*), coalesce(sum(hash(x)), 0) from {t} x")[0] for t in TABLES}


def cli(db_path: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "sync", "--db", str(db_path), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def failing_mapping(tmp_path: Path) -> Path:
    """Return a mapping whose fee goes through kpi_fee(), a source function that fails on whatever dossier
    table `fail_on` names."""
    text = mappings.DEFAULT.read_text(encoding="utf-8").replace(
        'fee_total = "TongPhiLePhi"', """fee_total = { sql = 'kpi_fee("TongPhiLePhi", "MaHoSo")' }""")
    path = tmp_path / "failing.toml"
    path.write_text(text, encoding="utf-8")
    return path


FAILING_FEE = """
create table fail_on ("MaHoSo" text);
-- plpgsql, so PostgreSQL computes it row by row as it sends them, after sorting: earlier rows arrive first.
create function kpi_fee(fee numeric, code text) returns numeric language plpgsql as $$
begin
    if exists (select 1 from fail_on f where f."MaHoSo" = code) then
        raise exception 'the source cannot read dossier %', code;
    end if;
    return fee;
end $$;
"""


# First and later syncs


def test_first_sync_writes_every_row_and_reads_no_personal_column(source_url, catalogue):
    database = Database(source(source_url, 3000))
    run = run_sync(database, catalogue)
    assert counts(run) == {"dossiers": (3000, 3000, 0, 0, 0), "dossier_events": (6000, 6000, 0, 0, 0)}
    assert [f.personal for f in run.files] == [["HoTenNguoiNop", "SoCCCD"], []]
    assert query(catalogue, "select n_read, n_loaded, n_replaced, n_unchanged, n_rejected, status, source "
                            "from load_runs where load_id = $1", [run.load_id]) \
        == [(9000, 9000, 0, 0, 0, "ok", database.label)]
    # 3000 minutes after 2024-01-01 00:00.
    assert query(catalogue, "select source_table, entity, watermark from sync_state order by entity") == [
        ("QuaTrinhXuLy", "dossier_events", "2024-01-03 02:00:00"), ("HoSo", "dossiers", "2024-01-03 02:00:00")]
    # Dossier 7: unit 7 % 5 = 2 → 718, received 2024-01-02 08:00 + 7 days, channel 1 + 7 % 3 = 2 (online),
    # paid-online code 7 % 3 = 1 (national portal), fee (7 % 5) · 50,000, status 10 (result returned).
    assert query(catalogue, """select unit_code, procedure_code, channel, received_at::varchar, finished_at::varchar,
                                      status, paid_online, fee_total, components_digitized, updated_at::varchar
                               from dossiers where dossier_code = 'HS-0000007'""") == [
        ("718", "1.009794", "online", "2024-01-09 08:00:00", "2024-01-12 08:00:00", "returned", True, 100000.0, True,
         "2024-01-01 00:07:00")]
    assert query(catalogue, "select seq, event, \"at\"::varchar, unit_code from dossier_events "
                            "where dossier_code = 'HS-0000007' order by seq") == [
        (1, "received", "2024-01-09 08:00:00", "718"), (2, "finished", "2024-01-12 08:00:00", "718")]
    # Paid-online codes 0, 1, 2 each a third of the dossiers: 1 and 2 are paid online.
    assert query(catalogue, "select paid_online, count(*) from dossiers group by all order by all") \
        == [(False, 1000), (True, 2000)]
    # Every dossier of the first sync was received on or after 2024-01-02.
    assert run.since == date(2024, 1, 2)


def test_second_sync_moves_only_the_changed_rows(source_url, catalogue):
    database = Database(source(source_url, 3000))
    run_sync(database, catalogue)
    # 100 dossiers (101 … 200) finish later and are received 30 days later; 40 new ones (3201 … 3240) arrive.
    execute(source_url, """update "HoSo" set "TrangThaiHoSo" = 9, "NgayTiepNhan" = "NgayTiepNhan" + interval '30 days',
                                             "NgayKetThucXuLy" = "NgayKetThucXuLy" + interval '30 days',
                                             "NgayCapNhat" = timestamp '2024-06-01' + substr("MaHoSo", 4)::integer * interval '1 second'
                           where "MaHoSo" between 'HS-0000101' and 'HS-0000200'""")
    execute(source_url, "select fill(3201, 3240)")
    run = run_sync(database, catalogue)
    # Read: the changed and new rows, and the rows sharing the stored watermark (dossier 3000 and its 2 steps).
    assert counts(run) == {"dossiers": (141, 40, 100, 1, 0), "dossier_events": (82, 80, 0, 2, 0)}
    assert query(catalogue, "select count(*), count(distinct dossier_code) from dossiers") == [(3040, 3040)]
    assert query(catalogue, "select count(*) from dossier_events") == [(6080,)]
    assert query(catalogue, "select status, received_at::varchar, load_id from dossiers "
                            "where dossier_code = 'HS-0000150'") == [("finished", "2024-06-30 08:00:00", run.load_id)]
    assert query(catalogue, "select count(*) from dossiers where load_id = $1", [run.load_id]) == [(140,)]
    # Replaced: dossier 101 was received 2024-01-02 + 101 days = 2024-04-12 (its new version a month later);
    # the new dossiers from 3201 % 250 = 201 days on.
    assert run.since == date(2024, 4, 12)
    assert query(catalogue, "select watermark from sync_state where entity = 'dossiers'") == [("2024-06-01 00:03:20",)]


def test_an_interrupted_sync_resumes_and_loses_or_doubles_nothing(source_url, catalogue, tmp_path):
    source(source_url, 3000)
    execute(source_url, FAILING_FEE)
    execute(source_url, """insert into fail_on values ('HS-0002500')""")
    mapping = failing_mapping(tmp_path)
    failed = cli(catalogue, "--source", source_url, "--mapping", str(mapping), "--batch-size", "1000")
    assert failed.returncode == 1
    assert "the source cannot read dossier HS-0002500" in failed.stderr
    # Batches 1 and 2 were written with their watermark; batch 3 failed on its 500th row.
    assert query(catalogue, "select n_read, n_loaded, status from load_runs where load_id = 2") == [(2000, 2000, "failed")]
    assert query(catalogue, "select count(*), max(dossier_code) from dossiers") == [(2000, "HS-0002000")]
    assert query(catalogue, "select watermark from sync_state") == [("2024-01-02 09:20:00",)]
    execute(source_url, "delete from fail_on")
    resumed = cli(catalogue, "--source", source_url, "--mapping", str(mapping), "--batch-size", "1000")
    assert resumed.returncode == 0, resumed.stderr
    assert query(catalogue, "select n_read, n_loaded, n_unchanged, status from load_runs where load_id = 3") \
        == [(7001, 7000, 1, "ok")]
    assert query(catalogue, "select count(*), count(distinct dossier_code) from dossiers") == [(3000, 3000)]
    assert query(catalogue, "select count(*), count(distinct (dossier_code, seq)) from dossier_events") == [(6000, 6000)]
    assert "scores recomputed" in resumed.stdout


def test_a_killed_sync_resumes_and_loses_or_doubles_nothing(source_url, catalogue):
    source(source_url, 20000)
    process = subprocess.Popen([sys.executable, "-m", "etl", "sync", "--db", str(catalogue), "--source", source_url,
                                "--batch-size", "500"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = cli(catalogue, "--source", source_url)
    assert resumed.returncode == 0, resumed.stderr
    assert query(catalogue, "select count(*), count(distinct dossier_code) from dossiers") == [(20000, 20000)]
    assert query(catalogue, "select count(*), count(distinct (dossier_code, seq)) from dossier_events") == [(40000, 40000)]
    statuses = [s for s, in query(catalogue, "select status from load_runs where load_id > 1 order by load_id")]
    assert statuses[-1] == "ok" and "running" not in statuses


# Bad input


def test_rows_that_break_the_contract_are_rejected_with_their_reason(source_url, catalogue):
    source(source_url, 1000)
    execute(source_url, """
        update "HoSo" set "NgayKetThucXuLy" = "NgayTiepNhan" - interval '1 day' where "MaHoSo" = 'HS-0000010';
        update "HoSo" set "MaDonVi" = '99999' where "MaHoSo" = 'HS-0000020';
        update "HoSo" set "TrangThaiHoSo" = 42 where "MaHoSo" = 'HS-0000030';
        update "HoSo" set "KenhThucHien" = 7 where "MaHoSo" = 'HS-0000040';
        update "HoSo" set "NgayHenTra" = 'infinity' where "MaHoSo" = 'HS-0000050';""")
    run = run_sync(Database(source_url), catalogue, batch_size=300)
    # The 4 dossiers are rejected, and so are their 8 processing steps (their dossier is unknown).
    assert counts(run) == {"dossiers": (1000, 996, 0, 0, 4), "dossier_events": (2000, 1992, 0, 0, 8)}
    assert query(catalogue, """select file, line, "column", value, reason from rejected_rows
                               where entity = 'dossiers' order by line""") == [
        ("HoSo", 10, "finished_at", "2024-01-11 08:00:00", "received after finished"),
        ("HoSo", 20, "unit_code", "99999", "unknown unit (no unit with this code is valid on that date)"),
        ("HoSo", 30, "status", "42",
         "unknown value '42' for status (expected received, processing, supplement_requested, finished, returned, "
         "stopped, rejected, withdrawn)"),
        ("HoSo", 40, "channel", "7", "unknown value '7' for channel (expected direct, online, postal)"),
    ]
    assert query(catalogue, "select count(*), min(reason), max(reason) from rejected_rows where entity = 'dossier_events'") \
        == [(8, "unknown dossier", "unknown dossier")]
    # each rejected dossier records the unit it names, as the source wrote it
    assert query(catalogue, """select unit_code from rejected_rows where entity = 'dossiers' and line = 20""") \
        == [("99999",)]
    assert query(catalogue, "select count(*) from rejected_rows where unit_code is null") == [(0,)]
    # Arrow cannot read PostgreSQL's infinite timestamp as a timestamp: its batch comes as text, which DuckDB reads.
    assert query(catalogue, "select due_at::varchar, received_at::varchar from dossiers where dossier_code = 'HS-0000050'") \
        == [("infinity", "2024-02-21 08:00:00")]


def test_a_mapping_naming_a_missing_column_stops_before_anything_is_written(source_url, catalogue, tmp_path):
    source(source_url, 100)
    mapping = tmp_path / "wrong.toml"
    mapping.write_text(mappings.DEFAULT.read_text(encoding="utf-8")
                       .replace('"NgayHenTra"', '"NgayHenTraKetQua"')
                       .replace('table = "QuaTrinhXuLy"', 'table = "LichSuXuLy"'), encoding="utf-8")
    before = snapshot(catalogue)
    result = cli(catalogue, "--source", source_url, "--mapping", str(mapping))
    assert result.returncode == 2
    assert "wrong.toml [dossiers]: table HoSo has no column NgayHenTraKetQua (dossiers.due_at)" in result.stderr
    assert "wrong.toml [dossier_events]: the source has no table LichSuXuLy" in result.stderr
    assert snapshot(catalogue) == before


def test_an_expression_the_source_cannot_run_stops_before_anything_is_written(source_url, catalogue, tmp_path):
    source(source_url, 100)
    mapping = tmp_path / "wrong.toml"
    mapping.write_text(mappings.DEFAULT.read_text(encoding="utf-8").replace('cast("MaThaoTac" as varchar)',
                                                                             'cast("MaThaoTacX" as varchar)'),
                       encoding="utf-8")
    before = snapshot(catalogue)
    result = cli(catalogue, "--source", source_url, "--mapping", str(mapping))
    assert result.returncode == 2
    assert 'wrong.toml [dossier_events]: the source cannot run its query: column "MaThaoTacX" does not exist' \
        in result.stderr
    assert snapshot(catalogue) == before


def test_a_mapping_reading_personal_data_is_refused(tmp_path):
    mapping = tmp_path / "personal.toml"
    mapping.write_text('[dossiers]\ntable = "HoSo"\n[dossiers.columns]\ndossier_code = "SoCCCD"\n', encoding="utf-8")
    with pytest.raises(mappings.MappingError, match=r"personal.toml \[dossiers\] dossier_code: SoCCCD holds a citizen's"):
        mappings.read(mapping)


def test_an_unreachable_source_is_a_clear_error(catalogue):
    with pytest.raises(SourceError, match="cannot connect to postgresql\\+psycopg://nobody@127.0.0.1:1/none"):
        Database("postgresql+psycopg://nobody@127.0.0.1:1/none").check(mappings.read())


# The two ways of reading


def test_the_generic_cursor_reads_exactly_what_copy_reads(source_url, catalogue, tmp_path):
    source(source_url, 2000)
    other = tmp_path / "generic.duckdb"
    other.write_bytes(catalogue.read_bytes())
    fast = run_sync(Database(source_url), catalogue, batch_size=700)
    generic_source = Database(source_url, fast=False)
    assert generic_source.copy is False
    generic = run_sync(generic_source, other, batch_size=700)
    assert counts(fast) == counts(generic) == {"dossiers": (2000, 2000, 0, 0, 0),
                                               "dossier_events": (4000, 4000, 0, 0, 0)}
    for table in ("dossiers", "dossier_events", "sync_state"):
        columns = "* exclude (synced_at)" if table == "sync_state" else "*"
        assert query(catalogue, f"select {columns} from {table} order by all") \
            == query(other, f"select {columns} from {table} order by all")


def test_any_sqlalchemy_database_can_be_a_source(catalogue, tmp_path):
    path = tmp_path / "motcua.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        con.exec_driver_sql("""create table "HoSo" ("MaHoSo" text, "MaTTHC" text, "MaDonVi" text, "HoTenNguoiNop" text,
            "NgayNopHoSo" text, "NgayTiepNhan" text, "NgayHenTra" text, "NgayKetThucXuLy" text, "NgayTraKetQua" text,
            "KenhThucHien" integer, "TrangThaiHoSo" integer, "DuocThanhToanTrucTuyen" integer, "TongPhiLePhi" real,
            "HoSoCoThanhPhanSoHoa" integer, "CoKetQuaDienTu" integer, "NgayCapNhat" text)""")
        con.exec_driver_sql("""create table "QuaTrinhXuLy" ("MaHoSo" text, "ThuTu" integer, "MaThaoTac" integer,
            "ThoiDiemXuLy" text, "MaDonViXuLy" text, "NgayCapNhat" text)""")
        con.exec_driver_sql("""insert into "HoSo" values
            ('SQ-1', '2.000488', '74-STP', 'Trần Thị B', '2024-03-01 08:00', '2024-03-01 08:10', '2024-03-15 17:00',
             '2024-03-05 10:00', null, 2, 9, 1, 200000, 1, 1, '2024-03-05 10:00:00'),
            ('SQ-2', '1.001193', '25747', 'Lê Văn C', '2024-03-02 08:00', '2024-03-02 08:10', null,
             null, null, 1, 4, 0, 0, 0, 0, '2024-03-02 08:10:00')""")
        con.exec_driver_sql("""insert into "QuaTrinhXuLy" values
            ('SQ-1', 1, 1, '2024-03-01 08:10', '74-STP', '2024-03-05 10:00:00'),
            ('SQ-1', 2, 5, '2024-03-05 10:00', '74-STP', '2024-03-05 10:00:00')""")
    result = cli(catalogue, "--source", f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert query(catalogue, "select n_read, n_loaded, status from load_runs where load_id = 2") == [(4, 4, "ok")]
    assert query(catalogue, """select dossier_code, channel, status, paid_online, fee_total, received_at::varchar
                               from dossiers order by 1""") == [
        ("SQ-1", "online", "finished", True, 200000.0, "2024-03-01 08:10:00"),
        ("SQ-2", "direct", "processing", False, 0.0, "2024-03-02 08:10:00")]
    assert query(catalogue, "select watermark from sync_state where entity = 'dossiers'") == [("2024-03-05 10:00:00",)]
    again = cli(catalogue, "--source", f"sqlite:///{path}")
    assert again.returncode == 0, again.stderr
    # Only the rows at the watermark come again, unchanged: dossier SQ-1 and its two steps.
    assert query(catalogue, "select n_read, n_loaded, n_unchanged from load_runs where load_id = 3") == [(3, 0, 3)]


# Syncing at an interval


def _wait_for(stream, text: str, timeout: float) -> list[str]:
    """Return the lines read from `stream` up to the first one containing `text`."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} not seen in: {''.join(lines)}")


def test_every_keeps_syncing_logs_each_run_and_goes_on_after_a_failure(source_url, catalogue, tmp_path):
    source(source_url, 3000)
    execute(source_url, FAILING_FEE)
    execute(source_url, "insert into fail_on values ('HS-0002500')")
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "sync", "--db", str(catalogue), "--source", source_url,
         "--mapping", str(failing_mapping(tmp_path)), "--batch-size", "1000", "--every", "1s"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(process.stderr, "cannot read dossier HS-0002500", 60)
        execute(source_url, "delete from fail_on")
        _wait_for(process.stdout, "synced up to", 60)
        _wait_for(process.stdout, "scores recomputed", 60)
        _wait_for(process.stdout, "QuaTrinhXuLy: synced up to", 60)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    runs = query(catalogue, "select load_id, n_read, n_loaded, n_unchanged, status from load_runs "
                            "where load_id > 1 order by load_id")
    # Run 2 failed after two batches; run 3 wrote the rest; each later run reads only the 3 rows at the watermarks.
    assert runs[:2] == [(2, 2000, 2000, 0, "failed"), (3, 7001, 7000, 1, "ok")]
    assert len(runs) >= 3 and all(r[1:] == (3, 0, 3, "ok") for r in runs[2:])
    assert query(catalogue, "select count(*), count(distinct dossier_code) from dossiers") == [(3000, 3000)]


def test_interval_spellings():
    from etl.sync import interval
    assert [interval("30s"), interval("15m"), interval("1h")] == [30, 900, 3600]
    with pytest.raises(Exception, match="expected an interval"):
        interval("15 minutes")
