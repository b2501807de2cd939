"""The National Public Service Portal's sync format (Cổng Dịch vụ công quốc gia): dossier records in its field names.

A portal file is JSON — an array of records, JSON Lines, or an object wrapping an array of
records — recognised by the records' `MaHoSo` field, whatever the file's name. One file holds
two entities: the dossiers, and in each record's status history their processing records
(dossier_events). Each becomes a source of its own, read in DuckDB: the JSON reader reads only
the mapped fields, nested arrays as lists of structs, which list functions and unnest take
apart; there is no Python loop per record. Every mapping
below yields a canonical column as text, so the common parsing, checks and rejections apply
unchanged; the README's "The portal's sync format" is rendered from these declarations.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from etl import parse
from etl.sources.paths import exact

# A wrapped file is one JSON object: the default limit of 16 MB would refuse a large export.
MAX_OBJECT_BYTES = 1 << 30

# TrangThaiHoSo and the history's TrangThai share the portal's list of dossier statuses.
STATUS_NAMES = {
    "1": "Mới đăng ký", "2": "Được tiếp nhận", "3": "Không được tiếp nhận", "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ", "6": "Yêu cầu thực hiện nghĩa vụ tài chính", "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý", "9": "Đã xử lý xong", "10": "Đã trả kết quả",
}
# The contract has no status before receipt: a dossier just registered online is `received`, with no received_at yet.
STATUSES = {"1": "received", "2": "received", "3": "rejected", "4": "processing", "5": "supplement_requested",
            "6": "processing", "7": "withdrawn", "8": "stopped", "9": "finished", "10": "returned"}
# History entries. 1 (registered, not yet received) is no processing record: the submission is submitted_at.
EVENTS = {"2": "received", "3": "rejected", "4": "transferred", "5": "supplement_requested", "6": "transferred",
          "7": "withdrawn", "8": "stopped", "9": "finished", "10": "returned"}
NOT_AN_EVENT = ("1",)
# Processing that goes on right after a supplement request means the citizen supplied what was asked.
RESUMED = ("2", "4", "6")
# The channel codes 1, 2, 3 are aliases of the contract's channel column itself.
CHANNEL_NAMES = {"1": "direct (trực tiếp)", "2": "online (trực tuyến)", "3": "postal (bưu chính công ích)"}
PAID_CODES = ("1", "2")  # 1 paid on the national portal, 2 on the province's payment gateway

# Portal fields that hold a citizen's personal data, besides any the generic rule names (files.is_personal).
PERSONAL_FIELDS = frozenset({"ChuHoSo", "SoGiayToChuHoSo", "DinhDanhCHS", "SoDinhDanh", "SoCMND", "SoDienThoai",
                             "Email", "Fax", "MaDoiTuong", "NgaySinhChuHoSo"})
PERSONAL_PREFIXES = ("DiaChi",)

# The record as read: every field the mappings use, nested arrays as lists of the items' fields used.
RECORD = {
    **{f: "VARCHAR" for f in ("MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
                              "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo", "DuocThanhToanTrucTuyen",
                              "HoSoCoThanhPhanSoHoa", "MaKetQua", "DuongDanTepTinKetQua",
                              "TaiKhoanDuocXacThucVoiVNeID")},
    "DanhSachPhiLePhi": [{"Gia": "VARCHAR"}],
    "DanhSachLePhi": [{"Gia": "VARCHAR"}],
    "TaiLieuNop": [{"DuocSoHoa": "VARCHAR", "DuocTaiSuDung": "VARCHAR", "DuocLayTuKhoDMQG": "VARCHAR"}],
    "DanhSachGiayToKetQua": [{"MaGiayToKetQua": "VARCHAR", "MaKetQua": "VARCHAR", "DuongDanTepTinKetQua": "VARCHAR"}],
    "QuaTrinhXuLy": [{"TrangThai": "VARCHAR", "ThoiDiemXuLy": "VARCHAR"}],
    "DanhSachTrangThai": [{"TrangThai": "VARCHAR", "ThoiDiemXuLy": "VARCHAR"}],
}
# The processing records need only the dossier, its unit and its history.
HISTORY_RECORD = {k: RECORD[k] for k in ("MaHoSo", "MaDonVi", "QuaTrinhXuLy", "DanhSachTrangThai")}


def _map(pairs: dict[str, str]) -> str:
    return "map {" + ", ".join(f"{parse.literal(k)}: {parse.literal(v)}" for k, v in pairs.items()) + "}"


PORTAL_TIME_FORMATS = "['%Y%m%d%H%M%S', '%Y%m%d']"


def time_text(value: str) -> str:
    """Return the portal time `value` as text the parser reads: `yyyyMMddHHmmss` (or `yyyyMMdd`) as ISO, else as written."""
    return f"coalesce(strftime(try_strptime(trim({value}), {PORTAL_TIME_FORMATS}), '%Y-%m-%d %H:%M:%S'), {value})"


def _timestamp(value: str) -> str:
    """Return the TIMESTAMP of a portal time: the portal's own form directly, any other through the common parser."""
    return f"coalesce(try_strptime(trim({value}), {PORTAL_TIME_FORMATS}), {parse.timestamp_expr(value)})"


def _code(value: str) -> str:
    """Return a portal code as compared with the code lists: trimmed, a JSON number's text as it is."""
    return f"trim({value})"


def _coded(value: str, codes: dict[str, str]) -> str:
    """Return the canonical value of a portal code; an unknown code stays as written, for the parser to reject."""
    return f"coalesce({_map(codes)}[{_code(value)}], {value})"


def _read_items(items: str, value) -> str:
    """Return the SQL list of {text, value} for the non-blank texts of the SQL list `items`, `value(x)` parsing one.

    Each item is parsed once: the callers bind the list to a lambda's name rather than repeating it.
    """
    return (f"list_transform(list_filter({items}, x -> {parse.present('x')}),"
            f" x -> {{'text': x, 'value': {value('x')}}})")


def _unread(items: str) -> str:
    """Return the texts of the {text, value} list `items` whose value did not parse, joined by '; '."""
    return f"array_to_string(list_transform(list_filter({items}, i -> i.value is null), i -> i.text), '; ')"


def _any_true(items: str) -> str:
    """Return 'true' when some flag of the SQL list `items` is true, 'false' when all are false, null when none is given.

    A flag that is no boolean makes the result the unreadable flags as written, which the parser rejects.
    """
    return (f"list_transform([{_read_items(items, parse.bool_expr)}], fs ->"
            f" case when len(fs) = 0 then null"
            f" when list_bool_or(list_transform(fs, i -> i.value is null)) then {_unread('fs')}"
            f" when list_bool_or(list_transform(fs, i -> i.value)) then 'true' else 'false' end)[1]")


def _fee_total() -> str:
    fees = "coalesce(r.DanhSachPhiLePhi, r.DanhSachLePhi)"
    prices = _read_items(f"list_transform({fees}, f -> f.Gia)", parse.number_expr)
    # One price is passed on as written, so that a rejection shows it so.
    return (f"case when {fees} is not null then list_transform([{prices}], ps ->"
            f" case when list_bool_or(list_transform(ps, i -> i.value is null)) then {_unread('ps')}"
            f" when len(ps) = 1 then ps[1].text"
            f" else coalesce(list_sum(list_transform(ps, i -> i.value)), 0)::varchar end)[1] end")


def _paid_online() -> str:
    value = _code("r.DuocThanhToanTrucTuyen")
    return (f"case when {value} in ({', '.join(parse.literal(c) for c in PAID_CODES)}) then 'true'"
            f" when regexp_full_match({value}, '\\d+') then 'false' else r.DuocThanhToanTrucTuyen end")


def _result_file() -> str:
    results = "r.DanhSachGiayToKetQua"
    complete = (f"list_filter({results}, g -> {parse.present('coalesce(g.MaGiayToKetQua, g.MaKetQua)')}"
                f" and {parse.present('g.DuongDanTepTinKetQua')})")
    top = f"{parse.present('r.MaKetQua')} and {parse.present('r.DuongDanTepTinKetQua')}"
    return (f"case when {results} is null and r.MaKetQua is null and r.DuongDanTepTinKetQua is null then null"
            f" when {top} or len({complete}) > 0 then 'true' else 'false' end")


def _documents(item: str) -> str:
    """Return the SQL list of `item`, an expression over one document `t`, for every document of TaiLieuNop[]."""
    return f"coalesce(list_transform(r.TaiLieuNop, t -> {item}), [])"


HISTORY = "coalesce(r.QuaTrinhXuLy, r.DanhSachTrangThai)"
# Times whose latest is the record's last change; a due date is no change.
CHANGE_TIMES = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra")


def _updated_at() -> str:
    times = ", ".join(_timestamp(f"r.{f}") for f in CHANGE_TIMES)
    history = f"list_max(list_transform({HISTORY}, h -> {_timestamp('h.ThoiDiemXuLy')}))"
    return f"greatest({times}, {history})::varchar"


@dataclass(frozen=True)
class Mapping:
    """How one canonical column comes from the portal's fields: `sql` is its text over the record struct `r`."""

    column: str
    fields: str  # the portal fields read, as the README names them
    rule: str
    sql: str


DOSSIERS = (
    Mapping("dossier_code", "`MaHoSo`", "as written", "r.MaHoSo"),
    Mapping("procedure_code", "`MaTTHC`", "as written", "r.MaTTHC"),
    Mapping("unit_code", "`MaDonVi`", "the receiving unit's code, as written", "r.MaDonVi"),
    Mapping("channel", "`KenhThucHien`", ", ".join(f"{k} {v}" for k, v in CHANNEL_NAMES.items()), "r.KenhThucHien"),
    Mapping("submitted_at", "`NgayNopHoSo`", "a portal time (below)", time_text("r.NgayNopHoSo")),
    Mapping("received_at", "`NgayTiepNhan`", "a portal time", time_text("r.NgayTiepNhan")),
    Mapping("due_at", "`NgayHenTra`", "a portal time", time_text("r.NgayHenTra")),
    Mapping("finished_at", "`NgayKetThucXuLy`", "a portal time", time_text("r.NgayKetThucXuLy")),
    Mapping("returned_at", "`NgayTra`", "a portal time", time_text("r.NgayTra")),
    Mapping("status", "`TrangThaiHoSo`", "the status code, by the list below", _coded("r.TrangThaiHoSo", STATUSES)),
    Mapping("synced_to_portal", "—", "true: every record of the portal's sync file reached the portal", "'true'"),
    Mapping("fee_total", "`DanhSachPhiLePhi[].Gia` (or `DanhSachLePhi[].Gia`)",
            "the sum of the prices (`50000` or `50.000`); an empty list is 0, no list unknown", _fee_total()),
    Mapping("paid_online", "`DuocThanhToanTrucTuyen`",
            "true for 1 (on the national portal) or 2 (on the province's gateway), false for any other code",
            _paid_online()),
    Mapping("components_digitized", "`HoSoCoThanhPhanSoHoa`, `TaiLieuNop[].DuocSoHoa`",
            "true when `HoSoCoThanhPhanSoHoa` = 1 or some document has `DuocSoHoa` = 1; false when all are 0",
            _any_true(f"[r.HoSoCoThanhPhanSoHoa] || {_documents('t.DuocSoHoa')}")),
    Mapping("result_file_attached", "`MaKetQua` and `DuongDanTepTinKetQua` (also as `DanhSachGiayToKetQua[]` with "
            "`MaGiayToKetQua`)", "true when an electronic result has both a code and a file link; false when none "
            "has both", _result_file()),
    Mapping("reused_digitized_data", "`TaiLieuNop[].DuocTaiSuDung`",
            "true when some document has `DuocTaiSuDung` = 1, or 2 (reused and replaced by a result code); false when "
            "all have 0", _any_true(_documents("case when trim(t.DuocTaiSuDung) = '2' then '1' else t.DuocTaiSuDung end"))),
    Mapping("from_personal_store", "`TaiLieuNop[].DuocLayTuKhoDMQG`",
            "true when some document has `DuocLayTuKhoDMQG` = 1 (taken from the citizen's data store on the portal); "
            "false when all have 0", _any_true(_documents("t.DuocLayTuKhoDMQG"))),
    Mapping("population_data_used", "`TaiKhoanDuocXacThucVoiVNeID`",
            "true for 1 (the citizen's account was verified with VNeID, against the population database), false for 0",
            _any_true("[r.TaiKhoanDuocXacThucVoiVNeID]")),
    Mapping("updated_at", "`NgayNopHoSo`, `NgayTiepNhan`, `NgayKetThucXuLy`, `NgayTra`, `QuaTrinhXuLy[].ThoiDiemXuLy`",
            "the latest of these times: a later sync of the dossier has moved on, and replaces the stored one",
            _updated_at()),
)

# Over one history entry `h` of record `r`, its 1-based position `seq` and the previous entry's code `previous`.
DOSSIER_EVENTS = (
    Mapping("dossier_code", "`MaHoSo`", "the record's dossier", "r.MaHoSo"),
    Mapping("seq", "position in `QuaTrinhXuLy[]` (or `DanhSachTrangThai[]`)",
            "1 for the first entry; entries left out (code 1) leave their number unused", "seq::varchar"),
    Mapping("event", "`QuaTrinhXuLy[].TrangThai`",
            "the status code, by the list below; 2, 4 or 6 right after a 5 is `supplement_completed`",
            f"case when {_code('h.TrangThai')} in ({', '.join(map(parse.literal, RESUMED))}) and previous = '5'"
            f" then 'supplement_completed' else {_coded('h.TrangThai', EVENTS)} end"),
    Mapping("at", "`QuaTrinhXuLy[].ThoiDiemXuLy`", "a portal time", time_text("h.ThoiDiemXuLy")),
    Mapping("unit_code", "`MaDonVi`", "the record's receiving unit", "r.MaDonVi"),
)

MAPPINGS = {"dossiers": DOSSIERS, "dossier_events": DOSSIER_EVENTS}
# The fields a portal file must have (`MaHoSo` is what makes it one): without them no row could load.
REQUIRED_FIELDS = ("MaHoSo", "MaTTHC", "MaDonVi")
# A history entry's line is its record's number times this, plus its position: a portal history has tens of entries.
ENTRY_LINES = 1000


@dataclass(frozen=True)
class Layout:
    """A portal file's shape: `wrapper` names the member holding the records of a wrapped file; `fields` their fields."""

    wrapper: str | None
    fields: tuple[str, ...]


def layout(con: duckdb.DuckDBPyConnection, path) -> Layout | None:
    """Return the file's portal layout, or None when the file is JSON of another kind.

    Records have `MaHoSo` at the top; a wrapped file is one object with a member that is an array of such records.
    The fields are those of the reader's sample (the first 20,480 records): only the mapped fields are ever read,
    so the others serve only the summary's lists of dropped and ignored fields. Types deeper than a wrapped record's
    own fields are left undetected: only names are needed, and a large wrapped file is described several times faster.
    """
    describe = ("describe select * from read_json($path, maximum_depth = 3, "
                f"maximum_object_size = {MAX_OBJECT_BYTES})")
    columns = con.execute(describe, {"path": exact(path)}).fetchall()
    names = [c[0] for c in columns]
    if "MaHoSo" in names:
        return Layout(None, tuple(names))
    for name, type_, *_ in columns:
        if type_.startswith("STRUCT(") and type_.endswith("[]"):
            # Unnesting a typed null struct names its fields without reading anything.
            fields = tuple(f[0] for f in con.execute(f"describe select unnest(null::{type_[:-2]})").fetchall())
            if "MaHoSo" in fields:
                return Layout(name, fields)
    return None


def is_personal(field: str) -> bool:
    """Return whether a portal field holds a citizen's personal data."""
    return field in PERSONAL_FIELDS or field.startswith(PERSONAL_PREFIXES)


def _sql_type(spec) -> str:
    """Return the DuckDB type of a RECORD entry: a type name, a list of one item spec, or a dict of fields."""
    if isinstance(spec, list):
        return _sql_type(spec[0]) + "[]"
    if isinstance(spec, dict):
        return "STRUCT(" + ", ".join(f"{_quote(k)} {_sql_type(v)}" for k, v in spec.items()) + ")"
    return spec


def _records(found: Layout, fields: dict) -> str:
    """Return the subquery of the file's records as (line = the record's number, r = a struct of `fields`), reading $path.

    The fields are typed as they are read (a number read as VARCHAR is its text); no other field is read.
    """
    if found.wrapper is None:
        columns = "{" + ", ".join(f"{parse.literal(k)}: {parse.literal(_sql_type(v))}" for k, v in fields.items()) + "}"
        # A window without order numbers the records as the reader yields them, which is the file's order.
        return (f"(select row_number() over () as line, t as r"
                f" from read_json($path, columns = {columns}, maximum_object_size = {MAX_OBJECT_BYTES}) t)")
    # A wrapped file is one JSON value: transformed whole from its text, it is parsed once (the JSON reader
    # is several times slower on one large value).
    wrapper = parse.literal(json.dumps({found.wrapper: [fields]}))
    return (f"(select unnest(generate_series(1, len(items))) as line, unnest(items) as r"
            f" from (select json_transform(content, {wrapper}).{_quote(found.wrapper)} as items from read_text($path)))")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relation(entity: str, found: Layout) -> str:
    """Return the SQL subquery of the entity's rows in the portal file bound as $path: `line` and each column as text.

    Both steps are materialised CTEs. The records: a wrapped file's come from one value, and the mappings would
    otherwise run on a single thread. The rows: the parser names each column several times, and DuckDB would
    otherwise compute a column's expression, list functions included, once for every mention.
    """
    fields = RECORD if entity == "dossiers" else HISTORY_RECORD
    return (f"(with records as materialized {_records(found, fields)}, staged as materialized {_rows(entity)}"
            " select * from staged)")


def _rows(entity: str) -> str:
    """Return the subquery of the entity's rows over the CTE `records`."""
    columns = ", ".join(f"{m.sql} as {_quote(m.column)}" for m in MAPPINGS[entity])
    if entity == "dossiers":
        return f"(select line, {columns} from records)"
    entries = f"select line, r, unnest({HISTORY}) as h, unnest(generate_series(1, len({HISTORY}))) as seq from records"
    previous = "lag(trim(h.TrangThai)) over (partition by line order by seq) as previous"
    not_events = ", ".join(map(parse.literal, NOT_AN_EVENT))
    # The loader tells rows apart by line: an entry's is its record's number and its own position, 7002 for 7's second.
    return (f"(select line * {ENTRY_LINES} + seq as line, {columns} from (select *, {previous} from ({entries}))"
            f" where trim(h.TrangThai) is null or trim(h.TrangThai) not in ({not_events}))")


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def mapping_table() -> str:
    """Return the README's tables of the portal's sync format: every mapping, then the status codes."""
    lines = [_row("portal field", "canonical column", "rule"), "|---|---|---|"]
    for entity, mappings in MAPPINGS.items():
        lines += [_row(m.fields, f"`{entity}.{m.column}`", m.rule) for m in mappings]
    lines += ["", _row("code", "TrangThaiHoSo / TrangThai", "`dossiers.status`", "`dossier_events.event`"),
              "|---|---|---|---|"]
    for code, name in STATUS_NAMES.items():
        event = f"`{EVENTS[code]}`" if code in EVENTS else "— (left out)"
        if code in RESUMED:
            event += "; `supplement_completed` right after a 5"
        lines.append(_row(code, name, f"`{STATUSES[code]}`", event))
    return "\n".join(lines) + "\n"
