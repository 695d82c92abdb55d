"""The real `archive serve`: gunicorn with two workers and the background indexer, over HTTP."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import builder, consent_table
from tests.support.served import free_port
from tests.support.served import http_get as fetch
from tests.support.served import wait_until as wait_for


pytestmark = pytest.mark.slow


def _caught_up_without(base: str, q: str, testimony_id: str) -> bool:
    """Search answers again without the testimony; until then it is a 503 that names nothing of it."""
    status, _, body = fetch(f"{base}/api/search?q={q}&per_page=100")
    if status == 503:
        assert testimony_id not in body.decode("utf-8", "replace")
        return False
    assert status == 200
    return testimony_id not in {r["id"] for r in json.loads(body)["results"]}


def search_ids(base: str, q: str) -> set[str]:
    status, _, body = fetch(f"{base}/api/search?q={q}&per_page=100")
    assert status == 200
    return {r["id"] for r in json.loads(body)["results"]}


def test_archive_serve_over_http(tmp_path):
    content = consent_table.write(tmp_path / "content")
    instance = tmp_path / "instance"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).parent / "archive"), "serve", "--port", str(port), "--workers", "2",
               "--content", str(content), "--instance", str(instance)]
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    log_path = tmp_path / "serve.log"
    log_file = open(log_path, "wb")
    server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    try:
        wait_for(lambda: fetch(f"{base}/")[0] == 200, 60, "the server to answer")

        status, headers, body = fetch(f"{base}/t/open-account", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert b"<h1" in gzip.decompress(body)
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert fetch(f"{base}/t/closed-zqrestrictedid")[0] == 404
        assert fetch(f"{base}/t/gone-zqwithdrawnid")[0] == 410
        assert "open-account" in search_ids(base, "bakery")

        # The background indexer follows the files; the workers pick up the new generation.
        new = builder.fields("fresh-account", "consent", title="A fresh account of the zqfreshword")
        (content / "en" / "fresh-account.md").write_text(builder.render(new), "utf-8")
        wait_for(lambda: "fresh-account" in search_ids(base, "zqfreshword"), 30, "a new file to be found")
        path = content / "en" / "open-account.md"
        path.write_text(path.read_text("utf-8").replace("access: public", "access: withdrawn"), "utf-8")
        wait_for(lambda: fetch(f"{base}/t/open-account")[0] == 410, 30, "a withdrawal to show")
        wait_for(lambda: _caught_up_without(base, "bakery", "open-account"), 30, "a withdrawal to leave search")
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- archive serve said:\n{log_path.read_text(errors='replace')}") from None
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            raise AssertionError("archive serve did not stop on SIGTERM") from None
        finally:
            log_file.close()
    log = log_path.read_text(errors="replace")
    assert server.returncode == 0, log
    assert "Traceback" not in log, log

    def group_gone() -> bool:
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(group_gone, 15, "the workers and the indexer to exit")
