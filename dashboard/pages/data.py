"""Dữ liệu: what is loaded — rows per table, and the provinces of both trees with their units and dossiers."""
from __future__ import annotations

import dash
from dash import html

from dashboard import i18n
from dashboard.queries import base, data as queries

dash.register_page(__name__, path="/du-lieu", name="Dữ liệu", name_en="Data", nav=True, order=4,
                   title="Dữ liệu — Bộ chỉ số 766")

ENTITY_LABELS = {
    "units": "Đơn vị", "procedures": "Thủ tục hành chính", "procedure_decisions": "Quyết định công bố",
    "dossiers": "Hồ sơ", "dossier_events": "Quá trình xử lý", "feedback": "Phản ánh, kiến nghị",
    "national_report": "Báo cáo quốc gia",
}
PROVINCE_COLUMNS = ("Mã", "Tỉnh, thành phố", "Cấp huyện", "Cấp xã", "Sở, ngành", "Hồ sơ", "Tiếp nhận từ", "đến")


def _table(headers, rows, table_id: str) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])),
                       html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
                      id=table_id, className="data-table")


def _province_rows(frame):
    return [(r.province_code, r.name, i18n.number(r.n_districts), i18n.number(r.n_communes),
             i18n.number(r.n_departments), i18n.number(r.n_dossiers),
             i18n.day(r.first_received_at), i18n.day(r.last_received_at))
            for r in frame.itertuples()]


def layout(**_):
    counts = queries.table_counts()
    provinces = queries.provinces()
    old, new = provinces[~provinces.is_new_tree], provinces[provinces.is_new_tree]
    return html.Div([
        html.H1("Dữ liệu đã nạp"),
        html.P(f"Dữ liệu tính đến {i18n.moment(base.as_of())}", id="data-as-of", className="as-of"),
        _table(("Bảng", "Số dòng"), [(ENTITY_LABELS[r.entity], i18n.number(r.n_rows)) for r in counts.itertuples()],
               "data-counts"),
        html.H2(f"Trước 01/07/2025: {len(old)} tỉnh, thành phố"),
        _table(PROVINCE_COLUMNS, _province_rows(old), "data-provinces-old"),
        html.H2(f"Từ 01/07/2025: {len(new)} tỉnh, thành phố"),
        _table(PROVINCE_COLUMNS, _province_rows(new), "data-provinces-new"),
    ])
