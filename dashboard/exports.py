"""Exports: the tables a reader can download, and the unit report as a PDF.

A page registers the function it fetches a table with and what a reader needs to download it
(`@table("rankings", needs="scores")`), so a download holds the same figures as the screen and `fetch` refuses
a reader the table is not for, whatever the request names; dashboard/components/downloads.py calls it with the page's parameters and writes the
result with `to_csv` or `to_xlsx`. `unit_report` draws one unit's period on A4 pages with fpdf2 and an
embedded DejaVu Sans, so Vietnamese diacritics print on any machine.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd
import xlsxwriter
from fpdf import FPDF

import cells
from dashboard import i18n, theme
from dashboard.components.excluded import notes as excluded_notes
from dashboard.components.grid import Column
from access.scope import Refused, Scope
from dashboard.queries import base
from dashboard.queries import unit as queries
from indicators import GROUPS

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Table:
    """A table to export: its title and optional subtitle as (Vietnamese, English) pairs, its columns, its rows.

    A `band` column writes the frame's `band_name`; a `link` column writes its own field. `tag` ends the file
    name (default: the parameters' period).
    """

    title: tuple[str, str]
    columns: list[Column]
    frame: pd.DataFrame
    subtitle: tuple[str, str] | None = None
    tag: str | None = None

    def heading(self, language: str) -> str:
        return i18n.pick(*self.title, language)

    def subheading(self, language: str) -> str:
        return i18n.pick(*self.subtitle, language) if self.subtitle else ""


REGISTRY: dict[str, Callable[[dict], Table]] = {}
# What a reader needs for each table: `scores` any signed-in reader; `scoped` the unit in `params['unit_code']`
# inside their scope; `province` the data page's downloads (analysts, admins); `admin` an admin.
NEEDS = ("scores", "scoped", "province", "admin")
NEEDED: dict[str, str] = {}


def table(name: str, needs: str) -> Callable[[Callable[[dict], Table]], Callable[[dict], Table]]:
    """Return a decorator registering `fetch(params) -> Table` as the exportable table `name`, for readers with
    `needs` (one of NEEDS)."""
    if needs not in NEEDS:
        raise ValueError(f"unknown need {needs!r}; needs: {', '.join(NEEDS)}")

    def register(fetch: Callable[[dict], Table]) -> Callable[[dict], Table]:
        REGISTRY[name], NEEDED[name] = fetch, needs
        return fetch
    return register


def permit(scope: Scope, needs: str, params: dict) -> None:
    """Refuse (access.scope.Refused) a reader whose scope does not meet `needs` for `params`."""
    if needs == "scoped":
        base.check(scope, str(params.get("unit_code")))
    elif needs == "province" and not scope.downloads_loads():
        raise Refused("Chỉ chuyên viên phân tích và quản trị viên tải được dữ liệu này.",
                      "Only analysts and admins may download this data.")
    elif needs == "admin" and not scope.manages_accounts():
        raise Refused("Chỉ quản trị viên xem được mục này.", "Only admins may see this.")


def fetch(scope: Scope, name: str, params: dict | None) -> Table:
    """Return the registered table `name` fetched with `params`, if the reader's scope meets what it needs."""
    if name not in REGISTRY:
        raise KeyError(f"no exportable table {name!r}; registered: {', '.join(sorted(REGISTRY))}")
    permit(scope, NEEDED[name], dict(params or {}))
    return REGISTRY[name](dict(params or {}))


def slug(text: str) -> str:
    """Return `text` as a file-name part: no diacritics, lower case, words joined by '-' ('Xếp hạng' → 'xep-hang')."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def file_name(table_: Table, params: dict | None, extension: str, language: str) -> str:
    """Return the download's file name: the title and the table's tag or the period, such as
    `xep-hang-2024.xlsx`."""
    parts = [slug(table_.heading(language))]
    tag = table_.tag or (params or {}).get("period")
    if tag:
        parts.append(slug(str(tag)))
    return "-".join(parts) + "." + extension


def _source(column: Column, frame: pd.DataFrame) -> pd.Series:
    """Return the values a column writes: a band's name, else the column's own field."""
    if column.kind == "band" and "band_name" in frame.columns:
        return frame["band_name"]
    return frame[column.field]


def _plain(series: pd.Series) -> list:
    """Return `series` as Python values with None for missing ones."""
    return series.astype(object).where(series.notna(), None).tolist()


def to_csv(table_: Table, language: str | None = None) -> bytes:
    """Return the table as CSV: UTF-8 with a byte-order mark (Excel then reads the diacritics), headers in
    `language`, numbers as plain decimals, dates dd/mm/yyyy."""
    language = language or i18n.lang()
    out = pd.DataFrame({c.title(language): _source(c, table_.frame) for c in table_.columns})
    for column in table_.columns:
        if column.kind in ("date", "moment"):
            pattern = "%d/%m/%Y" if column.kind == "date" else "%d/%m/%Y %H:%M"
            out[column.title(language)] = pd.to_datetime(out[column.title(language)]).dt.strftime(pattern)
    return cells.frame(out).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# Excel number formats per column kind; Excel shows them with the reader's own separators.
XLSX_FORMATS = {
    "count": "#,##0",
    "score": "#,##0.00",
    "change": "+#,##0.00;-#,##0.00;0.00",
    "share": "0.0%",
    "date": "dd/mm/yyyy",
    "moment": "dd/mm/yyyy hh:mm",
    "rank_change": "+0;-0;0",
}
HEADER_ROW = 3  # the title, the subtitle and a blank line above the header


def _width(values: list, header: str) -> float:
    """Return a column width in characters: its longest value or header, within 8 and 60."""
    widest = max([len(header)] + [len(f"{v:,.2f}" if isinstance(v, float) else str(v)) for v in values[:2000]
                                  if v is not None])
    return min(max(widest + 2, 8), 60)


def to_xlsx(table_: Table, language: str | None = None) -> bytes:
    """Return the table as an Excel workbook: title and subtitle, a frozen header row with an autofilter, a
    number format per column kind, widths fitted to the values, and band cells in their band's colour."""
    language = language or i18n.lang()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True, "remove_timezone": True,
                                          **cells.WORKBOOK_OPTIONS})
    sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", table_.heading(language))[:31])
    title = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format({"bold": True, "bg_color": "#eef0f3", "bottom": 1, "text_wrap": True,
                              "valign": "top"})
    formats = {kind: book.add_format({"num_format": pattern}) for kind, pattern in XLSX_FORMATS.items()}
    sheet.write(0, 0, table_.heading(language), title)
    sheet.write(1, 0, table_.subheading(language))
    n_rows = len(table_.frame)
    for col, column in enumerate(table_.columns):
        source = _source(column, table_.frame)
        values = _plain(pd.to_datetime(source) if column.kind in ("date", "moment") else source)
        sheet.write(HEADER_ROW, col, column.title(language), header)
        sheet.write_column(HEADER_ROW + 1, col, values, formats.get(column.kind))
        sheet.set_column(col, col, _width(values, column.title(language)))
        if column.kind == "band" and n_rows:
            for band in theme.bands():
                colour = book.add_format({"bg_color": theme.BAND_COLORS[band.key], "font_color": "#ffffff",
                                          "bold": True})
                name = i18n.pick(band.name_vi, band.name_en, language).replace('"', '""')
                sheet.conditional_format(HEADER_ROW + 1, col, HEADER_ROW + n_rows, col,
                                         {"type": "cell", "criteria": "==", "value": f'"{name}"', "format": colour})
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + n_rows, max(len(table_.columns) - 1, 0))
    book.close()
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx}


def write(table_: Table, extension: str, language: str | None = None) -> bytes:
    """Return the table written as `extension` (csv or xlsx)."""
    return WRITERS[extension](table_, language)


# The unit report -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitReport:
    """What the PDF report of one unit and period shows.

    groups: name, points, max_points (the six columns in order); ledger: indicator_id, name, points,
    max_points, points_lost (largest loss first); trend: period, total (months in order); children: unit_name,
    total, band_name (weakest first); excluded: per indicator with rows left out for an unknown value, the
    note that says so ("2.1 · 3 hồ sơ …, không tính"). Names are already in the report's language.
    """

    unit_name: str
    period: str
    total: float | None
    band_key: str | None
    band_name: str
    rank: int | None
    n_peers: int | None
    peers: str
    score_change: float | None
    rank_change: int | None
    groups: pd.DataFrame
    ledger: pd.DataFrame
    trend: pd.DataFrame
    children: pd.DataFrame
    path: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


REPORT_LABELS = {
    "title": ("Báo cáo Bộ chỉ số 766", "Index 766 report"),
    "summary": ("Tóm tắt", "Summary"),
    "groups": ("Điểm theo nhóm chỉ số", "Points by column"),
    "ledger": ("Các chỉ số bị mất điểm", "Where points were lost"),
    "children": ("Đơn vị trực thuộc có điểm thấp nhất", "Weakest units below"),
    "no_loss": ("Không mất điểm ở chỉ số nào.", "No points lost on any indicator."),
    "excluded": ("Dữ liệu không tính vào điểm", "Data not counted in the score"),
    "of": ("trên", "of"),
    "created": ("Lập ngày", "Made on"),
    "band_lines": ("Đường ngang: ngưỡng các mức xếp loại.", "Horizontal lines: the band thresholds."),
}


def _label(key: str, language: str) -> str:
    return i18n.pick(*REPORT_LABELS[key], language)


def period_label(period: str, language: str) -> str:
    """Return a period as words: '2024' → 'Năm 2024', '2024-Q3' → 'Quý 3/2024', '2024-07' → 'Tháng 07/2024'."""
    year, _, part = str(period).partition("-")
    if not part:
        return f"{i18n.t('year', language)} {year}"
    if part.startswith("Q"):
        return f"{i18n.t('quarter', language)} {part[1:]}/{year}"
    return f"{i18n.t('month', language)} {part}/{year}"


INK = (31, 41, 51)
MUTED = (97, 110, 124)
LINE = (228, 231, 235)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


class _Pdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer_text
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font("DejaVu", size=10)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: _Pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)


def _summary(pdf: _Pdf, report: UnitReport, language: str) -> None:
    stats = [
        (i18n.t("total", language), i18n.number(report.total, 2, language)),
        (i18n.t("band", language), report.band_name or "–"),
        (i18n.t("rank", language), "–" if report.rank is None
         else f"{report.rank} {_label('of', language)} {report.n_peers}"),
        (i18n.t("score_change", language), _signed(report.score_change, 2, language)),
        (i18n.t("rank_change", language), _signed(report.rank_change, 0, language)),
    ]
    width = (pdf.epw - 4 * 3) / len(stats)
    top = pdf.get_y()
    for i, (name, value) in enumerate(stats):
        x = pdf.l_margin + i * (width + 3)
        pdf.set_fill_color(245, 246, 248)
        pdf.rect(x, top, width, 17, style="F")
        if i == 1 and report.band_key in theme.BAND_COLORS:
            pdf.set_fill_color(*_rgb(theme.BAND_COLORS[report.band_key]))
            pdf.rect(x, top, 1.5, 17, style="F")
        pdf.set_xy(x + 3, top + 2)
        pdf.set_font("DejaVu", size=8)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 4, 4, name)
        pdf.set_xy(x + 3, top + 7)
        pdf.set_font("DejaVu", "B", 13)
        pdf.set_text_color(*INK)
        pdf.cell(width - 4, 7, value)
    pdf.set_xy(pdf.l_margin, top + 19)
    pdf.set_font("DejaVu", size=8)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 4, f"{i18n.t('peers', language)}: {report.peers}", new_x="LMARGIN", new_y="NEXT")


def _signed(value, decimals: int, language: str) -> str:
    if value is None or value != value:
        return "–"
    text = i18n.number(abs(value), decimals, language)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _groups(pdf: _Pdf, groups: pd.DataFrame, language: str) -> None:
    label_w, bar_w = 62, pdf.epw - 62 - 30
    for i, row in enumerate(groups.itertuples()):
        y = pdf.get_y()
        pdf.set_text_color(*INK)
        pdf.set_font("DejaVu", size=9)
        pdf.cell(label_w, 6, str(row.name))
        share = 0 if not row.max_points or row.points != row.points else max(0.0, min(1.0, row.points / row.max_points))
        pdf.set_fill_color(*LINE)
        pdf.rect(pdf.l_margin + label_w, y + 1.5, bar_w, 3, style="F")
        pdf.set_fill_color(*_rgb(theme.GROUP_COLORS[i % len(theme.GROUP_COLORS)]))
        if share:
            pdf.rect(pdf.l_margin + label_w, y + 1.5, bar_w * share, 3, style="F")
        pdf.set_x(pdf.l_margin + label_w + bar_w + 2)
        pdf.cell(28, 6, f"{i18n.number(row.points, 2, language)} / {i18n.number(row.max_points, 0, language)}",
                 align="R", new_x="LMARGIN", new_y="NEXT")


def _fit(pdf: _Pdf, text: str, width: float) -> str:
    """Return `text` cut with an ellipsis to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _table(pdf: _Pdf, headers: list[str], rows: list[list[str]], widths: tuple, aligns: tuple) -> None:
    """Draw a table of one line per row, the header repeated on each new page; widths are shares of the page."""
    widths = [pdf.epw * w / sum(widths) for w in widths]

    def header() -> None:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_fill_color(238, 240, 243)
        for text, width, align in zip(headers, widths, aligns):
            pdf.cell(width, 6, _fit(pdf, text, width - 2), align=align[0], fill=True)
        pdf.ln(6)
        pdf.set_font("DejaVu", size=8.5)

    pdf.set_text_color(*INK)
    pdf.set_draw_color(*LINE)
    header()
    for cells in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
            header()
        for text, width, align in zip(cells, widths, aligns):
            pdf.cell(width, 6, _fit(pdf, text, width - 2), border="B", align=align[0])
        pdf.ln(6)


def _trend(pdf: _Pdf, trend: pd.DataFrame, language: str) -> None:
    """Draw the monthly totals as a line over the band thresholds."""
    left, top, width, height = pdf.l_margin + 10, pdf.get_y() + 2, pdf.epw - 12, 55
    if pdf.will_page_break(height + 12):
        pdf.add_page()
        top = pdf.get_y() + 2
    totals = [float(v) for v in trend["total"] if v == v and v is not None]
    low = min([b.min for b in theme.bands() if b.min > 0] + totals + [100.0])
    floor = max(0.0, 10 * int(low // 10) - 10)

    def y_of(value: float) -> float:
        return top + height * (100 - value) / (100 - floor)

    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.rect(left, top, width, height)
    pdf.set_font("DejaVu", size=7)
    for band in theme.bands():
        if band.min <= floor:
            continue
        pdf.set_draw_color(*_rgb(theme.BAND_COLORS[band.key]))
        pdf.set_dash_pattern(dash=1.2, gap=1)
        pdf.line(left, y_of(band.min), left + width, y_of(band.min))
        pdf.set_dash_pattern()
        pdf.set_text_color(*_rgb(theme.BAND_COLORS[band.key]))
        pdf.set_xy(left - 10, y_of(band.min) - 2)
        pdf.cell(9, 4, i18n.number(band.min, 0, language), align="R")
    pdf.set_text_color(*MUTED)
    for value in (floor, 100.0):
        pdf.set_xy(left - 10, y_of(value) - 2)
        pdf.cell(9, 4, i18n.number(value, 0, language), align="R")
    n = len(trend)
    step = width / max(n, 1)
    points = [(left + step * (i + 0.5), y_of(float(v))) for i, v in enumerate(trend["total"]) if v == v]
    pdf.set_draw_color(*_rgb(theme.BRAND))
    pdf.set_line_width(0.6)
    if len(points) > 1:
        pdf.polyline(points)
    pdf.set_fill_color(*_rgb(theme.BRAND))
    for x, y in points:
        pdf.circle(x, y, 0.9, style="F")
    pdf.set_line_width(0.2)
    pdf.set_text_color(*MUTED)
    every = max(1, -(-n // 12))
    for i, period in enumerate(trend["period"]):
        if i % every == 0:
            year, _, month = str(period).partition("-")
            pdf.set_xy(left + step * i, top + height + 1)
            pdf.cell(step * every, 4, f"{month}/{year[2:]}" if month else year, align="L" if every > 1 else "C")
    pdf.set_xy(pdf.l_margin, top + height + 6)
    pdf.set_font("DejaVu", size=7.5)
    pdf.cell(0, 4, _label("band_lines", language), new_x="LMARGIN", new_y="NEXT")


def render(report: UnitReport, language: str, made_on: str) -> bytes:
    """Return the PDF of `report` in `language`; `made_on` (dd/mm/yyyy) prints in the footer."""
    pdf = _Pdf(f"{_label('title', language)} — {report.unit_name} — {_label('created', language)} {made_on}")
    pdf.add_page()
    pdf.set_fill_color(*_rgb(theme.BRAND))
    pdf.rect(0, 0, pdf.w, 4, style="F")
    if report.path:
        pdf.set_font("DejaVu", size=8)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 5, " › ".join(report.path), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 9, report.unit_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, f"{_label('title', language)} · {period_label(report.period, language)}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _summary(pdf, report, language)
    _heading(pdf, _label("groups", language))
    _groups(pdf, report.groups, language)
    _heading(pdf, i18n.t("trend", language))
    _trend(pdf, report.trend, language)
    _heading(pdf, _label("ledger", language))
    lost = report.ledger[report.ledger["points_lost"] > 0.005]
    if lost.empty:
        pdf.cell(0, 6, _label("no_loss", language), new_x="LMARGIN", new_y="NEXT")
    else:
        _table(pdf, [i18n.t("indicator", language), i18n.t("points", language), i18n.t("max_points", language),
                     i18n.t("points_lost", language)],
               [[f"{r.indicator_id}  {r.name}", i18n.number(r.points, 2, language),
                 i18n.number(r.max_points, 2, language), i18n.number(r.points_lost, 2, language)]
                for r in lost.itertuples()],
               (110, 22, 24, 24), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    if report.excluded:
        _heading(pdf, _label("excluded", language))
        pdf.set_font("DejaVu", size=9)
        for note in report.excluded:
            pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    if not report.children.empty:
        _heading(pdf, _label("children", language))
        _table(pdf, [i18n.t("unit", language), i18n.t("total", language), i18n.t("band", language)],
               [[str(r.unit_name), i18n.number(r.total, 2, language), str(r.band_name or "–")]
                for r in report.children.itertuples()],
               (110, 30, 40), ("LEFT", "RIGHT", "LEFT"))
    return bytes(pdf.output())


WEAKEST_CHILDREN = 8


def _band_name(key: str | None, language: str) -> str:
    band = next((b for b in theme.bands() if b.key == key), None)
    return i18n.pick(band.name_vi, band.name_en, language) if band else "–"


def _peers(peer_list: str | None, path: pd.DataFrame, language: str) -> str:
    """Return a peer list ('national', '74:district') in words: 'Cấp huyện · Tỉnh Bình Dương'."""
    if not peer_list:
        return "–"
    if peer_list == "national":
        return i18n.t("national", language)
    province, _, kind = peer_list.partition(":")
    names = dict(zip(path["unit_code"], path["name"])) if not path.empty else {}
    return f"{i18n.t(kind, language)} · {names.get(province, province)}"


def report_data(unit_code: str, period: str, language: str) -> UnitReport | None:
    """Return what the PDF report of the unit in the period shows, from the unit page's queries; None when the
    unit was not scored in the period."""
    with queries.session():
        unit = queries.summary(unit_code, period)
        if unit is None:
            return None
        path = queries.breadcrumbs(unit_code, period)
        lost = queries.ledger(unit_code, period)
        below = queries.children(unit_code, period)
        trend = queries.trend(unit_code, unit["unit_valid_from"])
    groups = pd.DataFrame({
        "name": [f"{g.number}. {i18n.pick(g.name_vi, g.name_en, language)}" for g in GROUPS],
        "points": [unit[g.key] for g in GROUPS],
        "max_points": [g.max_points for g in GROUPS],
    })
    excluded = [f"{i} · {note}" for i, note in
                zip(lost.sort_values("order")["indicator_id"], excluded_notes(lost.sort_values("order"), language))
                if note] if not lost.empty else []
    if not lost.empty:
        lost = lost[lost["points_lost"].notna()].assign(name=lost[f"name_{language}"])
    ledger = lost[["indicator_id", "name", "points", "max_points", "points_lost"]] if not lost.empty else \
        pd.DataFrame(columns=["indicator_id", "name", "points", "max_points", "points_lost"])
    below = below[below["total"].notna()].sort_values(["total", "unit_code"]).head(WEAKEST_CHILDREN)
    children = pd.DataFrame({"unit_name": below["name"], "total": below["total"],
                             "band_name": [_band_name(b, language) for b in below["band"]]})
    return UnitReport(
        unit_name=unit["name"], period=period, total=unit["total"], band_key=unit["band"],
        band_name=_band_name(unit["band"], language), rank=unit["rank"], n_peers=unit["n_peers"],
        peers=_peers(unit["peer_list"], path, language), score_change=unit["score_change"],
        rank_change=unit["rank_change"], groups=groups, ledger=ledger,
        trend=trend[["period", "total"]], children=children,
        path=path["name"].tolist()[:-1], excluded=excluded,
    )


def unit_report(scope: Scope, unit_code: str, period: str, language: str | None = None) -> bytes:
    """Return the PDF report of the unit in the period in `language`: title and period, summary (total, band,
    rank, change), the six columns against their maxima, the monthly trend over the band thresholds, the points
    lost by indicator and the weakest units below it. Raises KeyError when the unit was not scored then, and
    refuses a unit outside the reader's scope."""
    permit(scope, "scoped", {"unit_code": unit_code})
    language = language or i18n.lang()
    report = report_data(unit_code, period, language)
    if report is None:
        raise KeyError(f"unit {unit_code} has no score in {period}")
    return render(report, language, date.today().strftime("%d/%m/%Y"))
