"""`a ANDNOT b` never returns a document that matches `b` (search.excluding).

Whoosh's own ANDNOT matcher keeps the left side's first match of a segment when the right side begins on
an earlier document. The collection is laid out for that: "beta-only" (the right side's word only) comes
first, then "both", then "alpha-only". The positive control shows Whoosh's plain AndNot keeping "both" on
this very index, so the test would fail without the correction."""

from __future__ import annotations

import datetime as dt

import pytest
from whoosh import query as wq

from archive.config import Config
from search.indexer import update_index
from search.query import parse_query
from search.searcher import SearchIndex

from tests.support import builder

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("andnot")
    config = Config(builder.write_collection(base / "content", vocabulary="search", testimonies={
        "a-beta-only": dict(title="Tents", body="The tents stood in the olive grove."),
        "b-both": dict(title="Bread and tents", body="Bread was handed out among the tents."),
        "c-alpha-only": dict(title="Bread", body="Bread came at dawn from the bakery."),
    }), base / "instance")
    update_index(config, TODAY, procs=1)
    searcher = SearchIndex(config)
    yield searcher
    searcher.close()


def _ids(index: SearchIndex, q: str) -> set[str]:
    index.clear_cache()
    return {hit["id"] for hit in index.search(parse_query({"q": q})).to_json()["results"]}


def test_andnot_leaves_out_every_document_of_its_right_side(index):
    assert _ids(index, "bread") == {"b-both", "c-alpha-only"}  # the document to leave out is found
    assert _ids(index, "bread ANDNOT tents") == {"c-alpha-only"}
    assert _ids(index, "(bread OR olive) ANDNOT tents") == {"c-alpha-only"}
    assert _ids(index, "dawn OR (bread ANDNOT tents)") == {"c-alpha-only"}


def test_whooshs_own_andnot_would_keep_it_here(index):
    with index._current() as s:
        compiled = s.compiler.compile("bread ANDNOT tents")
        plain = wq.AndNot(compiled.a, compiled.b)
        kept = {s.searcher.stored_fields(hit.docnum).get("id") for hit in s.searcher.search(plain, limit=None)}
    assert "b-both" in kept  # the flaw this index is laid out to show


def test_andnot_scores_as_its_left_side(index):
    with index._current() as s:
        compiled = s.compiler.compile("bread ANDNOT tents")
        left = {hit.docnum: hit.score for hit in s.searcher.search(compiled.a, limit=None)}
        kept = {hit.docnum: hit.score for hit in s.searcher.search(compiled, limit=None)}
    assert kept and all(kept[d] == left[d] for d in kept)
