"""The kpi766 dashboard: `python app.py [--db PATH]` serves it on HOST:PORT (default 127.0.0.1:8050)."""
from __future__ import annotations

import argparse
import os

import dash
from dash import Dash, html

import db
import settings


def create_app() -> Dash:
    """Return the Dash app: a navigation bar built from the page registry above the current page."""
    app = Dash(__name__, use_pages=True, pages_folder="dashboard/pages", title="Bộ chỉ số 766",
               serve_locally=True, update_title=None)
    nav = [html.A(page["name"], href=page["relative_path"], className="nav-link")
           for page in dash.page_registry.values()]
    # Each request reads one version of the database, even when a load publishes the next meanwhile.
    app.server.before_request(db.hold_version)
    app.server.teardown_request(db.release_version)
    app.layout = html.Div([
        html.Header([html.Span("Bộ chỉ số 766", className="brand"), html.Nav(nav)], className="topbar"),
        html.Main(dash.page_container, className="content"),
    ])
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
