"""What a one-file update and a scan of the content directory cost, at each size (issue 14).

    python -m tests.bench.update_cost --sizes 10000,100000 [--rounds 3] [--profile] [--instance DIR]
        [--withdraw] [--cli]

For each size: the synthetic collection (synth.py, cached), an index built once into
tests/bench/out/runs/update-n<N>/instance (kept for the next run; `--instance` names another, such
as the one `make bench` built in tests/bench/out/runs/n<N>/instance), then:

- the scan (archive.scanning) the indexer's loop makes every ~2 s, with and without the
  fingerprint it compares, and the index's view of it with the bucket hashes;
- a one-file update by a full scan: one testimony gets one more sentence, `update_index` runs in this process
  (wall and CPU time, imports excluded), and the file is put back as it was (and indexed again);
  the last round's time is split by step (scan, plan, read and judge, Whoosh commit, catalogue,
  manifest, ...), each step's wall time as measured around the function that does it;
- the same by the background indexer's route: the kernel tells which file changed (archive.following,
  inotify), only that file is statted and only its bucket hashed again; the best of `--rounds`, and the
  last round by step;
- `--withdraw`: the same file's consent set to `access: withdrawn`, which must purge it from the
  index (its segment rewritten without it), timed until `update_index` returns; then put back;
- `--cli`: the interpreter's start and imports (`python -c "import search.indexer"`), and the
  whole `archive index --public-only` after a one-file edit, as a person at a terminal waits for it.

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
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from .synth import OUT, ROOT, SynthSpec, generate

__all__ = ["main", "Steps"]

# (module, attribute, step): the functions an update calls, looked up where the indexer calls them.
STEPS = (
    ("search.indexer", "scan_content", "scan"),
    ("search.indexer", "_rebuild_reason", "is the index whole (TOC, catalogue)"),
    ("search.indexer", "plan_changes", "plan: bucket hashes, compare"),
    ("search.indexer", "read_testimony", "read and parse the file"),
    ("search.indexer", "judge", "consent: judge"),
    ("search.indexer", "index_document", "the document's fields"),
    ("search.build", "update_generation", "Whoosh commit"),
    ("search.build", "repair", "repair (leftovers)"),
    ("search.indexer", "update_catalogue", "catalogue update"),
    ("search.indexer", "invalid_files", "report: invalid files"),
    ("search.indexer", "warnings", "report: warnings"),
    ("search.indexer", "open_store", "manifest: open"),
    ("search.indexer", "kept_vocabularies", "vocabularies: places.yaml, themes.yaml"),
    ("search.indexer", "_next_head", "manifest: next head (embargoes)"),
    ("search.indexer", "writer_lock", "writers' lock"),
    ("search.indexer", "_relative", "changed paths"),
)
STORE_STEPS = (("update", "manifest: write"), ("indexed_count", "manifest: count"), ("head", "manifest: head"))


class Steps:
    """Wall seconds spent in each step's function while `timing()` is open (the functions are wrapped
    where the indexer looks them up, and put back after)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def _wrap(self, function: Callable[..., Any], step: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - started
        return timed

    @contextmanager
    def timing(self) -> Iterator[None]:
        import importlib

        from search.manifest_store import Store
        saved = []
        for module_name, name, step in STEPS:
            module = importlib.import_module(module_name)
            saved.append((module, name, getattr(module, name)))
            setattr(module, name, self._wrap(getattr(module, name), step))
        for name, step in STORE_STEPS:
            saved.append((Store, name, getattr(Store, name)))
            setattr(Store, name, self._wrap(getattr(Store, name), step))
        try:
            yield
        finally:
            for owner, name, original in saved:
                setattr(owner, name, original)


def _best(rounds: int, work: Callable[[], Any]) -> tuple[float, float]:
    """(CPU, wall) seconds of the fastest of `rounds` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
    return best


def _line(label: str, cpu: float | None, wall: float) -> None:
    shown = "" if cpu is None else f"cpu {cpu * 1000:8.1f} ms"
    load = "load %.1f" % os.getloadavg()[0]
    print(f"  {label:44s} {shown:15s}   wall {wall * 1000:8.1f} ms   ({load})", flush=True)


@contextmanager
def _edited(target: Path, text: bytes, reindex: Callable[[], Any]) -> Iterator[None]:
    """`target` holds `text` inside the block; after it, its bytes and mtime as before, indexed again."""
    original, stat = target.read_bytes(), target.stat()
    try:
        target.write_bytes(text)
        yield
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        reindex()


def _segments(instance: Path) -> list[int]:
    """Documents (live and deleted) of each segment of the public index now serving."""
    from whoosh import index as whoosh_index

    from search.manifest import IndexPaths, read_serial
    paths = IndexPaths(instance)
    serial = read_serial(paths)
    if serial is None:
        return []
    ix = whoosh_index.open_dir(str(paths.generation(serial[1])))
    return sorted(s.doc_count_all() for s in ix._segments())


def _cli(config: Any, target: Path, original: bytes) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import search.indexer"], check=True, cwd=ROOT)
    _line("interpreter start + import search.indexer", None, time.perf_counter() - started)
    archive = Path(sys.executable).with_name("archive")
    command = [str(archive), "index", "--public-only", "--procs", "1", "--content", str(config.content),
               "--instance", str(config.instance)]
    with _edited(target, original + b"\nA later revision added one word, quokkacli.\n",
                 lambda: subprocess.run(command, check=True, capture_output=True)):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        _line("archive index --public-only, one file edited", None, time.perf_counter() - started)
        print(f"    ({done.stdout.strip()})", flush=True)


def _withdraw(config: Any, today: dt.date, target: Path, original: bytes, update: Callable[..., Any]) -> None:
    text = original.decode("utf-8")
    assert "  access: public\n" in text, target
    before = _segments(config.instance)
    with _edited(target, text.replace("  access: public\n", "  access: withdrawn\n", 1).encode(),
                 lambda: update(config, today, wait=0, procs=1)):
        wall, cpu = time.perf_counter(), time.process_time()
        report = update(config, today, wait=0, procs=1)
        _line("withdrawal (a purge) until update_index returns", time.process_time() - cpu,
              time.perf_counter() - wall)
        assert report.removed and not report.rebuilt, report.summary()
        print(f"    segments before (documents each): {before}\n    after: {_segments(config.instance)}", flush=True)


def measure(n: int, rounds: int, profile: bool, procs: int, instance: Path | None, withdraw: bool, cli: bool) -> None:
    from archive.config import Config
    from archive.scanning import scan
    from search import update_index
    from search.buckets import fill
    from search.manifest import IndexPaths
    from search.sources import scan_content

    made = generate(SynthSpec(n=n), procs=procs)
    config = Config(made.content, instance or OUT / "runs" / f"update-n{n}" / "instance")
    today = dt.date.today()
    print(f"== {n:,} testimonies ({made.content}; index in {config.instance})", flush=True)
    if not IndexPaths(config.instance).manifest.is_file():
        started = time.perf_counter()
        update_index(config, today, procs=procs)
        print(f"  (index built in {time.perf_counter() - started:.0f} s)", flush=True)
    update_index(config, today, procs=1)  # whatever changed since: the rounds start from a fresh index
    print(f"  segments (documents each): {_segments(config.instance)}", flush=True)
    key = IndexPaths(config.instance).keys()
    _line("scan", *_best(rounds, lambda: scan(made.content)))
    _line("scan + its fingerprint (the indexer's poll)", *_best(rounds, lambda: scan(made.content).signature))
    _line("index view + bucket hashes", *_best(rounds, lambda: fill(scan_content(made.content), key)))
    target = made.content / next(d.path for d in made.docs if d.public and d.language == "en")
    original = target.read_bytes()
    best = (float("inf"), float("inf"))
    profiler, steps = None, Steps()
    with _edited(target, original, lambda: update_index(config, today, wait=0, procs=1)):
        for number in range(rounds):
            target.write_bytes(original + f"\nA later revision added one word, quokkaround{number}.\n".encode())
            last = number == rounds - 1
            profiler = cProfile.Profile() if profile and last else None
            steps = Steps()
            with steps.timing() if last and not profile else _nothing():
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                report = update_index(config, today, wait=0, procs=1)
                if profiler:
                    profiler.disable()
                took = (time.process_time() - cpu, time.perf_counter() - wall)
            best = min(best, took)
            assert report.updated and not report.rebuilt, report.summary()
    _line("one-file update (update_index), best", *best)
    if steps.seconds:
        _line("  its last round", *took)
        for step, seconds in sorted(steps.seconds.items(), key=lambda item: -item[1]):
            _line(f"    {step}", None, seconds)
        _line("    the rest (lock, keys, head, ...)", None, took[1] - sum(steps.seconds.values()))
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    _changed_paths(config, today, target, original, rounds)
    if withdraw:
        _withdraw(config, today, target, original, update_index)
    if cli:
        _cli(config, target, original)


def _changed_paths(config: Any, today: dt.date, target: Path, original: bytes, rounds: int) -> None:
    """The background indexer's route (web.indexer): the kernel says which file changed (archive.following),
    only it is statted, and only its bucket is hashed again (search.buckets.keep_last)."""
    from archive.following import Following
    from search import buckets, update_index
    from search.sources import scan_content

    started = time.perf_counter()
    following = Following(config.content, full_every=float("inf"))
    _line("inotify watches on every folder", None, time.perf_counter() - started)
    buckets.keep_last()
    try:
        update_index(config, today, wait=0, procs=1, scan=scan_content(config.content, following.next()))
        best, steps = (float("inf"), float("inf")), Steps()
        with _edited(target, original, lambda: update_index(config, today, wait=0, procs=1)):
            for number in range(rounds):
                target.write_bytes(original + f"\nA later revision added one word, quokkanotice{number}.\n".encode())
                steps = Steps()
                with steps.timing():
                    wall, cpu = time.perf_counter(), time.process_time()
                    listing = following.next()
                    seen = time.perf_counter() - wall
                    report = update_index(config, today, wait=0, procs=1, scan=scan_content(config.content, listing))
                    took = (time.process_time() - cpu, time.perf_counter() - wall)
                assert following.route == "changed paths" and report.updated and not report.rebuilt, report.summary()
                best = (min(best[0], took[0]), min(best[1], took[1]))
        _line("one-file update from the changed paths, best", *best)
        print("    (the best CPU time and the best wall time of the rounds, each on its own)", flush=True)
        _line("  its last round", *took)
        _line("    the changed paths, statted (Following.next)", None, seen)
        for step, seconds in sorted(steps.seconds.items(), key=lambda item: -item[1]):
            _line(f"    {step}", None, seconds)
        _line("    the rest (scan_content, lock, keys, head, ...)", None, took[1] - seen - sum(steps.seconds.values()))
    finally:
        buckets.keep_last(False)
        following.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="cProfile the last round (instead of the steps)")
    parser.add_argument("--instance", type=Path, help="an instance whose index to use (one size only)")
    parser.add_argument("--withdraw", action="store_true", help="also time a withdrawal, which purges")
    parser.add_argument("--cli", action="store_true", help="also time imports and `archive index` as a command")
    opts = parser.parse_args(argv)
    for n in (int(s) for s in opts.sizes.split(",")):
        measure(n, opts.rounds, opts.profile, opts.procs, opts.instance, opts.withdraw, opts.cli)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
