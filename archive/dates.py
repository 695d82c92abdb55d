"""Dates as docs/format.md defines them: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateRange", "parse_date", "DateError"]

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A date that is not one of the forms of docs/format.md; the message says why."""


@dataclass(frozen=True)
class DateRange:
    """A date as written, with the first and last day it covers."""

    text: str
    start: dt.date
    end: dt.date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def overlaps(self, other: "DateRange") -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def start_text(self) -> str:
        return self.text.split("/")[0]

    def __str__(self) -> str:
        return self.text


def _parse_part(text: str) -> tuple[dt.date, dt.date]:
    match = _PART.match(text)
    if not match:
        raise DateError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < 1:
        raise DateError(f"'{text}' has no year 0")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise DateError(f"'{text}' has no month {month:02d}")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    if not 1 <= day <= last:
        raise DateError(f"'{text}' is not a real calendar date")
    day_date = dt.date(year, month, day)
    return day_date, day_date


def as_text(value: object) -> str:
    """The date as written, whether YAML read it as a number, a date or a string."""
    if isinstance(value, bool):
        raise DateError(f"'{value}' is not a date")
    if isinstance(value, dt.datetime):
        raise DateError(f"'{value.isoformat()}' has a time; write only the date")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, str):
        return value.strip()
    raise DateError(f"{type(value).__name__} is not a date")


def parse_date(value: object) -> DateRange:
    """Parse a date (docs/format.md) or interval, as YAML delivered it.

    >>> parse_date(2018).end
    datetime.date(2018, 12, 31)
    >>> parse_date("2019-12/2020-02").end
    datetime.date(2020, 2, 29)
    """
    text = as_text(value)
    parts = text.split("/")
    if len(parts) > 2:
        raise DateError(f"'{text}' has more than one '/'; an interval is START/END")
    if len(parts) == 1:
        start, end = _parse_part(text)
        return DateRange(text, start, end)
    first, _ = _parse_part(parts[0])
    _, last = _parse_part(parts[1])
    if first > last:
        raise DateError(f"the interval '{text}' ends before it starts")
    return DateRange(text, first, last)
