"""The month-end forecast on the unit page: for the month in progress, the total and band if every open dossier due
in the month ends on time, if every one goes late, and as expected from the unit's own recent on-time rate per
procedure (dashboard/queries/forecast.py); drawn after the page, and added to the trend chart as a range.

`section(unit, period)` is the one piece the page places; for any other period it is empty.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import i18n, theme
from dashboard.components import bands
from dashboard.queries import forecast as queries
from indicators.periods import parse

LABELS = {
    "title": ("Dự báo cuối tháng", "Month-end forecast"),
    "hint": ("Tổng điểm tháng {period} nếu {n} hồ sơ đang giải quyết đến hạn trong tháng đều đúng hạn, đều trễ hạn, "
             "hoặc theo tỷ lệ đúng hạn của từng thủ tục ở đơn vị trong 3 tháng trước.",
             "The total of {period} if the {n} open dossiers due in the month all end on time, all go late, or "
             "as the unit's on-time rate per procedure over the 3 months before suggests."),
    "on_time": ("Tất cả đúng hạn", "All on time"),
    "expected": ("Dự kiến", "Expected"),
    "late": ("Tất cả trễ hạn", "All late"),
    "range": ("Dự báo cuối tháng", "Month-end forecast"),
    "judging": ("Đang tính dự báo…", "Working out the forecast…"),
}


def label(key: str, language: str | None = None) -> str:
    return i18n.pick(*LABELS[key], language)


def is_current(unit: dict, period: str) -> bool:
    """Return whether the period is a month not over at the moment the unit's scores describe."""
    try:
        chosen = parse(period)
    except ValueError:
        return False
    as_of = unit.get("as_of")
    return chosen.kind == "month" and as_of is not None and pd.Timestamp(as_of) < pd.Timestamp(
        queries.month_end(chosen))


def section(unit: dict, period: str, language: str) -> html.Div:
    """Return the forecast's card for the month in progress (filled after the page), else an empty placeholder."""
    if not is_current(unit, period):
        return html.Div(id="forecast-card", style={"display": "none"})
    params = {"unit_code": unit["unit_code"], "period": period, "as_of": pd.Timestamp(unit["as_of"]).isoformat()}
    return html.Div([
        html.H2(label("title", language), style={"marginTop": 0}),
        dcc.Loading(html.Div(html.Span(label("judging", language), className="muted"), id="forecast-body"), type="dot",
                    color="#b3261e"),
        dcc.Store(id="forecast-params", data=params),
    ], className="card", id="forecast-card", style={"margin": "1rem 0"})


def cards(made: queries.Forecast, language: str) -> list:
    """Return the hint and a card per case: its total and band."""
    rows = made.cases.set_index("case")
    return [
        html.P(label("hint", language).format(period=made.period, n=i18n.number(made.n_due, 0, language)),
               className="muted"),
        html.Div([html.Div([html.Div(label(case, language), className="label"),
                            html.Div(i18n.number(rows.loc[case, "total"], 2, language), className="value",
                                     id=f"forecast-{case}"),
                            bands.badge(rows.loc[case, "band"], language)], className="stat")
                  for case in queries.CASES], className="cards"),
    ]


def on_trend(figure: dict, made: queries.Forecast, language: str) -> dict:
    """Return the trend figure with the forecast drawn at its month: the expected total, the range from all late
    to all on time."""
    rows = made.cases.set_index("case")
    expected, high, low = (float(rows.loc[c, "total"]) for c in ("expected", "on_time", "late"))
    month = parse(made.period).start.isoformat()
    trace = {"type": "scatter", "mode": "markers", "x": [month], "y": [round(expected, 2)],
             "marker": {"color": theme.INK, "size": 9, "symbol": "diamond-open"},
             "error_y": {"type": "data", "symmetric": False, "array": [round(high - expected, 2)],
                         "arrayminus": [round(expected - low, 2)], "color": theme.INK, "thickness": 2, "width": 8},
             "name": label("range", language)}
    return {**figure, "data": [*figure.get("data", []), trace]}


@callback(
    Output("forecast-body", "children"),
    Output("unit-trend", "figure"),
    Input("forecast-params", "data"),
    State("unit-trend", "figure"),
)
def fill(params, figure):
    """Return the forecast's cards and the trend chart with its range, once worked out."""
    if not params:
        return no_update, no_update
    language = i18n.lang()
    made = queries.forecast(params["unit_code"], params["period"], datetime.fromisoformat(params["as_of"]))
    if made is None:
        return i18n.t("no_data", language), no_update
    return cards(made, language), on_trend(figure or {}, made, language)
