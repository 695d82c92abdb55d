"""Analyzers for English and Arabic text: one tokenizer, folding, stop words, light stemming.

The index side and the query side use the same chains, so a query without
Arabic diacritics finds text with them and "bombing" finds "bombed".
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain

from whoosh.analysis import Analyzer, Token
from whoosh.lang.porter2 import stem as _porter2

from archive.text import fold_arabic

from .arabic import stem_arabic, strip_article
from .lexicon import ENGLISH_STEMS

__all__ = ["text_analyzer", "name_analyzer", "analyze", "stem_arabic", "ArchiveAnalyzer"]


def _mark_ranges() -> str:
    """Character-class body for every combining mark in the BMP, plus in-word format characters."""
    marks = [cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me")]
    marks += [0x0640, 0x00AD, 0x200C, 0x200D]  # tatweel, soft hyphen, ZWNJ, ZWJ
    marks.sort()
    ranges, start, prev = [], marks[0], marks[0]
    for cp in marks[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# A word: letters, digits and combining marks (Python's \w alone splits "إِدْلِب" at its vowel
# signs); an apostrophe joins two words ("Ma'arrat", "don't") and is dropped by the fold.
# "_" is blanked out before matching. Everything else separates words.
_WORD_CHAR = rf"[\w{_mark_ranges()}]"
TOKEN_PATTERN = re.compile(rf"{_WORD_CHAR}+(?:['\u2019]{_WORD_CHAR}+)*")

_YEAR = re.compile("^([0-9]+)[مه]$")  # 2012م, 1433هـ: the era letter is not part of the number
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def _latin_table() -> dict[int, str | None]:
    """Translation table: Latin accents to base letters; apostrophes, marks and format chars removed."""
    table: dict[int, str | None] = {}
    for cp in list(range(0xA0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(cp)) if not unicodedata.combining(c))
        if base and base != chr(cp) and base.isascii():
            table[cp] = base.lower()
    table.update({ord(k): v for k, v in {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l",
                                          "þ": "th", "ð": "d", "ı": "i", "ħ": "h"}.items()})
    for cp in range(0x300, 0x370):  # Latin combining marks (decomposed input)
        table[cp] = None
    for ch in "'\u2019\u02bc\u02bf\u02be\u00ad\u200c\u200d":
        table[ord(ch)] = None
    for digit in range(10):  # Arabic-Indic and Persian digits
        table[0x660 + digit] = table[0x6F0 + digit] = str(digit)
    return table


_LATIN = _latin_table()
_TANWIN_ALEF = ("\u0627\u064b", "\u064b\u0627")  # alef + fathatan, either order

ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be but by for from had has have he her his if in into is it its of on or "
    "our she that the their them they this to was we were which with".split()
)
# Folded forms (إلى -> الي, الآن -> الان); "علي" is not here: it is also the name Ali.
ARABIC_STOP_WORDS = frozenset(
    "في من الي عن ان او ثم قد ما لا لم لن مع هذا هذه ذلك تلك التي الذي الذين هو هي هم نحن انا "
    "كان كانت الان اللي و ف".split()
)
ARABIC_STOP_WORDS |= {prefix + word for word in ARABIC_STOP_WORDS for prefix in "وف" if len(word) > 1} - {
    "فقد",  # also "lost"
    "فهم",  # also "understanding"
}
STOP_WORDS = ENGLISH_STOP_WORDS | ARABIC_STOP_WORDS
MAX_TOKEN = 64  # longer "words" (URLs, base64, keyboard mashing) are not indexed
_REMEMBERED = 500_000  # words an analyzer remembers the analysis of (then it starts again)
_PIECES = 50_000  # pieces of text it remembers for `occurrences` (about 350 bytes each, with their words)


def _fold_token(surface: str) -> tuple[str, bool]:
    """(folded text, is Arabic): case, Latin accents, apostrophes, Arabic variants and marks."""
    text = surface.lower()
    if text.isascii():
        return (text.replace("'", "") if "'" in text else text), False
    text = text.translate(_LATIN)
    if not _ARABIC.search(text):
        return text, False
    if max(text) > "\ufb4f":  # presentation forms (text copied from PDFs)
        text = unicodedata.normalize("NFKC", text)
    if text.endswith(_TANWIN_ALEF):  # طفلاً / طفلًا: the alef only carries the tanwin
        text = text[:-2]
    return fold_arabic(text), True


class ArchiveAnalyzer(Analyzer):
    """Tokenize, fold, drop stop words and stem in one pass (one generator per text, one dict
    lookup per token once a word has been seen).

    Positions count only the words kept, so a phrase query ("bombing of the school", analyzed
    the same way) matches; startchar/endchar always index into the original text.
    """

    def __init__(self, stem: bool = True, stoplist: frozenset[str] = STOP_WORDS):
        self.stem = stem
        self.is_morph = stem
        self.stops = frozenset(stoplist)
        self._caches: dict[bool, dict[str, str]] = {True: {}, False: {}}
        self._pieces: tuple[dict[str, tuple[tuple[str, int, int], ...]], dict[str, tuple[str, ...]]] = ({}, {})

    def __eq__(self, other):
        return self.__class__ is other.__class__ and (self.stem, self.stops) == (other.stem, other.stops)

    def __repr__(self):
        return f"{self.__class__.__name__}(stem={self.stem!r}, stoplist=<{len(self.stops)} words>)"

    def __getstate__(self):
        return {"stem": self.stem, "is_morph": self.is_morph, "stops": self.stops}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._caches = {True: {}, False: {}}
        self._pieces = ({}, {})

    def has_morph(self):
        return self.stem

    def normalize(self, surface: str, stem: bool = True) -> str:
        """The indexed form of one word, or "" when it is not indexed (stop word, too short/long)."""
        text, arabic = _fold_token(surface)
        n = len(text)
        if (n < 2 and not text.isdigit()) or n > MAX_TOKEN or text in self.stops:
            return ""
        if not text.isalpha():
            return _YEAR.sub(r"\1", text) if arabic else text
        if arabic:
            return stem_arabic(text) if stem and self.stem else strip_article(text)
        if stem and self.stem:
            stemmed = _porter2(text)
            return ENGLISH_STEMS.get(stemmed, stemmed)
        return text

    def occurrences(self, value: str, chars: bool) -> dict[str, list[int]]:
        """What indexing `value` with this analyzer yields (as `__call__` does, stop words removed), by term:
        positions, or (position, start, end) flat when `chars`; for the compact postings (search/postings.py).

        No word holds a space, so the text is cut at its spaces and each distinct piece ("city,", "(2013)")
        is analysed once per process and remembered: most of a text then costs one lookup per word."""
        pieces = (value.replace("_", " ") if "_" in value else value).split(" ")
        spans, words = self._pieces
        if len(spans) > _PIECES:
            spans.clear()
            words.clear()
        for piece in set(pieces).difference(spans):
            spans[piece] = kept = self._piece(piece)
            words[piece] = tuple(text for text, _start, _end in kept)
        found: dict[str, list[int]] = {}
        if not chars:
            for pos, text in enumerate(chain.from_iterable(map(words.__getitem__, pieces))):
                seen = found.get(text)
                if seen is None:
                    found[text] = [pos]
                else:
                    seen.append(pos)
            return found
        pos = offset = 0
        for piece in pieces:
            for text, start, end in spans[piece]:
                seen = found.get(text)
                if seen is None:
                    found[text] = [pos, offset + start, offset + end]
                else:
                    seen += (pos, offset + start, offset + end)
                pos += 1
            offset += len(piece) + 1
        return found

    def _piece(self, piece: str) -> tuple[tuple[str, int, int], ...]:
        """The indexed words of a text without spaces, with their start and end in it."""
        cache = self._caches[True]
        if len(cache) > _REMEMBERED:
            cache.clear()
        kept = []
        for match in TOKEN_PATTERN.finditer(piece):
            surface = match.group()
            text = cache.get(surface)
            if text is None:
                text = cache[surface] = self.normalize(surface, True)
            if text:
                kept.append((text, match.start(), match.end()))
        return tuple(kept)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        assert isinstance(value, str), f"{value!r} is not a str"
        stem = not no_morph
        cache = self._caches[stem]
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        if not tokenize:
            t.original = value
            t.text = self.normalize(value, stem) or value.lower()
            t.stopped = False
            t.pos = start_pos
            t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        if len(cache) > _REMEMBERED:
            cache.clear()
        pos = start_pos
        # "_" is markup, not a letter: blank it out (same length, so offsets stay right).
        for match in TOKEN_PATTERN.finditer(value.replace("_", " ") if "_" in value else value):
            surface = match.group()
            text = cache.get(surface)
            if text is None:
                text = cache[surface] = self.normalize(surface, stem)
            if not text:
                if removestops:
                    continue
                t.text, t.stopped = surface.lower(), True
            else:
                t.text, t.stopped = text, False
            if keeporiginal:
                t.original = surface
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
            if not t.stopped:
                pos += 1
            yield t


def text_analyzer() -> Analyzer:
    """The analyzer for title, summary, body and narrator, on the index and the query side."""
    return ArchiveAnalyzer(stem=True)


def name_analyzer() -> Analyzer:
    """The analyzer for place names and aliases: folding only, no stemming."""
    return ArchiveAnalyzer(stem=False, stoplist=frozenset())


_DEFAULT = text_analyzer()


def analyze(text: str, analyzer: Analyzer | None = None) -> list[str]:
    """The token texts that the analyzer (default: the text analyzer) makes of the text."""
    return [t.text for t in (analyzer or _DEFAULT)(text)]
