"""Labels and formats. Vietnamese first: `1.234` for counts, `84,50` for scores, `dd/mm/yyyy` for dates."""
from __future__ import annotations

import math
from datetime import date, datetime


def number(value: float | int | None, decimals: int = 0) -> str:
    """Return `value` in Vietnamese format: `.` between thousands, `,` before decimals; '–' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def day(value: date | datetime | None) -> str:
    """Return `value` as dd/mm/yyyy; '–' for none."""
    if value is None or value != value:  # NaT compares unequal to itself
        return "–"
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    """Return `value` as dd/mm/yyyy HH:MM; '–' for none."""
    if value is None or value != value:
        return "–"
    return value.strftime("%d/%m/%Y %H:%M")
