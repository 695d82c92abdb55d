"""ANDNOT that leaves out every document of its right side (`Excluding`, what the query parser's AndNot becomes).

Whoosh's AndNotMatcher looks for an excluded document at its start only when both sides begin on the same
document. When the right side begins earlier, the left side's first match is kept even if the right side
has it too: in a segment whose documents are "beta", "alpha beta", "alpha", the query `alpha ANDNOT beta`
returns "alpha beta". `NOT beta` (an And with a Not) does not have the flaw, but scores otherwise, so the
parsed AndNot is kept and only its matcher is corrected: the same scores (the left side's), and the right
side's documents left out from the first match on.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndNotMatcher

__all__ = ["Excluding", "excluding"]


class _ExcludingMatcher(AndNotMatcher):
    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()  # skips the right side to the left's first match, and past every shared one


class Excluding(wq.AndNot):
    """`a ANDNOT b`: the documents of `a`, scored as `a` scores them, less every document of `b`."""

    def matcher(self, searcher, context=None):
        return _ExcludingMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def excluding(query: wq.Query) -> wq.Query:
    """`query` with each AndNot in it made an `Excluding`."""
    if isinstance(query, wq.AndNot):
        return Excluding(excluding(query.a), excluding(query.b))
    return query if query.is_leaf() else query.apply(excluding)
