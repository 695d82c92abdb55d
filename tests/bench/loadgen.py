"""The HTTP load generator shared by `make faults`, `make load` and `make peer`: threads on loopback.

    load = Load("http://127.0.0.1:5000", pick, clients=4, think=0.02)
    load.start(); ...; samples = load.stop()            # steady load in the background
    samples = Load(base, pick, clients=16).run_for(20)   # or a fixed stretch
    print(summarize(samples, 20.0))

Each client is a thread with its own `http.client` connection, sending one GET after
another (pausing `think` seconds between them) and recording a `Sample` per request:
when it started, how long it took, the status (0 when no HTTP answer came: connection
refused or reset, timeout). `pick(rng)` chooses the next request; `inspect(sample, body)`
sees every body (the fault drill scans them for withdrawn testimonies' words).
"""

from __future__ import annotations

import http.client
import math
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence
from urllib.parse import urlencode, urlsplit

__all__ = ["Target", "Sample", "Summary", "Load", "summarize", "percentile", "mixed_picker", "get"]


@dataclass(frozen=True)
class Target:
    """One request to send: its kind (for the tables) and its path with query string."""

    kind: str
    path: str


@dataclass(frozen=True)
class Sample:
    """One request as sent: `start` is time.monotonic(); `status` 0 means no HTTP response."""

    kind: str
    path: str
    start: float
    seconds: float
    status: int
    error: str = ""

    @property
    def end(self) -> float:
        """When the answer (or the failure) came: what a fault window is judged by."""
        return self.start + self.seconds

    @property
    def failed(self) -> bool:
        """A server error or no answer at all (what a reader would see as the site being broken)."""
        return self.status == 0 or self.status >= 500


@dataclass(frozen=True)
class Summary:
    """Throughput and latency of some samples over `seconds` of wall time."""

    requests: int
    failed: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return (self.requests - self.failed) / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize(samples: Iterable[Sample], seconds: float) -> Summary:
    """Latency percentiles of the answered requests; failures counted apart."""
    samples = list(samples)
    answered = [s.seconds * 1000 for s in samples if not s.failed]
    return Summary(len(samples), sum(s.failed for s in samples), seconds,
                   percentile(answered, 0.50), percentile(answered, 0.95), percentile(answered, 0.99))


def get(base: str, path: str, timeout: float = 30.0, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET outside any load (status 0 when no answer came)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


class Load:
    """`clients` threads sending requests chosen by `pick` until stopped."""

    def __init__(self, base: str, pick: Callable[[random.Random], Target], clients: int, *, think: float = 0.0,
                 timeout: float = 30.0, inspect: Callable[[Sample, bytes], None] | None = None, seed: int = 1):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.pick, self.clients, self.think, self.timeout, self.inspect = pick, clients, think, timeout, inspect
        self.seed = seed
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._samples: list[list[Sample]] = []

    def start(self) -> None:
        self._stop.clear()
        for number in range(self.clients):
            mine: list[Sample] = []
            self._samples.append(mine)
            thread = threading.Thread(target=self._client, args=(random.Random(self.seed * 7919 + number), mine),
                                      name=f"load-client-{number}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def stop(self) -> list[Sample]:
        """Stop every client (each finishes the request it is in) and return all samples, in start order."""
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)
        self._threads.clear()
        return self.samples()

    def samples(self) -> list[Sample]:
        """The samples so far (safe while running)."""
        return sorted((s for mine in self._samples for s in list(mine)), key=lambda s: s.start)

    def run_for(self, seconds: float) -> list[Sample]:
        self.start()
        self._stop.wait(seconds)
        return self.stop()

    def _client(self, rng: random.Random, out: list[Sample]) -> None:
        connection: http.client.HTTPConnection | None = None
        while not self._stop.is_set():
            target = self.pick(rng)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.monotonic()
            body, error, status = b"", "", 0
            try:
                connection.request("GET", target.path, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if status >= 500:
                    error = body[:160].decode("utf-8", errors="replace")
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = None
            sample = Sample(target.kind, target.path, started, time.monotonic() - started, status, error)
            out.append(sample)
            if self.inspect is not None:
                self.inspect(sample, body)
            if status == 0:
                self._stop.wait(0.05)  # no server: do not spin
            elif self.think:
                self._stop.wait(self.think)
        if connection is not None:
            connection.close()


def mixed_picker(ids: Sequence[str], searches: Sequence[dict[str, str]],
                 weights: dict[str, float] | None = None) -> Callable[[random.Random], Target]:
    """Reader traffic: search pages, testimony pages, API searches and API records, in `weights`."""
    weights = weights or {"search": 0.3, "page": 0.3, "api-search": 0.2, "api-t": 0.2}
    kinds, shares = zip(*weights.items())

    def pick(rng: random.Random) -> Target:
        kind = rng.choices(kinds, shares)[0]
        if kind in ("page", "api-t"):
            testimony = rng.choice(ids)
            return Target(kind, f"/t/{testimony}" if kind == "page" else f"/api/t/{testimony}")
        params = urlencode(rng.choice(searches))
        return Target(kind, f"/search?{params}" if kind == "search" else f"/api/search?{params}")

    return pick
