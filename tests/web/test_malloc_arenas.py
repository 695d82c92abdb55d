"""`archive serve`'s master caps glibc's malloc arenas at one per core before it forks (web.forked): a worker's
eight threads would otherwise each get an arena of their own, each keeping what its searches freed.

A child interpreter starts 8 threads that each allocate, then counts the arenas glibc reports
(`malloc_stats`). The positive control: without the cap, the same threads make more than 2."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import ctypes, sys, threading
from web.forked import few_malloc_arenas
if sys.argv[1] == "capped":
    assert few_malloc_arenas(2)
barrier = threading.Barrier(8)
def work():
    barrier.wait()  # all eight at once: a thread finding every arena busy makes a new one
    kept = [bytes(2000) for _ in range(2000)]
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(None).malloc_stats()
"""


def _glibc() -> bool:
    try:
        ctypes.CDLL(None).malloc_stats
    except AttributeError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")


def _arenas(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stderr.count("Arena ")


def test_the_cap_keeps_eight_threads_to_two_arenas():
    assert _arenas("plain") > 2  # the positive control: glibc's own default
    assert _arenas("capped") <= 2


def test_the_environment_wins(monkeypatch):
    from web.forked import few_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert few_malloc_arenas() is False


def test_archive_serve_caps_them_before_it_forks(monkeypatch, tmp_path):
    """`web.server.run` asks for the cap before gunicorn's master starts (and so before any fork)."""
    from archive.config import Config
    from web import server

    order: list[str] = []
    monkeypatch.setattr(server, "few_malloc_arenas", lambda: order.append("capped"))
    monkeypatch.setattr(server.ArchiveApplication, "run", lambda self: order.append("master runs"))
    monkeypatch.setattr(server.ArchiveApplication, "__init__", lambda self, *a, **k: None)
    monkeypatch.setattr(server.IndexerKeeper, "stop", lambda self: None)
    server.run(Config(tmp_path / "content", tmp_path / "instance"), "127.0.0.1", 0, 1)
    assert order == ["capped", "master runs"]
