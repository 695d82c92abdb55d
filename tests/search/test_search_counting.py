"""Totals and facet counts come from the unscored match set, and only the page shown is ranked:
both must be exactly what counting every document by hand, and ranking every match, give."""

from __future__ import annotations

from collections import Counter

import pytest

from search.analysis import analyze
from search.documents import split_facet_keys
from search.query import parse_query
from search.searcher import SearchIndex
from tests.search.synthetic_collection import segmented_index

WORDS = ("bread", "shelter", "hospital", "glass winter")
FILTERS = ({}, {"place": "idlib"}, {"theme": "violence"}, {"language": "en"}, {"from": "2013", "to": "2016"},
           {"place": "idlib-district", "theme": "airstrikes"})
CASES = [(w, f) for w in WORDS for f in FILTERS] + [("الخبز", f) for f in ({}, {"language": "ar"}, {"place": "idlib"})]
KINDS = {"place": "p", "theme": "t", "language": "l", "year": "y"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    searcher = segmented_index(tmp_path_factory.mktemp("counting"))
    yield searcher
    searcher.close()


def _opened(index: SearchIndex):
    """The index's opened generation (given back to its pool at once: these tests run in one thread)."""
    with index._current() as s:
        return s


def _by_hand(index: SearchIndex, words: str, filters: dict[str, str]) -> tuple[set[str], Counter[str]]:
    """Every live document holding every word (in title, summary, body or narrator) and every filter's key."""
    s = _opened(index)
    reader = s.searcher.reader()
    column = reader.column_reader("facets")
    wanted = [analyze(word) for word in words.split()]
    found, counts = set(), Counter()
    for docnum, stored in reader.iter_docs():
        keys = set(split_facet_keys(column[docnum]))
        text = set(analyze(" ".join((stored["title"], stored.get("summary", ""), stored["body"], stored["meta"][0]))))
        if not all(set(w) <= text for w in wanted):
            continue
        if any(f"{KINDS[k]}:{v}" not in keys for k, v in filters.items() if k in KINDS):
            continue
        years = [int(k[2:]) for k in keys if k.startswith("y:")]
        if "from" in filters and not any(int(filters["from"]) <= y <= int(filters["to"]) for y in years):
            continue
        found.add(stored["id"])
        counts.update(keys)
    return found, counts


@pytest.mark.parametrize("words,filters", CASES)
def test_totals_and_facets_match_a_count_by_hand(index, words, filters):
    results = index.search(parse_query({"q": words, **filters, "per_page": 100}))
    found, counts = _by_hand(index, words, filters)
    assert len(found) >= 3 and not results.relaxed and results.correction is None  # the strict query answered
    assert results.total == len(found)
    assert {hit.id for hit in results.hits} == found
    for facet, items in results.facets.items():
        for item in items:
            assert item.count == counts[f"{KINDS[facet]}:{item.value}"], (facet, item)
        assert sum(1 for key in counts if key.startswith(KINDS[facet] + ":")) == len(items) - sum(
            1 for item in items if item.count == 0)


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
@pytest.mark.parametrize("words", WORDS[:3])
def test_every_page_is_the_full_ranking_cut(index, words, sort):
    everything = index.ids(parse_query({"q": words, "sort": sort}))  # every match ranked, in order
    assert len(everything) > 14
    index.clear_cache()
    pages = []
    for page in range(1, len(everything) // 7 + 2):
        results = index.search(parse_query({"q": words, "sort": sort, "per_page": 7, "page": page}))
        assert results.total == len(everything)
        pages += [hit.id for hit in results.hits]
    assert pages == everything
    index.clear_cache()  # a later page asked for first ranks as far as it, then the first is cut from that
    late = index.search(parse_query({"q": words, "sort": sort, "per_page": 7, "page": 2}))
    first = index.search(parse_query({"q": words, "sort": sort, "per_page": 7, "page": 1}))
    assert [h.id for h in first.hits + late.hits] == everything[:14]


def _has_run(tokens: list[str], run: list[str]) -> bool:
    return any(tokens[i:i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


def _common_phrases(index: SearchIndex) -> list[str]:
    """The most frequent pairs of neighbouring words of the bodies that are two indexed words."""
    pairs: Counter[str] = Counter()
    for _, stored in _opened(index).searcher.reader().iter_docs():
        words = stored["body"].split()
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:]) if len(analyze(f"{a} {b}")) == 2)
    return [phrase for phrase, _ in pairs.most_common(3)]


@pytest.mark.parametrize("rank", range(3))
def test_phrases_match_a_search_by_hand_in_segments_with_deletions(index, rank):
    phrase = _common_phrases(index)[rank]
    s = _opened(index)
    assert any(segment.has_deletions() for segment in s.searcher.reader().segments()) or any(
        r.has_deletions() for r, _ in s.searcher.reader().leaf_readers())  # the edit left one (positive control)
    run = analyze(phrase)
    found = {stored["id"] for _, stored in s.searcher.reader().iter_docs()
             if any(_has_run(analyze(text), run) for text in (stored["title"], stored.get("summary", ""),
                                                                stored["body"], stored["meta"][0]))}
    results = index.search(parse_query({"q": f'"{phrase}"', "per_page": 100}))
    assert len(found) >= 3 and results.total == len(found)
    assert {hit.id for hit in results.hits} == found
