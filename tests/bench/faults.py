"""`make faults`: `archive serve` under steady load on loopback, through five faults, one after another.

    python -m tests.bench.faults [--size 1500] [--clients 4] [--hold 10] [--settle 5] [--timeout 180]

A synthetic collection (tests/bench/synth.py, cached) is copied into a temporary
directory with a fresh instance directory. Some public testimonies get a unique drill
word ("zqdrill...") and some withdrawn ones a unique word of their own ("zqgone...").
Then, with reader traffic running (search pages, testimony pages, API searches and
records), each fault is applied in turn, and most withdraw one of the drill testimonies
at the moment of the fault:

  a. SIGKILL the background indexer in the middle of a full rebuild (started by touching
     every testimony file);
  b. drop malformed testimony files (broken YAML, invalid UTF-8, empty) into the content;
  c. delete the index directory (and change nothing else, so only the indexer can notice);
  d. make the instance directory read-only for a while (`chattr +i` when running as root,
     where chmod stops nobody; `chmod a-w` otherwise), withdrawing a testimony meanwhile;
  e. restart the workers: SIGHUP to gunicorn's master, then SIGKILL of one worker;
  f. a narrowing edit (the narrator becomes anonymous, the drill word is wrapped in
     [[redact: ...]], places coarsened to the governorate) while the indexer is stopped (SIGSTOP);
  g. the same edit while the index directory is read-only;
  h. the same edit while a rebuild runs (started by an edit of places.yaml).

A narrowed testimony stays public: for it, a leak is its drill word in any answer, its
narrator's name on its own page or record, or a search for the drill word finding it.

After each fault the drill waits until the index is fresh again (`index_status`), search
answers and every withdrawn drill testimony is gone from pages and search; that moment
ends the fault's window. A sentinel client polls every withdrawn testimony's record and
its drill word in search all through the run, and every response body is scanned for the
words: a withdrawn testimony seen again after it was once gone (or a pre-withdrawn one
seen at all) is a leak. Every content file is hashed before and after each fault (the
only expected changes are the drill's own withdrawals and malformed files). The table:
fault | requests | 5xx in window | 5xx outside | leaks | recovered after | files intact |
verdict, with the log lines the server wrote meanwhile. Exit 1 when any verdict fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from .loadgen import Load, Sample, get, mixed_picker
from .queries import query_mix
from .serving import Served
from .synth import OUT, DocInfo, SynthSpec, generate

__all__ = ["main"]

NATO = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo")
LOG_WORDS = ("[archive indexer]", "background indexer", "ERROR", "error", "warning", "Traceback", "Worker", "Booting", "Handling signal",
             "zz-drill")


@dataclass
class Watched:
    """A withdrawn testimony the drill watches: from `gone_at` on, seeing it again is a leak."""

    id: str
    path: str
    marker: str
    withdrawn_at: float | None = None  # None: still public
    gone_at: float | None = None
    leaks: list[tuple[float, str]] = field(default_factory=list)
    narrowed: str | None = None  # the narrator's name, once a narrowing edit hid it (the testimony stays public)


@dataclass
class Fault:
    """One fault as it happened."""

    key: str
    name: str
    t0: float = 0.0
    undone: float | None = None  # when the fault was taken away again (read-only instance)
    recovered: float | None = None
    end: float = 0.0
    notes: list[str] = field(default_factory=list)
    ok: bool = True  # the fault itself happened as intended
    log: str = ""
    intact: bool = True
    intact_note: str = ""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _read_only(path: Path, on: bool) -> str:
    """Make `path` (recursively) read-only or writable again; returns how."""
    if os.geteuid() == 0 and shutil.which("chattr"):
        done = subprocess.run(["chattr", "-R", "+i" if on else "-i", str(path)], capture_output=True, text=True)
        if done.returncode == 0:
            return "chattr +i (running as root: chmod would not stop root)"
        if on:
            raise RuntimeError(f"chattr failed: {done.stderr.strip()}")
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files, ""]:
            target = Path(folder, name) if name else Path(folder)
            mode = target.stat().st_mode
            target.chmod(mode & ~0o222 if on else mode | 0o200)
    return "chmod -R a-w"


class Drill:
    def __init__(self, opts: argparse.Namespace, work: Path, made_docs: tuple[DocInfo, ...]):
        from archive.config import Config

        self.opts = opts
        self.content, self.instance = work / "content", work / "instance"
        self.config = Config(self.content, self.instance)
        self.out = OUT / "faults"
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "serve.log").unlink(missing_ok=True)
        self.server = Served(self.content, self.instance, self.out / "serve.log", workers=opts.workers)
        self.docs = made_docs
        self.watched: list[Watched] = []
        self.spare: list[Watched] = []
        self.expected: dict[str, str] = {}
        self.added: set[str] = set()
        self.sentinel_samples: list[Sample] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.frozen = False

    # --- preparation ----------------------------------------------------------------------------

    def seed(self) -> None:
        """Drill words into some public and some withdrawn testimonies (before the server starts)."""
        public = [d for d in self.docs if d.state == "public" and d.language == "en" and not d.redacted]
        gone = [d for d in self.docs if d.state == "withdrawn" and d.language == "en"]
        public = [d for d in public if d.identity == "named" and d.place_detail == "exact"]
        for number, doc in enumerate(public[:9]):
            self.spare.append(self._mark(doc, f"zqdrill{NATO[number]}"))
        for number, doc in enumerate(gone[:3]):
            watched = self._mark(doc, f"zqgone{NATO[number]}")
            watched.withdrawn_at = watched.gone_at = 0.0  # never public: any sighting is a leak
            self.watched.append(watched)
        self.expected = hash_tree(self.content)

    def _mark(self, doc: DocInfo, marker: str) -> Watched:
        path = self.content / doc.path
        path.write_text(path.read_text("utf-8") + f"\nThe drill word {marker} closes this account.\n", "utf-8")
        return Watched(doc.id, doc.path, marker)

    def withdraw(self) -> Watched:
        """Withdraw the next drill testimony by editing its file (atomically, as an editor saves)."""
        watched = self.spare.pop(0)
        path = self.content / watched.path
        text = path.read_text("utf-8")
        assert "\n  access: public\n" in text, watched.path
        text = text.replace("\n  access: public\n", "\n  access: withdrawn\n", 1)
        temporary = path.with_name(f".{path.name}.drill-tmp")
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
        self.expected[watched.path] = hashlib.sha256(text.encode()).hexdigest()
        watched.withdrawn_at = time.monotonic()
        with self.lock:
            self.watched.append(watched)
        return watched

    def narrow(self) -> Watched:
        """Narrow the next drill testimony in place: anonymous, its drill word redacted, places coarsened."""
        watched = self.spare.pop(0)
        path = self.content / watched.path
        text = path.read_text("utf-8")
        name = text.split("\n  name: ", 1)[1].split("\n", 1)[0].strip('"')
        head, tail = text.split("\n  name: ", 1)
        line, rest = tail.split("\n", 1)  # the name stays in narrator.name, for curators; redacted elsewhere
        text = (head.replace(name, f"[[redact: {name}]]") + "\n  name: " + line + "\n"
                + rest.replace(name, f"[[redact: {name}]]"))
        text = text.replace("\n  identity: named\n", "\n  identity: anonymous\n", 1)
        text = text.replace("\n  access: public\n", "\n  access: public\n  place_detail: governorate\n", 1)
        text = text.replace(f"The drill word {watched.marker} ", f"The drill word [[redact: {watched.marker}]] ")
        assert "identity: anonymous" in text and f"[[redact: {watched.marker}]]" in text, watched.path
        temporary = path.with_name(f".{path.name}.drill-tmp")
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
        self.expected[watched.path] = hashlib.sha256(text.encode()).hexdigest()
        watched.narrowed = name
        watched.withdrawn_at = time.monotonic()
        with self.lock:
            self.watched.append(watched)
        return watched

    # --- watching -----------------------------------------------------------------------------------

    def inspect(self, sample: Sample, body: bytes) -> None:
        """Every response of the load: no withdrawn drill word once it was gone."""
        for watched in self.watched:
            if watched.gone_at is None or sample.start <= watched.gone_at:
                continue
            # a search for the word echoes it (search box, "no results for"): there, the id must not show
            found = watched.id if watched.marker in sample.path else watched.marker
            if found.encode() in body:
                watched.leaks.append((sample.start, f"{sample.path} ({sample.status})"))

    def sentinel(self) -> None:
        """Poll every withdrawn drill testimony's record and its word in search until stopped."""
        rounds = 0
        while not self.stop.is_set():
            rounds += 1
            with self.lock:
                watched = list(self.watched)
            for w in watched:
                if w.withdrawn_at == 0.0 and rounds % 4:
                    continue  # pre-withdrawn ones: every fourth round
                seen = []
                for kind, path in (("sentinel-api-t", f"/api/t/{w.id}"),
                                   ("sentinel-search", f"/api/search?{urlencode({'q': w.marker})}"),
                                   ("sentinel-page", f"/t/{w.id}")):
                    if kind == "sentinel-page" and rounds % 3:
                        continue
                    started = time.monotonic()
                    status, body = get(self.server.base, path, timeout=30)
                    self.sentinel_samples.append(Sample(kind, path, started, time.monotonic() - started, status))
                    visible = status == 200 and (kind != "sentinel-search" or w.id.encode() in body)
                    if w.narrowed and kind != "sentinel-search":  # still public: only what it hid may not show
                        visible = status == 200 and (w.marker.encode() in body or w.narrowed.encode() in body)
                    if visible:
                        seen.append(f"{path} ({status})")
                if seen and w.gone_at is not None:
                    w.leaks.extend((time.monotonic(), s) for s in seen)
                elif not seen and w.gone_at is None:
                    w.gone_at = time.monotonic()
            self.stop.wait(0.5)

    # --- recovery -----------------------------------------------------------------------------------

    def healthy(self) -> tuple[bool, str]:
        from archive.consent import Audience
        from search.indexer import index_status

        for audience in (Audience.PUBLIC, Audience.CURATOR):  # both indexes the server keeps
            try:
                status = index_status(self.config, dt.date.today(), audience)
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                return False, f"{audience.value} index status: {exc}"
            if not status.fresh:
                return False, f"{audience.value} index {status.state}: {status.reason}"
        code, _ = get(self.server.base, f"/api/search?{urlencode({'q': self.probe})}")
        if code != 200:
            return False, f"search answers {code}"
        pending = [w.id for w in self.watched if w.gone_at is None]
        if pending:
            return False, f"still public: {', '.join(pending)}"
        if self.server.indexer() is None:
            return False, "no background indexer is running"
        return True, ""

    def wait_recovered(self, fault: Fault, extra: Callable[[], tuple[bool, str]] | None = None) -> None:
        deadline = time.monotonic() + self.opts.timeout
        why = ""
        while time.monotonic() < deadline:
            ok, why = self.healthy()
            if ok and extra is not None:
                ok, why = extra()
            if ok:
                fault.recovered = time.monotonic()
                return
            time.sleep(0.25)
        fault.notes.append(f"not recovered within {self.opts.timeout:g} s: {why}")

    def check_files(self, fault: Fault) -> None:
        current = {k: v for k, v in hash_tree(self.content).items() if k not in self.added}
        lost = sorted(set(self.expected) - set(current))
        changed = sorted(k for k in self.expected if k in current and current[k] != self.expected[k])
        extra = sorted(set(current) - set(self.expected))
        fault.intact = not (lost or changed or extra)
        if not fault.intact:
            fault.intact_note = f"lost {lost[:3]}, changed {changed[:3]}, unexpected {extra[:3]}"

    # --- the faults ---------------------------------------------------------------------------------

    def kill_indexer_mid_build(self, fault: Fault) -> Callable[[], tuple[bool, str]]:
        generations = self.instance / "index" / "public"
        before = set(os.listdir(generations))
        old = self.server.indexer()
        watched = self.withdraw()
        fault.notes.append(f"withdrew {watched.id}")
        now = time.time_ns()
        touched = 0
        for path in self.content.rglob("*.md"):
            os.utime(path, ns=(now, now))
            touched += 1
        deadline = time.monotonic() + 60
        new: set[str] = set()
        while not new and time.monotonic() < deadline:
            new = set(os.listdir(generations)) - before
            time.sleep(0.05)
        if not new:
            fault.ok = False
            fault.notes.append("no rebuild started within 60 s of touching every file")
            return lambda: (True, "")
        time.sleep(self.opts.kill_after)
        from search.manifest import IndexPaths, read_serial
        serving = read_serial(IndexPaths(self.instance))
        pid = self.server.indexer()
        if pid is None or pid != old or (serving and serving[1] in new):
            fault.ok = False
            fault.notes.append(f"the rebuild finished before the kill (indexer {pid}, serving {serving}); "
                               "use a larger --size")
            return lambda: (True, "")
        os.kill(pid, signal.SIGKILL)
        fault.notes.append(f"touched {touched} files; a rebuild into generation {min(new)} started; SIGKILL to "
                           f"the indexer (pid {pid}) {self.opts.kill_after:g} s into it")

        def restarted() -> tuple[bool, str]:
            now_pid = self.server.indexer()
            return (now_pid is not None and now_pid != pid), "the indexer was not started again"
        return restarted

    def malformed_files(self, fault: Fault) -> None:
        folder = self.content / "en"
        files = {"zz-drill-malformed-yaml.md": "---\nid: zz-drill-malformed-yaml\ntitle: [unclosed\n  consent: {\n---\nBody.\n",
                 "zz-drill-malformed-bytes.md": b"---\nid: \xff\xfe\x00\x00bad\n---\n\x00\x01\x02",
                 "zz-drill-malformed-empty.md": ""}
        for name, data in files.items():
            target = folder / name
            target.write_bytes(data if isinstance(data, bytes) else data.encode())
            self.added.add(target.relative_to(self.content).as_posix())
        watched = self.withdraw()
        fault.notes.append(f"wrote {len(files)} malformed files into en/; withdrew {watched.id}")

    def delete_index(self, fault: Fault) -> None:
        shutil.rmtree(self.instance / "index")
        fault.notes.append("deleted the instance's index directory; no content change (only the indexer can notice)")

    def read_only_instance(self, fault: Fault) -> None:
        how = _read_only(self.instance, True)
        self.frozen = True
        probe = self.instance / "index" / "drill-probe"
        try:
            probe.write_text("x")
            probe.unlink()
            fault.ok = False
            fault.notes.append(f"{how} did not make the instance read-only")
        except OSError:
            pass
        time.sleep(1.0)
        watched = self.withdraw()
        time.sleep(self.opts.hold)
        _read_only(self.instance, False)
        self.frozen = False
        fault.undone = time.monotonic()
        fault.notes.append(f"instance read-only for {self.opts.hold + 1:g} s by {how}; withdrew {watched.id} "
                           "1 s in; recovery counted from when it became writable again")

    def restart_workers(self, fault: Fault) -> Callable[[], tuple[bool, str]]:
        watched = self.withdraw()
        before = set(self.server.workers())
        os.kill(self.server.master, signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = set(self.server.workers())
            if len(now) == self.opts.workers and not now & before:
                break
            time.sleep(0.1)
        else:
            fault.ok = False
            fault.notes.append("SIGHUP did not replace the workers within 60 s")
        time.sleep(2.0)
        victim = self.server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        fault.notes.append(f"withdrew {watched.id}; SIGHUP to the master replaced workers {sorted(before)}; "
                           f"2 s later SIGKILL to worker {victim}")

        def replaced() -> tuple[bool, str]:
            now = self.server.workers()
            return (len(now) == self.opts.workers and victim not in now), "the killed worker was not replaced"
        return replaced

    def narrow_indexer_stopped(self, fault: Fault) -> None:
        pid = self.server.indexer()
        if pid is None:
            fault.ok = False
            fault.notes.append("no indexer to stop")
            return
        os.kill(pid, signal.SIGSTOP)
        try:
            watched = self.narrow()
            time.sleep(self.opts.hold)
        finally:
            os.kill(pid, signal.SIGCONT)
        fault.undone = time.monotonic()
        fault.notes.append(f"SIGSTOP to the indexer (pid {pid}) for {self.opts.hold:g} s; narrowed {watched.id}")

    def narrow_read_only_index(self, fault: Fault) -> None:
        how = _read_only(self.instance / "index", True)
        self.frozen = True
        try:
            time.sleep(1.0)
            watched = self.narrow()
            time.sleep(self.opts.hold)
        finally:
            _read_only(self.instance / "index", False)
            self.frozen = False
        fault.undone = time.monotonic()
        fault.notes.append(f"index directory read-only for {self.opts.hold + 1:g} s by {how}; narrowed {watched.id} 1 s in")

    def narrow_during_rebuild(self, fault: Fault) -> None:
        generations = self.instance / "index" / "public"
        before = set(os.listdir(generations))
        places = self.content / "places.yaml"
        text = places.read_text("utf-8") + "\n# the drill's edit: the indexer rebuilds\n"
        places.write_text(text, "utf-8")
        self.expected["places.yaml"] = hashlib.sha256(text.encode()).hexdigest()
        watched = self.narrow()
        deadline = time.monotonic() + 60
        while not set(os.listdir(generations)) - before and time.monotonic() < deadline:
            time.sleep(0.05)
        started = bool(set(os.listdir(generations)) - before)
        fault.ok = started
        fault.notes.append(f"edited places.yaml and narrowed {watched.id} at once; "
                           + ("a rebuild started" if started else "no rebuild started within 60 s"))

    # --- the run ------------------------------------------------------------------------------------

    def run(self) -> int:
        self.seed()
        started = self.server.start(timeout=600, warm=("/", "/api/search?q=the"))
        print(f"archive serve: {self.server.workers_count} workers + indexer, answering after {started:.1f} s "
              f"at {self.server.base} (log: {self.server.log_path})", flush=True)
        self.probe = next(q.q for q in query_mix(7, 200) if q.kind == "word")
        for w in self.spare:  # the drill words are searchable before anything is withdrawn: the check can fail
            code, body = get(self.server.base, f"/api/search?{urlencode({'q': w.marker})}")
            if code != 200 or w.id.encode() not in body:
                raise SystemExit(f"faults: the drill word {w.marker} is not found before the drill ({code})")
        ids = [d.id for d in self.docs if d.public] + [w.id for w in self.spare]
        searches = [q.params() for q in query_mix(7, 200)] + [{"q": w.marker} for w in self.spare + self.watched]
        load = Load(self.server.base, mixed_picker(ids, searches), self.opts.clients, think=self.opts.think,
                    inspect=self.inspect)
        sentinel = threading.Thread(target=self.sentinel, daemon=True)
        baseline = Fault("-", "baseline (no fault)", t0=time.monotonic())
        load.start()
        sentinel.start()
        try:
            time.sleep(self.opts.settle)
            baseline.recovered = baseline.t0
            self.check_files(baseline)
            baseline.end = time.monotonic()
            self.faults.append(baseline)
            steps: list[tuple[str, str, Callable[[Fault], object]]] = [
                ("a", "SIGKILL indexer mid-rebuild", self.kill_indexer_mid_build),
                ("b", "malformed testimony files", self.malformed_files),
                ("c", "index directory deleted", self.delete_index),
                ("d", "instance directory read-only", self.read_only_instance),
                ("e", "workers restarted (HUP, KILL)", self.restart_workers),
                ("f", "narrowing edit, indexer stopped", self.narrow_indexer_stopped),
                ("g", "narrowing edit, index read-only", self.narrow_read_only_index),
                ("h", "narrowing edit during a rebuild", self.narrow_during_rebuild)]
            for key, name, apply in steps:
                if self.opts.only and key not in self.opts.only:
                    continue
                fault = Fault(key, name, t0=time.monotonic())
                offset = self.server.log_size()
                print(f"fault {key}: {name} ...", end="", flush=True)
                extra = apply(fault)
                self.wait_recovered(fault, extra if callable(extra) else None)
                time.sleep(self.opts.settle)
                self.check_files(fault)
                fault.end = time.monotonic()
                fault.log = self.server.log(offset)
                self.faults.append(fault)
                took = "not recovered" if fault.recovered is None else \
                    f"recovered after {fault.recovered - (fault.undone or fault.t0):.1f} s"
                print(f" {took}", flush=True)
        finally:
            self.stop.set()
            samples = load.stop() + self.sentinel_samples
            sentinel.join(35)
            if self.frozen:
                _read_only(self.instance, False)
            for pid in [self.server.indexer()]:
                if pid is not None:
                    os.kill(pid, signal.SIGCONT)
        code = self.server.stop()
        return self.report(samples, code)

    # --- the table ----------------------------------------------------------------------------------

    def report(self, samples: list[Sample], exit_code: int) -> int:
        rows, failing = [], False
        leaks_all = [(t, w.id, what) for w in self.watched for t, what in w.leaks]
        for fault in self.faults:
            # a request belongs to the fault during which its answer (or failure) came
            period = [s for s in samples if fault.t0 <= s.end < fault.end]
            end_window = fault.recovered if fault.recovered is not None else fault.end
            inside = [s for s in period if s.end <= end_window and s.failed]
            outside = [s for s in period if s.end > end_window and s.failed]
            if fault is self.faults[0]:
                inside, outside = [], [s for s in period if s.failed]
            leaks = [x for x in leaks_all if fault.t0 <= x[0] < fault.end]
            recovered = "-" if fault.key == "-" else (
                "never" if fault.recovered is None else f"{fault.recovered - (fault.undone or fault.t0):.1f}")
            passed = fault.ok and fault.recovered is not None and not outside and not leaks and fault.intact
            failing |= not passed
            rows.append((f"{fault.key} {fault.name}".strip("- ").strip() if fault.key != "-" else fault.name,
                         str(len(period)), str(len(inside)), str(len(outside)), str(len(leaks)), recovered,
                         "yes" if fault.intact else "NO", "pass" if passed else "FAIL"))
            fault.notes.append(_breakdown(inside, "in the window"))
            if outside:
                fault.notes.append(_breakdown(outside, "outside the window"))
            if fault.intact_note:
                fault.notes.append(fault.intact_note)
            for t, testimony, what in leaks[:5]:
                fault.notes.append(f"LEAK {testimony}: {what}")
        header = ("fault", "requests", "5xx in window", "5xx outside", "leaks", "recovered after (s)",
                  "files intact", "verdict")
        print()
        print(_grid(header, rows))
        print("\n5xx counts include requests that got no HTTP answer at all (connection reset or refused).")
        for fault in self.faults:
            print(f"\n{fault.key} {fault.name}:")
            for note in fault.notes:
                if note:
                    print(f"  - {note}")
            for w in self.watched:
                if w.withdrawn_at and fault.t0 <= w.withdrawn_at < fault.end:
                    gone = "never" if w.gone_at is None else f"{w.gone_at - w.withdrawn_at:.1f} s"
                    print(f"  - {w.id} ({w.marker}) gone from its page, record and search after {gone}")
            lines = [line for line in fault.log.splitlines() if any(word in line for word in LOG_WORDS)]
            if lines:
                print("  server log:")
                for line in lines[:12]:
                    print(f"    {line[:220]}")
                if len(lines) > 12:
                    print(f"    ... {len(lines) - 12} more lines in {self.server.log_path}")
        log = self.server.log()
        tracebacks = log.count("Traceback")
        print(f"\narchive serve stopped on SIGTERM with exit status {exit_code}; {tracebacks} tracebacks in its log.")
        failing |= exit_code != 0
        summary = "\n".join("\t".join(r) for r in rows)
        (self.out / "latest.tsv").write_text("\t".join(header) + "\n" + summary + "\n", encoding="utf-8")
        print(f"Wrote {self.out / 'latest.tsv'}; the server's log is {self.server.log_path}.")
        return 1 if failing else 0


def _breakdown(samples: list[Sample], where: str) -> str:
    if not samples:
        return ""
    counts: dict[str, int] = {}
    for s in samples:
        label = f"{s.status or s.error.split(':')[0]} {s.kind}"
        counts[label] = counts.get(label, 0) + 1
    said = sorted({_said(s.error) for s in samples if s.status and s.error})[:3]
    return (f"{where}: " + ", ".join(f"{n} x {label}" for label, n in sorted(counts.items(), key=lambda x: -x[1]))
            + "".join(f"; the server said: {text}" for text in said))


def _said(body: str) -> str:
    """The message of an error answer (JSON "error", or the page's text), short."""
    if '"error"' in body:
        return body.split('"error"', 1)[1].split('"')[1][:120]
    return " ".join(body.replace("<", " <").split())[:100]


def _grid(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: " | ".join(c.ljust(widths[i]) for i, c in enumerate(cells))  # noqa: E731
    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1500, help="testimonies in the synthetic collection")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=4, help="load generator clients")
    parser.add_argument("--think", type=float, default=0.02, help="seconds each client pauses between requests")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds of load after each recovery")
    parser.add_argument("--hold", type=float, default=10.0, help="seconds the instance stays read-only")
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds into the rebuild to kill the indexer")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for a recovery")
    parser.add_argument("--only", default="", help="run only these faults, e.g. 'ac'")
    opts = parser.parse_args(argv)
    made = generate(SynthSpec(n=opts.size, seed=42))
    print(f"faults: {opts.size:,} synthetic testimonies ({'cached' if made.cached else 'generated'}), "
          f"{opts.clients} clients, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="archive-faults-"))
    drill: Drill | None = None
    try:
        shutil.copytree(made.content, work / "content")
        drill = Drill(opts, work, made.docs)
        return drill.run()
    finally:
        if drill is not None:
            if drill.frozen:
                _read_only(drill.instance, False)
            drill.server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
