"""Việc cần làm — the to-do list of a unit and every unit below it: the dossiers overdue, due today or due within
N working days, with the points each puts at stake this month; feedback items due soon (5.1); the province's
decisions awaiting publication (1.2). Most points at stake first; every table downloadable.

The page is drawn from its address (`/viec-can-lam?unit=79&within=2`); the controls change the address. Without
a unit in it, the list is the reader's own unit's. The list names dossiers: a unit outside the reader's scope is
refused with the unit page's message and audited, and its downloads answer 403 (`needs="scoped"`).
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, ctx, dcc, html, no_update

from access import audit
from access.scope import Refused
from access.web import current_scope
from dashboard import exports, i18n
from dashboard.components import downloads
from dashboard.components import todo as parts
from dashboard.components.grid import grid
from dashboard.queries import todo as queries

dash.register_page(__name__, path="/viec-can-lam", name="Việc cần làm", name_en="To-do", nav=True, order=2,
                   title="Việc cần làm — Bộ chỉ số 766")

PREFIX = "todo"


def _within(text) -> int:
    """Return the horizon the address asks for, in working days, kept within 0..MAX_WITHIN (default 2)."""
    try:
        return min(max(int(text), 0), queries.MAX_WITHIN)
    except (TypeError, ValueError):
        return queries.DEFAULT_WITHIN


def _export(name: str):
    key, columns, title = next(t for t in parts.TABLES if t[0] == name)

    def fetch(params: dict) -> exports.Table:
        # the unit exports.fetch checked against the reader's scope (needs="scoped"), and no other
        unit_code = params.get("unit_code")
        listed = queries.todo(current_scope(), unit_code, _within(params.get("within"))) if unit_code else None
        if listed is None:
            raise ValueError(f"no unit {unit_code!r} was scored in the last month")
        return exports.Table(title, columns, parts.shown(getattr(listed, key), columns, i18n.lang()),
                             parts.subtitle(listed), tag=f"{listed.unit_code}-{listed.period}")
    return fetch


for _name, _columns, _title in parts.TABLES:
    exports.table(f"todo-{_name}", needs="scoped")(_export(_name))


def _unit_options(scope) -> list[dict]:
    units = queries.readable_units(scope)
    return [{"label": f"{name} ({code})", "value": code} for code, name in zip(units["unit_code"], units["name"])]


def layout(unit: str | None = None, within: str | None = None, **_) -> html.Div:
    """Return the page for its address."""
    language = i18n.lang()
    scope = current_scope()
    unit_code, days = queries.choose_unit(scope, unit), _within(within)
    head = [dcc.Location(id=f"{PREFIX}-url", refresh="callback-nav"), html.H1(parts.label("title", language))]
    if unit_code is None:
        return html.Div([*head, html.P(parts.label("not_found", language), className="card")])
    try:
        listed = queries.todo(scope, unit_code, days)
    except Refused as refused:
        audit.record("refused", unit_code=unit_code, detail=refused.en)
        return html.Div([*head, html.Div([html.P(i18n.t("outside_scope", language), id=f"{PREFIX}-outside"),
                                          dcc.Link(parts.label("own_list", language), href="/viec-can-lam",
                                                   id=f"{PREFIX}-own")], className="card")])
    if listed is None:
        return html.Div([*head, html.P(parts.label("not_found", language), className="card")])
    audit.record("view", unit_code=unit_code, period=listed.period, detail="to-do list",
                 n_rows=len(listed.dossiers) + len(listed.feedback) + len(listed.decisions))
    controls = html.Div([
        html.Div([html.Label(parts.label("unit", language), htmlFor=f"{PREFIX}-unit"),
                  dcc.Dropdown(id=f"{PREFIX}-unit", options=_unit_options(scope), value=unit_code,
                               clearable=False)], className="control", style={"minWidth": "360px", "flex": "3"}),
        html.Div([html.Label(parts.label("within", language), htmlFor=f"{PREFIX}-within"),
                  dcc.Input(id=f"{PREFIX}-within", type="number", min=0, max=queries.MAX_WITHIN, step=1, value=days,
                            debounce=True)], className="control"),
    ], className="controls")
    params = {"unit_code": unit_code, "within": days}
    vi, en = parts.subtitle(listed)
    sections = []
    for key, columns, title in parts.TABLES:
        frame = parts.shown(getattr(listed, key), columns, language)
        hint = parts.label("dossiers_hint", language) if key == "dossiers" else (
            parts.label("decisions_hint", language).format(days=queries.publish_days())
            if key == "decisions" else None)
        sections += [
            html.H2(i18n.pick(*title, language)),
            html.P(hint, className="muted") if hint else None,
            html.Div(downloads.buttons(f"todo-{key}", params), className="toolbar"),
            grid(f"{PREFIX}-{key}", columns, frame, height="420px" if key == "dossiers" else "300px"),
        ]
    return html.Div([
        *head, controls,
        html.P(i18n.pick(vi, en, language), className="muted", id=f"{PREFIX}-subtitle"),
        parts.cards(listed, language),
        *[s for s in sections if s is not None],
    ])


@callback(
    Output(f"{PREFIX}-url", "href"),
    Input(f"{PREFIX}-unit", "value"), Input(f"{PREFIX}-within", "value"),
    prevent_initial_call=True,
)
def navigate(unit_code, within):
    """Return the address the controls ask for; the page is drawn again from it."""
    if not ctx.triggered_id or not unit_code:
        return no_update
    return "/viec-can-lam?" + urlencode({"unit": unit_code, "within": _within(within)})
