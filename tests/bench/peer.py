"""`make peer`: our server against Datasette serving the same testimonies from SQLite FTS5, over HTTP.

    python -m tests.bench.peer [--size 10000] [--clients 8] [--duration 20] [--workers 2] [--rounds 1]

The same synthetic collection (synth.py, cached) is served two ways, one server at a time
driven by the same load generator (loadgen.py) with the same clients and duration:

- ours: `archive serve` with `--workers` gunicorn gthread workers of `web.server.THREADS` threads each
  (plus its indexer and file watcher, idle);
- Datasette (tests/bench/peer-requirements.txt, installed only in .venv-peer) under uvicorn with
  `--workers` processes, over an immutable SQLite database built here from the public documents
  exactly as our index reads them (fts5.py's loader): a table `testimonies` (id, place, places,
  theme, themes, language, date, years, then the long text last, so that filters and facets do
  not read through its overflow pages) and an FTS5 index over its text (porter unicode61
  remove_diacritics 2), which Datasette finds and uses for `_search`.

Two kinds of request, from a seeded query mix of queries.py (the ones with words; 2,000 by
default, so that our per-worker result cache of 256 searches rarely helps; warm-up uses another mix):
- full-text search with facets: ours `/api/search?q=&place=&theme=&language=` (page 1 ranked
  by relevance, snippets, facets place/theme/language/year over every place, broader place,
  theme and year of each result); Datasette `/peer/testimonies.json?_search=&_searchmode=raw
  &places__arraycontains=&...&_facet=place&_facet=theme&_facet=language&_facet=year` (page 1 in
  rowid order, no snippets; facets over each result's first place, theme and year only: less
  work than ours). `--array-facets` makes Datasette count every value (`_facet_array`) as ours
  does; Datasette 0.65.5's array facet query takes seconds per request on this table;
- one record: ours `/api/t/<id>` (rendered body and citations); Datasette `/peer/testimonies/<id>.json`.

Prints requests/s, p50 and p95 for both and the ratios ours/Datasette; the target is our
search within 2x of Datasette's (throughput at least half, latency at most double). Memory: PSS
summed over every process of each server (ours: master, workers, indexer), the largest after any
measurement, also written to out/peer-n<size>.json for `make bench`'s target (at most 2x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from web.server import THREADS

from .loadgen import Load, Summary, Target, get, summarize
from .queries import query_mix
from . import server_phase
from .guard import stop_on_sigterm, tree_pss_mb
from .serving import Served, free_port
from .synth import OUT, ROOT, SynthSpec, generate

__all__ = ["main", "build_database"]

PEER_VENV = ROOT / ".venv-peer"
SCHEMA = """
CREATE TABLE testimonies (id TEXT PRIMARY KEY, place TEXT, places TEXT, theme TEXT, themes TEXT, language TEXT,
    date TEXT, year INTEGER, years TEXT, title TEXT, summary TEXT, narrator TEXT, place_names TEXT, body TEXT);
CREATE VIRTUAL TABLE testimonies_fts USING fts5(title, summary, body, narrator, place_names,
    content="testimonies", tokenize='porter unicode61 remove_diacritics 2');
"""


def build_database(path: Path, content: Path, procs: int = 2) -> int:
    """The public testimonies of `content` in SQLite with FTS5, as fts5.py reads them; returns how many."""
    from search.sources import scan_content

    from .fts5 import _load

    temporary = path.with_suffix(".partial")
    temporary.unlink(missing_ok=True)
    db = sqlite3.connect(temporary)
    db.executescript(SCHEMA)
    scan = scan_content(content)
    count = 0
    with db:
        for rows in _load(content, list(scan.files.values()), set(scan.files), dt.date.today(), procs):
            for _stat, doc, meta in rows:
                if doc is None or meta is None:
                    continue
                testimony_id, title, summary, body, narrator, place_names = doc
                _, places, themes, language, years, _start, _end, shown = meta
                event_date = json.loads(shown)[1]
                db.execute("INSERT INTO testimonies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (testimony_id, (json.loads(places) or [None])[0], places, (json.loads(themes) or [None])[0],
                            themes, language, event_date if isinstance(event_date, str) else json.dumps(event_date),
                            (json.loads(years) or [None])[0], years, title, summary, narrator, place_names, body))
                count += 1
        db.execute("INSERT INTO testimonies_fts(testimonies_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO testimonies_fts(testimonies_fts) VALUES ('optimize')")
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(temporary, path)
    return count


def _search_targets(seed: int, count: int, array_facets: bool = False) -> tuple[list[dict[str, str]], list[str]]:
    """The searches with words (full-text, with or without a filter), as our parameters and Datasette's paths."""
    ours, theirs = [], []
    for q in query_mix(seed, count):
        if not q.match:
            continue
        ours.append(q.params())
        params = [("_search", q.match), ("_searchmode", "raw")]
        if q.place:
            params.append(("places__arraycontains", q.place))
        if q.theme:
            params.append(("themes__arraycontains", q.theme))
        if q.language:
            params.append(("language", q.language))
        if array_facets:
            params += [("_facet_array", "places"), ("_facet_array", "themes"), ("_facet", "language"),
                       ("_facet_array", "years")]
        else:
            params += [("_facet", "place"), ("_facet", "theme"), ("_facet", "language"), ("_facet", "year")]
        params.append(("_size", "20"))
        theirs.append("/peer/testimonies.json?" + urlencode(params))
    return ours, theirs


def _cycler(targets: list[Target]):  # type: ignore[no-untyped-def]
    """Each client walks the list from its own random start, so all clients see the same mix."""
    def pick(rng: random.Random) -> Target:
        return targets[rng.randrange(len(targets))]
    return pick


class Datasette:
    """Datasette under uvicorn in .venv-peer."""

    def __init__(self, db: Path, workers: int, log: Path):
        self.db, self.workers, self.log = db, workers, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 300) -> None:
        python = PEER_VENV / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"peer: {python} is missing; run 'make peer' (it installs Datasette into .venv-peer)")
        command = [str(python), "-m", "uvicorn", "--factory", "peer_app:app", "--app-dir", str(Path(__file__).parent),
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
                   "--no-access-log", "--log-level", "warning"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            env={**os.environ, "PEER_DB": str(self.db)})
        deadline = time.monotonic() + timeout
        while get(self.base, "/peer/testimonies.json?_size=1")[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"peer: Datasette did not start; see {self.log}")
            time.sleep(0.3)

    def pss_mb(self) -> float:
        return tree_pss_mb(self.process.pid) if self.process else 0.0

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()


def _measure(base: str, targets: list[Target], clients: int, duration: float, rss) -> tuple[Summary, int, float]:  # type: ignore[no-untyped-def]
    samples = Load(base, _cycler(targets), clients, seed=clients).run_for(duration)
    errors = sum(s.status != 200 for s in samples)
    return summarize(samples, duration), errors, rss()


def _warm(base: str, targets: list[Target], seconds: float) -> None:
    Load(base, _cycler(targets), 4, seed=5).run_for(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.peer", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="testimonies in the synthetic collection")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients, for both servers")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per server and kind of request")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes of each server")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the servers this many times")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds of unmeasured traffic per server")
    parser.add_argument("--queries", type=int, default=2000, help="searches in the measured mix")
    parser.add_argument("--array-facets", action="store_true",
                        help="Datasette facets over the multi-valued columns (_facet_array), as ours count; slow")
    opts = parser.parse_args(argv)
    stop_on_sigterm()
    made = generate(SynthSpec(n=opts.size, seed=42))
    work = OUT / "peer" / f"n{opts.size}"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "peer.db"
    stamp = work / "peer.db.source"
    print(f"peer: {opts.size:,} synthetic testimonies, {opts.clients} clients, {opts.duration:g} s per server and "
          f"kind, {opts.workers} workers each, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    source = f"{made.root.name} {hashlib.sha256(SCHEMA.encode()).hexdigest()[:10]}"
    if not db.exists() or not stamp.exists() or stamp.read_text() != source:
        started = time.perf_counter()
        count = build_database(db, made.content)
        stamp.write_text(source)
        print(f"built {db} ({count:,} public testimonies) in {time.perf_counter() - started:.0f} s", flush=True)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as check:
        ids = [row[0] for row in check.execute("SELECT id FROM testimonies ORDER BY id")]
    rng = random.Random(11)
    record_ids = rng.sample(ids, min(500, len(ids)))
    # Many distinct searches (our result cache holds 256 per worker): mostly uncached, as Datasette's are.
    ours_search, theirs_search = _search_targets(7, opts.queries, opts.array_facets)
    warm_ours, warm_theirs = _search_targets(8, 200, opts.array_facets)
    plans = {
        "ours": {"search": [Target("search", "/api/search?" + urlencode(p)) for p in ours_search],
                 "record": [Target("record", f"/api/t/{quote(i)}") for i in record_ids],
                 "warm": [Target("warm", "/api/search?" + urlencode(p)) for p in warm_ours]},
        "datasette": {"search": [Target("search", p) for p in theirs_search],
                      "record": [Target("record", f"/peer/testimonies/{quote(i)}.json") for i in record_ids],
                      "warm": [Target("warm", p) for p in warm_theirs]},
    }
    results: dict[tuple[str, str], list[tuple[Summary, int, float]]] = {}
    ours = Served(made.content, work / "instance", work / "serve.log", workers=opts.workers)
    theirs = Datasette(db, opts.workers, work / "datasette.log")
    try:
        ready = ours.start(timeout=3600, warm=("/", "/api/search?q=the"))
        theirs.start()
        print(f"ours answered after {ready:.0f} s; Datasette at {theirs.base}", flush=True)
        servers = {"ours": (ours.base, lambda: tree_pss_mb(ours.master)), "datasette": (theirs.base, theirs.pss_mb)}
        for name, (base, _) in servers.items():
            _warm(base, plans[name]["warm"] + plans[name]["record"], opts.warmup)
        for number in range(opts.rounds):
            order = ["ours", "datasette"] if number % 2 == 0 else ["datasette", "ours"]
            for kind in ("search", "record"):
                for name in order:
                    base, rss = servers[name]
                    result = _measure(base, plans[name][kind], opts.clients, opts.duration, rss)
                    results.setdefault((name, kind), []).append(result)
                    s = result[0]
                    print(f"  {name:9} {kind:6}: {s.per_second:7.1f} requests/s, p50 {s.p50_ms:6.1f} ms, "
                          f"p95 {s.p95_ms:6.1f} ms, {result[1]} errors", flush=True)
        ours_processes = server_phase.memory(ours)  # ours by process, after all its measurements
    finally:
        theirs.stop()
        ours.stop()
    return report(results, opts, ours_processes)


def _by_process(found: dict[str, Any]) -> str:
    """"master 23 (anon 18) + workers 60, 61 (anon ...) + ..." from server_phase.memory's answer."""
    parts = []
    for role, values in found["pss_mb"].items():
        if values:
            anon = ", ".join(f"{part['anon']:.0f}" for part in found["pss_parts_mb"][role])
            parts.append(f"{role} {', '.join(f'{v:.0f}' for v in values)} (anon {anon})")
    return " + ".join(parts)


def report(results: dict[tuple[str, str], list[tuple[Summary, int, float]]], opts: argparse.Namespace,
           ours_processes: dict[str, Any] | None = None) -> int:
    def combined(name: str, kind: str) -> tuple[float, float, float, int, float]:
        runs = results[(name, kind)]
        rate = sum(s.per_second for s, _, _ in runs) / len(runs)
        p50 = sorted(s.p50_ms for s, _, _ in runs)[len(runs) // 2]
        p95 = sorted(s.p95_ms for s, _, _ in runs)[len(runs) // 2]
        return rate, p50, p95, sum(e for _, e, _ in runs), max(r for _, _, r in runs)

    rows = []
    verdicts = []
    search_label = "search + facets (Datasette: " + ("_facet_array)" if opts.array_facets else "_facet on first values)")
    for kind, label in (("search", search_label), ("record", "one record")):
        o, d = combined("ours", kind), combined("datasette", kind)
        rows.append((label, f"ours (gunicorn gthread x{THREADS})", f"{o[0]:.1f}", f"{o[1]:.1f}", f"{o[2]:.1f}", str(o[3]),
                     f"{o[4]:.0f}"))
        rows.append(("", "Datasette 0.65.5 (uvicorn)", f"{d[0]:.1f}", f"{d[1]:.1f}", f"{d[2]:.1f}", str(d[3]),
                     f"{d[4]:.0f}"))
        ratio = (o[0] / d[0] if d[0] else float("nan"), o[1] / d[1] if d[1] else float("nan"),
                 o[2] / d[2] if d[2] else float("nan"))
        rows.append(("", "ratio ours/Datasette", f"{ratio[0]:.2f}x", f"{ratio[1]:.2f}x", f"{ratio[2]:.2f}x", "", ""))
        if kind == "search":
            ok = ratio[0] >= 0.5 and ratio[1] <= 2 and ratio[2] <= 2
            verdicts.append(f"search within 2x of Datasette (throughput >= 0.5x, p50 and p95 <= 2x): "
                            f"{'yes' if ok else 'NO'}")
    header = ("request", "server", "req/s", "p50 ms", "p95 ms", "errors", "PSS MB")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print()
    for cells in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(c.rjust(widths[i]) if i > 1 else c.ljust(widths[i]) for i, c in enumerate(cells)))
    print(f"\nBoth servers: {opts.workers} worker processes, {opts.clients} clients, {opts.duration:g} s per "
          f"measurement, {opts.rounds} round(s), the same loopback load generator; one server runs at a time. "
          f"Datasette: {opts.workers} uvicorn processes (each with Datasette's 3 SQL threads), immutable database; "
          f"ours: {opts.workers} gunicorn workers + the idle background indexer. PSS: all processes of that "
          f"server at the end of the measurement.")
    ours_pss = max(r for runs in (results[("ours", k)] for k in ("search", "record")) for _, _, r in runs)
    theirs_pss = max(r for runs in (results[("datasette", k)] for k in ("search", "record")) for _, _, r in runs)
    print(f"Memory (PSS, whole server, largest after any measurement): ours {ours_pss:,.0f} MB, Datasette "
          f"{theirs_pss:,.0f} MB: {ours_pss / theirs_pss:.2f}x (issue 14's target: at most 2x at 10,000)")
    if ours_processes:
        print(f"Ours by process at the end, PSS MB: {_by_process(ours_processes)}; "
              f"{ours_processes['pss_total_mb']:,.0f} MB in all")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"peer-n{opts.size}.json").write_text(json.dumps(
        {"size": opts.size, "date": dt.datetime.now().isoformat(timespec="seconds"), "workers": opts.workers,
         "clients": opts.clients, "load_average": os.getloadavg()[0], "ours_pss_mb": round(ours_pss, 1),
         "datasette_pss_mb": round(theirs_pss, 1), "ours_by_process": ours_processes}, indent=1), encoding="utf-8")
    for line in verdicts:
        print(line)
    errors = sum(e for runs in results.values() for _, e, _ in runs)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
