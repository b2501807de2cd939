"""The query layer's one entry: run SQL with bound parameters on a fresh read-only connection."""
from __future__ import annotations

import pandas as pd

import db


def frame(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Return the result of `sql` as a DataFrame; each call opens a read-only connection, so it sees the last
    published data."""
    con = db.connect(read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def value(sql: str, params: list | dict | None = None):
    """Return the first column of the first row of `sql`, or None when it returns no row."""
    result = frame(sql, params)
    if result.empty:
        return None
    item = result.iloc[0, 0]
    return None if pd.isna(item) else item


def as_of() -> pd.Timestamp | None:
    """Return the moment the data describes: the finish time of the last successful load, or None."""
    return value("select max(finished_at) from load_runs where status = 'ok'")
