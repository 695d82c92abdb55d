"""`make bench`: our search engine against SQLite FTS5 on synthetic collections, in the same run.

    python -m tests.bench.run --sizes 1000,10000 [--seed 42] [--queries 200] [--passes 2] [--procs 2]

For each size: generate the collection (cached, see synth.py), then, one engine at a
time and each step in its own process (so peak memory is per engine and step):
full build, an incremental update after one file's body is edited, and query latency
over the fixed mix of queries.py (one warm-up pass, then `passes` measured passes; ours
returns the full page 1 with facets and snippets, as /api/search serves it). Prints the
table and writes it to tests/bench/out/latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from statistics import median
from typing import Any

from .report import Row, kind_table, markdown, text_table
from .synth import OUT, ROOT, DocInfo, SynthSpec, generate

PROBE = "quokkaedit"  # a word no generated text has: the edit adds it, both engines must then find it once
TARGETS = {"build": 15.0, "incremental": 1.0, "p50": 8.0, "p95": 15.0}


def _worker(action: str, **args: Any) -> dict[str, Any]:
    """Run one measurement in a fresh process; its stderr goes to ours."""
    print(f"   {action} ...", end="", flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tests.bench.workers", action, json.dumps(args, default=str)],
                          cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: the {action} step failed (exit {done.returncode}); see above")
    print(f" {time.perf_counter() - started:.1f} s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _edit_target(docs: tuple[DocInfo, ...]) -> DocInfo:
    return next(d for d in docs if d.public and d.language == "en" and d.place_detail == "exact" and not d.redacted)


def _measure(n: int, opts: argparse.Namespace) -> dict[str, Any]:
    made = generate(SynthSpec(n=n, seed=opts.seed), procs=opts.procs)
    print(f"\n== {n:,} testimonies: collection {'reused' if made.cached else 'generated'} in {made.seconds:.1f} s "
          f"({made.content})", flush=True)
    work = OUT / "runs" / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    common = {"content": str(made.content), "today": dt.date.today().isoformat(), "procs": opts.procs}
    ours = {**common, "instance": str(work / "instance")}
    ref = {**common, "db": str(work / "fts5.sqlite")}
    queries = {"query_seed": opts.query_seed, "queries": opts.queries, "passes": opts.passes, "probe": PROBE}
    result: dict[str, Any] = {"size": n, "generated_seconds": made.seconds, "generated": not made.cached,
                              "expected_public": sum(d.public for d in made.docs)}
    for engine, args in (("ours", ours), ("fts5", ref)):
        result[f"{engine}_build"] = _worker(f"{engine}-build", **args)
    target = _edit_target(made.docs)
    print(f"   (edit for the incremental update: {target.path})")
    path = made.content / target.path
    original, stat = path.read_bytes(), path.stat()
    try:
        path.write_bytes(original + f"\nA later revision added one word, {PROBE}, to this account.\n".encode())
        for engine, args in (("ours", ours), ("fts5", ref)):
            result[f"{engine}_update"] = _worker(f"{engine}-update", **args)
        for engine, args in (("ours", ours), ("fts5", ref)):
            result[f"{engine}_queries"] = _worker(f"{engine}-queries", **args, **queries)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result["edited"] = target.id
    return result


def _ratio(ours: float, ref: float) -> float:
    return ours / ref if ref else math.inf


def rows_for(r: dict[str, Any]) -> list[Row]:
    """The table rows of one size."""
    n, ob, fb = r["size"], r["ours_build"], r["fts5_build"]
    ou, fu, oq, fq = r["ours_update"], r["fts5_update"], r["ours_queries"], r["fts5_queries"]
    rows = [
        Row(n, "full build (s)", ob["seconds"], fb["seconds"], f"<= {TARGETS['build']:g}x",
            _ratio(ob["seconds"], fb["seconds"]) <= TARGETS["build"]),
        Row(n, "  FTS5 time inside SQLite only (s)", ob["seconds"], fb["index_seconds"], "info"),
        Row(n, "  public testimonies indexed", ob["public"], fb["public"], f"= {r['expected_public']}",
            ob["public"] == fb["public"] == r["expected_public"], show_ratio=False),
        Row(n, "build peak RSS, main process (MB)", ob["rss_mb"], fb["rss_mb"], "info"),
        Row(n, "build peak RSS, largest worker (MB)", ob["child_rss_mb"], fb["child_rss_mb"], "info"),
        Row(n, "index on disk (MB)", ob["disk_mb"], fb["disk_mb"], "info"),
        Row(n, "incremental update, 1 file (s)", ou["seconds"], fu["seconds"], f"<= {TARGETS['incremental']:g} s",
            ou["seconds"] <= TARGETS["incremental"] and not ou["rebuilt"] and ou["updated"] == [r["edited"]]),
        Row(n, "  KB written to the index by the update", ou["kb_written"], None, "info"),
    ]
    for label, key, share, target in (("p50", "warm_ms", 0.5, "p50"), ("p95", "warm_ms", 0.95, "p95"),
                                      ("p50", "uncached_ms", 0.5, None), ("p95", "uncached_ms", 0.95, None)):
        ours_ms, ref_ms = percentile(oq[key], share), percentile(fq[key], share)
        goal = TARGETS[target or label]
        name = f"query {label} (ms), warm" if target else f"query {label} (ms), result cache cleared"
        rows.append(Row(n, name, ours_ms, ref_ms, f"<= {goal:g}x" + ("" if target else " (info)"),
                        _ratio(ours_ms, ref_ms) <= goal))
    rows += [
        Row(n, "  probe word found after the update", oq["probe_total"], fq["probe_total"], "= 1",
            oq["probe_total"] == fq["probe_total"] == 1, show_ratio=False),
        Row(n, "  queries refused (errors)", len(oq["errors"]), len(fq["errors"]), "info", show_ratio=False),
        Row(n, "query process peak RSS (MB)", oq["rss_mb"], fq["rss_mb"], "info"),
        Row(n, "  of which private, at the end (MB)", oq.get("rssanon_mb", 0.0), fq.get("rssanon_mb", 0.0), "info"),
    ]
    return rows


def per_kind(r: dict[str, Any]) -> list[dict[str, Any]]:
    """p50 latency and median result count per kind of query."""
    oq, fq = r["ours_queries"], r["fts5_queries"]
    kinds = oq["kinds"]
    passes = len(oq["warm_ms"]) // len(kinds)
    out = []
    for kind in dict.fromkeys(kinds):
        at = [i for i, k in enumerate(kinds) if k == kind]
        warm = [i + p * len(kinds) for p in range(passes) for i in at]
        out.append({"kind": kind, "count": len(at),
                    "ours_p50": median(oq["warm_ms"][i] for i in warm),
                    "fts5_p50": median(fq["warm_ms"][i] for i in warm),
                    "ours_uncached_p50": median(oq["uncached_ms"][i] for i in at),
                    "ours_total": median(oq["totals"][i] or 0 for i in at),
                    "fts5_total": median(fq["totals"][i] or 0 for i in at)})
    return out


def environment(opts: argparse.Namespace) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "whoosh": metadata.version("whoosh-reloaded"),
            "commit": commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
            "load_average": os.getloadavg()[0], "seed": opts.seed, "query_seed": opts.query_seed, "queries": opts.queries, "passes": opts.passes,
            "procs": opts.procs}


def _sizes(text: str) -> list[int]:
    return [int(float(part[:-1]) * 1000) if part.lower().endswith("k") else int(part)
            for part in text.replace(" ", "").split(",") if part]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("1000,10000,50000"),
                        help="collection sizes, e.g. 1000,10000 or 1k,10k (default 1k,10k,50k)")
    parser.add_argument("--seed", type=int, default=42, help="the collections' seed")
    parser.add_argument("--query-seed", type=int, default=7, help="the query mix's seed")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix")
    parser.add_argument("--passes", type=int, default=2, help="measured passes over the mix (after one warm-up)")
    parser.add_argument("--procs", type=int, default=2, help="processes for generating and building (both engines)")
    opts = parser.parse_args(argv)
    started = time.perf_counter()
    results, rows = [], []
    for n in opts.sizes:
        result = _measure(n, opts)
        result["per_kind"] = per_kind(result)
        results.append(result)
        rows += rows_for(result)
        print(kind_table(result["per_kind"], n))
    env = environment(opts)
    print("\n" + text_table(rows))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latest.json").write_text(json.dumps({"environment": env, "rows": [row.to_json() for row in rows],
                                                 "results": results}, indent=1), encoding="utf-8")
    (OUT / "latest.md").write_text(markdown(rows, results, env), encoding="utf-8")
    print(f"\nWrote {OUT / 'latest.json'} and latest.md in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
