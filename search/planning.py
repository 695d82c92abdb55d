"""How `q` is answered: all the words, else a correction, else some of the words, ranked.

- A query with explicit syntax (AND, OR, NOT, "phrases", brackets, field:value, bomb*)
  means exactly what it says.
- A plain list of words first needs every word (each word, or the theme, place or date it
  names: see `understanding`). When that finds fewer than `ENOUGH` accounts and some word
  is not a word of the public index or vocabulary, a corrected query that finds more is run
  instead ("Showing results for ... — search instead for ...").
- When all the words still find fewer than `ENOUGH`, accounts matching some of them are
  added, those matching more words first (then by score), and the answer says so
  (`relaxed`). Question words ("what", "how", "ماذا") never count as matches on their own.
- Bounded work whatever the words: a plain query counts its first `MAX_CLAUSES` words (or
  the themes, places and dates they name); the fallback counts matches without scoring
  each posting.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from whoosh import query as wq
from whoosh import sorting

from .query import Query
from .schema import USER_FIELDS
from .suggestions import best_suggestion, is_public
from .textquery import QueryCompiler
from .documents import day_number
from .understanding import Understood, date_of

__all__ = ["Plan", "plan", "Answer", "answer", "relaxed_order", "sorted_by", "ENOUGH", "MAX_CLAUSES", "is_plain"]

ENOUGH = 3  # all the words must find at least this many accounts, or some of the words will do
CONCEPT_WEIGHT = 2  # in the fallback, words naming a theme, place or date count as two words
MAX_CLAUSES = 12  # a plain query counts at most this many words (or names), the first ones (bounded work)
_SYNTAX = re.compile(r'\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|[()"*\u201c\u201d\u201e\u00ab\u00bb]')
_FIELD = re.compile(r"(\w+):(?!//)")
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how did does do happened happen during about tell me "
    "ماذا ما من متى اين أين لماذا كيف هل حدث جرى عن".split()
)


def is_plain(q: str) -> bool:
    """True for a plain list of words: no operator, phrase, bracket, wildcard or field name."""
    if _SYNTAX.search(q):
        return False
    return not any(m.group(1).lower() in USER_FIELDS for m in _FIELD.finditer(q))


@dataclass(frozen=True)
class Plan:
    """`q` compiled: the strict query, what it was understood to name, and the clauses to relax to."""

    q: str
    query: wq.Query | None
    understood: tuple[Understood, ...] = ()
    clauses: tuple[wq.Query, ...] = ()  # empty: the query cannot be relaxed


def plan(compiler: QueryCompiler, q: str) -> Plan:
    """Compile `q` (a `QueryError` if it cannot be), with its relaxed clauses when it is plain words."""
    query = compiler.compile(q)
    positive: set[tuple[str, Any]] = set()
    _positive_terms(query, positive)
    understood = tuple(u for u in compiler.understood() if _key(u) in positive)  # never one after a NOT
    clauses: tuple[wq.Query, ...] = ()
    plain = query is not None and is_plain(q)
    if plain and isinstance(query, wq.And) and len(query.subqueries) > MAX_CLAUSES:
        query = wq.And(query.subqueries[:MAX_CLAUSES])
    if plain:
        words = q.split()
        kept = [w for w in words if w.casefold() not in QUESTION_WORDS] or words
        relaxed = compiler.compile(" ".join(kept)) if len(kept) != len(words) else query
        if isinstance(relaxed, wq.And) and len(relaxed.subqueries) > 1:
            clauses = tuple(relaxed.subqueries[:MAX_CLAUSES])
        elif relaxed is not None and len(words) > 1 and relaxed != query:
            clauses = (relaxed,)
    return Plan(q, query, understood, clauses)


def _key(understood: Understood) -> tuple[str, Any]:
    """The leaf of the compiled query that stands for an understood theme, place or date."""
    if understood.kind == "date":
        found = date_of([understood.id])
        return ("event_end", day_number(found[1]) if found else None)
    return (understood.kind + "s", understood.id)


def _positive_terms(query: Any, out: set[tuple[str, Any]]) -> None:
    """The (field, value) leaves of the query that a result must or may match (not those under a NOT)."""
    if query is None or isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        _positive_terms(query.a, out)
        return
    if isinstance(query, wq.Term):
        out.add((query.fieldname, query.text))
    elif isinstance(query, wq.NumericRange):
        out.add((query.fieldname, query.start))
    elif not query.is_leaf():
        for child in query.children():
            _positive_terms(child, out)


def _names_a_concept(clause: wq.Query) -> bool:
    """True when the clause's words name a theme, place or date (it also searches that field)."""
    leaves = clause.leaves() if not clause.is_leaf() else [clause]
    return any(getattr(leaf, "fieldname", None) in ("themes", "places", "event_end") for leaf in leaves)


def min_match(clauses: int) -> int:
    """How many of the words a relaxed result must match: one of up to three, then a third of them."""
    return 1 if clauses <= 3 else math.ceil(clauses / 3)


def relaxed_order(searcher: Any, clauses: Sequence[wq.Query], filters: Sequence[wq.Query],
                  sortedby: Any) -> tuple[int, ...]:
    """Accounts matching at least `min_match` clauses: more clauses first, then the rarer the clauses
    matched the better (the sum of their inverse document frequencies), or by `sortedby`.

    Bounded work: matches are counted from the clauses' postings, without scoring each posting.
    """
    allowed = set(searcher.docs_for_query(wq.And(list(filters)))) if filters else None
    matches: Counter[int] = Counter()
    weight: dict[int, float] = {}
    total = max(1, searcher.doc_count())
    for clause in clauses:
        found = [d for d in searcher.docs_for_query(clause) if allowed is None or d in allowed]
        idf = math.log(1 + total / (1 + len(found)))
        counts = CONCEPT_WEIGHT if _names_a_concept(clause) else 1
        for docnum in found:
            matches[docnum] += counts
            weight[docnum] = weight.get(docnum, 0.0) + idf
    least = min_match(len(clauses))
    kept = [d for d, n in matches.items() if n >= least] or list(matches)  # else any one word (ranked OR)
    if not kept:
        return ()
    if sortedby is not None:
        results = searcher.search(wq.Every(), filter=set(kept), sortedby=sortedby, limit=None)
        return tuple(docnum for _, docnum in results.top_n)
    kept.sort(key=lambda d: (-matches[d], -weight[d], d))
    return tuple(kept)


@dataclass(frozen=True)
class Answer:
    """What `answer` decided: the result order, facet counts, the query run, and what to tell the reader."""

    order: Sequence[int]  # a Ranking (ranked as far as asked) or a tuple
    counts: Any
    text: wq.Query | None
    suggestion: str | None
    correction: str | None
    relaxed: bool
    understood: tuple[Understood, ...]


Ranked = Callable[[Query, "wq.Query | None"], tuple[Sequence[int], Any]]


def answer(searcher: Any, compiler: QueryCompiler, table: Any, query: Query, filters: Sequence[wq.Query],
           ranked: Ranked) -> Answer:
    """Every word; else a correction that finds more; else some of the words (see the module's doc).

    `ranked(query, text)` is the searcher's strict, cached search: (result order, facet counts).
    """
    found = plan(compiler, query.q) if query.q else Plan("", None)
    order, counts = ranked(query, found.query)
    suggestion = correction = None
    relaxed = False
    if query.q and len(order) < ENOUGH:
        suggestion = best_suggestion(searcher, compiler, query, len(order), filters)
        if suggestion is not None and query.correct:
            fixed = plan(compiler, suggestion)
            fixed_order, fixed_counts = ranked(query.replace(q=suggestion, page=query.page), fixed.query)
            if len(fixed_order) > len(order):
                found, order, counts, correction = fixed, fixed_order, fixed_counts, suggestion
        if len(order) < ENOUGH and found.clauses:
            some = relaxed_order(searcher, found.clauses, filters, sorted_by(query, found.query))
            if len(some) > len(order):
                order, counts, relaxed = some, table.count(some), True
    # What the words named, only if some public testimony is about it (fail closed: never a hidden place).
    understood = tuple(u for u in found.understood if u.kind == "date" or is_public(searcher, u.kind + "s", u.id))
    return Answer(order, counts, found.query, suggestion, correction, relaxed, understood)


def sorted_by(query: Query, text: wq.Query | None) -> Any:
    """The facet to sort by, or None for relevance."""
    if query.sort == "date":
        return sorting.FieldFacet("event_start")
    if query.sort == "-changed":
        return sorting.FieldFacet("changed", reverse=True)
    if query.sort == "-date" or text is None:
        return sorting.FieldFacet("event_start", reverse=True)
    return None
