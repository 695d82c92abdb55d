"""archive.store.files: the one mechanism for atomic replacement, creation that never overwrites, appends and locks."""

from __future__ import annotations

import multiprocessing
import stat

import pytest

from archive.store import files


def test_replace_swaps_the_whole_file_with_its_mode_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.json"
    files.replace(path, "one\n")
    files.replace(path, "two\n", mode=0o600)
    assert path.read_text() == "two\n" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_create_never_replaces_a_file(tmp_path):
    path = tmp_path / "t.md"
    files.create(path, "first")
    with pytest.raises(FileExistsError):
        files.create(path, "second")
    assert path.read_text() == "first" and [p.name for p in tmp_path.iterdir()] == ["t.md"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def _hold(path, ready, release):
    with files.locked(path):
        ready.set()
        release.wait(30)


def test_a_lock_held_by_another_process_makes_a_bounded_wait_time_out(tmp_path):
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(tmp_path, ready, release))  # a folder's lock
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(files.LockTimeout):
            with files.locked(tmp_path, wait=0.3):
                pass
    finally:
        release.set()
        holder.join(30)
    with files.locked(tmp_path, wait=5):  # free again once the holder let go
        pass


def _append(path, marker):
    for _ in range(60):
        files.append(path, marker * 300 + "\n")


def test_appends_from_several_processes_never_tear_a_line(tmp_path):
    path = tmp_path / "log"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append, args=(path, marker)) for marker in "abc"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    lines = path.read_text().splitlines()
    assert len(lines) == 180 and all(len(set(line)) == 1 and len(line) == 300 for line in lines)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
