"""The loader on real DuckDB databases: formats, every bad-input rule, idempotency, replacement, atomicity, privacy."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

import db
from model.entities import ENTITIES
from etl.load import load_paths
from etl.sources.files import FileError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TABLES = [e.name for e in ENTITIES] + ["load_runs", "load_files", "rejected_rows"]
DOSSIER_HEADER = "dossier_code,procedure_code,unit_code,channel,received_at,finished_at,fee_total,updated_at"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def rejected(con) -> list[tuple]:
    """Return the rejected rows as (line, column, value, reason), in line order."""
    return con.execute('select line, "column", value, reason from rejected_rows order by line, "column"').fetchall()


def snapshot(con) -> dict[str, tuple]:
    """Return each table's row count and an order-independent checksum of its rows."""
    return {t: con.execute(f"select count(*), coalesce(sum(hash(x)), 0) from {t} x").fetchone() for t in TABLES}


@pytest.fixture
def catalogue(con):
    """Return the connection after loading the sample units and procedures."""
    load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv"])
    return con


def dossiers(con, tmp_path, *rows: str, header: str = DOSSIER_HEADER, name: str = "dossiers.csv"):
    """Load a dossiers CSV made of `header` and `rows`; return the load result."""
    return load_paths(con, [write(tmp_path, name, "\n".join([header, *rows]) + "\n")])


def run_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "load", *args, "--db", str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


# The samples


def test_samples_load_with_no_rejections(con):
    result = load_paths(con, [SAMPLE])
    # The portal's sync file in data/sample/portal is checked in test_portal.py.
    csv = [f for f in result.files if Path(f.path).parent == SAMPLE]
    by_entity = {f.entity: (f.n_read, f.n_new, f.n_replaced, f.n_unchanged, f.n_rejected) for f in csv}
    assert by_entity == {
        "units": (7, 4, 3, 0, 0),  # 3 official communes overridden
        "procedures": (6, 6, 0, 0, 0),
        "procedure_decisions": (5, 5, 0, 0, 0),
        "dossiers": (14, 14, 0, 0, 0),
        "dossier_events": (7, 7, 0, 0, 0),
        "feedback": (3, 3, 0, 0, 0),
        "national_report": (4, 4, 0, 0, 0),
    }
    assert [f.entity for f in csv] == [e.name for e in ENTITIES]
    assert [f.entity for f in result.files if f not in csv] == ["dossiers", "dossier_events"]
    assert con.execute("select n_read, n_loaded, n_replaced, n_unchanged, n_rejected, status from load_runs").fetchall() \
        == [(46 + 10 + 23, 43 + 10 + 23, 3, 0, 0, "ok")]
    assert con.execute("select fee_total, received_at::varchar from dossiers "
                       "where dossier_code = '000.00.01.H12-240301-0003'").fetchone() == (1234000.0, "2024-03-01 09:05:00")
    assert con.execute("select channel, synced_to_portal, rating from dossiers "
                       "where dossier_code = '000.00.01.H12-240212-0002'").fetchone() == ("direct", True, "satisfied")
    assert con.execute("select count(*) from dossiers where load_id = 1").fetchone()[0] == 14 + 10


def test_samples_drop_personal_columns(con):
    result = load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv", SAMPLE / "dossiers.csv"])
    assert result.files[-1].personal == ["applicant_name", "phone"]


# File-level problems: nothing written, exit status 2


def test_unreadable_file_stops_the_load_before_writing(con, db_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "units.csv", (SAMPLE / "units.csv").read_text(encoding="utf-8"))
    (folder / "dossiers.parquet").write_bytes(b"PAR1 this is not parquet")
    before = snapshot(con)
    with pytest.raises(FileError, match=r"dossiers\.parquet: cannot be read as parquet"):
        load_paths(con, [folder])
    assert snapshot(con) == before
    con.close()
    process = run_cli(db_path, str(folder))
    assert process.returncode == 2
    assert "dossiers.parquet: cannot be read as parquet" in process.stderr
    with duckdb.connect(str(db_path)) as again:
        assert snapshot(again) == before


def test_csv_not_in_utf8_stops_the_load(con, tmp_path):
    # A Windows-1258 export: the header reads, the Vietnamese names further down do not.
    path = tmp_path / "units.csv"
    # "Sở Tư pháp" in Windows-1258: ơ and ư are one byte each, the tone a combining mark after.
    path.write_bytes(b"unit_code,name,kind,parent_code\n74-STP,S\xf5\xd2 T\xfd ph\xe1p,department,74\n")
    before = snapshot(con)
    with pytest.raises(FileError, match=r"units\.csv: is not UTF-8 text \(.*byte 0xf5.*\); save it as UTF-8"):
        load_paths(con, [path])
    assert snapshot(con) == before
    # The same further down a long file, where the header reads and the body does not.
    long = tmp_path / "units_long.csv"
    long.write_bytes(b"unit_code,name,kind,parent_code\n" + b"74-STP,So Tu phap,department,74\n" * 5000
                     + b"74-SXD,S\xf5\xd2 X\xe2y d\xf7ng,department,74\n")
    with pytest.raises(FileError, match=r"units_long\.csv: is not UTF-8 text"):
        load_paths(con, [long])
    assert snapshot(con) == before


def test_missing_required_column_stops_the_load(con, db_path, tmp_path):
    path = write(tmp_path, "dossiers.csv", "dossier_code,procedure_code,unit_code\nHS-1,1.001193,25747\n")
    before = snapshot(con)
    with pytest.raises(FileError, match="missing required column updated_at for dossiers"):
        load_paths(con, [SAMPLE / "units.csv", path])
    assert snapshot(con) == before
    con.close()
    process = run_cli(db_path, str(path))
    assert process.returncode == 2
    assert process.stderr.strip() == f"error: {path}: missing required column updated_at for dossiers"


def test_unknown_entity_and_unknown_format_stop_the_load(con, tmp_path):
    with pytest.raises(FileError, match="cannot tell which entity"):
        load_paths(con, [write(tmp_path, "export.csv", "a\n1\n")])
    with pytest.raises(FileError, match="unknown format '.xml'"):
        load_paths(con, [write(tmp_path, "dossiers.xml", "<x/>")])


def test_entity_from_the_longest_name_match_or_the_option(con, tmp_path):
    from etl.sources.files import entity_for

    assert entity_for(Path("dossier_events.csv")).name == "dossier_events"
    assert entity_for(Path("HoSo_2024.xlsx")).name == "dossiers"
    assert entity_for(Path("tthc_tinh.csv")).name == "procedures"
    assert entity_for(Path("export.csv"), "feedback").name == "feedback"


# Bad rows: rejected with line, column, value and reason; the rest loads


def test_unparseable_date(catalogue, tmp_path):
    result = dossiers(catalogue, tmp_path,
                      "HS-1,2.000488,74-STP,online,32/01/2024 08:00,,0,2024-02-01",
                      "HS-2,2.000488,74-STP,online,2024-01-05 08:00,,0,2024-02-01")
    assert rejected(catalogue) == [(2, "received_at", "32/01/2024 08:00", "unparseable timestamp")]
    assert (result.total("n_new"), result.total("n_rejected")) == (1, 1)


def test_unknown_enum_value(catalogue, tmp_path):
    dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,fax,2024-01-05,,0,2024-02-01")
    assert rejected(catalogue) == [(2, "channel", "fax", "unknown value 'fax' for channel (expected direct, online, postal)")]


def test_unknown_unit(catalogue, tmp_path):
    dossiers(catalogue, tmp_path,
             "HS-1,1.001193,99999,online,2024-01-05,,0,2024-02-01",
             # Đặc khu Côn Đảo (26732) exists only in the new tree, from 2025-07-01.
             "HS-2,1.001193,26732,online,2024-01-05,,0,2024-02-01",
             # 74-STP closed with Bình Dương on 2025-06-30.
             "HS-3,2.000488,74-STP,online,2025-08-01,,0,2025-08-02",
             "HS-4,1.001193,25747,online,2025-08-01,,0,2025-08-02")
    reason = "unknown unit (no unit with this code is valid on that date)"
    # Without a unit there is no province whose catalogue could be asked about the procedure:
    # only the unit is reported.
    assert rejected(catalogue) == [
        (2, "unit_code", "99999", reason),
        (3, "unit_code", "26732", reason),
        (4, "unit_code", "74-STP", reason)]
    assert catalogue.execute("select dossier_code from dossiers").fetchall() == [("HS-4",)]


def test_unknown_procedure(catalogue, tmp_path):
    reason = "unknown procedure (not in the catalogue of the unit's province)"
    dossiers(catalogue, tmp_path,
             "HS-1,9.999999,74-STP,online,2024-01-05,,0,2024-02-01",
             # 1.009794 is in Bình Dương's catalogue only; 25747 belongs to Hồ Chí Minh City after the reform.
             "HS-2,1.009794,25747,online,2025-08-01,,0,2025-08-02",
             "HS-3,1.009794,25747,online,2024-08-01,,0,2024-08-02")
    assert rejected(catalogue) == [(2, "procedure_code", "9.999999", reason), (3, "procedure_code", "1.009794", reason)]


def test_received_after_finished_and_negative_fee(catalogue, tmp_path):
    dossiers(catalogue, tmp_path,
             "HS-1,2.000488,74-STP,online,2024-01-05 10:00,2024-01-05 09:00,0,2024-02-01",
             "HS-2,2.000488,74-STP,online,2024-01-05 10:00,,-50.000,2024-02-01")
    assert rejected(catalogue) == [(2, "finished_at", "2024-01-05 09:00", "received after finished"),
                                   (3, "fee_total", "-50.000", "negative fee")]


def test_duplicate_key_rejects_every_row_sharing_it(catalogue, tmp_path):
    result = dossiers(catalogue, tmp_path,
                      "HS-1,2.000488,74-STP,online,2024-01-05,,0,2024-02-01",
                      "HS-2,2.000488,74-STP,online,2024-01-05,,0,2024-02-01",
                      "HS-1,2.000488,74-STP,direct,2024-01-06,,0,2024-02-02")
    reason = "duplicate dossier_code HS-1 in this file (lines 2, 4)"
    assert rejected(catalogue) == [(2, "dossier_code", "HS-1", reason), (4, "dossier_code", "HS-1", reason)]
    assert (result.total("n_new"), result.total("n_rejected")) == (1, 2)


def test_missing_required_value(catalogue, tmp_path):
    dossiers(catalogue, tmp_path, "HS-1,2.000488,,online,2024-01-05,,0,2024-02-01",
             "HS-2,2.000488,74-STP,online,2024-01-05,,0,  ")
    assert rejected(catalogue) == [(2, "unit_code", None, "missing required value"),
                                   (3, "updated_at", None, "missing required value")]


def test_one_rejection_row_per_problem(catalogue, tmp_path):
    result = dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,fax,hôm qua,,0,2024-02-01")
    assert rejected(catalogue) == [
        (2, "channel", "fax", "unknown value 'fax' for channel (expected direct, online, postal)"),
        (2, "received_at", "hôm qua", "unparseable timestamp")]
    assert result.total("n_rejected") == 1
    assert catalogue.execute("select n_read, n_rejected from load_runs where load_id = 2").fetchone() == (1, 1)


def test_summary_counts_and_reasons(catalogue, tmp_path):
    result = dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,fax,2024-01-05,,0,2024-02-01",
                      "HS-2,2.000488,74-STP,fax,2024-01-05,,0,2024-02-01",
                      "HS-3,2.000488,74-STP,online,2024-01-05,,-1,2024-02-01")
    assert result.top_reasons == [("unknown value 'fax' for channel (expected direct, online, postal)", 2),
                                  ("negative fee", 1)]


# Formats


def test_csv_with_bom_and_semicolons(catalogue, tmp_path):
    text = "\n".join(["Dossier_Code ; Procedure_Code;UNIT_CODE;kênh;received_at;fee_total;updated_at",
                      "HS-1;2.000488;74-STP;x;05/01/2024 08:00;1.234,5;06/01/2024",
                      "HS-2;2.000488;74-STP;x;05/01/2024 08:00;abc;06/01/2024"]) + "\n"
    result = load_paths(catalogue, [write(tmp_path, "hoso.csv", text, encoding="utf-8-sig")])
    assert result.files[0].ignored == ["kênh"]
    assert catalogue.execute("select dossier_code, fee_total, received_at::varchar from dossiers").fetchall() \
        == [("HS-1", 1234.5, "2024-01-05 08:00:00")]
    assert rejected(catalogue) == [(3, "fee_total", "abc", "unparseable number")]


def test_xlsx_first_sheet(catalogue, tmp_path):
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["dossier_code", "procedure_code", "unit_code", "channel", "received_at", "fee_total",
                  "paid_online", "updated_at", "Số điện thoại"])
    sheet.append(["HS-1", "2.000488", "74-STP", "Trực tuyến", datetime(2024, 1, 5, 8, 30), 200000, True,
                  "06/01/2024", "0912345678"])
    sheet.append(["HS-2", "2.000488", "74-STP", "fax", datetime(2024, 1, 5, 8, 30), 0, False, "06/01/2024", ""])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "dossiers.xlsx"
    book.save(path)
    result = load_paths(catalogue, [path])
    assert result.files[0].personal == ["Số điện thoại"]
    assert catalogue.execute("select dossier_code, channel, received_at::varchar, fee_total, paid_online from dossiers"
                             ).fetchall() == [("HS-1", "online", "2024-01-05 08:30:00", 200000.0, True)]
    assert rejected(catalogue) == [(3, "channel", "fax", "unknown value 'fax' for channel (expected direct, online, postal)")]


def test_parquet_typed_columns(catalogue, tmp_path):
    path = tmp_path / "dossiers.parquet"
    catalogue.execute(f"""copy (select * from (values
        ('HS-1', '2.000488', '74-STP', timestamp '2024-01-05 08:00', 1000::bigint, true, timestamp '2024-01-06 00:00'),
        ('HS-2', '2.000488', '74-STP', timestamp '2024-01-05 08:00', -1::bigint, true, timestamp '2024-01-06 00:00'),
        ('HS-3', '2.000488', '74-STP', timestamp '2024-01-05 08:00', null, null, null))
        t(dossier_code, procedure_code, unit_code, received_at, fee_total, paid_online, updated_at))
        to '{path}' (format parquet)""")
    result = load_paths(catalogue, [path])
    assert catalogue.execute("select dossier_code, received_at::varchar, fee_total, paid_online from dossiers").fetchall() \
        == [("HS-1", "2024-01-05 08:00:00", 1000.0, True)]
    assert rejected(catalogue) == [(2, "fee_total", "-1", "negative fee"), (3, "updated_at", None, "missing required value")]
    assert result.total("n_read") == 3


def test_json_lines_and_json_array(catalogue, tmp_path):
    rows = [{"dossier_code": "HS-1", "procedure_code": "2.000488", "unit_code": "74-STP", "fee_total": 1000,
             "paid_online": True, "received_at": "2024-01-05T01:00:00Z", "updated_at": "2024-01-06", "email": "a@b.vn"},
            {"dossier_code": "HS-2", "procedure_code": "2.000488", "unit_code": "74-STP", "channel": "fax",
             "updated_at": "2024-01-06"}]
    lines = write(tmp_path, "dossiers.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    result = load_paths(catalogue, [lines])
    assert result.files[0].personal == ["email"]
    assert catalogue.execute("select dossier_code, received_at::varchar, fee_total, paid_online from dossiers").fetchall() \
        == [("HS-1", "2024-01-05 08:00:00", 1000.0, True)]
    assert rejected(catalogue) == [(2, "channel", "fax", "unknown value 'fax' for channel (expected direct, online, postal)")]
    rows[1].update(channel="online", dossier_code="HS-3", received_at="05/01/2024 08:00")
    load_paths(catalogue, [write(tmp_path, "more_dossiers.json", json.dumps(rows))])
    assert catalogue.execute("select dossier_code from dossiers order by 1").fetchall() == [("HS-1",), ("HS-3",)]


# Idempotency and replacement


def test_loading_the_same_files_again_changes_nothing(con):
    load_paths(con, [SAMPLE])
    before = snapshot(con)
    again = load_paths(con, [SAMPLE])
    assert again.load_id is None
    assert {f.skipped_by for f in again.files} == {1}
    assert snapshot(con) == before


def test_identical_rows_in_a_new_file_are_unchanged(catalogue, tmp_path):
    row = "HS-1,2.000488,74-STP,online,2024-01-05,,0,2024-02-01"
    dossiers(catalogue, tmp_path, row)
    # Other bytes (an extra column), same row: the file is loaded, the row is unchanged.
    result = dossiers(catalogue, tmp_path, row + ",xem lại", header=DOSSIER_HEADER + ",ghi_chu", name="dossiers_again.csv")
    assert (result.total("n_new"), result.total("n_replaced"), result.total("n_unchanged")) == (0, 0, 1)
    units = load_paths(catalogue, [write(tmp_path, "units_copy.csv",
                                         (SAMPLE / "units.csv").read_text(encoding="utf-8") + "\n")])
    assert (units.total("n_replaced"), units.total("n_unchanged")) == (0, 7)


def test_newer_updated_at_replaces_a_dossier_and_older_does_not(catalogue, tmp_path):
    dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,online,2024-01-05,,0,2024-02-01 10:00")
    newer = dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,direct,2024-01-05,,0,2024-02-02", name="dossiers_2.csv")
    older = dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,postal,2024-01-05,,0,2024-01-31", name="dossiers_3.csv")
    same = dossiers(catalogue, tmp_path, "HS-1,2.000488,74-STP,postal,2024-01-05,,0,2024-02-02", name="dossiers_4.csv")
    assert newer.total("n_replaced") == 1
    assert (older.total("n_replaced"), older.total("n_unchanged")) == (0, 1)
    assert (same.total("n_replaced"), same.total("n_unchanged")) == (0, 1)
    assert catalogue.execute("select channel, updated_at::varchar, load_id from dossiers").fetchall() \
        == [("direct", "2024-02-02 00:00:00", newer.load_id)]


def test_other_entities_latest_load_wins(catalogue, tmp_path):
    header = "feedback_id,unit_code,category,received_at"
    load_paths(catalogue, [write(tmp_path, "feedback.csv", f"{header}\nPA-1,74-STP,staff,2024-03-01\n")])
    result = load_paths(catalogue, [write(tmp_path, "pakn.csv", f"{header}\nPA-1,74-STP,rules,2024-03-01\n")])
    assert result.total("n_replaced") == 1
    assert catalogue.execute("select category, load_id from feedback").fetchall() == [("rules", result.load_id)]


# Atomicity and privacy


def _started_writing(db_path: Path, size: int) -> bool:
    """Return whether a load has begun writing its rows into the copy it publishes: DuckDB writes large inserts before commit."""
    copy = db.next_path(db_path)
    return copy.exists() and copy.stat().st_size > size


def test_killed_load_leaves_the_database_as_it_was(db_path, tmp_path):
    with duckdb.connect(str(db_path)) as con:
        con.execute("set TimeZone = 'Asia/Ho_Chi_Minh'")
        load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv"])
        con.execute("checkpoint")
        before = snapshot(con)
        big = tmp_path / "dossiers_big.csv"
        con.execute(f"""copy (select 'HS-' || i as dossier_code, '2.000488' as procedure_code, '74-STP' as unit_code,
                                     'online' as channel, '05/01/2024 08:00' as received_at, '1.000' as fee_total,
                                     '2024-02-01' as updated_at
                              from range(1000000) r(i)) to '{big}' (header)""")
    pristine = tmp_path / "before.duckdb"
    shutil.copy(db_path, pristine)
    # Kill while reading, and as soon as the load starts writing (optimistic writes grow the file before commit).
    # A million rows keep the write long enough for the poll below to catch it before the commit.
    moments = {"after 0.8 s": lambda started: time.monotonic() - started > 0.8,
               "once writing": lambda started: _started_writing(db_path, pristine.stat().st_size)}
    killed = []
    for name, due in moments.items():
        # A kill can land after the commit on a busy machine: then the load is whole, and the moment is tried again.
        for _ in range(3):
            # Each try starts from the same file: blocks freed by an earlier kill would hide the growth of a write.
            shutil.copy(pristine, db_path)
            process = subprocess.Popen([sys.executable, "-m", "etl", "load", str(big), "--db", str(db_path)], cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started = time.monotonic()
            while process.poll() is None and not due(started):
                time.sleep(0.005)
            was_running = process.poll() is None
            if was_running:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            with duckdb.connect(str(db_path)) as con:
                committed = con.execute("select count(*) from load_runs").fetchone()[0] > before["load_runs"][0]
                if not committed:
                    assert snapshot(con) == before, f"killed {name}: the database changed"
                    assert was_running
                    killed.append(name)
                    break
                assert con.execute("select count(*) from dossiers").fetchone()[0] == 1_000_000, f"killed {name}: partial"
    assert killed == list(moments), "a load finished before its kill: use a bigger file"


def test_personal_data_never_reaches_the_database(con, db_path, tmp_path):
    load_paths(con, [SAMPLE])
    text = (SAMPLE / "dossiers.csv").read_text(encoding="utf-8").splitlines()
    bad = text[1].replace("000.00.01.H12-240105-0001", "HS-BAD").replace(",online,", ",fax,")
    load_paths(con, [write(tmp_path, "dossiers_bad.csv", "\n".join([text[0], bad]) + "\n")])
    assert con.execute("select count(*) from rejected_rows").fetchone()[0] == 1
    secrets = ["Nguyễn Văn An", "0912345678", "Trần Thị Bích Ngọc", "0987654321", "Châu Ngọc Yến"]
    columns = con.execute("""select table_name, column_name from information_schema.columns
                             where table_schema = 'main' and data_type = 'VARCHAR'""").fetchall()
    assert {t for t, _ in columns} >= {"dossiers", "rejected_rows", "load_runs", "load_files"}
    for table, column in columns:
        found = con.execute(f'select count(*) from "{table}" where list_has_any([$1, $2, $3, $4, $5], ["{column}"]) '
                            f'or contains("{column}", $1) or contains("{column}", $2)', secrets).fetchone()[0]
        assert found == 0, f"{table}.{column}"
    con.close()
    raw = db_path.read_bytes() + (Path(str(db_path) + ".wal").read_bytes() if Path(str(db_path) + ".wal").exists() else b"")
    for secret in secrets:
        assert secret.encode() not in raw


def test_cli_happy_path(db_path):
    process = run_cli(db_path, str(SAMPLE))
    assert process.returncode == 0, process.stderr
    assert "dossiers" in process.stdout and "load 1" in process.stdout
    again = run_cli(db_path, str(SAMPLE))
    assert again.returncode == 0
    assert "already loaded" in again.stdout
