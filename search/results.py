"""The one result of a search, served as the web page and as `/api/search` alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .query import Query

__all__ = ["PlaceRef", "ThemeRef", "Hit", "FacetItem", "Results", "FACETS"]

FACETS = ("place", "theme", "language", "year")


@dataclass(frozen=True)
class PlaceRef:
    id: str
    name: str


@dataclass(frozen=True)
class ThemeRef:
    id: str
    label: str


@dataclass(frozen=True)
class Hit:
    """One public testimony in a result list; `snippet` is HTML (escaped text, matches in <mark>)."""

    id: str
    title: str
    url: str
    snippet: str
    summary: str | None
    narrator: str
    places: tuple[PlaceRef, ...]
    themes: tuple[ThemeRef, ...]
    event_date: str
    language: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "url": self.url, "snippet": self.snippet,
            "summary": self.summary, "narrator": self.narrator,
            "places": [{"id": p.id, "name": p.name} for p in self.places],
            "themes": [{"id": t.id, "label": t.label} for t in self.themes],
            "event_date": self.event_date, "language": self.language,
        }


@dataclass(frozen=True)
class FacetItem:
    """One value of a facet, with how many of the current results have it."""

    value: str
    label: str
    count: int
    selected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected}


@dataclass(frozen=True)
class Results:
    """A page of hits with the total, the facets over every result, and a "did you mean"."""

    query: Query
    total: int
    hits: tuple[Hit, ...] = ()
    facets: Mapping[str, tuple[FacetItem, ...]] = field(default_factory=lambda: {f: () for f in FACETS})
    suggestion: str | None = None
    # What the words were understood to name (themes, places, dates), whether only some of the
    # words matched, and the corrected q that was run instead of the one typed.
    understood: tuple[Any, ...] = ()
    relaxed: bool = False
    correction: str | None = None

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def per_page(self) -> int:
        return self.query.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """Exactly the `/api/search` body of INTERFACES.md."""
        return {
            "ok": True, "total": self.total, "page": self.page, "per_page": self.per_page,
            "results": [hit.to_json() for hit in self.hits],
            "facets": {name: [item.to_json() for item in self.facets.get(name, ())] for name in FACETS},
            "suggestion": self.suggestion,
            "understood": [u.to_json() for u in self.understood],
            "relaxed": self.relaxed,
            "matched": "some words" if self.relaxed else "all words",
            "correction": self.correction,
            "corrected_from": self.query.q if self.correction else None,
        }
