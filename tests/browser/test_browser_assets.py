"""The stylesheet and script reach a browser compressed, and the server closes the files it read them from.

Flask-Compress streams a file response and never closes the file (web/headers.py reads static
files first); an unclosed file would fail whichever test is running, so this one names the cause.
"""

from __future__ import annotations

import gc
import sys
import time
import urllib.request

import pytest

ASSETS = ("site.css", "copy.js")
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}


@pytest.mark.parametrize("name", ASSETS)
def test_a_static_file_is_sent_compressed_and_closed(site_url, name):
    caught: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: caught.append(f"{unraisable.exc_value!r} in {unraisable.object!r}")
    try:
        request = urllib.request.Request(f"{site_url}/static/{name}", headers=BROWSER_HEADERS)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] in ("br", "gzip", "deflate", "zstd")
            assert response.read()
        deadline = time.monotonic() + 2  # the server's thread lets go of the request a moment later
        while not caught and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.05)
    finally:
        sys.unraisablehook = previous
    assert not caught, (f"/static/{name} was sent with its file left open: Flask-Compress streams a static file and "
                        f"never closes it (an after_request hook that runs before Compress's and calls "
                        f"response.make_sequence() on static responses fixes it): " + "; ".join(caught))
