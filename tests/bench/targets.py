"""What `make bench` concludes from its measurements: the detailed rows per size, and issue 14's targets.

    rows_for(result)             # every measurement of one size, ours beside FTS5 and Tantivy
    per_kind(result)             # p50 per kind of query
    issue_targets(results, peer) # the targets table: measure, target, value, met, ratio to Tantivy

A phase or an engine that was not run (or was stopped by a limit) leaves its cells empty
and its target "not measured"; nothing is guessed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import median
from typing import Any

from .loadgen import percentile
from .report import Row

__all__ = ["rows_for", "per_kind", "issue_targets", "read_peer", "GOALS"]

# Issue 14's targets.
GOALS = {"server_10k_x_datasette": 2.0, "server_100k_mb": 1024.0, "first_search_s": 1.0, "update_100k_s": 0.5,
         "build_x_fts5": 2.5, "cold_p50_x_fts5": 1.0, "cold_p95_x_fts5": 1.5}


def _ok(r: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A step's measurement, None when it was not run or failed."""
    found = r.get(key)
    return found if isinstance(found, dict) and "failed" not in found else None


def _pct(q: dict[str, Any] | None, key: str, share: float) -> float | None:
    return percentile(q[key], share) if q and q.get(key) else None


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def rows_for(r: dict[str, Any]) -> list[Row]:
    """The detailed rows of one size (targets as issue 14 sets them, shown at every size)."""
    n = r["size"]
    ob, fb, tb = _ok(r, "ours_build"), _ok(r, "fts5_build"), _ok(r, "tantivy_build")
    ou, fu, of = _ok(r, "ours_update"), _ok(r, "fts5_update"), _ok(r, "ours_followed")
    oq, fq, tq = _ok(r, "ours_queries"), _ok(r, "fts5_queries"), _ok(r, "tantivy_queries")

    def v(d: dict[str, Any] | None, key: str) -> Any:
        return d.get(key) if d else None

    rows: list[Row] = []
    if ob or fb or tb:
        build_ratio = _div(v(ob, "seconds"), v(fb, "seconds"))
        rows += [
            Row(n, "full build (s)", v(ob, "seconds"), v(fb, "seconds"), f"<= {GOALS['build_x_fts5']:g}x",
                None if build_ratio is None else build_ratio <= GOALS["build_x_fts5"], tantivy=v(tb, "seconds")),
            Row(n, "  time inside the engine only (s)", None, v(fb, "index_seconds"), "info",
                tantivy=v(tb, "index_seconds")),
            Row(n, "  public testimonies indexed", v(ob, "public"), v(fb, "public"), f"= {r['expected_public']}",
                all(v(d, "public") == r["expected_public"] for d in (ob, fb, tb) if d), show_ratio=False,
                tantivy=v(tb, "public")),
            Row(n, "build peak RSS, main process (MB)", v(ob, "rss_mb"), v(fb, "rss_mb"), "info",
                tantivy=v(tb, "rss_mb")),
            Row(n, "build peak RSS, largest worker (MB)", v(ob, "child_rss_mb"), v(fb, "child_rss_mb"), "info",
                tantivy=v(tb, "child_rss_mb")),
            Row(n, "index on disk (MB)", v(ob, "disk_mb"), v(fb, "disk_mb"), "info", tantivy=v(tb, "disk_mb")),
        ]
    if ou or fu:
        rows += [
            Row(n, "incremental update, 1 file (s), median of the rounds", v(ou, "seconds"), v(fu, "seconds"),
                f"<= {GOALS['update_100k_s']:g} s", None if not ou else _update_ok(ou, r["edited"])),
            Row(n, "  the first round, after the build phase (s)", _first(ou), _first(fu), "info"),
            Row(n, "  KB of new index files the update wrote", v(ou, "kb_written"), None, "info"),
        ]
    if of:
        rows += [
            Row(n, "incremental update, 1 file, told by inotify (s)", v(of, "seconds"), None,
                f"<= {GOALS['update_100k_s']:g} s", _followed_ok(of, r["edited"])),
            Row(n, "  the same, in CPU time (s)", v(of, "cpu_seconds"), None, "info"),
        ]
    if oq or fq or tq:
        for label, key, share, goal in (("p50", "warm_ms", 0.5, None), ("p95", "warm_ms", 0.95, None),
                                        ("p50", "uncached_ms", 0.5, "cold_p50_x_fts5"),
                                        ("p95", "uncached_ms", 0.95, "cold_p95_x_fts5")):
            ours_ms, ref_ms, tv_ms = _pct(oq, key, share), _pct(fq, key, share), _pct(tq, key, share)
            ratio = _div(ours_ms, ref_ms)
            name = f"query {label} (ms), " + ("cold: result cache cleared" if goal else "warm")
            rows.append(Row(n, name, ours_ms, ref_ms, f"<= {GOALS[goal]:g}x" if goal else "info",
                            None if goal is None or ratio is None else ratio <= GOALS[goal], tantivy=tv_ms))
        for label, share in (("p50", 0.5), ("p95", 0.95)):  # CPU: what a busy machine's other jobs inflate less
            rows.append(Row(n, f"  query {label} (ms of CPU), cold", _pct(oq, "uncached_cpu_ms", share),
                            _pct(fq, "uncached_cpu_ms", share), "info", tantivy=_pct(tq, "uncached_cpu_ms", share)))
        rows += [
            Row(n, "  probe word found after the update", v(oq, "probe_total"), v(fq, "probe_total"), "= 1",
                None if v(oq, "probe_total") is None else oq["probe_total"] == 1 and v(fq, "probe_total") in (1, None),
                show_ratio=False),
            Row(n, "  queries refused (errors)", len(oq["errors"]) if oq else None,
                len(fq["errors"]) if fq else None, "info", show_ratio=False,
                tantivy=len(tq["errors"]) if tq else None),
            Row(n, "query process peak RSS (MB)", v(oq, "rss_mb"), v(fq, "rss_mb"), "info", tantivy=v(tq, "rss_mb")),
        ]
    s = r.get("server")
    if s:
        memory = s.get("memory") or {}
        rows += [
            Row(n, "server: first search after 'Listening' (s)", s.get("first_search_s"), None,
                f"<= {GOALS['first_search_s']:g} s", _first_ok(s)),
            Row(n, "server: whole-server PSS after the mixed load (MB)", memory.get("pss_total_mb"), None, "info",
                None if not s.get("over_memory") else False),
            Row(n, "server: indexer picks up a 1-file edit (s)", s.get("pickup_s"), None, "info"),
            Row(n, "server: start until 'Listening' (s)", s.get("listening_after_s"), None, "info"),
            Row(n, "curator index before the server, apart (s)", (s.get("curator_prebuild") or {}).get("seconds"),
                None, "info"),
        ]
    return rows


def _update_ok(ou: dict[str, Any], edited: str) -> bool:
    """In time (the median round), and every round updated the edited file alone, with no rebuild."""
    each = ou.get("updated_each", [ou["updated"]])
    return (ou["seconds"] <= GOALS["update_100k_s"] and not ou.get("rebuilt_any", ou["rebuilt"])
            and all(updated == [edited] for updated in each))


def _first(found: dict[str, Any] | None) -> float | None:
    return found["rounds"][0] if found and found.get("rounds") else None


def _followed_ok(of: dict[str, Any], edited: str) -> bool:
    """The server's route was taken (the changed path, no full scan) and updated only the edited file in time."""
    return (of["seconds"] <= GOALS["update_100k_s"] and of["route"] == "changed paths" and not of["rebuilt"]
            and of["updated"] == [edited])


def _first_ok(s: dict[str, Any]) -> bool | None:
    if s.get("first_search_s") is None:
        return None
    return s.get("first_status") == 200 and s["first_search_s"] <= GOALS["first_search_s"]


def per_kind(r: dict[str, Any]) -> list[dict[str, Any]]:
    """p50 latency and median result count per kind of query (ours beside FTS5 and Tantivy)."""
    oq, fq, tq = _ok(r, "ours_queries"), _ok(r, "fts5_queries"), _ok(r, "tantivy_queries")
    if not oq:
        return []
    kinds = oq["kinds"]
    passes = len(oq["warm_ms"]) // len(kinds)
    out = []
    for kind in dict.fromkeys(kinds):
        at = [i for i, k in enumerate(kinds) if k == kind]
        warm = [i + p * len(kinds) for p in range(passes) for i in at]

        def p50(q: dict[str, Any] | None, key: str, where: list[int]) -> float:
            return median(q[key][i] for i in where) if q else math.nan

        def hits(q: dict[str, Any] | None) -> float:
            return median(q["totals"][i] or 0 for i in at) if q else math.nan

        out.append({"kind": kind, "count": len(at), "ours_p50": p50(oq, "warm_ms", warm),
                    "fts5_p50": p50(fq, "warm_ms", warm), "tantivy_p50": p50(tq, "warm_ms", warm),
                    "ours_uncached_p50": p50(oq, "uncached_ms", at),
                    "ours_total": hits(oq), "fts5_total": hits(fq), "tantivy_total": hits(tq)})
    return out


def read_peer(out: Path, size: int) -> dict[str, Any] | None:
    """What the last `make peer` at this size measured (peer.py writes it), if it ran."""
    path = out / f"peer-n{size}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _at(results: list[dict[str, Any]], size: int) -> dict[str, Any] | None:
    return next((r for r in results if r["size"] == size), None)


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def issue_targets(results: list[dict[str, Any]], peer: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """(measure, target, measured, met, ratio to Tantivy) for every target of issue 14."""
    lines: list[tuple[str, ...]] = []

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else "met" if ok else "NOT MET"

    r10 = _at(results, 10_000)
    s10 = (r10 or {}).get("server") or {}
    ours10 = (s10.get("memory") or {}).get("pss_total_mb")
    theirs = (peer or {}).get("datasette_pss_mb")
    if ours10 is not None and theirs:
        ratio = ours10 / theirs
        lines.append(("whole server at 10,000 (2 workers), PSS", "<= 2x Datasette",
                      f"{ours10:,.0f} MB = {ratio:.1f}x Datasette's {theirs:,.0f} MB",
                      verdict(ratio <= GOALS["server_10k_x_datasette"]), "-"))
    else:
        why = "run make peer" if ours10 is not None else "needs 10000 in SIZES and the server phase"
        lines.append(("whole server at 10,000 (2 workers), PSS", "<= 2x Datasette",
                      f"{ours10:,.0f} MB ({why})" if ours10 is not None else f"- ({why})", verdict(None), "-"))
    s100 = ((_at(results, 100_000) or {}).get("server")) or {}
    mem100 = (s100.get("memory") or {}).get("pss_total_mb")
    if s100.get("over_memory"):
        lines.append(("whole server at 100,000, PSS", "<= 1 GB", f"over {s100['limit_mb']:,.0f} MB: stopped",
                      verdict(False), "-"))
    else:
        lines.append(("whole server at 100,000, PSS", "<= 1 GB", "-" if mem100 is None else f"{mem100:,.0f} MB",
                      verdict(None if mem100 is None else mem100 <= GOALS["server_100k_mb"]), "-"))
    for r in results:
        s = r.get("server") or {}
        first = s.get("first_search_s")
        shown = "-" if first is None else f"{first:.2f} s" + ("" if s.get("first_status") == 200
                                                             else f" (status {s.get('first_status')})")
        lines.append((f"first search after start at {r['size']:,}", "<= 1 s", shown, verdict(_first_ok(s)), "-"))
    u100 = _ok(_at(results, 100_000) or {}, "ours_update")
    lines.append(("one-file update at 100,000 (archive index)", "<= 0.5 s",
                  "-" if not u100 else f"{u100['seconds']:.2f} s, median of "
                  + ", ".join(f"{s:.2f}" for s in u100.get("rounds", [u100["seconds"]])),
                  verdict(None if not u100 else _update_ok(u100, (_at(results, 100_000) or {})["edited"])), "-"))
    r100 = _at(results, 100_000) or {}
    f100 = _ok(r100, "ours_followed")
    lines.append(("one-file update at 100,000 (archive serve's indexer)", "<= 0.5 s",
                  "-" if not f100 else f"{f100['seconds']:.2f} s ({f100['cpu_seconds']:.2f} s of CPU)",
                  verdict(None if not f100 else _followed_ok(f100, r100["edited"])), "-"))
    for r in results:
        ob, fb, tb = _ok(r, "ours_build"), _ok(r, "fts5_build"), _ok(r, "tantivy_build")
        ratio = _div(ob and ob["seconds"], fb and fb["seconds"])
        lines.append((f"full build at {r['size']:,}", "<= 2.5x FTS5",
                      "-" if ratio is None else f"{ob['seconds']:.1f} s = {ratio:.2f}x FTS5",  # type: ignore[index]
                      verdict(None if ratio is None else ratio <= GOALS["build_x_fts5"]),
                      _x(_div(ob and ob["seconds"], tb and tb["seconds"]))))
        oq, fq, tq = _ok(r, "ours_queries"), _ok(r, "fts5_queries"), _ok(r, "tantivy_queries")
        for label, share, goal in (("p50", 0.5, "cold_p50_x_fts5"), ("p95", 0.95, "cold_p95_x_fts5")):
            ours = _pct(oq, "uncached_ms", share)
            ratio = _div(ours, _pct(fq, "uncached_ms", share))
            lines.append((f"cold query {label} at {r['size']:,}", f"<= {GOALS[goal]:g}x FTS5",
                          "-" if ratio is None else f"{ours:.1f} ms = {ratio:.2f}x FTS5",
                          verdict(None if ratio is None else ratio <= GOALS[goal]),
                          _x(_div(ours, _pct(tq, "uncached_ms", share)))))
    return lines
