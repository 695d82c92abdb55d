"""After a change the kernel told, the watcher compares only the changed files' ids with the catalogue
(web.watching: `observe` given the last answer and the changed paths), and finds exactly what comparing
every file finds.

A walk of edits on a small indexed collection -- a body edited, a file touched, one added, one removed, one
moved to another folder, one copied into another folder and the copy removed again, a withdrawn testimony
made public -- is followed with real inotify (archive.following). After each step the answer made from the
last one and the changed paths is compared with the whole compare of the same listing; the positive control
is that the walk makes the edited files pending (the answers are not empty) and that the whole table of the
catalogue's files is read by the whole compare only.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from archive.config import Config
from archive.following import Following
from archive.notified import INotify
from search.catalogue import NAME, CatalogueReader
from search.manifest import IndexPaths, read_manifest
from web import watching
from web.watching import Watched, observe

from tests.support import builder
from tests.support.builder import write_testimony

pytestmark = pytest.mark.skipif(INotify is None, reason="needs Linux inotify")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "quiet": dict(title="Quiet account"), "east-one": dict(folder="east", title="Eastern account"),
        "moving": dict(title="A moving account"), "twin": dict(title="One of two"),
        "hidden": dict(title="Held back", access="withdrawn")})
    builder.build_index(content, tmp_path / "instance")
    return Config(content, tmp_path / "instance")


def _reader(config: Config) -> CatalogueReader:
    paths = IndexPaths(config.instance)
    manifest = read_manifest(paths)
    assert manifest is not None
    return CatalogueReader(paths.generation(manifest.generation) / NAME)


def _steps(content: Path) -> list[tuple[str, object]]:
    folder = content / "t"
    return [
        ("edit a body", lambda: (folder / "quiet.md").write_text(
            (folder / "quiet.md").read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")),
        ("add a file", lambda: write_testimony(content, "newcomer", title="A new account")),
        ("touch a file", lambda: (content / "east" / "east-one.md").touch()),
        ("move a file", lambda: (folder / "moving.md").rename(content / "east" / "moving.md")),
        ("copy into another folder", lambda: write_testimony(content, "twin", folder="west", title="The other")),
        ("remove the copy", lambda: (content / "west" / "twin.md").unlink()),
        ("make a withdrawn one public", lambda: write_testimony(content, "hidden", title="Now public")),
        ("remove a file", lambda: (folder / "quiet.md").unlink()),
    ]


def test_comparing_the_changed_ids_finds_what_comparing_every_file_finds(config: Config, monkeypatch) -> None:
    (config.content / "west").mkdir()  # a folder made later is a change no rescan covers: make it now
    reader, key = _reader(config), IndexPaths(config.instance).keys()
    read_whole: list[int] = []
    files = CatalogueReader.files
    monkeypatch.setattr(CatalogueReader, "files", lambda self: read_whole.append(1) or files(self))
    following = Following(config.content, full_every=float("inf"))
    try:
        last = observe(config.content, reader, key, listing=following.next())
        assert last == Watched(last.token, True, {}, last.seen)  # the catalogue holds every file as it is
        pending_seen: set[str] = set()
        for step, change in _steps(config.content):
            change()
            version = following.version
            following.wait(threading.Event(), 5.0)
            listing = following.next()
            assert following.route == "changed paths" and following.since == version, step
            del read_whole[:]
            again = observe(config.content, reader, key, {}, listing, last, following.changed)
            assert not read_whole, step  # only the changed ids' rows
            whole = observe(config.content, reader, key, {}, listing)
            assert read_whole, step
            assert again == whole, step
            pending_seen |= set(whole.pending or {})
            last = again
        assert {key(i) for i in ("quiet", "newcomer", "east-one", "moving", "hidden")} <= pending_seen
        assert (last.pending or {}).get(key("twin")) is None  # the copy went: the one file is as catalogued
        assert last.pending[key("quiet")] == ()  # gone
    finally:
        following.close()


def test_the_watcher_compares_the_changed_ids_only_after_a_told_change(config: Config, monkeypatch) -> None:
    calls: list[bool] = []
    real = watching.observe

    def spy(*args, **kwargs):
        calls.append(len(args) > 5 and args[5] is not None)  # given the last answer
        return real(*args, **kwargs)

    monkeypatch.setattr(watching, "observe", spy)
    stop = threading.Event()
    thread = threading.Thread(target=watching.watch, args=(config.content, config.instance, stop, 0.05),
                              kwargs={"full_every": float("inf")}, daemon=True)
    thread.start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            if calls:
                break
            deadline.wait(0.02)
        write_testimony(config.content, "quiet", title="Quiet account, edited")
        for _ in range(400):
            found = watching.read_watched(config.instance)
            if found and found[0].pending and IndexPaths(config.instance).keys()("quiet") in found[0].pending:
                break
            deadline.wait(0.02)
        else:
            pytest.fail("the edit was never marked pending")
    finally:
        stop.set()
        thread.join(10)
    assert calls[0] is False and True in calls  # the first look compares every file; the edit, its id alone
