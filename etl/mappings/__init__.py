"""Mapping files: which source table, and which column or SQL expression of it, gives each canonical column.

A mapping is TOML, one section per entity (entities not named are not synced):

    [dossiers]
    table = "HoSo"              # the source table; `schema = "..."` when it is not in the default schema
    watermark = "NgayCapNhat"   # the source's last change; only rows at or after the stored one are pulled
    optional = false            # true: skip the entity when the source has no such table

    [dossiers.columns]
    dossier_code = "MaHoSo"                                        # a column, by its name in the source
    paid_online = { sql = '"DuocThanhToanTrucTuyen" in (1, 2)' }   # an SQL expression in the source's dialect

`watermark` defaults to the source of the entity's version column (dossiers: `updated_at`);
an entity with neither is pulled in full at every sync. Every value is read as text and then
parsed and checked exactly like a file's cell.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from model.entities import BY_NAME, ENTITIES, Entity
from etl.sources.files import is_personal, personal_in_sql

DIR = Path(__file__).resolve().parent
# The mapping used when none is given: a source whose tables use the national portal's field names.
DEFAULT = DIR / "portal.toml"
SECTION_KEYS = {"table", "schema", "watermark", "optional", "columns"}


class MappingError(Exception):
    """A mapping file the sync cannot use; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class Source:
    """Where one value comes from: a column of the source table by name, or an SQL expression over its row."""

    column: str | None = None
    sql: str | None = None

    def __str__(self) -> str:
        return self.column if self.column is not None else f"sql {self.sql!r}"


@dataclass(frozen=True)
class TableMapping:
    """One entity's section: its source table, the source of each canonical column it maps, and its watermark."""

    entity: Entity
    table: str
    schema: str | None
    columns: dict[str, Source]
    watermark: Source | None
    optional: bool = False

    @property
    def named_columns(self) -> dict[str, str]:
        """Return each source column named directly, with the mapping entry that names it (`dossiers.channel`)."""
        named = {s.column: f"{self.entity.name}.{name}" for name, s in self.columns.items() if s.column is not None}
        if self.watermark and self.watermark.column is not None:
            named.setdefault(self.watermark.column, f"{self.entity.name}.watermark")
        return named


@dataclass(frozen=True)
class Mapping:
    path: Path
    tables: tuple[TableMapping, ...]  # in load order: each entity's checks may look up those before it


def _source(value, where: str) -> Source:
    """Return the Source that a mapping value names: a column name, or a table {sql = "..."}."""
    if isinstance(value, str) and value.strip():
        if is_personal(value):
            raise MappingError(f"{where}: {value} holds a citizen's personal data; it is never read")
        return Source(column=value)
    if isinstance(value, dict) and set(value) == {"sql"} and isinstance(value["sql"], str) and value["sql"].strip():
        personal = personal_in_sql(value["sql"])
        if personal:
            raise MappingError(f"{where}: the expression reads {', '.join(personal)}, a citizen's personal data; "
                               "it is never read")
        return Source(sql=value["sql"].strip())
    raise MappingError(f"{where}: expected a column name or {{ sql = \"...\" }}, got {value!r}")


def _table(entity: Entity, section, path: Path) -> TableMapping:
    where = f"{path.name} [{entity.name}]"
    if not isinstance(section, dict):
        raise MappingError(f"{where}: expected a section")
    unknown = sorted(set(section) - SECTION_KEYS)
    if unknown:
        raise MappingError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                           f"(expected {', '.join(sorted(SECTION_KEYS))})")
    if not isinstance(section.get("table"), str) or not section["table"]:
        raise MappingError(f"{where}: `table` must name the source table")
    if not isinstance(section.get("columns"), dict):
        raise MappingError(f"{where}: expected a [{entity.name}.columns] section")
    columns = {}
    for name, value in section["columns"].items():
        if name not in entity.column_names:
            raise MappingError(f"{where}: {entity.name} has no column {name} "
                               f"(its columns: {', '.join(entity.column_names)})")
        columns[name] = _source(value, f"{where} {name}")
    missing = [c.name for c in entity.columns if c.required and c.name not in columns]
    if missing:
        raise MappingError(f"{where}: missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if "watermark" in section:
        watermark = _source(section["watermark"], f"{where} watermark")
    else:
        watermark = columns.get(entity.version) if entity.version else None
    return TableMapping(entity, section["table"], section.get("schema"), columns, watermark,
                        bool(section.get("optional", False)))


def read(path: str | Path | None = None) -> Mapping:
    """Return the mapping in the TOML file at `path` (default: portal.toml); raise MappingError when it is not usable."""
    path = Path(path) if path else DEFAULT
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise MappingError(f"{path}: cannot be read ({e.strerror or e})") from e
    except tomllib.TOMLDecodeError as e:
        raise MappingError(f"{path}: not valid TOML ({e})") from e
    unknown = sorted(set(data) - set(BY_NAME))
    if unknown:
        raise MappingError(f"{path.name}: unknown entit{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)} "
                           f"(expected {', '.join(BY_NAME)})")
    if not data:
        raise MappingError(f"{path.name}: maps no entity")
    return Mapping(path, tuple(_table(e, data[e.name], path) for e in ENTITIES if e.name in data))
