"""Public views turned into what pages and the API show: one shape for both.

Everything here takes `TestimonyView`s (already decided by `archive.consent`) or the
public set, never a raw `Testimony`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable, Mapping

from flask import url_for

from archive.citation import Citation, cite, text_segments
from archive.consent import TestimonyView
from archive.dates import DateRange
from archive.languages import in_language
from archive.model import CollectionInfo
from archive.text import is_arabic
from archive.vocabulary import Gazetteer, Themes, Vocabulary

from .gate import public_view, public_views, site, today
from .i18n import current_language
from .render import RenderedBody, render_body
from .public_set import Listed
from .site import PublicSet

__all__ = [
    "RTL_LANGUAGES", "direction", "place_ref", "theme_ref", "date_json", "testimony_json",
    "citation_for", "citation_segments", "public_counts", "expanded", "added_on", "recently_added", "testimonies_in",
    "translations_of", "summary_ref", "tree", "text_language", "local_name", "vocabulary_name",
]

RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "yi", "dv", "syr"})


def direction(language: str | None) -> str:
    """'rtl' or 'ltr' for a BCP 47 tag."""
    return "rtl" if (language or "").split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def text_language(text: str, language: str | None = None) -> str | None:
    """The language of a piece of text: the one given, else 'ar' when it is written in Arabic."""
    if language:
        return language
    return "ar" if is_arabic(text) else None


def local_name(default: str, translated: Mapping[str, str], language: str | None = None) -> str:
    """A place name or theme label in the reader's language (`names`/`labels`), else the default one
    (archive.languages, with the reader's language filled in)."""
    return in_language(translated, default, language or current_language())


def vocabulary_name(kind: str, entry_id: str) -> str:
    """The name of a place (kind "place") or the label of a theme, in the reader's language; the id if unknown."""
    collection = site().vocabularies
    if kind == "place":
        place = collection.places.get(entry_id)
        return local_name(place.name, place.names) if place else entry_id
    theme = collection.themes.get(entry_id)
    return local_name(theme.label, theme.labels) if theme else entry_id


def place_ref(place_id: str, places: Gazetteer) -> dict[str, Any]:
    """A place as a result or a testimony names it: {"id", "name"} (and "names"), named in the reader's language."""
    place = places.get(place_id)
    if place is None:
        return {"id": place_id, "name": place_id, "names": {}}
    return {"id": place.id, "name": local_name(place.name, place.names), "names": dict(place.names)}


def theme_ref(theme_id: str, themes: Themes) -> dict[str, Any]:
    theme = themes.get(theme_id)
    return {"id": theme_id, "label": local_name(theme.label, theme.labels) if theme else theme_id,
            "labels": dict(theme.labels) if theme else {}}


def date_json(date: DateRange | None) -> dict[str, str] | None:
    """A date (docs/format.md) as written, with the first and last day it covers."""
    if date is None:
        return None
    return {"text": date.text, "start": date.start.isoformat(), "end": date.end.isoformat()}


def citation_for(view: TestimonyView, accessed: dt.date | None = None) -> Citation:
    """The citation; its plain text in the interface language (BibTeX, RIS, CSL-JSON never change)."""
    return cite(view, site().info, accessed or today(), current_language())


def citation_segments(view: TestimonyView, accessed: dt.date | None = None) -> list[tuple[str, bool]]:
    """The plain-text citation as (text, isolate) segments, so a page can put each name and title in <bdi>."""
    return text_segments(view, site().info, accessed or today(), current_language())


def translations_of(view: TestimonyView, public: PublicSet | None = None) -> list[TestimonyView]:
    """The public translations of a testimony, and the public original it translates, if any."""
    public = public or public_views()

    def index() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for other in sorted(public.views.listed(), key=lambda v: (v.language, v.id)):
            if other.translation_of is not None:
                found.setdefault(other.translation_of, []).append(other.id)
        return found

    linked = [public.views.get(i) for i in public.memo("translations", index).get(view.id, [])]
    original = public.views.get(view.translation_of or "")
    return ([original] if original else []) + [v for v in linked if v is not None]


def testimony_json(view: TestimonyView, body: RenderedBody | None = None,
                   citation: Citation | None = None) -> dict[str, Any]:
    """Every public field of a testimony, as `GET /api/t/<id>` returns it."""
    collection = site().vocabularies
    info: CollectionInfo = site().info
    citation = citation or citation_for(view)
    body = body or render_body(view.body)
    original = public_view(view.translation_of)
    source = None
    if view.source is not None:
        source = {"title": view.source.title, "publisher": view.source.publisher,
                  "url": view.source.url, "date": date_json(view.source.date)}
    return {
        "id": view.id,
        "title": view.title,
        "language": view.language,
        "url": info.permalink(view.id),
        "version": view.version,
        "narrator": view.narrator,
        "narrator_description": view.narrator_description,
        "identity": view.identity.value,
        "summary": view.summary,
        "content_warnings": list(view.content_warnings),
        "event_date": date_json(view.event_date),
        "places": [place_ref(p, collection.places) for p in view.places],
        "themes": [theme_ref(t, collection.themes) for t in view.themes],
        "recorded": {"date": date_json(view.recorded.date), "by": view.recorded.by,
                     "method": view.recorded.method.value},
        "contributors": [{"name": c.name, "role": c.role} for c in view.contributors],
        "source": source,
        "license": view.license or info.license,
        "updated": view.updated.isoformat() if view.updated else None,
        "translation_of": original.id if original else None,
        "translations": [v.id for v in translations_of(view) if v.translation_of == view.id],
        "body_html": str(body.html),
        "citation": {"text": citation.text, "bibtex": citation.bibtex, "ris": citation.ris,
                     "csl": citation.csl},
    }


def summary_ref(view: TestimonyView) -> dict[str, Any]:
    """A testimony in a list (home, place and theme pages, related): what a result shows, minus the snippet."""
    collection = site().vocabularies
    return {
        "id": view.id,
        "title": view.title,
        "url": url_for("pages.testimony", testimony_id=view.id),
        "summary": view.summary,
        "narrator": view.narrator,
        "places": [place_ref(p, collection.places) for p in view.places],
        "themes": [theme_ref(t, collection.themes) for t in view.themes],
        "event_date": view.event_date.text,
        "language": view.language,
    }


def expanded(ids: Iterable[str], vocabulary: Vocabulary[Any]) -> set[str]:
    """The ids with every enclosing (or broader) entry: what filtering by an entry finds."""
    found: set[str] = set()
    for entry_id in ids:
        found.add(entry_id)
        found.update(vocabulary.ancestors(entry_id))
    return found


def public_counts(public: PublicSet | None = None) -> tuple[Counter[str], Counter[str]]:
    """(place counts, theme counts) over public testimonies, each counted under every enclosing entry."""
    public = public or public_views()
    collection = site().vocabularies

    def count() -> tuple[Counter[str], Counter[str]]:
        places: Counter[str] = Counter()
        themes: Counter[str] = Counter()
        for view in public.views.listed():
            places.update(expanded(view.places, collection.places))
            themes.update(expanded(view.themes, collection.themes))
        return places, themes

    return public.memo("counts", count)


def added_on(view: TestimonyView) -> dt.date:
    """The date a testimony counts as added: its last revision, else the end of its recording date."""
    return view.updated or view.recorded.date.end


def recently_added(limit: int, public: PublicSet | None = None) -> list[TestimonyView]:
    public = public or public_views()
    newest = sorted(public.views.listed(), key=lambda v: (v.added_on, v.id), reverse=True)[:limit]
    return [v for v in (public.views.get(listed.id) for listed in newest) if v is not None]


def testimonies_in(entry_id: str, kind: str, public: PublicSet | None = None) -> list[Listed]:
    """The public testimonies about a place (or tagged with a theme), narrower ones included, by their event's
    first day, as the catalogue lists them: a page reads the views of those it shows (`public.views.get`)."""
    public = public or public_views()
    collection = site().vocabularies
    vocabulary: Vocabulary[Any] = collection.places if kind == "place" else collection.themes
    inside: dict[str, bool] = {}  # per place or theme named: is it entry_id or narrower (as `expanded` finds)?
    found = []
    for listed in public.views.listed():
        for named in listed.places if kind == "place" else listed.themes:
            if named not in inside:
                inside[named] = entry_id in expanded((named,), vocabulary)
            if inside[named]:
                found.append(listed)
                break
    found.sort(key=lambda v: (v.event_start, v.id))
    return found


def tree(kind: str, counts: Counter[str], roots: Iterable[str] | None = None,
         depth: int | None = None) -> list[dict[str, Any]]:
    """The place (or theme) hierarchy as nested {"id", "name", "names", "count", "children"}."""
    collection = site().vocabularies
    vocabulary: Vocabulary[Any] = collection.places if kind == "place" else collection.themes
    ref = (lambda i: place_ref(i, collection.places)) if kind == "place" else (
        lambda i: theme_ref(i, collection.themes))

    def node(entry_id: str, level: int, seen: frozenset[str]) -> dict[str, Any]:
        children = [] if depth is not None and level >= depth else [
            node(child, level + 1, seen | {child}) for child in vocabulary.children(entry_id) if child not in seen]
        return {**ref(entry_id), "count": counts.get(entry_id, 0), "children": children}

    return [node(root, 1, frozenset({root})) for root in (vocabulary.roots() if roots is None else roots)]
