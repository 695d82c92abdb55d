"""`archive serve` recovers by itself from the faults `make faults` applies (tests/bench/faults.py):

- the background indexer killed with SIGKILL: gunicorn's master starts it again and says so;
- the index directory deleted while nothing else changes: the indexer notices and rebuilds;
- an index update that fails for lack of permission: logged once, with what to do, and its end logged.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import re
import shutil
import signal
import threading
import time

import pytest

from archive.config import Config
from archive.consent import Audience
from search.indexer import index_status
from web.indexer import follow_changes, index_mark

from tests.bench.serving import Served
from tests.support import builder, consent_table
from tests.support.served import wait_until as wait_for
from tests.web.test_web_serve import search_ids


def _follow(config: Config):
    stop = threading.Event()
    thread = threading.Thread(target=follow_changes, args=(config, stop, 0.05), daemon=True)
    thread.start()
    return stop, thread


def _settled(config: Config) -> bool:
    """Both indexes fresh, and no index run wrote anything for half a second (the indexer is idle)."""
    mark = index_mark(config.instance)
    time.sleep(0.5)
    return (index_status(config, dt.date.today()).fresh
            and index_status(config, dt.date.today(), Audience.CURATOR).fresh
            and index_mark(config.instance) == mark)


def _remove_tree(path) -> None:
    """Delete the index as an operator would; a write racing the deletion only means trying again."""
    for _ in range(50):
        try:
            shutil.rmtree(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    shutil.rmtree(path)


def test_a_deleted_index_is_rebuilt_without_any_content_change(tmp_path):
    config = Config(consent_table.write(tmp_path / "content"), tmp_path / "instance")
    builder.build_index(config.content, config.instance)
    stop, thread = _follow(config)
    try:
        wait_for(lambda: _settled(config), 60, "both indexes to be fresh and the indexer idle")
        manifest = config.instance / "index" / "public.sqlite"
        before = manifest.stat().st_ctime_ns
        _remove_tree(config.instance / "index")
        wait_for(lambda: index_status(config, dt.date.today()).fresh, 30, "the index to be rebuilt")
        assert manifest.stat().st_ctime_ns != before  # written anew, not found as it was
    finally:
        stop.set()
        thread.join(10)


def test_a_failing_update_is_logged_once_with_what_to_do_then_its_end(tmp_path, monkeypatch, caplog):
    config = Config(consent_table.write(tmp_path / "content"), tmp_path / "instance")
    import search.indexer

    real = search.indexer.update_index
    calls = []

    def read_only(*args, **kwargs):  # what a read-only instance directory does to an index run
        calls.append(1)
        raise PermissionError(errno.EPERM, "Operation not permitted", str(config.instance / "index" / "lock"))

    monkeypatch.setattr(search.indexer, "update_index", read_only)
    caplog.set_level(logging.INFO, logger="archive.indexer")
    stop, thread = _follow(config)
    try:
        wait_for(lambda: len(calls) >= 5, 10, "the update to be retried")
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1, warnings  # retried every poll, logged once
        assert str(config.instance) in warnings[0] and "writable" in warnings[0]
        monkeypatch.setattr(search.indexer, "update_index", real)
        wait_for(lambda: index_status(config, dt.date.today()).fresh, 30, "the index to be built")
        wait_for(lambda: any("up to date again" in r.getMessage() for r in caplog.records), 10, "the all-clear")
    finally:
        stop.set()
        thread.join(10)


@pytest.mark.slow
def test_the_master_starts_a_killed_indexer_again(tmp_path):
    content = consent_table.write(tmp_path / "content")
    server = Served(content, tmp_path / "instance", tmp_path / "serve.log", workers=1)
    server.start(timeout=60)
    try:
        wait_for(lambda: server.indexer() is not None and "open-account" in search_ids(server.base, "bakery"), 60,
                 "the server and its indexer")
        first = server.indexer()
        assert first is not None
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: server.indexer() not in (None, first), 30, "a new indexer")
        # gunicorn's master reaps any child it sees exit, so the status may be gone before the check reads it;
        # and it writes the line just after it forks the new indexer, which this test can see first
        wait_for(lambda: re.search(r"The background indexer (stopped|was killed by signal 9); started it again",
                                   server.log()) is not None, 10, "the master's line saying it restarted the indexer")
        # the new indexer does its work: a new file is found
        new = builder.fields("fresh-account", "consent", title="A fresh account of the zqfreshword")
        (content / "en" / "fresh-account.md").write_text(builder.render(new), "utf-8")
        wait_for(lambda: "fresh-account" in search_ids(server.base, "zqfreshword"), 30, "a new file to be found")
    finally:
        status = server.stop(30)
    assert status == 0, server.log()
