"""The curator index seen from the web: the background indexer keeps it current, and nothing that
serves the public (the site, the API, exports, feeds) ever opens it. (Its contents: tests/search/test_curator_index.py.)"""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
import threading
import time

import pytest

from archive.config import Config
from archive.consent import Audience
from search.query import Query
from search.searcher import SearchIndex

from tests.support import builder, consent_table


TODAY = dt.date(2024, 6, 1)
HIDDEN_WORDS = ("zqrestrictedbody", "zqembargobody", "zqdraftbody", "zqwithdrawnbody", "zqnoteword")


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> Config:
    """The consent-table collection with both indexes built (shared: tests must not change it)."""
    base = tmp_path_factory.mktemp("curator-index")
    config = Config(consent_table.write(base / "content"), base / "instance")
    builder.build_index(config.content, config.instance, TODAY)
    builder.build_index(config.content, config.instance, TODAY, audience=Audience.CURATOR)
    return config


def ids(results) -> set[str]:
    return {hit.id for hit in results.hits}


def test_the_background_indexer_keeps_both_indexes_current(tmp_path):
    from web.indexer import follow_changes

    content = consent_table.write(tmp_path / "content")
    config = Config(content, tmp_path / "instance")
    stop = threading.Event()
    worker = threading.Thread(target=follow_changes, args=(config, stop, 0.05), daemon=True)
    worker.start()
    try:
        def wait_for(check) -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if check():
                        return
                except Exception:
                    pass
                time.sleep(0.05)
            raise AssertionError("the background indexer did not catch up")

        curator, public = SearchIndex(config, Audience.CURATOR), SearchIndex(config)
        wait_for(lambda: ids(curator.search(Query(per_page=100))) == {r.id for r in consent_table.ROWS})
        wait_for(lambda: "open-account" in ids(public.search(Query(per_page=100))))
        path = content / "en" / "open-account.md"
        path.write_text(path.read_text(encoding="utf-8").replace("access: public", "access: restricted"),
                        encoding="utf-8")
        wait_for(lambda: "open-account" in ids(curator.search(Query(states=("restricted",), per_page=100))))
        wait_for(lambda: "open-account" not in ids(public.search(Query(per_page=100))))
    finally:
        stop.set()
        worker.join(10)


class _Opens:
    """Every path opened or listed through Python while active (builtins, io, os)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        for module, name in ((builtins, "open"), (io, "open"), (os, "open"), (os, "listdir"), (os, "scandir"),
                             (os, "stat")):
            monkeypatch.setattr(module, name, self._wrap(getattr(module, name)))

    def _wrap(self, original):
        def recorded(path=".", *args, **kwargs):
            if isinstance(path, (str, bytes, os.PathLike)):
                self.paths.append(os.fsdecode(path))
            return original(path, *args, **kwargs)
        return recorded

    def curator(self) -> list[str]:
        return [p for p in self.paths if "index/curator" in p.replace(os.sep, "/")]


def test_no_public_request_opens_the_curator_index(both, monkeypatch):
    from tests.support.curators import add_curator, sign_in
    from web import create_app

    add_curator(both.instance)
    app = create_app({"ARCHIVE_CONTENT": str(both.content), "ARCHIVE_INSTANCE": str(both.instance),
                      "TESTING": True, "ARCHIVE_TODAY": TODAY})
    client = app.test_client()
    opens = _Opens(monkeypatch)
    urls = ["/", "/search", "/search?q=bakery", "/search?q=zqrestrictedbody", "/search.csv?q=market",
            "/search.json?q=market", "/search.bib", "/api/search?q=zqwithdrawnbody", "/api/search",
            "/api/search?place=idlib-district&theme=airstrikes", "/places", "/places/saraqib",
            "/places/zqsecretvillage", "/themes", "/themes/airstrikes", "/feed.atom", "/sitemap.xml", "/robots.txt",
            "/api/places", "/api/themes", "/api/openapi.json"]
    urls += [f"/t/{row.id}" for row in consent_table.ROWS] + [f"/api/t/{row.id}" for row in consent_table.ROWS]
    urls += [f"/t/{row.id}/cite.bib" for row in consent_table.ROWS]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404, 410), (url, response.status_code)
        bodies.append((url, response.get_data(as_text=True).lower()))
    assert any("/index/public" in p.replace(os.sep, "/") for p in opens.paths)  # the recorder sees index files
    assert opens.curator() == []
    for word in HIDDEN_WORDS:  # (a search page repeats the words it was asked for, and only those)
        assert not [url for url, body in bodies if word in body and word not in url], word
    # ... while a curator's dashboard does open it and does find the word
    assert sign_in(client).status_code == 303
    assert "closed-zqrestrictedid" in client.get("/curate/?q=zqrestrictedbody").get_data(as_text=True)
    assert opens.curator()
