"""Settings as data: each one a declaration with its default, its environment variable and its help.

Every command-line tool and the dashboard read their settings through `get`, so a value
comes from (in order) an explicit override such as `--db`, the environment, the default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"KPI766_{self.name.upper()}"


SETTINGS = (
    Setting("db", str(ROOT / "data" / "kpi766.duckdb"), "path of the DuckDB database file"),
    Setting("host", "127.0.0.1", "address the dashboard listens on (`HOST` also works)"),
    Setting("port", "8050", "port the dashboard listens on (`PORT` also works)"),
    Setting("workers", "", "server processes of `python app.py` (empty: one per core)"),
    Setting("threads", "4", "threads of each server process"),
    Setting("access_log", "0", "1: the server logs every request on standard output"),
    Setting("timezone", "Asia/Ho_Chi_Minh", "time zone of naive timestamps in input files"),
    Setting("duckdb_threads", "", "DuckDB threads of the commands that write (empty: one per core)"),
    Setting("memory_limit", "", "DuckDB memory limit such as '4GB' (empty: DuckDB's default)"),
    Setting("smtp_host", "", "mail server the morning digest is sent through (empty: the digest is only written)"),
    Setting("smtp_port", "25", "port of the mail server"),
    Setting("smtp_user", "", "user name on the mail server (empty: no login)"),
    Setting("smtp_password", "", "password on the mail server: set it in the environment only"),
    Setting("smtp_starttls", "false", "`true`: upgrade the connection to TLS (STARTTLS) before logging in"),
    Setting("smtp_sender", "kpi766@localhost", "the From address of the digest"),
    Setting("digest_recipients", "", "file mapping each unit to the addresses its digest goes to (TOML or CSV)"),
    Setting("access_db", "", "SQLite file of the accounts, sessions and audit (empty: beside the database, "
            "`<db>.access.sqlite3`)"),
    Setting("secret_key_file", "", "file holding the key that signs session cookies, owner-only, created on first "
            "run (empty: beside the database, `<db>.secret`)"),
    Setting("session_hours", "8", "hours a sign-in lasts"),
    Setting("cookie_secure", "auto", "mark cookies Secure: 'auto' (when the request came over HTTPS), 'yes', 'no'"),
    Setting("login_attempts", "5", "failed sign-ins allowed per account (and 4 times that per address) in the window"),
    Setting("login_window_minutes", "15", "minutes over which failed sign-ins are counted"),
    Setting("password_hashing", "default", "argon2 parameters: 'default' (RFC 9106 low-memory), or 'cheap' for the "
            "test suite only"),
    Setting("oidc_issuer", "", "issuer URL of the province's OpenID Connect provider (empty: no single sign-on)"),
    Setting("oidc_client_id", "", "client id registered with the OpenID Connect provider"),
    Setting("oidc_client_secret", "", "client secret registered with the OpenID Connect provider"),
    Setting("oidc_claims", "", "take role and unit from these ID-token claims, as 'ROLE_CLAIM,UNIT_CLAIM' (empty: "
            "from the local account matched on issuer and subject)"),
    Setting("reader_threads", "2", "DuckDB threads of each read-only instance the dashboard opens (one per worker and version)"),
    Setting("reader_memory_limit", "2GB", "memory limit of each such instance"),
    Setting("drill_workers", "1", "dossier-level drills judged at once by each server process"),
    Setting("drill_queue", "4", "drills waiting beyond those; more are answered 'busy, retry in a few seconds'"),
    Setting("max_request_bytes", "1048576", "largest request body the dashboard reads; a larger one gets 413"),
    Setting("source_password", "", "password of the `etl sync --source` database when its URL has none"),
    Setting("source_password_file", "", "file whose first line is that password (instead of the variable)"),
    Setting("download_rows", "100000", "most rows a download of a unit's dossiers or feedback items holds"),
)
_BY_NAME = {s.name: s for s in SETTINGS}
# The dashboard's HOST and PORT are also read unprefixed, as the data contract names them.
_PLAIN_ENV = {"host": "HOST", "port": "PORT"}


def get(name: str, override: str | None = None) -> str:
    """Return the value of setting `name`: the override if given, else its environment variable, else the default."""
    setting = _BY_NAME[name]
    if override not in (None, ""):
        return str(override)
    for env in (setting.env, _PLAIN_ENV.get(name)):
        if env and os.environ.get(env):
            return os.environ[env]
    return setting.default


def beside_db(name: str, suffix: str) -> Path:
    """Return setting `name` as a path, or by default the database's path with `suffix` added."""
    value = get(name)
    return Path(value) if value else Path(get("db") + suffix)


def local_now() -> datetime:
    """Return the wall-clock time in the project's time zone, naive like every stored timestamp."""
    return datetime.now(ZoneInfo(get("timezone"))).replace(tzinfo=None, microsecond=0)
