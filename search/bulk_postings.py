"""A term's postings in one segment, read a block at a time, and the scores Whoosh's scorer gives them.

The reading side of search/bulk_scores.py: ids and weights exactly as Whoosh's block reader
decodes them (deleted documents left out, as its `FilterMatcher` does), BM25F's formula as
`whoosh.scoring.bm25` computes it, and exact phrases as search/phrases.py matches them. The
body's postings are kept while a search scores them (their character offsets), so the snippets
of the page shown need not read them again.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any, Iterable

from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from .phrases import ExactPhrase

__all__ = ["Unsupported", "Segment", "Scores", "postings", "term_scores", "term_bytes", "term", "phrase", "deleted",
           "SNIPPET_FIELD"]

Scores = dict[int, float]  # segment document number -> score (or 1.0 where unscored)
SNIPPET_FIELD = "body"  # the field whose character offsets the snippets read

class Unsupported(Exception):
    """A query node whose Whoosh matcher is not mirrored here: the caller uses Whoosh's."""


class Segment:
    """One segment's searcher, reader and the per-field length bytes its scorers read; `kept` gathers the
    snippet field's postings read on the way: term -> (ids, values) of this segment."""

    def __init__(self, sub: Any, weighting: Any):
        self.sub, self.reader, self.weighting = sub, sub.reader(), weighting
        self.doccount = self.reader.doc_count_all()
        self.kept: dict[str, tuple[list[int], list[Any]]] = {}

    def lengths(self, fieldname: str) -> Any:
        perdoc = getattr(self.reader, "_perdoc", None)
        table = getattr(perdoc, "length_bytes", None)
        if table is None:
            raise Unsupported("no length column reader")
        return table(fieldname)


def deleted(reader: Any) -> Any:
    return reader.deleted_docs_set if reader.has_deletions() else ()


def postings(seg: Segment, fieldname: str, btext: bytes, values: bool) -> tuple[list[int], list[float], list[Any]]:
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


def term_scores(seg: Segment, fieldname: str, btext: bytes, ids: list[int], weights: list[float]) -> list[float]:
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


def term_bytes(seg: Segment, fieldname: str, text: Any) -> bytes | None:
    """The term as the index holds it, or None where Whoosh's matcher would be a NullMatcher."""
    schema = seg.sub.schema
    if fieldname not in schema:
        return None
    try:
        btext = schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    return btext if (fieldname, btext) in seg.reader else None


def term(seg: Segment, fieldname: str, text: Any, boost: float, scored: bool, minquality: Any) -> Scores:
    if minquality:
        raise Unsupported("minquality")
    btext = term_bytes(seg, fieldname, text)
    if btext is None:
        return {}
    ids, weights, values = postings(seg, fieldname, btext, fieldname == SNIPPET_FIELD)
    if fieldname == SNIPPET_FIELD:
        seg.kept[btext.decode("utf-8")] = (ids, values)
    if not scored:
        return dict.fromkeys(ids, 1.0)
    scores = term_scores(seg, fieldname, btext, ids, weights)
    if boost != 1.0:  # Whoosh's WrappingMatcher
        scores = [s * boost for s in scores]
    return dict(zip(ids, scores))


def phrase(seg: Segment, q: ExactPhrase) -> Scores:
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
        ids, weights, values = postings(seg, q.fieldname, btext, True)
        if q.fieldname == SNIPPET_FIELD:
            seg.kept[btext.decode("utf-8")] = (ids, values)
        scores = term_scores(seg, q.fieldname, btext, ids, weights)
        words.append({d: (s, v) for d, s, v in zip(ids, scores, values)})
    common: Iterable[int] = set(words[0]).intersection(*words[1:])
    found: Scores = {}
    shifts = [offset.__rsub__ for offset in range(1, len(words))]  # p -> p - offset, at C speed in map()
    first, rest = words[0], list(zip(shifts, words[1:]))
    for d in common:
        starts = set(decode(first[d][1]))
        for shift, word in rest:
            if len(rest) == 1:  # two words: is any second word's position right after a first one's?
                starts = starts if not starts.isdisjoint(map(shift, decode(word[d][1]))) else set()
            else:
                starts.intersection_update(map(shift, decode(word[d][1])))
            if not starts:
                break
        if starts:
            found[d] = sum([word[d][0] for word in words]) * q.boost
    return found


_LENGTHS: tuple[Any, ...] = ()


def _length_table() -> tuple[Any, ...]:
    from .codec import _LENGTHS as table
    return (None,) + table[1:]  # a length byte of 0 reads as None, as the codec's reader gives it


_LENGTHS = _length_table()
