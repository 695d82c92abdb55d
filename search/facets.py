"""Facet counts over every result (not just one page), from the `facets` column read once per generation."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import Counter
from typing import Any, Collection, Mapping

from archive.consent import State
from archive.vocabulary import Gazetteer, Themes

from .documents import split_facet_keys
from .query import Query
from .results import FACETS, FacetItem

__all__ = ["FacetTable", "facet_items", "state_items", "LANGUAGE_NAMES"]

LANGUAGE_NAMES = {"en": "English", "ar": "Arabic", "fr": "French", "de": "German", "ku": "Kurdish",
                  "tr": "Turkish", "es": "Spanish", "nl": "Dutch", "it": "Italian", "ru": "Russian"}


class FacetTable:
    """Each document's facet keys (p:/t:/l:/y:), by document number, for one searcher."""

    def __init__(self, reader: Any):
        column = reader.column_reader("facets") if reader.doc_count_all() else []
        interned: dict[str, str] = {}
        self.keys = [tuple(interned.setdefault(k, k) for k in split_facet_keys(packed)) for packed in column]

    @classmethod
    def of(cls, reader: Any) -> FacetTable:
        """The table of this reader's segments: one made for the same segments while something still holds it
        (a server's master makes it before it forks its workers, web/ready.py), else a new one."""
        key = _segments(reader)
        with _LOCK:
            found = _HELD.get(key) if key is not None else None
        if found is None:
            found = cls(reader)
            if key is not None:
                with _LOCK:
                    _HELD[key] = found
        return found

    def count(self, docnums: Collection[int]) -> Counter[str]:
        """How many of these documents carry each key."""
        return Counter(itertools.chain.from_iterable(map(self.keys.__getitem__, docnums)))  # at C speed


_HELD: weakref.WeakValueDictionary[tuple[Any, ...], FacetTable] = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def _segments(reader: Any) -> tuple[Any, ...] | None:
    """What a facet table depends on: each segment's id and document count, in order (None: not known)."""
    leaves = [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())
    segments = [leaf.segment() for leaf, _ in leaves]
    if any(segment is None for segment in segments):
        return None
    return tuple((segment.segment_id(), leaf.doc_count_all()) for segment, (leaf, _) in zip(segments, leaves))


def _year_selected(query: Query, year: int) -> bool:
    return (query.date_from is not None and query.date_to is not None
            and query.date_from.start.isoformat() == f"{year}-01-01"
            and query.date_to.end.isoformat() == f"{year}-12-31")


def facet_items(counts: Mapping[str, int], query: Query, places: Gazetteer,
                themes: Themes) -> dict[str, tuple[FacetItem, ...]]:
    """The four facets, labelled from the vocabularies; a selected value is listed even at zero."""
    found: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    kinds = {"p": "place", "t": "theme", "l": "language", "y": "year"}
    for key, count in counts.items():
        kind, _, value = key.partition(":")
        if kind in kinds:
            found[kinds[kind]][value] = count
    for value in query.places:
        found["place"].setdefault(value, 0)
    for value in query.themes:
        found["theme"].setdefault(value, 0)
    if query.language:
        found["language"].setdefault(query.language, 0)

    def label(kind: str, value: str) -> str:
        if kind == "place":
            place = places.get(value)
            return place.name if place else value
        if kind == "theme":
            theme = themes.get(value)
            return theme.label if theme else value
        if kind == "language":
            return LANGUAGE_NAMES.get(value, value)
        return value

    selected = {"place": set(query.places), "theme": set(query.themes), "language": {query.language}}
    result: dict[str, tuple[FacetItem, ...]] = {}
    for kind, values in found.items():
        items = [FacetItem(v, label(kind, v), n,
                           _year_selected(query, int(v)) if kind == "year" else v in selected[kind])
                 for v, n in values.items()]
        if kind == "year":
            items.sort(key=lambda i: i.value)
        else:
            items.sort(key=lambda i: (-i.count, i.label.casefold()))
        result[kind] = tuple(items)
    return result


def state_items(counts: Any, query: Query) -> tuple[FacetItem, ...]:
    """The consent states among the results, in State order, with a selected one listed even at zero."""
    return tuple(FacetItem(state.value, state.value, counts.get(f"s:{state.value}", 0), state.value in query.states)
                 for state in State if counts.get(f"s:{state.value}", 0) or state.value in query.states)
