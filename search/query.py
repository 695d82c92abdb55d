"""Search parameters as one validated value: what `/search`, `/api/search` and `archive search` accept.

`parse_query` is pure: it needs no index. Anything wrong is one `QueryError`
naming the parameter in a sentence, which the web layer turns into a 400.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from archive.dates import DateError, DateRange, parse_date
from archive.errors import ArchiveError
from archive.messages import Message, english

__all__ = ["Query", "QueryError", "parse_query", "SORTS", "MAX_Q", "MAX_PER_PAGE", "MAX_PAGE"]

SORTS = ("relevance", "date", "-date")
MAX_Q = 1000
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_VALUES = 20
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class QueryError(ArchiveError):
    """A search parameter that cannot be used; `param` names it, the message says why in English,
    and `code` with `params` say it as data (archive/messages.py) for readers in other languages."""

    def __init__(self, param: str, message: str, code: str = "", params: dict[str, Any] | None = None):
        super().__init__(message)
        self.param = param
        self.message = message
        self.code = code
        self.params = params or {}

    @classmethod
    def coded(cls, param: str, code: str, **params: Any) -> "QueryError":
        """The error for a code of archive/messages.py, its English sentence made from the code's template."""
        return cls(param, english(Message(code, params)), code, params)

    @property
    def reason(self) -> Message | None:
        """The error as a code and parameters; None for an error raised with a sentence alone."""
        return Message(self.code, self.params) if self.code else None


@dataclass(frozen=True)
class Query:
    """Validated search parameters. Filters: every `places`/`themes` id must match (narrower ones count)."""

    q: str = ""
    places: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    language: str | None = None
    date_from: DateRange | None = None
    date_to: DateRange | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # False ("correct=0"): run the words as typed, never a spelling correction of them.
    correct: bool = True
    # Curator index only (never parsed from a public request): consent states to keep.
    states: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        return bool(self.places or self.themes or self.language or self.date_from or self.date_to)

    def replace(self, **changes: Any) -> "Query":
        """A copy with some parameters changed (the page goes back to 1 unless given)."""
        changes.setdefault("page", 1)
        return dataclasses.replace(self, **changes)

    def to_params(self) -> list[tuple[str, str]]:
        """The query as URL parameters, defaults left out, in a stable order."""
        params: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        params += [("place", p) for p in self.places] + [("theme", t) for t in self.themes]
        if self.language:
            params.append(("language", self.language))
        if self.date_from:
            params.append(("from", self.date_from.text))
        if self.date_to:
            params.append(("to", self.date_to.text))
        if self.sort != "relevance":
            params.append(("sort", self.sort))
        if self.page != 1:
            params.append(("page", str(self.page)))
        if self.per_page != 20:
            params.append(("per_page", str(self.per_page)))
        if not self.correct:
            params.append(("correct", "0"))
        params += [("state", s) for s in self.states]
        return params

    def result_key(self) -> tuple[Any, ...]:
        """What decides the set of results (not its order or page): the key for caching facets."""
        return (self.q, self.places, self.themes, self.language,
                self.date_from.text if self.date_from else None, self.date_to.text if self.date_to else None,
                self.states, self.correct)


def _values(params: Any, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = [] if value is None else [value] if isinstance(value, (str, int)) else list(value)
    return [str(v) for v in values if str(v).strip() != ""]


def clean_text(text: str) -> str:
    """Text as typed, without NUL, control or invisible formatting characters (RTL marks, zero widths)."""
    text = _CONTROL.sub(" ", text)
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn")).strip()


def _one(params: Any, name: str) -> str | None:
    values = _values(params, name)
    return clean_text(values[0]) if values else None


def _number(params: Any, name: str, default: int, low: int, high: int) -> int:
    text = _one(params, name)
    if text is None:
        return default
    if not re.fullmatch(r"\d{1,9}", text) or not low <= int(text) <= high:
        raise QueryError.coded(name, "query.number", name=name, low=low, high=high, value=text[:40])
    return int(text)


def _date(params: Any, name: str) -> DateRange | None:
    text = _one(params, name)
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise QueryError.coded(name, "query.date", name=name, reason=exc.reason) from None


def _ids(params: Any, name: str) -> tuple[str, ...]:
    values = list(dict.fromkeys(clean_text(v) for v in _values(params, name)))
    if len(values) > MAX_VALUES:
        raise QueryError.coded(name, "query.repeated", name=name, count=MAX_VALUES)
    for value in values:
        if not value or len(value) > 200:
            raise QueryError.coded(name, "query.vocabulary", name=name)
    return tuple(v for v in values if v)


def parse_query(params: Mapping[str, Any] | Any) -> Query:
    """Validate request parameters (a dict, or a MultiDict with `getlist`) into a `Query`."""
    raw = _values(params, "q")
    if raw and len(raw[0]) > MAX_Q:  # the limit applies to what was sent, before any cleaning
        raise QueryError.coded("q", "query.too-long", length=len(raw[0]), limit=MAX_Q)
    q = _one(params, "q") or ""
    language = _one(params, "language")
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise QueryError.coded("language", "query.language", value=language[:40])
    sort = _one(params, "sort") or "relevance"
    if sort not in SORTS:
        raise QueryError.coded("sort", "query.sort", value=sort[:40])
    date_from, date_to = _date(params, "from"), _date(params, "to")
    if date_from and date_to and date_to.end < date_from.start:
        raise QueryError.coded("to", "query.order", to=date_to.text, **{"from": date_from.text})
    correct = _one(params, "correct")
    if correct not in (None, "0", "1"):
        raise QueryError.coded("correct", "query.correct", value=correct[:40])
    return Query(
        q=q, correct=correct != "0", places=_ids(params, "place"), themes=_ids(params, "theme"),
        language=language.lower() if language else None, date_from=date_from, date_to=date_to, sort=sort,
        page=_number(params, "page", 1, 1, MAX_PAGE), per_page=_number(params, "per_page", 20, 1, MAX_PER_PAGE),
    )
