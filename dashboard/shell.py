"""What every page sits in: the top bar with the navigation (from the page registry), the language switch
and "data as of", built per request in the reader's language."""
from __future__ import annotations

import dash
from dash import Input, Output, clientside_callback, dcc, html

from dashboard import i18n
from dashboard.components import account
from dashboard.queries import base


def _nav(language: str) -> list:
    """Return a link per page registered with `nav=True`, named in `language` (`name_en` in English)."""
    pages = sorted((p for p in dash.page_registry.values() if p.get("nav")), key=lambda p: p.get("order", 99))
    return [html.A(p["name_en"] if language == "en" else p["name"], href=p["relative_path"], className="nav-link",
                   id=f"nav-{p['module'].rsplit('.', 1)[-1]}")
            for p in pages]


def _switch(language: str) -> html.Div:
    return html.Div([
        html.Button("VI", id="shell-lang-vi", className="lang" + (" active" if language == "vi" else ""), n_clicks=0),
        html.Button("EN", id="shell-lang-en", className="lang" + (" active" if language == "en" else ""), n_clicks=0),
    ], className="lang-switch", title="Ngôn ngữ / Language")


def layout() -> html.Div:
    """Return the app's frame around dash.page_container."""
    language = i18n.lang()
    as_of = base.as_of()
    return html.Div([
        html.Header([
            html.A(i18n.t("brand", language), href="/", className="brand"),
            html.Nav(_nav(language), className="nav"),
            html.Span([i18n.t("as_of", language), " ", html.B(i18n.moment(as_of), id="shell-as-of")],
                      className="as-of"),
            _switch(language),
            account.menu(language),
        ], className="topbar"),
        html.Main(dash.page_container, className="content"),
        dcc.Store(id="shell-lang", data=language),
    ])


# The switch sets the cookie and reloads, so every layout and callback is built again in the chosen language.
clientside_callback(
    """function (vi, en) {
        const chosen = dash_clientside.callback_context.triggered_id === "shell-lang-en" ? "en" : "vi";
        if (!vi && !en) { return dash_clientside.no_update; }
        document.cookie = "kpi766-lang=" + chosen + "; path=/; max-age=31536000; SameSite=Lax";
        window.location.reload();
        return chosen;
    }""",
    Output("shell-lang", "data"),
    Input("shell-lang-vi", "n_clicks"), Input("shell-lang-en", "n_clicks"),
    prevent_initial_call=True,
)
