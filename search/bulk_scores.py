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
Anything else (a prefix, a range, other weightings, and
ANDNOT, whose Whoosh matcher keeps an excluded document when it is a segment's first match of
the left side) returns None and the caller runs Whoosh's own matchers. tests/search/test_bulk_scores.py
compares both on every kind of query the bench and the tests use.
"""

from __future__ import annotations

import bisect
import heapq
from itertools import accumulate
from typing import Any, Iterable

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from .phrases import ExactPhrase

__all__ = ["ranked", "Unsupported"]

Scores = dict[int, float]  # segment document number -> score (or 1.0 where unscored)


class Unsupported(Exception):
    """A query node whose Whoosh matcher is not mirrored here: the caller uses Whoosh's."""


def ranked(searcher: Any, query: wq.Query, allowed: Any, count: int) -> tuple[tuple[int, ...], list[int]] | None:
    """The first `count` documents by score (then document number) and every match in document order,
    as `TopCollector` under a `FilterCollector` of `allowed` finds them; None when not mirrored."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F or weighting.use_final:
        return None
    seen: list[int] = []
    top: list[tuple[float, int]] = []
    try:
        for sub, offset in searcher.leaf_searchers():
            found = _node(_Segment(sub, weighting), query, True)
            if not found:
                continue
            docnums = [d + offset for d in sorted(found)]
            if allowed is not None:
                docnums = [d for d in docnums if d in allowed]
            seen += docnums
            top += zip(map(found.__getitem__, [d - offset for d in docnums]), [-d for d in docnums])
    except Unsupported:
        return None
    best = heapq.nlargest(count, top)
    return tuple(-negated for _, negated in best), seen


class _Segment:
    """One segment's searcher, reader and the per-field length bytes its scorers read."""

    def __init__(self, sub: Any, weighting: Any):
        self.sub, self.reader, self.weighting = sub, sub.reader(), weighting
        self.doccount = self.reader.doc_count_all()

    def lengths(self, fieldname: str) -> Any:
        perdoc = getattr(self.reader, "_perdoc", None)
        table = getattr(perdoc, "length_bytes", None)
        if table is None:
            raise Unsupported("no length column reader")
        return table(fieldname)


def _node(seg: _Segment, q: wq.Query, scored: bool) -> Scores:
    kind = type(q)
    if kind is wq.Term:
        return _term(seg, q.fieldname, q.text, q.boost, scored, q.minquality)
    if kind is wq.Or:
        return _or(seg, q, scored)
    if kind is wq.And:
        return _and(seg, q, scored)
    if kind is wq.Not:
        excluded = _node(seg, q.query, False)
        deleted = _deleted(seg.reader)
        return {d: 1.0 for d in range(seg.doccount) if d not in excluded and d not in deleted}
    if kind is ExactPhrase:
        return _phrase(seg, q)
    if q is wq.NullQuery:
        return {}
    raise Unsupported(kind.__name__)


def _deleted(reader: Any) -> Any:
    return reader.deleted_docs_set if reader.has_deletions() else ()


def _postings(seg: _Segment, fieldname: str, btext: bytes, values: bool) -> tuple[list[int], list[float], list[Any]]:
    """A term's live postings in the segment: ids, weights (and raw values), as Whoosh decodes them."""
    m = seg.reader.postings(fieldname, btext)
    deleted: Any = ()
    if isinstance(m, FilterMatcher):
        if not m._exclude:
            raise Unsupported("an including filter")
        deleted, m = m._ids, m.child
    ids: list[int] = []
    weights: list[float] = []
    found: list[Any] = []
    if isinstance(m, W3LeafMatcher):
        while m.is_active():  # whole blocks, from the start of the current one (any skipped were deleted)
            if m._ids is None and not m._byteids:  # as _read_ids decodes them, in C rather than a generator
                m._read_data()
                m._ids = tuple(accumulate(m._data[0]))
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            if values:
                m._read_values()
                found.extend(m._values)
            m._next_block()
    else:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if values:
                found.append(m.value())
            m.next()
    if deleted:
        kept = [i for i, d in enumerate(ids) if d not in deleted]
        ids = [ids[i] for i in kept]
        weights = [weights[i] for i in kept]
        found = [found[i] for i in kept] if values else found
    return ids, weights, found


def _scores(seg: _Segment, fieldname: str, btext: bytes, ids: list[int], weights: list[float]) -> list[float]:
    """What the term's scorer gives each posting (BM25F's formula as `scoring.bm25` computes it)."""
    scorer = seg.weighting.scorer(seg.sub, fieldname, btext)
    if type(scorer) is scoring.WeightScorer:
        return list(weights)
    if type(scorer) is not scoring.BM25FScorer:
        raise Unsupported(type(scorer).__name__)
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    lengths = seg.lengths(fieldname)
    if lengths is None:  # no length column: the scorer's default length, 1
        return [idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * 1 / avgfl))) for tf in weights]
    table = _LENGTHS
    return [idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * table[lengths[d]] / avgfl)))
            for d, tf in zip(ids, weights)]


def _term_bytes(seg: _Segment, fieldname: str, text: Any) -> bytes | None:
    """The term as the index holds it, or None where Whoosh's matcher would be a NullMatcher."""
    schema = seg.sub.schema
    if fieldname not in schema:
        return None
    try:
        btext = schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    return btext if (fieldname, btext) in seg.reader else None


def _term(seg: _Segment, fieldname: str, text: Any, boost: float, scored: bool, minquality: Any) -> Scores:
    if minquality:
        raise Unsupported("minquality")
    btext = _term_bytes(seg, fieldname, text)
    if btext is None:
        return {}
    ids, weights, _ = _postings(seg, fieldname, btext, False)
    if not scored:
        return dict.fromkeys(ids, 1.0)
    scores = _scores(seg, fieldname, btext, ids, weights)
    if boost != 1.0:  # Whoosh's WrappingMatcher
        scores = [s * boost for s in scores]
    return dict(zip(ids, scores))


def _or(seg: _Segment, q: wq.Or, scored: bool) -> Scores:
    subs = q.subqueries
    if not subs:
        return {}
    if len(subs) == 1:
        return _node(seg, subs[0], scored)
    if q.scale or q.minmatch or q.matcher_type != wq.Or.AUTO_MATCHER or len(subs) >= wq.Or.TOO_MANY_CLAUSES:
        raise Unsupported("an Or not chosen automatically")
    # Or._matcher with needs_current False: the array union for small segments, else a tree of unions.
    if not (len(subs) == 2 or seg.doccount > 5000):
        total: Scores = {}
        boost = q.boost
        for sub in subs:
            for d, s in _node(seg, sub, scored).items():
                total[d] = total.get(d, 0) + s * boost if scored else 1.0
        return {d: s for d, s in total.items() if s > 0}  # the array union skips what sums to zero
    found = _tree(seg, subs, [sub.estimate_size(seg.reader) for sub in subs], scored, union=True)
    return _boosted(found, q.boost)


def _and(seg: _Segment, q: wq.And, scored: bool) -> Scores:
    subs = q.subqueries
    if not subs:
        return {}
    if len(subs) == 1:
        return _node(seg, subs[0], scored)
    found = _tree(seg, subs, [0 - sub.estimate_size(seg.reader) for sub in subs], scored, union=False)
    return _boosted(found, q.boost)


def _boosted(found: Scores, boost: float) -> Scores:
    return found if boost == 1.0 else {d: s * boost for d, s in found.items()}


def _tree(seg: _Segment, subs: list[wq.Query], weights: list[Any], scored: bool, union: bool) -> Scores:
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
    joined = dict(a)
    for d, s in b.items():
        joined[d] = a[d] + s if d in a else s
    return joined


def _intersection(a: Scores, b: Scores) -> Scores:
    if len(b) < len(a):
        return {d: a[d] + s for d, s in b.items() if d in a}
    return {d: s + b[d] for d, s in a.items() if d in b}


def _phrase(seg: _Segment, q: ExactPhrase) -> Scores:
    """ExactPhrase's adjacent-words matcher: each word's position right after the previous one's."""
    schema = seg.sub.schema
    field = schema[q.fieldname] if q.fieldname in schema else None
    if q.slop != 1 or len(q.words) < 2 or field is None or not field.format.supports("positions"):
        raise Unsupported("a phrase Whoosh matches with spans")
    decode = field.format.decode_positions
    words = []
    for word in q.words:
        btext = field.to_bytes(word)
        if (q.fieldname, btext) not in seg.reader:
            return {}
        ids, weights, values = _postings(seg, q.fieldname, btext, True)
        scores = _scores(seg, q.fieldname, btext, ids, weights)
        words.append({d: (s, v) for d, s, v in zip(ids, scores, values)})
    common: Iterable[int] = set(words[0]).intersection(*words[1:])
    found: Scores = {}
    for d in common:
        starts = set(decode(words[0][d][1]))
        for offset, word in enumerate(words[1:], 1):
            starts &= {p - offset for p in decode(word[d][1])}
            if not starts:
                break
        if starts:
            found[d] = sum(word[d][0] for word in words) * q.boost
    return found


_LENGTHS: tuple[Any, ...] = ()


def _length_table() -> tuple[Any, ...]:
    from .codec import _LENGTHS as table
    return (None,) + table[1:]  # a length byte of 0 reads as None, as the codec's reader gives it


_LENGTHS = _length_table()
