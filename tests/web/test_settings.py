"""Every setting the README and docs/ document takes effect, set where operators set it.

Site settings go in `<instance>/config.py` (never passed to create_app here); the CLI's
settings are environment variables.
"""

from __future__ import annotations

import email.utils
import re
import time
from pathlib import Path

import pytest

from archive.store import audit
from web import create_app

from tests.support import builder, consent_table
from tests.support.curators import add_curator, csrf_token, PASSWORD, sign_in

WRONG = "not the password at all"


def _app(tmp_path: Path, settings: str, rows=(), index: bool = False):
    """A site whose only configuration is `<instance>/config.py` holding `settings`."""
    content = consent_table.write(tmp_path / "content", rows)
    instance = tmp_path / "instance"
    if index:
        builder.build_index(content, instance)
    add_curator(instance)
    add_curator(instance, "basel")
    (instance / "config.py").write_text(settings, "utf-8")
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})


def _client(app, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_instance_config_py_is_read_from_the_instance_directory(tmp_path):
    app = _app(tmp_path, "ARCHIVE_SIGNIN_ACCOUNT_LIMIT = 7\n")
    assert app.config["ARCHIVE_SIGNIN_ACCOUNT_LIMIT"] == 7
    assert create_app({"ARCHIVE_CONTENT": str(tmp_path / "content"), "ARCHIVE_INSTANCE": str(tmp_path / "elsewhere"),
                       "TESTING": True}).config["ARCHIVE_SIGNIN_ACCOUNT_LIMIT"] == 5, "the default without it"


def test_archive_signin_account_limit(tmp_path):
    client = _client(_app(tmp_path, "ARCHIVE_SIGNIN_ACCOUNT_LIMIT = 2\n"))
    assert [sign_in(client, "amal", WRONG).status_code for _ in range(2)] == [401, 401]
    assert sign_in(client).status_code == 429


def test_archive_signin_address_limit(tmp_path):
    client = _client(_app(tmp_path, "ARCHIVE_SIGNIN_ADDRESS_LIMIT = 2\n"))
    assert [sign_in(client, name, WRONG).status_code for name in ("n1", "n2")] == [401, 401]
    assert sign_in(client, "basel").status_code == 429


def test_archive_signin_total_limit(tmp_path):
    app = _app(tmp_path, "ARCHIVE_SIGNIN_TOTAL_LIMIT = 2\n")
    assert [sign_in(_client(app, f"10.0.0.{n}"), "amal", WRONG).status_code for n in (1, 2)] == [401, 401]
    assert sign_in(_client(app, "10.0.0.3")).status_code == 429


def test_archive_signin_window_seconds(tmp_path):
    client = _client(_app(tmp_path, "ARCHIVE_SIGNIN_ACCOUNT_LIMIT = 1\nARCHIVE_SIGNIN_WINDOW_SECONDS = 120\n"))
    sign_in(client, "amal", WRONG)
    response = sign_in(client)
    assert response.status_code == 429 and 100 <= int(response.headers["Retry-After"]) <= 120


def test_archive_trusted_proxies(tmp_path):
    client = _client(_app(tmp_path, "ARCHIVE_TRUSTED_PROXIES = 1\n"))
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    assert sign_in(client).status_code == 303
    assert audit.read(tmp_path / "instance", action="sign-in")[-1]["address"] == "203.0.113.9"


def test_permanent_session_lifetime(tmp_path):
    response = sign_in(_client(_app(tmp_path, "import datetime\nPERMANENT_SESSION_LIFETIME = "
                                              "datetime.timedelta(hours=1)\n")))
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("archive_curator=")]
    expires = email.utils.parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1)).timestamp()
    assert 3500 < expires - time.time() <= 3605


def test_archive_curate_max_content_length(tmp_path):
    client = _client(_app(tmp_path, "ARCHIVE_CURATE_MAX_CONTENT_LENGTH = 4096\n"))
    assert sign_in(client).status_code == 303
    token = csrf_token(client, "/curate/new")
    short = client.post("/curate/new", data={"csrf_token": token, "body": "x" * 1000, "preview": "1"})
    assert short.status_code in (200, 400)  # read and checked
    long = client.post("/curate/new", data={"csrf_token": token, "body": "x" * 8000, "preview": "1"})
    assert long.status_code == 413


@pytest.mark.parametrize("seconds, seen", [(0, True), (3600, False)])
def test_archive_reload_seconds(tmp_path, seconds, seen):
    app = _app(tmp_path, f"ARCHIVE_RELOAD_SECONDS = {seconds}\n", rows=consent_table.ROWS, index=True)
    client = app.test_client()
    assert client.get("/t/open-account").status_code == 200
    path = tmp_path / "content" / "en" / "open-account.md"
    path.write_text(path.read_text("utf-8").replace("access: public", "access: withdrawn"), "utf-8")
    assert (client.get("/t/open-account").status_code == 410) is seen


def test_archive_debug_shows_the_traceback_of_a_bug(archive_cli, monkeypatch, tmp_path):
    import archive.cli.check

    def broken(config):
        raise RuntimeError("a bug")

    monkeypatch.setattr(archive.cli.check, "collection_or_fail", broken)
    code, _, err = archive_cli("check", "--content", str(tmp_path))
    assert code == 2 and "unexpected RuntimeError: a bug" in err and "ARCHIVE_DEBUG=1" in err
    monkeypatch.setenv("ARCHIVE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        archive_cli("check", "--content", str(tmp_path))


def test_archive_content_and_archive_instance_from_the_environment(archive_cli, monkeypatch, tmp_path):
    content = consent_table.write(tmp_path / "content", rows=())
    add_curator(tmp_path / "instance")
    monkeypatch.setenv("ARCHIVE_CONTENT", str(content))
    monkeypatch.setenv("ARCHIVE_INSTANCE", str(tmp_path / "instance"))
    code, out, _ = archive_cli("curator", "list")
    assert code == 0 and out.startswith("amal\t")
    app = create_app({"TESTING": True})
    assert app.config["ARCHIVE_CONTENT"] == str(content) and sign_in(app.test_client(), "amal",
                                                                     PASSWORD).status_code == 303
