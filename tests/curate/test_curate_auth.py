"""Signing in and out of /curate: cookies, CSRF, sessions that end, the secret key, rate limits."""

from __future__ import annotations

import io
import multiprocessing
import re
import stat
import sys
import time

import pytest

from archive.store import audit, curators
from web import create_app
from web.curate.blueprint import load_secret_key
from web.curate.throttle import FILE as THROTTLE_FILE, Throttle

from tests.support import consent_table
from tests.support.curators import add_curator, csrf_token, make_curate_site, PASSWORD, sign_in, sign_out

SAME_MESSAGE = "The name or the password is not right. Please try again."


@pytest.fixture
def site(tmp_path):
    """No testimonies (these tests are about accounts), low limits, amal signed in."""
    return make_curate_site(tmp_path, rows=(), index=False,
                            config={"ARCHIVE_SIGNIN_ACCOUNT_LIMIT": 3, "ARCHIVE_SIGNIN_ADDRESS_LIMIT": 5})


def _bare_app(tmp_path):
    """A collection with no testimonies (no index needed) and curator amal."""
    content = consent_table.write(tmp_path / "content", rows=())
    add_curator(tmp_path / "instance")
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(tmp_path / "instance"),
                       "TESTING": True})


def _cookie_header(response) -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("archive_curator=")]
    return header


def _signed_in(client) -> bool:
    return client.get("/curate/audit").status_code == 200


# --- the form and a successful sign-in ---------------------------------------------------------------


def test_the_sign_in_page_is_a_labelled_form_with_a_csrf_token(site):
    response = site.public().get("/curate/sign-in")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="signin-name">' in html and '<label for="signin-password">' in html
    assert 'autocomplete="current-password"' in html and 'type="password"' in html
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', html)
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]


def test_sign_in_sets_an_httponly_lax_cookie_for_curate_only(tmp_path):
    app = _bare_app(tmp_path)
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 303 and response.location == "/curate/"
    cookie = _cookie_header(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/curate" in cookie
    assert "Secure" not in cookie  # plain HTTP on a development machine
    expires = re.search(r"Expires=([^;]+)", cookie)
    assert expires, "the session is bounded"
    import email.utils
    lifetime = email.utils.parsedate_to_datetime(expires.group(1)).timestamp() - time.time()
    assert 7.9 * 3600 < lifetime <= 8 * 3600 + 5
    assert _signed_in(client)


def test_over_https_the_cookie_is_secure_and_forms_need_a_same_origin_referer(tmp_path):
    app = _bare_app(tmp_path)
    client = app.test_client()
    base = "https://archive.example.org"
    page = client.get("/curate/sign-in", base_url=base)
    assert page.headers["Referrer-Policy"] == "same-origin"  # so browsers send the Referer Flask-WTF checks
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "name": "amal", "password": PASSWORD}
    refused = client.post("/curate/sign-in", data=form, base_url=base)
    assert refused.status_code == 400  # no Referer over HTTPS
    forged = client.post("/curate/sign-in", data=form, base_url=base, headers={"Referer": "https://evil.example/"})
    assert forged.status_code == 400
    response = client.post("/curate/sign-in", data=form, base_url=base,
                           headers={"Referer": f"{base}/curate/sign-in"})
    assert response.status_code == 303
    assert "Secure" in _cookie_header(response)


def test_signing_in_again_goes_to_the_dashboard(site):
    response = site.client.get("/curate/sign-in")
    assert response.status_code == 303 and response.location == "/curate/"


# --- failures: the same message whether the name exists or not; nothing typed is stored ---------------


def test_a_wrong_password_and_an_unknown_name_meet_the_same_answer(site):
    client = site.public()
    wrong = sign_in(client, "amal", "not the password at all")
    unknown = sign_in(client, "nobody", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert SAME_MESSAGE in response.get_data(as_text=True)
        assert "archive_curator=" not in " ".join(response.headers.getlist("Set-Cookie")) or \
            not _signed_in(client)
    assert not _signed_in(client)


def test_an_unknown_name_costs_the_same_password_hashing(site, monkeypatch):
    calls = []
    real = curators.check_password_hash
    monkeypatch.setattr(curators, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    sign_in(site.public(), "nobody", "not the password at all")
    sign_in(site.public(), "amal", "not the password at all")
    assert len(calls) == 2 and all(h.startswith("scrypt:") for h in calls)


def test_failed_sign_ins_are_audited_without_what_was_typed(site):
    client = site.public()
    sign_in(client, "amal", "not the password at all")
    sign_in(client, "zqtypedpassword9", "zqtypedpassword9")  # a password typed into the name field
    entries = [e for e in audit.read(site.instance) if e["action"] == "sign-in-failed"]
    assert [(e["curator"], e["detail"]) for e in entries] == [(None, "amal"), (None, "unknown")]
    assert all(e["address"] == "127.0.0.1" for e in entries)
    for path in site.instance.rglob("*"):
        if path.is_file():
            assert b"zqtypedpassword9" not in path.read_bytes(), path
            assert b"not the password at all" not in path.read_bytes(), path


def test_sign_in_and_sign_out_are_audited(site):
    assert sign_out(site.client).status_code == 303
    actions = [(e["action"], e["curator"]) for e in audit.read(site.instance)]
    assert actions == [("sign-in", "amal"), ("sign-out", "amal")]


# --- where a sign-in leads -----------------------------------------------------------------------------


def test_a_signed_out_page_request_comes_back_to_that_page_after_sign_in(site):
    client = site.public()
    response = client.get("/curate/audit?action=sign-in")
    assert response.status_code == 303
    assert response.location == "/curate/sign-in?next=/curate/audit?action%3Dsign-in"
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="next" value="/curate/audit?action=sign-in"' in page
    response = sign_in(client, next="/curate/audit?action=sign-in")
    assert response.location == "/curate/audit?action=sign-in"


@pytest.mark.parametrize("target", ["https://evil.example/curate/", "//evil.example/curate/", "/\\evil.example",
                                    "/search", "javascript:alert(1)", "/curate/\r\nX: y"])
def test_next_never_leaves_the_curator_pages(tmp_path, target):
    app = _bare_app(tmp_path)
    response = sign_in(app.test_client(), next=target)
    assert response.status_code == 303 and response.location == "/curate/"


# --- CSRF ----------------------------------------------------------------------------------------------


def test_csrf_less_posts_are_refused_with_a_clear_page(site):
    client = site.public()
    response = client.post("/curate/sign-in", data={"name": "amal", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert not _signed_in(client)
    response = client.post("/curate/sign-in", data={"name": "amal", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400 and not _signed_in(client)
    response = site.client.post("/curate/sign-out", data={})
    assert response.status_code == 400
    assert _signed_in(site.client), "a forged sign-out does nothing"


def test_a_token_from_another_session_is_refused(site):
    other = site.public()
    token = csrf_token(other)
    response = site.client.post("/curate/sign-out", data={"csrf_token": token})
    assert response.status_code == 400 and _signed_in(site.client)


def test_public_posts_are_untouched_by_csrf(site):
    assert site.public().post("/search", data={"q": "x"}).status_code == 405


# --- sessions that end ---------------------------------------------------------------------------------


def test_sign_out_ends_the_session_and_a_copied_cookie(site):
    stolen = site.public()
    cookie = site.client.get_cookie("archive_curator", path="/curate")
    stolen.set_cookie("archive_curator", cookie.value, path="/curate")
    assert _signed_in(stolen)
    response = sign_out(site.client)
    assert response.status_code == 303 and response.location == "/curate/sign-in"
    assert "You are signed out." in site.client.get("/curate/sign-in").get_data(as_text=True)
    assert not _signed_in(site.client)
    assert not _signed_in(stolen)


def _cli(archive_cli, monkeypatch, *args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return archive_cli("curator", *args)


def test_a_changed_password_ends_open_sessions(site, archive_cli, monkeypatch):
    code, _, err = _cli(archive_cli, monkeypatch, "passwd", "amal", "--instance", site.instance,
                        stdin="a brand new secret\n")
    assert code == 0, err
    response = site.client.get("/curate/audit")
    assert response.status_code == 303 and response.location.startswith("/curate/sign-in")
    assert sign_in(site.client).status_code == 401
    assert sign_in(site.client, password="a brand new secret").status_code == 303


def test_a_removed_curator_is_signed_out_at_the_next_request(site, archive_cli, monkeypatch):
    assert _cli(archive_cli, monkeypatch, "remove", "amal", "--instance", site.instance)[0] == 0
    assert site.client.get("/curate/").status_code == 303
    assert site.client.post("/curate/sign-out", data={"csrf_token": "x"}).status_code == 403
    assert sign_in(site.client).status_code == 401


def test_a_session_older_than_its_lifetime_has_ended(site):
    with site.client.session_transaction("/curate/") as session:
        session["since"] -= 8 * 3600 + 60
    assert site.client.get("/curate/").status_code == 303


def test_a_tampered_session_is_not_a_session(site):
    with site.client.session_transaction("/curate/") as session:
        session["curator"] = "basel"  # signed by us, but basel has no account: the epoch cannot match
    assert site.client.get("/curate/").status_code == 303
    client = site.public()
    client.set_cookie("archive_curator", "eyJjdXJhdG9yIjoiYW1hbCJ9.forged.signature", path="/curate")
    assert client.get("/curate/").status_code == 303


# --- the secret key ------------------------------------------------------------------------------------


def test_the_secret_key_is_made_once_in_the_instance_dir_and_shared_by_workers(site):
    path = site.instance / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(site.content.rglob("secret_key"))
    second_worker = create_app({"ARCHIVE_CONTENT": str(site.content), "ARCHIVE_INSTANCE": str(site.instance),
                                "TESTING": True})
    assert second_worker.secret_key == site.app.secret_key == path.read_bytes()
    client = second_worker.test_client()
    client.set_cookie("archive_curator", site.client.get_cookie("archive_curator", path="/curate").value,
                      path="/curate")
    assert _signed_in(client), "a session made by one worker is good in another"


def _key(instance, queue):
    queue.put(load_secret_key(instance))


def test_workers_starting_together_agree_on_one_key(tmp_path):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_key, args=(tmp_path, queue)) for _ in range(6)]
    for process in processes:
        process.start()
    keys = {queue.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(60)
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


# --- rate limits ---------------------------------------------------------------------------------------


def _fail(client, name="amal", times=1):
    for _ in range(times):
        assert sign_in(client, name, "not the password at all").status_code == 401


def _from(site, address):
    client = site.app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_account_is_locked_from_the_address_that_failed(site):
    client = site.public()
    _fail(client, times=3)
    response = sign_in(client)  # the right password, too late
    assert response.status_code == 429
    assert 60 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins. Please wait 15 minutes and try again." in response.get_data(as_text=True)
    entries = audit.read(site.instance, action="sign-in-failed")
    assert entries[-1]["reason"] == "rate limited" and entries[-1]["detail"] == "amal"
    assert sign_in(_from(site, "10.0.0.2")).status_code == 303, "the curator still signs in from elsewhere"


def test_one_address_cannot_lock_every_curator_out(site):
    add_curator(site.instance, "basel")
    attacker = site.public()
    _fail(attacker, "amal", times=3)
    _fail(attacker, "basel", times=2)  # 5 failures: the address limit
    assert sign_in(attacker, "basel").status_code == 429
    for name, address in (("amal", "10.0.0.2"), ("basel", "10.0.0.3")):
        assert sign_in(_from(site, address), name).status_code == 303, name


def test_guessing_spread_over_many_addresses_locks_only_addresses_the_account_never_used(tmp_path):
    site = make_curate_site(tmp_path, rows=(), index=False, config={"ARCHIVE_SIGNIN_TOTAL_LIMIT": 4})
    home = site.public()  # 127.0.0.1, where amal signed in (make_curate_site)
    for number in range(4):
        _fail(_from(site, f"10.0.1.{number}"))  # one failure each: under every per-address limit
    assert sign_in(_from(site, "10.0.2.1")).status_code == 429, "a new address must wait"
    assert sign_in(home).status_code == 303, "an address amal signed in from still works"
    add_curator(site.instance, "basel")
    assert sign_in(_from(site, "10.0.2.1"), "basel").status_code == 303, "other accounts are untouched"


def test_an_unknown_name_is_locked_just_like_a_real_one(site):
    client = site.public()
    _fail(client, "nobody", times=3)
    response = sign_in(client, "nobody", "not the password at all")
    assert response.status_code == 429 and "Retry-After" in response.headers


def test_an_address_is_locked_and_a_right_password_does_not_bypass_it(site):
    add_curator(site.instance, "basel")
    client = site.public()
    for name in ("n1", "n2", "n3", "n4", "n5"):
        _fail(client, name)
    response = sign_in(client, "basel")
    assert response.status_code == 429
    other_address = site.app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert sign_in(other_address, "basel").status_code == 303


def test_failures_are_counted_across_worker_processes(site):
    second_worker = create_app({"ARCHIVE_CONTENT": str(site.content), "ARCHIVE_INSTANCE": str(site.instance),
                                "TESTING": True, "ARCHIVE_SIGNIN_ACCOUNT_LIMIT": 3})
    _fail(site.public(), times=2)
    _fail(second_worker.test_client(), times=1)
    assert sign_in(site.public()).status_code == 429
    assert sign_in(second_worker.test_client()).status_code == 429


def test_the_throttle_window_slides(tmp_path):
    throttle = Throttle(tmp_path / THROTTLE_FILE, account_limit=2, address_limit=10, total_limit=3, window=600)
    assert throttle.begin("amal", "1.2.3.4", now=1000)[0] == 0  # each attempt counts as failed until it succeeds
    assert throttle.begin("amal", "1.2.3.4", now=1100)[0] == 0
    assert throttle.begin("amal", "1.2.3.4", now=1200) == (400, None)  # the first failure leaves at 1600
    assert throttle.begin("basel", "1.2.3.4", now=1200)[0] == 0
    assert throttle.begin("amal", "5.6.7.8", now=1200)[0] == 0  # the third failure of amal, everywhere
    assert throttle.begin("amal", "9.9.9.9", now=1300) == (300, None)  # the total limit: until 1600
    wait, attempt = throttle.begin("amal", "1.2.3.4", now=1600)
    assert wait == 0 and attempt is not None
    throttle.succeeded(attempt, "amal", "1.2.3.4", now=1600)
    assert throttle.begin("amal", "1.2.3.4", now=1601)[0] == 0, "a success is no failure"


def test_a_success_makes_the_address_known_to_that_account_only(tmp_path):
    throttle = Throttle(tmp_path / THROTTLE_FILE, account_limit=5, address_limit=50, total_limit=2, window=600)
    _, attempt = throttle.begin("amal", "1.2.3.4", now=1000)
    throttle.succeeded(attempt, "amal", "1.2.3.4", now=1000)
    for address in ("5.5.5.5", "6.6.6.6"):
        throttle.begin("amal", address, now=1001)
    assert throttle.begin("amal", "7.7.7.7", now=1002)[0] > 0
    assert throttle.begin("amal", "1.2.3.4", now=1002)[0] == 0
    for address in ("5.5.5.5", "6.6.6.6"):
        throttle.begin("basel", address, now=1001)
    assert throttle.begin("basel", "1.2.3.4", now=1002)[0] > 0, "known to amal, not to basel"


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(site):
    client = site.public()
    for number in range(5):  # the address limit, each failure claiming another address
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.9.0.{number}"
        assert sign_in(client, f"n{number}", "not the password at all").status_code == 401
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "10.9.0.99"
    assert sign_in(client).status_code == 429, "the header did not make the sender someone else"
    assert {e["address"] for e in audit.read(site.instance, action="sign-in-failed")} == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(tmp_path):
    site = make_curate_site(tmp_path, rows=(), index=False,
                            config={"ARCHIVE_SIGNIN_ADDRESS_LIMIT": 5, "ARCHIVE_TRUSTED_PROXIES": 1})
    add_curator(site.instance, "basel")
    attacker, colleague = site.public(), site.public()
    attacker.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    for number in range(5):
        assert sign_in(attacker, f"n{number}", "not the password at all").status_code == 401
    assert sign_in(attacker, "basel").status_code == 429, "the attacker's own address is locked"
    assert sign_in(colleague, "basel").status_code == 303, "a curator behind the same proxy is not"
    addresses = {e["address"] for e in audit.read(site.instance) if e["action"] in ("sign-in", "sign-in-failed")}
    assert addresses >= {"198.51.100.7", "203.0.113.9"}
    https = site.public()
    https.environ_base.update(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    page = https.get("/curate/sign-in")  # the proxy's X-Forwarded-Proto makes the cookie Secure
    assert "Secure" in " ".join(page.headers.getlist("Set-Cookie"))
