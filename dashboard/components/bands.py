"""A band as a coloured badge (the stylesheet's `band band-<key>`), named in the reader's language."""
from __future__ import annotations

from dash import html

from dashboard import i18n, theme


def badge(key: str | None, language: str | None = None) -> html.Span:
    """Return the badge of band `key` of the default rule set, or '–' for none."""
    found = next((b for b in theme.bands() if b.key == key), None)
    if found is None:
        return html.Span("–")
    return html.Span(i18n.pick(found.name_vi, found.name_en, language), className=f"band band-{key}")
