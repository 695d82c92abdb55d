"""A worker's first search reads no whole collection: before it forks its workers, `archive serve`'s master makes
the public set, the search guard's answer and the facet table (web/ready.py), and a worker uses them while what
they were made from still holds. Through the Flask test client, on the app `archive serve` runs, counting the
three reads that grow with the collection: every public version from the catalogue, every document's
public-form version from the index (the guard), every document's facet keys."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest

from search.catalogue import CatalogueReader
from search.facets import FacetTable
from search.opened import Published
from tests.support import builder
from web import create_app, ready

WHOLE = ("catalogue versions", "index versions", "facet table")


@pytest.fixture
def reads(monkeypatch) -> Counter[str]:
    """How many times each whole-collection read was made."""
    found: Counter[str] = Counter()

    def counted(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            found[name] += 1
            return original(*args, **kwargs)
        return call

    monkeypatch.setattr(CatalogueReader, "versions", counted(WHOLE[0], CatalogueReader.versions))
    monkeypatch.setattr(Published, "_pairs", counted(WHOLE[1], Published._pairs))
    monkeypatch.setattr(FacetTable, "__init__", counted(WHOLE[2], FacetTable.__init__))
    return found


@pytest.fixture
def served(tmp_path) -> Callable[[], Any]:
    """served() -> a new app (as a new server would load it) over one indexed collection of twelve testimonies."""
    accounts = {f"bread-{n:02d}": {"title": f"Bread queue {n}", "body": f"We waited for bread, day {n}."}
                for n in range(12)}
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies=accounts)
    instance = tmp_path / "instance"
    builder.build_index(content, instance)

    def make() -> Any:
        return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True,
                           "ARCHIVE_RELOAD_SECONDS": 0})  # no watcher here: the files are looked at every request

    make.content = content  # type: ignore[attr-defined]
    return make


def _found(client: Any, query: str = "bread") -> list[str]:
    response = client.get(f"/api/search?q={query}&per_page=50")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [hit["id"] for hit in json.loads(response.get_data())["results"]]


def test_after_the_master_prepared_the_first_search_reads_no_whole_collection(served, reads):
    app = served()
    ready.prepare(app)
    assert reads == Counter(WHOLE)  # the master made each once
    reads.clear()
    assert len(_found(app.test_client())) == 12
    assert reads == Counter()


def test_without_preparing_the_first_search_reads_the_whole_collection(served, reads):
    """The positive control: the reads counted above are those a first search makes."""
    assert len(_found(served().test_client())) == 12
    assert reads == Counter(WHOLE)


def test_once_the_master_lets_go_a_new_searcher_reads_the_collection_itself(served, reads):
    """`release` (the master, once its workers run) keeps nothing: a worker forked later makes its own."""
    app = served()
    ready.prepare(app)
    ready.release(app)
    reads.clear()
    assert len(_found(app.test_client())) == 12
    assert reads == Counter(WHOLE)


def test_what_the_master_prepared_is_not_used_once_a_file_changed(served, reads):
    """A testimony made private after the master prepared is never found: the worker sees the file changed,
    makes the public set anew without it, and the guard compares the index with that set again."""
    app = served()
    ready.prepare(app)
    reads.clear()
    client = app.test_client()
    assert "bread-03" in _found(client) and reads == Counter()  # found, from what the master prepared
    path = Path(served.content) / "t" / "bread-03.md"
    text = path.read_text()
    assert "access: public" in text
    path.write_text(text.replace("access: public", "access: restricted"))
    response = client.get("/api/search?q=bread&per_page=50")
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert "bread-03" not in [hit["id"] for hit in json.loads(response.get_data())["results"]]
    assert reads[WHOLE[0]] >= 1 and reads[WHOLE[1]] >= 1  # the set and the guard's answer made anew
    assert client.get("/t/bread-03").status_code == 404
