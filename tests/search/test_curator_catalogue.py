"""The curator catalogue agrees with `archive check` after every kind of index run: a build, then updates that
add, break, fix, move, duplicate and delete files (search.curator_catalogue, written by search.indexer)."""

from __future__ import annotations

import shutil

from archive.collection import load_collection
from archive.consent import Audience
from archive.store.importing import repeat_keys
from search.curator_catalogue import NAME, CuratorCatalogue
from search.manifest import IndexPaths, read_serial

from tests.support import builder


def _catalogue(instance) -> CuratorCatalogue:
    paths = IndexPaths(instance, Audience.CURATOR)
    return CuratorCatalogue(paths.generation(read_serial(paths)[1]) / NAME)


def _agrees(content, instance) -> None:
    report = builder.build_index(content, instance, audience=Audience.CURATOR)
    collection, found = load_collection(content), _catalogue(instance)
    testimonies = collection.testimonies.values()
    assert found.valid_ids() == sorted(collection.testimonies), report
    assert found.languages() == sorted({t.language for t in testimonies})
    assert found.invalid() == len({p.path for p in collection.errors if p.path.endswith(".md")})
    for kind in ("place", "theme"):
        expected: dict[str, int] = {}
        for t in testimonies:
            for entry in (t.places if kind == "place" else t.themes):
                expected[entry] = expected.get(entry, 0) + 1
        assert found.uses(kind) == expected, kind
    key = IndexPaths(instance).keys()
    for t in testimonies:
        for repeat in repeat_keys(t.title, t.event_date, t.source.url if t.source else None):
            assert found.holder(key(repeat)) == t.id
    return report


def test_the_curator_catalogue_follows_every_change(tmp_path):
    content, instance = tmp_path / "content", tmp_path / "instance"
    builder.write_collection(content, vocabulary="consent", testimonies={
        f"t{i}": {"title": f"Account {i}", "places": ("saraqib",) if i % 2 else ("idlib-district",),
                  "themes": ("displacement",), "language": "ar" if i == 3 else "en"} for i in range(6)})
    assert _agrees(content, instance).rebuilt
    assert _catalogue(instance).invalid() == 0 and _catalogue(instance).languages() == ["ar", "en"]
    (content / "t" / "t1.md").write_text("no front matter\n", encoding="utf-8")  # broken
    builder.write_testimony(content, "t9", title="Account nine", places=("idlib-district",), themes=("displacement",))
    assert not _agrees(content, instance).rebuilt and _catalogue(instance).invalid() == 1
    builder.write_testimony(content, "t1", title="Account one again", places=("idlib-district",), themes=("displacement",))
    (content / "elsewhere").mkdir()
    shutil.move(content / "t" / "t2.md", content / "elsewhere" / "t2.md")  # moved
    (content / "t" / "t3.md").unlink()  # the only Arabic one: gone
    assert not _agrees(content, instance).rebuilt and _catalogue(instance).languages() == ["en"]
    shutil.copy(content / "t" / "t4.md", content / "elsewhere" / "t4.md")  # a duplicated id: both copies fail
    _agrees(content, instance)
    assert _catalogue(instance).invalid() == 2
