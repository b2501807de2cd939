"""Single sign-on through the province's OpenID Connect provider, with Authlib's Flask client.

Authorization code with PKCE (S256) and a nonce, the endpoints read from the issuer's discovery document
(`KPI766_OIDC_ISSUER`, `KPI766_OIDC_CLIENT_ID`, `KPI766_OIDC_CLIENT_SECRET`). An account is matched on the
ID token's (issuer, subject), never on its e-mail; its role and unit come from the local account, or from the
claims named in `KPI766_OIDC_CLAIMS` ('ROLE_CLAIM,UNIT_CLAIM') when the operator allows it. A callback that does
not match the browser's own request (another browser's state, a replayed code) is answered 400.
"""
from __future__ import annotations

from collections.abc import Callable

import flask
from authlib.integrations.flask_client import OAuth, OAuthError

import settings

from . import audit, store
from .scope import ROLES

CLIENT = "province"


def configured() -> bool:
    return bool(settings.get("oidc_issuer") and settings.get("oidc_client_id"))


def install(server: flask.Flask) -> None:
    """Give the server Authlib's client registry; the provider's client is registered at its first use."""
    server.extensions["kpi766_oauth"] = OAuth(server)


def _client():
    """Return the provider's client, registered from the settings at the first sign-on; None when not configured."""
    if not configured():
        return None
    oauth = flask.current_app.extensions["kpi766_oauth"]
    client = oauth.create_client(CLIENT)
    if client is None:
        issuer = settings.get("oidc_issuer").rstrip("/")
        client = oauth.register(CLIENT, client_id=settings.get("oidc_client_id"),
                                client_secret=settings.get("oidc_client_secret") or None,
                                server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                                client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"})
    return client


def account(claims: dict) -> store.User | None:
    """Return the account of the ID token's claims: the local account linked to (iss, sub); or, when the operator
    names role and unit claims, an account kept in step with them."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not issuer or not subject:
        return None
    named = settings.get("oidc_claims")
    if not named:
        user = store.user_by_subject(issuer, subject)
        return None if user is None or user.disabled else user
    role_claim, unit_claim = (part.strip() for part in named.split(","))
    role, unit = claims.get(role_claim), claims.get(unit_claim) or None
    if role not in ROLES:
        return None
    return store.keep_sso_user(issuer, subject, claims.get("preferred_username") or subject, role,
                               None if role == "admin" else unit, claims.get("email"))


def add_routes(bp: flask.Blueprint, sign_in: Callable[[store.User], None],
               safe_next: Callable[[str | None], str]) -> None:
    """Add the views starting single sign-on and receiving the provider's answer to the blueprint."""

    @bp.route("/dang-nhap/sso", endpoint="sso_start")
    def start():
        client = _client()
        if client is None:
            flask.abort(404)
        flask.session["sso_next"] = safe_next(flask.request.args.get("next"))
        return client.authorize_redirect(flask.url_for("access.sso_return", _external=True))

    @bp.route("/dang-nhap/sso/ve", endpoint="sso_return")
    def back():
        client = _client()
        if client is None:
            flask.abort(404)
        try:
            token = client.authorize_access_token()
        except OAuthError as err:
            audit.record("sign_in_failed", detail=f"single sign-on: {err.error}")
            return flask.Response(f"Đăng nhập một lần không thành công / Single sign-on failed: {err.error}",
                                  status=400, mimetype="text/plain")
        claims = dict(token.get("userinfo") or {})
        user = account(claims)
        if user is None:
            audit.record("sign_in_failed", user_name=claims.get("preferred_username") or claims.get("sub"),
                         detail="single sign-on: no account for this identity")
            return flask.Response("Không có tài khoản cho danh tính này / No account for this identity",
                                  status=403, mimetype="text/plain")
        target = flask.session.pop("sso_next", "/")
        sign_in(user)
        return flask.redirect(safe_next(target))
