"""Chỉ số — one indicator: what it measures and how it is scored (from the registry, in the reader's language),
and across a peer list in a period: how its values spread, the units that lose the most points on it, and the
peer list's monthly median and average.

The page is drawn from its path and query string (`/chi-so/2.1?period=2024&peers=74:commune`).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, ctx, dcc, html, no_update

from dashboard import exports, i18n
from dashboard.components import charts, downloads, selectors
from dashboard.components.grid import Column, grid
from dashboard.queries import base, scores
from dashboard.queries.base import carry
from indicators import GROUPS, REGISTRY, rulesets

# `path` is where the navigation links: the first scored indicator; the template serves every indicator.
dash.register_page(__name__, path="/chi-so/2.1", path_template="/chi-so/<indicator_id>", name="Chỉ số",
                   name_en="Indicators", nav=True, order=1, title="Chỉ số — Bộ chỉ số 766")

PREFIX = "indicator"
DEFAULT_INDICATOR = "2.1"
GROUP_OF = {i.id: g for g in GROUPS for i in g.indicators}
EMPTY_FIGURE = {"data": [], "layout": {"height": 300, "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                       "paper_bgcolor": "white", "plot_bgcolor": "white"}}
NO_DATA_RULES = {
    "zero": ("Không có dữ liệu (mẫu số bằng 0): 0 điểm", "No data (a zero denominator): 0 points"),
    "full": ("Không có dữ liệu (mẫu số bằng 0): đủ điểm", "No data (a zero denominator): full points"),
    "not_applicable": ("Không có dữ liệu: không áp dụng, tổng điểm quy đổi về thang 100",
                       "No data: not applicable, the total rescaled to 100"),
}
LABELS = {
    "group": ("Nhóm", "Column"),
    "display_only": ("Chỉ để theo dõi, không tính điểm", "Shown for information, earns no points"),
    "formula": ("Cách tính", "How it is computed"),
    "ratio_is": ("Tỷ lệ = Tử số / Mẫu số", "Ratio = numerator / denominator"),
    "points_are": ("Điểm = {max} × min(1, tỷ lệ / {target})", "Points = {max} × min(1, ratio / {target})"),
    "days_are": ("Giá trị = Tử số / Mẫu số (ngày làm việc)", "Value = numerator / denominator (working days)"),
    "pick": ("Chỉ số", "Indicator"),
    "units_with_data": ("Đơn vị có dữ liệu", "Units with data"),
    "median": ("Trung vị", "Median"),
    "at_target": ("Đạt mục tiêu", "At the target"),
    "lost": ("Điểm bị mất bình quân", "Average points lost"),
    "spread": ("Phân bố giữa các đơn vị", "Spread across the units"),
    "weakest": ("Đơn vị yếu nhất", "Weakest units"),
    "search": ("Tìm đơn vị…", "Find a unit…"),
    "unknown": ("Không có chỉ số này.", "There is no such indicator."),
    "days": ("ngày", "days"),
}


def _label(key: str, language: str) -> str:
    return i18n.pick(*LABELS[key], language)


def columns(indicator_id: str) -> list[Column]:
    """Return the weakest-units table's columns: a share shows as a percentage, days with 2 decimals."""
    ratio_kind = "score" if REGISTRY[indicator_id].unit == "days" else "share"
    return [
        Column("unit_name", "unit", "link", width=230, pinned=True),
        Column("ratio", "ratio", ratio_kind),
        Column("numerator", "numerator", "count"),
        Column("denominator", "denominator", "count"),
        Column("points", "points", "score"),
        Column("max_points", "max_points", "score"),
        Column("points_lost", "points_lost", "score"),
        Column("total", "total", "score"),
    ]


@exports.table("indicator", needs="scores")
def table(params: dict) -> exports.Table:
    """Return the indicator's values across `params` (indicator, period, peers, district), weakest first."""
    ind = REGISTRY[params["indicator"]]
    scope, choices = selectors.resolve(params)
    frame = scores.indicator_values(ind.id, scope.period, scope.peers, scope.district, boundaries=scope.boundaries)
    vi, en = selectors.subtitle(scope, choices)
    return exports.Table((f"Chỉ số {ind.id}", f"Indicator {ind.id}"), columns(ind.id), frame,
                         (f"{ind.name_vi} · {vi}", f"{ind.name_en} · {en}"),
                         selectors.file_tag(scope.period, scope.boundaries))


def _percent(value: float | None, language: str) -> str:
    """Return a share as a whole percentage when it is one (100 %), else with one decimal (98,2 %)."""
    whole = value is not None and value == value and round(value * 100, 6) % 1 == 0
    return i18n.percent(value, 0 if whole else 1, language)


def about(indicator_id: str, language: str) -> html.Div:
    """Return what the registry and the default rule set say of the indicator: names, column, points, target,
    no-data rule, explanation and formula."""
    ind = REGISTRY[indicator_id]
    rule = rulesets.load().rule(indicator_id)
    group = GROUP_OF[indicator_id]
    facts = [
        (_label("group", language), f"{group.number}. {i18n.pick(group.name_vi, group.name_en, language)}"),
        (i18n.t("max_points", language), i18n.number(rule.max_points, 0, language)),
    ]
    if rule.max_points:
        facts.append((i18n.t("target", language), _percent(rule.target, language)))
    facts.append((i18n.pick("Không có dữ liệu", "No data", language),
                  i18n.pick(*NO_DATA_RULES[rule.no_data], language)))
    if ind.unit == "days":
        scoring = _label("days_are", language)
    else:
        scoring = _label("points_are", language).format(max=i18n.number(rule.max_points, 0, language),
                                                        target=_percent(rule.target, language))
    return html.Div([
        html.H1(f"{ind.id} · {i18n.pick(ind.name_vi, ind.name_en, language)}", id=f"{PREFIX}-title"),
        html.P(i18n.pick(ind.name_en, ind.name_vi, language), className="muted"),
        html.Div([html.Span(_label("display_only", language), className="band band-average")]
                 if ind.display_only else [], style={"margin": ".25rem 0"}),
        html.Div([html.Div([html.Div(k, className="label"), html.Div(v, className="value", style={"fontSize": "1rem"})],
                           className="stat") for k, v in facts], className="cards", id=f"{PREFIX}-facts"),
        html.Div([
            html.P(i18n.pick(ind.explain_vi, ind.explain_en, language), id=f"{PREFIX}-explain"),
            html.H3(_label("formula", language)),
            html.P(_label("ratio_is", language) if ind.unit != "days" else scoring),
            html.Ul([html.Li([html.B(i18n.t("numerator", language) + ": "),
                              i18n.pick(ind.numerator_vi, ind.numerator_en, language)]),
                     html.Li([html.B(i18n.t("denominator", language) + ": "),
                              i18n.pick(ind.denominator_vi, ind.denominator_en, language)])],
                    id=f"{PREFIX}-formula"),
            html.P(scoring) if ind.unit != "days" else None,
        ], className="card"),
    ])


def _stats(frame, indicator_id: str, language: str) -> html.Div:
    ind = REGISTRY[indicator_id]
    rule = rulesets.load().rule(indicator_id)
    ratios = frame["ratio"].dropna()
    share = ind.unit != "days"
    median = ratios.median() if len(ratios) else None
    cards = [(_label("units_with_data", language),
              f"{i18n.number(len(ratios), 0, language)}/{i18n.number(len(frame), 0, language)}"),
             (_label("median", language), _percent(median, language) if share
              else f"{i18n.number(median, 1, language)} {_label('days', language)}")]
    if rule.max_points:
        at_target = int((ratios >= rule.target - 1e-9).sum())
        cards.append((f"{_label('at_target', language)} (≥ {_percent(rule.target, language)})",
                      f"{i18n.number(at_target, 0, language)}/{i18n.number(len(ratios), 0, language)}"))
        cards.append((_label("lost", language), i18n.number(frame["points_lost"].mean() if len(frame) else None, 2,
                                                            language)))
    return html.Div([html.Div([html.Div(k, className="label"), html.Div(v, className="value")], className="stat")
                     for k, v in cards], className="cards", id=f"{PREFIX}-stats")


# The pages built, per version of the database, address and language: every reader of an indicator sees the same.
_PAGES = base.Kept(entries=128, copy=False)


def layout(indicator_id: str | None = None, period: str | None = None, kind: str | None = None,
           peers: str | None = None, district: str | None = None, boundaries: str | None = None, **_) -> html.Div:
    """Return the page for its path and query string, built once per version of the database and language."""
    language = i18n.lang()
    return _PAGES.get(("indicator", indicator_id, period, kind, peers, district, boundaries, language),
                      lambda: _layout(indicator_id, period, kind, peers, district, boundaries, language))


def _layout(indicator_id: str | None, period: str | None, kind: str | None, peers: str | None, district: str | None,
            boundaries: str | None, language: str) -> html.Div:
    picker = html.Div([html.Label(_label("pick", language), htmlFor=f"{PREFIX}-id"), dcc.Dropdown(
        id=f"{PREFIX}-id", clearable=False, value=indicator_id if indicator_id in REGISTRY else None,
        options=[{"label": f"{i.id} · {i18n.pick(i.name_vi, i.name_en, language)}", "value": i.id}
                 for i in REGISTRY.values()])], className="control", style={"minWidth": "320px", "flex": "2"})
    head = [dcc.Location(id=f"{PREFIX}-url", refresh="callback-nav")]
    if indicator_id not in REGISTRY:
        return html.Div([*head, html.H1(_label("pick", language)), html.Div(picker, className="controls"),
                         html.P(_label("unknown", language), className="card")])
    query = {"period": period, "kind": kind, "peers": peers, "district": district, "boundaries": boundaries}
    # The values of the scope the address names are read while the scope is confirmed: each query opens the file
    # cold, and open together they share the opening.
    with ThreadPoolExecutor(2) as pool:
        guessed = selectors.guess(query)
        early = pool.submit(carry(scores.indicator_values), indicator_id, guessed.period, guessed.peers,
                            guessed.district, None, guessed.boundaries) if guessed else None
        scope, choices = selectors.resolve(query)
        controls = html.Div([picker, *selectors.controls(PREFIX, scope, choices, language)], className="controls")
        if scope.period is None:
            return html.Div([*head, about(indicator_id, language), controls, html.P(i18n.t("no_data", language))])
        frame = (early.result() if scope == guessed
                 else scores.indicator_values(indicator_id, scope.period, scope.peers, scope.district,
                                              boundaries=scope.boundaries))
    rule = rulesets.load().rule(indicator_id)
    share = REGISTRY[indicator_id].unit != "days"
    target = rule.target if rule.max_points else None
    graph = {"displayModeBar": False, "responsive": True}
    return html.Div([
        *head,
        about(indicator_id, language),
        controls,
        html.P(f"{selectors.period_label(scope.period, language)}"
               f"{selectors.boundaries_label(scope.boundaries, language)} · "
               f"{selectors.scope_label(scope, choices, language)}",
               className="muted", id=f"{PREFIX}-subtitle"),
        _stats(frame, indicator_id, language),
        html.Div([
            html.Div([html.H2(_label("spread", language), style={"marginTop": 0}),
                      dcc.Graph(id=f"{PREFIX}-distribution", config=graph,
                                figure=charts.distribution(frame, target, share, language))], className="card"),
            html.Div([html.H2(i18n.t("trend", language), style={"marginTop": 0}),
                      dcc.Loading(dcc.Graph(id=f"{PREFIX}-trend", config=graph, figure=EMPTY_FIGURE),
                                  type="dot", color="#b3261e")], className="card"),
        ], className="two-columns"),
        html.H2(_label("weakest", language)),
        html.Div([dcc.Input(id=f"{PREFIX}-search", type="search", placeholder=_label("search", language),
                            className="search", style={"width": "260px"}),
                  downloads.buttons("indicator", {**scope.query(), "indicator": indicator_id})], className="toolbar"),
        grid(f"{PREFIX}-grid", columns(indicator_id), frame, height="480px", getRowId="params.data.unit_code",
             dashGridOptions={"quickFilterText": ""}),
        dcc.Store(id=f"{PREFIX}-trend-params", data={**scope.query(), "indicator": indicator_id}),
    ])


@callback(Output(f"{PREFIX}-trend", "figure"), Input(f"{PREFIX}-trend-params", "data"))
def trend(params):
    """Return the monthly trend of the indicator across the peer list; drawn after the page, which it would slow
    down: it reads every month."""
    if not params:
        return no_update
    indicator_id = params["indicator"]
    rule = rulesets.load().rule(indicator_id)
    frame = scores.indicator_trend(indicator_id, params["peers"], params.get("district"),
                                   boundaries=selectors.boundaries(params.get("boundaries")))
    return charts.trend(frame, rule.target if rule.max_points else None, REGISTRY[indicator_id].unit != "days",
                        i18n.lang())


@callback(
    Output(f"{PREFIX}-url", "href"),
    Input(f"{PREFIX}-id", "value"), Input(f"{PREFIX}-kind", "value"), Input(f"{PREFIX}-period", "value"),
    Input(f"{PREFIX}-province", "value"), Input(f"{PREFIX}-level", "value"), Input(f"{PREFIX}-district", "value"),
    Input(f"{PREFIX}-boundaries", "value"),
    prevent_initial_call=True,
)
def navigate(indicator_id, kind, period, province, level, district, shown):
    """Return the address the selectors ask for; the page is drawn again from it."""
    if not ctx.triggered_id or indicator_id not in REGISTRY:
        return no_update
    trigger = ctx.triggered_id.removeprefix(f"{PREFIX}-")
    return f"/chi-so/{indicator_id}?" + urlencode(selectors.query(trigger, kind, period, province, level, district,
                                                                  shown))


dash.clientside_callback(
    """function (text, options) { return Object.assign({}, options, {quickFilterText: text || ""}); }""",
    Output(f"{PREFIX}-grid", "dashGridOptions"),
    Input(f"{PREFIX}-search", "value"), dash.State(f"{PREFIX}-grid", "dashGridOptions"),
    prevent_initial_call=True,
)
