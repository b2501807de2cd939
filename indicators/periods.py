"""Periods: a month, a quarter, a year, or any date range, with their labels and effective ends.

A period is [start, end) in local time. Its effective end is min(end, as_of): a period that
has not ended is judged at the moment the data describes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

KINDS = ("month", "quarter", "year")
STEP = {"month": "1 month", "quarter": "3 months", "year": "1 year"}
# SQL for a period's label from its start, by kind (trusted text).
LABEL_SQL = {
    "month": "strftime({start}, '%Y-%m')",
    "quarter": "strftime({start}, '%Y') || '-Q' || quarter({start})",
    "year": "strftime({start}, '%Y')",
}


@dataclass(frozen=True)
class Period:
    """One period: its label as stored, its kind (month, quarter, year or range), first day and day after the last."""

    label: str
    kind: str
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse(text: str) -> Period:
    """Return the period written as 2024, 2024-Q3, 2024-07 or 2024-03-05..2024-04-10 (both days included)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})", text):
        start = date(int(m[1]), 1, 1)
        return Period(text, "year", start, date(start.year + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
        start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(f"{m[1]}-Q{m[2]}", "quarter", start, _add_months(start, 3))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        start = date(int(m[1]), int(m[2]), 1)
        return Period(text, "month", start, _add_months(start, 1))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        start, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        if last < start:
            raise ValueError(f"period {text!r} ends before it starts")
        return Period(text, "range", start, last + timedelta(days=1))
    raise ValueError(f"unknown period {text!r}: write 2024, 2024-Q3, 2024-07 or 2024-03-05..2024-04-10")


def as_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
