"""How text fields' postings are stored: positions (and character offsets) as packed integers.

Whoosh's own formats pickle a list of deltas for every term of every document; these keep
the same information as an array of unsigned 16-bit integers (32-bit when a text is longer
than 65,535 characters), written and read at C speed, smaller on disk. Phrase queries read
the positions; snippets read the character offsets of the body.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from typing import Any

from whoosh import fields, formats
from whoosh.system import _INT_SIZE, pack_uint

from .analysis import ArchiveAnalyzer

__all__ = ["CompactPositions", "CompactCharacters", "text_field"]

_SWAP = sys.byteorder == "big"  # the files hold little-endian integers wherever they were written


def _pack(count: int, numbers: list[int], largest: int | None = None) -> bytes:
    wide = (max(numbers, default=0) if largest is None else largest) >= 65536
    packed = array("I" if wide else "H", numbers)
    if _SWAP:
        packed.byteswap()
    return pack_uint(count) + (b"I" if wide else b"H") + packed.tobytes()


def _unpack(value: bytes) -> array:
    numbers = array(chr(value[_INT_SIZE]))
    numbers.frombytes(value[_INT_SIZE + 1:])
    if _SWAP:
        numbers.byteswap()
    return numbers


def _occurrences(value: Any, analyzer: Any, chars: bool, kwargs: dict[str, Any]) -> tuple[dict[str, list[int]], bool]:
    """Each term of the text with its positions (and character offsets), flat: [pos, start, end, ...]; and
    whether the last number of each is its largest (occurrences in order, as the archive's analyzer gives)."""
    if isinstance(analyzer, ArchiveAnalyzer) and isinstance(value, str) and kwargs == {"mode": "index"}:
        return analyzer.occurrences(value, chars), True
    found: dict[str, list[int]] = defaultdict(list)
    kwargs.update(positions=True, chars=chars)
    for token in formats.tokens(value, analyzer, kwargs):
        found[token.text] += (token.pos, token.startchar, token.endchar) if chars else (token.pos,)
    return found, False


def _postings(value: Any, analyzer: Any, chars: bool, boost: float, kwargs: dict[str, Any]
              ) -> list[tuple[str, int, float, bytes]]:
    """(term, frequency, weight, packed occurrences) for each term of the text."""
    found, ordered = _occurrences(value, analyzer, chars, kwargs)
    step = 3 if chars else 1
    postings = []
    for text, numbers in found.items():
        count = len(numbers) // step
        postings.append((text, count, count * boost, _pack(count, numbers, numbers[-1] if ordered else None)))
    return postings


class CompactPositions(formats.Positions):
    """Each posting: the count, then every position of the term in the document."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> list[tuple[str, int, float, bytes]]:
        return _postings(value, analyzer, False, self.field_boost, kwargs)

    def encode(self, poslist: list[int]) -> bytes:
        return _pack(len(poslist), list(poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return _unpack(valuestring).tolist()

    def combine(self, vs: list[bytes]) -> bytes:
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


class CompactCharacters(formats.Characters):
    """Each posting: the count, then (position, start character, end character) for each occurrence."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> list[tuple[str, int, float, bytes]]:
        return _postings(value, analyzer, True, self.field_boost, kwargs)

    def encode(self, poslist: list[tuple[int, int, int]]) -> bytes:
        return _pack(len(poslist), [n for triple in poslist for n in triple])

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        numbers = _unpack(valuestring)
        return list(zip(numbers[0::3], numbers[1::3], numbers[2::3]))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return _unpack(valuestring)[0::3].tolist()

    def combine(self, vs: list[bytes]) -> bytes:
        spans: dict[int, tuple[int, int]] = {}
        for v in vs:
            for pos, start, end in self.decode_characters(v):
                old = spans.get(pos, (start, end))
                spans[pos] = (min(start, old[0]), max(end, old[1]))
        return self.encode([(pos, *spans[pos]) for pos in sorted(spans)])


def text_field(analyzer: Any, stored: bool = False, chars: bool = False) -> fields.TEXT:
    """A TEXT field (phrases work) whose postings are stored compactly, with character offsets if asked."""
    field = fields.TEXT(analyzer=analyzer, stored=stored, chars=chars)
    field.format = (CompactCharacters if chars else CompactPositions)(field_boost=field.format.field_boost)
    return field
