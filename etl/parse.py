"""Parsing text cells into typed values, as DuckDB SQL expressions.

Each `*_expr(col)` takes a SQL expression holding the cell (a quoted column name, trusted)
and returns a SQL expression of the typed value, or null when the cell is empty or does not
parse. The loader tells the two apart with `present(col)`: a present cell whose parsed value
is null is a bad row, never a silent null.

Already-typed columns (Parquet, JSON numbers) pass through `typed_expr` without a round trip
through text where the type fits.
"""
from __future__ import annotations

import unicodedata

from model.entities import Column

TRUE_WORDS = ("true", "1", "yes", "y", "có", "co", "x")
FALSE_WORDS = ("false", "0", "no", "n", "không", "khong")
# ISO 8601 with an offset or Z: converted to the session time zone (db.connect sets Asia/Ho_Chi_Minh).
_OFFSET = r"([zZ]|[+-]\d\d(:?\d\d)?)\s*$"
VN_DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S.%f", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
# Vietnamese numbers: dot groups thousands, comma marks decimals (`1.234.000`, `1.234,5`, `1234,5`).
_VN_NUMBER = r"^\s*[+-]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)\s*$"

TEXT_TYPES = ("VARCHAR",)


def literal(text: str) -> str:
    """Return `text` as a SQL string literal (for trusted declaration text only)."""
    return "'" + text.replace("'", "''") + "'"


def _strings(values) -> str:
    return ", ".join(literal(v) for v in values)


def cell(col: str) -> str:
    """Return an expression of the cell as text, null when empty or only whitespace."""
    return f"nullif(trim({col}), '')"


def present(col: str) -> str:
    """Return a condition true when the cell holds a value (not null, not blank)."""
    return f"({cell(col)} is not null)"


def word(col: str) -> str:
    """Return an expression of the cell as a lower-case NFC word, for booleans and enums."""
    return f"lower(nfc_normalize(trim({col})))"


def text_expr(col: str) -> str:
    """Return the cell as text, null when blank; the value itself is kept as written."""
    # Only a cell starting with a space or control character can be blank: trim just those.
    return f"case when ord({col}) > 32 or trim({col}) <> '' then {col} end"


def timestamp_expr(col: str) -> str:
    """Return a naive local TIMESTAMP from ISO 8601 (offsets converted) or `d/m/yyyy[ H:M[:S]]` text."""
    formats = "[" + _strings(VN_DATETIME_FORMATS) + "]"
    # The plain ISO cast is the fast path. Each branch trims with a different spelling: DuckDB hoists a
    # repeated expression out of its branches and would otherwise trim every cell.
    return (f"case when contains({col}, '/') then try_strptime(trim({col}), {formats})"
            f" when regexp_matches({col}, '{_OFFSET}') then try_cast(ltrim(rtrim({col})) as timestamptz)::timestamp"
            f" else coalesce(try_cast({col} as timestamp), try_cast(rtrim(ltrim({col})) as timestamp)) end")


def date_expr(col: str) -> str:
    """Return a DATE from the same texts as `timestamp_expr`, which must carry no time of day."""
    # A one-item list binds the parsed value to a name, so it is parsed once.
    return f"list_transform([{timestamp_expr(col)}], t -> case when t::time = time '00:00:00' then t::date end)[1]"


def _map(pairs: dict[str, str]) -> str:
    return "map {" + ", ".join(f"{literal(k)}: {v}" for k, v in pairs.items()) + "}"


def bool_expr(col: str) -> str:
    """Return a BOOLEAN from true/false, 1/0, yes/no, y/n, có/không, co/khong, x."""
    words = {**{w: "true" for w in TRUE_WORDS}, **{w: "false" for w in FALSE_WORDS}}
    # Exact common spellings first; the map lookup names the normalised cell once (see timestamp_expr).
    return (f"case {col} when 'true' then true when 'false' then false when '1' then true when '0' then false"
            f" else {_map(words)}[{word(col)}] end")


def number_expr(col: str) -> str:
    """Return a DOUBLE from `1234.5`, Vietnamese `1.234.567,5` / `50.000` or `1234,5`."""
    return (f"case when regexp_matches({col}, '{_VN_NUMBER}')"
            f" then try_cast(replace(replace(trim({col}), '.', ''), ',', '.') as double)"
            f" else try_cast({col} as double) end")


def integer_expr(col: str) -> str:
    """Return a BIGINT from any `number_expr` text whose value is whole."""
    return f"list_transform([{number_expr(col)}], n -> case when n = round(n) then n::bigint end)[1]"


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def _value_map(column: Column) -> dict[str, str]:
    """Return every accepted spelling (lower-case NFC) of the column's values, mapped to the value."""
    spellings = {_normal(v): v for v in column.values}
    spellings.update({_normal(k): v for k, v in column.aliases.items()})
    return spellings


def _enum_case(w: str, column: Column) -> str:
    whens = " ".join(f"when {literal(k)} then {literal(v)}" for k, v in _value_map(column).items())
    return f"case {w} {whens} end"


def enum_expr(col: str, column: Column) -> str:
    """Return the canonical value of an enum from its value or one of its aliases (case and NFC insensitive)."""
    exact = " ".join(f"when {literal(v)} then {literal(v)}" for v in column.values)
    spellings = {k: literal(v) for k, v in _value_map(column).items()}
    return f"case {col} {exact} else {_map(spellings)}[{word(col)}] end"


def enum_items(col: str) -> str:
    """Return the list of non-blank items of an enum list, split on `,` `;` or `|`, lower-case NFC."""
    return (f"list_filter(list_transform(string_split_regex({cell(col)}, '[,;|]'), x -> lower(nfc_normalize(trim(x)))),"
            f" x -> x <> '')")


def enum_list_expr(col: str, column: Column) -> str:
    """Return a VARCHAR[] of canonical values; null when any item is unknown."""
    items = enum_items(col)
    mapped = f"list_transform({items}, x -> {_enum_case('x', column)})"
    return f"case when list_bool_and(list_transform({mapped}, x -> x is not null)) then {mapped} end"


TEXT_PARSERS = {
    "text": text_expr,
    "timestamp": timestamp_expr,
    "date": date_expr,
    "bool": bool_expr,
    "number": number_expr,
    "integer": integer_expr,
}

# Source types that already hold the column's type: cast directly, no text round trip.
_TYPED = {
    "timestamp": ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE", "DATE"),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE"),
    "bool": ("BOOLEAN",),
    "number": ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER",
               "USMALLINT", "UTINYINT"),
    "integer": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT"),
}


def is_typed(column: Column, source_type: str) -> bool:
    """Return whether a source column of `source_type` already holds `column`'s type (or a lossless one)."""
    source_type = source_type.upper()
    return source_type in _TYPED.get(column.type, ()) or (column.type == "number" and source_type.startswith("DECIMAL"))


def parse_expr(column: Column, col: str, source_type: str = "VARCHAR") -> str:
    """Return the SQL expression of `column`'s typed value from source column `col` of `source_type`."""
    if is_typed(column, source_type):
        if column.type == "date" and source_type.upper() != "DATE":
            return f"case when {col}::time = time '00:00:00' then {col}::date end"
        return f"{col}::{column.sql_type}"
    text = col if source_type.upper() in TEXT_TYPES else f"{col}::varchar"
    if column.type == "enum":
        return enum_expr(text, column)
    if column.type == "enum_list":
        return enum_list_expr(text, column)
    return TEXT_PARSERS[column.type](text)


def source_present(col: str, source_type: str = "VARCHAR") -> str:
    """Return a condition true when source column `col` holds a value."""
    if source_type.upper() in TEXT_TYPES:
        return present(col)
    return f"({col} is not null)"


def source_missing(col: str, source_type: str = "VARCHAR") -> str:
    """Return a condition true when source column `col` is empty: `not source_present`, spelled differently so
    DuckDB does not hoist the shared trim out of the bad-row branch (see timestamp_expr)."""
    if source_type.upper() in TEXT_TYPES:
        return f"(coalesce(trim({col}), '') = '')"
    return f"({col} is null)"


def failure_reason(column: Column, col: str) -> str:
    """Return a SQL expression saying why the present value of source column `col` did not parse as `column`.

    An unknown enum value is named, with the allowed values.
    """
    if column.type in ("enum", "enum_list"):
        expected = literal(f"' for {column.name} (expected {', '.join(column.values)})")
        value = f"trim({col}::varchar)"
        if column.type == "enum_list":
            unknown = f"list_filter({enum_items(col + '::varchar')}, x -> ({_enum_case('x', column)}) is null)"
            value = f"array_to_string({unknown}, ', ')"
        return f"'unknown value ''' || {value} || {expected}"
    return literal(f"unparseable {'boolean' if column.type == 'bool' else column.type}")
