"""A real `archive serve` re-indexes an edit and a withdrawal from the kernel's notices, not from a full scan.

The full scan, the indexer's safety check, is set an hour apart (`ARCHIVE_FULL_SCAN_SECONDS`), so within the
test the index can only follow the files through the changed paths; the indexer's log says which route
each update took. Each change is first shown not yet made (the positive control: the canary is found while
it is public), and the withdrawn testimony must leave search, its page and the feed.
"""

from __future__ import annotations

import json

import pytest

from archive.notified import INotify

from tests.support import builder
from tests.support.builder import write_testimony
from tests.support.served import Served, serving, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.skipif(INotify is None, reason="needs Linux inotify")]

WORD, EDIT = "zqfollowcanary", "zqfollowedit"


def _found(served: Served, word: str) -> set[str] | None:
    """The ids a public search finds (None while it answers 503: the index is behind the files)."""
    status, _, body = served.get(f"/api/search?q={word}")
    if status == 503:
        return None
    assert status == 200, body
    return {row["id"] for row in json.loads(body)["results"]}


def _routes(served: Served) -> list[str]:
    return [line for line in served.log.read_text(errors="replace").splitlines() if "[archive indexer]" in line]


def test_an_edit_and_a_withdrawal_are_indexed_from_the_changed_paths(tmp_path, monkeypatch):
    content = builder.write_collection(tmp_path / "content", vocabulary="search")
    write_testimony(content, "canary", title=f"The {WORD} morning", body="The bakery was shelled at dawn.")
    write_testimony(content, "neighbour", folder="east", title="A neighbour's account")
    monkeypatch.setenv("ARCHIVE_FULL_SCAN_SECONDS", "3600")
    with serving(content, tmp_path / "instance", tmp_path / "serve.log", workers=1) as served:
        assert _found(served, WORD) == {"canary"} and _found(served, EDIT) == set()  # the positive control
        write_testimony(content, "canary", title=f"The {WORD} morning", body=f"A later {EDIT} sentence.")
        wait_until(lambda: _found(served, EDIT) == {"canary"}, 30, "the edit to be indexed")
        assert any("1 updated" in line and "(from 1 changed path)" in line for line in _routes(served)), _routes(served)

        write_testimony(content, "canary", title=f"The {WORD} morning", access="withdrawn")
        wait_until(lambda: _found(served, WORD) == set(), 30, "the withdrawal to be indexed")
        assert any("1 removed" in line and "(from 1 changed path)" in line for line in _routes(served)), _routes(served)
        assert served.get("/t/canary")[0] == 410
        assert WORD not in served.get("/feed.atom")[2].decode("utf-8", "replace")
        assert served.get("/t/neighbour")[0] == 200  # the rest is served
        assert not any("full scan" in line for line in _routes(served))


def test_the_indexer_lets_go_of_its_kept_buckets_before_a_full_scan(monkeypatch, tmp_path):
    """web.indexer hands search.buckets.keep_last to Following as what to forget before a full scan, so the
    last fill and a new listing are never held at once."""
    import threading

    from archive.config import Config
    from search import buckets
    from web import indexer

    made: list[dict] = []

    class Recorded:
        def __init__(self, root, full_every, **options):
            made.append(options)

        def close(self):
            pass

    monkeypatch.setattr(indexer, "Following", Recorded)
    stop = threading.Event()
    stop.set()
    try:
        indexer.follow_changes(Config(tmp_path / "content", tmp_path / "instance"), stop)
    finally:
        buckets.keep_last(False)
    assert made == [{"forget": buckets.keep_last}]
