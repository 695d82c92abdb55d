"""What the map and the timeline count: public testimonies only, each at its public place level.

Everything here starts from the public set (views `archive.consent` built) or from a search
the gate has already checked; `web.mapping` and `web.timeline` only draw what it returns.

- A marker's count is the number of public testimonies that name the place itself in their
  public form: a testimony whose narrator allows only the district counts at the district (drawn
  as a ring at its rough centre), never at the village. Places inside are not added in, so no
  testimony is drawn twice on one map.
- A timeline bar counts the results whose event date overlaps its year (or month), as the
  from/to filter finds them; an interval counts in every year it overlaps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from flask import url_for
from markupsafe import Markup

from . import mapping, searching, timeline
from .gate import public_views, site
from .i18n import current_language, format_month, format_number, gettext as _, ngettext
from .present import direction, local_name, text_language
from .public_set import Listed
from .site import PublicSet
from .urls import SearchLinks

__all__ = ["counts_here", "PlaceMap", "place_map", "TimelineChart", "theme_timeline", "search_timeline"]


def counts_here(public: PublicSet | None = None) -> Counter[str]:
    """Public testimonies by the places their public form names (no enclosing places added)."""
    public = public or public_views()

    def count() -> Counter[str]:
        found: Counter[str] = Counter()
        for view in public.views.listed():
            found.update(set(view.places))
        return found

    return public.memo("counts-here", count)


@dataclass(frozen=True)
class PlaceMap:
    """A map and its text alternative: `rows` are every counted place, on the map or not."""

    svg: Markup | None
    rows: list[dict[str, Any]]


def _accessible_name(name: str, count: int) -> str:
    return ngettext("%(name)s: %(num)s public testimony", "%(name)s: %(num)s public testimonies", count, name=name)


def place_map(within: str | None = None, public: PublicSet | None = None) -> PlaceMap:
    """The map of every place with public testimonies; on a place's page (`within`), centred on it and the places
    inside it, which the table lists (with the other places the map shows around them)."""
    public = public or public_views()
    places = site().vocabularies.places
    counts = counts_here(public)
    counted = [p.id for p in places if counts.get(p.id)]
    inside = places.descendants(within) if within is not None else frozenset()
    focus = counted if within is None else [within] + [i for i in counted if i in inside]
    located = [places[i].coordinates for i in focus if places[i].coordinates is not None]
    view = mapping.view_for(located)
    shown = focus + [i for i in counted if i not in focus and located and _inside(places[i].coordinates, view)]
    language = current_language()
    markers, rows = [], []
    for place_id in shown:
        place = places[place_id]
        name = local_name(place.name, place.names)
        count = counts.get(place_id, 0)
        url = url_for("pages.place", place_id=place_id)
        written = text_language(name) or "en"
        rows.append({"id": place_id, "name": name, "type": place.type, "count": count, "url": url,
                     "mapped": place.coordinates is not None, "current": place_id == within})
        if place.coordinates is not None:
            markers.append(mapping.Marker(place_id, name, place.coordinates[0], place.coordinates[1], count, url,
                                          _accessible_name(name, count), place.type in mapping.AREA_TYPES,
                                          place_id == within, written if written != language else None))
    if not markers:
        return PlaceMap(None, rows)
    svg = mapping.render_map(markers, view, _("Map of the places with public testimonies"), "map-note")
    return PlaceMap(svg, rows)


def _inside(coordinates: tuple[float, float] | None, view: mapping.View, inset: float = 0.06) -> bool:
    """Whether a place lies in the view, away from its edges (a marker there would be cut in half)."""
    if coordinates is None:
        return False
    dy, dx = (view.north - view.south) * inset, (view.east - view.west) * inset
    return view.south + dy <= coordinates[0] <= view.north - dy and view.west + dx <= coordinates[1] <= view.east - dx


@dataclass(frozen=True)
class TimelineChart:
    """A timeline and its text alternative: `rows` are its bars, each (period, count, link)."""

    unit: str
    svg: Markup
    rows: list[dict[str, Any]]


def _period(bar: timeline.Bar) -> str:
    return str(bar.year) if bar.month is None else format_month(bar.year, bar.month)


def _chart(tl: timeline.Timeline | None) -> TimelineChart | None:
    """The timeline drawn in the reader's language (mirrored in Arabic), with its table."""
    if tl is None or not tl.bars:
        return None

    def name(bar: timeline.Bar) -> str:
        return _accessible_name(_period(bar), bar.count)

    svg = timeline.render_timeline(tl, _("Timeline of the event dates"), _period, name, format_number,
                                   rtl=direction(current_language()) == "rtl")
    rows = [{"period": _period(b), "count": b.count, "url": b.url} for b in tl.bars]
    return TimelineChart(tl.unit, svg, rows)


def theme_timeline(theme_id: str, listed: Iterable[Listed]) -> TimelineChart | None:
    """The timeline of a theme's public testimonies, from the catalogue's listing facts (no view is read); each
    bar links to the search for the theme in that period."""
    def link(start: str, end: str) -> str:
        return url_for("pages.search", theme=theme_id, **{"from": start, "to": end})

    return _chart(timeline.build([timeline.Span(v.event_start, v.event_end) for v in listed], None, link))


def search_timeline(outcome: searching.Outcome, links: SearchLinks) -> TimelineChart | None:
    """The timeline of a search's results (public hits only), cut to its from/to filters."""
    query = outcome.query
    years = [(int(item["value"]), int(item["count"])) for item in outcome.data.get("facets", {}).get("year", [])
             if item["count"]]
    if not outcome.data.get("total") or not years:
        return None
    window = None
    if query.date_from or query.date_to:
        window = (query.date_from.start if query.date_from else dt.date.min,
                  query.date_to.end if query.date_to else dt.date.max)

    def link(start: str, end: str) -> str:
        return links.url(page=None, **{"from": start, "to": end})

    if timeline.monthly(years, window):  # months are not among the facets: count the results' public dates
        found = set(searching.all_ids(links.args))
        spans = [timeline.Span(v.event_start, v.event_end) for v in public_views().views.listed() if v.id in found]
        return _chart(timeline.build(spans, window, link))
    return _chart(timeline.from_year_counts(dict(years), window, link))
