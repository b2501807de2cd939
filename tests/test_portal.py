"""The portal's sync format on real DuckDB: every mapped field and status, the layouts, bad records, privacy, reloads."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from model.entities import ENTITIES
from etl.load import load_paths
from etl.sources import portal
from etl.sources.files import FileError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
PORTAL = SAMPLE / "portal" / "dvcqg_dong_bo_ho_so.json"
TABLES = [e.name for e in ENTITIES] + ["load_runs", "load_files", "rejected_rows"]
PERSONAL = ["ChuHoSo", "SoDinhDanh", "SoCMND", "SoDienThoai", "Email", "DiaChiThuongTru", "DinhDanhCHS"]
DOSSIER_COLUMNS = ("dossier_code, procedure_code, unit_code, channel, submitted_at::varchar, received_at::varchar, "
                   "due_at::varchar, finished_at::varchar, returned_at::varchar, status, synced_to_portal, fee_total, "
                   "paid_online, components_digitized, result_file_attached, reused_digitized_data, from_personal_store, "
                   "population_data_used, rating, has_complaint, updated_at::varchar")

# The sample, worked out by hand from the file and the README's table: one dossier per status code 1–10.
# (code, procedure, unit, channel, submitted, received, due, finished, returned, status, synced, fee, paid,
#  digitised, result file, reused, personal store, population data, rating, complaint, updated)
DOSSIERS = [
    ("000.00.18.H12-240306-0003", "2.000488", "74-STP", "postal", "2024-03-06 09:00:00", None, "2024-03-20 17:00:00",
     None, None, "rejected", True, 200000.0, None, None, None, None, None, None, None, None, "2024-03-06 15:00:00"),
    ("000.00.18.H12-240307-0004", "2.001610", "74-SKHDT", "online", "2024-03-07 09:00:00", "2024-03-07 09:15:00",
     "2024-03-12 17:00:00", None, None, "processing", True, 150000.0, True, True, None, True, False, None, None, None,
     "2024-03-07 14:00:00"),
    ("000.00.18.H12-240313-0008", "2.000488", "74-STP", "online", "2024-03-13 08:00:00", "2024-03-13 08:30:00",
     "2024-03-27 17:00:00", "2024-03-15 10:00:00", None, "stopped", True, 200000.0, True, None, None, None, None, None,
     None, None, "2024-03-15 10:00:00"),
    ("000.00.18.H12-240314-0009", "2.001610", "74-SKHDT", "online", "2024-03-14 08:00:00", "2024-03-14 08:20:00",
     "2024-03-19 17:00:00", "2024-03-19 16:00:00", None, "finished", True, 50000.0, True, True, True, True, True, True,
     None, None, "2024-03-19 16:00:00"),
    ("000.00.20.H12-240308-0005", "1.009794", "718", "direct", "2024-03-08 08:00:00", "2024-03-08 08:10:00",
     "2024-03-29 17:00:00", None, None, "supplement_requested", True, 75000.0, None, True, None, None, None, None, None,
     None, "2024-03-12 10:00:00"),
    ("000.00.20.H12-240315-0010", "1.009794", "718", "online", "2024-03-15 08:00:00", "2024-03-15 08:15:00",
     "2024-04-05 17:00:00", "2024-04-02 15:00:00", "2024-04-03 09:00:00", "returned", True, 75000.0, True, True, True,
     False, False, False, None, None, "2024-04-03 09:00:00"),
    ("000.00.25.H12-240304-0001", "1.001193", "25747", "online", "2024-03-04 08:00:00", None, None, None, None,
     "received", True, 0.0, False, True, None, False, True, True, None, None, "2024-03-04 08:00:00"),
    ("000.00.25.H12-240305-0002", "2.000815", "25747", "direct", "2024-03-05 07:30:00", "2024-03-05 07:45:00",
     "2024-03-06 17:00:00", None, None, "received", True, 10000.0, False, False, None, False, False, False, None, None,
     "2024-03-05 07:45:00"),
    ("000.00.25.H12-240311-0006", "2.000815", "25750", "online", "2024-03-11 10:00:00", "2024-03-11 10:15:00",
     "2024-03-12 17:00:00", None, None, "processing", True, 10000.0, True, None, None, None, None, None, None, None,
     "2024-03-11 14:00:00"),
    ("000.00.25.H12-240312-0007", "1.001193", "25750", "online", "2024-03-12 08:30:00", "2024-03-12 08:40:00",
     "2024-03-13 17:00:00", None, None, "withdrawn", True, 0.0, None, None, None, None, None, None, None, None,
     "2024-03-12 16:00:00"),
]
# (dossier, seq, event, at, unit): history code 1 is left out, 4 after a 5 is the supplement's completion.
EVENTS = [
    ("000.00.18.H12-240306-0003", 2, "rejected", "2024-03-06 15:00:00", "74-STP"),
    ("000.00.18.H12-240307-0004", 1, "received", "2024-03-07 09:15:00", "74-SKHDT"),
    ("000.00.18.H12-240307-0004", 2, "transferred", "2024-03-07 14:00:00", "74-SKHDT"),
    ("000.00.18.H12-240313-0008", 1, "received", "2024-03-13 08:30:00", "74-STP"),
    ("000.00.18.H12-240313-0008", 2, "transferred", "2024-03-14 08:00:00", "74-STP"),
    ("000.00.18.H12-240313-0008", 3, "stopped", "2024-03-15 10:00:00", "74-STP"),
    ("000.00.18.H12-240314-0009", 1, "received", "2024-03-14 08:20:00", "74-SKHDT"),
    ("000.00.18.H12-240314-0009", 2, "transferred", "2024-03-14 10:00:00", "74-SKHDT"),
    ("000.00.18.H12-240314-0009", 3, "supplement_requested", "2024-03-15 09:00:00", "74-SKHDT"),
    ("000.00.18.H12-240314-0009", 4, "supplement_completed", "2024-03-18 08:00:00", "74-SKHDT"),
    ("000.00.18.H12-240314-0009", 5, "finished", "2024-03-19 16:00:00", "74-SKHDT"),
    ("000.00.20.H12-240308-0005", 1, "received", "2024-03-08 08:10:00", "718"),
    ("000.00.20.H12-240308-0005", 2, "transferred", "2024-03-11 08:00:00", "718"),
    ("000.00.20.H12-240308-0005", 3, "supplement_requested", "2024-03-12 10:00:00", "718"),
    ("000.00.20.H12-240315-0010", 1, "received", "2024-03-15 08:15:00", "718"),
    ("000.00.20.H12-240315-0010", 2, "transferred", "2024-03-18 08:00:00", "718"),
    ("000.00.20.H12-240315-0010", 3, "finished", "2024-04-02 15:00:00", "718"),
    ("000.00.20.H12-240315-0010", 4, "returned", "2024-04-03 09:00:00", "718"),
    ("000.00.25.H12-240305-0002", 1, "received", "2024-03-05 07:45:00", "25747"),
    ("000.00.25.H12-240311-0006", 1, "received", "2024-03-11 10:15:00", "25750"),
    ("000.00.25.H12-240311-0006", 2, "transferred", "2024-03-11 14:00:00", "25750"),
    ("000.00.25.H12-240312-0007", 1, "received", "2024-03-12 08:40:00", "25750"),
    ("000.00.25.H12-240312-0007", 2, "withdrawn", "2024-03-12 16:00:00", "25750"),
]
STATUS_REASON = ("unknown value '11' for status (expected received, processing, supplement_requested, finished, "
                 "returned, stopped, rejected, withdrawn)")
EVENT_REASON = ("unknown value '12' for event (expected received, transferred, supplement_requested, "
                "supplement_completed, finished, returned, stopped, rejected, withdrawn)")


def records() -> list[dict]:
    return json.loads(PORTAL.read_text(encoding="utf-8"))


def write_json(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_lines(folder: Path, name: str, rows: list[dict]) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def dossiers(con) -> list[tuple]:
    return con.execute(f"select {DOSSIER_COLUMNS} from dossiers order by dossier_code").fetchall()


def events(con) -> list[tuple]:
    return con.execute('select dossier_code, seq, event, "at"::varchar, unit_code from dossier_events '
                       'order by dossier_code, seq').fetchall()


def rejected(con) -> list[tuple]:
    return con.execute('select entity, line, "column", value, reason from rejected_rows '
                       'order by entity desc, line, "column"').fetchall()


def snapshot(con) -> dict[str, tuple]:
    return {t: con.execute(f"select count(*), coalesce(sum(hash(x)), 0) from {t} x").fetchone() for t in TABLES}


@pytest.fixture
def catalogue(con):
    """Return the connection after loading the sample units and procedures."""
    load_paths(con, [SAMPLE / "units.csv", SAMPLE / "procedures.csv"])
    return con


def test_sample_maps_every_field_and_status(catalogue):
    result = load_paths(catalogue, [PORTAL])
    counts = [(f.entity, f.n_read, f.n_new, f.n_rejected) for f in result.files]
    assert counts == [("dossiers", 10, 10, 0), ("dossier_events", 23, 23, 0)]
    assert dossiers(catalogue) == DOSSIERS
    assert events(catalogue) == EVENTS
    assert result.files[0].personal == PERSONAL
    assert result.files[0].ignored == ["TenTTHC", "NgayTuChoi"]


def test_json_lines_a_wrapped_array_and_a_single_record_load_the_same_rows(catalogue, tmp_path):
    load_paths(catalogue, [write_lines(tmp_path, "dong_bo.jsonl", records())])
    assert (dossiers(catalogue), events(catalogue)) == (DOSSIERS, EVENTS)
    catalogue.execute("delete from dossier_events; delete from dossiers")
    wrapped = write_json(tmp_path, "api.json", {"error_code": "0", "message": "Thành công", "data": records()})
    result = load_paths(catalogue, [wrapped])
    assert (dossiers(catalogue), events(catalogue)) == (DOSSIERS, EVENTS)
    assert result.files[0].personal == PERSONAL
    catalogue.execute("delete from dossier_events; delete from dossiers")
    single = next(r for r in records() if r["TrangThaiHoSo"] == "10")
    load_paths(catalogue, [write_json(tmp_path, "mot_ho_so.json", single)])
    assert dossiers(catalogue) == [d for d in DOSSIERS if d[9] == "returned"]
    assert events(catalogue) == [e for e in EVENTS if e[0] == single["MaHoSo"]]


def test_bad_records_are_rejected_with_their_reason_and_the_rest_loads(catalogue, tmp_path):
    good, *_ = records()
    good = {**good, "MaHoSo": "HS-OK", "QuaTrinhXuLy": [{"TrangThai": "2", "ThoiDiemXuLy": "20240304083000"}]}
    bad = [
        good,
        {**good, "MaHoSo": "HS-2", "TrangThaiHoSo": "11", "NgayTiepNhan": "20241332083000"},
        {**good, "MaHoSo": "HS-3", "DanhSachPhiLePhi": [{"Gia": "50.000"}, {"Gia": "năm mươi"}]},
        {**good, "MaHoSo": "HS-4", "DanhSachPhiLePhi": [{"Gia": "-5000"}]},
        {**good, "MaHoSo": "HS-5", "DuocThanhToanTrucTuyen": "có thể",
         "TaiLieuNop": [{"DuocSoHoa": "1"}, {"DuocSoHoa": "chưa"}]},
        {**good, "MaHoSo": "HS-6", "MaDonVi": "99999"},
        {**good, "MaHoSo": "HS-7", "QuaTrinhXuLy": [{"TrangThai": "12", "ThoiDiemXuLy": "20240304083000"},
                                                    {"TrangThai": "2", "ThoiDiemXuLy": ""},
                                                    {"TrangThai": "4", "ThoiDiemXuLy": "04/03/2024 09:00:00"}]},
        {**good, "MaHoSo": "HS-8", "NgayTiepNhan": "20240310090000", "NgayKetThucXuLy": "20240309090000"},
        {**good, "MaHoSo": "HS-OK", "QuaTrinhXuLy": []},
    ]
    result = load_paths(catalogue, [write_json(tmp_path, "dong_bo.json", bad)])
    counts = [(f.entity, f.n_read, f.n_new, f.n_rejected) for f in result.files]
    assert counts == [("dossiers", 9, 1, 8), ("dossier_events", 10, 1, 9)]
    duplicate = "duplicate dossier_code HS-OK in this file (lines 1, 9)"
    assert rejected(catalogue) == [
        ("dossiers", 1, "dossier_code", "HS-OK", duplicate),
        ("dossiers", 2, "received_at", "20241332083000", "unparseable timestamp"),
        ("dossiers", 2, "status", "11", STATUS_REASON),
        ("dossiers", 3, "fee_total", "năm mươi", "unparseable number"),
        ("dossiers", 4, "fee_total", "-5000", "negative fee"),
        ("dossiers", 5, "components_digitized", "chưa", "unparseable boolean"),
        ("dossiers", 5, "paid_online", "có thể", "unparseable boolean"),
        ("dossiers", 6, "unit_code", "99999", "unknown unit (no unit with this code is valid on that date)"),
        ("dossiers", 8, "finished_at", "2024-03-09 09:00:00", "received after finished"),
        ("dossiers", 9, "dossier_code", "HS-OK", duplicate),
        # A history entry's line is its record's number × 1000 + its position.
        ("dossier_events", 1001, "dossier_code", "HS-OK", "unknown dossier"),
        ("dossier_events", 2001, "dossier_code", "HS-2", "unknown dossier"),
        ("dossier_events", 3001, "dossier_code", "HS-3", "unknown dossier"),
        ("dossier_events", 4001, "dossier_code", "HS-4", "unknown dossier"),
        ("dossier_events", 5001, "dossier_code", "HS-5", "unknown dossier"),
        ("dossier_events", 6001, "dossier_code", "HS-6", "unknown dossier"),
        ("dossier_events", 6001, "unit_code", "99999", "unknown unit"),
        ("dossier_events", 7001, "event", "12", EVENT_REASON),
        ("dossier_events", 7002, "at", None, "missing required value"),
        ("dossier_events", 8001, "dossier_code", "HS-8", "unknown dossier"),
    ]
    assert catalogue.execute("select dossier_code from dossiers").fetchall() == [("HS-7",)]
    assert events(catalogue) == [("HS-7", 3, "transferred", "2024-03-04 09:00:00", "25747")]


def test_personal_fields_never_reach_the_database(con, db_path, tmp_path):
    load_paths(con, [SAMPLE])
    bad = [{**r, "TrangThaiHoSo": "99"} for r in records()]
    load_paths(con, [write_lines(tmp_path, "dong_bo_loi.jsonl", bad)])
    assert con.execute("select count(*) from rejected_rows where reason like 'unknown value ''99''%'").fetchone()[0] == 10
    secrets = [v for r in records() for k, v in r.items() if k in ("ChuHoSo", "SoDinhDanh", "SoDienThoai", "Email")]
    secrets += ["Số 12 đường Yersin", "Nguyễn Thị Cán Bộ", "190000001"]
    assert len(secrets) == 10 * 4 + 3
    columns = con.execute("""select table_name, column_name from information_schema.columns
                             where table_schema = 'main' and data_type = 'VARCHAR'""").fetchall()
    assert {t for t, _ in columns} >= {"dossiers", "dossier_events", "rejected_rows", "load_runs", "load_files"}
    for table, column in columns:
        found = con.execute(f'select count(*) from "{table}" where list_bool_or(list_transform($1, s -> contains("{column}", s)))',
                            [secrets]).fetchone()[0]
        assert found == 0, f"{table}.{column}"
    con.close()
    wal = Path(str(db_path) + ".wal")
    raw = db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for secret in secrets:
        assert secret.encode() not in raw, secret


def test_loading_the_same_file_again_writes_nothing(catalogue):
    first = load_paths(catalogue, [PORTAL])
    before = snapshot(catalogue)
    again = load_paths(catalogue, [PORTAL])
    assert again.load_id is None
    assert [(f.entity, f.skipped_by) for f in again.files] == [("dossiers", first.load_id),
                                                               ("dossier_events", first.load_id)]
    assert snapshot(catalogue) == before


def test_a_later_sync_replaces_the_dossier_and_an_earlier_one_does_not(catalogue, tmp_path):
    load_paths(catalogue, [PORTAL])
    record = next(r for r in records() if r["TrangThaiHoSo"] == "5")
    later = {**record, "TrangThaiHoSo": "9", "NgayKetThucXuLy": "20240318160000",
             "QuaTrinhXuLy": [*record["QuaTrinhXuLy"], {"TrangThai": "2", "ThoiDiemXuLy": "20240314080000"},
                              {"TrangThai": "9", "ThoiDiemXuLy": "20240318160000"}]}
    result = load_paths(catalogue, [write_lines(tmp_path, "dong_bo_sau.jsonl", [later])])
    counts = [(f.entity, f.n_new, f.n_replaced, f.n_unchanged) for f in result.files]
    assert counts == [("dossiers", 0, 1, 0), ("dossier_events", 2, 0, 3)]
    earlier = {**record, "QuaTrinhXuLy": record["QuaTrinhXuLy"][:1], "NgayHenTra": "20240401170000"}
    result = load_paths(catalogue, [write_lines(tmp_path, "dong_bo_truoc.jsonl", [earlier])])
    assert [(f.entity, f.n_new, f.n_replaced, f.n_unchanged) for f in result.files] == [("dossiers", 0, 0, 1),
                                                                                      ("dossier_events", 0, 0, 1)]
    assert catalogue.execute("select status, finished_at::varchar, due_at::varchar, updated_at::varchar from dossiers "
                             "where dossier_code = '000.00.20.H12-240308-0005'").fetchone() \
        == ("finished", "2024-03-18 16:00:00", "2024-03-29 17:00:00", "2024-03-18 16:00:00")
    assert catalogue.execute('select seq, event, "at"::varchar from dossier_events '
                             "where dossier_code = '000.00.20.H12-240308-0005' order by seq").fetchall() == [
        (1, "received", "2024-03-08 08:10:00"), (2, "transferred", "2024-03-11 08:00:00"),
        (3, "supplement_requested", "2024-03-12 10:00:00"), (4, "supplement_completed", "2024-03-14 08:00:00"),
        (5, "finished", "2024-03-18 16:00:00")]


def test_a_portal_file_without_a_required_field_stops_the_load(catalogue, db_path, tmp_path):
    path = write_json(tmp_path, "dong_bo.json", [{k: v for k, v in r.items() if k != "MaDonVi"} for r in records()])
    before = snapshot(catalogue)
    with pytest.raises(FileError, match="missing required field MaDonVi of the portal's sync format"):
        load_paths(catalogue, [SAMPLE / "feedback.csv", path])
    assert snapshot(catalogue) == before
    catalogue.close()
    process = subprocess.run([sys.executable, "-m", "etl", "load", str(path), "--db", str(db_path)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 2
    assert process.stderr.strip() == f"error: {path}: missing required field MaDonVi of the portal's sync format"
    with duckdb.connect(str(db_path)) as again:
        assert snapshot(again) == before


def test_unreadable_json_and_a_wrong_entity_stop_the_load(catalogue, tmp_path):
    broken = tmp_path / "dong_bo.json"
    broken.write_text(PORTAL.read_text(encoding="utf-8")[:500], encoding="utf-8")
    with pytest.raises(FileError, match=r"dong_bo\.json: cannot be read as json"):
        load_paths(catalogue, [broken])
    with pytest.raises(FileError, match="is a portal sync file: it holds dossiers and dossier_events, not feedback"):
        load_paths(catalogue, [PORTAL], entity="feedback")


def test_entity_option_loads_one_of_the_two(catalogue):
    result = load_paths(catalogue, [PORTAL], entity="dossiers")
    assert [(f.entity, f.n_new) for f in result.files] == [("dossiers", 10)]
    assert catalogue.execute("select count(*) from dossier_events").fetchone()[0] == 0


def test_a_file_without_status_history_has_no_processing_records(catalogue, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "QuaTrinhXuLy"} for r in records()]
    result = load_paths(catalogue, [write_lines(tmp_path, "dong_bo.jsonl", rows)])
    assert [(f.entity, f.n_read, f.n_new) for f in result.files] == [("dossiers", 10, 10), ("dossier_events", 0, 0)]
    # Without its history, a dossier's last change is its latest own time.
    assert catalogue.execute("select updated_at::varchar from dossiers "
                             "where dossier_code = '000.00.18.H12-240306-0003'").fetchone() == ("2024-03-06 09:00:00",)


def test_portal_times(con):
    values = ["20240315083000", "20240315", "15/03/2024 08:30:00", "2024-03-15T08:30:00", "20241332083000", None]
    parsed = con.execute(f"select list_transform($1, v -> {portal.time_text('v')})", [values]).fetchone()[0]
    assert parsed == ["2024-03-15 08:30:00", "2024-03-15 00:00:00", "15/03/2024 08:30:00", "2024-03-15T08:30:00",
                      "20241332083000", None]


def test_readme_documents_every_mapping():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- portal -->\n" + portal.mapping_table() + "<!-- /portal -->" in text
    documented = {m.column for mappings in portal.MAPPINGS.values() for m in mappings}
    assert documented == {"dossier_code", "procedure_code", "unit_code", "channel", "submitted_at", "received_at",
                          "due_at", "finished_at", "returned_at", "status", "synced_to_portal", "fee_total",
                          "paid_online", "components_digitized", "result_file_attached", "reused_digitized_data",
                          "from_personal_store", "population_data_used", "updated_at", "seq", "event", "at"}
