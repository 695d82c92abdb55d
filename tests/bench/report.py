"""The benchmark's table, as text for the terminal and as Markdown for the README."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Row", "text_table", "kind_table", "markdown"]

HEADER = ("size", "metric", "ours", "FTS5", "ours/FTS5", "target", "result")


@dataclass(frozen=True)
class Row:
    """One measurement of both engines; `passed` is None when the row has no target."""

    size: int
    metric: str
    ours: float
    fts5: float | None
    target: str
    passed: bool | None = None
    show_ratio: bool = True

    @property
    def ratio(self) -> float | None:
        if not self.show_ratio or not self.fts5:
            return None
        return self.ours / self.fts5

    def cells(self) -> tuple[str, ...]:
        result = "" if self.passed is None else "pass" if self.passed else "FAIL"
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        return (f"{self.size:,}", self.metric, _number(self.ours), _number(self.fts5), ratio, self.target, result)

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "metric": self.metric.strip(), "ours": self.ours, "fts5": self.fts5,
                "ratio": self.ratio, "target": self.target, "passed": self.passed}


def _number(value: float | int | None) -> str:
    if value is None:
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
    return _grid(HEADER, [row.cells() for row in rows], {0, 2, 3, 4})


def _kind_lines(kinds: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [(k["kind"], str(k["count"]), f"{k['ours_p50']:.2f}", f"{k['ours_uncached_p50']:.2f}",
             f"{k['fts5_p50']:.2f}", f"{k['ours_p50'] / k['fts5_p50']:.1f}x" if k["fts5_p50"] else "",
             f"{k['ours_total']:,.0f}", f"{k['fts5_total']:,.0f}") for k in kinds]


KIND_HEADER = ("kind", "n", "ours p50 ms", "ours p50 uncached", "FTS5 p50 ms", "ratio", "ours hits", "FTS5 hits")


def kind_table(kinds: list[dict[str, Any]], size: int) -> str:
    """p50 per kind of query, and the median number of results each engine found."""
    return f"\n   per kind of query at {size:,} (hits: median result count):\n" + "\n".join(
        "   " + line for line in _grid(KIND_HEADER, _kind_lines(kinds), {1, 2, 3, 4, 5, 6, 7}).splitlines())


def _md(header: tuple[str, ...], lines: list[tuple[str, ...]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(out + ["| " + " | ".join(c.strip() for c in line) + " |" for line in lines])


def markdown(rows: list[Row], results: list[dict[str, Any]], env: dict[str, Any]) -> str:
    """latest.md: the table, the per-kind breakdown and where the numbers came from."""
    parts = [
        "# Search benchmark: ours vs SQLite FTS5",
        "",
        f"{env['date']} on {env['machine']}, {env['cpus']} CPUs; Python {env['python']}, SQLite {env['sqlite']}, "
        f"Whoosh-Reloaded {env['whoosh']}; load average {env['load_average']:.2f} at the start; commit {env['commit']}. Collections seed {env['seed']}, "
        f"{env['queries']} queries (seed {env['query_seed']}), 1 warm-up + {env['passes']} measured passes, "
        f"{env['procs']} processes for building.",
        "",
        "Build = reading, validating and consent-filtering every file with the archive's loader, then indexing, "
        "for both engines (same loader, same number of processes); FTS5's time inside SQLite alone is shown "
        "below it. Targets are set for 10,000 testimonies.",
        "",
        _md(HEADER, [row.cells() for row in rows]),
    ]
    for result in results:
        parts += ["", f"Per kind of query, {result['size']:,} testimonies (hits: median result count):", "",
                  _md(KIND_HEADER, _kind_lines(result["per_kind"]))]
    parts += ["", "Reproduce: `make bench SIZES=" + ",".join(str(r["size"]) for r in results) + "`", ""]
    return "\n".join(parts)
