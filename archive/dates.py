"""Dates as docs/format.md defines them: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .messages import Message, english

__all__ = ["DateRange", "parse_date", "DateError"]

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A date that is not one of the forms of docs/format.md; the message says why, `reason` says it as a code."""

    def __init__(self, message: str, code: str = "", params: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.params = params or {}

    @classmethod
    def coded(cls, code: str, **params: Any) -> "DateError":
        """The error for a code of archive/messages.py, its sentence made from the code's template."""
        return cls(english(Message(code, params)), code, params)

    @property
    def reason(self) -> Message:
        return Message(self.code, self.params) if self.code else Message("field.invalid", {"detail": str(self)})


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
        raise DateError.coded("date.form", text=text)
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < 1:
        raise DateError.coded("date.year-zero", text=text)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise DateError.coded("date.month", text=text, month=f"{month:02d}")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    if not 1 <= day <= last:
        raise DateError.coded("date.calendar", text=text)
    day_date = dt.date(year, month, day)
    return day_date, day_date


def as_text(value: object) -> str:
    """The date as written, whether YAML read it as a number, a date or a string."""
    if isinstance(value, bool):
        raise DateError.coded("date.not-date", text=str(value))
    if isinstance(value, dt.datetime):
        raise DateError.coded("date.time", text=value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, str):
        return value.strip()
    raise DateError.coded("date.kind", kind=type(value).__name__)


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
        raise DateError.coded("date.slashes", text=text)
    if len(parts) == 1:
        start, end = _parse_part(text)
        return DateRange(text, start, end)
    first, _ = _parse_part(parts[0])
    _, last = _parse_part(parts[1])
    if first > last:
        raise DateError.coded("date.order", text=text)
    return DateRange(text, first, last)
