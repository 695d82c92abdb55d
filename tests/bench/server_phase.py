"""The server phase of `make bench`: a real `archive serve` with 2 workers on an indexed collection.

    result = measure(content, instance, log, public_ids, edit_path, limit_mb=6000)

1. Start `archive serve` (it brings the index up to date first); the clock of the first
   request starts when gunicorn's log says `Listening at:`, and stops when the first search
   (`/api/search`, page 1 with facets) is answered; then a second, different search.
2. A fixed mixed load (the same list of requests every run: home, places, themes, testimony
   pages, search pages with facets and filters, API searches and records, the Atom feed),
   sent by 4 clients; then the proportional memory (PSS, /proc/<pid>/smaps_rollup) of the
   master, each worker, the indexer and the file watcher (and any other process below the master),
   and their sum.
3. One file edited (a probe word added): seconds until the background indexer has picked it up
   and a search finds it (the indexer looks every ~2 s, so this includes up to one poll).
4. SIGTERM, then the whole process group killed, and a check that nothing of it is left.

The server's memory (PSS of all its processes) is watched throughout: past `limit_mb` the
server is killed, and the phase reports that instead of a figure (and its peak).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from .guard import Watch, kill_group, pss_parts_kb
from .loadgen import get, percentile
from .queries import query_mix
from .serving import Served, cmdline

__all__ = ["measure", "memory", "mixed_requests", "PROBE"]

PROBE = "quokkaserved"  # no generated text has it; the edit adds it
FIRST = "/api/search?q=market"
SECOND = "/api/search?q=" + quote("bread") + "&place=idlib-governorate"


def mixed_requests(ids: list[str], seed: int = 23, count: int = 160) -> list[str]:
    """The fixed mixed load: the same paths in the same order for the same public ids."""
    rng = random.Random(seed)
    searches = [q.params() for q in query_mix(seed, 60) if q.match]
    fixed = ["/", "/places", "/themes", "/feed.atom", "/api/places", "/api/themes"]
    paths = list(fixed)
    while len(paths) < count:
        kind = rng.choice(("page", "search", "api-search", "api-t", "page", "search"))
        if kind in ("page", "api-t"):
            testimony = quote(rng.choice(ids))
            paths.append(f"/t/{testimony}" if kind == "page" else f"/api/t/{testimony}")
        else:
            params = urlencode(rng.choice(searches))
            paths.append(f"/search?{params}" if kind == "search" else f"/api/search?{params}")
    return paths


def _send_all(base: str, paths: list[str], clients: int, timeout: float) -> dict[str, Any]:
    """Every path once, `clients` at a time; latency and status of each."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    queue = list(enumerate(paths))

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                _, path = queue.pop(0)
            started = time.monotonic()
            status, _body = get(base, path, timeout=timeout)
            with lock:
                results.append((path, status, time.monotonic() - started))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ms = [seconds * 1000 for _, status, seconds in results if status == 200]
    failed = [f"{status} {path}" for path, status, _ in results if status != 200]
    return {"requests": len(results), "failed": len(failed), "failures": failed[:5],
            "seconds": time.monotonic() - started,
            "p50_ms": percentile(ms, 0.5) if ms else None, "p95_ms": percentile(ms, 0.95) if ms else None}


def _wait_for_log(server: Served, text: str, offset: int, timeout: float) -> float | None:
    """time.monotonic() when `text` first shows in the server's log, None if the server died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in server.log(offset):
            return time.monotonic()
        if server.process is not None and server.process.poll() is not None:
            return None
        time.sleep(0.01)
    return None


def _timed_get(base: str, path: str, timeout: float) -> tuple[int, float]:
    started = time.monotonic()
    status, _ = get(base, path, timeout=timeout)
    return status, time.monotonic() - started


def memory(server: Served) -> dict[str, Any]:
    """PSS of every process of the server (master, workers, indexer, watcher, and any other process below the
    master: an index run's child, say), and of each its anonymous and file-backed parts; the total is the tree's."""
    roles = {"master": [server.master], "workers": server.workers(), "indexer": [p for p in [server.indexer()] if p],
             "watcher": [p for p in [server.watcher()] if p]}
    named = {pid for pids in roles.values() for pid in pids}
    roles["other"] = [pid for pid in server.tree() if pid not in named]
    parts = {role: [pss_parts_kb(pid) for pid in pids] for role, pids in roles.items()}
    per = {role: [round(p["Pss"] / 1024, 1) for p in found] for role, found in parts.items()}
    split = {role: [{"anon": round(p["Pss_Anon"] / 1024, 1), "file": round(p["Pss_File"] / 1024, 1)} for p in found]
             for role, found in parts.items()}
    return {"pss_mb": per, "pss_total_mb": round(sum(sum(v) for v in per.values()), 1), "pss_parts_mb": split,
            "processes": sum(len(v) for v in per.values()), "load_average": os.getloadavg()[0]}


def _pickup(server: Served, path: Path, timeout: float) -> float | None:
    """Seconds from writing the probe into `path` to a search finding it (None: not within `timeout`,
    or the server is gone)."""
    started = time.monotonic()
    base = server.base
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\nA later revision added one word, {PROBE}, to this account.\n")
    while time.monotonic() - started < timeout and server.process is not None and server.process.poll() is None:
        status, body = get(base, f"/api/search?q={PROBE}", timeout=timeout)
        if status == 200 and json.loads(body).get("total") == 1:
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def _left_over(group: int) -> list[str]:
    """Processes still in the server's process group (none should be after it stopped)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == group:
                    found.append(f"{entry} {cmdline(int(entry))[:60]}")
            except OSError:
                continue
    return found


def measure(content: Path, instance: Path, log: Path, ids: list[str], edit_path: Path, *, workers: int = 2,
            limit_mb: float = 6000, timeout: float = 900, clients: int = 4, requests: int = 160) -> dict[str, Any]:
    server = Served(content, instance, log, workers=workers)
    result: dict[str, Any] = {"workers": workers, "limit_mb": limit_mb, "load_requests": requests}
    offset = server.log_size()
    original, stat = edit_path.read_bytes(), edit_path.stat()
    started = time.monotonic()
    server.start(timeout=timeout, warm=())
    group = server.master
    try:
        with Watch(server.master, limit_mb, lambda: kill_group(group)) as watch:
            listening = _wait_for_log(server, "Listening at:", offset, timeout)
            if listening is None:
                raise RuntimeError(f"archive serve never said it was listening; see {log}")
            result["listening_after_s"] = listening - started
            status, _ = get(server.base, FIRST, timeout=timeout)
            result["first_search_s"], result["first_status"] = time.monotonic() - listening, status
            result["second_search_status"], result["second_search_s"] = _timed_get(server.base, SECOND, timeout)
            if not watch.exceeded:
                result["load"] = _send_all(server.base, mixed_requests(ids, count=requests), clients, timeout)
            if not watch.exceeded:
                result["memory"] = memory(server)
            if not watch.exceeded:
                result["pickup_s"] = _pickup(server, edit_path, timeout=300)
            result["peak_pss_mb"] = watch.peak_mb
            result["over_memory"] = watch.exceeded
    finally:
        edit_path.write_bytes(original)
        os.utime(edit_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        result["exit"] = server.stop(timeout=60)
        kill_group(group)
        server.kill()
        deadline = time.monotonic() + 5
        while _left_over(group) and time.monotonic() < deadline:  # killed processes are reaped by init
            time.sleep(0.1)
        result["left_over"] = _left_over(group)
    return result
