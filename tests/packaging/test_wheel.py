"""The archive as it ships: a wheel built from the sources, installed (not editable) into a fresh
virtual environment with the pinned versions, runs `archive check`, `archive index` and
`archive serve` from a folder of its own; the public site and the curator sign-in page answer.

It needs pip to reach its index or its cache (as `make install` does); about a minute.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support import consent_table


pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("pyproject.toml", "README.md", "archive", "search", "web")


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    """This environment without anything that could point Python or the archive back at the sources."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ARCHIVE_")) and k != "VIRTUAL_ENV"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a clean copy: no build/ left over from earlier builds in the work tree
    source.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env = _env()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(source)],
         base, env)
    [wheel] = (base / "dist").glob("*.whl")
    _run([sys.executable, "-m", "venv", str(base / "venv")], base, env)
    bin_ = base / "venv" / "bin"
    _run([str(bin_ / "python"), "-m", "pip", "install", "--quiet", "--no-compile", "-c", str(ROOT / "constraints.txt"),
          str(wheel)], base, env, timeout=300)
    return bin_


def test_the_installed_wheel_checks_indexes_and_serves(installed, tmp_path):
    env = _env()
    where = _run([str(installed / "python"), "-c", "import web.curate, archive; print(archive.__file__)"],
                 tmp_path, env)
    assert str(installed.parent) in where and str(ROOT) not in where, where
    commands = _run([str(installed / "archive"), "--help"], tmp_path, env)  # the archive.commands entry points
    assert all(f"  {name} " in commands for name in ("check", "index", "search", "serve", "curator")), commands
    consent_table.write(tmp_path / "testimonies")  # the default content folder, beside the default ./instance
    assert "no problems" in _run([str(installed / "archive"), "check"], tmp_path, env)
    _run([str(installed / "archive"), "index"], tmp_path, env)
    assert (tmp_path / "instance" / "index" / "public.json").is_file()

    port = _free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([str(installed / "archive"), "serve", "--port", str(port), "--workers", "2"],
                                  cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _status(f"{base}/") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.3)
        for path in ("/", "/search?q=bakery", "/t/open-account", "/places", "/curate/sign-in", "/static/site.css"):
            assert _status(base + path) == 200, (path, log_path.read_text(errors="replace"))
        assert _status(f"{base}/t/closed-zqrestrictedid") == 404
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.returncode == 0, log_path.read_text(errors="replace")
