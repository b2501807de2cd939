"""The National Public Service Portal's sync format (Cổng Dịch vụ công quốc gia): dossier records in its field names.

A portal file is JSON — an array of records, JSON Lines, or an object wrapping an array of
records — recognised by the records' `MaHoSo` field, whatever the file's name. One file holds
two entities: the dossiers, and in each record's status history their processing records
(dossier_events). Each becomes a source of its own, read in DuckDB: nested arrays are taken
apart with json_transform and list functions, never a Python loop per record. Every mapping
below yields a canonical column as text, so the common parsing, checks and rejections apply
unchanged; the README's "The portal's sync format" is rendered from these declarations.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from etl import parse

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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _map(pairs: dict[str, str]) -> str:
    return "map {" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in pairs.items()) + "}"


def _codes(codes) -> str:
    return "[" + ", ".join(_literal(c) for c in codes) + "]"


def time_text(value: str) -> str:
    """Return the portal time `value` as text the parser reads: `yyyyMMddHHmmss` (or `yyyyMMdd`) as ISO, else as written."""
    return f"coalesce(strftime(try_strptime(trim({value}), ['%Y%m%d%H%M%S', '%Y%m%d']), '%Y-%m-%d %H:%M:%S'), {value})"


def _code(value: str) -> str:
    """Return a portal code as compared with the code lists: trimmed, a JSON number's text as it is."""
    return f"trim({value})"


def _coded(value: str, codes: dict[str, str]) -> str:
    """Return the canonical value of a portal code; an unknown code stays as written, for the parser to reject."""
    return f"coalesce({_map(codes)}[{_code(value)}], {value})"


def _any_true(items: str) -> str:
    """Return 'true' when some flag of the SQL list `items` is true, 'false' when all are false, null when none is given.

    A flag that is no boolean makes the result the unreadable flags as written, which the parser rejects.
    """
    given = f"list_filter({items}, x -> nullif(trim(x), '') is not null)"
    bad = f"list_filter({given}, x -> ({parse.bool_expr('x')}) is null)"
    return (f"case when len({given}) = 0 then null"
            f" when len({bad}) > 0 then array_to_string({bad}, '; ')"
            f" when list_bool_or(list_transform({given}, x -> {parse.bool_expr('x')})) then 'true' else 'false' end")


def _fee_total() -> str:
    fees = "coalesce(r.DanhSachPhiLePhi, r.DanhSachLePhi)"
    prices = f"list_filter(list_transform({fees}, f -> f.Gia), g -> nullif(trim(g), '') is not null)"
    bad = f"list_filter({prices}, g -> ({parse.number_expr('g')}) is null)"
    # One price is passed on as written, so that a rejection shows it so.
    return (f"case when {fees} is null then null"
            f" when len({bad}) > 0 then array_to_string({bad}, '; ')"
            f" when len({prices}) = 1 then {prices}[1]"
            f" else coalesce(list_sum(list_transform({prices}, g -> {parse.number_expr('g')})), 0)::varchar end")


def _paid_online() -> str:
    value = _code("r.DuocThanhToanTrucTuyen")
    return (f"case when {value} in ({', '.join(_literal(c) for c in PAID_CODES)}) then 'true'"
            f" when regexp_full_match({value}, '\\d+') then 'false' else r.DuocThanhToanTrucTuyen end")


def _present(value: str) -> str:
    return f"(nullif(trim({value}), '') is not null)"


def _result_file() -> str:
    results = "r.DanhSachGiayToKetQua"
    complete = (f"list_filter({results}, g -> {_present('coalesce(g.MaGiayToKetQua, g.MaKetQua)')}"
                f" and {_present('g.DuongDanTepTinKetQua')})")
    top = f"{_present('r.MaKetQua')} and {_present('r.DuongDanTepTinKetQua')}"
    return (f"case when {results} is null and r.MaKetQua is null and r.DuongDanTepTinKetQua is null then null"
            f" when {top} or len({complete}) > 0 then 'true' else 'false' end")


def _documents(item: str) -> str:
    """Return the SQL list of `item`, an expression over one document `t`, for every document of TaiLieuNop[]."""
    return f"coalesce(list_transform(r.TaiLieuNop, t -> {item}), [])"


HISTORY = "coalesce(r.QuaTrinhXuLy, r.DanhSachTrangThai)"
# Times whose latest is the record's last change; a due date is no change.
CHANGE_TIMES = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra")


def _updated_at() -> str:
    times = ", ".join(parse.timestamp_expr(time_text(f"r.{f}")) for f in CHANGE_TIMES)
    history = f"list_max(list_transform({HISTORY}, h -> {parse.timestamp_expr(time_text('h.ThoiDiemXuLy'))}))"
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
            f"case when {_code('h.TrangThai')} in ({', '.join(map(_literal, RESUMED))}) and previous = '5'"
            f" then 'supplement_completed' else {_coded('h.TrangThai', EVENTS)} end"),
    Mapping("at", "`QuaTrinhXuLy[].ThoiDiemXuLy`", "a portal time", time_text("h.ThoiDiemXuLy")),
    Mapping("unit_code", "`MaDonVi`", "the record's receiving unit", "r.MaDonVi"),
)

MAPPINGS = {"dossiers": DOSSIERS, "dossier_events": DOSSIER_EVENTS}
# The fields a portal file must have (`MaHoSo` is what makes it one): without them no row could load.
REQUIRED_FIELDS = ("MaHoSo", "MaTTHC", "MaDonVi")
HISTORY_FIELDS = ("QuaTrinhXuLy", "DanhSachTrangThai")
ENTRY_LINES = 1000  # a history entry's line is its record's number times this, plus its position


@dataclass(frozen=True)
class Layout:
    """A portal file's shape: `wrapper` names the member holding the records of a wrapped file; `fields` their fields."""

    wrapper: str | None
    fields: tuple[str, ...]

    @property
    def entities(self) -> tuple[str, ...]:
        """Return the entities the file holds: dossier_events only when its records carry a status history."""
        if any(f in self.fields for f in HISTORY_FIELDS):
            return tuple(MAPPINGS)
        return ("dossiers",)


def layout(con: duckdb.DuckDBPyConnection, path) -> Layout | None:
    """Return the file's portal layout, or None when the file is JSON of another kind.

    Records have `MaHoSo` at the top; a wrapped file is one object with a member that is an array of such records.
    """
    describe = f"describe select * from read_json($path, sample_size = -1, maximum_object_size = {MAX_OBJECT_BYTES})"
    columns = con.execute(describe, {"path": str(path)}).fetchall()
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


def _records(found: Layout) -> str:
    """Return the subquery of the file's records as (line = the record's number, r = its struct), reading $path."""
    struct = _literal(json.dumps(RECORD))
    if found.wrapper is None:
        # A window without order numbers the records as the reader yields them, which is the file's order.
        return (f"(select row_number() over () as line, json_transform(json, {struct}) as r"
                f" from read_json_objects($path, maximum_object_size = {MAX_OBJECT_BYTES}))")
    member = _literal(found.wrapper)
    return (f"(select unnest(generate_series(1, len(items))) as line, json_transform(unnest(items), {struct}) as r"
            f" from (select {_quote(found.wrapper)} as items"
            f" from read_json($path, columns = {{{member}: 'JSON[]'}}, maximum_object_size = {MAX_OBJECT_BYTES})))")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relation(entity: str, found: Layout) -> str:
    """Return the SQL subquery of the entity's rows in the portal file bound as $path: `line` and each column as text."""
    columns = ", ".join(f"{m.sql} as {_quote(m.column)}" for m in MAPPINGS[entity])
    if entity == "dossiers":
        return f"(select line, {columns} from {_records(found)})"
    entries = (f"select line, r, unnest({HISTORY}) as h, unnest(generate_series(1, len({HISTORY}))) as seq"
               f" from {_records(found)}")
    previous = "lag(trim(h.TrangThai)) over (partition by line order by seq) as previous"
    not_events = ", ".join(map(_literal, NOT_AN_EVENT))
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
