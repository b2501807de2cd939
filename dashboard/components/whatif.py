"""What-if on the unit page: pick an indicator, change its numerator (for example 40 more dossiers with an
electronic result, 3 more procedures with online payment), and see at once the new points, total, band and rank
among the unit's peers (dashboard/queries/whatif.py: the engine's points SQL and the peers' stored totals).

`section(unit, period, language)` is the one piece the page places.
"""
from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import i18n
from dashboard.components import bands
from dashboard.queries import whatif as queries
from indicators import REGISTRY
from indicators.outputs import ref

LABELS = {
    "title": ("Nếu thì sao", "What if"),
    "hint": ("Đổi tử số của một chỉ số để xem điểm, tổng điểm, xếp loại và thứ hạng mới, tính theo đúng quy tắc "
             "của bộ chỉ số.", "Change an indicator's numerator to see the new points, total, band and rank, by the "
             "index's own rules."),
    "indicator": ("Chỉ số", "Indicator"),
    "numerator": ("Tử số mới (mẫu số {d})", "New numerator (denominator {d})"),
    "points": ("Điểm chỉ số", "Indicator points"),
    "total": ("Tổng điểm", "Total"),
    "band": ("Xếp loại", "Band"),
    "rank": ("Hạng trong nhóm", "Rank among peers"),
    "now": ("Hiện tại", "Now"),
    "then": ("Nếu thay đổi", "With the change"),
}


def label(key: str, language: str | None = None, **values) -> str:
    text = i18n.pick(*LABELS[key], language)
    return text.format(**values) if values else text


def section(unit: dict, period: str, language: str) -> html.Div:
    """Return the what-if card of the unit's period, on 2.1 to begin with."""
    values = queries.stored(unit["unit_code"], period)
    if values is None:
        return html.Div(id="whatif-card", style={"display": "none"})
    options = [{"label": f"{i.id} {i18n.pick(i.name_vi, i.name_en, language)}", "value": i.id}
               for i in REGISTRY.values() if not i.display_only and values[f"d_{ref(i.id)}"] > 0]
    first = "2.1" if any(o["value"] == "2.1" for o in options) else (options[0]["value"] if options else None)
    numerator = values[f"n_{ref(first)}"] if first else None
    return html.Div([
        html.H2(label("title", language), style={"marginTop": 0}),
        html.P(label("hint", language), className="muted"),
        html.Div([
            html.Div([html.Label(label("indicator", language), htmlFor="whatif-indicator"),
                      dcc.Dropdown(id="whatif-indicator", options=options, value=first, clearable=False)],
                     className="control", style={"minWidth": "320px", "flex": "2"}),
            html.Div([html.Label(id="whatif-numerator-label", htmlFor="whatif-numerator"),
                      dcc.Input(id="whatif-numerator", type="number", min=0, value=numerator, debounce=True)],
                     className="control"),
        ], className="controls"),
        html.Div(id="whatif-result"),
        dcc.Store(id="whatif-params", data={"unit_code": unit["unit_code"], "period": period}),
    ], className="card", id="whatif-card", style={"margin": "1rem 0"})


@callback(
    Output("whatif-numerator", "value"), Output("whatif-numerator", "max"), Output("whatif-numerator-label", "children"),
    Input("whatif-indicator", "value"), State("whatif-params", "data"),
)
def pick(indicator_id, params):
    """Return the chosen indicator's stored numerator, its denominator as the input's maximum, and the label."""
    if not indicator_id or not params:
        return no_update, no_update, no_update
    values = queries.stored(params["unit_code"], params["period"])
    d = values[f"d_{ref(indicator_id)}"]
    return values[f"n_{ref(indicator_id)}"], d, label("numerator", i18n.lang(), d=i18n.number(d, 0))


@callback(
    Output("whatif-result", "children"),
    Input("whatif-indicator", "value"), Input("whatif-numerator", "value"), State("whatif-params", "data"),
)
def show(indicator_id, numerator, params):
    """Return the table of now against with the change: the indicator's points, total, band, rank."""
    if not indicator_id or numerator is None or not params:
        return no_update
    language = i18n.lang()
    try:
        result = queries.apply(params["unit_code"], params["period"], {indicator_id: float(numerator)})
    except ValueError as error:
        return html.P(str(error), className="muted", id="whatif-error")
    if result is None:
        return html.P(i18n.t("no_data", language))
    row = result["indicators"].set_index("indicator_id").loc[indicator_id]
    lines = [
        (f"{label('points', language)} {indicator_id}", i18n.number(row.points_before, 2, language),
         i18n.number(row.points_after, 2, language), "points"),
        (label("total", language), i18n.number(result["total_before"], 2, language),
         i18n.number(result["total_after"], 2, language), "total"),
        (label("band", language), bands.badge(result["band_before"], language), bands.badge(result["band_after"], language), "band"),
        (label("rank", language), f"{result['rank_before']}/{result['n_peers']}",
         f"{result['rank_after']}/{result['n_peers']}", "rank"),
    ]
    head = html.Tr([html.Th(""), html.Th(label("now", language)), html.Th(label("then", language))])
    body = [html.Tr([html.Td(name), html.Td(before), html.Td(after, id=f"whatif-{key}")])
            for name, before, after, key in lines]
    return html.Table([html.Thead(head), html.Tbody(body)], className="data-table")
