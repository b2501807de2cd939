"""The accounts, sessions, sign-in attempts and audit: a small SQLite file of their own (standard library, WAL).

The DuckDB database is read-only to the dashboard and replaced whole by every load that publishes, so rows the
app writes live here instead (`KPI766_ACCESS_DB`, default `<db>.access.sqlite3`); no load and no demo rebuild
touches this file. Passwords are kept as argon2 hashes only.
"""
from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import settings

from .scope import COUNTRY, ROLES, Scope

SCHEMA = """
create table if not exists users (
    name text primary key, role text not null, unit_code text, email text, password_hash text,
    oidc_issuer text, oidc_subject text, disabled integer not null default 0, created_at text not null,
    unique (oidc_issuer, oidc_subject));
create table if not exists sessions (
    id text primary key, user_name text not null references users(name), created_at text not null,
    expires_at text not null, revoked_at text);
create table if not exists login_attempts (
    user_name text not null, address text not null, at text not null, ok integer not null);
create index if not exists login_attempts_at on login_attempts (at);
create table if not exists audit (
    id integer primary key, at text not null, event text not null, user_name text, role text, scope text,
    address text, unit_code text, period text, indicator text, export text, n_rows integer, detail text);
"""
AUDIT_FIELDS = ("unit_code", "period", "indicator", "export", "n_rows", "detail")


def path() -> Path:
    return settings.beside_db("access_db", ".access.sqlite3")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# The files whose tables were created by this process.
_READY: set[Path] = set()


@contextmanager
def connect(write: bool = True) -> Iterator[sqlite3.Connection]:
    """Yield a connection to the store (created with its tables when absent), committing when the block ends; a
    block that only reads (`write=False`) takes no write lock, so readers never wait for one another."""
    file = path()
    con = sqlite3.connect(file, timeout=10, isolation_level=None)
    try:
        con.row_factory = sqlite3.Row
        con.execute("pragma foreign_keys = on")
        if file not in _READY or not file.exists():
            con.execute("pragma journal_mode = wal")
            con.executescript(SCHEMA)
            file.chmod(0o600)
            _READY.add(file)
        con.execute("begin immediate" if write else "begin")
        yield con
        con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()


def hasher() -> PasswordHasher:
    """Return the argon2 hasher: its defaults (RFC 9106 low-memory), or cheap parameters for the test suite."""
    if settings.get("password_hashing") == "cheap":
        return PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    return PasswordHasher()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit_code: str | None
    email: str | None
    disabled: bool
    oidc_issuer: str | None = None
    oidc_subject: str | None = None

    def scope(self) -> Scope:
        return Scope.country() if self.role == "admin" else Scope(self.role, self.unit_code)


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(row["name"], row["role"], row["unit_code"], row["email"], bool(row["disabled"]), row["oidc_issuer"],
                row["oidc_subject"])


def check_account(role: str, unit_code: str | None) -> None:
    """Raise ValueError unless `role` is known and has a unit exactly when it needs one."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "admin" and unit_code:
        raise ValueError("an admin sees every unit: give no --unit")
    if role != "admin" and not unit_code:
        raise ValueError(f"a {role} answers for a unit: give --unit CODE (a unit of today's tree)")
    if unit_code == COUNTRY:
        raise ValueError(f"{COUNTRY!r} is not a unit code")


def add_user(name: str, role: str, unit_code: str | None, password: str | None, email: str | None = None,
             oidc_issuer: str | None = None, oidc_subject: str | None = None) -> User:
    """Create an account; its password hashed with argon2 (None: it signs in through single sign-on only)."""
    check_account(role, unit_code)
    if not name or not name.strip() or name != name.strip():
        raise ValueError("an account name may not be empty nor start or end with a space")
    if password is not None and len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    digest = hasher().hash(password) if password is not None else None
    with connect() as con:
        if con.execute("select 1 from users where name = ?", [name]).fetchone():
            raise ValueError(f"an account named {name!r} exists already")
        con.execute("insert into users (name, role, unit_code, email, password_hash, oidc_issuer, oidc_subject, "
                    "created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, role, unit_code or None, email, digest, oidc_issuer, oidc_subject, _stamp(now())])
    return get_user(name)


def get_user(name: str) -> User | None:
    with connect(write=False) as con:
        return _user(con.execute("select * from users where name = ?", [name]).fetchone())


def user_by_subject(issuer: str, subject: str) -> User | None:
    """Return the account linked to the identity provider's (issuer, subject), or None."""
    with connect(write=False) as con:
        return _user(con.execute("select * from users where oidc_issuer = ? and oidc_subject = ?",
                                 [issuer, subject]).fetchone())


def users() -> list[User]:
    with connect(write=False) as con:
        return [_user(r) for r in con.execute("select * from users order by name")]


def verify(name: str, password: str) -> User | None:
    """Return the account if `password` is its password and it is not disabled, else None; rehash a password hashed
    with parameters other than today's. An unknown name costs a hash too, so timing does not tell names apart."""
    with connect(write=False) as con:
        row = con.execute("select * from users where name = ?", [name]).fetchone()
    digest = row["password_hash"] if row is not None and row["password_hash"] else None
    ph = hasher()
    try:
        if digest is None:
            ph.hash(password)
            return None
        ph.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return None
    if ph.check_needs_rehash(digest):
        with connect() as con:
            con.execute("update users set password_hash = ? where name = ?", [ph.hash(password), name])
    user = _user(row)
    return None if user.disabled else user


def set_password(name: str, password: str) -> None:
    """Change the account's password and end every session it has open."""
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    digest = hasher().hash(password)
    with connect() as con:
        if con.execute("update users set password_hash = ? where name = ?", [digest, name]).rowcount == 0:
            raise ValueError(f"no account named {name!r}")
        _revoke(con, name)


def disable(name: str) -> None:
    """Disable the account and end every session it has open."""
    with connect() as con:
        if con.execute("update users set disabled = 1 where name = ?", [name]).rowcount == 0:
            raise ValueError(f"no account named {name!r}")
        _revoke(con, name)


def _revoke(con: sqlite3.Connection, name: str) -> None:
    con.execute("update sessions set revoked_at = ? where user_name = ? and revoked_at is null",
                [_stamp(now()), name])


def open_session(name: str) -> str:
    """Start a session for the account and return its id (random, 256 bits), valid for `session_hours`."""
    session_id = secrets.token_urlsafe(32)
    started = now()
    with connect() as con:
        con.execute("insert into sessions (id, user_name, created_at, expires_at) values (?, ?, ?, ?)",
                    [session_id, name, _stamp(started),
                     _stamp(started + timedelta(hours=float(settings.get("session_hours"))))])
    return session_id


def close_session(session_id: str) -> None:
    with connect() as con:
        con.execute("update sessions set revoked_at = ? where id = ? and revoked_at is null",
                    [_stamp(now()), session_id])


def session_user(name: str, session_id: str) -> User | None:
    """Return the account of an open session: not revoked, not expired, the account not disabled; else None."""
    with connect(write=False) as con:
        row = con.execute("""
            select u.* from sessions s join users u on u.name = s.user_name
            where s.id = ? and s.user_name = ? and s.revoked_at is null and s.expires_at > ? and not u.disabled""",
                          [session_id, name, _stamp(now())]).fetchone()
    return _user(row)


def note_attempt(name: str, address: str, ok: bool) -> None:
    with connect() as con:
        con.execute("insert into login_attempts values (?, ?, ?, ?)", [name, address, _stamp(now()), int(ok)])


def throttled(name: str, address: str) -> bool:
    """Return whether sign-in is paused for the account or the address: `login_attempts` failures for the account,
    or four times as many from the address, within the last `login_window_minutes`."""
    since = _stamp(now() - timedelta(minutes=float(settings.get("login_window_minutes"))))
    limit = int(settings.get("login_attempts"))
    with connect(write=False) as con:
        by_name, by_address = con.execute("""
            select count(*) filter (where user_name = ?), count(*) filter (where address = ?)
            from login_attempts where not ok and at > ?""", [name, address, since]).fetchone()
    return by_name >= limit or by_address >= 4 * limit


def append_audit(event: str, user_name: str | None, role: str | None, scope: str | None, address: str | None,
                 **fields) -> None:
    unknown = set(fields) - set(AUDIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown audit fields {sorted(unknown)}; fields: {', '.join(AUDIT_FIELDS)}")
    with connect() as con:
        con.execute(f"insert into audit (at, event, user_name, role, scope, address, {', '.join(AUDIT_FIELDS)}) "
                    f"values (?, ?, ?, ?, ?, ?, {', '.join('?' * len(AUDIT_FIELDS))})",
                    [_stamp(now()), event, user_name, role, scope, address,
                     *(None if fields.get(f) is None else str(fields[f]) if f != "n_rows" else int(fields[f])
                       for f in AUDIT_FIELDS)])


def audit_rows(limit: int | None = None) -> list[dict]:
    """Return the audit, the latest first."""
    with connect(write=False) as con:
        rows = con.execute("select * from audit order by id desc" + (" limit ?" if limit else ""),
                           [limit] if limit else []).fetchall()
    return [dict(r) for r in rows]


def keep_sso_user(issuer: str, subject: str, name: str, role: str, unit_code: str | None,
                  email: str | None) -> User | None:
    """Return the account linked to (issuer, subject), created or brought in step with the provider's role and
    unit claims; None when the account is disabled or the claims do not make a valid account."""
    try:
        check_account(role, unit_code)
    except ValueError:
        return None
    with connect() as con:
        row = con.execute("select * from users where oidc_issuer = ? and oidc_subject = ?",
                          [issuer, subject]).fetchone()
        if row is None:
            taken = con.execute("select 1 from users where name = ?", [name]).fetchone()
            name = f"{name}@{issuer}" if taken else name
            con.execute("insert into users (name, role, unit_code, email, oidc_issuer, oidc_subject, created_at) "
                        "values (?, ?, ?, ?, ?, ?, ?)", [name, role, unit_code, email, issuer, subject, _stamp(now())])
        else:
            name = row["name"]
            if (row["role"], row["unit_code"]) != (role, unit_code):
                _revoke(con, name)
            con.execute("update users set role = ?, unit_code = ?, email = ? where name = ?",
                        [role, unit_code, email, name])
    user = get_user(name)
    return None if user is None or user.disabled else user
