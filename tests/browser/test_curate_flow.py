"""The curator flow in headless Chromium: sign in, add an account, see it public, withdraw it, see it gone.

It serves its own collection (the shared browser site must not change under other tests),
with Chromium from tests/browser/conftest.py (skipped with a reason when it is missing).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from .conftest import TIMEOUT_MS

from tests.support import builder
from tests.support.curators import add_curator, PASSWORD



class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture
def curate_server(tmp_path) -> Iterator[tuple[str, Path]]:
    """(base URL, instance dir) of a fresh consent-table collection with curator 'amal', over real HTTP."""
    from tests.support import consent_table
    from web import create_app

    content = consent_table.write(tmp_path / "content")
    instance = tmp_path / "instance"
    builder.build_index(content, instance)
    add_curator(instance)
    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance)})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="curate-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", instance
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def _tab(chromium, base: str, problems: list[str]):
    context = chromium.new_context(base_url=base, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return context, page


def test_sign_in_add_publish_withdraw_in_a_real_browser(chromium, curate_server):
    from archive.store import audit

    base, instance = curate_server
    problems: list[str] = []
    curator_context, curator = _tab(chromium, base, problems)
    public_context, public = _tab(chromium, base, problems)
    try:
        curator.goto("/curate/")
        assert "/curate/sign-in" in curator.url
        curator.get_by_label("Name").fill("amal")
        curator.get_by_label("Password").fill(PASSWORD)
        curator.get_by_role("button", name="Sign in").click()
        curator.get_by_role("link", name="Add testimony").click()

        for field, value in {"id": "browser-account", "title": "The flour mill", "event_date": "2016-05",
                             "places": "سراقب", "themes": "Airstrikes", "recorded_date": "2017",
                             "recorded_by": "Amal", "narrator_pseudonym": "Abu Zqmill",
                             "body": "The zqflourmill stopped. It was on [[redact: Zqhiddenlane]]."}.items():
            curator.locator(f"#{field}").fill(value)
        curator.locator("#consent_identity").select_option("pseudonymous")
        curator.locator("#status").select_option("published")
        curator.get_by_role("button", name="Preview").click()
        public_preview = curator.locator("section.preview.public")
        assert "[redacted]" in public_preview.inner_text() and "Zqhiddenlane" not in public_preview.inner_text()
        assert "Zqhiddenlane" in curator.locator("section.preview.curator mark.redaction").inner_text()
        curator.get_by_role("button", name="Save and publish").click()
        assert curator.url.endswith("/curate/t/browser-account")
        assert "was added" in curator.locator(".notices").inner_text()

        response = public.goto("/t/browser-account")
        assert response.status == 200 and "Abu Zqmill" in public.inner_text("main")
        public.goto("/search?q=zqflourmill")
        assert public.locator('a[href="/t/browser-account"]').count() >= 1

        curator.get_by_role("link", name="Change consent").first.click()
        curator.get_by_role("radio", name="Withdraw:").check()
        curator.get_by_label("Reason").fill("The narrator asked us by phone")
        curator.get_by_role("button", name="Apply this change now").click()
        assert "Only a notice that this account was withdrawn" in curator.inner_text("main")  # the confirmation
        assert public.goto("/t/browser-account").status == 200  # not yet
        curator.get_by_role("button", name="Yes, withdraw it now").click()
        assert "is withdrawn" in curator.locator(".notices").inner_text()

        response = public.goto("/t/browser-account")
        assert response.status == 410 and "zqflourmill" not in public.content()
        public.goto("/search?q=zqflourmill")
        assert public.locator('a[href="/t/browser-account"]').count() == 0

        curator.goto("/curate/audit?testimony=browser-account")
        assert "The narrator asked us by phone" in curator.inner_text("main")
        actions = [e["action"] for e in audit.read(instance, testimony="browser-account")]
        assert actions == ["create", "consent"]
    finally:
        curator_context.close()
        public_context.close()
    assert not problems, "\n".join(problems)
