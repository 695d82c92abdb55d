"""Sign-in limits against the real `archive serve` (several gunicorn workers): parallel guesses cannot pass them."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from archive.store import audit

from tests.bench.serving import Served
from tests.support import consent_table
from tests.support.curators import add_curator, PASSWORD

pytestmark = pytest.mark.slow

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One visitor with a cookie jar and the sign-in form's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with self.opener.open(f"{base}/curate/sign-in", timeout=30) as response:
            self.token = _TOKEN.search(response.read().decode()).group(1)

    def sign_in(self, name: str, password: str) -> int:
        data = urllib.parse.urlencode({"csrf_token": self.token, "name": name, "password": password}).encode()
        try:
            with self.opener.open(f"{self.base}/curate/sign-in", data=data, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            with error:
                return error.code


def test_parallel_wrong_passwords_in_several_workers_cannot_pass_the_limit(tmp_path):
    content = consent_table.write(tmp_path / "content", rows=())
    instance = tmp_path / "instance"
    add_curator(instance)
    (instance / "config.py").write_text("ARCHIVE_SIGNIN_ACCOUNT_LIMIT = 3\n", "utf-8")  # read by every worker
    server = Served(content, instance, tmp_path / "serve.log", workers=3)
    server.start(timeout=120, warm=("/curate/sign-in",))
    try:
        browsers = [Browser(server.base) for _ in range(12)]
        statuses: list[int] = []
        start = threading.Barrier(len(browsers))

        def guess(browser: Browser) -> None:
            start.wait()
            statuses.append(browser.sign_in("amal", "a wrong guess at it"))

        threads = [threading.Thread(target=guess, args=(b,)) for b in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert sorted(statuses) == [401] * 3 + [429] * 9, (statuses, server.log())
        assert Browser(server.base).sign_in("amal", PASSWORD) == 429, "the right password waits too"
    finally:
        assert server.stop() == 0, server.log()
    failed = audit.read(instance, action="sign-in-failed")
    assert len(failed) == 13 and sum(e["reason"] == "rate limited" for e in failed) == 10
