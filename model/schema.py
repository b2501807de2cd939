"""Create what a database needs: every table and view of the declarations, and the official units on a new one."""
from __future__ import annotations

import duckdb

from model import entities, units


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that is missing, and install the official units on a new database."""
    for statement in (*entities.ddl(), *entities.ADDED_COLUMNS):
        con.execute(statement)
    if not con.execute("select count(*) from units where kind = 'province'").fetchone()[0]:
        units.install_official(con)
