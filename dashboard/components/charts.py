"""Figures: pure functions from a query's frame to a plotly figure in the theme's look and the reader's language.

Figures are plain plotly dicts (`{"data": [...], "layout": {...}}`), which dcc.Graph draws as they are: building
them through plotly's validating objects costs tens of milliseconds per line drawn. Numbers on axes and in hover
labels follow the reader's locale through plotly's `separators`.
"""
from __future__ import annotations

import pandas as pd

from dashboard import i18n, theme

# Name prefixes dropped on axis ticks, where space is short; hover labels keep the full name.
SHORT_NAME = r"^(Tỉnh|Thành phố|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Sở|Ban) "
# Past this many bars, tick labels would overlap: names show on hover only.
MAX_LABELLED_BARS = 70


def _layout(language: str, **overrides) -> dict:
    return theme.figure_layout(separators=".," if language == "en" else ",.", **overrides)


def _line(axis: str, value: float, colour: str, dash: str, width: int = 1) -> dict:
    """Return a line across the plot at `value` on `axis` (y: horizontal, x: vertical)."""
    other = "x" if axis == "y" else "y"
    return {"type": "line", "xref": f"{other} domain" if axis == "y" else "x",
            "yref": "y" if axis == "y" else "y domain", f"{other}0": 0, f"{other}1": 1, f"{axis}0": value,
            f"{axis}1": value, "line": {"color": colour, "dash": dash, "width": width}, "layer": "above"}


def _note(axis: str, value: float, text: str, colour: str, anchor: str) -> dict:
    """Return a label for the line at `value` on `axis`: for a horizontal line, inside the plot's right edge
    (`anchor` right) or beyond it, in the right margin (`anchor` outside)."""
    if axis == "y":
        outside = anchor == "outside"
        return {"text": text, "xref": "x domain", "yref": "y", "x": 1.005 if outside else 1, "y": value,
                "xanchor": "left" if outside else "right", "yanchor": "middle" if outside else "bottom",
                "showarrow": False, "font": {"size": 10, "color": colour}}
    return {"text": text, "xref": "x", "yref": "y domain", "x": value, "y": 1, "xanchor": "left", "yanchor": "top",
            "showarrow": False, "font": {"size": 10, "color": colour}}


def _value_title(share: bool, language: str) -> str:
    """Return the title of an axis of indicator values: a share in percent, or working days."""
    return i18n.t("ratio", language) + " (%)" if share else i18n.pick("Ngày làm việc", "Working days", language)


def _target_text(target: float, language: str, suffix: str = "") -> str:
    return f"{i18n.t('target', language)} {i18n.number(target, 2 if target % 1 else 0, language)}{suffix}"


def league_bars(frame: pd.DataFrame, bands, target: float, language: str) -> dict:
    """Return the totals of a league table (`unit_code`, `unit_name`, `total`, `band`, best first) as bars
    coloured by band, each identified by its unit's code, with each band's cut-off (dotted) and the target
    (dashed) as horizontal lines."""
    names = frame["unit_name"].str.replace(SHORT_NAME, "", regex=True).tolist()
    shapes, notes = [], []
    for band in bands:
        if band.min > 0:
            colour = theme.BAND_COLORS.get(band.key, theme.MUTED)
            shapes.append(_line("y", band.min, colour, "dot"))
            notes.append(_note("y", band.min, f"{i18n.pick(band.name_vi, band.name_en, language)} {band.min:g}",
                               colour, "outside"))
    shapes.append(_line("y", target, theme.TARGET, "dash", 2))
    notes.append(_note("y", target, _target_text(target, language), theme.TARGET, "right"))
    many = len(frame) > MAX_LABELLED_BARS
    low = min(float(frame["total"].min()) if len(frame) else target, target, min(b.min for b in bands if b.min > 0))
    # Bars stand at their place in the table; names label the places, since two units may share a short name.
    places = list(range(len(frame)))
    bars = {"type": "bar", "x": places, "y": frame["total"].round(2).tolist(),
            "marker": {"color": frame["band"].map(theme.BAND_COLORS).fillna(theme.MUTED).tolist()},
            "customdata": frame["unit_name"].tolist(), "ids": frame["unit_code"].tolist(),
            "hovertemplate": "%{customdata}<br>%{y:.2f}<extra></extra>"}
    return {"data": [bars], "layout": _layout(
        language, height=360, bargap=0.05 if many else 0.15, showlegend=False, shapes=shapes, annotations=notes,
        margin={"l": 48, "r": 84, "t": 16, "b": 16 if many else 120},
        yaxis={"range": [max(0, low - 5), 100], "gridcolor": theme.GRID, "zeroline": False,
               "title": {"text": i18n.t("total", language)}},
        xaxis={"showticklabels": not many, "tickangle": -60, "tickfont": {"size": 10}, "fixedrange": True,
               "tickmode": "array", "tickvals": places, "ticktext": names, "showgrid": False,
               "range": [-0.5, len(frame) - 0.5]})}


def distribution(frame: pd.DataFrame, target: float | None, share: bool, language: str) -> dict:
    """Return a histogram of the units' ratios (`ratio`), in percent for a share, with the target as a line."""
    values = (frame["ratio"].dropna() * (100 if share else 1)).round(2).tolist()
    layout = _layout(language, height=300, bargap=0.05, showlegend=False,
                     xaxis={"title": {"text": _value_title(share, language)},
                            "gridcolor": theme.GRID},
                     yaxis={"title": {"text": i18n.pick("Số đơn vị", "Units", language)}, "gridcolor": theme.GRID})
    if target and share:
        layout["shapes"] = [_line("x", target * 100, theme.TARGET, "dash", 2)]
        layout["annotations"] = [_note("x", target * 100, _target_text(target * 100, language, " %"), theme.TARGET,
                                       "left")]
    histogram = {"type": "histogram", "x": values, "nbinsx": 20,
                 "marker": {"color": theme.GROUP_COLORS[0], "line": {"color": "white", "width": 1}},
                 "hovertemplate": "%{x}<br>%{y}<extra></extra>"}
    return {"data": [histogram], "layout": layout}


def trend(frame: pd.DataFrame, target: float | None, share: bool, language: str) -> dict:
    """Return the monthly median and average of a peer list's ratios (`period_start`, `median`, `average`) as
    lines, in percent for a share, with the target as a line."""
    scale = 100 if share else 1
    months = frame["period_start"].dt.strftime("%Y-%m-%d").tolist()
    lines = []
    for column, name, colour, dash in (("median", ("Trung vị", "Median"), theme.GROUP_COLORS[0], "solid"),
                                       ("average", ("Trung bình", "Average"), theme.GROUP_COLORS[3], "dot")):
        label = i18n.pick(*name, language)
        lines.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": months,
                      "y": (frame[column] * scale).round(2).tolist(),
                      "line": {"color": colour, "dash": dash, "width": 2}, "marker": {"size": 5},
                      "hovertemplate": f"%{{y:.{1 if share else 2}f}}<extra>{label}</extra>"})
    layout = _layout(language, height=300, hovermode="x unified",
                     xaxis={"type": "date", "tickformat": "%m/%Y", "hoverformat": "%m/%Y", "gridcolor": theme.GRID},
                     yaxis={"title": {"text": _value_title(share, language)},
                            "gridcolor": theme.GRID})
    if target and share:
        layout["shapes"] = [_line("y", target * 100, theme.TARGET, "dash", 2)]
        layout["annotations"] = [_note("y", target * 100, _target_text(target * 100, language, " %"), theme.TARGET,
                                       "right")]
    return {"data": lines, "layout": layout}
