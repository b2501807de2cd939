"""Sign-in for the dashboard: `install(app)` puts one guard in front of every request, the sign-in page
`/dang-nhap`, sign-out (a POST) and single sign-on, Flask-Login sessions kept server-side, CSRF on the forms.

The guard decides from the request's endpoint. PUBLIC_ENDPOINTS need nobody signed in; PAGE_ENDPOINTS send an
anonymous reader to the sign-in page; every other endpoint, including Dash's callbacks, layout and dependencies,
answers 401 without a signed-in reader. tests/test_access_web.py compares the app's URL map with these lists, so a
new route fails the tests until someone decides whether it is public.
"""
from __future__ import annotations

import os
import secrets
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import flask
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

import settings

from . import audit, oidc, pages, store
from .scope import Refused, Scope

PUBLIC_ENDPOINTS = frozenset({
    "access.sign_in", "access.sign_out", "access.sso_start", "access.sso_return",
    "_dash_assets.static", "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
    "/_favicon.ico",
})
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
PRIVATE_ENDPOINTS = frozenset({"static", "/_dash-layout", "/_dash-dependencies", "/_dash-update-component",
                               "/_reload-hash"})
# Dash's callbacks post JSON only; with SameSite=Lax cookies a cross-site form cannot run one.
CSRF_EXEMPT = frozenset({"/_dash-update-component"})
SIGN_IN = "/dang-nhap"


class Reader(UserMixin):
    """The signed-in account of one session: Flask-Login keeps `name:session` in the cookie, the session itself
    lives in the store, so signing out, disabling the account or changing its password ends it."""

    def __init__(self, user: store.User, session_id: str):
        self.user, self.session_id = user, session_id
        self.name, self.role = user.name, user.role

    def get_id(self) -> str:
        return f"{self.name}:{self.session_id}"

    def scope(self) -> Scope:
        return self.user.scope()


def current_scope() -> Scope:
    """Return the signed-in reader's scope; refuse when nobody is signed in (the guard answers such requests first)."""
    if not getattr(current_user, "is_authenticated", False):
        raise Refused("Cần đăng nhập.", "Sign-in required.")
    return current_user.scope()


def _owner_only(path: Path) -> None:
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} may be read by others: `chmod 600 {path}`")


def previous_keys() -> list[str]:
    """Return the keys signed cookies are still accepted with after a rotation: the lines of
    `<secret_key_file>.previous` (owner-only), if it exists. To rotate, move the key file there and restart."""
    path = Path(f"{settings.beside_db('secret_key_file', '.secret')}.previous")
    if not path.exists():
        return []
    _owner_only(path)
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def secret_key() -> bytes:
    """Return the key signing the cookies: read from KPI766_SECRET_KEY_FILE, created (owner-only) when absent."""
    path = settings.beside_db("secret_key_file", ".secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    _owner_only(path)
    return Path(path).read_text().strip().encode()


class _KeysFirst:
    """The WSGI app behind it, with the cookie-signing keys read on the first request of the process.

    The app is built when `app.py` is imported, before `python app.py --db PATH` names the database the key file
    stands beside, and before gunicorn forks its workers: so the key is read (or created) neither at import time
    nor per worker from different files, but once per process from the file the served database implies."""

    def __init__(self, server: flask.Flask, wsgi_app):
        self.server, self.wsgi_app, self.lock = server, wsgi_app, threading.Lock()

    def __call__(self, environ, start_response):
        if self.server.secret_key is None:
            with self.lock:
                if self.server.secret_key is None:
                    self.server.config["SECRET_KEY_FALLBACKS"] = previous_keys()
                    self.server.secret_key = secret_key()
        return self.wsgi_app(environ, start_response)


class _Cookies(SecureCookieSessionInterface):
    """Session cookies marked Secure when the request came over HTTPS (cookie_secure 'auto'), or as set."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        chosen = settings.get("cookie_secure")
        if chosen == "auto":
            return flask.request.is_secure if flask.has_request_context() else False
        return chosen == "yes"


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this server, else '/'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _guard():
    endpoint = flask.request.endpoint
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if getattr(current_user, "is_authenticated", False):
        return None
    if endpoint in PAGE_ENDPOINTS and flask.request.method in ("GET", "HEAD"):
        return flask.redirect(f"{SIGN_IN}?{urlencode({'next': safe_next(flask.request.full_path.rstrip('?'))})}")
    return flask.Response("Cần đăng nhập / Sign-in required", status=401, mimetype="text/plain")


def _csrf_guard(csrf: CSRFProtect):
    def check():
        if flask.request.method in ("POST", "PUT", "PATCH", "DELETE") and flask.request.endpoint not in CSRF_EXEMPT:
            csrf.protect()
    return check


def _refused(err: Refused):
    audit.record("refused", detail=err.en)
    return flask.Response(f"{err.vi} / {err.en}", status=403, mimetype="text/plain")


def sign_in(user: store.User) -> None:
    """Start a session for `user` in this browser: a fresh cookie, a session in the store, audited."""
    flask.session.clear()
    reader = Reader(user, store.open_session(user.name))
    login_user(reader)
    flask.session.permanent = True
    audit.record("sign_in", user_name=user.name)


def install(app) -> None:
    """Put sign-in in front of the Dash app `app`: call once in create_app, before it serves."""
    server = app.server
    server.wsgi_app = _KeysFirst(server, server.wsgi_app)
    server.session_interface = _Cookies()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="kpi766-session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=float(settings.get("session_hours"))),
        REMEMBER_COOKIE_DURATION=timedelta(0), WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
    )
    logins = LoginManager(server)
    logins.session_protection = "basic"

    @logins.user_loader
    def load(user_id: str):
        name, _, session_id = user_id.rpartition(":")
        user = store.session_user(name, session_id) if name and session_id else None
        return Reader(user, session_id) if user else None

    csrf = CSRFProtect(server)
    server.before_request(_csrf_guard(csrf))
    server.before_request(_guard)
    server.register_error_handler(Refused, _refused)
    server.register_error_handler(CSRFError, lambda err: flask.Response(
        "Phiên biểu mẫu đã hết hạn, hãy tải lại trang / The form expired, reload the page", status=400,
        mimetype="text/plain"))
    oidc.install(server)
    server.register_blueprint(pages.blueprint(sign_in, safe_next))
    server.jinja_env.globals["csrf_token"] = generate_csrf
