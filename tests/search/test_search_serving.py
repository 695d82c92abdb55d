"""Bounded serving: a slow search holds one thread, never the process, and never takes the last thread."""

from __future__ import annotations

import threading
from pathlib import Path

from archive.config import Config
from search.query import parse_query
from search.searcher import SearchIndex
from web import create_app


def test_a_search_held_in_one_thread_does_not_hold_up_another(web_site_dirs):
    content, instance = web_site_dirs
    index = SearchIndex(Config(Path(content), Path(instance)))
    inside, release = threading.Event(), threading.Event()

    def held(generation: str, indexed: object) -> None:  # a guard that keeps the first search inside the index
        inside.set()
        release.wait(30)

    first = threading.Thread(target=lambda: index.search(parse_query({"q": "bakery"}), held))
    first.start()
    try:
        assert inside.wait(30)
        other: list[int] = []
        second = threading.Thread(target=lambda: other.append(index.search(parse_query({"q": "bakery"})).total))
        second.start()
        second.join(10)
        assert other and other[0] > 0, "the second search waited for the first"
    finally:
        release.set()
        first.join(30)


def _app(web_site_dirs, slots: int, queue: int = 0, wait: float = 0.1):
    content, instance = web_site_dirs
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True,
                       "ARCHIVE_SEARCH_SLOTS": slots, "ARCHIVE_SEARCH_QUEUE": queue, "ARCHIVE_SEARCH_WAIT": wait})


def test_a_search_beyond_the_slots_is_a_503_to_retry_and_pages_still_answer(web_site_dirs):
    assert _app(web_site_dirs, 1).test_client().get("/api/search?q=bakery").status_code == 200  # one slot: served
    client = _app(web_site_dirs, 0).test_client()  # every slot taken
    for path in ("/api/search?q=bakery", "/search?q=bakery", "/search.csv?q=bakery", "/search.json?q=bakery"):
        response = client.get(path)
        assert response.status_code == 503 and response.headers["Retry-After"] == "1", path
        assert "busy" in response.get_data(as_text=True), path
    assert client.get("/api/search?q=bakery").get_json()["error"].startswith("Search is busy")
    assert client.get("/t/open-account").status_code == 200  # its related list is left out, not the page
    assert client.get("/").status_code == 200
    waiting = _app(web_site_dirs, 0, queue=1).test_client()  # a place in line, but no slot comes free in time
    assert waiting.get("/api/search?q=bakery").status_code == 503
