"""A worker of a real `archive serve` holds no collection: its memory stays flat while the collection grows 10x.

The same server (one worker, its indexer and file watcher) is started on a generated collection of SMALL
and then of LARGE testimonies; the same fixed requests are made (search, listings, a page, feeds, the map);
then the worker's own memory (anonymous pages, from /proc/<pid>/smaps_rollup) is read. A worker that parsed
every file grows by some 60 KB per testimony; the bound allows under 6. The master must not have read the
collection either (`archive serve` indexes in a child process): every worker is forked from its memory.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.served import children, free_port
from tests.support.served import http_get as fetch
from tests.support.served import wait_until as wait_for
from tests.bench.synth import SynthSpec, write_collection

pytestmark = pytest.mark.slow

SMALL, LARGE = 300, 3000
GROWTH_BOUND_KB = 15 * 1024  # for 2,700 more testimonies: under 6 KB each (a parsed one costs ~60 KB)


def _memory_kb(pid: int) -> int:
    """The worker's own memory: anonymous pages (its heap), not the index and catalogue files it maps or reads,
    which the OS page cache shares between workers."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Anonymous:"))


def _worker(master: int) -> int:
    helpers = (b"web.indexer", b"web.watching")  # the indexer and the file watcher
    found = [pid for pid in children(master) if not any(h in Path(f"/proc/{pid}/cmdline").read_bytes() for h in helpers)]
    assert len(found) == 1, found
    return found[0]


def _served_memory(tmp_path: Path, n: int) -> int:
    content, instance = tmp_path / f"content-{n}", tmp_path / f"instance-{n}"
    docs = write_collection(content, SynthSpec(n=n, body_bytes=2000), procs=2)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).parent / "archive"), "serve", "--port", str(port), "--workers", "1",
               "--content", str(content), "--instance", str(instance)]
    with open(tmp_path / f"serve-{n}.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: fetch(base + "/api/search?q=the")[0] == 200, 90, "the server to answer search")
        public = [d.id for d in docs if d.state == "public"][:5]
        for path in ["/", "/search?q=bakery", "/api/search?q=market&per_page=50", "/places", "/themes",
                     "/feed.xml", "/sitemap.xml", "/api/search?q=", *[f"/t/{i}" for i in public]]:
            status = fetch(base + path)[0]
            assert status in (200, 404), (path, status)
        total = json.loads(fetch(base + "/api/search?q=")[2])["total"]
        assert total > n // 2  # the positive control: the worker serves the whole collection
        return _memory_kb(_worker(process.pid))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_worker_does_not_grow_with_the_collection(tmp_path):
    small = _served_memory(tmp_path, SMALL)
    large = _served_memory(tmp_path, LARGE)
    print(f"worker memory: {small} kB at {SMALL} testimonies, {large} kB at {LARGE}")
    assert large - small < GROWTH_BOUND_KB, (small, large)
