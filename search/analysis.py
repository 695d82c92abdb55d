"""Analyzers for English and Arabic text: one tokenizer, folding, stop words, light stemming.

The index side and the query side use the same chains, so a query without
Arabic diacritics finds text with them and "bombing" finds "bombed".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Analyzer, Token
from whoosh.lang.porter2 import stem as _porter2

from archive.text import fold_arabic

from .lexicon import ARABIC_BROKEN_PLURALS, ARABIC_MASCULINE_AT, ENGLISH_STEMS

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

# --- Arabic light stemming (on folded text: ة->ه, أإآ->ا, ى->ي, ئ->ي, ؤ->و) -----------------------

# The article, alone or after a conjunction/preposition, longest first.
_ARTICLES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_PRONOUNS = ("ها", "هم", "نا")  # her/its, their, our (and past-tense "we")
_PLURALS = ("ات", "ين", "ون")
# Words whose first letter is a root letter, or whose ending is not a suffix, and that would
# otherwise collide with another common word (ورقة/الرقة, بعيد/عيد, زيتون/زيت, شيخون/شيخ ...).
_PROTECTED = frozenset(
    """الله لبنان ورقه وزير وزاره واحد وادي ولايه وحده وصول وطن ولد وجه وقت وضع والد والده والدي
    والدتي والدين فكره فتره فريق فرنسا فلسطين فرصه بعيد بطاقه بدايه بنيه بلديه لحظه لحيه لجنه
    بيوت بلاد بنات زيتون كانون شيخون ياسين سلقين سارين عشرين ثلاثين اربعين ثمانين""".split()
) | frozenset(w for pair in ARABIC_BROKEN_PLURALS.items() for w in pair if len(w) >= 4) | ARABIC_MASCULINE_AT
# Words ending in a root ت, which a pronoun suffix must not turn into ta marbuta (بيتها, صوتهم).
_T_ROOTS = frozenset("بيت صوت وقت موت بنت اخت تحت زيت ميت سكت".split())
# Protected words after a conjunction, preposition or article stay whole too.
_PROTECTED_FORMS = {
    prefix + word: word
    for word in _PROTECTED
    for prefix in ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل", "ال", "وال", "فال", "بال", "كال", "لل", "ولل")
} | {"لله": "الله"}


def _split_suffix(word: str) -> tuple[str, str]:
    """(core, suffix): a pronoun suffix then a plural suffix, each leaving at least 3 letters."""
    suffix = ""
    if len(word) >= 5 and word.endswith(_PRONOUNS):
        word, suffix = word[:-2], word[-2:]
    if len(word) >= 5 and word.endswith(_PLURALS):
        word, suffix = word[:-2], word[-2:] + suffix
    return word, suffix


@lru_cache(maxsize=200_000)
def stem_arabic(word: str) -> str:
    """Light stem of a folded Arabic word: article, proclitics, a few plural and pronoun suffixes,
    and the domain's broken plurals (search/lexicon.py).

    >>> [stem_arabic(w) for w in ("والقصف", "بادلب", "طايرات", "مدينتها", "ولد", "الاطفال", "مخيمات")]
    ['قصف', 'ادلب', 'طايره', 'مدينه', 'ولد', 'طفل', 'مخيم']
    """
    stem = _light_stem(word)
    return ARABIC_BROKEN_PLURALS.get(stem, stem)


def _light_stem(word: str) -> str:
    if word in _PROTECTED_FORMS:
        return _PROTECTED_FORMS[word]
    if len(word) < 4:  # nothing to strip that would leave a stem
        return word
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            word = word[len(article):]
            break
    # A leading و ف ب ل is a proclitic only if at least 3 letters remain besides any suffix:
    # وبإدلب -> إدلب, بحلب -> حلب, but بيتها -> بيت+ها and وصلنا -> وصل+نا keep their root letter.
    core, suffix = _split_suffix(word)
    while word[0] in "وفبل" and len(core) >= 4 and core not in _PROTECTED:
        word = word[1:]
        core, suffix = _split_suffix(word)
    if core in _PROTECTED:
        return core
    if suffix.startswith("ات"):
        if core in ARABIC_MASCULINE_AT:
            return core  # a masculine noun's plural: مخيمات -> مخيم
        return core + "ه"  # feminine plural -> singular: طائرات -> طائرة
    if suffix[-2:] in _PRONOUNS and core[-1] == "ت" and core not in _T_ROOTS:
        return core[:-1] + "ه"  # ta marbuta before a pronoun: مدينتها -> مدينة
    return core


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


@lru_cache(maxsize=100_000)
def _strip_article(word: str) -> str:
    """Unstemmed words lose only a leading article: الرقة and رقة are the same place."""
    if word in _PROTECTED_FORMS:
        return _PROTECTED_FORMS[word]
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article):]
    return word


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

    def __eq__(self, other):
        return self.__class__ is other.__class__ and (self.stem, self.stops) == (other.stem, other.stops)

    def __repr__(self):
        return f"{self.__class__.__name__}(stem={self.stem!r}, stoplist=<{len(self.stops)} words>)"

    def __getstate__(self):
        return {"stem": self.stem, "is_morph": self.is_morph, "stops": self.stops}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._caches = {True: {}, False: {}}

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
            return stem_arabic(text) if stem and self.stem else _strip_article(text)
        if stem and self.stem:
            stemmed = _porter2(text)
            return ENGLISH_STEMS.get(stemmed, stemmed)
        return text

    def occurrences(self, value: str, chars: bool) -> dict[str, list[int]]:
        """What indexing `value` with this analyzer yields (as `__call__` does, stop words removed), by term:
        positions, or (position, start, end) flat when `chars`; for the compact postings (search/postings.py)."""
        cache, found, pos = self._caches[True], {}, 0
        if len(cache) > 500_000:
            cache.clear()
        for match in TOKEN_PATTERN.finditer(value.replace("_", " ") if "_" in value else value):
            surface = match.group()
            text = cache.get(surface)
            if text is None:
                text = cache[surface] = self.normalize(surface, True)
            if text:
                found.setdefault(text, []).extend((pos, match.start(), match.end()) if chars else (pos,))
                pos += 1
        return found

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
        if len(cache) > 500_000:
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
