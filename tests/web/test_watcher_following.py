"""The file watcher (web.watching) follows the files as the indexer does: a server at rest stats no file
after its first look, an edit is marked pending as soon as the kernel tells it (not at the next look), a
change no notice told is found by the watcher's own full scan, and a content directory on a network file
system is scanned on every look, as before there were notices.

Each test runs the watcher's loop in a thread on a small indexed collection and reads what it writes to
watched.json, as workers do. The positive controls: the withdrawn testimony is not pending before its
edit, and the missed edit is not pending before the full scan is due.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from archive import following as following_module
from archive import notified
from archive.config import Config
from archive.following import Following
from archive.notified import INotify, remote_filesystem
from search.manifest import IndexPaths
from web import watching
from web.watching import read_watched

from tests.support import builder
from tests.support.builder import write_testimony

pytestmark = pytest.mark.skipif(INotify is None, reason="needs Linux inotify")

DEADLINE = 15.0  # seconds a test waits for what it expects (far more than any of it takes)


@pytest.fixture
def config(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "quiet": dict(title="Quiet account"), "narrowed": dict(folder="east", title="Narrowed account")})
    builder.build_index(content, tmp_path / "instance")
    return Config(content, tmp_path / "instance")


@pytest.fixture
def scans(monkeypatch):
    """Every full scan the watcher makes (archive.following's `scan`)."""
    made: list[object] = []
    original = following_module.scan
    monkeypatch.setattr(following_module, "scan", lambda root: made.append(root) or original(root))
    return made


class Watcher:
    def __init__(self, config: Config, seconds: float, **options):
        self.config, self.stop = config, threading.Event()
        self.thread = threading.Thread(target=watching.watch, daemon=True,
                                       args=(config.content, config.instance, self.stop, seconds), kwargs=options)
        self.thread.start()

    def writes(self) -> tuple[int, int] | None:
        """watched.json's inode and mtime (each write replaces the file)."""
        try:
            stat = (self.config.instance / watching.WATCH_NAME).stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def pending(self) -> dict[str, tuple[str, ...]]:
        found = read_watched(self.config.instance)
        assert found is not None and found[0].pending is not None
        return dict(found[0].pending)

    def wait_for_writes(self, count: int) -> None:
        seen, last, deadline = 0, self.writes(), time.monotonic() + DEADLINE
        while seen < count:
            assert time.monotonic() < deadline, "the watcher stopped writing watched.json"
            time.sleep(0.005)
            now = self.writes()
            if now is not None and now != last:
                seen, last = seen + 1, now

    def wait_until(self, condition) -> bool:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        self.stop.set()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive()


@pytest.fixture
def watcher(config):
    started: list[Watcher] = []

    def start(seconds: float, **options) -> Watcher:
        started.append(Watcher(config, seconds, **options))
        assert started[-1].wait_until(lambda: started[-1].writes() is not None)  # its first look written
        return started[-1]

    yield start
    for one in started:
        one.close()


def _kid(config: Config, testimony_id: str) -> str:
    return IndexPaths(config.instance).keys()(testimony_id)


def test_a_watcher_at_rest_scans_once_and_still_says_it_is_alive(config, watcher, scans, monkeypatch):
    observed: list[object] = []
    original = watching.observe
    monkeypatch.setattr(watching, "observe", lambda *a, **k: observed.append(a) or original(*a, **k))
    running = watcher(0.01, full_every=3600)
    running.wait_for_writes(10)  # watched.json written again and again: workers believe it
    assert running.pending() == {}
    assert len(scans) == 1 and len(observed) == 1  # one look at every file, then none


def test_an_edit_is_marked_pending_as_soon_as_it_is_told(config, watcher, scans):
    running = watcher(3600, full_every=3600)  # its next look is an hour away: only a notice can tell it sooner
    narrowed = _kid(config, "narrowed")
    assert narrowed not in running.pending()
    write_testimony(config.content, "narrowed", folder="east", title="Narrowed account", access="withdrawn")
    assert running.wait_until(lambda: narrowed in running.pending())
    assert running.pending()[narrowed] == ("east",) and len(scans) == 1  # from its path, no full scan


def _miss(monkeypatch, folder: str) -> None:
    """The kernel tells nothing of `folder` (as if its events were dropped and the queue never overflowed)."""
    original = notified.Notices.take

    def take(self, wait_ms: int = 0):
        found = original(self, wait_ms)
        return found if found is None else frozenset(p for p in found if not p.startswith(f"{folder}/"))

    monkeypatch.setattr(notified.Notices, "take", take)


def test_a_change_no_notice_told_is_found_by_the_watchers_full_scan(config, watcher, scans, monkeypatch):
    _miss(monkeypatch, "east")
    clock = [0.0]
    running = watcher(0.01, following=Following(config.content, full_every=20, clock=lambda: clock[0]))
    quiet, narrowed = _kid(config, "quiet"), _kid(config, "narrowed")
    write_testimony(config.content, "narrowed", folder="east", title="Narrowed account", access="withdrawn")
    write_testimony(config.content, "quiet", title="Quiet account, edited")
    assert running.wait_until(lambda: quiet in running.pending())  # told: marked from its path
    running.wait_for_writes(5)
    assert narrowed not in running.pending() and len(scans) == 1  # missed, until the check is due
    clock[0] = 21.0
    assert running.wait_until(lambda: narrowed in running.pending())
    assert len(scans) == 2


def test_on_a_network_file_system_every_look_is_a_full_scan(config, watcher, scans, monkeypatch):
    monkeypatch.setattr(notified, "remote_filesystem", lambda path: "nfs")
    running = watcher(0.01, full_every=3600)
    running.wait_for_writes(5)
    assert len(scans) >= 5
    narrowed = _kid(config, "narrowed")
    write_testimony(config.content, "narrowed", folder="east", title="Narrowed account", access="withdrawn")
    assert running.wait_until(lambda: narrowed in running.pending())


def _mountinfo(tmp_path, path, kind: str) -> str:
    device = os.stat(path).st_dev
    table = tmp_path / "mountinfo"
    table.write_text(
        "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
        f"36 27 {os.major(device)}:{os.minor(device)} / /srv/archive rw,relatime shared:1 - {kind} server:/export rw\n",
        encoding="utf-8")
    return str(table)


@pytest.mark.parametrize("kind, remote", [("ext4", False), ("xfs", False), ("tmpfs", False), ("overlay", False),
                                          ("nfs4", True), ("cifs", True), ("fuse.sshfs", True), ("9p", True),
                                          ("virtiofs", True)])
def test_the_mount_table_tells_which_file_systems_are_remote(tmp_path, kind, remote):
    assert remote_filesystem(tmp_path, _mountinfo(tmp_path, tmp_path, kind)) == (kind if remote else None)


def test_what_the_mount_table_cannot_tell_counts_as_remote(tmp_path):
    assert remote_filesystem(tmp_path, str(tmp_path / "no-such-table")) == "unknown"
    assert remote_filesystem(tmp_path / "gone", _mountinfo(tmp_path, tmp_path, "ext4")) == "unknown"
    other = tmp_path / "other-mountinfo"
    other.write_text("36 27 4095:1048575 / /srv/archive rw - ext4 /dev/vdz rw\n", encoding="utf-8")
    assert remote_filesystem(tmp_path, str(other)) == "unknown"  # the directory's device is not in the table


def test_the_watcher_holds_one_listing_at_a_time(config, watcher):
    """Its full scan every 20 s finds the last listing let go of (else a watcher at rest held two for good)."""
    import gc
    import weakref

    clock, alive, last = [0.0], [], []

    def forget() -> None:  # Following calls it once the last listing is no longer its own
        gc.collect()
        alive.append(bool(last) and last[-1]() is not None)

    following = Following(config.content, full_every=20, clock=lambda: clock[0], forget=forget)
    running = watcher(0.01, following=following)
    last.append(weakref.ref(following.current))
    running.wait_for_writes(3)
    clock[0] = 21.0
    assert running.wait_until(lambda: len(alive) >= 2)
    assert alive == [False, False]


def test_a_burst_of_edits_is_compared_at_most_a_third_of_the_time(config, watcher, monkeypatch):
    """Each compare of the files with the catalogue is followed by at least twice its time without one (at
    100,000 a compare takes 0.35 s, and a `git pull` or an import writes hundreds of files). Slowness can
    only make the gaps longer. The positive control: the last edit of the burst is still marked."""
    starts: list[float] = []
    original = watching.observe

    def slow(*args, **options):
        starts.append(time.monotonic())
        time.sleep(0.1)
        return original(*args, **options)

    monkeypatch.setattr(watching, "observe", slow)
    running = watcher(3600, full_every=3600)
    for number in range(10):
        write_testimony(config.content, "quiet", title=f"Quiet account, edit {number}")
        time.sleep(0.05)
    write_testimony(config.content, "narrowed", folder="east", title="Narrowed account", access="withdrawn")
    assert running.wait_until(lambda: _kid(config, "narrowed") in running.pending())
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert len(starts) >= 2 and all(gap >= 0.1 * (1 + watching.COMPARE_SHARE) - 0.01 for gap in gaps), gaps
