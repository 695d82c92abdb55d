"""One measurement per process, so that peak memory and caches belong to one engine and one step.

    python -m tests.bench.workers ACTION '{"content": ..., ...}'    prints one JSON line

Actions: ours-build, ours-update, ours-followed, ours-queries, ours-curator, fts5-build, fts5-update, fts5-queries,
tantivy-build, tantivy-queries.
Times are taken inside the process around the work itself (interpreter start-up and
imports excluded, for both engines alike).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable

from . import fts5
from .queries import BenchQuery, query_mix

__all__ = ["ACTIONS"]


def _rss() -> dict[str, float]:
    """Peak resident memory in MB of this process and of its largest finished child (Linux: KB), and
    of the resident memory now, the private part (heap) apart from mapped files (an mmapped index)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    found = {"rss_mb": round(own, 1), "child_rss_mb": round(children, 1)}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(("RssAnon:", "RssFile:")):
                    found[line.split(":")[0].lower() + "_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return found


def _files(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in directory.rglob("*") if p.is_file()}


def _bytes(directory: Path) -> int:
    return sum(size for size, _ in _files(directory).values()) if directory.exists() else 0


def _config(args: dict[str, Any]) -> Any:
    from archive.config import Config
    return Config(content=Path(args["content"]), instance=Path(args["instance"]))


def ours_build(args: dict[str, Any]) -> dict[str, Any]:
    from search import update_index
    instance = Path(args["instance"])
    shutil.rmtree(instance, ignore_errors=True)
    started = time.perf_counter()
    report = update_index(_config(args), dt.date.fromisoformat(args["today"]), rebuild=True, wait=0,
                          procs=args["procs"])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "public": report.public, "disk_mb": _bytes(instance / "index") / 2**20,
            "warnings": len(report.warnings), **_rss()}


def ours_update(args: dict[str, Any]) -> dict[str, Any]:
    from search import update_index
    index_dir = Path(args["instance"]) / "index"
    before = _files(index_dir)
    started = time.perf_counter()
    report = update_index(_config(args), dt.date.fromisoformat(args["today"]), wait=0, procs=args["procs"])
    seconds = time.perf_counter() - started
    after = _files(index_dir)
    written = {name: size for name, (size, mtime) in after.items() if name not in before}
    # SQLite files (the manifest, the catalogue) are changed in place: a few pages of them, not their size
    changed = sorted(name for name, stat in after.items() if name in before and before[name] != stat)
    return {"seconds": seconds, "rebuilt": report.rebuilt, "reason": report.reason, "added": list(report.added),
            "updated": list(report.updated), "removed": list(report.removed),
            "files_written": len(written), "kb_written": round(sum(written.values()) / 1024, 1),
            "changed_in_place": changed, "files_removed": len(before.keys() - after.keys()), **_rss()}


def ours_followed(args: dict[str, Any]) -> dict[str, Any]:
    """A one-file update by the route of `archive serve`'s indexer (web.indexer): the kernel tells which file
    changed (archive.following, inotify), only it is statted, only its bucket hashed again. As the indexer
    does once at its start, and untimed here: the watches set, every file scanned and the index found current.
    Then one more sentence is added to `edit` and the public index brought up to date, timed from asking which
    files changed until `update_index` returns (the indexer then updates the curator index the same way)."""
    from archive.following import Following
    from search import buckets, update_index
    from search.sources import scan_content

    config, today = _config(args), dt.date.fromisoformat(args["today"])
    edit = Path(args["edit"])
    following = Following(config.content, full_every=float("inf"))
    buckets.keep_last()
    try:
        update_index(config, today, wait=0, procs=args["procs"], scan=scan_content(config.content, following.next()))
        edit.write_bytes(edit.read_bytes() + f"\nAnother revision ({time.time_ns()}) added a sentence.\n".encode())
        started, cpu = time.perf_counter(), time.process_time()
        listing = following.next()
        report = update_index(config, today, wait=0, procs=args["procs"], scan=scan_content(config.content, listing))
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        route = following.route
    finally:
        buckets.keep_last(False)
        following.close()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "route": route, "rebuilt": report.rebuilt,
            "updated": list(report.updated), **_rss()}


def ours_curator(args: dict[str, Any]) -> dict[str, Any]:
    """The curator index brought up to date (built, the first time), as `archive serve` would before it listens."""
    from archive.consent import Audience
    from search import update_index
    started = time.perf_counter()
    report = update_index(_config(args), dt.date.fromisoformat(args["today"]), wait=0, procs=args["procs"],
                          audience=Audience.CURATOR)
    return {"seconds": time.perf_counter() - started, "rebuilt": report.rebuilt, "reason": report.reason,
            "held": report.public, **_rss()}


def fts5_build(args: dict[str, Any]) -> dict[str, Any]:
    path = Path(args["db"])
    result = fts5.build(path, Path(args["content"]), dt.date.fromisoformat(args["today"]), args["procs"])
    return {**result, "disk_mb": fts5.database_bytes(path) / 2**20, **_rss()}


def fts5_update(args: dict[str, Any]) -> dict[str, Any]:
    return {**fts5.update(Path(args["db"]), Path(args["content"]), dt.date.fromisoformat(args["today"])), **_rss()}


def _timed(run: Callable[[BenchQuery], int], mix: list[BenchQuery], before: Callable[[], None] | None = None
           ) -> tuple[list[float], list[int | None], list[str], list[float]]:
    """Milliseconds and totals per query (None and a message for a query the engine refused), and the
    milliseconds of CPU this process spent on each (which other jobs on a shared machine inflate less)."""
    times, totals, errors, cpu = [], [], [], []
    for bq in mix:
        if before:
            before()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            total: int | None = run(bq)
        except Exception as exc:  # a refused query is a result too (the web answers 400); count it
            total = None
            errors.append(f"{bq.kind} {bq.q!r}: {type(exc).__name__}: {exc}")
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        totals.append(total)
    return times, totals, errors, cpu


def _queries(args: dict[str, Any], run: Callable[[BenchQuery], int], clear: Callable[[], None] | None,
             probe: Callable[[str], int]) -> dict[str, Any]:
    mix = query_mix(args["query_seed"], args["queries"])
    probe_total = probe(args["probe"]) if args.get("probe") else None
    totals, errors = _timed(run, mix)[1:3]  # the warm-up pass
    warm: list[float] = []
    for _ in range(args["passes"]):
        warm += _timed(run, mix)[0]
    cold = _timed(run, mix, clear) if clear else None
    return {"kinds": [bq.kind for bq in mix], "warm_ms": warm, "uncached_ms": cold and cold[0],
            "uncached_cpu_ms": cold and cold[3], "totals": totals, "errors": errors, "probe_total": probe_total,
            **_rss()}


def ours_queries(args: dict[str, Any]) -> dict[str, Any]:
    from search import SearchIndex, parse_query
    index = SearchIndex(_config(args))

    def run(bq: BenchQuery) -> int:
        results = index.search(parse_query(bq.params()))
        json.dumps(results.to_json(), ensure_ascii=False)  # the full page as /api/search serves it
        return results.total

    # The searcher keeps (results, facet counts) per query and index generation; clearing it makes
    # every query pay as a reader's first search of it does.
    return _queries(args, run, index.clear_cache, lambda word: index.search(parse_query({"q": word})).total)


def fts5_queries(args: dict[str, Any]) -> dict[str, Any]:
    engine = fts5.Fts5Search(Path(args["db"]), Path(args["content"]))

    def run(bq: BenchQuery) -> int:
        page = engine.search(bq)
        json.dumps(page, ensure_ascii=False)
        return int(page["total"])

    return _queries(args, run, lambda: None, lambda word: engine.search(BenchQuery("probe", word, word))["total"])


def tantivy_build(args: dict[str, Any]) -> dict[str, Any]:
    from . import tantivy_ref
    path = Path(args["tantivy"])
    result = tantivy_ref.build(path, Path(args["content"]), dt.date.fromisoformat(args["today"]), args["procs"])
    return {**result, "disk_mb": _bytes(path) / 2**20, **_rss()}


def tantivy_queries(args: dict[str, Any]) -> dict[str, Any]:
    from . import tantivy_ref
    engine = tantivy_ref.TantivySearch(Path(args["tantivy"]), Path(args["content"]))

    def run(bq: BenchQuery) -> int:
        page = engine.search(bq)
        json.dumps(page, ensure_ascii=False)
        return int(page["total"])

    # No result cache to clear: its cold pass is another pass, as FTS5's is. The probe is not
    # looked for: Tantivy is built before the edit and has no update step here.
    return _queries({**args, "probe": None}, run, lambda: None, lambda word: 0)


ACTIONS = {"ours-build": ours_build, "ours-update": ours_update, "ours-followed": ours_followed,
           "ours-queries": ours_queries, "ours-curator": ours_curator,
           "fts5-build": fts5_build, "fts5-update": fts5_update, "fts5-queries": fts5_queries,
           "tantivy-build": tantivy_build, "tantivy-queries": tantivy_queries}

if __name__ == "__main__":
    action, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(ACTIONS[action](json.loads(raw))))
