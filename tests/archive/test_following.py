"""Following the content directory from the kernel's notices: the scan made from the changed paths is the
full scan's, and whenever the notices cannot be trusted the follower scans everything.

Each case changes the files as an editor, git or a backup would, then compares `Following.next()` with a
fresh `archive.scanning.scan`: same files, same order, same stats. The doubt cases check the route taken
("full scan"), with a positive control that the same kind of change in a plain file goes by "changed paths".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

from archive.following import Following
from archive.notified import INotify
from archive.rescanning import rescan
from archive.scanning import scan

pytestmark = pytest.mark.skipif(INotify is None, reason="needs Linux inotify")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for path in ("a.md", "b.md", "z/c.md", "z/y/d.md", "m/e.md", "m/f.md", "places.yaml", "themes.yaml",
                 ".git/HEAD", "m/notes.txt"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(path, encoding="utf-8")
    return root


_OPEN: list[Following] = []


@pytest.fixture(autouse=True)
def _closed():
    yield
    while _OPEN:
        _OPEN.pop().close()


def _followed(tree: Path, **options) -> Following:
    following = Following(tree, **{"full_every": 3600, **options})
    _OPEN.append(following)
    assert following.next().files == scan(tree).files and following.route == "full scan"
    return following


def _edit(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "an edit": lambda root: _edit(root / "m/e.md", "longer than before"),
    "a new file": lambda root: _edit(root / "z/y/aa.md", "new"),
    "a new file at the top, sorting first": lambda root: _edit(root / "0.md", "new"),
    "a removal": lambda root: (root / "z/c.md").unlink(),
    "a rename in its folder": lambda root: (root / "m/f.md").rename(root / "m/g.md"),
    "a move between folders": lambda root: (root / "a.md").rename(root / "z/y/a.md"),
    "a copy with the same id": lambda root: _edit(root / "z/b.md", "a duplicate"),
    "a save by rename over it": lambda root: (_edit(root / "m/.e.md.tmp", "saved"),
                                              (root / "m/.e.md.tmp").replace(root / "m/e.md")),
    "a stat changed only": lambda root: os.utime(root / "b.md", ns=(1, 1)),
    "the gazetteer": lambda root: _edit(root / "places.yaml", "changed"),
    "the theme list removed": lambda root: (root / "themes.yaml").unlink(),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_the_changed_paths_give_the_full_scan(tree, change):
    following = _followed(tree)
    change(tree)
    followed = following.next()
    assert following.route == "changed paths"
    full = scan(tree)
    assert followed.files == full.files and followed.meta == full.meta
    assert list(followed.by_id.items()) == list(full.by_id.items())  # in the scan's order: digests depend on it
    assert (followed.ids, followed.duplicates) == (full.ids, full.duplicates)
    assert following.next() is followed and following.route == "unchanged"


def test_names_the_scan_skips_tell_nothing(tree):
    following = _followed(tree)
    _edit(tree / ".git/ORIG_HEAD", "x")
    _edit(tree / "m/.e.md.swp", "x")
    _edit(tree / "m/notes.txt", "changed")
    assert following.next().files == scan(tree).files and following.route == "unchanged"


@pytest.mark.parametrize("change", [
    pytest.param(lambda root: _edit(root / "n/h.md", "in a new folder"), id="a new folder"),
    pytest.param(lambda root: (root / "z/y/d.md").unlink() or (root / "z/y").rmdir(), id="a folder removed"),
    pytest.param(lambda root: (root / "m").rename(root / "n"), id="a folder renamed"),
    pytest.param(lambda root: os.chmod(root / "m", 0o000), id="a folder made unreadable"),
])
def test_a_changed_folder_makes_a_full_scan(tree, change):
    following = _followed(tree)
    _edit(tree / "a.md", "the positive control: an edit goes by its path")
    assert following.next().files == scan(tree).files and following.route == "changed paths"
    try:
        change(tree)
        assert following.next().files == scan(tree).files
        assert following.route == "full scan"
        _edit(tree / "b.md", "after the full scan the notices are trusted again")
        assert following.next().files == scan(tree).files and following.route == "changed paths"
    finally:
        for folder in tree.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)


def test_a_content_directory_swapped_behind_its_link_makes_a_full_scan(tmp_path):
    """A deployment that points the content link at a new copy: the watches are on the old folder."""
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, text in ((old, "before"), (new, "after, in the new copy")):
        _edit(folder / "m/e.md", text)
    (tmp_path / "current").symlink_to(old)
    following = _followed(tmp_path / "current")
    _edit(old / "m/e.md", "the positive control: told")
    assert following.next().files == scan(tmp_path / "current").files and following.route == "changed paths"
    (tmp_path / "next").symlink_to(new)
    (tmp_path / "next").replace(tmp_path / "current")
    assert following.next().files == scan(tmp_path / "current").files and following.route == "full scan"


@pytest.mark.parametrize("link", [
    pytest.param(lambda root, outside: (root / "m/l.md").symlink_to(outside), id="a symbolic link"),
    pytest.param(lambda root, outside: os.link(outside, root / "m/l.md"), id="a hard link"),
])
def test_a_testimony_file_that_is_a_link_is_always_scanned(tree, tmp_path, link):
    """A change to the file through its other path makes no event in the content directory."""
    outside = tmp_path / "elsewhere.md"
    outside.write_text("before", encoding="utf-8")
    following = _followed(tree)
    link(tree, outside)
    assert following.next().files == scan(tree).files and following.route == "full scan"
    assert following.fileno() is None  # the indexer scans every poll while it is there
    outside.write_text("written through the other path", encoding="utf-8")
    assert following.next().files == scan(tree).files and following.route == "full scan"


def test_a_missed_change_is_found_by_the_periodic_full_scan(tree):
    clock = [0.0]
    following = _followed(tree, full_every=60, clock=lambda: clock[0])
    for folder in [wd for wd, name in following.notices.folders.items() if name == "m"]:
        following.notices.inotify.rm_watch(folder)  # the kernel now tells nothing of m/ (the IGNORED is dropped)
    following.notices.inotify.read(timeout=100)
    _edit(tree / "a.md", "the positive control: told")
    assert following.next().files == scan(tree).files and following.route == "changed paths"
    _edit(tree / "m/e.md", "withdrawn, and not told")
    assert following.next().files != scan(tree).files  # missed: what the safety check is for
    clock[0] = 61.0
    assert following.next().files == scan(tree).files and following.route == "full scan"


def test_rescan_keeps_the_stats_it_was_not_told_about(tree):
    """What `rescan` trusts: a path not reported keeps its old stat (so the notices must be whole)."""
    before = scan(tree)
    _edit(tree / "m/e.md", "changed")
    _edit(tree / "m/f.md", "changed too")
    again = rescan(before, {"m/e.md"})
    assert again is not None and again.files != scan(tree).files
    assert rescan(before, {"m/e.md", "m/f.md"}).files == scan(tree).files


def test_a_full_scan_lets_go_of_the_last_listing_first(tree):
    """So a process that follows the files never holds two listings at once (the last one and the new one)."""
    import gc
    import weakref

    alive: list[bool] = []
    last: list[weakref.ref] = []
    following = _followed(tree, forget=lambda: alive.append(bool(last) and last[0]() is not None))
    last.append(weakref.ref(following.current))
    _edit(tree / "m/e.md", "told")
    following.next()
    assert following.route == "changed paths" and alive == [False]  # the first scan's forget, then none
    last[0] = weakref.ref(following.current)
    gc.collect()
    following.next(full=True)
    assert following.route == "full scan" and alive == [False, False]
    assert following.current.files == scan(tree).files
