"""An updated catalogue ends as a rebuilt one would: translation links come back with their original, a deleted
withdrawn file leaves the 410 list, and a link to an original the public may not see never appears."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from archive.config import Config
from search.catalogue import NAME, CatalogueReader
from search.indexer import update_index
from search.manifest import IndexPaths, read_serial

from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "alpha": dict(title="Alpha account", body="The bakery was shelled at dawn."),
        "alpha-ar": dict(title="رواية ألف", language="ar", translation_of="alpha", body="قصفت المخبز فجرا."),
        "beta": dict(title="Beta account", body="We carried water from the river.", places=("saraqib",)),
    })
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    return config


def reader(config: Config) -> CatalogueReader:
    paths = IndexPaths(config.instance)
    head = read_serial(paths)
    assert head is not None
    return CatalogueReader(paths.generation(head[1]) / NAME)


def links(config: Config) -> dict[str, str | None]:
    """Each public id and the original it links to."""
    return {row[0]: row[3] for row in reader(config).listing()}


def tables(config: Config) -> dict[str, Any]:
    """Everything the catalogue holds but its day, digest and token."""
    found = reader(config)
    views = {}
    for row in found.listing():
        view = found.view(row[0])
        assert view is not None
        views[row[0]] = (tuple(row), view)
    copies = found._query("SELECT kid, folder FROM copies ORDER BY kid, folder")
    originals = found._query("SELECT id, original FROM views ORDER BY id")
    return {"views": views, "originals": originals, "versions": found.versions(), "withdrawn": found.withdrawn(),
            "files": found.files(), "copies": copies}


def updated_as_rebuilt(config: Config) -> dict[str, Any]:
    """Update the index, and check that its catalogue equals the one a rebuild writes from the same files."""
    report = update_index(config, TODAY)
    assert not report.rebuilt
    updated = tables(config)
    assert update_index(config, TODAY, rebuild=True, procs=1).rebuilt
    assert tables(config) == updated
    return updated


def test_a_translation_is_linked_again_when_its_original_is_public_again(config):
    assert links(config)["alpha-ar"] == "alpha"  # the positive control: linked while both are public
    write_testimony(config.content, "alpha", title="Alpha account", body="The bakery was shelled at dawn.",
                    access="restricted")
    hidden = updated_as_rebuilt(config)
    assert "alpha" not in hidden["versions"] and links(config)["alpha-ar"] is None  # fail closed
    assert hidden["views"]["alpha-ar"][1].translation_of is None
    write_testimony(config.content, "alpha", title="Alpha account", body="The bakery was shelled at dawn.")
    public = updated_as_rebuilt(config)
    assert links(config) == {"alpha": None, "alpha-ar": "alpha", "beta": None}
    assert public["views"]["alpha-ar"][1].translation_of == "alpha"


def test_an_edited_original_keeps_its_translations_linked(config):
    write_testimony(config.content, "alpha", title="Alpha account", body="The bakery was rebuilt in spring.")
    updated_as_rebuilt(config)
    assert links(config)["alpha-ar"] == "alpha"


@pytest.mark.parametrize("access", ["withdrawn", "restricted"])
def test_an_original_that_leaves_the_public_is_never_linked(config, access):
    write_testimony(config.content, "alpha", title="Alpha account", body="The bakery was shelled at dawn.",
                    access=access)
    write_testimony(config.content, "alpha-ar", title="رواية ألف (منقحة)", language="ar", translation_of="alpha",
                    body="قصفت المخبز فجرا.")  # the translation read again in the same run
    updated_as_rebuilt(config)
    assert links(config) == {"alpha-ar": None, "beta": None}


def test_a_deleted_withdrawn_file_leaves_the_gone_list(config):
    key = IndexPaths(config.instance).keys()
    path = write_testimony(config.content, "gamma", title="Gamma", body="An account.", access="withdrawn")
    assert updated_as_rebuilt(config)["withdrawn"] == {key("gamma"): "t"}  # the positive control: 410 while it is there
    path.unlink()
    gone = updated_as_rebuilt(config)
    assert gone["withdrawn"] == {} and key("gamma") not in gone["files"]


def test_a_withdrawn_file_that_becomes_a_duplicate_leaves_the_gone_list(config):
    key = IndexPaths(config.instance).keys()
    write_testimony(config.content, "gamma", title="Gamma", body="An account.", access="withdrawn")
    update_index(config, TODAY)
    write_testimony(config.content, "gamma", folder="copy", title="Gamma", body="An account.")
    gone = updated_as_rebuilt(config)
    assert gone["withdrawn"] == {} and sorted(gone["copies"]) == [(key("gamma"), "copy"), (key("gamma"), "t")]
