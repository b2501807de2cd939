"""Xếp hạng — the league table of a peer list in a period: ranks and their change, the six columns, total and
band; the totals as bars against the band cut-offs and a target; units per band and the share at the target;
and, for a leader, what a unit needs to reach the next band, the target and the top 10.

The page is drawn from its query string (`?period=2024&peers=74:commune&district=718&target=95&unit=25747`, with
`&boundaries=today` on today's boundaries):
the selectors write it, and the page is drawn again from it, so every view is a link.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard import exports, i18n, theme
from dashboard.components import charts, downloads, selectors
from dashboard.components.grid import Column, grid
from dashboard.queries import base, scores
from dashboard.queries.base import carry
from indicators import GROUPS

dash.register_page(__name__, path="/", name="Xếp hạng", name_en="Rankings", nav=True, order=0,
                   title="Xếp hạng — Bộ chỉ số 766")

PREFIX = "rankings"
DEFAULT_TARGET = 90.0
TOP = 10
# The portal's column names are long; the table heads them short, with the column's maximum.
SHORT_GROUP_NAMES = {
    "transparency": ("Công khai", "Transparency"), "progress": ("Tiến độ", "Progress"),
    "online": ("DVC trực tuyến", "Online"), "payment": ("Thanh toán", "Payment"),
    "digitisation": ("Số hóa", "Digitisation"), "satisfaction": ("Hài lòng", "Satisfaction"),
}
COLUMNS = [
    Column("rank", "rank", "count", width=80, pinned=True),
    Column("rank_change", "rank_change", "rank_change", width=110),
    Column("unit_name", "unit", "link", width=230, pinned=True),
    *[Column(g.key, tuple(f"{name} ({g.max_points:g})" for name in SHORT_GROUP_NAMES[g.key]), "score", width=125)
      for g in GROUPS],
    Column("total", "total", "score", width=105),
    Column("score_change", "score_change", "change", width=115),
    Column("band", "band", "band", width=115),
]
# On today's boundaries, the share of each unit's re-drawn dossiers that came from divided communes; for the units
# of today's tree, the old units whose dossiers they hold (the search finds a unit by an old name).
DIVIDED = Column("divided_share", ("Từ xã bị chia", "From divided communes"), "share", width=140)
FORMED_FROM = Column("formed_from", ("Hình thành từ", "Formed from"), width=320)
LABELS = {
    "title": ("Xếp hạng", "Rankings"),
    "units": ("Số đơn vị", "Units"),
    "at_target": ("Đạt mục tiêu", "At the target"),
    "target_points": ("Mục tiêu (điểm)", "Target (points)"),
    "totals": ("Tổng điểm theo đơn vị", "Totals by unit"),
    "table": ("Bảng xếp hạng", "League table"),
    "search": ("Tìm đơn vị…", "Find a unit…"),
    "pick": ("Chọn một dòng trong bảng để xem đơn vị đó cần thêm bao nhiêu điểm.",
             "Pick a row of the table to see how many points that unit needs."),
}


def _label(key: str, language: str) -> str:
    return i18n.pick(*LABELS[key], language)


def _target(value) -> float:
    try:
        target = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TARGET
    return target if 0 <= target <= 100 else DEFAULT_TARGET


def with_band_names(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Return `frame` with `band_name`, its band key's name in `language`, as the grid and the exports show it."""
    names = {b.key: i18n.pick(b.name_vi, b.name_en, language) for b in theme.bands()}
    return frame.assign(band_name=frame["band"].map(names))


@exports.table("rankings", needs="scores")
def table(params: dict) -> exports.Table:
    """Return the league table of `params` (period, peers, district) as the page shows it."""
    scope, choices = selectors.resolve(params)
    frame = with_band_names(scores.league(scope.period, scope.peers, scope.district, boundaries=scope.boundaries),
                            i18n.lang())
    return exports.Table(LABELS["title"], columns(scope, frame), frame, selectors.subtitle(scope, choices),
                         selectors.file_tag(scope.period, scope.boundaries))


def columns(scope: selectors.Scope, frame: pd.DataFrame) -> list[Column]:
    """Return the table's columns: with the share from divided communes for a period re-drawn on today's
    boundaries, and what the units were formed from for the units of today's tree."""
    extra = [column for column in (DIVIDED, FORMED_FROM) if frame[column.field].notna().any()]
    return [*COLUMNS, *extra]


def needs(total: float, rank: int, n_peers: int, top_total: float | None, target: float, top: int = TOP) -> dict:
    """Return what a unit with `total` (rounded to 2 decimals) placed `rank` of `n_peers` needs: `next_band`
    (the band above its own, None at the top) and `to_next_band`, `to_target` (0 when reached) and `to_top`
    (points to tie the unit placed `top`-th; 0 inside the top, None for a list no longer than `top`)."""
    bands = theme.bands()
    above = [b for b in bands if b.min > total]
    next_band = above[-1] if above else None
    to_top = None
    if n_peers > top and top_total is not None:
        to_top = 0.0 if rank <= top else round(top_total - total, 2)
    return {"next_band": next_band, "to_next_band": round(next_band.min - total, 2) if next_band else None,
            "to_target": round(max(0.0, target - total), 2), "to_top": to_top}


def _points(value: float, language: str) -> str:
    return i18n.number(value, 2 if value % 1 else 0, language)


def leader_text(name: str, total: float, rank: int, n_peers: int, top_total: float | None, target: float,
                language: str) -> str:
    """Return the sentence for a leader: "Tỉnh Bình Dương: hạng 20/63, 84,47 điểm; cần thêm 5,53 điểm để đạt Xuất
    sắc, 3,79 điểm để vào top 10." (the target named too when it is not the next band's cut-off)."""
    need = needs(total, rank, n_peers, top_total, target)
    band = need["next_band"]
    parts = []
    if band:
        parts.append(i18n.pick(f"{i18n.number(need['to_next_band'], 2, language)} điểm để đạt {band.name_vi}",
                               f"{i18n.number(need['to_next_band'], 2, language)} points to reach {band.name_en}",
                               language))
    if need["to_target"] > 0 and (not band or band.min != target):
        parts.append(i18n.pick(
            f"{i18n.number(need['to_target'], 2, language)} điểm để đạt mục tiêu {_points(target, language)}",
            f"{i18n.number(need['to_target'], 2, language)} points to reach the target of {_points(target, language)}",
            language))
    if need["to_top"]:
        parts.append(i18n.pick(f"{i18n.number(need['to_top'], 2, language)} điểm để vào top {TOP}",
                               f"{i18n.number(need['to_top'], 2, language)} points to enter the top {TOP}", language))
    head = i18n.pick(f"{name}: hạng {rank}/{n_peers}, {i18n.number(total, 2, language)} điểm",
                     f"{name}: rank {rank} of {n_peers}, {i18n.number(total, 2, language)} points", language)
    in_top = i18n.pick(f"trong top {TOP}", f"in the top {TOP}", language) if need["to_top"] == 0 else None
    if not parts:
        done = i18n.pick("đã đạt mục tiêu", "the target is reached", language)
        return f"{head}; {done}{', ' + in_top if in_top else ''}."
    note = f" ({in_top})" if in_top else ""
    return f"{head}; {i18n.pick('cần thêm', 'needs', language)} {', '.join(parts)}{note}."


def standing_of(unit_code: str | None, scope: selectors.Scope) -> tuple | None:
    """Return the arguments of the standing the leader's line shows: `unit_code` in the scope's peer list; by
    default, for a province's lists, the province among the provinces; None when there is no unit."""
    if not unit_code and scope.province:
        return (scope.province, scope.period, selectors.NATIONAL, None, TOP, None, scope.boundaries)
    if unit_code and scope.period:
        return (unit_code, scope.period, scope.peers, scope.district, TOP, None, scope.boundaries)
    return None


def leader(found: pd.DataFrame | None, target: float, language: str) -> html.Div:
    """Return the leader's line for a unit's standing (scores.standing), or a hint to pick a row."""
    if found is None or found.empty:
        return html.Div(_label("pick", language), id=f"{PREFIX}-leader", className="leader muted")
    row = found.iloc[0]
    top_total = None if pd.isna(row["top_total"]) else float(row["top_total"])
    text = leader_text(row["unit_name"], float(row["total"]), int(row["rank"]), int(row["n_peers"]), top_total,
                       target, language)
    badge = [html.Span(i18n.pick(b.name_vi, b.name_en, language), className=f"band band-{b.key}")
             for b in theme.bands() if b.key == row["band"]]
    return html.Div([html.Span(text, id=f"{PREFIX}-leader-text"), " ", *badge], id=f"{PREFIX}-leader",
                    className="leader")


def _stats(counts: pd.DataFrame, target: float, language: str) -> html.Div:
    n_units = int(counts["n_units"].sum())
    at_target = int(counts["n_at_target"].sum())
    share = at_target / n_units if n_units else None
    by_band = dict(zip(counts["band"], counts["n_units"]))
    target_text = i18n.number(target, 2 if target % 1 else 0, language)
    cards = [
        html.Div([html.Div(_label("units", language), className="label"),
                  html.Div(i18n.number(n_units, 0, language), className="value", id=f"{PREFIX}-n-units")],
                 className="stat"),
        html.Div([html.Div(f"{_label('at_target', language)} (≥ {target_text})", className="label"),
                  html.Div([i18n.percent(share, 1, language),
                            html.Span(f" {i18n.number(at_target, 0, language)}/{i18n.number(n_units, 0, language)}",
                                      className="muted", style={"fontSize": ".9rem", "fontWeight": 400})],
                           className="value", id=f"{PREFIX}-at-target")],
                 className="stat", style={"borderTop": f"4px solid {theme.TARGET}"}),
    ]
    cards += [html.Div([html.Div(i18n.pick(b.name_vi, b.name_en, language), className="label"),
                        html.Div(i18n.number(int(by_band.get(b.key, 0)), 0, language), className="value",
                                 id=f"{PREFIX}-band-{b.key}")],
                       className="stat", style={"borderTop": f"4px solid {theme.BAND_COLORS[b.key]}"})
              for b in theme.bands()]
    return html.Div(cards, className="cards", id=f"{PREFIX}-stats",
                    style={"gridTemplateColumns": "repeat(auto-fit, minmax(125px, 1fr))"})


def _fetch(pool: ThreadPoolExecutor, scope: selectors.Scope, target: float, unit: str | None) -> tuple:
    """Return the futures of the page's queries for `scope`: the league table, the band counts, the standing."""
    asked = standing_of(unit, scope)
    # carry: the pool's threads read the version this request holds
    return (pool.submit(carry(scores.league), scope.period, scope.peers, scope.district, None, scope.boundaries),
            pool.submit(carry(scores.band_counts), scope.period, scope.peers, target, scope.district, None,
                        scope.boundaries),
            pool.submit(carry(scores.standing), *asked) if asked else None)


# The pages built, per version of the database, address and language: every reader of a ranking sees the same.
_PAGES = base.Kept(entries=128, copy=False)


def layout(period: str | None = None, kind: str | None = None, peers: str | None = None, district: str | None = None,
           target: str | None = None, unit: str | None = None, boundaries: str | None = None, **_) -> html.Div:
    """Return the page for its query string, built once per version of the database and language."""
    language = i18n.lang()
    return _PAGES.get(("rankings", period, kind, peers, district, target, unit, boundaries, language),
                      lambda: _layout(period, kind, peers, district, target, unit, boundaries, language))


def _layout(period: str | None, kind: str | None, peers: str | None, district: str | None, target: str | None,
            unit: str | None, boundaries: str | None, language: str) -> html.Div:
    query = {"period": period, "kind": kind, "peers": peers, "district": district, "boundaries": boundaries}
    chosen_target = _target(target)
    head = [dcc.Location(id=f"{PREFIX}-url", refresh="callback-nav"), html.H1(_label("title", language))]
    # The queries run at once, those of the scope the address names even before it is confirmed: each opens the
    # file cold, and open together they share the opening.
    with ThreadPoolExecutor(4) as pool:
        guessed = selectors.guess(query)
        early = _fetch(pool, guessed, chosen_target, unit) if guessed else None
        scope, choices = selectors.resolve(query)
        if scope.period is None:
            return html.Div([*head, html.P(i18n.t("no_data", language), className="card")])
        league, counts, found = [f and f.result() for f in
                                 (early if scope == guessed else _fetch(pool, scope, chosen_target, unit))]
    frame = with_band_names(league, language)
    state = {**scope.query(), "boundaries": scope.boundaries, "target": chosen_target, "unit": unit}
    return html.Div([
        *head,
        html.P(f"{selectors.period_label(scope.period, language)}"
               f"{selectors.boundaries_label(scope.boundaries, language)} · "
               f"{selectors.scope_label(scope, choices, language)}",
               className="muted", id=f"{PREFIX}-subtitle"),
        html.Div([*selectors.controls(PREFIX, scope, choices, language),
                  html.Div([html.Label(_label("target_points", language), htmlFor=f"{PREFIX}-target"),
                            dcc.Input(id=f"{PREFIX}-target", type="number", min=0, max=100, step=0.5, debounce=True,
                                      value=chosen_target, className="search", style={"minWidth": "6rem"})],
                           className="control", style={"minWidth": "110px"})],
                 className="controls"),
        html.Div(leader(found, chosen_target, language), className="card", id=f"{PREFIX}-leader-card"),
        _stats(counts, chosen_target, language),
        html.Div([html.H2(_label("totals", language), style={"marginTop": 0}),
                  dcc.Graph(id=f"{PREFIX}-chart", config={"displayModeBar": False, "responsive": True},
                            figure=charts.league_bars(frame, theme.bands(), chosen_target, language))],
                 className="card"),
        html.H2(_label("table", language)),
        html.Div([dcc.Input(id=f"{PREFIX}-search", type="search", placeholder=_label("search", language),
                            className="search", debounce=False, style={"width": "260px"}),
                  downloads.buttons("rankings", scope.query())], className="toolbar"),
        grid(f"{PREFIX}-grid", columns(scope, frame), frame, height="560px", getRowId="params.data.unit_code",
             dashGridOptions={"quickFilterText": ""}),
        dcc.Store(id=f"{PREFIX}-state", data=state),
        html.Div(id=f"{PREFIX}-address", hidden=True),
    ])


@callback(
    Output(f"{PREFIX}-url", "href"),
    Input(f"{PREFIX}-kind", "value"), Input(f"{PREFIX}-period", "value"), Input(f"{PREFIX}-province", "value"),
    Input(f"{PREFIX}-level", "value"), Input(f"{PREFIX}-district", "value"), Input(f"{PREFIX}-target", "value"),
    Input(f"{PREFIX}-boundaries", "value"),
    prevent_initial_call=True,
)
def navigate(kind, period, province, level, district, target, shown):
    """Return the query string the selectors ask for; the page is drawn again from it."""
    if not ctx.triggered_id:
        return no_update
    trigger = ctx.triggered_id.removeprefix(f"{PREFIX}-")
    query = selectors.query(trigger, kind, period, province, level, district, shown)
    if _target(target) != DEFAULT_TARGET:
        query["target"] = f"{_target(target):g}"
    return "/?" + urlencode(query)


@callback(
    Output(f"{PREFIX}-leader-card", "children"), Output(f"{PREFIX}-state", "data"),
    Input(f"{PREFIX}-grid", "cellClicked"), State(f"{PREFIX}-state", "data"),
    prevent_initial_call=True,
)
def pick(cell, state):
    """Return the leader's line for the clicked row's unit, and the page state naming it."""
    if not cell or not cell.get("rowId"):
        return no_update, no_update
    asked = standing_of(cell["rowId"], selectors.Scope.of(state))
    found = scores.standing(*asked) if asked else None
    return leader(found, _target(state.get("target")), i18n.lang()), {**state, "unit": cell["rowId"]}


# The search box filters the table in the browser; no round trip.
clientside_callback(
    """function (text, options) { return Object.assign({}, options, {quickFilterText: text || ""}); }""",
    Output(f"{PREFIX}-grid", "dashGridOptions"),
    Input(f"{PREFIX}-search", "value"), State(f"{PREFIX}-grid", "dashGridOptions"),
    prevent_initial_call=True,
)

# The picked unit's bar stands out: the others fade.
clientside_callback(
    """function (state, figure) {
        const bars = figure && figure.data && figure.data[0];
        if (!state || !state.unit || !bars || !bars.ids || bars.ids.indexOf(state.unit) < 0) {
            return window.dash_clientside.no_update;
        }
        const opacity = bars.ids.map(code => code === state.unit ? 1 : 0.35);
        const marker = Object.assign({}, bars.marker, {opacity: opacity});
        const data = [Object.assign({}, bars, {marker: marker})].concat(figure.data.slice(1));
        return Object.assign({}, figure, {data: data});
    }""",
    Output(f"{PREFIX}-chart", "figure"),
    Input(f"{PREFIX}-state", "data"), State(f"{PREFIX}-chart", "figure"),
)

# The address bar shows the state drawn (a resolved period, a picked unit) without drawing the page again.
clientside_callback(
    """function (state) {
        if (!state) { return window.dash_clientside.no_update; }
        const query = new URLSearchParams();
        for (const key of ["period", "peers", "district", "boundaries", "target", "unit"]) {
            const value = state[key];
            if (value !== null && value !== undefined && value !== "" && !(key === "target" && value === 90)
                && !(key === "boundaries" && value === "as_was")) {
                query.set(key, value);
            }
        }
        window.history.replaceState(window.history.state, "", window.location.pathname + "?" + query.toString());
        return window.dash_clientside.no_update;
    }""",
    Output(f"{PREFIX}-address", "title"),
    Input(f"{PREFIX}-state", "data"),
)
