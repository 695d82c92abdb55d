"""The results of one strict query: the match set for the total and the facets, and an order cut at the page.

Ranked by relevance, one pass visits every match once: it scores it, keeps the best few
in a heap (the first pages, not every match sorted) and notes it in the match set that
the total and the facet counts are taken from. The order is exactly that of sorting every
match (score, then document number). Whoosh's own short cuts are not used: its matcher
replacement changes the scores of these queries' boosted fields, and block-quality
skipping is not available without it. Sorted by a field (date, change time), the match set
comes from an unscored pass and the sort keys are read when a page is first asked for.
"""

from __future__ import annotations

from array import array
from typing import Any, Iterator, Sequence, overload

from whoosh import collectors
from whoosh import query as wq

from . import bulk_scores
from .documents import day_number
from .query import Query

__all__ = ["Ranking", "filters_for"]


def filters_for(query: Query) -> list[wq.Query]:
    """The query's filters (places, themes, language, dates, consent states) as Whoosh queries."""
    filters: list[wq.Query] = [wq.Term("places", p) for p in query.places]
    filters += [wq.Term("themes", t) for t in query.themes]
    if query.language:
        filters.append(wq.Term("language", query.language))
    if query.date_from:  # the event interval overlaps [from, to]
        filters.append(wq.NumericRange("event_end", day_number(query.date_from.start), None))
    if query.date_to:
        filters.append(wq.NumericRange("event_start", None, day_number(query.date_to.end)))
    if query.states:  # any of them (only on the curator index)
        filters.append(wq.Or([wq.Term("state", state) for state in query.states]))
    return filters


class _TopAndAll(collectors.TopCollector):
    """The best `limit` documents by score, and every match seen on the way (nothing is skipped)."""

    def __init__(self, limit: int):
        super().__init__(limit, usequality=False)
        self.replace = 0  # never swap in Whoosh's "faster" matchers: they change the scores
        self.seen: list[int] = []

    def _collect(self, global_docnum: int, score: float) -> Any:
        self.seen.append(global_docnum)
        return super()._collect(global_docnum, score)


class Ranking(Sequence[int]):
    """The matching documents in result order: as long as the match set, ranked as far as asked."""

    def __init__(self, searcher: Any, text: wq.Query | None, sortedby: Any, filters: Sequence[wq.Query],
                 first: int):
        self._searcher, self._text, self._sortedby = searcher, text, sortedby
        self._filter = wq.And(list(filters)) if filters else None
        self._first: tuple[int, ...] = ()
        # The first documents' body postings values that scoring read, by term (snippets need not read them again)
        self.body_values: dict[str, dict[int, Any]] = {}
        # The match set as packed document numbers (4 bytes each, ~40 KB at 10,000 matches rather than
        # ~600 KB as a set of ints): a worker caches up to searcher.CACHE_SIZE of them. Whoosh yields each
        # match once, in document order.
        if sortedby is None and text is not None:
            self.matches = array("i", self._scored(max(first, 1)))
        else:  # sorted by a field: which documents match, unscored; the keys are read for a page
            parts = ([text] if text is not None else []) + list(filters)
            combined = parts[0] if len(parts) == 1 else wq.And(parts) if parts else wq.Every()
            self.matches = array("i", searcher.docs_for_query(combined))

    def _scored(self, count: int) -> list[int]:
        """Score every match, keep the first `count` in order; every match's number."""
        # The filter's documents as a set of ints (Whoosh makes a BitSet one document at a time, and asks it
        # about each match in Python)
        allowed = set(self._searcher.docs_for_query(self._filter)) if self._filter is not None else None
        found = bulk_scores.ranked(self._searcher, self._text, allowed, count)
        if found is not None:  # the same scores and order as the collector below, a block at a time
            self._first, self.body_values = found.first, found.body_values
            return found.seen
        top = _TopAndAll(count)
        self._searcher.search_with_collector(self._text, collectors.FilterCollector(top, allowed)
                                             if allowed is not None else top)
        self._first = tuple(docnum for _, docnum in top.results().top_n)
        return top.seen

    def _upto(self, count: int) -> tuple[int, ...]:
        """The first `count` documents in order (all of them once count reaches the total)."""
        count = min(count, len(self.matches))
        if count > len(self._first):
            if self._sortedby is None and self._text is not None:
                self._scored(count)
            else:
                results = self._searcher.search(self._text if self._text is not None else wq.Every(),
                                                limit=None, sortedby=self._sortedby, filter=set(self.matches))
                self._first = tuple(docnum for _, docnum in results.top_n)
        return self._first

    def __len__(self) -> int:
        return len(self.matches)

    def __iter__(self) -> Iterator[int]:
        return iter(self._upto(len(self.matches)))

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self.matches))
            return self._upto(stop if step == 1 else len(self.matches))[index]
        if index < 0:
            return self._upto(len(self.matches))[index]
        return self._upto(index + 1)[index]

