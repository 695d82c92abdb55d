"""`make bench`: our search engine beside SQLite FTS5 and Tantivy on synthetic collections, and our server.

    python -m tests.bench.run --sizes 1000,10000,100000 [--phases build,update,queries,server]
        [--engines ours,fts5,tantivy] [--seed 42] [--queries 200] [--passes 2] [--procs 2] [--out DIR]

For each size: generate the collection (cached, see synth.py), then the selected phases,
each engine's step in its own process (so peak memory is per engine and step), every child
under a time limit (--step-timeout) and a memory limit (--mem-limit, its whole process tree):
- build: a full build by each engine;
- update: one file's body is edited (a probe word added), then ours and FTS5 update; three times, each
  engine's median kept (every round recorded);
- queries: latency over the fixed mix of queries.py (one warm-up pass, then `passes` measured
  passes, then a cold pass with our result cache cleared before each query; ours returns the
  full page 1 with facets and snippets, as /api/search serves it);
- server: the curator index brought up to date in a step of its own (timed apart: `archive serve`
  would build it before it listens), then a real `archive serve` with 2 workers (server_phase.py):
  the first search after it says it is listening, the whole server's PSS after a fixed mixed load,
  the indexer picking up a one-file edit.
Prints issue 14's targets table, every measurement and the seconds each phase took, and
writes them to <out>/latest.json and latest.md (out: tests/bench/out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from . import server_phase
from .guard import run_guarded, stop_on_sigterm
from .report import kind_table, markdown, phase_table, targets_table, text_table
from .synth import OUT, ROOT, DocInfo, SynthSpec, generate
from .targets import issue_targets, per_kind, read_peer, rows_for

PROBE = "quokkaedit"  # a word no generated text has: the edit adds it, both engines must then find it once
PHASES = ("build", "update", "queries", "server")
ENGINES = ("ours", "fts5", "tantivy")
UPDATING = ("ours", "fts5")  # Tantivy is a reference for build and query time only
# One-file updates measured per engine, the median kept: a single one varied from 0.47 to 0.71 s at 100,000 on a
# quiet machine, the first after a pause or after the build phase's writes the slowest (its stats find the kernel's
# caches cold); every round is kept beside the median, the first shown in the table.
UPDATE_ROUNDS = 3


def median_round(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The median round's measurement (by seconds), with every round's seconds and files updated; the first
    failed round's record if any failed."""
    failed = [f for f in found if "failed" in f]
    if failed:
        return failed[0]
    middle = sorted(found, key=lambda f: f["seconds"])[len(found) // 2]
    return {**middle, "rounds": [f["seconds"] for f in found], "updated_each": [f.get("updated") for f in found],
            "rebuilt_any": any(f.get("rebuilt") for f in found)}


def _step(action: str, opts: argparse.Namespace, **args: Any) -> dict[str, Any]:
    """One measurement in a fresh, guarded process; its stderr goes to ours. A failure is recorded, not raised."""
    print(f"   {action} ...", end="", flush=True)
    done = run_guarded([sys.executable, "-m", "tests.bench.workers", action, json.dumps(args, default=str)],
                       timeout=opts.step_timeout, limit_mb=opts.mem_limit, cwd=ROOT)
    if not done.ok:
        why = done.why(opts.mem_limit, opts.step_timeout)
        print(f" FAILED after {done.seconds:.1f} s ({why})", flush=True)
        return {"failed": why, "peak_pss_mb": done.peak_mb}
    print(f" {done.seconds:.1f} s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _edit_target(docs: tuple[DocInfo, ...]) -> DocInfo:
    return next(d for d in docs if d.public and d.language == "en" and d.place_detail == "exact" and not d.redacted)


def _server(opts: argparse.Namespace, made: Any, work: Path, target: DocInfo, today: str) -> dict[str, Any]:
    ids = [d.id for d in made.docs if d.public]
    # `archive serve` brings both indexes up to date before it listens; the curator index is built here
    # first, in its own step and timed apart (as long as the public build at any size), so that the
    # server's start is not that build. The public index is the build phase's (or built by the server).
    curator = _step("ours-curator", opts, content=str(made.content), instance=str(work / "instance"),
                    today=today, procs=opts.procs)
    print(f"   archive serve, {opts.workers} workers ...", end="", flush=True)
    try:
        found = server_phase.measure(made.content, work / "instance", work / "serve.log", ids,
                                     made.content / target.path, workers=opts.workers, limit_mb=opts.server_limit,
                                     timeout=opts.step_timeout, requests=opts.load_requests)
    except Exception as exc:  # a server that did not start is a result too; the phase cleaned up after itself
        print(f" FAILED ({exc})", flush=True)
        return {"failed": str(exc)}
    found["curator_prebuild"] = curator
    memory = (found.get("memory") or {}).get("pss_total_mb")
    print(f" first search {found.get('first_search_s', float('nan')):.2f} s after listening; "
          f"PSS {memory if memory is not None else '-'} MB; indexer pickup {_seconds(found.get('pickup_s'))}"
          + ("; STOPPED: over the memory limit" if found.get("over_memory") else "")
          + (f"; LEFT OVER: {found['left_over']}" if found.get("left_over") else ""), flush=True)
    return found


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _measure(n: int, opts: argparse.Namespace, times: dict[str, float]) -> dict[str, Any]:
    started = time.perf_counter()
    made = generate(SynthSpec(n=n, seed=opts.seed), out=opts.out / "collections", procs=opts.procs)
    times["generate"] = time.perf_counter() - started
    print(f"\n== {n:,} testimonies: collection {'reused' if made.cached else 'generated'} in {made.seconds:.1f} s "
          f"({made.content})", flush=True)
    work = opts.out / "runs" / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    common = {"content": str(made.content), "today": dt.date.today().isoformat(), "procs": opts.procs}
    places = {"ours": {"instance": str(work / "instance")}, "fts5": {"db": str(work / "fts5.sqlite")},
              "tantivy": {"tantivy": str(work / "tantivy")}}
    queries = {"query_seed": opts.query_seed, "queries": opts.queries, "passes": opts.passes,
               "probe": PROBE if "update" in opts.phases else None}
    result: dict[str, Any] = {"size": n, "generated_seconds": made.seconds, "generated": not made.cached,
                              "expected_public": sum(d.public for d in made.docs)}
    target = _edit_target(made.docs)
    result["edited"] = target.id
    path = made.content / target.path
    original, stat = path.read_bytes(), path.stat()

    def phase(name: str, engines: tuple[str, ...], action: str, **extra: Any) -> None:
        if name not in opts.phases:
            return
        mark = time.perf_counter()
        for engine in (e for e in opts.engines if e in engines):
            result[f"{engine}_{action}"] = _step(f"{engine}-{action}", opts, **common, **places[engine], **extra)
        times[name] = time.perf_counter() - mark

    try:
        phase("build", ENGINES, "build")
        if "update" in opts.phases:
            print(f"   (edits for the incremental update: {target.path}, {UPDATE_ROUNDS} revisions)")
            mark, rounds = time.perf_counter(), {engine: [] for engine in opts.engines if engine in UPDATING}
            for _ in range(UPDATE_ROUNDS):  # each engine updates after each revision, the engines in turn
                # new bytes at every revision (its number): an edit the index already holds would be read again
                # and found unchanged, which is not the one-file update measured here
                path.write_bytes(original + f"\nA later revision ({time.time_ns()}) added one word, {PROBE}, to "
                                 f"this account.\n".encode())
                for engine, found in rounds.items():
                    found.append(_step(f"{engine}-update", opts, **common, **places[engine]))
            result.update({f"{engine}_update": median_round(found) for engine, found in rounds.items()})
            times["update"] = time.perf_counter() - mark
        if "update" in opts.phases and "ours" in opts.engines:  # the same edit's next revision, as the server's
            result["ours_followed"] = _step("ours-followed", opts, **common, **places["ours"], edit=str(path))
        phase("queries", ENGINES, "queries", **queries)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if "server" in opts.phases:
        mark = time.perf_counter()
        result["server"] = _server(opts, made, work, target, common["today"])
        times["server"] = time.perf_counter() - mark
    return result


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment(opts: argparse.Namespace) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "whoosh": _version("whoosh-reloaded"),
            "commit": commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
            "load_average": os.getloadavg()[0], "seed": opts.seed, "query_seed": opts.query_seed, "queries": opts.queries, "passes": opts.passes,
            "procs": opts.procs, "tantivy": _version("tantivy"), "phases": list(opts.phases),
            "engines": list(opts.engines)}


def _sizes(text: str) -> list[int]:
    return [int(float(part[:-1]) * 1000) if part.lower().endswith("k") else int(part)
            for part in text.replace(" ", "").split(",") if part]


def _names(allowed: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(part for part in text.replace(" ", "").split(",") if part)
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return names
    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("1000,10000,100000"),
                        help="collection sizes, e.g. 1000,10000 or 1k,10k (default 1k,10k,100k)")
    parser.add_argument("--phases", type=_names(PHASES), default=PHASES, help="any of " + ",".join(PHASES))
    parser.add_argument("--engines", type=_names(ENGINES), default=ENGINES, help="any of " + ",".join(ENGINES))
    parser.add_argument("--seed", type=int, default=42, help="the collections' seed")
    parser.add_argument("--query-seed", type=int, default=7, help="the query mix's seed")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix")
    parser.add_argument("--passes", type=int, default=2, help="measured passes over the mix (after one warm-up)")
    parser.add_argument("--procs", type=int, default=2, help="processes for generating and building (every engine)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the server phase")
    parser.add_argument("--load-requests", type=int, default=160, help="requests in the server's fixed mixed load")
    parser.add_argument("--step-timeout", type=float, default=3600, help="seconds any one step may take")
    parser.add_argument("--mem-limit", type=float, default=8000, help="MB (PSS) one step's processes may hold")
    parser.add_argument("--server-limit", type=float, default=6000,
                        help="MB (PSS) the whole server may hold before it is stopped")
    parser.add_argument("--out", type=Path, default=OUT, help="where collections, indexes and reports go")
    parser.add_argument("--report-only", action="store_true",
                        help="print the tables again from <out>/latest.json (after `make peer`, say); measure nothing")
    parser.add_argument("--merge", type=Path, action="append", default=[],
                        help="with --report-only: add the sizes of another run's latest.json (sizes run apart)")
    opts = parser.parse_args(argv)
    if opts.report_only:
        saved = json.loads((opts.out / "latest.json").read_text(encoding="utf-8"))
        results = {r["size"]: r for r in saved["results"]}
        for other in opts.merge:
            results.update({r["size"]: r for r in json.loads(other.read_text(encoding="utf-8"))["results"]})
        _report(opts.out, saved["environment"], [results[n] for n in sorted(results)], show=True)
        return 0
    stop_on_sigterm()
    started = time.perf_counter()
    env = environment(opts)  # the load average at the start
    results: list[dict[str, Any]] = []
    for n in opts.sizes:
        times: dict[str, float] = {}
        result = _measure(n, opts, times)
        result["per_kind"] = per_kind(result)
        result["phase_seconds"] = times
        results.append(result)
        print(kind_table(result["per_kind"], n))
        print("   phases (s): " + ", ".join(f"{k} {v:.0f}" for k, v in times.items()), flush=True)
        _report(opts.out, env, results, show=n == opts.sizes[-1])  # kept after each size, should a later one fail
    print(f"\nWrote {opts.out / 'latest.json'} and latest.md in {time.perf_counter() - started:.0f} s.")
    return 0


def _report(out: Path, env: dict[str, Any], results: list[dict[str, Any]], show: bool) -> None:
    """The tables from the results so far: printed when `show`, always written to latest.json and latest.md."""
    rows = [row for result in results for row in rows_for(result)]
    targets = issue_targets(results, read_peer(out, 10_000))
    times = {r["size"]: r["phase_seconds"] for r in results}
    if show:
        print("\n" + text_table(rows))
        print(f"\nIssue 14's targets (load average {env['load_average']:.1f} at the start; a shared machine):")
        print(targets_table(targets))
        print("\nSeconds per phase:\n" + phase_table(times))
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"environment": env, "rows": [row.to_json() for row in rows],
                                                 "targets": targets, "results": results}, indent=1),
                                     encoding="utf-8")
    (out / "latest.md").write_text(markdown(rows, results, env, targets, times), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
