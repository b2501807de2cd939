"""Input files: finding them, naming their entity, reading their header, and staging their canonical columns.

A file is inspected first (format, entity, header, required columns, checksum) without
writing anything; only then is it staged. Staging selects the canonical columns by name, so
personal and other columns are never materialised. A JSON file in the national portal's sync
format holds two entities and is read by its own module (`portal`).
"""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import python_calamine

from model.entities import BY_NAME, ENTITIES, PERSONAL_COLUMNS, Entity
from etl.sources import portal
from etl.sources.paths import exact

FORMATS = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".parquet": "parquet",
           ".jsonl": "json", ".ndjson": "json", ".json": "json"}
# Words that mark a column as a citizen's personal data even when PERSONAL_COLUMNS does not list it.
PERSONAL_WORDS = ("applicant", "citizen", "phone", "email", "address", "cccd", "cmnd", "dinh_danh", "dien_thoai",
                  "dia_chi", "ho_ten", "hoten", "birth", "ngay_sinh", "passport", "ho_chieu")
# The same, and Vietnamese names of a person, with the words run together as camelCase headers write them.
PERSONAL_JOINED = ("dinhdanh", "dienthoai", "diachi", "hoten", "hovaten", "tennguoi", "ngaysinh", "hochieu")
# Abbreviations that name personal data only as a word of their own (SDT, SĐT: số điện thoại).
PERSONAL_ABBREVIATIONS = frozenset({"sdt", "dtdd", "cccd", "cmnd", "cmt"})


class FileError(Exception):
    """A file the load cannot use at all; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass
class SourceFile:
    """One inspected input file: its entity and how its header maps to the entity's columns."""

    path: Path
    format: str
    entity: Entity
    sha256: str
    columns: dict[str, tuple[str, str]]  # canonical name -> (source header, source type)
    personal: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    line_offset: int = 1  # added to the 1-based row number to give the reported line
    # For a file read by its own module: the SQL subquery of `line` and the columns as text, reading $path.
    relation: str | None = None

    @property
    def name(self) -> str:
        return str(self.path)


def unreadable(path: Path, fmt: str, error: Exception) -> FileError:
    """Return the FileError saying why the file cannot be read; text that is not UTF-8 gets its own advice."""
    message = str(error).splitlines()[0]
    if isinstance(error, UnicodeDecodeError) or "invalid UTF8" in message:
        return FileError(path, f"is not UTF-8 text ({message}); save it as UTF-8 (Excel: 'CSV UTF-8')")
    return FileError(path, f"cannot be read as {fmt}: {message}")


def discover(paths: list[str | Path]) -> list[Path]:
    """Return the files named by `paths`, folders expanded recursively to their supported files.

    A path that does not exist, or a file of an unsupported format named directly, raises FileError.
    """
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
        elif not path.exists():
            raise FileError(path, "no such file or folder")
        elif path.suffix.lower() not in FORMATS:
            raise FileError(path, f"unknown format {path.suffix or '(no extension)'!r} "
                                  f"(expected {', '.join(sorted(FORMATS))})")
        else:
            files.append(path)
    return files


def entity_for(path: Path, entity: str | None = None) -> Entity:
    """Return the entity named by `entity`, else the one whose name or file word is the longest match in the file's stem."""
    if entity:
        return BY_NAME[entity]
    stem = path.stem.lower()
    matches = [(len(w), e) for e in ENTITIES for w in (e.name, *e.file_words) if w in stem]
    if not matches:
        raise FileError(path, "cannot tell which entity this file holds from its name; "
                              f"use --entity ({', '.join(BY_NAME)}) or name it after one")
    return max(matches, key=lambda m: m[0])[1]


def normal_header(name: str) -> str:
    """Return a header as a plain snake_case word: BOM and diacritics removed, lower case."""
    name = name.replace("\ufeff", "").strip().lower().replace("đ", "d")
    name = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def header_words(name: str) -> list[str]:
    """Return a header's words, lower case without diacritics, splitting snake_case, spaces and camelCase
    ('TenNguoiNop' → ten, nguoi, nop; 'Họ và tên' → ho, va, ten)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
                    if not unicodedata.combining(c))
    return [w for w in normal_header(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", plain)).split("_") if w]


def is_personal(header: str) -> bool:
    """Return whether a source column holds a citizen's personal data, by its header: a known name, a word of one
    (also run together: 'hovaten', 'tennguoinop'), or an abbreviation standing as a word of its own ('SDT')."""
    word = normal_header(header)
    words = header_words(header)
    joined = "".join(words)
    return (word in PERSONAL_COLUMNS or any(w in word for w in PERSONAL_WORDS)
            or any(w in joined for w in PERSONAL_JOINED) or any(w in PERSONAL_ABBREVIATIONS for w in words))


# An SQL expression's string literals, then its identifiers (quoted or bare).
_LITERAL = re.compile(r"'(?:[^']|'')*'")
_IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|([^\W\d][\w]*)')


def personal_in_sql(sql: str) -> list[str]:
    """Return the identifiers of an SQL expression that name personal data (`upper("HoTenNguoiNop")` → HoTenNguoiNop)."""
    found = []
    for quoted, bare in _IDENTIFIER.findall(_LITERAL.sub("''", sql)):
        name = quoted.replace('""', '"') if quoted else bare
        if is_personal(name):
            found.append(name)
    return found


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _reader(fmt: str, columns: dict[str, str] | None = None) -> str:
    """Return the table function reading the Parquet or JSON file bound as parameter $path; JSON reads only `columns`, as text."""
    if fmt == "parquet":
        return "read_parquet($path, file_row_number = true)"
    if columns is None:
        return "read_json($path, sample_size = -1)"
    spec = "{" + ", ".join("'" + k.replace("'", "''") + "': 'VARCHAR'" for k in columns) + "}"
    return f"read_json($path, columns = {spec})"


def _xlsx_rows(path: Path) -> tuple[list[str], list[list[str | None]], int]:
    """Return the first sheet's header, its data rows as text, and the sheet row number of the header."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    start = next((i for i, r in enumerate(rows) if any(v not in ("", None) for v in r)), None)
    if start is None:
        return [], [], 1
    header = ["" if v is None else str(v) for v in rows[start]]
    return header, [[_xlsx_text(v) for v in r] for r in rows[start + 1:]], start + 1


def _xlsx_text(value) -> str | None:
    """Return a cell as the text a CSV export would hold (ISO dates, whole numbers without `.0`)."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


DELIMITERS = (",", ";", "\t", "|")


def _csv_header(path: Path) -> tuple[list[str], str]:
    """Return a CSV file's header cells and its delimiter: the one of DELIMITERS most frequent in the first line."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    if not first.strip():
        raise ValueError("the first line is empty; expected a header")
    delimiter = max(DELIMITERS, key=first.count)
    return next(csv.reader([first], delimiter=delimiter)), delimiter


def _csv_table(source: SourceFile) -> pa.Table:
    """Return the canonical columns of a CSV file as text, with `line`, read by Arrow in parallel, in file order.

    Only the canonical columns are read: personal columns never leave the file.
    """
    header, delimiter = _csv_header(source.path)
    picked = {src: name for name, (src, _) in source.columns.items()}
    table = pa_csv.read_csv(
        source.path,
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(include_columns=list(picked), column_types={c: pa.string() for c in picked},
                                              strings_can_be_null=False))
    lines = pa.array(range(source.line_offset + 1, source.line_offset + 1 + table.num_rows), pa.int64())
    # One chunk per column: DuckDB's parallel Arrow scan of columns chunked differently (Arrow reads a CSV in
    # blocks, `line` is one array) crashed the process now and then.
    return pa.table({"line": lines, **{picked[c]: table[c] for c in table.column_names}}).combine_chunks()


def _header(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> list[tuple[str, str]]:
    """Return the file's columns as (header, type); reading the header checks the file can be read."""
    if fmt == "xlsx":
        return [(h, "VARCHAR") for h in _xlsx_rows(path)[0]]
    if fmt == "csv":
        return [(h, "VARCHAR") for h in _csv_header(path)[0]]
    rows = con.execute(f"describe select * from {_reader(fmt)}", {"path": exact(path)}).fetchall()
    return [(r[0], r[1]) for r in rows if not (fmt == "parquet" and r[0] == "file_row_number")]


def inspect(con: duckdb.DuckDBPyConnection, path: Path, entity: str | None = None) -> SourceFile:
    """Return the inspected file; raise FileError when it cannot be read or lacks a required column."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileError(path, f"unknown format {path.suffix!r}")
    target = entity_for(path, entity)
    try:
        header = _header(con, path, fmt)
    except (duckdb.Error, python_calamine.CalamineError, OSError, ValueError, csv.Error) as e:
        raise unreadable(path, fmt, e) from e
    wanted = {c.lower(): c for c in target.column_names}
    columns, personal, ignored = {}, [], []
    for name, type_ in header:
        canonical = wanted.get(name.replace("\ufeff", "").strip().lower())
        if canonical and canonical in columns:
            raise FileError(path, f"two columns are named {canonical}")
        if canonical:
            columns[canonical] = (name, type_)
        elif is_personal(name):
            personal.append(name)
        else:
            ignored.append(name)
    missing = [c.name for c in target.columns if c.required and c.name not in columns]
    if missing:
        raise FileError(path, f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                              f"for {target.name}")
    offset = {"csv": 1, "xlsx": 1, "parquet": 0, "json": 0}[fmt]
    return SourceFile(path, fmt, target, sha256(path), columns, personal, ignored, offset)


def sources(con: duckdb.DuckDBPyConnection, path: Path, entity: str | None = None) -> list[SourceFile]:
    """Return the sources the file holds: a portal sync file's entities (see `portal`), or the one `inspect` finds.

    Raises FileError as `inspect` does, and when `entity` names one a portal file does not hold.
    """
    if FORMATS.get(path.suffix.lower()) == "json":
        try:
            found = portal.layout(con, path)
        except duckdb.Error as e:
            raise unreadable(path, "json", e) from e
        if found:
            return _portal_sources(path, found, entity)
    return [inspect(con, path, entity)]


def _portal_sources(path: Path, found: portal.Layout, entity: str | None) -> list[SourceFile]:
    """Return one source per entity of the portal file (only `entity`'s when given); raise FileError when one cannot load."""
    if entity and entity not in portal.MAPPINGS:
        raise FileError(path, f"is a portal sync file: it holds {' and '.join(portal.MAPPINGS)}, not {entity}")
    missing = [f for f in portal.REQUIRED_FIELDS if f not in found.fields]
    if missing:
        raise FileError(path, f"missing required field{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                              "of the portal's sync format")
    personal = [f for f in found.fields if portal.is_personal(f) or is_personal(f)]
    ignored = [f for f in found.fields if f not in portal.RECORD and f not in personal]
    digest = sha256(path)
    return [SourceFile(path, "portal JSON", BY_NAME[name], digest,
                       {m.column: (m.fields, "VARCHAR") for m in portal.MAPPINGS[name]}, personal, ignored, 0,
                       relation=portal.relation(name, found))
            for name in portal.MAPPINGS if entity in (None, name)]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Staged:
    """A staged file: `relation` is a SQL subquery with `line` and the canonical columns, `params` its bound values.

    `registered`: the name of an Arrow table registered on the connection for `relation`, to unregister after use.
    """

    relation: str
    params: dict[str, str]
    types: dict[str, str]  # canonical column -> staged type
    registered: str | None = None


def _xlsx_table(source: SourceFile) -> pa.Table:
    """Return the canonical columns of the first sheet as text, with `line` = the sheet row, empty rows left out."""
    header, rows, header_row = _xlsx_rows(source.path)
    index = {h: i for i, h in enumerate(header)}
    keep = [i for i, r in enumerate(rows) if any(v is not None for v in r)]
    return pa.table({"line": pa.array([header_row + 1 + i for i in keep], pa.int64()),
                     **{name: pa.array([rows[i][index[src]] if index[src] < len(rows[i]) else None for i in keep],
                                       pa.string())
                        for name, (src, _) in source.columns.items()}})


def stage(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str) -> Staged:
    """Stage the file's canonical columns (by canonical name), nothing else; return how to read them.

    Parquet is read in place with its types, `line` being the 1-based row number; JSON in place
    as text, `line` being the JSON line; CSV (`line`: the physical line, header = 1) and the
    first sheet of an xlsx file (`line`: the sheet row) become an Arrow table of text registered
    as `name`. A file read by its own module is staged by its `relation`.
    """
    if source.relation:
        return Staged(source.relation, {"path": exact(source.path)}, {col: "VARCHAR" for col in source.columns})
    picked = ", ".join(f"{_quote(src)} as {_quote(col)}" for col, (src, _) in source.columns.items())
    if source.format == "parquet":
        relation = f"(select file_row_number + 1 as line, {picked} from {_reader('parquet')})"
        return Staged(relation, {"path": exact(source.path)}, {n: t for n, (_, t) in source.columns.items()})
    text = {col: "VARCHAR" for col in source.columns}
    if source.format in ("csv", "xlsx"):
        con.register(name, _csv_table(source) if source.format == "csv" else _xlsx_table(source))
        return Staged(f"(select * from {name})", {}, text, registered=name)
    reader = _reader(source.format, {src: t for src, t in source.columns.values()})
    # A window without order numbers the rows as the reader yields them, which is the file's order.
    line = f"row_number() over () + {source.line_offset}"
    return Staged(f"(select {line} as line, {picked} from {reader})", {"path": exact(source.path)}, text)
