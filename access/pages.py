"""The sign-in page `/dang-nhap` and sign-out `/dang-xuat`: plain Flask views, so no Dash callback is public.

The page is Vietnamese first with an English switch (`?lang=en`, kept in the dashboard's language cookie); its
form posts `username`, `password` and the hidden `csrf_token`.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import flask
from flask_login import current_user, logout_user

import settings
from dashboard import i18n

from . import audit, oidc, store

LABELS = {
    "title": ("Đăng nhập", "Sign in"),
    "username": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "submit": ("Đăng nhập", "Sign in"),
    "sso": ("Đăng nhập bằng tài khoản một lần của tỉnh", "Sign in with the province's single sign-on"),
    "wrong": ("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.",
              "Wrong user name or password, or the account is disabled."),
    "throttled": ("Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút.",
                  "Too many failed sign-ins. Try again in {minutes} minutes."),
    "signed_out": ("Bạn đã đăng xuất.", "You are signed out."),
    "intro": ("Điểm số được công khai; danh sách hồ sơ chỉ dành cho cán bộ được giao theo đơn vị.",
              "Scores are public; the dossiers are shown only to the officers of their unit."),
}

PAGE = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ L.title }} — {{ brand }}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><header class="topbar"><span class="brand">{{ brand }}</span>
<div class="lang-switch" style="margin-left:auto">
<a class="lang{{ ' active' if language == 'vi' else '' }}" href="?{{ query_vi }}" id="sign-in-vi">VI</a>
<a class="lang{{ ' active' if language == 'en' else '' }}" href="?{{ query_en }}" id="sign-in-en">EN</a></div></header>
<main class="content"><section class="card sign-in" style="max-width:380px;margin:2rem auto">
<h1>{{ L.title }}</h1><p class="muted">{{ L.intro }}</p>
{% if message %}<p class="{{ 'down' if error else 'muted' }}" id="sign-in-message" role="alert">{{ message }}</p>{% endif %}
<form method="post" action="/dang-nhap" id="sign-in-form">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><input type="hidden" name="next" value="{{ next }}">
<p><label for="username">{{ L.username }}</label><br><input class="search" id="username" name="username"
 autocomplete="username" required value="{{ username }}"></p>
<p><label for="password">{{ L.password }}</label><br><input class="search" id="password" name="password" type="password"
 autocomplete="current-password" required></p>
<p><button class="button primary" type="submit" id="sign-in-submit">{{ L.submit }}</button></p></form>
{% if sso %}<p><a class="button" href="/dang-nhap/sso?{{ query_next }}" id="sign-in-sso">{{ L.sso }}</a></p>{% endif %}
</section></main></body></html>"""


def language() -> str:
    chosen = flask.request.args.get("lang")
    return chosen if chosen in i18n.LANGS else i18n.lang()


def render(status: int = 200, message_key: str | None = None, error: bool = False, **values) -> flask.Response:
    chosen = language()
    labels = {k: i18n.pick(*v, chosen) for k, v in LABELS.items()}
    target = flask.request.values.get("next", "/")
    message = labels[message_key].format(**values) if message_key else ""
    body = flask.render_template_string(
        PAGE, language=chosen, L=labels, brand=i18n.t("brand", chosen), message=message, error=error,
        next=target, username=flask.request.form.get("username", ""), sso=oidc.configured(),
        query_vi=urlencode({"lang": "vi", "next": target}), query_en=urlencode({"lang": "en", "next": target}),
        query_next=urlencode({"next": target}))
    response = flask.make_response(body, status)
    if flask.request.args.get("lang") in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, chosen, max_age=31536000, samesite="Lax")
    return response


def blueprint(sign_in: Callable[[store.User], None], safe_next: Callable[[str | None], str]) -> flask.Blueprint:
    """Return the blueprint `access` holding the sign-in and sign-out views (and single sign-on's)."""
    bp = flask.Blueprint("access", __name__)

    @bp.route("/dang-nhap", methods=["GET", "POST"], endpoint="sign_in")
    def sign_in_view():
        if flask.request.method == "GET":
            return render(message_key="signed_out" if flask.request.args.get("out") else None)
        name = flask.request.form.get("username", "").strip()
        password = flask.request.form.get("password", "")
        address = flask.request.remote_addr or ""
        if store.throttled(name, address):
            audit.record("sign_in_throttled", user_name=name)
            return render(429, "throttled", error=True, minutes=settings.get("login_window_minutes"))
        user = store.verify(name, password) if name and password else None
        store.note_attempt(name, address, user is not None)
        if user is None:
            audit.record("sign_in_failed", user_name=name)
            return render(401, "wrong", error=True)
        sign_in(user)
        return flask.redirect(safe_next(flask.request.form.get("next")))

    @bp.route("/dang-xuat", methods=["POST"])
    def sign_out():
        if getattr(current_user, "is_authenticated", False):
            audit.record("sign_out")
            store.close_session(current_user.session_id)
            logout_user()
        flask.session.clear()
        return flask.redirect("/dang-nhap?out=1")

    oidc.add_routes(bp, sign_in, safe_next)
    return bp
