"""Đơn vị: one unit in one period — where it stands, and where its points were lost.

`/don-vi/<unit_code>?period=2024&indicator=2.1&procedure=1.004647` (`&boundaries=today`: on today's boundaries, a
period before the 2025 reform re-drawn on today's units): breadcrumbs up the tree and links down to the
rankings below it; the total, band, rank, change and the points needed for the next band; the six columns against
their maxima; the ledger of points lost per indicator; for the chosen indicator, the procedures ranked by the
points fixing them would recover and the very dossiers (or feedback items, or procedures) that failed it, paged
by the server; the monthly trend; the units below it; what an old unit went into and what a unit of today was made
of. Every table can be downloaded as it is shown.
"""
from __future__ import annotations

import functools
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    no_update,
)

from access import audit
from access.web import current_scope
from dashboard import exports, i18n, limits, theme
from dashboard.components import downloads, excluded, forecast, lineage, selectors, whatif
from dashboard.components.grid import Column, grid, records
from dashboard.queries import base
from dashboard.queries import lineage as lineage_queries
from dashboard.queries import unit as queries
from indicators import GROUPS, REGISTRY, drill
from indicators.boundaries import AS_WAS

PAGE_SIZE = 100
# A table whose rows the reader picks by clicking them.
SINGLE_ROW = {"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}}

LABELS = {
    "title": ("Đơn vị", "Unit"),
    "country": ("Cả nước", "Whole country"),
    "not_found": ("Không tìm thấy đơn vị {code} trong kỳ này.", "Unit {code} was not scored in this period."),
    "rank_in": ("Hạng trong {peers}", "Rank among {peers}"),
    "previous": ("So với kỳ trước", "Against the previous period"),
    "no_previous": ("Chưa có kỳ trước", "No previous period"),
    "next_band": ("Cần để lên hạng", "Needed for the next band"),
    "to_band": ("để đạt {band}", "to reach {band}"),
    "top_band": ("Đã ở hạng cao nhất", "Already in the top band"),
    "to_target": ("Còn {points} điểm để đạt mục tiêu {target}", "{points} points short of the target {target}"),
    "target_reached": ("Đã đạt mục tiêu {target} điểm", "Target of {target} points reached"),
    "columns": ("Sáu nhóm tiêu chí", "The six columns"),
    "ledger": ("Điểm bị mất theo chỉ số", "Points lost, by indicator"),
    "ledger_hint": ("Chọn một dòng để xem thủ tục và hồ sơ làm mất điểm.",
                    "Pick a row to see the procedures and dossiers that lost the points."),
    "drill": ("Điểm bị mất ở đâu", "Where the points were lost"),
    "choose_indicator": ("Chỉ số", "Indicator"),
    "choose_procedure": ("Lọc theo thủ tục", "Filter by procedure"),
    "all_procedures": ("Mọi thủ tục", "All procedures"),
    "procedures": ("Thủ tục làm mất điểm", "Procedures behind the lost points"),
    "procedures_hint": ("Xếp theo số điểm lấy lại được nếu khắc phục hết hồ sơ không đạt của thủ tục.",
                        "Ranked by the points recovered if all of the procedure's failing dossiers were fixed."),
    "failing_procedures": ("Thủ tục không đạt", "Procedures that failed"),
    "failing_procedures_hint": ("Mỗi thủ tục khắc phục được sẽ lấy lại phần điểm ghi bên cạnh.",
                                "Each procedure fixed recovers the points shown beside it."),
    "dossiers": ("Hồ sơ không đạt", "Dossiers that failed"),
    "feedback": ("Phản ánh, kiến nghị không đạt", "Feedback items that failed"),
    "no_rows": ("Chỉ số này không có danh sách hồ sơ: điểm của nó tính trên quyết định, báo cáo hoặc đơn vị.",
                "This indicator has no list of rows: it is scored on decisions, reports or units."),
    "display_only": ("chỉ để theo dõi", "for information"),
    "n_failing": ("Số không đạt", "Failing"),
    "recoverable": ("Điểm lấy lại được", "Points recoverable"),
    "children": ("Đơn vị trực thuộc", "Units below"),
    "rankings": ("Xếp hạng", "Rankings"),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "channel": ("Kênh nộp", "Channel"),
    "end_kind": ("Kết thúc", "End"),
    "condition": ("Điều kiện không đạt", "Failed condition"),
    "category": ("Loại", "Category"),
    "handled_at": ("Ngày xử lý", "Handled"),
    "likes": ("Thích", "Likes"),
    "dislikes": ("Không thích", "Dislikes"),
    "reraised": ("Phản ánh lại", "Raised again"),
    "group": ("Nhóm", "Column"),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "trend_hint": ("Tổng điểm và từng nhóm theo tháng; đường chấm là ngưỡng xếp loại.",
                   "The total and each column by month; dotted lines are the band thresholds."),
    "in_progress": ("đang giải quyết", "in progress"),
    "judging": ("Đang xét từng hồ sơ của đơn vị trong kỳ…", "Judging the unit's dossiers of the period…"),
    "outside": i18n.LABELS["outside_scope"],
}
KIND_NAMES = {"province": ("Tỉnh, thành phố", "Province"), "district": ("Cấp huyện", "District"),
              "commune": ("Cấp xã", "Commune"), "department": ("Sở, ban, ngành", "Department")}
PEER_NAMES = {"national": ("tỉnh, thành phố", "provinces"), "district": ("huyện", "districts"),
              "commune": ("xã", "communes"), "department": ("sở, ngành", "departments")}
CHANNELS = {"direct": ("trực tiếp", "in person"), "online": ("trực tuyến", "online"), "postal": ("bưu chính", "post")}
END_KINDS = {"finished": ("hoàn thành", "finished"), "returned": ("đã trả", "returned"),
             "stopped": ("dừng, từ chối", "stopped"), "withdrawn": ("rút hồ sơ", "withdrawn"),
             "supplement": ("chờ bổ sung", "awaiting supplement")}
CATEGORIES = {"rules": ("quy định", "rules"), "staff": ("cán bộ", "staff"), "other": ("khác", "other")}

LEDGER_COLUMNS = [
    Column("indicator", ("Chỉ số", "Indicator"), width=260, pinned=True),
    Column("group_name", ("Nhóm", "Column"), width=170),
    Column("max_points", "max_points", "score", width=105),
    Column("points", "points", "score", width=90),
    Column("points_lost", "points_lost", "score", width=115),
    Column("ratio_text", "ratio", width=95),
    Column("numerator", "numerator", "count", width=105),
    Column("denominator", "denominator", "count", width=105),
    excluded.COLUMN,
]
PROCEDURE_COLUMNS = [
    Column("procedure_code", ("Mã thủ tục", "Procedure code"), width=120),
    Column("name", "procedure"),
    Column("n_failing", ("Số không đạt", "Failing"), "count", width=120),
    Column("points_recoverable", ("Điểm lấy lại được", "Points recoverable"), "score", width=150),
]
DOSSIER_COLUMNS = [
    Column("dossier_code", "dossier", width=200, pinned=True),
    Column("procedure_name", "procedure", width=260),
    Column("unit_code", ("Đơn vị", "Unit"), width=110),
    Column("received_at", "received_at", "moment", width=150),
    Column("due_at", "due_at", "moment", width=150),
    Column("end_at", "end_at", "moment", width=150),
    Column("end_kind_name", ("Cách kết thúc", "End kind"), width=140),
    Column("channel_name", ("Kênh nộp", "Channel"), width=110),
    Column("condition", ("Điều kiện không đạt", "Failed condition"), width=260),
]
FEEDBACK_COLUMNS = [
    Column("feedback_id", ("Mã phản ánh", "Feedback id"), width=170, pinned=True),
    Column("unit_code", ("Đơn vị", "Unit"), width=110),
    Column("category_name", ("Loại", "Category"), width=110),
    Column("received_at", "received_at", "moment", width=150),
    Column("due_at", "due_at", "moment", width=150),
    Column("handled_at", ("Ngày xử lý", "Handled"), "moment", width=150),
    Column("likes", ("Thích", "Likes"), "count", width=90),
    Column("dislikes", ("Không thích", "Dislikes"), "count", width=110),
    Column("condition", ("Điều kiện không đạt", "Failed condition"), width=260),
]
CHILD_COLUMNS = [
    Column("name", "unit", "link", width=240, pinned=True),
    Column("kind_name", ("Cấp", "Level"), width=130),
    Column("total", "total", "score", width=110),
    Column("band", "band", "band", width=120),
    Column("rank_text", "rank", width=100),
    Column("score_change", "score_change", "change", width=130),
    Column("rank_change", "rank_change", "rank_change", width=130),
]

dash.register_page(__name__, path_template="/don-vi/<unit_code>", name="Đơn vị", name_en="Unit",
                   title="Đơn vị — Bộ chỉ số 766")


def L(key: str, language: str | None = None, **values) -> str:
    """Return this page's label `key` in `language`, with `values` filled in."""
    text = i18n.pick(*LABELS[key], language)
    return text.format(**values) if values else text


def period_name(period: str, language: str | None = None) -> str:
    """Return a period for readers: "Năm 2024", "Quý 3/2024", "Tháng 07/2024" (or "Year 2024", "Q3 2024", "07/2024")."""
    year, _, rest = period.partition("-")
    if not rest:
        return i18n.pick(f"Năm {year}", f"Year {year}", language)
    if rest.upper().startswith("Q"):
        return i18n.pick(f"Quý {rest[1:]}/{year}", f"Q{rest[1:]} {year}", language)
    return i18n.pick(f"Tháng {rest}/{year}", f"{rest}/{year}", language)


def unit_href(unit_code: str, period: str, shown: str = AS_WAS) -> str:
    """Return the address of a unit's page in a period (on the boundaries `shown`)."""
    return lineage.page_href(unit_code, period, shown)


def rankings_href(period: str, peer_list: str, district: str | None = None, shown: str = AS_WAS) -> str:
    """Return the address of the rankings of a peer list (of one district's communes with `district`)."""
    query = {"period": period, "peers": peer_list, **({"district": district} if district else {}),
             **({"boundaries": shown} if shown != AS_WAS else {})}
    return f"/?{urlencode(query)}"


def _signed(value, decimals: int, language: str) -> html.Span:
    if value is None or pd.isna(value):
        return html.Span("–", className="same")
    arrow, cls = ("↑ ", "up") if value > 0 else ("↓ ", "down") if value < 0 else ("", "same")
    return html.Span(arrow + i18n.number(abs(value), decimals, language), className=cls)


@functools.cache
def _bands() -> dict:
    """Return the default rule set's bands by key (the rule set is read from its file once)."""
    return {b.key: b for b in theme.bands()}


def _band_badge(band: str | None, language: str) -> html.Span:
    found = _bands().get(band)
    if found is None:
        return html.Span("–")
    return html.Span(i18n.pick(found.name_vi, found.name_en, language), className=f"band band-{band}")


def _band_name(key: str | None, language: str) -> str | None:
    found = _bands().get(key)
    return i18n.pick(found.name_vi, found.name_en, language) if found else None


def _breadcrumbs(chain: pd.DataFrame, period: str, language: str, shown: str = AS_WAS) -> html.Nav:
    items: list = [html.A(L("country", language), href=rankings_href(period, "national", shown=shown))]
    for n, row in enumerate(chain.itertuples()):
        items.append(html.Span(className="sep"))
        last = n == len(chain) - 1
        items.append(html.Span(row.name, className="current") if last
                     else html.A(row.name, href=unit_href(row.unit_code, period, shown)))
    return html.Nav(items, className="breadcrumbs", id="unit-breadcrumbs")


def _peer_links(lists: pd.DataFrame, period: str, language: str, shown: str = AS_WAS) -> html.Div:
    links = []
    for row in lists.itertuples():
        kind = row.peer_list.rsplit(":", 1)[-1]
        vi, en = PEER_NAMES[kind]
        text = i18n.pick(f"Xếp hạng {i18n.number(row.n_units, 0, language)} {vi}",
                         f"Ranking of {i18n.number(row.n_units, 0, language)} {en}", language)
        links.append(html.A(text, href=rankings_href(period, row.peer_list, row.district_code, shown),
                            className="button"))
    return html.Div(links, className="toolbar", id="unit-peer-links")


def _cards(unit: dict, needs: dict, language: str) -> html.Div:
    peers = unit["peer_list"].rsplit(":", 1)[-1]
    rank = html.Div([
        html.Div(L("rank_in", language, peers=i18n.pick(*PEER_NAMES[peers], language)), className="label"),
        html.Div([f"{unit['rank']}/{unit['n_peers']}"], className="value", id="unit-rank"),
        html.Div(_signed(unit["rank_change"], 0, language), className="muted"),
    ], className="stat")
    change = html.Div([
        html.Div(L("previous", language), className="label"),
        html.Div(_signed(unit["score_change"], 2, language), className="value", id="unit-score-change"),
        html.Div(L("no_previous", language) if unit["previous_total"] is None else
                 i18n.pick("Kỳ trước: ", "Previous: ", language) + i18n.number(unit["previous_total"], 2, language),
                 className="muted"),
    ], className="stat")
    if needs["next_band"]:
        climb = [html.Div("+" + i18n.number(needs["points_to_next_band"], 2, language), className="value",
                          id="unit-next-band"),
                 html.Div(L("to_band", language, band=_band_name(needs["next_band"], language)), className="muted")]
    else:
        climb = [html.Div(L("top_band", language), className="value small", id="unit-next-band")]
    target = (L("to_target", language, points=i18n.number(needs["points_to_target"], 2, language),
                target=i18n.number(needs["target"], 0, language)) if needs["points_to_target"] > 0
              else L("target_reached", language, target=i18n.number(needs["target"], 0, language)))
    return html.Div([
        html.Div([html.Div(i18n.t("total", language), className="label"),
                  html.Div(i18n.number(unit["total"], 2, language), className="value", id="unit-total"),
                  _band_badge(unit["band"], language)], className="stat"),
        rank, change,
        html.Div([html.Div(L("next_band", language), className="label"), *climb,
                  html.Div(target, className="muted", id="unit-to-target")], className="stat"),
    ], className="cards")


def _separators(language: str) -> str:
    return ",." if language == "vi" else ".,"


def column_bars(unit: dict, language: str) -> html.Div:
    """Return the six columns as horizontal bars, each the points earned in the column's colour over its maximum.

    Drawn in HTML rather than plotly so that the names wrap and the bars keep their width on a phone.
    """
    rows = []
    for group, colour in zip(GROUPS, theme.GROUP_COLORS):
        points = unit[group.key] or 0
        rows.append(html.Div([
            html.Div([html.Span(f"{group.number}. {i18n.pick(group.name_vi, group.name_en, language)}"),
                      html.B(f"{i18n.number(points, 2, language)} / {i18n.number(group.max_points, 0, language)}")],
                     className="column-bar-label"),
            html.Div(html.Div(className="column-bar-fill",
                              style={"width": f"{min(100.0, 100 * points / group.max_points):.1f}%",
                                     "background": colour}), className="column-bar-track"),
        ], className="column-bar", id=f"unit-column-{group.key}"))
    return html.Div(rows, className="column-bars")


def trend_figure(frame: pd.DataFrame, language: str) -> dict:
    """Return the monthly total and columns as lines, with the band thresholds dotted."""
    months = [str(d)[:10] for d in frame["period_start"]]
    data = [{"type": "scatter", "mode": "lines", "x": months, "y": frame[g.key].round(2).tolist(),
             "line": {"color": colour, "width": 1.5},
             "name": f"{g.number}. {i18n.pick(g.name_vi, g.name_en, language)}"}
            for g, colour in zip(GROUPS, theme.GROUP_COLORS)]
    data.append({"type": "scatter", "mode": "lines+markers", "x": months, "y": frame["total"].round(2).tolist(),
                 "line": {"color": theme.INK, "width": 3}, "name": i18n.t("total", language)})
    thresholds = [b for b in _bands().values() if b.min > 0]
    layout = theme.figure_layout(height=380, separators=_separators(language), hovermode="x unified")
    layout["yaxis"] = {**layout["yaxis"], "range": [0, 102]}
    layout["xaxis"] = {**layout["xaxis"], "tickformat": "%m/%Y"}
    layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": b.min, "y1": b.min,
                         "line": {"color": theme.BAND_COLORS[b.key], "dash": "dot", "width": 1}} for b in thresholds]
    layout["annotations"] = [{"xref": "paper", "x": 0, "y": b.min, "yanchor": "bottom", "xanchor": "left",
                              "showarrow": False, "text": i18n.pick(b.name_vi, b.name_en, language),
                              "font": {"color": theme.BAND_COLORS[b.key], "size": 11}} for b in thresholds]
    return {"data": data, "layout": layout}


def ledger_rows(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Return the ledger as shown: the indicator's id and name, its column, and the ratio in its unit."""
    groups = {g.key: f"{g.number}. {i18n.pick(g.name_vi, g.name_en, language)}" for g in GROUPS}
    shown = frame.copy()
    shown["indicator"] = shown["indicator_id"] + " " + shown["name_vi" if language == "vi" else "name_en"]
    shown.loc[shown["display_only"], "indicator"] += f" ({L('display_only', language)})"
    shown["group_name"] = shown["group_key"].map(groups)
    ratios = shown["ratio"].astype(object).where(shown["ratio"].notna(), None)
    shown["ratio_text"] = [
        i18n.number(r, 1, language) + i18n.pick(" ngày", " days", language) if unit == "days" else
        i18n.percent(r, 1, language) for r, unit in zip(ratios, shown["unit"])]
    shown["excluded_note"] = excluded.notes(shown, language)
    return shown


def climb_line(frame: pd.DataFrame, needs: dict, language: str) -> str:
    """Return the sentence over the ledger: the points needed for the next band, and the fewest indicators, most
    points lost first, whose lost points would cover them."""
    if not needs["next_band"]:
        return L("top_band", language)
    needed = needs["points_to_next_band"]
    lost = frame.dropna(subset=["points_lost"])
    lost = lost[lost["points_lost"] > 0]
    enough = lost[lost["points_lost"].cumsum().shift(fill_value=0) < needed]
    items = ", ".join(f"{r.indicator_id} ({i18n.number(r.points_lost, 2, language)})" for r in enough.itertuples())
    band = _band_name(needs["next_band"], language)
    return i18n.pick(f"Cần thêm {i18n.number(needed, 2, language)} điểm để đạt {band}: "
                     f"lấy lại điểm đã mất ở {items}.",
                     f"{i18n.number(needed, 2, language)} more points reach {band}: recover the points lost in "
                     f"{items}.", language)


def _failed_condition(indicator_id: str, language: str) -> str:
    ind = REGISTRY[indicator_id]
    return i18n.pick(f"Không đạt: {ind.name_vi}", f"Fails: {ind.name_en}", language)


def _names(pairs: dict[str, tuple[str, str]], language: str) -> dict[str, str]:
    return {key: i18n.pick(*pair, language) for key, pair in pairs.items()}


def dossier_rows(frame: pd.DataFrame, indicator_id: str, language: str) -> pd.DataFrame:
    """Return failing dossiers or feedback items as shown: channel, end and category in words, the condition."""
    shown = frame.copy()
    if shown.empty:
        return shown
    if "channel" in shown:
        shown["channel_name"] = shown["channel"].map(_names(CHANNELS, language)).fillna("–")
        shown["end_kind_name"] = shown["end_kind"].map(_names(END_KINDS, language)).fillna(L("in_progress", language))
    if "category" in shown:
        shown["category_name"] = shown["category"].map(_names(CATEGORIES, language)).fillna("–")
    shown["condition"] = _failed_condition(indicator_id, language)
    return shown


def children_rows(frame: pd.DataFrame, period: str, language: str, boundaries: str = AS_WAS) -> pd.DataFrame:
    """Return the units below as shown: a link to each one's page, its level and band in words, rank of peers."""
    shown = frame.copy()
    shown["href"] = [unit_href(code, period, boundaries) for code in shown["unit_code"]]
    shown["kind_name"] = shown["kind"].map(_names(KIND_NAMES, language))
    shown["band_name"] = shown["band"].map({key: _band_name(key, language) for key in _bands()})
    shown["rank_text"] = shown["rank"].astype(str) + "/" + shown["n_peers"].astype(str)
    return shown


# Exports: the same functions fetch the tables for the screen and for the downloads.

@exports.table("unit-ledger", needs="scores")
def ledger_table(params: dict) -> exports.Table:
    """Return the ledger of `unit_code` in `period` as shown, for the downloads."""
    language = i18n.lang()
    shown = selectors.boundaries(params.get("boundaries"))
    with queries.session():
        frame = ledger_rows(queries.ledger(params["unit_code"], params["period"], shown), language)
    return exports.Table(LABELS["ledger"], LEDGER_COLUMNS, frame, _export_subtitle(params, shown),
                         selectors.file_tag(params["period"], shown))


def _export_subtitle(params: dict, shown: str) -> tuple[str, str]:
    """Return a unit table's subtitle for the downloads: the unit, the period and the boundaries."""
    return tuple(f"{params['unit_code']} — {period_name(params['period'], lang)}"
                 f"{selectors.boundaries_label(shown, lang)}" for lang in ("vi", "en"))


@exports.table("unit-children", needs="scores")
def children_table(params: dict) -> exports.Table:
    """Return the units below `unit_code` in `period` with their totals and bands, as shown, for the downloads."""
    language = i18n.lang()
    shown = selectors.boundaries(params.get("boundaries"))
    with queries.session():
        frame = children_rows(queries.children(params["unit_code"], params["period"], shown), params["period"],
                              language, shown)
    return exports.Table(LABELS["children"], CHILD_COLUMNS, frame, _export_subtitle(params, shown),
                         selectors.file_tag(params["period"], shown))


@exports.table("unit-procedures", needs="scoped")
def procedures_table(params: dict) -> exports.Table:
    """Return the procedures behind `indicator`'s lost points for `unit_code` in `period`, for the downloads."""
    ind = limits.indicator(params["indicator"])
    with queries.session():
        frame = queries.failing_procedures(current_scope(), params["unit_code"], params["period"], ind.id)
    return exports.Table(LABELS["procedures"], PROCEDURE_COLUMNS, frame,
                         (f"{params['unit_code']} — {period_name(params['period'], 'vi')} — {ind.id} {ind.name_vi}",
                          f"{params['unit_code']} — {period_name(params['period'], 'en')} — {ind.id} {ind.name_en}"))


@exports.table("unit-dossiers", needs="scoped")
def dossiers_table(params: dict) -> exports.Table:
    """Return the dossiers or feedback items that failed `indicator` (of `procedure`, if given), for the downloads:
    the first `download_rows` (setting) of them, in the grid's order."""
    language = i18n.lang()
    ind = limits.indicator(params["indicator"])
    with queries.session():
        frame, _ = queries.failing_rows(current_scope(), params["unit_code"], params["period"], ind.id,
                                        params.get("procedure"), 0, limits.download_rows())
    kind = drill.kind_of(ind)
    return exports.Table(LABELS["feedback" if kind == "feedback" else "dossiers"],
                         FEEDBACK_COLUMNS if kind == "feedback" else DOSSIER_COLUMNS,
                         dossier_rows(frame, params["indicator"], language),
                         (f"{params['unit_code']} — {period_name(params['period'], 'vi')} — {ind.id} {ind.name_vi}",
                          f"{params['unit_code']} — {period_name(params['period'], 'en')} — {ind.id} {ind.name_en}"))


def default_indicator(frame: pd.DataFrame) -> str | None:
    """Return the indicator to open first: the one with a list of rows that lost the most points."""
    listed = frame[frame["indicator_id"].map(lambda i: drill.kind_of(REGISTRY[i]) is not None)
                   & (frame["points_lost"].fillna(0) > 0)]
    return listed["indicator_id"].iloc[0] if not listed.empty else None


def _shown(frame: pd.DataFrame, columns: list[Column], *extra: str) -> pd.DataFrame:
    """Return only the fields a table shows (and `extra` ones its cells or row ids read): the rows go to the browser."""
    return frame[[c.field for c in columns] + [e for e in extra if e in frame]]


def _hidden(hidden: bool, section: html.Section) -> html.Section:
    """Return `section`, hidden when `hidden` (its callbacks keep their components)."""
    section.hidden = hidden
    return section


def _section(title: str, children: list, section_id: str, extra=None) -> html.Section:
    head = [html.H2(title)] + ([extra] if extra is not None else [])
    return html.Section([html.Div(head, className="section-head"), *children], className="card section", id=section_id)


# The pages built, per version of the database and what shapes them: a unit's page is the same for every reader
# allowed its dossiers (or not), in one language, until the next load.
_PAGES = base.Kept(entries=256, copy=False)


def layout(unit_code: str | None = None, period: str | None = None, indicator: str | None = None,
           procedure: str | None = None, boundaries: str | None = None, **_) -> html.Div:
    """Return the page of `unit_code` in `period` (default: its latest year) on `boundaries` (as they were, or
    `today`), the drill open on `indicator` (default: the listable one that lost the most points), its dossiers
    filtered to `procedure`.

    Everything here is read from the unit's stored rows (indicators/pages.py; on today's boundaries derived from
    the view), and the page built is kept for the version of the database; its dossiers are judged when the drill
    asks for them (`show_drill`, which the browser sends as soon as the page is shown), in the bounded pool."""
    language = i18n.lang()
    shown = selectors.boundaries(boundaries)
    allowed = queries.allows(current_scope(), unit_code or "")
    return _PAGES.get(("unit", unit_code, period, indicator, procedure, shown, language, allowed),
                      lambda: _layout(unit_code, period, indicator, procedure, shown, language, allowed))


def _layout(unit_code: str | None, period: str | None, indicator: str | None, procedure: str | None, shown: str,
            language: str, allowed: bool) -> html.Div:
    with queries.session():
        available = queries.unit_periods(unit_code or "", shown)
        if period is None and not available.empty:
            years = available[available["period_kind"] == "year"]
            period = (years if not years.empty else available)["period"].iloc[0]
        unit = queries.summary(unit_code or "", period or "", shown)
        if unit is None:
            # an old unit asked for on today's boundaries: the units it went into
            gone = lineage_queries.successors(unit_code or "", None) if shown != AS_WAS and period else None
            return html.Div([html.H1(L("title", language)),
                             html.P(L("not_found", language, code=unit_code), className="muted", id="unit-missing"),
                             lineage.merged_into(gone, period, language) if gone is not None else None])
        chain = queries.breadcrumbs(unit_code, period, shown)
        lists = queries.peer_lists(unit_code, period, shown)
        needs = queries.next_band(unit_code, period, shown)
        ledger = queries.ledger(unit_code, period, shown)
        history = queries.trend(unit_code, unit["unit_valid_from"], shown)
        below = queries.children(unit_code, period, shown)
        across = lineage.section(unit, shown, lineage_queries.successors(unit_code, unit["unit_valid_from"]),
                                 lineage_queries.predecessors(unit_code, unit["unit_valid_from"]),
                                 period_name(period, language), language)
    # a period before the reform on today's boundaries: its figures are the sum of old units, whose dossiers,
    # forecast and report are on their own pages
    redrawn = lineage.redrawn(unit, shown)
    if indicator not in REGISTRY:
        indicator = default_indicator(ledger)
    params = {"unit_code": unit_code, "period": period}
    drill_params = {**params, "indicator": indicator, "procedure": procedure}
    tables = {**params, **({"boundaries": shown} if shown != AS_WAS else {})}
    options = [{"label": f"{r.indicator_id} {r.name_vi if language == 'vi' else r.name_en}", "value": r.indicator_id}
               for r in ledger.sort_values("order").itertuples()]
    period_options = [{"label": period_name(p, language), "value": p} for p in available["period"]]
    kind = i18n.pick(*KIND_NAMES[unit["kind"]], language)
    return html.Div([
        dcc.Location(id="unit-nav", refresh="callback-nav"),
        dcc.Store(id="unit-drill", data=drill_params if not redrawn else {**params, "indicator": None}),
        dcc.Store(id="unit-address"),
        _breadcrumbs(chain, period, language, shown),
        html.Div([
            html.Div([html.H1(unit["name"], id="unit-name"),
                      html.Div(f"{kind} · {i18n.pick('Mã', 'Code', language)} {unit_code}"
                               f"{selectors.boundaries_label(shown, language)}", className="muted",
                               id="unit-code-line")]),
            html.Div([html.Label(i18n.t("period", language), htmlFor="unit-period"),
                      dcc.Dropdown(id="unit-period", options=period_options, value=period, clearable=False)],
                     className="control unit-period"),
            lineage.switch(shown, language),
            downloads.pdf_button(unit_code, period) if allowed and not redrawn else None,
        ], className="unit-head"),
        _cards(unit, needs, language),
        _peer_links(lists, period, language, shown),
        across,
        html.Div([
            _section(L("columns", language), [column_bars(unit, language)], "unit-columns-card"),
            _section(i18n.t("trend", language), [
                html.P(L("trend_hint", language), className="muted"),
                dcc.Graph(id="unit-trend", figure=trend_figure(history, language), config={"displayModeBar": False}),
            ], "unit-trend-card"),
        ], className="two-columns"),
        forecast.section(unit, period, language) if not redrawn else None,
        whatif.section(unit, period, language) if not redrawn else None,
        _section(L("ledger", language), [
            html.P(climb_line(ledger, needs, language), className="climb", id="unit-climb"),
            html.P(L("ledger_hint", language), className="muted"),
            grid("unit-ledger", LEDGER_COLUMNS, _shown(ledger_rows(ledger, language), LEDGER_COLUMNS, "indicator_id"),
                 height="420px",
                 getRowId="params.data.indicator_id",
                 # a re-drawn period has no drill: its rows are not picked
                 dashGridOptions=SINGLE_ROW if not redrawn else {}),
            excluded.listing(ledger, language),
        ], "unit-ledger-card", downloads.buttons("unit-ledger", tables)),
        _hidden(redrawn, _section(L("drill", language), [
            html.Div([
                html.Div([html.Label(L("choose_indicator", language), htmlFor="unit-indicator"),
                          dcc.Dropdown(id="unit-indicator", options=options, value=indicator, clearable=False)],
                         className="control wide"),
                html.Div([html.Label(L("choose_procedure", language), htmlFor="unit-procedure"),
                          dcc.Dropdown(id="unit-procedure", options=[], value=procedure,
                                       placeholder=L("all_procedures", language))],
                         className="control wide"),
            ], className="controls"),
            html.P(id="unit-indicator-explain", className="muted"),
            html.Div(id="unit-drill-body"),
            dcc.Interval(id="unit-wait", interval=400, disabled=True),
        ], "unit-drill-card")),
        _section(L("children", language), [
            grid("unit-children", CHILD_COLUMNS,
                 _shown(children_rows(below, period, language, shown), CHILD_COLUMNS, "href", "band_name"),
                 height="360px"),
        ], "unit-children-card", downloads.buttons("unit-children", tables)) if not below.empty else None,
    ], className="unit-page")


def paged_grid(grid_id: str, columns: list[Column], language: str) -> dag.AgGrid:
    """Return a grid whose rows the server hands out a block at a time (`serve_rows`), for lists of any length."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[{**c.definition(language), "sortable": False, "filter": False} for c in columns],
        rowModelType="infinite",
        dashGridOptions={"cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 10, "infiniteInitialRowCount": PAGE_SIZE,
                         "rowBuffer": 0, "enableCellTextSelection": True,
                         "localeText": {"noRowsToShow": i18n.t("no_data", language)}},
        className="ag-theme-quartz kpi-grid",
        style={"height": "420px", "width": "100%"},
    )


def _drill_body(scope, params: dict, language: str) -> list:
    """Return the procedures table and the paged rows grid of the chosen indicator."""
    ind = REGISTRY[params["indicator"]]
    kind = drill.kind_of(ind)
    if kind is None:
        return [html.P(L("no_rows", language), className="muted", id="unit-no-rows")]
    parts = []
    if kind in ("dossier", "procedure"):
        frame = queries.failing_procedures(scope, params["unit_code"], params["period"], ind.id)
        title, hint = (("procedures", "procedures_hint") if kind == "dossier"
                       else ("failing_procedures", "failing_procedures_hint"))
        parts += [html.Div([html.H3(L(title, language)),
                            downloads.buttons("unit-procedures", {k: params[k] for k in
                                                                  ("unit_code", "period", "indicator")})],
                           className="section-head"),
                  html.P(L(hint, language), className="muted"),
                  grid("unit-procedures", PROCEDURE_COLUMNS, frame, height="300px",
                       getRowId="params.data.procedure_code", dashGridOptions=SINGLE_ROW)]
    if kind in ("dossier", "feedback"):
        columns = DOSSIER_COLUMNS if kind == "dossier" else FEEDBACK_COLUMNS
        parts += [html.Div([html.H3(L("dossiers" if kind == "dossier" else "feedback", language),
                                    id="unit-rows-title"),
                            downloads.buttons("unit-dossiers", params)], className="section-head"),
                  paged_grid("unit-rows", columns, language)]
    return parts


@callback(
    Output("unit-nav", "href"),
    Input("unit-period", "value"),
    State("unit-drill", "data"),
    State("unit-boundaries", "value"),
    prevent_initial_call=True,
)
def choose_period(period, params, shown=AS_WAS):
    """Go to the unit in the chosen period, keeping the chosen indicator and the boundaries shown."""
    if not period or not params or period == params.get("period"):
        return no_update
    query = {"period": period, **({"indicator": params["indicator"]} if params.get("indicator") else {}),
             **({"boundaries": shown} if selectors.boundaries(shown) != AS_WAS else {})}
    return f"/don-vi/{params['unit_code']}?{urlencode(query)}"


@callback(
    Output("unit-nav", "href", allow_duplicate=True),
    Input("unit-boundaries", "value"),
    State("unit-drill", "data"),
    prevent_initial_call=True,
)
def choose_boundaries(shown, params):
    """Go to the unit in the same period on the chosen boundaries."""
    if not params:
        return no_update
    return unit_href(params["unit_code"], params["period"], selectors.boundaries(shown))


@callback(
    Output("unit-indicator", "value"),
    Input("unit-ledger", "selectedRows"),
    prevent_initial_call=True,
)
def pick_from_ledger(rows):
    """Open the indicator whose ledger row the reader picked."""
    return rows[0]["indicator_id"] if rows else no_update


@callback(
    Output("unit-procedure", "value"),
    Input("unit-procedures", "selectedRows"),
    prevent_initial_call=True,
)
def pick_procedure(rows):
    """Filter the dossiers by the procedure the reader picked."""
    return rows[0]["procedure_code"] if rows else no_update


@callback(
    Output("unit-drill", "data"),
    Output("unit-procedure", "value", allow_duplicate=True),
    Input("unit-indicator", "value"),
    Input("unit-procedure", "value"),
    State("unit-drill", "data"),
    prevent_initial_call=True,
)
def choose_drill(indicator, procedure, params):
    """Keep the chosen indicator and procedure; a new indicator clears the procedure."""
    changed = indicator != params.get("indicator")
    chosen = {**params, "indicator": indicator, "procedure": None if changed else procedure}
    return chosen, (None if changed and procedure else no_update)


@callback(
    Output("unit-drill-body", "children"),
    Output("unit-indicator-explain", "children"),
    Output("unit-procedure", "options"),
    Output("unit-wait", "disabled"),
    Input("unit-drill", "data"),
    Input("unit-wait", "n_intervals"),
)
def show_drill(params, _):
    """Show the chosen indicator's procedures and failing rows; while the unit's rows are still being judged (a
    province's year takes about a second), say so and look again shortly rather than hold the request."""
    language = i18n.lang()
    if not params or not params.get("indicator"):
        return [], "", [], True
    ind = limits.indicator(params["indicator"])
    scope = current_scope()
    with queries.session():
        unit = queries.summary(params["unit_code"], params["period"])
        peers = {"peers": unit["peer_list"]} if unit else {}
        explain = [i18n.pick(ind.explain_vi, ind.explain_en, language), " ",
                   html.A(i18n.pick(f"Chỉ số {ind.id} ở các đơn vị cùng nhóm →",
                                    f"Indicator {ind.id} across the peers →", language),
                          href=f"/chi-so/{ind.id}?{urlencode({'period': params['period'], **peers})}",
                          id="unit-indicator-link")]
        if drill.kind_of(ind) is not None and not queries.allows(scope, params["unit_code"]):
            audit.record("refused", unit_code=params["unit_code"], period=params["period"], indicator=ind.id)
            return html.P(L("outside", language), className="muted", id="unit-outside"), explain, [], True
        if drill.kind_of(ind) is not None and not queries.drill_ready(scope, params["unit_code"], params["period"]):
            try:
                queries.prepare_drill(scope, params["unit_code"], params["period"])
            except limits.Busy:  # the pool is full: say so, and the interval asks again
                return (html.P(i18n.pick(*limits.BUSY, language), className="muted loading", id="unit-busy"),
                        explain, [], False)
            return html.P(L("judging", language), className="muted loading", id="unit-judging"), explain, [], False
        body = _drill_body(scope, params, language)
        options = []
        if drill.kind_of(ind) == "dossier":
            found = queries.failing_procedures(scope, params["unit_code"], params["period"], ind.id)
            options = [{"label": f"{r.procedure_code} {r.name or ''}", "value": r.procedure_code}
                       for r in found.itertuples()]
    return body, explain, options, True


@callback(
    Output("unit-rows", "getRowsResponse"),
    Input("unit-rows", "getRowsRequest"),
    State("unit-drill", "data"),
    prevent_initial_call=True,
)
def serve_rows(request, params):
    """Return the block of failing rows the grid asks for: rowData and the total rowCount."""
    if not request or not params or not params.get("indicator"):
        return no_update
    start, end = limits.window(request, PAGE_SIZE)
    limits.indicator(params["indicator"])
    with queries.session():
        frame, count = queries.failing_rows(current_scope(), params["unit_code"], params["period"],
                                            params["indicator"], params.get("procedure"), start, end)
    audit.record("view", unit_code=params["unit_code"], period=params["period"], indicator=params["indicator"],
                 n_rows=len(frame), detail=f"rows {start}+")
    columns = FEEDBACK_COLUMNS if "feedback_id" in frame else DOSSIER_COLUMNS
    shown = frame if frame.empty else _shown(dossier_rows(frame, params["indicator"], i18n.lang()), columns)
    return {"rowData": records(shown), "rowCount": count}


# The chosen indicator and procedure go into the address, so the view is a link; without reloading the page.
clientside_callback(
    """function (params) {
        if (!params) { return window.dash_clientside.no_update; }
        const query = new URLSearchParams(window.location.search);
        for (const key of ["indicator", "procedure"]) {
            if (params[key]) { query.set(key, params[key]); } else { query.delete(key); }
        }
        window.history.replaceState(window.history.state, "", window.location.pathname + "?" + query.toString());
        return window.dash_clientside.no_update;
    }""",
    Output("unit-address", "data"),
    Input("unit-drill", "data"),
)
