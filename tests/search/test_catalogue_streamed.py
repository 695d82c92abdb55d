"""A full build writes its catalogue as its chunks come back from the worker processes, and links translations
only at the end: the catalogue it writes equals the one updates built file by file, and the one an inline
rebuild writes, and a translation of an original the public may not see is never linked, not even in between."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import search.build
import search.catalogue
from archive.config import Config
from search.catalogue import NAME
from search.indexer import update_index
from search.manifest import IndexPaths, read_serial

from tests.search.test_catalogue_updates import links, tables
from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2024, 6, 1)
LATER: dict[str, dict[str, Any]] = {  # added by an update after the first build: the update path writes their rows
    "zqshown": dict(title="Shown original", body="The market was shelled."),
    "zqshown-ar": dict(title="رواية", language="ar", translation_of="zqshown", body="قصف السوق."),
    "zqhidden": dict(title="Hidden original", body="The school was hit.", access="restricted"),
    "zqhidden-ar": dict(title="رواية أخرى", language="ar", translation_of="zqhidden", body="قصفت المدرسة."),
    "gone": dict(title="Withdrawn", body="An account.", access="withdrawn"),
    "later": dict(title="Embargoed", body="An account.", embargo_until="2030-01-01"),
    "delta": dict(title="Delta", body="We carried water.", places=("saraqib",)),
    "epsilon": dict(title="Epsilon", body="The road north was closed."),
}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "alpha": dict(title="Alpha account", body="The bakery was shelled at dawn.")})
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    for testimony_id, keywords in LATER.items():
        write_testimony(content, testimony_id, **keywords)
    assert not update_index(config, TODAY).rebuilt
    return config


def catalogue_bytes(config: Config) -> bytes:
    paths = IndexPaths(config.instance)
    head = read_serial(paths)
    assert head is not None
    return (paths.generation(head[1]) / NAME).read_bytes()


def streamed_rebuild(config: Config, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Rebuild in two worker processes, one file a chunk; return the ids of the public rows each chunk brought."""
    monkeypatch.setattr(search.build, "SEGMENT_DOCS", (1, 4000))
    chunks: list[list[str]] = []
    add = search.catalogue.NewCatalogue.add

    def counted(self: Any, judged: Any) -> None:
        judged = list(judged)
        chunks.append([str(j.row[0]) for j in judged if j.row is not None])
        assert all(j.view is None for j in judged)  # the workers send rows, not views
        add(self, judged)

    monkeypatch.setattr(search.catalogue.NewCatalogue, "add", counted)
    assert update_index(config, TODAY, rebuild=True, procs=2).rebuilt
    return chunks


def test_a_streamed_build_writes_the_catalogue_updates_wrote(config, monkeypatch):
    updated = tables(config)
    assert links(config)["zqshown-ar"] == "zqshown"  # the positive control: linked while both are public
    chunks = streamed_rebuild(config, monkeypatch)
    assert len(chunks) > 1 and sorted(sum(chunks, [])) == sorted(updated["versions"])
    assert tables(config) == updated
    monkeypatch.undo()
    assert update_index(config, TODAY, rebuild=True, procs=1).rebuilt  # inline, in one chunk
    assert tables(config) == updated


def test_a_streamed_build_never_links_a_hidden_original(config, monkeypatch):
    streamed_rebuild(config, monkeypatch)
    found = links(config)
    assert found["zqshown-ar"] == "zqshown" and found["zqhidden-ar"] is None
    assert "zqhidden" not in found and "gone" not in found and "later" not in found
    written = catalogue_bytes(config)
    assert b"zqshown" in written and b"zqhidden-ar" in written  # the positive control: ids in clear are found
    assert written.count(b"zqhidden") == written.count(b"zqhidden-ar")  # the hidden original's id only inside those
