"""The look shared by the screen, the charts and the exports: band colours and the palette.

assets/style.css repeats these colours as CSS variables (`--band-excellent` …); tests/test_dashboard_theme.py
holds the two in step.
"""
from __future__ import annotations

from indicators import rulesets

BAND_COLORS = {
    "excellent": "#1b7f3b",
    "good": "#2f6fb3",
    "fair": "#c99a06",
    "average": "#d9641e",
    "weak": "#b3261e",
}
BRAND = "#b3261e"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
TARGET = "#6b3fa0"
# One colour per column of the index, in GROUPS order.
GROUP_COLORS = ("#2f6fb3", "#1b7f3b", "#8a4fbf", "#d9641e", "#0f8b8d", "#c2185b")
FONT = "Segoe UI, Roboto, Noto Sans, DejaVu Sans, sans-serif"


def bands(ruleset: str | None = None) -> tuple[rulesets.Band, ...]:
    """Return the bands of `ruleset` (default: the default rule set), from the top."""
    return rulesets.load(ruleset or rulesets.DEFAULT).bands


def band_of(total: float | None, ruleset: str | None = None) -> rulesets.Band | None:
    """Return the band a total falls in, or None for no total."""
    if total is None or total != total:
        return None
    return next(b for b in bands(ruleset) if total >= b.min)


def figure_layout(**overrides) -> dict:
    """Return the plotly layout settings every chart starts from."""
    layout = dict(font={"family": FONT, "color": INK, "size": 12}, paper_bgcolor="white", plot_bgcolor="white",
                  margin={"l": 48, "r": 16, "t": 24, "b": 40}, hoverlabel={"font": {"family": FONT}},
                  xaxis={"gridcolor": GRID, "zeroline": False}, yaxis={"gridcolor": GRID, "zeroline": False},
                  legend={"orientation": "h", "y": -0.15})
    layout.update(overrides)
    return layout
