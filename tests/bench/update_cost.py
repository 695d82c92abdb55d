"""What a one-file update and a scan of the content directory cost, at each size (issue 14).

    python -m tests.bench.update_cost --sizes 10000,100000 [--profile] [--rounds 3]

For each size: the synthetic collection (synth.py, cached), an index built once into
tests/bench/out/runs/update-n<N>/instance (kept for the next run), then:

- the scan (archive.scanning) the indexer's loop makes every ~2 s, with and without the
  fingerprint it compares, and the index's view of it with the bucket hashes;
- a one-file update: one testimony gets one more sentence, `update_index` runs in this process
  (wall and CPU time, imports excluded), and the file is put back as it was (and indexed again).

Times are the best of `--rounds`; on a shared machine compare CPU times. `--profile` prints
cProfile's top entries for the last round of the update.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import time
from pathlib import Path
from typing import Any, Callable

from .synth import OUT, SynthSpec, generate

__all__ = ["main"]


def _best(rounds: int, work: Callable[[], Any]) -> tuple[float, float]:
    """(CPU, wall) seconds of the fastest of `rounds` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
    return best


def _line(label: str, cpu: float, wall: float) -> None:
    print(f"  {label:44s} cpu {cpu * 1000:8.1f} ms   wall {wall * 1000:8.1f} ms", flush=True)


def measure(n: int, rounds: int, profile: bool, procs: int) -> None:
    from archive.config import Config
    from archive.scanning import scan
    from search import update_index
    from search.buckets import fill
    from search.manifest import IndexPaths
    from search.sources import scan_content

    made = generate(SynthSpec(n=n), procs=procs)
    config = Config(made.content, OUT / "runs" / f"update-n{n}" / "instance")
    today = dt.date.today()
    print(f"== {n:,} testimonies ({made.content})", flush=True)
    if not IndexPaths(config.instance).manifest.is_file():
        started = time.perf_counter()
        update_index(config, today, procs=procs)
        print(f"  (index built in {time.perf_counter() - started:.0f} s)", flush=True)
    update_index(config, today, procs=1)  # whatever changed since: the rounds start from a fresh index
    key = IndexPaths(config.instance).keys()
    _line("scan", *_best(rounds, lambda: scan(made.content)))
    _line("scan + its fingerprint (the indexer's poll)", *_best(rounds, lambda: scan(made.content).signature))
    _line("index view + bucket hashes", *_best(rounds, lambda: fill(scan_content(made.content), key)))
    target = made.content / next(d.path for d in made.docs if d.public and d.language == "en")
    original, stat = target.read_bytes(), target.stat()
    best = (float("inf"), float("inf"))
    profiler = None
    try:
        for number in range(rounds):
            target.write_bytes(original + f"\nA later revision added one word, quokkaround{number}.\n".encode())
            profiler = cProfile.Profile() if profile and number == rounds - 1 else None
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            report = update_index(config, today, wait=0, procs=1)
            if profiler:
                profiler.disable()
            best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
            assert report.updated and not report.rebuilt, report.summary()
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        update_index(config, today, wait=0, procs=1)
    _line("one-file update (update_index)", *best)
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    opts = parser.parse_args(argv)
    for n in (int(s) for s in opts.sizes.split(",")):
        measure(n, opts.rounds, opts.profile, opts.procs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
