""""Did you mean": corrections drawn only from the public index's own words.

Candidates are terms of the public `body` field that some live document still
holds (a term left behind by a deleted or replaced document is never offered),
and the word suggested is that term as it is written in a public text, read back
through the character offsets the index keeps; or a word of a place name or theme
label or alias (the vocabulary files are public). Nothing else is consulted, so a
suggestion can never reveal a word the public may not see.

Only a word that is neither in the public index nor in the vocabulary is corrected,
only to a word of the same script that is written within one edit of it (two for
words of eight letters or more), so "cluster munitions" never becomes "closer
minute". The cost is bounded whatever the query: at most `MAX_CORRECTED` words are
looked up, and the lookups stop once they have used `BUDGET` seconds of CPU time.
"""

from __future__ import annotations

import re
import time
from itertools import islice
from typing import Any, Sequence

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import damerau_levenshtein

from archive.text import fold, fold_arabic, is_arabic

from .analysis import analyze
from .query import Query, QueryError
from .textquery import QueryCompiler

__all__ = ["best_suggestion", "correction", "SUGGEST_BELOW", "is_public", "public_vocabulary_words"]

SUGGEST_BELOW = 3  # suggest when a query finds fewer results than this
CANDIDATES = 8  # the most frequent close terms whose written form is compared with the query word
MAX_CORRECTED = 4  # words of one query that may be looked up for a correction
BUDGET = 0.15  # CPU seconds of lookups per query, at most (one more word's lookup may finish after it)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


def public_vocabulary_words(searcher: Any, compiler: QueryCompiler) -> frozenset[str]:
    """The folded words of the names of places and themes that some public testimony is about (or inside).

    A place or theme that no public testimony names (the exact village of a coarsened
    account, a theme only hidden accounts carry) gives no word: fail closed.
    """
    words: set[str] = set()
    for field, vocabulary in (("places", compiler.places), ("themes", compiler.themes)):
        names: dict[str, list[str]] = {}
        for name, entry_id in vocabulary.names().items():
            names.setdefault(entry_id, []).append(name)
        for entry_id, folded in names.items():
            if is_public(searcher, field, entry_id):
                words.update(w for name in folded for w in name.split() if len(w) >= 3 and w.isalpha())
    return frozenset(words)


def is_public(searcher: Any, field: str, value: str) -> bool:
    """True when a live document of the public index holds this value in this field."""
    return _live(searcher, value, field) is not None


def _live(searcher: Any, term: str, field: str = "body") -> Any:
    """A matcher on the live documents holding this term (a body term unless told), or None."""
    try:
        matcher = searcher.reader().postings(field, term)
    except TermNotFound:
        return None
    return matcher if matcher.is_active() else None


def _as_written(searcher: Any, term: str) -> str | None:
    """The term as one public text writes it (Arabic without its short vowels)."""
    matcher = _live(searcher, term)
    if matcher is None:
        return None
    chars = matcher.value_as("characters")
    body = searcher.stored_fields(matcher.id()).get("body", "")
    if not chars or not body:
        return None
    _, start, end = chars[0]
    return fold_arabic(body[start:end])


_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _stems_one_edit_away(typed: str) -> set[str]:
    """The analysed forms of every string one edit from the typed word (bounded: about 60 per letter).

    Index terms are stems, which can be several edits from the stem of a typo even when the
    written words are one apart: "chemcal" -> "chemical" -> "chemic".
    """
    letters = _ARABIC_LETTERS if is_arabic(typed) else _LATIN_LETTERS
    splits = [(typed[:i], typed[i:]) for i in range(len(typed) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in letters}
    variants |= {a + c + b for a, b in splits for c in letters}
    stems = set()
    for variant in variants:
        tokens = analyze(variant)
        if len(tokens) == 1:
            stems.add(tokens[0])
    return stems


def allowed_edits(word: str) -> int:
    """How far a correction may be from the typed word: one edit, two from eight letters."""
    return 2 if len(word) >= 8 else 1


def correction(searcher: Any, word: str, term: str, known: frozenset[str] = frozenset()) -> str | None:
    """The public word closest to a query word that finds nothing (`term` is the word analysed).

    `known` holds the folded words of the public vocabulary: such a word is never corrected,
    and is itself a candidate. Candidates from the index are body terms within the allowed
    edits of the analysed term (terms are stems), compared by how they are written in the
    texts ("chemcial" is one edit from "chemical").
    """
    typed = fold_arabic(word.lower())
    if _live(searcher, term) is not None or fold(word) in known:
        return None
    arabic = is_arabic(typed)
    limit = allowed_edits(typed)
    candidates: list[tuple[int, int, str]] = []
    found = {stem for stem in _stems_one_edit_away(typed) if stem != term and _live(searcher, stem) is not None}
    for reader, _ in searcher.reader().leaf_readers():
        found.update(w for w in reader.terms_within("body", term, limit, prefix=1) if w != term)
    alive = sorted((w for w in found if _live(searcher, w) is not None),
                   key=lambda w: (-searcher.doc_frequency("body", w), w))[:CANDIDATES]
    for rank, stem in enumerate(alive):
        text = _as_written(searcher, stem)
        if text:
            candidates.append((damerau_levenshtein(text.lower(), typed), rank, text))
    for vocabulary_word in known:
        if vocabulary_word[:1] == typed[:1] and abs(len(vocabulary_word) - len(typed)) <= limit:
            candidates.append((damerau_levenshtein(vocabulary_word, typed), CANDIDATES, vocabulary_word))
    fitting = [c for c in candidates if c[0] <= limit and is_arabic(c[2]) == arabic and c[2].lower() != typed]
    return min(fitting)[2] if fitting else None


def best_suggestion(searcher: Any, compiler: QueryCompiler, query: Query, total: int,
                    filters: Sequence[wq.Query]) -> str | None:
    """A corrected `q` that finds more results than `total`, when `q` found few; else None."""
    if not query.q or total >= SUGGEST_BELOW:
        return None
    changed = False
    looked_up = 0
    deadline = time.thread_time() + BUDGET  # work done, which a busy machine does not inflate
    known = public_vocabulary_words(searcher, compiler)

    def fix(match: re.Match[str]) -> str:
        nonlocal changed, looked_up
        word = match.group()
        if word in _OPERATORS or query.q.startswith(":", match.end()):
            return word
        tokens = analyze(word)
        if len(tokens) != 1 or len(tokens[0]) < 3 or tokens[0].isdigit():
            return word
        if looked_up >= MAX_CORRECTED or time.thread_time() > deadline:
            return word
        looked_up += 1
        better = correction(searcher, word, tokens[0], known)
        if better is None or better.casefold() == word.casefold():
            return word
        changed = True
        return better.lower() if word.islower() else better

    corrected = _WORD.sub(fix, query.q)
    if not changed:
        return None
    try:
        compiled = compiler.compile(corrected)
    except QueryError:
        return None
    if compiled is None:
        return None
    whole = wq.And([compiled, *filters]) if filters else compiled
    return corrected if len(list(islice(searcher.docs_for_query(whole), total + 1))) > total else None
