"""The curator index: every testimony in every consent state, kept apart from the public index.

The public index must hold exactly what it held before the curator index existed; that nothing
serving the public ever opens the curator index is tests/web/test_curator_index_unopened.py.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from archive.collection import load_collection
from archive.config import Config
from archive.consent import Audience, State, state
from search.indexer import ensure_current, index_status, update_index
from search.manifest import IndexPaths, read_manifest
from search.query import Query, QueryError, parse_query
from search.searcher import SearchIndex

from tests.search.index_files import files_containing
from tests.support import builder, consent_table

TODAY = dt.date(2024, 6, 1)
HIDDEN_WORDS = ("zqrestrictedbody", "zqembargobody", "zqdraftbody", "zqwithdrawnbody", "zqnoteword")


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> Config:
    """The consent-table collection with both indexes built (shared: tests must not change it)."""
    base = tmp_path_factory.mktemp("curator-index")
    config = Config(consent_table.write(base / "content"), base / "instance")
    update_index(config, TODAY, procs=1)
    update_index(config, TODAY, procs=1, audience=Audience.CURATOR)
    return config


def ids(results) -> set[str]:
    return {hit.id for hit in results.hits}


def test_the_curator_index_holds_every_testimony_with_its_state(both):
    collection = load_collection(both.content)
    expected = Counter(state(t, TODAY).value for t in collection.testimonies.values())
    results = SearchIndex(both, Audience.CURATOR).search(Query(per_page=100))
    assert ids(results) == set(collection.testimonies) == {row.id for row in consent_table.ROWS}
    assert {item.value: item.count for item in results.facets["state"]} == dict(expected)
    assert set(expected) == {s.value for s in State}  # the table has a row of every state
    for value in expected:
        chosen = SearchIndex(both, Audience.CURATOR).search(Query(states=(value,), per_page=100))
        assert ids(chosen) == {i for i, t in collection.testimonies.items() if state(t, TODAY).value == value}
        assert [(i.value, i.selected) for i in chosen.facets["state"] if i.selected] == [(value, True)]
        # the state counts ignore the state filter, so every state stays reachable from a filtered list
        assert {i.value: i.count for i in chosen.facets["state"]} == dict(expected)


def test_hidden_words_are_found_by_curators_and_never_by_the_public(both):
    curator, public = SearchIndex(both, Audience.CURATOR), SearchIndex(both)
    for word, testimony_id in (("zqrestrictedbody", "closed-zqrestrictedid"), ("zqembargobody", "later-zqembargoid"),
                               ("zqdraftbody", "draft-zqdraftid"), ("zqwithdrawnbody", "gone-zqwithdrawnid"),
                               ("zqredactedword", "redacted-account"), ("zqanonname", "anon-account"),
                               ("zqsecretvillage", "coarse-account")):
        assert ids(curator.search(parse_query({"q": word}))) == {testimony_id}, word
        assert public.search(parse_query({"q": word})).total == 0, word
    assert ids(curator.search(parse_query({"q": "zqrestrictedbody"}).replace(states=("public",)))) == set()
    # words the curator index holds are in its own files only
    leaks = files_containing(both.instance / "index", HIDDEN_WORDS)
    assert leaks and all("/index/curator/" in path for path in leaks), leaks


def test_the_public_index_cannot_be_asked_about_states(both):
    public = SearchIndex(both)
    with pytest.raises(QueryError) as error:
        public.search(Query(states=("withdrawn",)))
    assert error.value.param == "state"
    with pytest.raises(QueryError):
        public.search(Query(sort="-changed"))
    with pytest.raises(QueryError):
        SearchIndex(both, Audience.CURATOR).search(Query(states=("hidden",)))


def _contents(directory: Path) -> tuple[list, dict]:
    """Every stored document, and every term of every field, of the Whoosh index in `directory`."""
    ix = whoosh_index.open_dir(str(directory))
    with ix.reader() as reader:
        stored = sorted((dict(fields) for fields in reader.all_stored_fields()), key=lambda f: f["id"])
        terms = {name: sorted(reader.lexicon(name)) for name in ix.schema.names()
                 if ix.schema[name].indexed}
    return stored, terms


def test_the_public_index_is_the_same_with_or_without_the_curator_index(tmp_path, both):
    alone = Config(both.content, tmp_path / "alone")
    alone.instance.mkdir()  # the same instance secret: the manifest's keys are HMACs under it
    (alone.instance / "secret_key").write_bytes((both.instance / "secret_key").read_bytes())
    update_index(alone, TODAY, procs=1)
    paths, other = IndexPaths(both.instance), IndexPaths(alone.instance)
    assert _contents(paths.generation(read_manifest(paths).generation)) == \
        _contents(other.generation(read_manifest(other).generation))
    assert read_manifest(paths).entries == read_manifest(other).entries
    schema = whoosh_index.open_dir(str(paths.generation(read_manifest(paths).generation))).schema
    assert "state" not in schema.names() and "changed" not in schema.names()
    assert not list(alone.instance.glob("index/curator*"))


def test_the_curator_manifest_and_paths_are_its_own(both):
    curator = IndexPaths(both.instance, Audience.CURATOR)
    assert curator.manifest == both.instance / "index" / "curator.json"
    assert curator.generations == both.instance / "index" / "curator"
    assert curator.lock != IndexPaths(both.instance).lock
    manifest = read_manifest(curator)
    assert manifest.indexed_ids == {row.id for row in consent_table.ROWS}
    assert "zqrestricted" not in IndexPaths(both.instance).manifest.read_text(encoding="utf-8")


def test_an_ended_embargo_changes_the_curator_state(tmp_path):
    config = Config(builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "later": dict(title="Later", body="A sealed account.", embargo_until="2025-03-01"),
        "open": dict(title="Open", body="An open account."),
    }), tmp_path / "instance")
    index = SearchIndex(config, Audience.CURATOR)
    update_index(config, dt.date(2025, 2, 28), procs=1, audience=Audience.CURATOR)
    assert ids(index.search(Query(states=("embargoed",)))) == {"later"}
    assert index_status(config, dt.date(2025, 2, 28), Audience.CURATOR).fresh
    status = index_status(config, dt.date(2025, 3, 1), Audience.CURATOR)
    assert status.state == "stale" and "embargo" in status.reason
    report = ensure_current(config, dt.date(2025, 3, 1), audience=Audience.CURATOR)
    assert report is not None and report.updated == ("later",)
    assert ids(index.search(Query(states=("embargoed",)))) == set()
    assert ids(index.search(Query(states=("public",)))) == {"later", "open"}


def test_recently_changed_first(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={n: dict(title=n.title()) for n in ("old", "mid", "new")})
    for age, name in ((3000, "old"), (2000, "mid"), (1000, "new")):
        stamp = time.time() - age
        os.utime(content / "t" / f"{name}.md", (stamp, stamp))
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=1, audience=Audience.CURATOR)
    index = SearchIndex(config, Audience.CURATOR)
    assert [h.id for h in index.search(Query(sort="-changed")).hits] == ["new", "mid", "old"]
    os.utime(content / "t" / "old.md")  # touched: the same text, changed just now
    update_index(config, TODAY, procs=1, audience=Audience.CURATOR)
    assert [h.id for h in index.search(Query(sort="-changed")).hits] == ["old", "new", "mid"]


def test_a_save_that_keeps_the_stat_is_read_when_named(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={"same": dict(title="Bakery", body="The bakery queue.")})
    config = Config(content, tmp_path / "instance")
    for audience in Audience:
        update_index(config, TODAY, procs=1, audience=audience)
    path = content / "t" / "same.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Bakery", "Mosque"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time: looks unchanged
    assert not update_index(config, TODAY, audience=Audience.CURATOR).changed
    for audience in Audience:
        report = update_index(config, TODAY, audience=audience, changed=[path])
        assert report.updated == ("same",)
        assert ids(SearchIndex(config, audience).search(parse_query({"q": "mosque"}))) == {"same"}


def test_archive_index_builds_both_and_prints_no_hidden_id(archive_cli, tmp_path):
    content = consent_table.write(tmp_path / "content")
    dirs = ("--content", content, "--instance", tmp_path / "instance")
    code, out, err = archive_cli("index", *dirs)
    assert code == 0 and out.startswith("Rebuilt the index (there was no index): ")
    assert f"Rebuilt the curator index (there was no index): {len(consent_table.ROWS)} testimonies" in err
    assert (tmp_path / "instance" / "index" / "curator.json").is_file()
    (content / "en" / "closed-zqrestrictedid.md").write_text(
        (content / "en" / "closed-zqrestrictedid.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    code, out, err = archive_cli("index", *dirs)
    assert code == 0 and "Updated the curator index: 0 added, 1 updated, 0 removed" in err
    assert "zq" not in out + err  # no hidden testimony's id on the terminal
    code, out, err = archive_cli("index", "--public-only", "--content", content, "--instance", tmp_path / "other")
    assert code == 0 and "curator" not in err and not (tmp_path / "other" / "index" / "curator.json").exists()
