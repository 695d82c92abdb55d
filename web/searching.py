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
from archive.messages import Message, english
from search.query import Query, QueryError, parse_query
from search.searcher import IndexMissing, SearchIndex

from .gate import public_view, public_views, site
from .site import PublicSet
from .i18n import DEFAULT_LANGUAGE, current_language, gettext as _, language_name
from .messages import message_text
from .present import local_name

__all__ = ["BadSearch", "SearchUnavailable", "Outcome", "run", "all_ids", "related", "index", "SINGLE_PARAMS"]

T = TypeVar("T")
# Parameters that may be given once; a repeated one is a 400, not a guess at which was meant.
SINGLE_PARAMS = ("q", "language", "from", "to", "sort", "page", "per_page")


class BadSearch(Exception):
    """A parameter that cannot be used: a 400 with this sentence, in the reader's language.

    `reason` is the search layer's error as a code (archive/messages.py), translated here; a sentence
    the caller has already translated says so with `translated=True`.
    """

    def __init__(self, param: str, message: str, reason: Message | None = None, *, translated: bool = False):
        if not translated:
            message = translated_error(param, message, reason)
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


def translated_error(param: str, message: str, reason: Message | None) -> str:
    """A search error in the reader's language, by its code; a sentence naming the parameter if it has none."""
    if current_language() == DEFAULT_LANGUAGE:
        return message
    if reason is not None:
        return message_text(reason)
    return _("The search parameter %(name)s cannot be used; please check it.", name=param)


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
                once = Message("query.once", {"name": name})
                raise BadSearch(name, english(once), once)
    try:
        return parse_query(args)
    except QueryError as error:
        raise BadSearch(error.param, error.message, error.reason) from None


def _ask(ask: Callable[[Query], T], query: Query) -> T:
    """One call to the search index, its errors as the web's: a 400 sentence, or a 503."""
    try:
        return ask(query)
    except QueryError as error:
        raise BadSearch(error.param, error.message, error.reason) from None
    except IndexMissing as error:
        raise SearchUnavailable(str(error)) from None


def run(args: Mapping[str, Any]) -> Outcome:
    """Parse and run a search; the result as `/api/search` returns it, hits re-checked by the gate."""
    query = parse(args)
    public = _public_set_matching_index()
    data = _ask(index().search, query).to_json()
    data.pop("ok", None)
    data["results"] = [hit for hit in data["results"] if hit["id"] in public]
    return Outcome(query, localised(data))


def _public_set_matching_index() -> PublicSet:
    """The public set to check hits against; a 503 while the index still holds a testimony the public
    may no longer see.

    Hits are re-checked by the gate, but totals, facet counts and "did you mean" come from
    the index: between a withdrawal in the files and the indexer catching up they would
    betray its words. An index ahead of this process (a file it has not re-read yet) only
    makes it re-read the files. Worked out once per (public set, index generation).
    """
    for attempt in range(2):
        public = public_views()
        try:
            generation = index().generation
        except IndexMissing as error:
            raise SearchUnavailable(str(error)) from None
        behind = public.memo(f"index-behind:{generation}",
                             lambda: any(tid not in public for tid in _ask(index().ids, parse_query({}))))
        if not behind:
            return public
        if attempt == 0:
            site().reload()
    raise SearchUnavailable("the search index is catching up with a change")


def localised(data: dict[str, Any]) -> dict[str, Any]:
    """Place names, theme labels and language names in the reader's language; ids, order and counts unchanged."""
    collection = site().collection
    places, themes = collection.places, collection.themes

    def place(place_id: str, default: str) -> str:
        entry = places.get(place_id)
        return local_name(entry.name, entry.names) if entry else default

    def theme(theme_id: str, default: str) -> str:
        entry = themes.get(theme_id)
        return local_name(entry.label, entry.labels) if entry else default

    for hit in data["results"]:
        hit["places"] = [{**p, "name": place(p["id"], p["name"])} for p in hit.get("places", [])]
        hit["themes"] = [{**t, "label": theme(t["id"], t["label"])} for t in hit.get("themes", [])]
    facets = data.get("facets", {})
    relabel = {"place": place, "theme": theme,
               "language": lambda code, default: language_name(code) if language_name(code) != code else default}
    for name, label in relabel.items():
        facets[name] = [{**item, "label": label(str(item["value"]), item["label"])} for item in facets.get(name, [])]
    return data


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
