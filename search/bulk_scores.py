"""Scoring a ranked query a posting block at a time: the same scores as Whoosh's matchers, at list speed.

Whoosh scores a match through a tree of matcher objects: for every posting of every
field, half a dozen Python calls (the union's array, the wrapping boost, the BM25F
scorer, the length lookup) before the collector sees it. For a ranked search we need
every match's score anyway (the total and the facets come from the same pass), so this
module reads each term's postings block by block (ids and weights as Whoosh decodes
them), scores them in one list comprehension with Whoosh's own BM25F formula, idf and
average length, and combines the terms with dictionaries.

Exactly Whoosh's results, or none: each node of the query is evaluated only where the
matcher Whoosh would build for it (per segment, with the same choice of union) is
mirrored with the same additions in the same order, so every score is the same float.
Anything else (a prefix, a range, other weightings) returns None and the caller runs Whoosh's own
matchers. ANDNOT (search.excluding's corrected matcher) is the left side's scores less every document of
the right side. tests/search/test_bulk_scores.py compares both on every kind of query the bench and the
tests use.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import scoring

from .bulk_postings import Scores, Segment, Unsupported, deleted, phrase, term
from .excluding import Excluding
from .phrases import ExactPhrase
from .query import MAX_PER_PAGE

__all__ = ["ranked", "Ranked"]


@dataclass(frozen=True)
class Ranked:
    """The first documents in order, every match in document order, and for the last page's worth of them
    (the page shown) the body's raw postings values of each body term the query looked up: term ->
    {document: value, or None where the document lacks the term}; a document in a segment where a term
    was not read is left out of it."""

    first: tuple[int, ...]
    seen: list[int]
    body_values: dict[str, dict[int, Any]] = field(default_factory=dict)


def ranked(searcher: Any, query: wq.Query, allowed: Any, count: int) -> Ranked | None:
    """The first `count` documents by score (then document number) and every match in document order,
    as `TopCollector` under a `FilterCollector` of `allowed` finds them; None when not mirrored."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F or weighting.use_final:
        return None
    seen: list[int] = []
    top: list[tuple[float, int]] = []
    segments: list[tuple[int, Segment]] = []
    try:
        for sub, offset in searcher.leaf_searchers():
            segment = Segment(sub, weighting)
            segments.append((offset, segment))
            found = _node(segment, query, True)
            if not found:
                continue
            docnums = [d + offset for d in sorted(found)]
            if allowed is not None:
                docnums = [d for d in docnums if d in allowed]
            seen += docnums
            top += zip(map(found.__getitem__, [d - offset for d in docnums]), [-d for d in docnums])
    except Unsupported:
        return None
    first = tuple(-negated for _, negated in heapq.nlargest(count, top))
    # Only the last page's worth (the page being asked for ends the first `count`): a cached deep page
    # must not hold every match's offsets.
    return Ranked(first, seen, _body_values(first[-MAX_PER_PAGE:], segments))


def _body_values(first: tuple[int, ...], segments: list[tuple[int, Segment]]) -> dict[str, dict[int, Any]]:
    """The kept body postings of the first documents only (a cached ranking holds no more)."""
    starts = [offset for offset, _ in segments]
    found: dict[str, dict[int, Any]] = {}
    for docnum in first:
        offset, segment = segments[bisect.bisect_right(starts, docnum) - 1]
        local = docnum - offset
        for text, (ids, values) in segment.kept.items():
            at = bisect.bisect_left(ids, local)
            found.setdefault(text, {})[docnum] = values[at] if at < len(ids) and ids[at] == local else None
    return found


def _node(seg: Segment, q: wq.Query, scored: bool) -> Scores:
    kind = type(q)
    if kind is wq.Term:
        return term(seg, q.fieldname, q.text, q.boost, scored, q.minquality)
    if kind is wq.Or:
        return _or(seg, q, scored)
    if kind is wq.And:
        return _and(seg, q, scored)
    if kind is wq.Not:
        excluded = _node(seg, q.query, False)
        gone = deleted(seg.reader)
        return {d: 1.0 for d in range(seg.doccount) if d not in excluded and d not in gone}
    if kind is Excluding:  # the left side's scores (its matcher's), less the right side's documents
        excluded = _node(seg, q.b, False)
        return {d: score for d, score in _node(seg, q.a, scored).items() if d not in excluded}
    if kind is ExactPhrase:
        return phrase(seg, q)
    if q is wq.NullQuery:
        return {}
    raise Unsupported(kind.__name__)


def _or(seg: Segment, q: wq.Or, scored: bool) -> Scores:
    subs = q.subqueries
    if not subs:
        return {}
    if len(subs) == 1:
        return _node(seg, subs[0], scored)
    if q.scale or q.minmatch or len(subs) >= wq.Or.TOO_MANY_CLAUSES:
        raise Unsupported("a scaled, minimum-match or huge Or")
    # Or._matcher with needs_current False: the array union for small segments, else a tree of unions.
    if q.matcher_type == wq.Or.AUTO_MATCHER:
        array = not (len(subs) == 2 or seg.doccount > 5000)
    elif q.matcher_type in (wq.Or.DEFAULT_MATCHER, wq.Or.ARRAY_MATCHER):
        array = q.matcher_type == wq.Or.ARRAY_MATCHER
    else:
        raise Unsupported("a split Or")
    if array:
        total: Scores = {}
        for sub in subs:  # each document's sum in query order: (0 + s1*boost) + s2*boost + ...
            found = _node(seg, sub, scored)
            if not scored:
                total.update(dict.fromkeys(found, 1.0))
                continue
            if q.boost != 1.0:
                found = {d: s * q.boost for d, s in found.items()}
            total = _union(total, found)  # acc + s, walking the smaller side (a + b == b + a)
        if total and min(total.values()) > 0:
            return total
        return {d: s for d, s in total.items() if s > 0}  # the array union skips what sums to zero
    found = _tree(seg, subs, [sub.estimate_size(seg.reader) for sub in subs], scored, union=True)
    return _boosted(found, q.boost)


def _and(seg: Segment, q: wq.And, scored: bool) -> Scores:
    subs = q.subqueries
    if not subs:
        return {}
    if len(subs) == 1:
        return _node(seg, subs[0], scored)
    found = _tree(seg, subs, [0 - sub.estimate_size(seg.reader) for sub in subs], scored, union=False)
    return _boosted(found, q.boost)


def _boosted(found: Scores, boost: float) -> Scores:
    return found if boost == 1.0 else {d: s * boost for d, s in found.items()}


def _tree(seg: Segment, subs: list[wq.Query], weights: list[Any], scored: bool, union: bool) -> Scores:
    """`make_weighted_tree` of binary unions or intersections: the two lightest joined first, each sum in
    that order. Matchers of equal weight never compare as less than each other (Whoosh's `Matcher.__lt__`
    holds only between one class, where `__eq__` holds too), so its sort keeps them in query order and
    `insort` puts a joined pair after those of its weight: a stable sort and `bisect_right` here."""
    nodes = [(weights[i], _node(seg, subs[i], scored)) for i in sorted(range(len(subs)), key=weights.__getitem__)]
    while len(nodes) > 1:
        (wa, a), (wb, b) = nodes.pop(0), nodes.pop(0)
        weight = wa + wb
        index = bisect.bisect_right([w for w, _ in nodes], weight)
        nodes.insert(index, (weight, _union(a, b) if union else _intersection(a, b)))
    return nodes[0][1]


def _union(a: Scores, b: Scores) -> Scores:
    """Both sides' documents, a[d] + b[d] where both have one (the sum of two floats is the same either way)."""
    if len(b) > len(a):
        joined = dict(b)
        for d, s in a.items():
            joined[d] = s + b[d] if d in b else s
        return joined
    joined = dict(a)
    for d, s in b.items():
        joined[d] = a[d] + s if d in a else s
    return joined


def _intersection(a: Scores, b: Scores) -> Scores:
    if len(b) < len(a):
        return {d: a[d] + s for d, s in b.items() if d in a}
    return {d: s + b[d] for d, s in a.items() if d in b}
