"""The curator dashboard at /curate/: every testimony, whatever its consent state, marked with that state.

Searching, filtering, sorting, counting and paging come from the curator index (never the
public one); each row is then checked against its file as it is now (only the page's files are
read), so a testimony deleted or broken since the last index run is not listed and the state shown
is today's. The languages offered and the count of files with problems come from the curator
index's catalogue (web.curate.reading): no page reads every file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Mapping

from flask import current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from archive import consent
from archive.consent import Audience, State
from archive.model import Testimony
from search.query import Query, QueryError
from search.results import Hit, Results

from ..gate import today
from ..i18n import format_day, language_name
from ..i18n import gettext as _
from ..searching import BadSearch, parse
from .labels import VALUE_LABELS
from .blueprint import bp
from .finding import find
from .reading import catalogue, current, invalid_files, vocabularies

__all__ = ["dashboard", "Row", "state_label", "SORTS", "PARAMS"]

SORTS = ("-changed", "relevance", "date", "-date")
PARAMS = ("q", "state", "place", "theme", "language", "from", "to", "sort", "page")
MULTI = ("state", "place", "theme")


@dataclass(frozen=True)
class Row:
    """One testimony as the dashboard lists it."""

    id: str
    title: str
    state: str
    state_label: str
    narrator: str
    language: str
    places: tuple[str, ...]
    changed: str
    snippet: str | None
    links: Mapping[str, str]


def state_label(state: State | str) -> str:
    """A state's name in the reader's language (the text that marks it: never colour alone)."""
    return _(VALUE_LABELS["state"][State(state).value])


@bp.get("/")
def dashboard() -> tuple[str, int] | str:
    """Every testimony as curators see it: searchable, filtered by state and more, recently changed first."""
    try:
        query = _query(request.args)
        results = find(query)
    except BadSearch as error:
        return _page(None, [], error.message), 400
    except QueryError as error:
        return _page(None, [], BadSearch(error.param, error.message, error.reason).message), 400
    return _page(results, _rows(results.hits, bool(query.q)))


def _query(args: Any) -> Query:
    """The dashboard's parameters as one curator `Query` (`BadSearch` for a bad one)."""
    query = parse(MultiDict([(k, v) for k, v in args.items(multi=True) if k not in ("state", "sort")]))
    sorts = [s for s in args.getlist("sort") if s]
    if len(sorts) > 1:
        raise BadSearch("sort", _("The parameter %(name)s may be given only once.", name="sort"), translated=True)
    sort = sorts[0] if sorts else ("relevance" if query.q else "-changed")
    if sort not in SORTS:
        raise BadSearch("sort", _("The order must be one of: %(sorts)s.", sorts=", ".join(SORTS)), translated=True)
    states = tuple(dict.fromkeys(s for s in args.getlist("state") if s))
    known = [s.value for s in State]
    for value in states:
        if value not in known:
            raise BadSearch("state", _("The state must be one of: %(states)s.", states=", ".join(known)), translated=True)
    return query.replace(states=states, sort=sort, page=query.page)


def _endpoint(name: str, **values: Any) -> str | None:
    """A link to another curator page, if that page is part of this application."""
    return url_for(name, **values) if name in current_app.view_functions else None


def _changed(testimony: Testimony) -> str:
    try:
        return format_day(dt.date.fromtimestamp(os.stat(testimony.path).st_mtime))
    except OSError:
        return ""


def _rows(hits: tuple[Hit, ...], searched: bool) -> list[Row]:
    """The page's hits, each as its file says now (gone or invalid ones left out, today's state)."""
    places, day = vocabularies().places, today()
    rows = []
    for hit in hits:
        t = current(hit.id)
        if t is None:
            continue
        state = consent.state(t, day)
        links = {name: _endpoint(f"curate.{name}", testimony_id=t.id) for name in ("testimony", "edit", "consent")}
        rows.append(Row(
            id=t.id, title=t.title, state=state.value, state_label=state_label(state),
            narrator=consent.narrator_shown(t, Audience.CURATOR), language=language_name(t.language),
            places=tuple(places[p].name if p in places else p for p in t.places),
            changed=_changed(t), snippet=hit.snippet if searched else None,
            links={k: v for k, v in links.items() if v}))
    return rows


def _url(**changes: Any) -> str:
    """This dashboard URL with some parameters replaced (None removes one; a list sets a repeated one)."""
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k in PARAMS and v != ""])
    for name, value in changes.items():
        args.poplist(name)
        for item in [] if value is None else value if isinstance(value, (list, tuple)) else [value]:
            args.add(name, str(item))
    return url_for("curate.dashboard", **{k: args.getlist(k) for k in PARAMS if k in args})


def _page_url(number: int) -> str:
    return _url(page=None if number == 1 else number)


def _pages(current: int, last: int) -> list[int | None]:
    """Page numbers to link to, None standing for a gap: 1 … 4 5 6 … 20."""
    shown: list[int | None] = []
    for number in sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}):
        if shown and number - (shown[-1] or 0) > 1:
            shown.append(None)
        shown.append(number)
    return shown


def _state_links(results: Results) -> list[dict[str, Any]]:
    """Each state with its count among the results; its link adds or removes it as a filter."""
    chosen = request.args.getlist("state")
    links = []
    for item in results.facets.get("state", ()):
        states = [s for s in chosen if s != item.value] if item.selected else [*chosen, item.value]
        links.append({"value": item.value, "label": state_label(item.value), "count": item.count,
                      "selected": item.selected, "url": _url(state=states or None, page=None)})
    return links


def _page(results: Results | None, rows: list[Row], error: str | None = None) -> str:
    languages, invalid = catalogue().languages(), invalid_files()
    last = results.pages if results else 1
    return render_template(
        "curate/dashboard.html", results=results, rows=rows, error=error, args=request.args,
        states=[(s.value, state_label(s)) for s in State], sorts=_sort_labels(),
        languages=[(code, language_name(code)) for code in languages], invalid=invalid,
        state_links=_state_links(results) if results else [],
        pages=[(n, _page_url(n) if n else None) for n in _pages(results.page, last)] if results else [],
        last_page=last, page_url=_page_url, clear_url=url_for("curate.dashboard"),
        new_url=_endpoint("curate.new"))


def _sort_labels() -> list[tuple[str, str]]:
    return [("-changed", _("Recently changed first")), ("relevance", _("Most relevant first")),
            ("date", _("Oldest events first")), ("-date", _("Newest events first"))]
