"""A unit across the 2025 reform, on its page: the switch of boundaries, what an old unit went into, what a unit of
today was made of (each a link), and, on today's boundaries, which old units a figure before the reform is made of.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard import i18n
from indicators import periods
from indicators.boundaries import AS_WAS, TODAY, VIEWS
from model.units import REFORM_DAY

LABELS = {
    "boundaries": ("Địa giới", "Boundaries"),
    AS_WAS: ("khi đó", "then"),
    TODAY: ("hiện nay", "today"),
    "merged_into": ("Đã sáp nhập vào", "Merged into"),
    "formed_from": ("Hình thành từ", "Formed from"),
    "holds": ("nhận toàn bộ hồ sơ", "takes all its dossiers"),
    "part": ("một phần địa bàn, 0 % hồ sơ", "part of its area, 0 % of its dossiers"),
    "part_of": ("một phần địa bàn; hồ sơ tính cho đơn vị khác", "part of its area; its dossiers count elsewhere"),
    "made_of": ("Số liệu {period} theo địa giới hiện nay gộp hồ sơ, phản ánh, quyết định và báo cáo của: {units}.",
                "The figures of {period} on today's boundaries add up the dossiers, feedback, decisions and reports "
                "of: {units}."),
    "divided": ("{share} hồ sơ của kỳ đến từ xã bị chia cho nhiều đơn vị mới: chúng chỉ đi theo đơn vị kế thừa "
                "mặc định, nên so sánh chỉ gần đúng ở phần đó.",
                "{share} of the period's dossiers came from communes divided among several new units: they follow "
                "the default successor only, so the comparison is approximate for that part."),
    "none_divided": ("Không có hồ sơ nào đến từ xã bị chia: số liệu được vẽ lại đầy đủ.",
                     "No dossier came from a divided commune: the figures are fully re-drawn."),
    "then_only": ("Danh sách hồ sơ, dự báo và báo cáo PDF của kỳ trước sáp nhập xem theo đơn vị khi đó.",
                  "The dossier lists, forecast and PDF report of a period before the reform are on the units of "
                  "the time."),
}


def L(key: str, language: str | None = None, **values) -> str:
    text = i18n.pick(*LABELS[key], language)
    return text.format(**values) if values else text


def redrawn(unit: dict, shown: str) -> bool:
    """Whether the unit's figures shown are a period before the reform re-drawn on today's boundaries."""
    return shown == TODAY and unit["period_end"] is not None and pd.Timestamp(unit["period_end"]).date() < REFORM_DAY


def page_href(unit_code: str, period: str, shown: str = AS_WAS) -> str:
    """Return the address of a unit's page in a period on the boundaries `shown`."""
    query = {"period": period, **({"boundaries": shown} if shown != AS_WAS else {})}
    return f"/don-vi/{unit_code}?{urlencode(query)}"


def before_reform(period: str, kind: str) -> str:
    """Return `period` when it ended before the reform, else the last period of its kind before it."""
    parsed = periods.parse(period)
    if parsed.end <= REFORM_DAY:
        return period
    last = date.fromordinal(REFORM_DAY.toordinal() - 1)
    return {"year": str(last.year - 1) if last.month < 12 else str(last.year),
            "quarter": f"{last.year}-Q{(last.month - 1) // 3 + 1}",
            "month": f"{last:%Y-%m}"}.get(kind, str(last.year - 1))


def switch(shown: str, language: str) -> html.Div:
    """Return the switch "Địa giới: khi đó / hiện nay", id `unit-boundaries`."""
    return html.Div([html.Label(L("boundaries", language), htmlFor="unit-boundaries"),
                     dcc.RadioItems(id="unit-boundaries", value=shown, inline=True, className="boundaries",
                                    options=[{"label": L(view, language), "value": view} for view in VIEWS])],
                    className="control")


def _successor_items(found: pd.DataFrame, period: str, language: str) -> list:
    items = []
    for row in found.itertuples():
        where = f", {row.province_name}" if row.province_name and row.kind != "province" else ""
        note = L("holds" if row.holds_dossiers else "part", language) if row.divided else None
        items.append(html.Li([html.A(f"{row.name}{where}", href=page_href(row.unit_code, period, TODAY),
                                     className="lineage-link"),
                              html.Span(f" ({note})", className="muted") if note else None]))
    return items


def _predecessor_items(found: pd.DataFrame, period: str, language: str) -> list:
    return [html.Li([html.A(row.name, href=page_href(row.unit_code, period), className="lineage-link"),
                     html.Span(f" ({L('part_of', language)})", className="muted") if not row.holds_dossiers else None])
            for row in found.itertuples()]


def merged_into(successors: pd.DataFrame, period: str, language: str) -> html.Div | None:
    """Return the links to what an old unit went into, in `period` on today's boundaries; None when it went into
    nothing (a unit of today's tree)."""
    if successors.empty:
        return None
    return html.Div([html.H3(L("merged_into", language)),
                     html.Ul(_successor_items(successors, period, language), id="unit-merged-into")], className="card")


def section(unit: dict, shown: str, successors: pd.DataFrame, predecessors: pd.DataFrame, period_name: str,
            language: str) -> html.Section | None:
    """Return the unit's links across the reform and, on a re-drawn period, the note of what its figures are made
    of and how exactly; None for a unit the reform did not touch."""
    if successors.empty and predecessors.empty:
        return None
    parts: list = []
    if not successors.empty:
        # the same period on today's boundaries: the new unit's re-drawn figures beside the old one's
        parts += [html.H3(L("merged_into", language)),
                  html.Ul(_successor_items(successors, unit["period"], language), id="unit-merged-into")]
    if not predecessors.empty:
        then = before_reform(unit["period"], unit["period_kind"])
        parts += [html.H3(L("formed_from", language)),
                  html.Ul(_predecessor_items(predecessors, then, language), id="unit-formed-from")]
    if redrawn(unit, shown) and not predecessors.empty:
        names = ", ".join(predecessors.loc[predecessors["holds_dossiers"], "name"])
        share = unit.get("divided_share")
        parts.append(html.P(L("made_of", language, period=period_name, units=names), id="unit-made-of"))
        if share is not None and not pd.isna(share):
            text = (L("divided", language, share=i18n.percent(share, 1, language)) if share > 0
                    else L("none_divided", language))
            parts.append(html.P(text, className="muted", id="unit-divided-share"))
        parts.append(html.P(L("then_only", language), className="muted"))
    title = i18n.pick("Trước và sau sáp nhập 2025", "Before and after the 2025 reform", language)
    return html.Section([html.Div(html.H2(title), className="section-head"), *parts], className="card section",
                        id="unit-lineage")
