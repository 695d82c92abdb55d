"""The web's one door into `search/`: one query value and one result value for the page and the API.

`run(args)` parses the request's parameters into a `search.query.Query` and runs it on this
process's `search.searcher.SearchIndex`; the page renders `Outcome.data`, which is exactly
what `/api/search` returns. Every hit is checked against the gate as well, so a testimony
withdrawn a moment ago never shows even before the indexer has caught up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from flask import current_app

from archive.config import Config
from archive.consent import TestimonyView
from search.query import Query, QueryError, parse_query
from search.searcher import IndexMissing, SearchIndex

from .gate import public_view, public_views
from .i18n import gettext as _

__all__ = ["BadSearch", "SearchUnavailable", "Outcome", "run", "all_ids", "related", "index", "SINGLE_PARAMS"]

T = TypeVar("T")
# Parameters that may be given once; a repeated one is a 400, not a guess at which was meant.
SINGLE_PARAMS = ("q", "language", "from", "to", "sort", "page", "per_page")


class BadSearch(Exception):
    """A parameter that cannot be used: a 400 with this sentence."""

    def __init__(self, param: str, message: str):
        message = sentence(message)
        super().__init__(message)
        self.param = param
        self.message = message


def sentence(text: str) -> str:
    """The message as a sentence: a capital first letter (unless it opens with a quotation) and a full stop."""
    text = text.strip()
    if text[:1].isalpha():
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


class SearchUnavailable(Exception):
    """There is no search index to ask: a 503."""


@dataclass(frozen=True)
class Outcome:
    """One search: the validated query and the JSON body of `/api/search` (without "ok")."""

    query: Query
    data: dict[str, Any]


def index() -> SearchIndex:
    """This process's reader of the public index, opened once and refreshed by the search layer."""
    found = current_app.extensions.get("archive_search")
    if found is None:
        found = SearchIndex(Config(Path(current_app.config["ARCHIVE_CONTENT"]),
                                   Path(current_app.config["ARCHIVE_INSTANCE"])))
        current_app.extensions["archive_search"] = found
    return found


def parse(args: Mapping[str, Any]) -> Query:
    """The request's parameters as one validated `Query`, or `BadSearch`."""
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        for name in SINGLE_PARAMS:
            if len(getlist(name)) > 1:
                raise BadSearch(name, _("The parameter %(name)s may be given only once.", name=name))
    try:
        return parse_query(args)
    except QueryError as error:
        raise BadSearch(error.param, error.message) from None


def _ask(ask: Callable[[Query], T], query: Query) -> T:
    """One call to the search index, its errors as the web's: a 400 sentence, or a 503."""
    try:
        return ask(query)
    except QueryError as error:
        raise BadSearch(error.param, error.message) from None
    except IndexMissing as error:
        raise SearchUnavailable(str(error)) from None


def run(args: Mapping[str, Any]) -> Outcome:
    """Parse and run a search; the result as `/api/search` returns it, hits re-checked by the gate."""
    query = parse(args)
    data = _ask(index().search, query).to_json()
    data.pop("ok", None)
    public = public_views()
    data["results"] = [hit for hit in data["results"] if hit["id"] in public]
    return Outcome(query, data)


def all_ids(args: Mapping[str, Any]) -> list[str]:
    """The ids of every result of the search in `args`, in its order (for exports)."""
    return _ask(index().ids, parse(args))


def related(view: TestimonyView, limit: int = 5) -> list[TestimonyView]:
    """Public testimonies like this one, from the public index, each passed through the gate."""
    try:
        hits = index().related(view.id, limit)
    except IndexMissing:
        return []
    return [v for v in (public_view(hit.id) for hit in hits) if v is not None]
