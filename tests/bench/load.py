"""`make load`: reader traffic at rising concurrency against `archive serve`, while a curator works.

    python -m tests.bench.load [--size 10000] [--levels 1,4,16,32] [--duration 20] [--workers 2]

The synthetic collection (synth.py, cached under tests/bench/out/collections/) is copied
to tests/bench/out/load/n<size>/content at each run (its instance directory, with the
index, is kept between runs, so only the files a previous run changed are re-indexed).
Some public testimonies get a unique word each ("zqload..."): the curator's targets.

Readers: search pages, testimony pages, API searches and API records (loadgen.py), never
a curator's target, so every answer should be a 200. At each level of concurrency they
run for `duration` seconds while the curator, signed in at /curate (account made with
`archive curator add NAME`, password on stdin), alternately withdraws one target (the
consent form, with a reason) and edits another (the edit form), every few seconds. When
the curator interface is not usable, the curator edits the files instead, and the table
says so. After each withdrawal's response returns, a separate client searches for the
target's word and opens its page at once: it must be gone on that very first request.

The table: per level, requests, requests/s, p50/p95/p99 latency, errors (must be 0) and
the peak resident memory of all server processes (master, workers, indexer, sampled from
/proc); then the withdrawals. Exit 1 when any request failed, or when a withdrawal made
through the curator interface was still found by the next request.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .curator import CuratorUnavailable, FileCurator, WebCurator, add_account
from .loadgen import Load, Summary, get, mixed_picker, summarize
from .queries import query_mix
from .serving import Served
from .synth import OUT, SynthSpec, generate

__all__ = ["main"]


def word(number: int) -> str:
    letters = ""
    number += 26 * 26
    while number:
        number, rest = divmod(number, 26)
        letters = chr(97 + rest) + letters
    return f"zqload{letters}"


@dataclass
class Withdrawal:
    id: str
    via: str
    returned: float  # monotonic, when the curator's response arrived
    first_search_absent: bool = False
    first_page_gone: bool = False
    absent_after: float | None = None  # seconds from the response to the start of the first request not finding it
    first_request_ms: float = 0.0


class Memory(threading.Thread):
    """Samples the server's total resident memory twice a second."""

    def __init__(self, server: Served):
        super().__init__(daemon=True)
        self.server, self.stop, self.peak, self.level_peak = server, threading.Event(), 0.0, 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            rss = self.server.rss_mb()
            self.peak, self.level_peak = max(self.peak, rss), max(self.level_peak, rss)
            self.stop.wait(0.5)


class CuratorActor(threading.Thread):
    """Withdraws and edits targets in turn, every `every` seconds, and checks each withdrawal at once."""

    def __init__(self, server: Served, curator: WebCurator | FileCurator, fallback: FileCurator,
                 targets: list[tuple[str, str]], every: float):
        super().__init__(daemon=True)
        self.server, self.curator, self.fallback, self.targets, self.every = server, curator, fallback, targets, every
        self.stop = threading.Event()
        self.withdrawals: list[Withdrawal] = []
        self.edits = 0
        self.notes: list[str] = []
        self.active = threading.Event()

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            if not self.active.is_set() or not self.targets:
                self.stop.wait(0.2)
                continue
            turn += 1
            testimony, marker = self.targets.pop(0)
            try:
                if turn % 2:
                    self._withdraw(testimony, marker)
                else:
                    self.curator.edit(testimony, lambda body: body.rstrip("\n") +
                                      "\n\nA curator revised this account during the load test.\n")
                    self.edits += 1
            except CuratorUnavailable as exc:
                if self.curator is not self.fallback:
                    self.notes.append(f"the curator interface failed ({exc}); file edits from then on")
                    self.curator = self.fallback
            self.stop.wait(self.every)

    def _withdraw(self, testimony: str, marker: str) -> None:
        returned = self.curator.withdraw(testimony, "The narrator asked to withdraw (load test).")
        done = Withdrawal(testimony, "web" if isinstance(self.curator, WebCurator) else "file", returned)
        search = f"/api/search?{urlencode({'q': marker})}"
        first = True
        while time.monotonic() - returned < 120:
            started = time.monotonic()
            status, body = get(self.server.base, search)
            took = time.monotonic() - started
            page_status, _ = get(self.server.base, f"/t/{testimony}")
            absent = status == 200 and testimony.encode() not in body
            if first:
                done.first_search_absent, done.first_page_gone = absent, page_status == 410
                done.first_request_ms = took * 1000
                first = False
            if absent and page_status == 410:
                done.absent_after = started - returned
                break
            time.sleep(0.1)
        self.withdrawals.append(done)


def _restore(made_content: Path, content: Path) -> None:
    """A fresh copy of the cached collection, with its files' times (so a kept index only redoes what changed)."""
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(made_content, content)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: " | ".join(c.rjust(widths[i]) if i else c.ljust(widths[i])  # noqa: E731
                                    for i, c in enumerate(cells))
    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def warm_up(server: Served, pick, limit: float) -> float:  # type: ignore[no-untyped-def]
    """Reader traffic until every worker has loaded the collection and the index (p95 under 2 s)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        summary = summarize(Load(server.base, pick, 4, seed=99).run_for(10), 10)
        if summary.requests and not summary.failed and summary.p95_ms < 2000:
            break
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="testimonies in the synthetic collection")
    parser.add_argument("--levels", default="1,4,16,32", help="concurrent clients, level by level")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--curator-every", type=float, default=3.0, help="seconds between the curator's actions")
    parser.add_argument("--warmup", type=float, default=300.0, help="at most this many seconds of warm-up")
    opts = parser.parse_args(argv)
    levels = [int(x) for x in opts.levels.split(",") if x.strip()]

    made = generate(SynthSpec(n=opts.size, seed=42))
    work = OUT / "load" / f"n{opts.size}"
    content, instance = work / "content", work / "instance"
    print(f"load: {opts.size:,} synthetic testimonies ({'cached' if made.cached else 'generated'}), levels {levels}, "
          f"{opts.duration:g} s each, {opts.workers} workers, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    _restore(made.content, content)
    public = [d for d in made.docs if d.public and d.language == "en" and not d.redacted]
    wanted = int(sum(opts.duration for _ in levels) / max(opts.curator_every, 0.5)) + 10
    seeded = public[:wanted]
    targets = []
    for number, doc in enumerate(seeded):
        path = content / doc.path
        path.write_text(path.read_text("utf-8") + f"\nThe load word {word(number)} closes this account.\n", "utf-8")
        targets.append((doc.id, word(number)))
    skip = {d.id for d in seeded}
    ids = [d.id for d in made.docs if d.public and d.id not in skip]
    pick = mixed_picker(ids, [q.params() for q in query_mix(7, 200)])

    name, password = "load-curator", secrets.token_urlsafe(18)
    account_error = add_account(content, instance, name, password)
    server = Served(content, instance, work / "serve.log", workers=opts.workers)
    (work / "serve.log").unlink(missing_ok=True)
    memory = Memory(server)
    try:
        ready = server.start(timeout=3600, warm=("/", "/api/search?q=the"))
        memory.start()
        warmed = warm_up(server, pick, opts.warmup)
        print(f"archive serve answered after {ready:.0f} s; warm after {warmed:.0f} s more "
              f"(every worker loads the collection on its first request)", flush=True)
        fallback = FileCurator(content, {d.id: d.path for d in seeded})
        curator: WebCurator | FileCurator = fallback
        why = account_error
        if not why:
            web = WebCurator(server.base, name, password)
            try:
                web.sign_in()
                curator = web
            except CuratorUnavailable as exc:
                why = str(exc)
        actor = CuratorActor(server, curator, fallback, targets, opts.curator_every)
        if why:
            actor.notes.append(f"the curator interface is not usable ({why}); the curator edits the files")
        actor.start()
        rows: list[tuple[str, ...]] = []
        errors = 0
        statuses: dict[str, int] = {}
        for clients in levels:
            memory.level_peak = server.rss_mb()
            before = len(actor.withdrawals), actor.edits
            actor.active.set()
            samples = Load(server.base, pick, clients, seed=clients).run_for(opts.duration)
            actor.active.clear()
            summary: Summary = summarize(samples, opts.duration)
            bad = [s for s in samples if s.status != 200]
            for s in bad:
                label = str(s.status) if s.status else f"no answer ({s.error.split(':')[0]})"
                statuses[label] = statuses.get(label, 0) + 1
            errors += len(bad)
            rows.append((str(clients), str(summary.requests), f"{len(samples) / opts.duration:.1f}",
                         _ms(summary.p50_ms), _ms(summary.p95_ms), _ms(summary.p99_ms), str(len(bad)),
                         f"{memory.level_peak:.0f}",
                         f"{len(actor.withdrawals) - before[0]} / {actor.edits - before[1]}"))
            print(f"  {clients} clients: {len(samples) / opts.duration:.1f} requests/s, p50 {summary.p50_ms:.0f} ms, "
                  f"p95 {summary.p95_ms:.0f} ms, {len(bad)} errors", flush=True)
        actor.stop.set()
        actor.join(150)
    finally:
        memory.stop.set()
        code = server.stop()
    print()
    print(_table(("clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "peak RSS MB",
                  "withdrawn / edited"), rows))
    if statuses:
        print("errors: " + ", ".join(f"{v} x {k}" for k, v in sorted(statuses.items()))
              + " (a client gives up after 30 s without an answer)")
    print(f"\nThe curator worked through {curator.via}.")
    for note in actor.notes:
        print(f"  - {note}")
    w = actor.withdrawals
    immediate = [x for x in w if x.first_search_absent and x.first_page_gone]
    times = [x.absent_after for x in w if x.absent_after is not None]
    print(f"Withdrawals: {len(w)}; gone from search and page on the very next request: {len(immediate)}/{len(w)}; "
          f"time from the curator's response to absence: max "
          f"{max(times) if times else float('nan'):.2f} s (first check request took "
          f"{max((x.first_request_ms for x in w), default=0):.0f} ms at most)"
          f"{'; never gone: ' + str(len(w) - len(times)) if len(times) < len(w) else ''}.")
    print(f"Peak memory of all server processes (master, {opts.workers} workers, indexer): {memory.peak:.0f} MB.")
    print(f"archive serve stopped with exit status {code}; its log: {server.log_path}")
    late_web = [x for x in w if x.via == "web" and not (x.first_search_absent and x.first_page_gone)]
    failed = errors > 0 or bool(late_web) or len(times) < len(w)
    print("verdict:", "FAIL" if failed else "pass",
          f"({errors} errors; {len(late_web)} withdrawals through the interface still visible on the next request)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
