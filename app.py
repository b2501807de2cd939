"""The kpi766 dashboard: `python app.py [--db PATH]` serves it on HOST:PORT (default 127.0.0.1:8050)."""
from __future__ import annotations

import argparse
import os

from dash import Dash

import db
import settings
from dashboard import limits, shell


def create_app() -> Dash:
    """Return the Dash app: every page of dashboard/pages inside the shell (top bar, language switch, data as of)."""
    app = Dash(__name__, use_pages=True, pages_folder="dashboard/pages", title="Bộ chỉ số 766",
               serve_locally=True, update_title=None, suppress_callback_exceptions=True)
    # Each request reads one version of the database, even when a load publishes the next meanwhile.
    app.server.before_request(db.hold_version)
    app.server.teardown_request(db.release_version)
    app.server.config["MAX_CONTENT_LENGTH"] = limits.request_bytes()
    app.layout = shell.layout
    app.index_string = app.index_string.replace("<html>", '<html lang="vi">')
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")
    args = parser.parse_args()
    if args.db:
        os.environ["KPI766_DB"] = args.db
    create_app().run(host=settings.get("host"), port=int(settings.get("port")), debug=False)


if __name__ == "__main__":
    main()
