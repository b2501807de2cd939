"""The audit: who signed in (or failed to), who was refused, who viewed or downloaded which unit's dossiers.

`record(event, **fields)` adds a row with the time, the reader (account, role, scope) and address of the current
request, and the target: unit_code, period, indicator, export, n_rows, detail. Append-only; admins read it on
the data page and download it.
"""
from __future__ import annotations

import pandas as pd

from . import store

EVENTS = ("sign_in", "sign_in_failed", "sign_in_throttled", "sign_out", "refused", "view", "download")


def _reader() -> tuple[str | None, str | None, str | None, str | None]:
    try:
        import flask
        from flask_login import current_user

        address = flask.request.remote_addr
    except (RuntimeError, ImportError):  # outside a request: a command on the server
        return None, None, None, None
    if getattr(current_user, "is_authenticated", False):
        return current_user.name, current_user.role, str(current_user.scope()), address
    return None, None, None, address


def record(event: str, user_name: str | None = None, **fields) -> None:
    """Append an audit row for `event` (one of EVENTS) with the current request's reader and `fields`."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; events: {', '.join(EVENTS)}")
    name, role, scope, address = _reader()
    store.append_audit(event, user_name or name, role, scope, address, **fields)


def frame(limit: int | None = None) -> pd.DataFrame:
    """Return the audit, the latest first: id, at, event, user_name, role, scope, address, unit_code, period,
    indicator, export, n_rows, detail."""
    columns = ["id", "at", "event", "user_name", "role", "scope", "address", *store.AUDIT_FIELDS]
    return pd.DataFrame(store.audit_rows(limit), columns=columns)
