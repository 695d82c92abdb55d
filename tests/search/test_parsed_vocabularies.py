"""An index generation keeps what its vocabularies parse to (search.sources: `keep_parsed_vocabularies`).

An index run and a worker's first search took it from there instead of parsing places.yaml and themes.yaml
again; but only for the very bytes it was made from. A copy edited, a kept form that cannot be read or was made
with other fields, or none at all: the files are parsed, and the answer is the same as parsing gives.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from archive import collection_files
from search import sources
from search.manifest import IndexPaths, read_manifest
from search.sources import PARSED_VOCABULARIES, generation_vocabularies, load_vocabularies
from tests.support import builder

TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def generation(tmp_path: Path) -> Path:
    content = builder.write_collection(tmp_path / "content", vocabulary="search",
                                       testimonies={"alpha": {}, "beta": {}})
    builder.build_index(content, tmp_path / "instance", TODAY)
    paths = IndexPaths(tmp_path / "instance")
    manifest = read_manifest(paths)
    assert manifest is not None
    return paths.generation(manifest.generation)


def _entries(vocabularies) -> tuple[list, list]:
    places, themes = vocabularies
    return list(places), list(themes)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The vocabulary files parsed from now on."""
    parsed: list[str] = []
    for name in ("load_places", "load_themes"):
        real = getattr(collection_files, name)

        def counting(path, *args, real=real, **kwargs):
            parsed.append(Path(path).name)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(sources, name, counting)
    return parsed


def test_a_generation_keeps_its_parsed_vocabularies(generation: Path, parses: list[str]) -> None:
    assert (generation / PARSED_VOCABULARIES).is_file()
    kept = _entries(generation_vocabularies(generation))
    assert not parses  # nothing parsed
    assert kept == _entries(load_vocabularies(generation)) and kept[0] and kept[1]
    assert parses == ["places.yaml", "themes.yaml"]  # the control: parsing is seen


def test_copies_edited_since_are_parsed_again(generation: Path, parses: list[str]) -> None:
    places = generation / "places.yaml"
    before = _entries(generation_vocabularies(generation))
    text = places.read_text(encoding="utf-8")
    first_name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    places.write_text(text.replace(first_name, first_name.replace("name:", "name: Renamed"), 1), encoding="utf-8")
    after = _entries(generation_vocabularies(generation))
    assert "places.yaml" in parses
    assert after == _entries(load_vocabularies(generation)) and after != before


@pytest.mark.parametrize("kept", [b"not a pickle", b"",
                                  pickle.dumps({"vocabulary_hash": "0" * 16, "places": [], "themes": []}),
                                  "other fields"])
def test_a_kept_form_that_cannot_be_used_is_parsed_again(generation: Path, parses: list[str],
                                                        kept: bytes | str) -> None:
    path = generation / PARSED_VOCABULARIES
    if kept == "other fields":  # as a version whose Place had another field would have kept it
        data = pickle.loads(path.read_bytes())
        data["places"] = [{**fields, "population": 1} for fields in data["places"]]
        kept = pickle.dumps(data)
    path.write_bytes(kept)  # type: ignore[arg-type]
    found = _entries(generation_vocabularies(generation))
    assert parses and found == _entries(load_vocabularies(generation)) and found[0]


def test_an_update_keeps_them_for_a_generation_made_before(generation: Path, tmp_path: Path) -> None:
    (generation / PARSED_VOCABULARIES).unlink()
    builder.write_testimony(tmp_path / "content", "gamma")
    report = builder.build_index(tmp_path / "content", tmp_path / "instance", TODAY)
    assert not report.rebuilt and report.added == ("gamma",)
    assert (generation / PARSED_VOCABULARIES).is_file()
    assert _entries(generation_vocabularies(generation)) == _entries(load_vocabularies(generation))
