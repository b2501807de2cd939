"""Readers for tests that call pages, callbacks and exports directly: `reading_as(role, unit)` runs the block
inside a request signed in with that role and unit, as the dashboard's guard would have let it through."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import flask

from access import store, web
from access.scope import Scope

_APP = flask.Flask("kpi766-tests")


def dashboard():
    """Return the one Dash app the test process serves requests with: the one `app.py` builds when imported. The
    pages' callbacks go to the first app that serves a request (Dash moves them from its global list), so every
    test that posts callbacks shares it."""
    import app

    return app.app


@contextmanager
def reading_as(role: str = "admin", unit_code: str | None = None) -> Iterator[Scope]:
    """Run the block as a signed-in reader of `role` for `unit_code` (none for an admin); yield their scope."""
    user = store.User(f"test-{role}", role, unit_code, None, False)
    with _APP.test_request_context("/"):
        flask.g._login_user = web.Reader(user, "test-session")
        yield user.scope()
