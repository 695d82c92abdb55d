"""The benchmark's table, as text for the terminal and as Markdown for the README."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["Row", "text_table", "kind_table", "markdown", "targets_table", "phase_table", "TARGET_HEADER"]

HEADER = ("size", "metric", "ours", "FTS5", "ours/FTS5", "Tantivy", "ours/Tantivy", "target", "result")
TARGET_HEADER = ("measure", "target", "measured", "result", "ours/Tantivy")


@dataclass(frozen=True)
class Row:
    """One measurement of both engines; `passed` is None when the row has no target."""

    size: int
    metric: str
    ours: float | None
    fts5: float | None
    target: str
    passed: bool | None = None
    show_ratio: bool = True
    tantivy: float | None = None

    def _over(self, other: float | None) -> float | None:
        if not self.show_ratio or not other or self.ours is None:
            return None
        return self.ours / other

    @property
    def ratio(self) -> float | None:
        return self._over(self.fts5)

    @property
    def tantivy_ratio(self) -> float | None:
        return self._over(self.tantivy)

    def cells(self) -> tuple[str, ...]:
        result = "" if self.passed is None else "pass" if self.passed else "FAIL"
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        tantivy = "" if self.tantivy_ratio is None else f"{self.tantivy_ratio:.2f}x"
        return (f"{self.size:,}", self.metric, _number(self.ours), _number(self.fts5), ratio, _number(self.tantivy),
                tantivy, self.target, result)

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "metric": self.metric.strip(), "ours": self.ours, "fts5": self.fts5,
                "ratio": self.ratio, "tantivy": self.tantivy, "tantivy_ratio": self.tantivy_ratio,
                "target": self.target, "passed": self.passed}


def _number(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value >= 0.01 else f"{value:.4f}"


def _grid(header: tuple[str, ...], lines: list[tuple[str, ...]], right: set[int]) -> str:
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells))

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *map(fmt, lines)])


def text_table(rows: list[Row]) -> str:
    """The whole table; targets are set for 10k testimonies and shown at every size."""
    return _grid(HEADER, [row.cells() for row in rows], {0, 2, 3, 4, 5, 6})


def _kind_lines(kinds: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [(k["kind"], str(k["count"]), _number(k["ours_p50"]), _number(k["ours_uncached_p50"]),
             _number(k["fts5_p50"]), _number(k["tantivy_p50"]), _number(k["ours_total"]), _number(k["fts5_total"]),
             _number(k["tantivy_total"])) for k in kinds]


KIND_HEADER = ("kind", "n", "ours p50 ms", "ours p50 cold", "FTS5 p50 ms", "Tantivy p50 ms", "ours hits",
               "FTS5 hits", "Tantivy hits")


def kind_table(kinds: list[dict[str, Any]], size: int) -> str:
    """p50 per kind of query, and the median number of results each engine found."""
    if not kinds:
        return ""
    return f"\n   per kind of query at {size:,} (hits: median result count):\n" + "\n".join(
        "   " + line for line in _grid(KIND_HEADER, _kind_lines(kinds), {1, 2, 3, 4, 5, 6, 7, 8}).splitlines())


def targets_table(lines: list[tuple[str, ...]], markdown_form: bool = False) -> str:
    """Issue 14's targets: each measure, its target, what was measured, met or not, the ratio to Tantivy."""
    return _md(TARGET_HEADER, lines) if markdown_form else _grid(TARGET_HEADER, lines, set())


def phase_table(times: dict[int, dict[str, float]], markdown_form: bool = False) -> str:
    """Seconds each phase took at each size."""
    phases = list(dict.fromkeys(p for per in times.values() for p in per))
    header = ("size", *phases, "total")
    lines = [(f"{size:,}", *(f"{per[p]:.0f}" if p in per else "-" for p in phases), f"{sum(per.values()):.0f}")
             for size, per in times.items()]
    return _md(header, lines) if markdown_form else _grid(header, lines, set(range(len(header))))


def _md(header: tuple[str, ...], lines: list[tuple[str, ...]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(out + ["| " + " | ".join(c.strip() for c in line) + " |" for line in lines])


def markdown(rows: list[Row], results: list[dict[str, Any]], env: dict[str, Any],
             targets: list[tuple[str, ...]], times: dict[int, dict[str, float]]) -> str:
    """latest.md: the targets, the detailed table, the per-kind breakdown and where the numbers came from."""
    parts = [
        "# Search benchmark: ours beside SQLite FTS5 and Tantivy",
        "",
        f"{env['date']} on {env['machine']}, {env['cpus']} CPUs; Python {env['python']}, SQLite {env['sqlite']}, "
        f"Whoosh-Reloaded {env['whoosh']}, Tantivy {env['tantivy']}; load average {env['load_average']:.2f} at the "
        f"start; commit {env['commit']}. Collections seed {env['seed']}, {env['queries']} queries "
        f"(seed {env['query_seed']}), 1 warm-up + {env['passes']} measured passes, {env['procs']} processes for "
        f"building. Phases: {', '.join(env['phases'])}; engines: {', '.join(env['engines'])}.",
        "",
        "## Targets (issue 14)",
        "",
        targets_table(targets, markdown_form=True),
        "",
        "## Every measurement",
        "",
        "Build = reading, validating and consent-filtering every file with the archive's loader, then indexing, "
        "for every engine (same loader, same number of processes); the time inside FTS5 and Tantivy alone is "
        "shown below it. Cold = our result cache cleared before each query (FTS5 and Tantivy keep none).",
        "",
        _md(HEADER, [row.cells() for row in rows]),
    ]
    for result in results:
        if result.get("per_kind"):
            parts += ["", f"Per kind of query, {result['size']:,} testimonies (hits: median result count):", "",
                      _md(KIND_HEADER, _kind_lines(result["per_kind"]))]
    parts += ["", "## Seconds per phase", "", phase_table(times, markdown_form=True), "",
              "Reproduce: `make bench SIZES=" + ",".join(str(r["size"]) for r in results) + "`", ""]
    return "\n".join(parts)
