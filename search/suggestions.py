""""Did you mean": corrections drawn only from the public index's own words.

Candidates are terms of the public `body` field that some live document still
holds (a term left behind by a deleted or replaced document is never offered),
and the word suggested is that term as it is written in a public text, read back
through the character offsets the index keeps. Nothing else is consulted, so a
suggestion can never reveal a word the public may not see.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, Sequence

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import damerau_levenshtein

from archive.text import fold_arabic

from .analysis import analyze
from .query import Query, QueryError
from .textquery import QueryCompiler

__all__ = ["best_suggestion", "correction", "SUGGEST_BELOW"]

SUGGEST_BELOW = 3  # suggest when a query finds fewer results than this
CANDIDATES = 8  # the most frequent close terms whose written form is compared with the query word
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


def _live(searcher: Any, term: str) -> Any:
    """A matcher on the live documents holding this body term, or None."""
    try:
        matcher = searcher.reader().postings("body", term)
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


def correction(searcher: Any, word: str, term: str) -> str | None:
    """The public word closest to a query word that finds nothing (`term` is the word analysed).

    Candidates are body terms within one, two (or, for long words, three) edits of the
    analysed term; since terms are stems, the most frequent few are compared by how
    they are written in the texts ("chemcal" is three edits from the stem "chemic",
    one from "chemical").
    """
    if _live(searcher, term) is not None:
        return None
    typed = fold_arabic(word.lower())
    for distance in (1, 2, 3):
        if distance == 3 and len(term) < 6:
            break
        found: set[str] = set()
        for reader, _ in searcher.reader().leaf_readers():
            found.update(w for w in reader.terms_within("body", term, distance, prefix=1) if w != term)
        alive = sorted((w for w in found if _live(searcher, w) is not None),
                       key=lambda w: (-searcher.doc_frequency("body", w), w))[:CANDIDATES]
        written = [(text, n) for n, w in enumerate(alive) if (text := _as_written(searcher, w))]
        if written:
            return min(written, key=lambda tn: (damerau_levenshtein(tn[0].lower(), typed), tn[1]))[0]
    return None


def best_suggestion(searcher: Any, compiler: QueryCompiler, query: Query, total: int,
                    filters: Sequence[wq.Query]) -> str | None:
    """A corrected `q` that finds more results than `total`, when `q` found few; else None."""
    if not query.q or total >= SUGGEST_BELOW:
        return None
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group()
        if word in _OPERATORS or query.q.startswith(":", match.end()):
            return word
        tokens = analyze(word)
        if len(tokens) != 1 or len(tokens[0]) < 3 or tokens[0].isdigit():
            return word
        better = correction(searcher, word, tokens[0])
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
