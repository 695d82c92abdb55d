"""A large scan is statted by two processes (archive.statting: `split`), and gives what one process gives.

Each test lowers SPLIT_FROM (and KEEP_OPEN) so that a small tree with the awkward cases -- a link to a file, a
link that leads nowhere, a fifo, a file with a second hard link, a folder named like a file, an id in two folders,
dot names -- is split, and compares the scan with the one a single process makes of the same tree: the same
files in the same order with the same stats, the same collection files, the same `linked`. A helper that fails or
sends too little leaves its half to the parent, which stats it itself.
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest

from archive import scanning, statting
from archive.scanning import scan
from tests.support import builder


def _put(path: Path, testimony_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(builder.testimony_text(testimony_id), encoding="utf-8")


def _tree(tmp_path: Path, filler: int) -> Path:
    """The awkward cases, with `filler` plain files in a last folder (0: the awkward ones fall in the helper's
    half of the names; 40: in the parent's)."""
    root = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={"alpha": {}, "beta": {}})
    _put(root / "deep" / "er" / "gamma.md", "gamma")
    _put(root / "folder.md" / "inner.md", "inner")  # a folder whose name ends in .md is a folder
    _put(root / "t" / ".draft.md", "draft")
    _put(root / ".git" / "secretive.md", "secretive")
    _put(tmp_path / "elsewhere" / "linked.md", "linked")
    (root / "t" / "linked.md").symlink_to(tmp_path / "elsewhere" / "linked.md")
    (root / "t" / "broken.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(root / "t" / "pipe.md")
    _put(root / "t" / "twin.md", "twin")
    _put(root / "zz" / "twin.md", "twin")
    _put(root / "zz" / "hard.md", "hard")
    os.link(root / "zz" / "hard.md", tmp_path / "hard-elsewhere.md")  # a second hard link, outside
    _put(tmp_path / "outside" / "faraway.md", "faraway")
    (root / "linked-folder").symlink_to(tmp_path / "outside", target_is_directory=True)
    for number in range(filler):
        _put(root / "zzz" / f"filler-{number:03d}.md", f"filler-{number:03d}")
    return root


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the helpers the scans fork (counted in the parent)."""
    made: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(scanning.os, "fork", fork)
    return made


def _alone(root: Path, monkeypatch: pytest.MonkeyPatch) -> scanning.ContentScan:
    with monkeypatch.context() as patch:
        patch.setattr(scanning, "SPLIT_FROM", 10**9)
        return scan(root)


def _same(split: scanning.ContentScan, alone: scanning.ContentScan) -> None:
    assert split.files == alone.files
    assert split.meta == alone.meta and split.linked == alone.linked
    assert split.signature == alone.signature


@pytest.mark.parametrize("filler", [0, 40])
@pytest.mark.parametrize("keep_open", [256, 2])
def test_a_split_scan_is_the_scan_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int],
                                                 filler: int, keep_open: int) -> None:
    root = _tree(tmp_path, filler)
    monkeypatch.setattr(scanning, "KEEP_OPEN", keep_open)  # 2: most folders statted as they are listed
    alone = _alone(root, monkeypatch)
    assert not forks
    monkeypatch.setattr(scanning, "SPLIT_FROM", 0)
    split = scan(root)
    assert len(forks) == 1
    _same(split, alone)
    paths = [f.path for f in split.files]
    assert paths[:7] == ["deep/er/gamma.md", "folder.md/inner.md", "t/alpha.md", "t/beta.md", "t/broken.md",
                         "t/linked.md", "t/twin.md"]
    assert paths[7:9] == ["zz/hard.md", "zz/twin.md"] and len(paths) == 9 + filler
    assert split.by_id["broken"].missing and split.linked and set(split.duplicates) == {"twin"}
    assert set(split.meta) == {"collection.yaml", "places.yaml", "themes.yaml"}


@pytest.mark.parametrize("failure", ["raises", "sends too little", "killed", "cut off mid-number"])
def test_a_failed_helper_leaves_its_half_to_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       forks: list[int], failure: str) -> None:
    root = _tree(tmp_path, 40)
    alone = _alone(root, monkeypatch)
    real, write = statting._stat_numbers, os.write

    def failing(fd: int, names: list[str], numbers) -> None:  # runs in the helper (a fork of this process)
        if failure == "raises":
            raise OSError("the disk went away")
        if failure == "killed":
            os.kill(os.getpid(), 9)
        real(fd, names[1:] if failure == "sends too little" else names, numbers)

    def cut_off(fd: int, data) -> int:  # the helper's only write: 13 bytes of its numbers, then it dies
        write(fd, bytes(data[:13]))
        os._exit(1)

    monkeypatch.setattr(statting, "_stat_numbers", failing)
    if failure == "cut off mid-number":
        monkeypatch.setattr(statting.os, "write", cut_off)
    monkeypatch.setattr(scanning, "SPLIT_FROM", 0)
    split = scan(root)
    monkeypatch.setattr(statting.os, "write", write)
    assert len(forks) == 1
    _same(split, alone)


def test_no_helper_for_a_small_tree_beside_another_thread_or_off_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            forks: list[int]) -> None:
    root = _tree(tmp_path, 40)
    scan(root)  # far below SPLIT_FROM
    monkeypatch.setattr(scanning, "SPLIT_FROM", 0)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        beside = scan(root)  # a fork would copy this process without the other thread
    finally:
        stop.set()
        thread.join()
    assert not forks
    _same(beside, _alone(root, monkeypatch))
    with monkeypatch.context() as patch:
        patch.setattr(statting.sys, "platform", "darwin")  # where a fork is not safe
        _same(scan(root), beside)
    assert not forks
    scan(root)
    assert len(forks) == 1  # the control: alone again, on Linux, it splits


def test_the_split_leaves_no_process_and_no_descriptor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       forks: list[int]) -> None:
    root = _tree(tmp_path, 40)
    monkeypatch.setattr(scanning, "SPLIT_FROM", 0)
    monkeypatch.setattr(scanning, "KEEP_OPEN", 3)
    before = set(os.listdir("/proc/self/fd"))
    for _ in range(3):
        scan(root)
    assert set(os.listdir("/proc/self/fd")) <= before
    assert len(forks) == 3
    for pid in forks:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # each was waited for


def test_the_scans_tuples_skip_the_young_generations_unless_objects_are_kept_frozen(tmp_path: Path) -> None:
    root = _tree(tmp_path, 40)
    gc.collect()
    listing = scan(root)
    assert gc.get_count()[0] < 40  # the 49 files' tuples went to the oldest generation at once
    gc.freeze()  # as a process forked from a server's master
    try:
        frozen = gc.get_freeze_count()
        again = scan(root)
        assert gc.get_freeze_count() >= frozen  # nothing of what it keeps frozen was unfrozen
    finally:
        gc.unfreeze()
    assert again.files == listing.files
