"""What a request may ask for. Every parameter a browser sends (a grid's row window, a load number, an indicator, a
download's format, the unit of a PDF) is checked here; a bad one is refused with 400 Bad Request and its reason,
never answered with a server error, and no request makes the server read or hold more than these bounds. Work
beyond a pool's bounds is refused at once with 503 (`Busy`), so the server stays up under any load.
"""
from __future__ import annotations

import re

from werkzeug.exceptions import BadRequest, ServiceUnavailable

import settings
from indicators import REGISTRY
from indicators.core import Indicator

# A load number as a URL carries it: ASCII digits only ('²'.isdigit() is true), and within a BIGINT.
_WHOLE = re.compile(r"[0-9]{1,18}")


def refuse(reason: str) -> BadRequest:
    """Return the 400 answer to raise for a bad parameter, saying what was wrong."""
    return BadRequest(reason)


def window(request: dict | None, page_size: int) -> tuple[int, int]:
    """Return the (start, end) rows of a grid's block request: whole numbers, start ≥ 0, end > start and at most
    `page_size` rows; anything else is refused."""
    if not isinstance(request, dict):
        raise refuse("getRowsRequest must be an object with startRow and endRow")
    start, end = request.get("startRow"), request.get("endRow")
    for name, value in (("startRow", start), ("endRow", end)):
        if type(value) is not int:  # bool is an int subclass, a float such as 1.5 is not a row
            raise refuse(f"{name} must be a whole number, not {value!r}"[:200])
    if start < 0 or end <= start:
        raise refuse(f"rows {start} to {end}: startRow must be ≥ 0 and endRow above it")
    if end - start > page_size:
        raise refuse(f"rows {start} to {end}: at most {page_size} rows a request")
    return start, end


def whole_number(value, name: str) -> int | None:
    """Return `value` (from a URL or a control) as a whole number; None when empty or 'all'; refused otherwise."""
    if value in (None, "", "all"):
        return None
    text = str(value)
    if not _WHOLE.fullmatch(text):
        raise refuse(f"{name} must be a whole number, not {text[:40]!r}")
    return int(text)


def indicator(indicator_id) -> Indicator:
    """Return the declared indicator `indicator_id`; an unknown one is refused."""
    if not isinstance(indicator_id, str) or indicator_id not in REGISTRY:
        raise refuse(f"unknown indicator {str(indicator_id)[:40]!r}")
    return REGISTRY[indicator_id]


def choice(value, allowed, name: str) -> str:
    """Return `value` when it is one of `allowed`; refused otherwise."""
    if not isinstance(value, str) or value not in allowed:
        raise refuse(f"unknown {name} {str(value)[:40]!r}; one of: {', '.join(sorted(allowed))}")
    return value


def download_rows() -> int:
    """Return the most rows a download of dossiers or feedback items holds (setting `download_rows`)."""
    return int(settings.get("download_rows"))


def request_bytes() -> int:
    """Return the largest request body the server reads (setting `max_request_bytes`)."""
    return int(settings.get("max_request_bytes"))


BUSY = ("Đang bận, thử lại sau vài giây", "Busy, retry in a few seconds")


class Busy(ServiceUnavailable):
    """Raised when a bounded pool of work is full: answered 503 with Retry-After, and shown to the reader as BUSY."""

    def __init__(self):
        super().__init__(description=" / ".join(BUSY), retry_after=5)
