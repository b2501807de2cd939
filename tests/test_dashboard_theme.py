"""The band colours are one palette: the stylesheet repeats dashboard/theme.py, and every band of the rule sets
has a colour."""
from __future__ import annotations

import re

from conftest import ROOT
from dashboard import theme
from indicators import rulesets


def test_the_stylesheet_uses_the_theme_colours():
    css = (ROOT / "assets" / "style.css").read_text(encoding="utf-8")
    declared = dict(re.findall(r"--band-(\w+):\s*(#[0-9a-f]{6})", css))
    assert declared == theme.BAND_COLORS


def test_every_band_of_every_rule_set_has_a_colour():
    for name in rulesets.available():
        assert {b.key for b in rulesets.load(name).bands} <= set(theme.BAND_COLORS)


def test_band_of_takes_the_first_band_whose_minimum_the_total_reaches():
    assert theme.band_of(90.0).key == "excellent"
    assert theme.band_of(89.99).key == "good"
    assert theme.band_of(0.0).key == "weak"
    assert theme.band_of(None) is None
