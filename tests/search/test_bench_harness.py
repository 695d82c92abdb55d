"""`make bench` itself runs: on 50 testimonies, each phase ends, prints issue 14's targets and leaves nothing behind.

No figure is judged here (the suite holds no timed assertion): only that the harness measures
what it says, with every engine, and stops every process it started.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEASURES = ("whole server at 10,000", "whole server at 100,000", "first search after start at 50",
            "one-file update at 100,000 (archive index)", "one-file update at 100,000 (archive serve's indexer)",
            "full build at 50", "cold query p50 at 50", "cold query p95 at 50")

pytestmark = pytest.mark.slow


def _bench(out: Path, *args: str) -> tuple[str, dict]:
    done = subprocess.run([sys.executable, "-m", "tests.bench.run", "--sizes", "50", "--queries", "14",
                           "--passes", "1", "--procs", "1", "--out", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout, json.loads((out / "latest.json").read_text(encoding="utf-8"))


def test_the_engine_phases_measure_every_engine_on_the_same_public_testimonies(tmp_path):
    printed, report = _bench(tmp_path, "--phases", "build,update,queries")
    result = report["results"][0]
    for engine in ("ours", "fts5", "tantivy"):
        assert result[f"{engine}_build"]["public"] == result["expected_public"] > 30, engine
        assert not result[f"{engine}_queries"]["errors"], engine
    assert result["ours_update"]["updated"] == [result["edited"]]
    for engine in ("ours", "fts5"):  # three revisions, each engine updating after each, the median kept
        rounds = result[f"{engine}_update"]["rounds"]
        assert len(rounds) == 3 and result[f"{engine}_update"]["seconds"] == sorted(rounds)[1], engine
    assert result["ours_update"]["updated_each"] == [[result["edited"]]] * 3
    followed = result["ours_followed"]  # the server indexer's route: the changed path alone, no full scan
    assert followed["route"] == "changed paths" and followed["updated"] == [result["edited"]], followed
    assert result["ours_queries"]["probe_total"] == result["fts5_queries"]["probe_total"] == 1
    totals = {e: result[f"{e}_queries"]["totals"] for e in ("ours", "fts5", "tantivy")}
    assert any(totals["tantivy"]) and len(totals["tantivy"]) == len(totals["fts5"])
    assert set(result["phase_seconds"]) == {"generate", "build", "update", "queries"}
    for measure in MEASURES:
        assert measure in printed
    assert "NOT MET" in printed or " met" in printed


def test_the_server_phase_measures_a_real_server_and_stops_it(tmp_path):
    printed, report = _bench(tmp_path, "--phases", "server", "--engines", "ours", "--load-requests", "30")
    server = report["results"][0]["server"]
    assert server["first_status"] == 200 and server["first_search_s"] > 0
    assert server["load"]["requests"] == 30 and server["load"]["failed"] == 0, server["load"]
    assert server["memory"]["processes"] == 5  # the master, 2 workers, the indexer and the watcher
    assert all(mb > 0 for role in server["memory"]["pss_mb"].values() for mb in role)
    assert server["pickup_s"] is not None, "the indexer never picked up the edited file"
    assert server["left_over"] == [] and not server["over_memory"]
    assert "first search after start at 50" in printed
