"""The one place a DuckDB connection is opened, and where the schema is created."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import settings


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Return a connection to the database at `path` (default: the `db` setting), schema ensured unless read-only."""
    path = Path(settings.get("db", path and str(path)))
    config = {}
    for name in ("threads", "memory_limit"):
        if settings.get(name):
            config[name] = settings.get(name)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    con.execute("set TimeZone = ?", [settings.get("timezone")])
    if not read_only:
        ensure_schema(con)
    return con


@contextmanager
def writing(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield the connection every command that changes the database writes through, and close it after."""
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that is missing, and install the official units on a new database."""
    from etl import entities, units

    for statement in entities.ddl():
        con.execute(statement)
    if not con.execute("select count(*) from units where kind = 'province'").fetchone()[0]:
        units.install_official(con)
