"""The kpi766 dashboard. `python app.py [--db PATH]` serves it with gunicorn on HOST:PORT (default 127.0.0.1:8050),
KPI766_WORKERS processes of KPI766_THREADS threads; `gunicorn 'app:server'` serves the same WSGI app."""
from __future__ import annotations

import argparse
import os

from dash import Dash
from gunicorn.app.base import BaseApplication

import access.web
import db
import settings
from dashboard import limits, shell


def create_app() -> Dash:
    """Return the Dash app: every page of dashboard/pages inside the shell (top bar, language switch, data as of).
    Nothing here opens the database: each worker opens its own on its first request."""
    app = Dash(__name__, use_pages=True, pages_folder="dashboard/pages", title="Bộ chỉ số 766",
               serve_locally=True, update_title=None, suppress_callback_exceptions=True)
    # Each request reads one version of the database, even when a load publishes the next meanwhile.
    app.server.before_request(db.hold_version)
    app.server.teardown_request(db.release_version)
    access.web.install(app)
    app.server.config["MAX_CONTENT_LENGTH"] = limits.request_bytes()
    app.layout = shell.layout
    app.index_string = app.index_string.replace("<html>", '<html lang="vi">')
    return app


app = create_app()
# The WSGI application, for gunicorn 'app:server' or any other WSGI server.
server = app.server


def workers() -> int:
    """Return the number of server processes: KPI766_WORKERS, else one per core."""
    return int(settings.get("workers") or os.cpu_count() or 1)


def threads() -> int:
    """Return the threads of each server process: KPI766_THREADS (default 4)."""
    return int(settings.get("threads"))


class Server(BaseApplication):
    """gunicorn serving `server`, configured from the settings rather than gunicorn's command line."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return server


def options() -> dict:
    """Return gunicorn's options: the address, the workers and their threads, and bounds on every request."""
    return {
        "bind": f"{settings.get('host')}:{settings.get('port')}",
        "workers": workers(),
        "threads": threads(),
        "worker_class": "gthread",
        "timeout": 120,  # a worker silent this long is restarted
        "graceful_timeout": 30,
        # an idle connection is kept longer than a reader pauses between pages: closed after 5 s, a request sent
        # just as the server closes it met a reset connection (4 of 1,879 requests with 5–15 s between pages)
        "keepalive": 75,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "backlog": 512,
        "accesslog": "-" if settings.get("access_log") == "1" else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database file (default: $KPI766_DB or data/kpi766.duckdb)")
    args = parser.parse_args()
    if args.db:
        os.environ["KPI766_DB"] = args.db
    Server(options()).run()


if __name__ == "__main__":
    main()
