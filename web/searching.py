"""The web's one door into `search/`: one query value and one result value for the page and the API.

`run(args)` parses the request into a `search.query.Query`, runs it on this process's `SearchIndex`,
and returns `Outcome.data` (exactly `/api/search`'s body); every hit is checked against the public set
(docs/serving.md), so a testimony withdrawn a moment ago never shows before the indexer catches up."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from flask import current_app

from archive.config import Config
from archive.consent import TestimonyView
from archive.messages import Message, english
from search.documents import plain_text
from search.query import Query, QueryError, parse_query
from search.searcher import Guard, IndexMissing, SearchIndex

from .gate import public_view, public_views, site
from .site import PublicSet
from .i18n import DEFAULT_LANGUAGE, current_language, gettext as _, language_name
from .messages import message_text
from .present import local_name
from .templating import date_text
from .urls import SearchLinks

__all__ = ["BadSearch", "SearchUnavailable", "SearchBusy", "Outcome", "run", "all_ids", "related", "index",
           "SINGLE_PARAMS"]

T = TypeVar("T")
# Parameters that may be given once; a repeated one is a 400, not a guess at which was meant.
SINGLE_PARAMS = ("q", "language", "from", "to", "sort", "page", "per_page", "correct")


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
    """There is no search index to ask, or it lags the files: a 503."""


class SearchBusy(SearchUnavailable):
    """Every search slot of this worker is taken: a 503, so pages and /curate keep a thread."""


def _slots() -> tuple[threading.BoundedSemaphore, threading.BoundedSemaphore]:
    """This process's search slots: (admitted, running). At most ARCHIVE_SEARCH_SLOTS searches run at once;
    ARCHIVE_SEARCH_QUEUE more may wait for one (up to ARCHIVE_SEARCH_WAIT seconds); beyond that, a 503."""
    found = current_app.extensions.get("archive_search_slots")
    if found is None:
        with _SLOTS_LOCK:
            config = current_app.config
            running = int(config["ARCHIVE_SEARCH_SLOTS"])
            found = current_app.extensions.setdefault("archive_search_slots", (
                threading.BoundedSemaphore(running + int(config["ARCHIVE_SEARCH_QUEUE"])),
                threading.BoundedSemaphore(running)))
    return found  # type: ignore[no-any-return]


_SLOTS_LOCK = threading.Lock()


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
    """Parse and run a search; the result as `/api/search` returns it, every hit shown as the gate shows it now."""
    query = parse(args)
    public, results = _guarded(lambda guard, public: index().search(query, guard, _current_text(public)), query)
    data = results.to_json()
    data.pop("ok", None)
    data["results"] = [_as_shown(hit, view) for hit, view in ((h, public.views.get(h["id"])) for h in data["results"])
                       if view is not None]
    data = localised(data)
    links = SearchLinks(args, data)
    for item in data.get("understood", []):
        item["filter"], item["filter_url"] = links.understood(item)
    return Outcome(query, data)


class IndexNarrower(Exception):
    """The index shows some testimony otherwise than the files allow now (or shows one they hide)."""


def _guarded(ask: Callable[[Guard, PublicSet], T], query: Query) -> tuple[PublicSet, T]:
    """Ask the public index, refusing (503) a generation that shows anything differently from the files now.

    The index records, per document, the version of the public form it was made from. A document
    that is not public now, or whose public form has changed (a name hidden, a passage redacted, a
    place coarsened), makes every answer from that generation a 503 -- results, totals, facet
    counts, suggestions, exports -- until the indexer catches up. A public testimony the index does
    not hold yet only makes the answer smaller. The comparison is made once per (public set,
    generation). If the index is ahead of this process, the files are scanned again once before refusing."""
    admitted, running = _slots()
    if not admitted.acquire(blocking=False):
        raise SearchBusy("every search slot and place in line is taken")
    try:
        if not running.acquire(timeout=float(current_app.config["ARCHIVE_SEARCH_WAIT"])):
            raise SearchBusy("no search slot came free in time")
        try:
            return _compared(ask, query)
        finally:
            running.release()
    finally:
        admitted.release()


def _compared(ask: Callable[[Guard, PublicSet], T], query: Query) -> tuple[PublicSet, T]:
    for attempt in range(2):
        public = public_views()

        def guard(generation: str, indexed: Mapping[str, str]) -> None:
            if not public.memo(f"index-agrees:{generation}", lambda: _agrees(public, indexed)):
                raise IndexNarrower(generation)

        try:
            return public, _ask(lambda _: ask(guard, public), query)
        except IndexNarrower as refused:
            if attempt == 0 and _rescanned(refused.args[0]):
                continue
            break
    raise SearchUnavailable("the search index is catching up with a change")


def _rescanned(generation: str) -> bool:
    """Once per index generation, look for file changes this process has not scanned yet; True if some."""
    seen: set[str] = current_app.extensions.setdefault("archive_rescanned", set())
    if generation in seen:
        return False
    if len(seen) > 1000:
        seen.clear()
    seen.add(generation)
    before = public_views().fingerprint
    site().rescan()
    return public_views().fingerprint != before


def _agrees(public: PublicSet, indexed: Mapping[str, str]) -> bool:
    """True when every indexed testimony is public now in exactly the form it was indexed in."""
    versions = public.views.versions  # pending ids are not in it: a generation that holds one is refused
    return all(versions.get(testimony_id) == version for testimony_id, version in indexed.items())


def _current_text(public: PublicSet) -> Callable[[str], tuple[str, str] | None]:
    """Each public testimony's body and summary as plain text, from the catalogue's public view (for snippets)."""
    def text(testimony_id: str) -> tuple[str, str] | None:
        view = public.views.get(testimony_id)
        return None if view is None else (plain_text(view.body), plain_text(view.summary) if view.summary else "")
    return text


def _as_shown(hit: dict[str, Any], view: TestimonyView) -> dict[str, Any]:
    """A result as the gate shows the testimony now: nothing but the snippet and order comes from the index."""
    collection = site().vocabularies
    return {**hit, "title": view.title, "narrator": view.narrator,
            "summary": plain_text(view.summary) if view.summary else None,
            "places": [{"id": p, "name": collection.places[p].name if p in collection.places else p}
                       for p in view.places],
            "themes": [{"id": t, "label": collection.themes[t].label if t in collection.themes else t}
                       for t in view.themes],
            "event_date": view.event_date.text, "language": view.language.lower()}


def localised(data: dict[str, Any]) -> dict[str, Any]:
    """Place names, theme labels and language names in the reader's language; ids, order and counts unchanged."""
    collection = site().vocabularies
    places, themes = collection.places, collection.themes

    def place(place_id: str, default: str) -> str:
        entry = places.get(place_id)
        return local_name(entry.name, entry.names) if entry else default

    def theme(theme_id: str, default: str) -> str:
        entry = themes.get(theme_id)
        return local_name(entry.label, entry.labels) if entry else default

    kinds = {"place": place, "theme": theme, "date": lambda value, default: date_text(value).striptags()}
    data["understood"] = [{**item, "label": kinds[item["kind"]](item["id"], item["id"])}
                          for item in data.get("understood", [])]
    for hit in data["results"]:
        hit["places"] = [{**p, "name": place(p["id"], p["name"])} for p in hit.get("places", [])]
        hit["themes"] = [{**t, "label": theme(t["id"], t["label"])} for t in hit.get("themes", [])]
    facets = data.get("facets", {})
    relabel = {"place": place, "theme": theme,
               "language": lambda code, default: language_name(code) if language_name(code) != code else default}
    for name, label in relabel.items():
        facets[name] = [{**item, "label": label(str(item["value"]), item["label"])} for item in facets.get(name, [])]
    return data


def facet_lists(data: Mapping[str, Any]) -> dict[str, list[tuple[dict[str, Any], int]]]:
    """Each facet's items with a depth for the page: places as a tree (each under the nearest enclosing
    place that is listed, larger counts first among siblings); the other facets flat, in their order."""
    lists: dict[str, list[tuple[dict[str, Any], int]]] = {
        name: [(item, 0) for item in items] for name, items in data.get("facets", {}).items()}
    places = site().vocabularies.places
    items = {str(item["value"]): item for item in data.get("facets", {}).get("place", [])}
    parent = {value: next((a for a in places.ancestors(value) if a in items), None) for value in items}
    children: dict[str | None, list[str]] = {}
    for value in items:  # already ordered by count, then label
        children.setdefault(parent[value], []).append(value)
    tree: list[tuple[dict[str, Any], int]] = []
    stack = [(value, 0) for value in reversed(children.get(None, []))]
    while stack:
        value, depth = stack.pop()
        tree.append((items[value], depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(value, [])))
    lists["place"] = tree
    return lists


def all_ids(args: Mapping[str, Any]) -> list[str]:
    """The ids of every result of the search in `args`, in its order (for exports); the same 503 as search."""
    query = parse(args)
    return _guarded(lambda guard, _: index().ids(query, guard), query)[1]


def related(view: TestimonyView, limit: int = 5) -> list[TestimonyView]:
    """Public testimonies like this one, from the public index, each passed through the gate; none while
    the index shows anything differently from the files."""
    try:
        hits = _guarded(lambda guard, _: index().related(view.id, limit, guard), parse_query({}))[1]
    except (IndexMissing, SearchUnavailable):
        return []
    return [v for v in (public_view(hit.id) for hit in hits) if v is not None]
