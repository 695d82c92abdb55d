"""A curator's save takes effect in every worker process before its response: `publish_change`.

Two applications over the same content and instance directories stand for two gunicorn
workers; neither rescans the files on a timer here (ARCHIVE_RELOAD_SECONDS is an hour), so
only the change stamp can tell the other one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive.consent import Audience
from search.locking import writer_lock
from search.manifest import IndexPaths
from search.query import Query
from search.searcher import SearchIndex
from web import create_app
from web.curate import publish
from web.curate.publish import PublishIncomplete, publish_change
from web.site import stamp_path

from tests.support import builder, consent_table

HOUR = 3600


@pytest.fixture
def workers(tmp_path):
    """(first, second, content, instance): two apps on one collection, each having served pages."""
    content = consent_table.write(tmp_path / "content")
    instance = tmp_path / "instance"
    builder.build_index(content, instance)
    apps = [create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True,
                        "ARCHIVE_RELOAD_SECONDS": HOUR}) for _ in range(2)]
    for app in apps:
        client = app.test_client()
        assert client.get("/t/open-account").status_code == 200
        assert "open-account" in found(client, "bakery")
    return apps[0], apps[1], content, instance


def found(client, q: str) -> set[str]:
    response = client.get("/api/search", query_string={"q": q, "per_page": 100})
    assert response.status_code == 200
    return {hit["id"] for hit in response.get_json()["results"]}


def facet_count(client, name: str, value: str) -> int:
    facets = client.get("/api/search", query_string={"q": "bakery"}).get_json()["facets"][name]
    return next((item["count"] for item in facets if item["value"] == value), 0)


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_withdrawal_reaches_the_other_worker_on_its_very_next_request(workers):
    first, second, content, instance = workers
    other = second.test_client()
    languages_before = facet_count(other, "language", "ar")
    path = content / "ar" / "open-account-ar.md"
    change(path, "access: public", "access: withdrawn")
    assert other.get("/t/open-account-ar").status_code == 200  # no stamp yet: the other worker still serves it
    with first.app_context():
        publish_change([path])
    # the very next request to either worker, without sleeping
    for app in (second, first):
        client = app.test_client()
        assert client.get("/t/open-account-ar").status_code == 410
        assert client.get("/api/t/open-account-ar").status_code == 410
        assert "open-account-ar" not in found(client, "bakery") | found(client, "")
        assert "open-account-ar" not in client.get("/search.csv?q=").get_data(as_text=True)
        assert "open-account-ar" not in client.get("/feed.atom").get_data(as_text=True)
    assert facet_count(other, "language", "ar") == languages_before - 1
    # both indexes were updated before publish_change returned
    assert "open-account-ar" not in {h.id for h in SearchIndex(first_config(first)).search(Query(per_page=100)).hits}
    curator = SearchIndex(first_config(first), Audience.CURATOR).search(Query(states=("withdrawn",), per_page=100))
    assert "open-account-ar" in {h.id for h in curator.hits}


def first_config(app):
    from archive.config import Config

    return Config(Path(app.config["ARCHIVE_CONTENT"]), Path(app.config["ARCHIVE_INSTANCE"]))


def test_a_save_that_keeps_size_and_time_still_reaches_every_worker(workers):
    first, second, content, _ = workers
    path = content / "en" / "open-account.md"
    before = path.stat()
    change(path, "A morning at the bakery", "A morning at the mosque")  # same length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time: the files look unchanged
    with first.app_context():
        publish_change([path])
    other = second.test_client()
    assert "A morning at the mosque" in other.get("/t/open-account").get_data(as_text=True)
    assert "open-account" in found(other, "mosque")


def test_each_request_costs_one_stat_of_the_stamp_and_no_scan(workers, monkeypatch):
    first, second, content, instance = workers
    from web import site as site_module

    scans = []
    original = site_module.content_signature
    monkeypatch.setattr(site_module, "content_signature", lambda root: scans.append(root) or original(root))
    client = second.test_client()
    for _ in range(5):
        assert client.get("/t/open-account").status_code == 200
    assert scans == []  # within ARCHIVE_RELOAD_SECONDS: the stamp's stat only
    site_module.touch_stamp(instance)
    assert client.get("/t/open-account").status_code == 200
    assert len(scans) == 1
    assert stamp_path(instance).is_file()


def test_a_published_change_changes_the_public_etags_and_a_bare_stamp_does_not(workers):
    """The ETag derives from the public form alone (docs/format.md): a save that changes what the page shows
    changes it in every worker at once; a stamp with no visible change leaves it as it was."""
    first, second, content, instance = workers
    client = second.test_client()
    etag = client.get("/t/open-account").headers["ETag"]
    with first.app_context():
        publish_change([])
    assert client.get("/t/open-account", headers={"If-None-Match": etag}).status_code == 304
    path = content / "en" / "open-account.md"
    path.write_text(path.read_text("utf-8").replace("An account of the market", "A retold account"), "utf-8")
    with first.app_context():
        publish_change([path])
    fresh = client.get("/t/open-account", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_an_index_that_cannot_be_updated_is_reported_and_the_pages_still_obey(workers, monkeypatch):
    first, second, content, instance = workers
    monkeypatch.setattr(publish, "INDEX_WAIT", 0.1)
    path = content / "en" / "open-account.md"
    change(path, "access: public", "access: restricted")
    with writer_lock(IndexPaths(instance).lock):  # another run holds the public index
        with first.app_context():
            with pytest.raises(PublishIncomplete) as error:
                publish_change([path])
    assert "public search index" in str(error.value) and "curator" not in str(error.value)
    other = second.test_client()
    assert other.get("/t/open-account").status_code == 404
    behind = other.get("/api/search", query_string={"q": "bakery", "per_page": 100})  # the old index still holds it:
    assert behind.status_code == 503 and "open-account" not in behind.get_data(as_text=True)  # no counts betray it
    with first.app_context():
        publish_change([path])
    assert "open-account" not in {h.id for h in SearchIndex(first_config(first)).search(Query(per_page=100)).hits}
    assert "open-account" not in found(other, "bakery")
