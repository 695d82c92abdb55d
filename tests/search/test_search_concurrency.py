"""One writer at a time, and crashes: concurrent `archive index` runs, a lock held too long, kill -9."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from archive.config import Config
from search.indexer import update_index
from search.locking import writer_lock
from search.manifest import IndexPaths, read_manifest
from search.query import Query, parse_query
from search.searcher import SearchIndex

from tests.search.synthetic_collection import synthetic_collection
from tests.support import builder
from tests.support.builder import write_testimony

ARCHIVE = str(Path(sys.executable).parent / "archive")


def archive(config: Config, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    return subprocess.Popen([ARCHIVE, *args, "--content", str(config.content), "--instance", str(config.instance)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_two_index_runs_at_once(tmp_path):
    config = Config(synthetic_collection(tmp_path / "content", 120, words=60), tmp_path / "instance")
    first, second = archive(config, "index"), archive(config, "index")
    results = [finish(first), finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    outputs = sorted(out for _, out, _ in results)
    assert outputs[0].startswith("Rebuilt the index") and outputs[1].startswith("The index is up to date")
    public = read_manifest(IndexPaths(config.instance)).indexed_ids
    assert SearchIndex(config).search(Query(per_page=1)).total == len(public) > 90


def test_a_second_run_gives_up_after_waiting(tmp_path):
    config = Config(builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={"a": {}}), tmp_path / "instance")
    with writer_lock(IndexPaths(config.instance).lock):
        code, out, err = finish(archive(config, "index", "--wait", "0.5"))
    assert code == 1 and out == ""
    assert err.startswith("Error: Another index run is in progress") and err.count("\n") == 1
    assert finish(archive(config, "index"))[0] == 0  # the lock went with its holder


def test_a_killed_rebuild_leaves_the_old_index_serving_and_the_next_run_repairs(tmp_path):
    config = Config(synthetic_collection(tmp_path / "content", 600, words=90), tmp_path / "instance")
    update_index(config, dt.date.today(), procs=2)
    paths = IndexPaths(config.instance)
    query = parse_query({"q": "bread", "per_page": 5})
    before = SearchIndex(config).search(query)
    assert before.total > 100

    rebuild = archive(config, "index", "--rebuild", "--procs", "1")
    deadline = time.monotonic() + 60
    partial = paths.generation("000002")
    while not list(partial.glob("*.trm")) and time.monotonic() < deadline:  # one chunk of two is written (its terms)
        time.sleep(0.02)
    assert rebuild.poll() is None, "the rebuild finished before it could be killed"
    os.kill(rebuild.pid, signal.SIGKILL)
    rebuild.communicate()
    assert partial.is_dir()

    assert read_manifest(paths).generation == "000001"
    after = SearchIndex(config).search(query)  # a reader opened after the crash
    assert (after.total, [h.id for h in after.hits]) == (before.total, [h.id for h in before.hits])

    code, out, _ = finish(archive(config, "index"))
    assert code == 0 and out.startswith("The index is up to date")
    assert [p.name for p in paths.generations.iterdir()] == ["000001"]
    assert SearchIndex(config).search(query).total == before.total


CRASH_IN_COMMIT = textwrap.dedent("""
    import datetime as dt, os, sys
    from pathlib import Path
    import whoosh.index
    from archive.config import Config
    from search.indexer import update_index

    def die(*args, **kwargs):
        os._exit(137)  # like kill -9: the new segment is written, the table of contents is not

    whoosh.index.TOC.write = die
    update_index(Config(Path(sys.argv[1]), Path(sys.argv[2])), dt.date(2024, 6, 1))
""")


def test_a_crash_inside_an_update_in_place_leaves_the_last_commit_serving(tmp_path):
    config = Config(builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={"a": dict(body="Apples."), "b": dict(body="Bread.")}),
                    tmp_path / "instance")
    today = dt.date(2024, 6, 1)
    update_index(config, today, procs=1)
    write_testimony(config.content, "a", body="Quinceberries.")
    child = subprocess.run([sys.executable, "-c", CRASH_IN_COMMIT, str(config.content), str(config.instance)],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 137, child.stderr
    directory = IndexPaths(config.instance).generation("000001")
    assert SearchIndex(config).search(parse_query({"q": "apples"})).total == 1
    assert SearchIndex(config).search(parse_query({"q": "quinceberries"})).total == 0

    report = update_index(config, today)
    assert report.updated == ("a",)
    assert SearchIndex(config).search(parse_query({"q": "quinceberries"})).total == 1
    assert not [p for p in directory.iterdir() if p.is_dir() or ".toc." in p.name]  # no leftovers
    assert len(list(directory.glob("*.toc"))) == 1


def test_parallel_and_serial_builds_agree(tmp_path, monkeypatch):
    monkeypatch.setattr("search.build.SEGMENT_DOCS", (10, 4000))  # several chunks for a few documents
    content = synthetic_collection(tmp_path / "content", 80, words=30)
    found = {}
    for procs in (1, 2):
        config = Config(content, tmp_path / f"instance{procs}")
        update_index(config, dt.date(2024, 6, 1), procs=procs)
        assert len(list(IndexPaths(config.instance).generation("000001").glob("*.trm"))) == 2 * procs  # one terms file per segment
        index = SearchIndex(config)
        found[procs] = [(h.id, h.snippet) for h in index.search(parse_query({"q": "children", "per_page": 100})).hits]
        expected = read_manifest(IndexPaths(config.instance)).indexed_ids
        assert {h.id for h in index.search(Query(per_page=100)).hits} == expected
    assert found[1] == found[2] and found[1]

