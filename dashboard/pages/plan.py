"""Kế hoạch đạt mục tiêu — the plan to the target, for a province's leader and for any unit: the target (a total
for every unit, 90 by default, and for a province a national place, top 10 by default), the cheapest path to it
(the indicators ranked by points recovered per dossier, procedure or feedback item to change, how many, and the
units below that hold them), the units below the target each with its own path, and the progress month by month
since the target was set.

The page is drawn from its address (`/ke-hoach?unit=74&period=2024&target=90&top=10&since=2024-01`); without a
unit in it, the reader's own. The plan is score-level (counts per indicator and unit, no dossier named): any
reader opens any unit's plan and downloads it, as the scores.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, ctx, dcc, html, no_update

from access.web import current_scope
from dashboard import exports, i18n, theme
from dashboard.components import downloads
from dashboard.components import plan as parts
from dashboard.components.grid import grid
from dashboard.queries import plan as queries
from dashboard.queries import todo as todo_queries
from dashboard.queries import unit as unit_queries
from indicators.periods import parse

dash.register_page(__name__, path="/ke-hoach", name="Kế hoạch", name_en="Plan", nav=True, order=2.5,
                   title="Kế hoạch đạt mục tiêu — Bộ chỉ số 766")

PREFIX = "plan"


def _number(text, default: float, low: float, high: float) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def resolve(params: dict) -> dict | None:
    """Return the plan's parameters from the address: unit (todo.choose_unit: the reader's own unit by default),
    period (default: the year of the last month stored), target, top, since (default: the period's first month);
    None without any scored unit."""
    unit_code = todo_queries.choose_unit(current_scope(), params.get("unit"))
    if unit_code is None:
        return None
    periods = unit_queries.unit_periods(unit_code)
    stored = set(periods["period"]) if not periods.empty else set()
    period = params.get("period") if params.get("period") in stored else None
    if period is None:
        years = periods[periods["period_kind"] == "year"] if not periods.empty else periods
        period = str(years["period"].iloc[0]) if not years.empty else None
    if period is None:
        return None
    first = parse(period).start
    since = params.get("since")
    try:
        parse(since or "")
    except ValueError:
        since = f"{first.year}-{first.month:02d}"
    return {"unit": unit_code, "period": period, "since": since,
            "target": _number(params.get("target"), queries.DEFAULT_TARGET, 0, 100),
            "top": int(_number(params.get("top"), queries.DEFAULT_TOP, 1, 63))}


def fetch(params: dict) -> dict | None:
    """Return the plan of the resolved parameters: a province's plan, else the unit's."""
    chosen = resolve(params)
    if chosen is None:
        return None
    summary = unit_queries.summary(chosen["unit"], chosen["period"])
    if summary is None:
        return None
    if summary["kind"] == "province":
        plan = queries.province_plan(chosen["unit"], chosen["period"], chosen["target"], chosen["top"])
    else:
        plan = queries.unit_plan(chosen["unit"], chosen["period"], chosen["target"])
    return None if plan is None else {**plan, "params": chosen}


@exports.table("plan-steps", needs="scores")
def steps_table(params: dict) -> exports.Table:
    """Return the plan's cheapest path as shown."""
    plan = fetch(params)
    if plan is None:
        raise ValueError(f"no plan for {params!r}")
    language = i18n.lang()
    return exports.Table(parts.LABELS["steps"], parts.STEP_COLUMNS, parts.step_rows(plan["steps"], language),
                         (f"{plan['name']} · {plan['params']['period']}", f"{plan['name']} · {plan['params']['period']}"),
                         tag=f"{plan['unit_code']}-{plan['params']['period']}")


@exports.table("plan-below", needs="scores")
def below_table(params: dict) -> exports.Table:
    """Return the province's units below the target, each with its path, as shown."""
    plan = fetch(params)
    if plan is None or "below" not in plan:
        raise ValueError(f"no province plan for {params!r}")
    language = i18n.lang()
    period = plan["params"]["period"]
    return exports.Table(parts.LABELS["below"], parts.BELOW_COLUMNS, parts.below_rows(plan["below"], period, language),
                         tag=f"{plan['unit_code']}-{period}")


def layout(**query) -> html.Div:
    """Return the page for its address."""
    language = i18n.lang()
    head = [dcc.Location(id=f"{PREFIX}-url", refresh="callback-nav"), html.H1(parts.label("title", language))]
    plan = fetch(query)
    if plan is None:
        return html.Div([*head, html.P(parts.label("not_found", language), className="card")])
    chosen = plan["params"]
    periods = unit_queries.unit_periods(chosen["unit"])
    units = todo_queries.units()
    controls = html.Div([
        html.Div([html.Label(parts.label("unit", language), htmlFor=f"{PREFIX}-unit"),
                  dcc.Dropdown(id=f"{PREFIX}-unit", value=chosen["unit"], clearable=False,
                               options=[{"label": f"{n} ({c})", "value": c}
                                        for c, n in zip(units["unit_code"], units["name"])])],
                 className="control", style={"minWidth": "300px", "flex": "3"}),
        html.Div([html.Label(parts.label("period", language), htmlFor=f"{PREFIX}-period"),
                  dcc.Dropdown(id=f"{PREFIX}-period", value=chosen["period"], clearable=False,
                               options=[{"label": p, "value": p} for p in periods["period"]])], className="control"),
        html.Div([html.Label(parts.label("target", language), htmlFor=f"{PREFIX}-target"),
                  dcc.Input(id=f"{PREFIX}-target", type="number", min=0, max=100, value=chosen["target"],
                            debounce=True)], className="control"),
        html.Div([html.Label(parts.label("top", language), htmlFor=f"{PREFIX}-top"),
                  dcc.Input(id=f"{PREFIX}-top", type="number", min=1, max=63, value=chosen["top"], debounce=True)],
                 className="control"),
    ], className="controls")
    params = {k: chosen[k] for k in ("unit", "period", "target", "top", "since")}
    steps = parts.step_rows(plan["steps"], language)
    body = [
        html.P(f"{plan['name']} ({plan['unit_code']}) · {chosen['period']}", className="muted", id=f"{PREFIX}-subtitle"),
        parts.cards(plan, language),
        html.H2(parts.label("steps", language)),
        html.P(parts.label("steps_hint", language) if not steps.empty else parts.label("none", language),
               className="muted"),
        html.Div(downloads.buttons("plan-steps", params), className="toolbar"),
        grid(f"{PREFIX}-steps", parts.STEP_COLUMNS, steps, height="360px"),
    ]
    if "below" in plan:
        body += [
            html.H2(parts.label("below", language)),
            html.P(parts.label("below_hint", language, target=i18n.number(chosen["target"], 0, language)),
                   className="muted"),
            html.Div(downloads.buttons("plan-below", params), className="toolbar"),
            grid(f"{PREFIX}-below", parts.BELOW_COLUMNS, parts.below_rows(plan["below"], chosen["period"], language),
                 height="420px", getRowId="params.data.unit_code"),
        ]
    bands = {b.key: (b.name_vi, b.name_en) for b in theme.bands()}
    progress = parts.progress_rows(queries.progress(chosen["unit"], chosen["since"]), bands, chosen["target"],
                                   language)
    body += [html.H2(parts.label("progress", language)),
             grid(f"{PREFIX}-progress", parts.progress_columns(chosen["target"]), progress, height="360px")]
    return html.Div([*head, controls, *body])


@callback(
    Output(f"{PREFIX}-url", "href"),
    Input(f"{PREFIX}-unit", "value"), Input(f"{PREFIX}-period", "value"), Input(f"{PREFIX}-target", "value"),
    Input(f"{PREFIX}-top", "value"),
    prevent_initial_call=True,
)
def navigate(unit_code, period, target, top):
    """Return the address the controls ask for; the page is drawn again from it."""
    if not ctx.triggered_id or not unit_code:
        return no_update
    query = {"unit": unit_code, "target": target, "top": top}
    if ctx.triggered_id != f"{PREFIX}-unit":
        query["period"] = period
    return "/ke-hoach?" + urlencode({k: v for k, v in query.items() if v is not None})
