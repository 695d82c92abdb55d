"""Fixtures for the real-browser tests: one served site and one headless Chromium for them all.

The site is tests/browser/reading_collection.py's collection, indexed into a tmp dir and served by
a real HTTP server (werkzeug, in a background thread). Chromium is Debian's
/usr/bin/chromium driven by Playwright; when no Chromium is found the tests skip with
one reason. Screenshots go to screenshots/ at the repository root (outside git), or to
$ARCHIVE_SCREENSHOTS.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from . import fetch_axe

from tests.support import builder, reading_collection

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("ARCHIVE_SCREENSHOTS") or ROOT / "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NO_CHROMIUM = "chromium not installed: apt-get install chromium (done by .ci/run)"
TIMEOUT_MS = 15_000


def find_chromium() -> str | None:
    """Debian's /usr/bin/chromium, else a Chromium or Chrome on the PATH ($CHROMIUM wins)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="package")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The base URL (no trailing slash) of the test collection served over real HTTP."""
    from web import create_app

    base = tmp_path_factory.mktemp("browser-site")
    content = reading_collection.write(base / "content")
    builder.build_index(content, base / "instance")
    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(base / "instance")})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="browser-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="package")
def chromium(chromium_path):
    """One headless Chromium for these tests, stopped when they end (its event loop must not outlive them)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_tab(chromium, site_url):
    """open_tab(width=1280, height=900) -> a page in a fresh context (no cookies) on the test site.

    Uncaught script errors and Content-Security-Policy violations fail the test at teardown.
    """
    contexts, problems = [], []

    def open_(width: int = 1280, height: int = 900):
        context = chromium.new_context(base_url=site_url, viewport={"width": width, "height": height},
                                       locale="en-GB", color_scheme="light", reduced_motion="reduce")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
        page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def tab(open_tab):
    """A 1280 x 900 page on the test site."""
    return open_tab()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The pinned axe-core script (downloaded and sha512-checked once, cached under .venv/share)."""
    try:
        return fetch_axe.ensure().read_text(encoding="utf-8")
    except fetch_axe.AxeUnavailable as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
