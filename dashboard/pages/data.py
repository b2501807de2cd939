"""Dữ liệu: what is loaded — rows per table and the dossiers' dates, the load history, the rows each load
rejected and why (downloadable), and the provinces of both trees with their units and dossiers.

State in the URL: `?load=N` shows the rejections of load N (default: every load).
"""
from __future__ import annotations

import dash
from dash import Input, Output, callback, clientside_callback, dcc, html

from access import audit
from access.scope import Refused
from access.web import current_scope
from dashboard import exports, i18n, limits
from dashboard.components import audit_log, downloads
from dashboard.components.grid import Column, grid, records
from dashboard.queries import data as queries

dash.register_page(__name__, path="/du-lieu", name="Dữ liệu", name_en="Data", nav=True, order=4,
                   title="Dữ liệu — Bộ chỉ số 766")

ENTITY_LABELS = {
    "units": ("Đơn vị", "Units"), "procedures": ("Thủ tục hành chính", "Procedures"),
    "procedure_decisions": ("Quyết định công bố", "Publication decisions"), "dossiers": ("Hồ sơ", "Dossiers"),
    "dossier_events": ("Quá trình xử lý", "Processing records"), "feedback": ("Phản ánh, kiến nghị", "Feedback"),
    "national_report": ("Báo cáo quốc gia", "National report"),
}
LABELS = {
    "title": ("Dữ liệu đã nạp", "Loaded data"),
    "tables": ("Bảng dữ liệu", "Tables"),
    "table": ("Bảng", "Table"),
    "rows": ("Số dòng", "Rows"),
    "dossiers": ("Hồ sơ", "Dossiers"),
    "received": ("Tiếp nhận", "Received"),
    "loads": ("Lần nạp", "Loads"),
    "rejected": ("Dòng bị từ chối", "Rejected rows"),
    "history": ("Lịch sử nạp dữ liệu", "Load history"),
    "reasons": ("Dòng bị từ chối theo lý do", "Rejected rows by reason"),
    "reasons_help": ("Mỗi dòng bị từ chối được ghi lại cùng tệp, số dòng, cột, giá trị và lý do; tải về để sửa và nạp lại.",
                     "Every rejected row is kept with its file, line, column, value and reason; download them to fix "
                     "and load again."),
    "by_reason": ("Theo lý do", "By reason"),
    "provinces": ("Các tỉnh, thành phố", "Provinces"),
    "all_loads": ("Mọi lần nạp", "Every load"),
    "load": ("Lần nạp", "Load"),
    "old_tree": ("Trước 01/07/2025: {n} tỉnh, thành phố", "Before 01/07/2025: {n} provinces"),
    "new_tree": ("Từ 01/07/2025: {n} tỉnh, thành phố", "From 01/07/2025: {n} provinces"),
}
PROVINCE_COLUMNS = (("Mã", "Code"), ("Tỉnh, thành phố", "Province"), ("Cấp huyện", "Districts"),
                    ("Cấp xã", "Communes"), ("Sở, ngành", "Departments"), ("Hồ sơ", "Dossiers"),
                    ("Tiếp nhận từ", "Received from"), ("đến", "to"))
TREES = (("Trước 01/07/2025", "Before 1 July 2025"), ("Từ 01/07/2025", "From 1 July 2025"))
PROVINCE_EXPORT_COLUMNS = [
    Column("tree", ("Cây đơn vị", "Unit tree")),
    *(Column(field, header, kind) for field, header, kind in zip(
        ("province_code", "name", "n_districts", "n_communes", "n_departments", "n_dossiers", "first_received_at",
         "last_received_at"),
        PROVINCE_COLUMNS, ("text", "text", "count", "count", "count", "count", "date", "date"))),
]
LOAD_COLUMNS = [
    Column("load_id", ("Lần", "Load"), "count", width=80),
    Column("started_at", ("Bắt đầu", "Started"), "moment", width=150),
    Column("finished_at", ("Kết thúc", "Finished"), "moment", width=150),
    Column("source", ("Nguồn", "Source")),
    Column("n_files", ("Tệp", "Files"), "count", width=80),
    Column("n_read", ("Đọc", "Read"), "count", width=100),
    Column("n_loaded", ("Mới", "New"), "count", width=100),
    Column("n_replaced", ("Thay thế", "Replaced"), "count", width=125),
    Column("n_unchanged", ("Không đổi", "Unchanged"), "count", width=135),
    Column("n_rejected", ("Từ chối", "Rejected"), "count", width=115),
    Column("status", ("Trạng thái", "Status"), width=120),
]
REASON_COLUMNS = [
    Column("n_rows", ("Số dòng", "Rows"), "count", width=110),
    Column("reason", ("Lý do", "Reason"), width=440),
    Column("entity_name", ("Bảng", "Table"), width=130),
    Column("file", ("Tệp", "File")),
    Column("columns", ("Cột", "Columns"), width=140),
    Column("first_line", ("Dòng đầu", "First line"), "count", width=120),
    Column("load_id", ("Lần nạp", "Load"), "count", width=110),
]
REJECTED_COLUMNS = [
    Column("load_id", ("Lần nạp", "Load"), "count"),
    Column("entity_name", ("Bảng", "Table")),
    Column("file", ("Tệp", "File")),
    Column("line", ("Dòng", "Line"), "count"),
    Column("column", ("Cột", "Column")),
    Column("value", ("Giá trị", "Value")),
    Column("reason", ("Lý do", "Reason")),
    Column("unit_code", ("Đơn vị", "Unit")),
]


def _t(key: str, language: str | None = None) -> str:
    return i18n.pick(*LABELS[key], language)


def _load_id(load) -> int | None:
    """Return the load chosen in the URL or the control as a number, or None for every load."""
    return limits.whole_number(load, "load")


def _entity_names(frame, language: str):
    names = {k: i18n.pick(*v, language) for k, v in ENTITY_LABELS.items()}
    return frame.assign(entity_name=frame["entity"].map(names).fillna(frame["entity"]))


def _scope(load_id: int | None) -> tuple[str, str]:
    return (f"Lần nạp {load_id}", f"Load {load_id}") if load_id else LABELS["all_loads"]


@exports.table("rejected-rows", needs="province")
def rejected_table(params: dict) -> exports.Table:
    """Return the rejected rows of the load in `params['load']` (or of every load), as the page downloads them."""
    load_id = _load_id(params.get("load"))
    frame = _entity_names(queries.rejected_rows(current_scope(), load_id), i18n.lang())
    return exports.Table(LABELS["rejected"], REJECTED_COLUMNS, frame, _scope(load_id),
                         tag=f"{_t('load')}-{load_id}" if load_id else None)


@exports.table("rejection-reasons", needs="province")
def reasons_table(params: dict) -> exports.Table:
    """Return the rejected rows grouped by reason, as the page shows them."""
    load_id = _load_id(params.get("load"))
    frame = _entity_names(queries.rejection_reasons(current_scope(), load_id), i18n.lang())
    return exports.Table(LABELS["reasons"], REASON_COLUMNS, frame, _scope(load_id),
                         tag=f"{_t('load')}-{load_id}" if load_id else None)


@exports.table("loads", needs="province")
def loads_table(params: dict) -> exports.Table:
    """Return the load history, the latest load first."""
    return exports.Table(LABELS["history"], LOAD_COLUMNS, queries.load_runs(current_scope()))


@exports.table("provinces", needs="scores")
def provinces_table(params: dict) -> exports.Table:
    """Return the provinces of both trees with their units and dossiers, as the page shows them."""
    frame = queries.provinces().copy()
    frame["tree"] = frame["is_new_tree"].map({False: i18n.pick(*TREES[0]), True: i18n.pick(*TREES[1])})
    return exports.Table(LABELS["provinces"], PROVINCE_EXPORT_COLUMNS, frame)


def _table(headers, rows, table_id: str) -> html.Div:
    """Return a plain table that scrolls sideways on a narrow screen rather than widening the page."""
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])),
                                html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
                               id=table_id, className="data-table"), style={"overflowX": "auto"})


def _province_rows(frame):
    return [(r.province_code, r.name, i18n.number(r.n_districts), i18n.number(r.n_communes),
             i18n.number(r.n_departments), i18n.number(r.n_dossiers),
             i18n.day(r.first_received_at), i18n.day(r.last_received_at))
            for r in frame.itertuples()]


def _stat(label: str, value: str, stat_id: str, small: bool = False) -> html.Div:
    return html.Div([html.Div(label, className="label"),
                     html.Div(value, className="value", id=stat_id, style={"fontSize": "1.15rem"} if small else None)],
                    className="stat")


def _height(n_rows: int, most: int = 420) -> str:
    return f"{min(most, 50 + 42 * max(n_rows, 1))}px"


def layout(load=None, **_):
    language = i18n.lang()
    load_id = _load_id(load)
    scope = current_scope()
    try:
        runs = queries.load_runs(scope)
    except Refused as refused:
        audit.record("refused", detail=refused.en)
        return html.Div([html.H1(_t("title", language)),
                         html.P(i18n.pick(refused.vi, refused.en, language), className="muted", id="data-refused")])
    counts = queries.overview()
    whole = counts.iloc[0]
    reasons = _entity_names(queries.rejection_reasons(scope, load_id), language)
    provinces = queries.provinces(whole.as_of)
    old, new = provinces[~provinces.is_new_tree], provinces[provinces.is_new_tree]
    received = f"{i18n.day(whole.first_received_at)} – {i18n.day(whole.last_received_at)}"
    choices = [{"label": _t("all_loads", language), "value": "all"}] + [
        {"label": f"{_t('load', language)} {r.load_id} · {i18n.moment(r.finished_at)} · "
                  f"{i18n.number(r.n_rejected)} {_t('rejected', language).lower()}", "value": str(r.load_id)}
        for r in runs.itertuples()]
    return html.Div([
        html.H1(_t("title", language)),
        html.P(f"{i18n.t('as_of', language)} {i18n.moment(whole.as_of)}", id="data-as-of", className="as-of"),
        html.Div([
            _stat(_t("dossiers", language), i18n.number(counts.set_index("entity").at["dossiers", "n_rows"]),
                  "data-n-dossiers"),
            _stat(_t("received", language), received, "data-received", small=True),
            _stat(_t("loads", language), i18n.number(len(runs)), "data-n-loads"),
            _stat(_t("rejected", language), i18n.number(int(runs["n_rejected"].sum())), "data-n-rejected"),
        ], className="cards"),
        html.H2(_t("tables", language)),
        _table((_t("table", language), _t("rows", language)),
               [(i18n.pick(*ENTITY_LABELS[r.entity], language), i18n.number(r.n_rows)) for r in counts.itertuples()],
               "data-counts"),
        html.H2(_t("history", language)),
        html.Div(downloads.buttons("loads", {}), hidden=not scope.downloads_loads()),
        grid("data-loads", LOAD_COLUMNS, runs, height=_height(len(runs), 300)),
        html.H2(_t("reasons", language)),
        html.P(_t("reasons_help", language), className="muted"),
        html.Div([
            html.Div([html.Label(_t("load", language), htmlFor="data-load"),
                      dcc.Dropdown(id="data-load", options=choices, value=str(load_id) if load_id else "all",
                                   clearable=False, searchable=False)],
                     className="control", style={"minWidth": "320px"}),
            html.Div([html.Span(_t("rejected", language) + ":", className="muted"),
                      downloads.buttons("rejected-rows", {"load": load_id}),
                      html.Span(_t("by_reason", language) + ":", className="muted"),
                      downloads.buttons("rejection-reasons", {"load": load_id})], className="toolbar",
                     hidden=not scope.downloads_loads()),
        ], className="controls"),
        grid("data-reasons", REASON_COLUMNS, reasons, height=_height(len(reasons))),
        downloads.buttons("provinces", {}),
        html.H2(_t("old_tree", language).format(n=len(old))),
        _table([i18n.pick(*h, language) for h in PROVINCE_COLUMNS], _province_rows(old), "data-provinces-old"),
        html.H2(_t("new_tree", language).format(n=len(new))),
        _table([i18n.pick(*h, language) for h in PROVINCE_COLUMNS], _province_rows(new), "data-provinces-new"),
        dcc.Store(id="data-url-load"),
        audit_log.section(scope, language),
    ])


@callback(
    Output("data-reasons", "rowData"),
    Output(downloads.params_id("rejected-rows"), "data"),
    Output(downloads.params_id("rejection-reasons"), "data"),
    Output("data-url-load", "data"),
    Input("data-load", "value"),
    prevent_initial_call=True,
)
def choose_load(load):
    """Return the rejections of the chosen load, the downloads' parameters and the load for the URL."""
    load_id = _load_id(load)
    reasons = _entity_names(queries.rejection_reasons(current_scope(), load_id), i18n.lang())
    return records(reasons), {"load": load_id}, {"load": load_id}, load_id


# The chosen load goes into the address without reloading the page, so the view is a shareable link.
clientside_callback(
    """function (load) {
        const url = new URL(window.location.href);
        if (load) { url.searchParams.set("load", load); } else { url.searchParams.delete("load"); }
        window.history.replaceState(window.history.state, "", url);
        return window.dash_clientside.no_update;
    }""",
    Output("data-load", "className"),
    Input("data-url-load", "data"),
    prevent_initial_call=True,
)
