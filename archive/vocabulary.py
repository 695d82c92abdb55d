"""Hierarchical vocabularies: the gazetteer of places and the theme vocabulary.

Both are trees (a place's `parent`, a theme's `broader`) whose entries are found
by id or by any of their names, folded with `archive.text.fold`.
"""

from __future__ import annotations

import difflib
from typing import Callable, Generic, Iterable, Iterator, TypeVar

from .model import Place, Theme
from .text import fold

__all__ = ["Vocabulary", "Gazetteer", "Themes", "PLACE_RANK"]

T = TypeVar("T", Place, Theme)

# How coarse a place type is: lower is larger.
PLACE_RANK = {
    "country": 0, "governorate": 1, "district": 2, "subdistrict": 3,
    "city": 4, "town": 4, "village": 4, "camp": 4, "site": 4,
}


class Vocabulary(Generic[T]):
    """Entries with ids, names and one optional parent each."""

    def __init__(
        self,
        entries: Iterable[T],
        parent_of: Callable[[T], str | None],
        names_of: Callable[[T], Iterable[str]],
    ):
        self._entries: dict[str, T] = {}
        for entry in entries:
            self._entries.setdefault(entry.id, entry)
        self._parent_of = parent_of
        self._children: dict[str, list[str]] = {}
        for entry in self._entries.values():
            parent = parent_of(entry)
            if parent in self._entries:
                self._children.setdefault(parent, []).append(entry.id)
        self._by_name: dict[str, str] = {}
        self.clashes: list[tuple[str, str, str]] = []  # (name, first id, second id)
        for entry in self._entries.values():
            for name in (entry.id, *names_of(entry)):
                key = fold(name)
                owner = self._by_name.setdefault(key, entry.id)
                if owner != entry.id and (name, owner, entry.id) not in self.clashes:
                    self.clashes.append((name, owner, entry.id))

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def get(self, entry_id: str) -> T | None:
        return self._entries.get(entry_id)

    def __getitem__(self, entry_id: str) -> T:
        return self._entries[entry_id]

    def resolve(self, name: str) -> str | None:
        """The id of the entry with this id or name (any language, any spelling we know)."""
        if name in self._entries:
            return name
        return self._by_name.get(fold(name))

    def names(self) -> dict[str, str]:
        """Every folded name mapped to its entry's id."""
        return dict(self._by_name)

    def suggest(self, name: str) -> str | None:
        """The id whose id or name is closest to a misspelt one, if any is close."""
        close = difflib.get_close_matches(fold(name), self._by_name, n=1, cutoff=0.75)
        return self._by_name[close[0]] if close else None

    def candidates(self, name: str, limit: int = 5) -> list[str]:
        """Ids worth offering for a name that finds nothing: those with a name that begins with it or has
        a word that does ("Maarat" -> Maarat al-Numan), then the closest spellings; at most `limit`."""
        key = fold(name)
        if not key:
            return []
        found: list[str] = []
        for folded, entry_id in self._by_name.items():
            if (folded.startswith(key) or f" {key}" in f" {folded}") and entry_id not in found:
                found.append(entry_id)
        for folded in difflib.get_close_matches(key, self._by_name, n=limit, cutoff=0.75):
            if self._by_name[folded] not in found:
                found.append(self._by_name[folded])
        for entry in self._entries.values():  # a word of a theme's description: "bombing" -> Airstrikes
            words = f" {fold(getattr(entry, 'description', None) or '')}"
            if len(key) >= 4 and f" {key}" in words and entry.id not in found:
                found.append(entry.id)
        return found[:limit]

    def parent(self, entry_id: str) -> str | None:
        entry = self._entries.get(entry_id)
        parent = self._parent_of(entry) if entry else None
        return parent if parent in self._entries else None

    def ancestors(self, entry_id: str) -> tuple[str, ...]:
        """The enclosing entries, nearest first; stops safely at a cycle."""
        seen = [entry_id]
        parent = self.parent(entry_id)
        while parent is not None and parent not in seen:
            seen.append(parent)
            parent = self.parent(parent)
        return tuple(seen[1:])

    def children(self, entry_id: str) -> tuple[str, ...]:
        return tuple(self._children.get(entry_id, ()))

    def descendants(self, entry_id: str) -> frozenset[str]:
        """Every entry inside this one, at any depth (not the entry itself)."""
        found: set[str] = set()
        stack = list(self.children(entry_id))
        while stack:
            child = stack.pop()
            if child not in found and child != entry_id:
                found.add(child)
                stack.extend(self.children(child))
        return frozenset(found)

    def roots(self) -> tuple[str, ...]:
        """Entries with no (known) parent, in file order."""
        return tuple(e for e in self._entries if self.parent(e) is None)

    def cycles(self) -> list[tuple[str, ...]]:
        """Each cycle of parents once, as the ids on it in order."""
        found: list[tuple[str, ...]] = []
        on_cycle: set[str] = set()
        for start in self._entries:
            path = [start]
            parent = self.parent(start)
            while parent is not None and parent not in path:
                path.append(parent)
                parent = self.parent(parent)
            if parent is not None and parent not in on_cycle:
                cycle = tuple(path[path.index(parent):])
                on_cycle.update(cycle)
                found.append(cycle)
        return found


class Gazetteer(Vocabulary[Place]):
    """Places, found by any name, with their enclosing places."""

    def __init__(self, places: Iterable[Place]):
        super().__init__(
            places,
            parent_of=lambda p: p.parent,
            names_of=lambda p: (p.name, *p.names.values(), *p.aliases),
        )

    def coarsen(self, place_id: str, level: str) -> str | None:
        """The place, or its nearest enclosing place no finer than `level`; None if there is none."""
        limit = PLACE_RANK[level]
        for candidate in (place_id, *self.ancestors(place_id)):
            place = self.get(candidate)
            if place is not None and PLACE_RANK.get(place.type, 99) <= limit:
                return candidate
        return None


class Themes(Vocabulary[Theme]):
    """The theme vocabulary, broader themes as parents."""

    def __init__(self, themes: Iterable[Theme]):
        super().__init__(
            themes,
            parent_of=lambda t: t.broader,
            names_of=lambda t: (t.label, *t.labels.values(), *t.all_aliases()),
        )
