"""The data contract as code: every input entity, its columns, key, checks, and the tables that hold them.

The loader, the demo generator, the sample files and the README's column tables all read
these declarations; the DDL below is generated from them. Adding a column means adding one
`Column` here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SQL_TYPES = {
    "text": "varchar",
    "enum": "varchar",
    "enum_list": "varchar[]",
    "bool": "boolean",
    "timestamp": "timestamp",
    "date": "date",
    "number": "double",
    "integer": "bigint",
}


@dataclass(frozen=True)
class Column:
    """One canonical column. `required`: the file must have it and every row a value for it."""

    name: str
    type: str
    help: str = ""
    required: bool = False
    values: tuple[str, ...] = ()  # the allowed values of an enum
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings of enum values

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Check:
    """A row rule: `fails` is a SQL condition over the parsed row `r`; true means the row is rejected."""

    column: str
    reason: str
    fails: str


@dataclass(frozen=True)
class Entity:
    name: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = ()
    file_words: tuple[str, ...] = ()  # words in a file name that name this entity, besides its name
    version: str | None = None  # a newer value replaces the stored row; without it the latest load wins
    # Join clauses on the parsed row `r` that the checks read, each matching at most one row:
    # all checks of a file then run in one pass over it.
    lookups: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _bools(*names: str, help: str = "") -> tuple[Column, ...]:
    return tuple(Column(n, "bool", help) for n in names)


LEVELS = ("province", "district", "commune")
LEVEL_ALIASES = {"tỉnh": "province", "cấp tỉnh": "province", "huyện": "district", "cấp huyện": "district",
                 "xã": "commune", "cấp xã": "commune"}



def valid_on(unit: str, day: str) -> str:
    """Return the SQL condition that the unit row aliased `unit` is valid on the SQL date `day` (open ends unbounded).

    Written as one `between` rather than with `or`, so that a join on it stays a hash join.
    """
    return f"{day} between coalesce({unit}.valid_from, date '0001-01-01') and coalesce({unit}.valid_to, date '9999-12-31')"


def _unit_on(day: str) -> str:
    """Return the lookup of the row's unit valid on `day`, as `u`: a reused code names another unit on other dates."""
    return f"left join unit_tree u on u.unit_code = r.unit_code and {valid_on('u', day)}"


UNKNOWN_UNIT = Check("unit_code", "unknown unit (no unit with this code is valid on that date)", "u.unit_code is null")


UNITS = Entity(
    "units",
    "one row per unit code and validity period",
    (
        Column("unit_code", "text", "official code: province 2 digits, district 3, commune 5; a department `<province>-<short>`", required=True),
        Column("name", "text", "Vietnamese name, with diacritics", required=True),
        Column("kind", "enum", "", required=True, values=("province", "district", "commune", "department"),
               aliases={"tỉnh": "province", "huyện": "district", "xã": "commune", "sở": "department",
                        "phường": "commune", "ward": "commune"}),
        Column("parent_code", "text", "null for a province; a department's parent is its province"),
        Column("valid_from", "date", "first day the unit exists (null: always)"),
        Column("valid_to", "date", "last day the unit exists (null: still exists)"),
        Column("offers_e_certified_copy", "bool", "the commune issues electronic certified copies (4.7)"),
    ),
    key=("unit_code", "valid_from"),
    checks=(
        Check("valid_to", "valid_to before valid_from", "r.valid_to < r.valid_from"),
        Check("parent_code", "a province has no parent", "r.kind = 'province' and r.parent_code is not null"),
        Check("parent_code", "missing parent_code", "r.kind <> 'province' and r.parent_code is null"),
        Check("parent_code", "unknown parent unit",
              "r.parent_code is not null and not exists (select 1 from units u where u.unit_code = r.parent_code)"),
    ),
    file_words=("unit", "donvi", "don_vi"),
)

PROCEDURES = Entity(
    "procedures",
    "one row per province and procedure",
    (
        Column("province_code", "text", "the province whose catalogue this is", required=True),
        Column("procedure_code", "text", "code in the national database (`1.001234`)", required=True),
        Column("name", "text", "name of the procedure", required=True),
        Column("field", "text", "lĩnh vực"),
        Column("levels", "enum_list", "implementing levels, separated by `,` `;` or `|`", values=LEVELS, aliases=LEVEL_ALIASES),
        Column("agency_code", "text", "the department that handles it, where one does"),
        Column("status", "enum", "", values=("public", "amended", "abolished"),
               aliases={"công khai": "public", "sửa đổi": "amended", "bãi bỏ": "abolished"}),
        Column("content_complete", "bool", "all mandatory parts published (1.3)"),
        Column("online_service", "enum", "none, partial (một phần) or full (toàn trình)", values=("none", "partial", "full"),
               aliases={"không": "none", "một phần": "partial", "toàn trình": "full", "0": "none", "1": "partial", "2": "full"}),
        *_bools("eligible_full_process", "fee_bearing", "payment_integrated", "requires_result_document", "targets_citizens"),
        Column("max_processing_days", "number", "statutory limit in working days"),
    ),
    key=("province_code", "procedure_code"),
    checks=(
        Check("province_code", "unknown province",
              "not exists (select 1 from units u where u.unit_code = r.province_code and u.kind = 'province')"),
        Check("agency_code", "unknown department",
              "r.agency_code is not null and not exists (select 1 from units u where u.unit_code = r.agency_code and u.kind = 'department')"),
        Check("max_processing_days", "negative max_processing_days", "r.max_processing_days < 0"),
    ),
    file_words=("procedure", "tthc", "thutuc", "thu_tuc"),
)

PROCEDURE_DECISIONS = Entity(
    "procedure_decisions",
    "one row per decision and procedure",
    (
        Column("province_code", "text", "", required=True),
        Column("procedure_code", "text", "", required=True),
        Column("decision_no", "text", "number of the publication decision", required=True),
        Column("decision_date", "date", "", required=True),
        Column("legal_effective_date", "date", "when the legal document takes effect"),
        Column("published_at", "timestamp", "when it was published on the national database"),
    ),
    key=("province_code", "procedure_code", "decision_no"),
    checks=(
        Check("procedure_code", "unknown procedure (not in the province's catalogue)",
              "not exists (select 1 from procedures p where p.province_code = r.province_code and p.procedure_code = r.procedure_code)"),
    ),
    file_words=("decision", "quyetdinh", "quyet_dinh"),
)

DOSSIER_STATUSES = ("received", "processing", "supplement_requested", "finished", "returned", "stopped", "rejected", "withdrawn")
EVENTS = ("received", "transferred", "supplement_requested", "supplement_completed", "finished", "returned", "stopped", "rejected", "withdrawn")

DOSSIERS = Entity(
    "dossiers",
    "one row per dossier",
    (
        Column("dossier_code", "text", "", required=True),
        Column("procedure_code", "text", "", required=True),
        Column("unit_code", "text", "the unit that received and handles it", required=True),
        Column("channel", "enum", "direct, online or postal", values=("direct", "online", "postal"),
               aliases={"trực tiếp": "direct", "trực tuyến": "online", "bưu chính": "postal", "1": "direct", "2": "online", "3": "postal"}),
        Column("submitted_at", "timestamp"),
        Column("received_at", "timestamp"),
        Column("due_at", "timestamp"),
        Column("finished_at", "timestamp", "end of processing"),
        Column("returned_at", "timestamp", "result handed to the citizen"),
        Column("status", "enum", "", values=DOSSIER_STATUSES),
        *_bools("synced_to_portal", help="synchronised to the national portal (1.4)"),
        Column("fee_total", "number", "VND; 0 = no fee"),
        *_bools("paid_online", help="paid on the national portal or the province's gateway"),
        *_bools("components_digitized", "result_file_attached", "reused_digitized_data", "from_personal_store", "population_data_used"),
        Column("rating", "enum", "", values=("satisfied", "unsatisfied"),
               aliases={"hài lòng": "satisfied", "không hài lòng": "unsatisfied"}),
        *_bools("has_complaint"),
        Column("updated_at", "timestamp", "the source's last change; a newer one replaces the stored dossier", required=True),
    ),
    key=("dossier_code",),
    checks=(
        UNKNOWN_UNIT,
        Check("procedure_code", "unknown procedure (not in the catalogue of the unit's province)",
              "u.unit_code is not null and p.procedure_code is null"),
        Check("finished_at", "received after finished", "r.received_at > r.finished_at"),
        Check("fee_total", "negative fee", "r.fee_total < 0"),
    ),
    file_words=("hoso", "ho_so", "dossier"),
    version="updated_at",
    # The province is the one of the unit valid on the received date: codes were reused by the reform.
    lookups=_unit_on("coalesce(r.received_at, r.submitted_at)::date")
    + " left join procedures p on p.province_code = u.province_code and p.procedure_code = r.procedure_code",
)

DOSSIER_EVENTS = Entity(
    "dossier_events",
    "one row per dossier and event sequence number",
    (
        Column("dossier_code", "text", "", required=True),
        Column("seq", "integer", "order of the event within its dossier", required=True),
        Column("event", "enum", "", required=True, values=EVENTS),
        Column("at", "timestamp", "", required=True),
        Column("unit_code", "text", "the unit that recorded the event"),
    ),
    key=("dossier_code", "seq"),
    checks=(
        Check("dossier_code", "unknown dossier", "not exists (select 1 from dossiers d where d.dossier_code = r.dossier_code)"),
        Check("unit_code", "unknown unit",
              "r.unit_code is not null and not exists (select 1 from units u where u.unit_code = r.unit_code)"),
    ),
    file_words=("event", "quatrinh", "qua_trinh", "xuly", "xu_ly"),
)

FEEDBACK = Entity(
    "feedback",
    "one row per feedback item",
    (
        Column("feedback_id", "text", "", required=True),
        Column("unit_code", "text", "", required=True),
        Column("category", "enum", "rules, staff or other", values=("rules", "staff", "other"),
               aliases={"quy định": "rules", "cán bộ": "staff", "khác": "other"}),
        Column("received_at", "timestamp", "", required=True),
        Column("due_at", "timestamp"),
        Column("handled_at", "timestamp"),
        Column("likes", "integer"),
        Column("dislikes", "integer"),
        *_bools("reraised"),
    ),
    key=("feedback_id",),
    checks=(
        UNKNOWN_UNIT,
        Check("handled_at", "received after handled", "r.received_at > r.handled_at"),
        Check("likes", "negative likes", "r.likes < 0"),
        Check("dislikes", "negative dislikes", "r.dislikes < 0"),
    ),
    file_words=("pakn", "phananh", "phan_anh"),
    lookups=_unit_on("r.received_at::date"),
)

NATIONAL_REPORT = Entity(
    "national_report",
    "one row per unit and reporting period",
    (
        Column("unit_code", "text", "", required=True),
        Column("period_start", "date", "", required=True),
        Column("period_end", "date", "", required=True),
        Column("dossiers_received", "integer", "", required=True),
    ),
    key=("unit_code", "period_start", "period_end"),
    checks=(
        UNKNOWN_UNIT,
        Check("period_end", "period_end before period_start", "r.period_end < r.period_start"),
        Check("dossiers_received", "negative dossiers_received", "r.dossiers_received < 0"),
    ),
    file_words=("baocao", "bao_cao", "report"),
    lookups=_unit_on("r.period_start"),
)

# The column of each entity naming the unit a row belongs to, as rejected_rows records it: a unit of either tree,
# or for a catalogue row its province.
UNIT_COLUMNS = {"procedures": "province_code", "procedure_decisions": "province_code"}

# In load order: each entity's checks may look up those before it.
ENTITIES = (UNITS, PROCEDURES, PROCEDURE_DECISIONS, DOSSIERS, DOSSIER_EVENTS, FEEDBACK, NATIONAL_REPORT)
BY_NAME = {e.name: e for e in ENTITIES}

# Source columns that hold a citizen's personal data: dropped when a file is staged.
PERSONAL_COLUMNS = frozenset({
    "applicant_name", "applicant", "full_name", "name_of_applicant", "citizen_name", "chu_ho_so", "chuhoso",
    "ho_ten", "hoten", "id_number", "national_id", "citizen_id", "cccd", "cmnd", "so_dinh_danh", "sodinhdanh",
    "so_cmnd", "socmnd", "phone", "phone_number", "mobile", "so_dien_thoai", "sodienthoai", "email",
    "address", "applicant_address", "dia_chi", "diachi", "birth_date", "date_of_birth", "ngay_sinh",
})

SYSTEM_TABLES = (
    """create table if not exists load_runs (
        load_id bigint, started_at timestamp, finished_at timestamp, source varchar,
        n_read bigint, n_loaded bigint, n_replaced bigint, n_unchanged bigint, n_rejected bigint, status varchar)""",
    """create table if not exists load_files (
        load_id bigint, path varchar, sha256 varchar, entity varchar,
        n_read bigint, n_loaded bigint, n_replaced bigint, n_unchanged bigint, n_rejected bigint)""",
    """create table if not exists rejected_rows (
        load_id bigint, entity varchar, file varchar, line bigint, "column" varchar, value varchar, reason varchar,
        unit_code varchar)""",
    # Per source database, table and entity: the last watermark value written, as the source writes it
    # (text, so that its type and time zone stay the source's own when it is sent back).
    """create table if not exists sync_state (
        source varchar, source_table varchar, entity varchar, watermark varchar, load_id bigint, synced_at timestamp)""",
    """create table if not exists unit_mapping (
        old_code varchar, new_code varchar, old_province_code varchar, new_province_code varchar,
        is_default boolean, divided boolean)""",
)

# Each unit with its province and district, whatever the depth of the tree on its dates.
# A parent is the unit with the parent code that was valid when the child began.
UNIT_TREE = f"""create or replace view unit_tree as
with recursive edges as (
    select c.unit_code, c.valid_from, c.valid_to, c.kind, c.name, c.parent_code,
           (select any_value(u.valid_from) from units u
             where u.unit_code = c.parent_code and {valid_on("u", "coalesce(c.valid_from, date '0001-01-01')")}) as parent_valid_from
    from units c
),
walk as (
    select unit_code, valid_from, unit_code as ancestor_code, valid_from as ancestor_valid_from, kind as ancestor_kind,
           parent_code, parent_valid_from, 0 as depth
    from edges
    union all
    select w.unit_code, w.valid_from, e.unit_code, e.valid_from, e.kind, e.parent_code, e.parent_valid_from, w.depth + 1
    from walk w
    join edges e on e.unit_code = w.parent_code and e.valid_from is not distinct from w.parent_valid_from
    where w.depth < 8
),
final as (
    select e.unit_code, e.valid_from, e.valid_to, e.kind, e.name, e.parent_code,
           any_value(w.ancestor_code) filter (where w.ancestor_kind = 'province') as province_code,
           any_value(w.ancestor_code) filter (where w.ancestor_kind = 'district') as district_code,
           max(w.depth) + 1 as level
    from edges e join walk w on w.unit_code = e.unit_code and w.valid_from is not distinct from e.valid_from
    group by all
)
select * from final"""


def unit_column(entity: Entity) -> str | None:
    """Return the column naming the unit a row of `entity` belongs to (None when its rows name none)."""
    column = UNIT_COLUMNS.get(entity.name, "unit_code")
    return column if column in entity.column_names else None


# Columns added to a table after databases were made with it; an older database gets them when it is opened.
ADDED_COLUMNS = (
    "alter table rejected_rows add column if not exists unit_code varchar",
)


def ddl() -> list[str]:
    """Return the statements that create every table and view, each `if not exists`."""
    statements = []
    for entity in ENTITIES:
        cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in entity.columns)
        statements.append(f"create table if not exists {entity.name} ({cols}, load_id bigint)")
    return [*statements, *SYSTEM_TABLES, UNIT_TREE]
