"""Curators in tests: accounts, CSRF tokens, signing in and out, a site of one's own to curate.

    from tests.support.curators import add_curator, csrf_token, sign_in, PASSWORD

make_curate_site(base) is a fresh copy of the consent-table collection (tests/support/consent_table.py),
indexed, served with TESTING=True and CSRF protection ON, with curator "amal" signed in; the
`curate_site` fixture (tests/conftest.py) is one in tmp_path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import builder

__all__ = ["PASSWORD", "add_curator", "csrf_token", "sign_in", "sign_out", "CurateSite", "make_curate_site"]

PASSWORD = "a long enough secret"
_TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def add_curator(instance: Path, name: str = "amal", password: str = PASSWORD) -> None:
    """Create a curator account in `instance`, as `archive curator add` would."""
    from archive.store import curators

    curators.add(Path(instance), name, password)


def csrf_token(client: FlaskClient, url: str = "/curate/sign-in") -> str:
    """GET `url` (it must answer 200) and return the form's hidden csrf_token."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no csrf_token field in {url}"
    return match.group(1)


def sign_in(client: FlaskClient, name: str = "amal", password: str = PASSWORD,
            next: str | None = None) -> TestResponse:
    """Post the sign-in form with a valid CSRF token; success is a 303 to the dashboard (or `next`)."""
    data = {"csrf_token": csrf_token(client), "name": name, "password": password}
    if next is not None:
        data["next"] = next
    return client.post("/curate/sign-in", data=data)


def sign_out(client: FlaskClient) -> TestResponse:
    """Press the Sign-out button of a curator page (the session must be signed in)."""
    return client.post("/curate/sign-out", data={"csrf_token": csrf_token(client, "/curate/audit")})


@dataclass
class CurateSite:
    app: Flask
    client: FlaskClient  # signed in as `curator`
    content: Path
    instance: Path
    curator: str = "amal"
    password: str = PASSWORD

    def public(self) -> FlaskClient:
        """A second client with no session: what the public sees."""
        return self.app.test_client()


def make_curate_site(base: Path, rows: Any = None, extra: dict[str, str] | None = None,
                     config: dict[str, Any] | None = None, curator: str = "amal",
                     password: str = PASSWORD, index: bool = True) -> CurateSite:
    """A collection of its own under `base` (content/, instance/), indexed, with `curator` signed in.

    `rows` are consent_table rows (default: the consent table); `index=False` skips the search index.
    """
    from tests.support import consent_table
    from web import create_app

    content = consent_table.write(base / "content", rows if rows is not None else consent_table.ROWS, extra)
    instance = base / "instance"
    if index:
        builder.build_index(content, instance)
    add_curator(instance, curator, password)
    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True,
                      "ARCHIVE_RELOAD_SECONDS": 0, **(config or {})})
    assert app.config["WTF_CSRF_ENABLED"], "curator tests run with CSRF protection on"
    client = app.test_client()
    response = sign_in(client, curator, password)
    assert response.status_code == 303, response.get_data(as_text=True)
    return CurateSite(app, client, content, instance, curator, password)
