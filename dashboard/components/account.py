"""The signed-in reader in the top bar: their account, role and unit, and the sign-out button (a form POST with
its CSRF token, access/pages.py)."""
from __future__ import annotations

from dash import dcc, html
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from dashboard import i18n

ROLE_NAMES = {"leader": ("Lãnh đạo", "Leader"), "officer": ("Cán bộ", "Officer"),
              "analyst": ("Chuyên viên phân tích", "Analyst"), "admin": ("Quản trị viên", "Admin")}


def menu(language: str) -> html.Form | None:
    """Return the reader's name and role with the sign-out button; nothing outside a signed-in request."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    unit = current_user.user.unit_code
    role = i18n.pick(*ROLE_NAMES[current_user.role], language)
    return html.Form([
        html.Span([html.B(current_user.name), f" · {role}" + (f" {unit}" if unit else "")], id="account-name",
                  className="muted"),
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf(), id="account-csrf"),
        html.Button(i18n.pick("Đăng xuất", "Sign out", language), type="submit", className="button",
                    id="account-sign-out"),
    ], action="/dang-xuat", method="POST", className="account toolbar")
