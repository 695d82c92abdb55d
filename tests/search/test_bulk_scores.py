"""Scoring a block at a time (search/bulk_scores.py) gives exactly what Whoosh's matchers give: the same
match set, the same order of every match (score, then document number), the same scores."""

from __future__ import annotations


import pytest
from whoosh import collectors
from whoosh import query as wq

from search import bulk_postings, bulk_scores
from search.query import parse_query
from search.ranking import _TopAndAll, filters_for
from search.searcher import SearchIndex, _resolved
from tests.search.synthetic_collection import segmented_index

QUERIES = (
    "bread", "glass winter", "hospital shelter market", '"broken glass"', '"the shelling and"', "bread OR tents",
    "bread AND shelter AND hospital AND dust", "shelter NOT bread", "(bread OR water) AND NOT (glass OR dust)",
    "title:market", "title:market OR title:bread", "summary:dawn OR body:dawn", "Saraqib", "idlib families",
    "الخبز", "القصف المدرسة", '"الزجاج المكسور"', "الخبز NOT الفجر", "NOT bread", "NOT (glass OR winter)", "bombing 2013", "nothingsuchword", "the",
    "bread ANDNOT glass", "(bread OR water) ANDNOT (glass OR dust)", "الخبز ANDNOT الفجر", "shelter OR (bread ANDNOT winter)",
)
LEFT_TO_WHOOSH = {"bombing 2013"}  # a year read as a date range: Whoosh's numeric range matcher
FILTERS = ({}, {"place": "idlib"}, {"theme": "violence", "language": "en"}, {"from": "2013", "to": "2016"})


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    searcher = segmented_index(tmp_path_factory.mktemp("bulk"))
    yield searcher
    searcher.close()


def _both(index: SearchIndex, q: str, filters: dict[str, str]):
    """(bulk, Whoosh) for every match ranked: first the order with scores, then the match set in document order."""
    with index._current() as s:
        query = _resolved(parse_query({"q": q, **filters}), s)
        text = s.compiler.compile(q)
        if text is None:
            return None, None
        found = filters_for(query)
        allowed = s.searcher._filter_to_comb(wq.And(found)) if found else None
        everything = s.searcher.doc_count_all()
        bulk = bulk_scores.ranked(s.searcher, text, allowed, everything)
        top = _TopAndAll(everything)
        s.searcher.search_with_collector(text, collectors.FilterCollector(top, allowed) if allowed is not None else top)
        whoosh = (tuple(docnum for _, docnum in top.results().top_n), top.seen)
        scores = {docnum: score for score, docnum in top.results().top_n}
        return bulk, (whoosh, scores)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("union", ["auto", "tree"])
def test_the_same_matches_order_and_scores_as_whoosh(index, q, filters, union, monkeypatch):
    if union == "tree":  # as in segments of over 5,000 documents: a weighted tree of binary unions
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    bulk, found = _both(index, q, filters)
    if found is None:
        return
    (order, seen), scores = found
    if q in LEFT_TO_WHOOSH:
        assert bulk is None
        return
    assert bulk is not None, q  # these are all mirrored, not handed back to Whoosh
    assert (bulk.first, bulk.seen) == (order, seen)


@pytest.mark.parametrize("q", [q for q in QUERIES if q not in LEFT_TO_WHOOSH])
@pytest.mark.parametrize("union", ["auto", "tree"])
def test_scores_are_the_same_floats(index, q, union, monkeypatch):
    """The order alone could hide a score off in its last bit: compare the numbers themselves."""
    if union == "tree":
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    with index._current() as s:
        text = s.compiler.compile(q)
        if text is None:
            return
        _same_scores_in_every_segment(s.searcher, text)


def _same_scores_in_every_segment(searcher, query) -> None:
    """Each segment's bulk scores are Whoosh's matcher's, document for document, float for float."""
    for sub, _ in searcher.leaf_searchers():
        mine = bulk_scores._node(bulk_postings.Segment(sub, searcher.weighting), query, True)
        matcher = query.matcher(sub, searcher.context())
        theirs = {}
        while matcher.is_active():
            theirs[matcher.id()] = matcher.score()
            matcher.next()
        assert mine == theirs


TIED = [wq.Term("body", "bread", boost=b) for b in (1.1, 1.3, 1.7, 2.9)]  # one weight: the tree's order decides


@pytest.mark.parametrize("tied", [wq.Or(TIED), wq.And(TIED), wq.And([wq.Or(TIED[:2]), wq.Or(TIED[2:]), TIED[0]]),
                                  # weights x, x, 2x, 2x: the pair joined first weighs as much as two others
                                  wq.Or([TIED[0], TIED[1], wq.Or(TIED[2:]), wq.Or(TIED[1:3])])],
                         ids=["or", "and", "nested", "joined"])
@pytest.mark.parametrize("union", ["auto", "tree"])
def test_tied_weights_sum_in_whooshs_order(index, tied, union, monkeypatch):
    if union == "tree":
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    with index._current() as s:
        _same_scores_in_every_segment(s.searcher, tied)


def test_scores_differ(index):
    """A positive control for the comparisons above: scores that differ, so the orders compared are real."""
    with index._current() as s:
        text = s.compiler.compile("glass winter OR bread")
        every = [score for sub, _ in s.searcher.leaf_searchers()
                 for score in bulk_scores._node(bulk_postings.Segment(sub, s.searcher.weighting), text, True).values()]
        assert len(set(every)) > 20


def test_body_values_are_those_the_snippets_would_read(index):
    with index._current() as s:
        text = s.compiler.compile('glass "the shelling" hospital')
        found = bulk_scores.ranked(s.searcher, text, None, 30)
        assert set(found.body_values) >= {"glass", "shell", "hospit"}
        for term, values in found.body_values.items():
            assert set(values) == set(found.first)  # 30 documents: under a page's most (MAX_PER_PAGE)
            for docnum, value in values.items():
                postings = s.searcher.reader().postings("body", term)
                postings.skip_to(docnum)
                held = postings.is_active() and postings.id() == docnum
                assert value == (postings.value() if held else None)
            assert any(v is not None for v in values.values()) and term


def test_andnot_keeps_no_document_of_its_right_side(index):
    with index._current() as s:
        everything = s.searcher.doc_count_all()
        glass = bulk_scores.ranked(s.searcher, s.compiler.compile("glass"), None, everything)
        bread = bulk_scores.ranked(s.searcher, s.compiler.compile("bread"), None, everything)
        found = bulk_scores.ranked(s.searcher, s.compiler.compile("bread ANDNOT glass"), None, everything)
    assert set(bread.seen) & set(glass.seen)  # the positive control: some bread documents have glass too
    assert set(found.seen) == set(bread.seen) - set(glass.seen)


def test_search_results_through_either_path_are_the_same(index, monkeypatch):
    """The whole result (total, hits, snippets, facets) of `SearchIndex.search` with and without the bulk path
    (whose body postings values the snippets then take rather than reading them again)."""
    def answers():
        out = []
        for q in QUERIES:
            for filters in FILTERS:
                index.clear_cache()
                out.append(index.search(parse_query({"q": q, **filters})).to_json())
        return out

    fast = answers()
    monkeypatch.setattr(bulk_scores, "ranked", lambda *args: None)
    assert answers() == fast


def test_a_deleted_document_never_matches(index):
    """An edit's old version is only marked deleted in its segment: every live document matches "NOT <no such
    word>", and that one never (the withdrawn or changed version must not come back through the bulk path)."""
    with index._current() as s:
        gone = {offset + docnum for sub, offset in s.searcher.leaf_searchers() if sub.reader().has_deletions()
                for docnum in sub.reader().deleted_docs_set}
        found = bulk_scores.ranked(s.searcher, s.compiler.compile("NOT zzzqqq"), None, 10)
        assert gone and found is not None
        assert len(found.seen) == s.searcher.doc_count() and not gone & set(found.seen)


def test_a_deep_page_keeps_offsets_for_one_page_only(index):
    with index._current() as s:
        text = s.compiler.compile("bread OR glass OR winter OR shelter OR hospital OR market OR dust")
        found = bulk_scores.ranked(s.searcher, text, None, 110)
        assert len(found.first) == 110 and found.body_values
        assert all(set(values) == set(found.first[-100:]) for values in found.body_values.values())
