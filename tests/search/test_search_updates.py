"""Keeping the index current: incremental updates, no trace after withdrawal, embargoes, status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive.collection import load_collection
from archive.config import Config
from search.indexer import ensure_current, index_status, update_index
from search.manifest import IndexPaths, read_manifest
from search.query import parse_query
from search.searcher import IndexMissing, SearchIndex
from search.sources import PARSED_VOCABULARIES

from tests.search.index_files import files_containing
from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "alpha": dict(title="Alpha account", body="The bakery was shelled at dawn."),
        "beta": dict(title="Beta account", body="We carried water from the river.", places=("saraqib",)),
    })
    return Config(content, tmp_path / "instance")


def found(config: Config, q: str = "", **params: object) -> set[str]:
    results = SearchIndex(config).search(parse_query({"q": q, "per_page": 100, **params}))
    return {hit.id for hit in results.hits}


def test_first_run_builds_and_second_does_nothing(config):
    first = update_index(config, TODAY, procs=1)
    assert first.rebuilt and first.added == ("alpha", "beta") and first.public == 2
    second = update_index(config, TODAY)
    assert not second.changed and second.summary() == "The index is up to date: 2 public testimonies."
    assert found(config) == {"alpha", "beta"}


def test_add_edit_delete(config):
    update_index(config, TODAY, procs=1)
    index = SearchIndex(config)  # one reader across the updates: it must follow them
    write_testimony(config.content, "gamma", title="Gamma", body="A quinceberry orchard.")
    report = update_index(config, TODAY)
    assert report.added == ("gamma",) and not report.rebuilt
    assert {h.id for h in index.search(parse_query({"q": "quinceberry"})).hits} == {"gamma"}

    write_testimony(config.content, "alpha", title="Alpha account", body="The bakery was rebuilt in spring.")
    report = update_index(config, TODAY)
    assert report.updated == ("alpha",)
    assert index.search(parse_query({"q": "shelled"})).total == 0
    assert index.search(parse_query({"q": "rebuilt"})).total == 1

    (config.content / "t" / "beta.md").unlink()
    report = update_index(config, TODAY)
    assert report.removed == ("beta",)
    assert {h.id for h in index.search(parse_query({})).hits} == {"alpha", "gamma"}


def test_moving_a_file_changes_nothing_renaming_it_changes_its_id(config):
    update_index(config, TODAY, procs=1)
    source = config.content / "t" / "beta.md"
    (config.content / "moved").mkdir()
    source.rename(config.content / "moved" / "beta.md")
    assert not update_index(config, TODAY).changed
    text = (config.content / "moved" / "beta.md").read_text(encoding="utf-8").replace("id: beta", "id: delta")
    (config.content / "moved" / "beta.md").unlink()
    (config.content / "moved" / "delta.md").write_text(text, encoding="utf-8")
    report = update_index(config, TODAY)
    assert report.added == ("delta",) and report.removed == ("beta",)
    assert found(config) == {"alpha", "delta"}


def test_touching_a_file_changes_nothing(config):
    update_index(config, TODAY, procs=1)
    path = config.content / "t" / "alpha.md"
    path.write_bytes(path.read_bytes())
    assert not update_index(config, TODAY).changed


MARKERS = ["Quorvintal", "Xylaphrex", "Brummelgast"]


@pytest.mark.parametrize("change", [
    {"access": "withdrawn"}, {"access": "restricted"}, {"status": "draft"}, {"embargo_until": "2030-01-01"},
])
def test_a_testimony_leaving_the_index_leaves_no_trace(config, change):
    write_testimony(config.content, "marked", title=f"{MARKERS[0]} story", name=f"{MARKERS[2]} Person",
                    body=f"{MARKERS[1]} stood by the well. {MARKERS[0]} again.", summary=f"{MARKERS[1]} summary")
    update_index(config, TODAY, procs=1)
    assert files_containing(config.instance, MARKERS)  # the scan does find them while they are public
    index = SearchIndex(config)
    index.search(parse_query({"q": MARKERS[1]}))  # a reader holding the old generation open
    write_testimony(config.content, "marked", title=f"{MARKERS[0]} story", name=f"{MARKERS[2]} Person",
                    body=f"{MARKERS[1]} stood by the well. {MARKERS[0]} again.", summary=f"{MARKERS[1]} summary",
                    **change)
    report = update_index(config, TODAY)
    assert report.removed == ("marked",)
    assert files_containing(config.instance, MARKERS) == {}
    assert index.search(parse_query({"q": MARKERS[1]})).total == 0
    everything = index.search(parse_query({"sort": "date"}))  # columns and stored fields survive the purge
    assert [h.id for h in everything.hits] == ["alpha", "beta"]
    assert {i.value: i.count for i in everything.facets["place"]}["idlib-district"] == 2
    assert index.search(parse_query({"q": MARKERS[1][:-1]})).suggestion is None


def test_an_edit_then_a_withdrawal_leaves_no_trace_of_either_version(config):
    write_testimony(config.content, "marked", title="Story", body=f"{MARKERS[0]} first version.")
    update_index(config, TODAY, procs=1)
    write_testimony(config.content, "marked", title="Story", body=f"{MARKERS[1]} second version.")
    update_index(config, TODAY)
    write_testimony(config.content, "marked", title="Story", body=f"{MARKERS[1]} second version.", access="withdrawn")
    update_index(config, TODAY)
    assert files_containing(config.instance, MARKERS) == {}


def test_deleting_the_file_leaves_no_trace(config):
    path = write_testimony(config.content, "marked", title=f"{MARKERS[0]} story", body=f"{MARKERS[1]}.")
    update_index(config, TODAY, procs=1)
    path.unlink()
    update_index(config, TODAY)
    assert files_containing(config.instance, MARKERS) == {}


@pytest.mark.parametrize("narrowed, gone", [
    ({"body": f"By the well, [[redact: {MARKERS[1]}]] waited."}, MARKERS[1]),
    ({"identity": "anonymous"}, MARKERS[2]),
    ({"place_detail": "governorate"}, "Maarrat"),  # an alias of the exact place, in its place names
])
def test_narrowing_consent_leaves_no_trace(config, narrowed, gone):
    fields = dict(title="Story", name=f"{MARKERS[2]} Person", places=("maarat-al-numan",),
                  body=f"By the well, {MARKERS[1]} waited.")
    write_testimony(config.content, "marked", **fields)
    update_index(config, TODAY, procs=1)

    def traces() -> dict[str, list[str]]:  # the gazetteer copied beside the index (and kept parsed) names every
        gazetteer = ("places.yaml", PARSED_VOCABULARIES)  # place, rightly
        return {f: w for f, w in files_containing(config.instance, [gone]).items() if not f.endswith(gazetteer)}

    assert traces()
    write_testimony(config.content, "marked", **{**fields, **narrowed})
    report = update_index(config, TODAY)
    assert report.updated == ("marked",)
    assert traces() == {}
    assert "marked" in found(config, "waited")


def test_the_manifest_keeps_no_id_of_a_hidden_testimony(config):
    write_testimony(config.content, "quorvintal-hidden", title="Hidden", access="restricted")
    update_index(config, TODAY, procs=1)
    text = IndexPaths(config.instance).manifest.read_bytes().decode("latin-1")  # an SQLite file
    assert "quorvintal" not in text and "alpha" in text


def test_an_embargo_that_ends_makes_the_testimony_public(config):
    write_testimony(config.content, "later", title="Later", body="A sealed account.", embargo_until="2025-03-01")
    update_index(config, dt.date(2025, 2, 28), procs=1)
    assert "later" not in found(config)
    assert index_status(config, dt.date(2025, 2, 28)).fresh
    status = index_status(config, dt.date(2025, 3, 1))
    assert status.state == "stale" and "embargo" in status.reason
    report = ensure_current(config, dt.date(2025, 3, 1))
    assert report is not None and report.added == ("later",)
    assert "later" in found(config, "sealed")
    assert ensure_current(config, dt.date(2025, 3, 1)) is None


def test_going_back_in_time_hides_the_testimony_again(config):
    write_testimony(config.content, "later", title="Later", embargo_until="2025-03-01")
    update_index(config, dt.date(2025, 3, 2), procs=1)
    assert "later" in found(config)
    assert update_index(config, dt.date(2025, 2, 1)).removed == ("later",)


def test_status_missing_stale_fresh(config):
    assert index_status(config, TODAY).state == "missing"
    with pytest.raises(IndexMissing):
        SearchIndex(config).search(parse_query({}))
    update_index(config, TODAY, procs=1)
    assert index_status(config, TODAY).fresh
    write_testimony(config.content, "gamma", title="Gamma")
    status = index_status(config, TODAY)
    assert status.state == "stale" and "1 testimony files changed" in status.reason
    assert ensure_current(config, TODAY).added == ("gamma",)
    assert index_status(config, TODAY).fresh


def test_an_invalid_file_is_left_out_and_reported(config):
    update_index(config, TODAY, procs=1)
    path = config.content / "t" / "alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("access: public", "access: sometimes"), encoding="utf-8")
    report = update_index(config, TODAY)
    assert report.removed == ("alpha",)
    assert len(report.warnings) == 1 and "alpha.md" in report.warnings[0]
    assert "not indexed" in report.warnings[0] and "archive check" in report.warnings[0]
    assert "invalid" in update_index(config, TODAY).warnings[0]  # reported on every run until fixed


def test_a_translation_follows_its_original(config):
    write_testimony(config.content, "alpha-ar", title="ترجمة", language="ar", translation_of="alpha")
    update_index(config, TODAY, procs=1)
    assert "alpha-ar" in found(config)
    (config.content / "t" / "alpha.md").unlink()
    report = update_index(config, TODAY)
    assert set(report.removed) == {"alpha", "alpha-ar"}  # its original is gone: no longer valid
    write_testimony(config.content, "alpha", title="Alpha account")
    assert set(update_index(config, TODAY).added) == {"alpha", "alpha-ar"}


def test_changing_the_gazetteer_rebuilds_everything(config):
    update_index(config, TODAY, procs=1)
    places = config.content / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace('"Sarakib"', '"Sarakib", "Saraqueb"'),
                      encoding="utf-8")
    report = update_index(config, TODAY)
    assert report.rebuilt and "places.yaml" in report.reason
    assert found(config, "Saraqueb") == {"beta"}
    assert len(list(IndexPaths(config.instance).generations.iterdir())) == 1


def test_rebuild_swaps_in_a_new_generation(config):
    update_index(config, TODAY, procs=1)
    index = SearchIndex(config)
    before = index.generation
    report = update_index(config, TODAY, rebuild=True, procs=1)
    assert report.rebuilt and report.generation != before.split("/")[0]
    assert index.generation.split("/")[0] == report.generation
    assert [p.name for p in IndexPaths(config.instance).generations.iterdir()] == [report.generation]


def test_the_index_holds_exactly_the_public_views(config):
    for n, access in enumerate(["public", "restricted", "withdrawn", "public"]):
        write_testimony(config.content, f"extra-{n}", title=f"Extra {n}", access=access)
    (config.content / "t" / "broken.md").write_text("---\nid: broken\n---\nno front matter fields\n", encoding="utf-8")
    update_index(config, TODAY, procs=1)
    collection = load_collection(config.content)
    from archive.consent import Audience, Visibility, visibility
    public = {i for i, t in collection.testimonies.items() if visibility(t, Audience.PUBLIC, TODAY) is Visibility.VISIBLE}
    assert found(config) == public
    assert read_manifest(IndexPaths(config.instance)).indexed_ids == public


def test_a_large_change_falls_back_to_a_parallel_rebuild(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={f"d{n}": dict(title=f"Doc {n}") for n in range(60)})
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    for n in range(60):
        write_testimony(content, f"d{n}", title=f"Document {n}")
    report = update_index(config, TODAY, procs=2)
    assert report.rebuilt and "60 files changed" in report.reason and report.public == 60
    assert SearchIndex(config).search(parse_query({"q": "document"})).total == 60


def test_small_updates_after_a_full_build_never_rewrite_its_large_segments(tmp_path, monkeypatch):
    """A full build leaves room under MAX_SEGMENTS, and an update over the limit merges the small
    segments updates made, not the build's large ones (the first one-file update at 100,000 used
    to rewrite half the index)."""
    from whoosh import index as whoosh_index

    monkeypatch.setattr("search.build.MAX_SEGMENTS", 6)
    monkeypatch.setattr("search.build.SEGMENT_DOCS", (2, 4000))
    content = builder.write_collection(tmp_path / "content", vocabulary="search",
                                       testimonies={f"base-{n}": dict(title=f"Base {n}") for n in range(40)})
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=2)
    directory = IndexPaths(config.instance).generation("000001")
    built = {s.segment_id(): s.doc_count_all() for s in whoosh_index.open_dir(str(directory))._segments()}
    assert 2 <= len(built) <= 3 and sum(built.values()) == 40  # at most half the limit, several (control)
    counts = []
    for n in range(10):
        write_testimony(content, f"late-{n}", title=f"Late {n}", body="A late addition.")
        update_index(config, TODAY)
        segments = {s.segment_id(): s.doc_count_all() for s in whoosh_index.open_dir(str(directory))._segments()}
        counts.append(len(segments))
        assert all(segments.get(name) == docs for name, docs in built.items()), n  # never rewritten
    assert max(counts) <= 6 and max(counts) > len(built) + 1  # the limit was reached, and merging kept to it
    assert len(found(config, "addition")) == 10 and len(found(config)) == 50


def test_many_small_updates_keep_the_number_of_segments_bounded(config, monkeypatch):
    monkeypatch.setattr("search.build.MAX_SEGMENTS", 4)
    update_index(config, TODAY, procs=1)
    from whoosh import index as whoosh_index

    directory = IndexPaths(config.instance).generation("000001")
    counts = []
    for n in range(8):
        write_testimony(config.content, f"new-{n}", title=f"New {n}", body="A short addition.")
        update_index(config, TODAY)
        counts.append(len(whoosh_index.open_dir(str(directory))._segments()))
    assert max(counts) <= 4
    assert len(found(config, "addition")) == 8 and len(found(config)) == 10
