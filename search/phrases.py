"""Exact phrases ("barrel bombs"), matched with sets of positions instead of Whoosh's span machinery.

Whoosh checks a phrase by building a span object for every position of every word
in every candidate document, which makes a phrase of two common words the slowest
query by far. For an exact phrase (slop 1) it is enough to intersect the words'
position sets, shifted by their place in the phrase; other phrases keep Whoosh's way.
Scores are those of the words together, as for an AND of them.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh import query as wq

__all__ = ["ExactPhrase"]


def _positions(decode: Any, word: Any) -> set[int]:
    """The positions in the current posting of a word's matcher (decoded in C by the compact formats)."""
    return set(decode(word.value()))


class _AdjacentMatcher(matching.Matcher):
    """Documents where each word's posting holds a position right after the previous word's."""

    def __init__(self, words: list[Any], decode: Any, boost: float = 1.0):
        self._words = words
        self._decode = decode  # the field's format's decode_positions
        self._boost = boost
        self._seek()

    def _adjacent(self) -> bool:
        starts = _positions(self._decode, self._words[0])
        for offset, word in enumerate(self._words[1:], 1):
            starts &= {p - offset for p in _positions(self._decode, word)}
            if not starts:
                return False
        return True

    def _seek(self) -> None:
        """Move to the first document, from where the words stand, that holds the phrase."""
        words = self._words
        while all(w.is_active() for w in words):
            target = max(w.id() for w in words)
            for word in words:
                if word.id() < target:
                    word.skip_to(target)
                    if not word.is_active():
                        return
            if all(w.id() == target for w in words):
                if self._adjacent():
                    return
                words[0].next()

    def is_active(self) -> bool:
        return all(w.is_active() for w in self._words)

    def id(self) -> int:
        return self._words[0].id()  # type: ignore[no-any-return]

    def next(self) -> None:
        self._words[0].next()
        self._seek()

    def skip_to(self, id: int) -> None:
        if self.is_active() and id > self.id():
            self._words[0].skip_to(id)
            self._seek()

    def copy(self) -> "_AdjacentMatcher":
        return _AdjacentMatcher([w.copy() for w in self._words], self._decode, self._boost)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def supports(self, astype: str) -> bool:
        return False

    def supports_block_quality(self) -> bool:
        return False

    def weight(self) -> float:
        return sum(w.weight() for w in self._words) * self._boost

    def score(self) -> float:
        return sum(w.score() for w in self._words) * self._boost  # type: ignore[no-any-return]

    def depth(self) -> int:
        return 1


class ExactPhrase(wq.Phrase):
    """Whoosh's Phrase, with a faster matcher when the words must be adjacent."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if self.slop != 1 or len(self.words) < 2 or field is None or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        words = []
        for word in self.words:
            text = field.to_bytes(word)
            if (self.fieldname, text) not in reader:
                return matching.NullMatcher()
            words.append(wq.Term(self.fieldname, text).matcher(searcher, context))
        return _AdjacentMatcher(words, field.format.decode_positions, self.boost)
