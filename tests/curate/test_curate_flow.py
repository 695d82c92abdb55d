"""The whole curator flow through the test client: sign in, add, see it public, withdraw, see it gone, audit, git."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

from archive.store import audit
from archive.loader import file_hash

from tests.support.curators import csrf_token, make_curate_site, sign_in

ACCOUNT = {"id": "flow-account", "title": "The flour mill", "language": "en", "event_date": "2016-05",
           "places": "Saraqeb", "themes": "airstrikes", "recorded_date": "2017", "recorded_by": "Amal",
           "recorded_method": "written", "consent_access": "public", "consent_identity": "pseudonymous",
           "narrator_pseudonym": "Abu Zqmill", "consent_date": "2017-01-05", "consent_recorded_by": "Amal",
           "status": "published", "body": "The zqflourmill stopped turning that spring.\n"}


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def add_then_withdraw(site):
    client = site.app.test_client()
    assert client.post("/curate/new", data={**ACCOUNT, "save": "1"}).status_code in (401, 403)  # signed out
    assert sign_in(client).status_code == 303
    created = client.post("/curate/new", data={**ACCOUNT, "save": "1",
                                               "csrf_token": csrf_token(client, "/curate/new")})
    assert created.status_code == 303, created.get_data(as_text=True)

    public = site.public()
    page = public.get("/t/flow-account")
    assert page.status_code == 200 and "Abu Zqmill" in page.get_data(as_text=True)
    assert "flow-account" in [r["id"] for r in public.get("/api/search?q=zqflourmill").get_json()["results"]]
    assert 'href="/t/flow-account"' in public.get("/search?q=zqflourmill").get_data(as_text=True)

    consent_page = client.get("/curate/t/flow-account/consent").get_data(as_text=True)
    version = consent_page.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]
    asked = {"csrf_token": csrf_token(client, "/curate/t/flow-account/consent"), "version": version,
             "action": "withdraw", "reason": "The narrator asked us to"}
    confirm = client.post("/curate/t/flow-account/consent", data=asked)  # first: what the public will see
    assert confirm.status_code == 200 and "What the public will see" in confirm.get_data(as_text=True)
    assert public.get("/t/flow-account").status_code == 200  # nothing changed before the confirmation
    withdrawn = client.post("/curate/t/flow-account/consent", data={**asked, "confirmed": "1"})
    assert withdrawn.status_code == 303, withdrawn.get_data(as_text=True)

    gone = public.get("/t/flow-account")  # the very next public request
    assert gone.status_code == 410 and "zqflourmill" not in gone.get_data(as_text=True)
    assert public.get("/api/search?q=zqflourmill").get_json()["results"] == []
    assert "flow-account" not in public.get("/search?q=zqflourmill").get_data(as_text=True)
    assert "flow-account" not in public.get("/sitemap.xml").get_data(as_text=True)

    entries = [e for e in audit.read(site.instance) if e["action"] != "commit"]  # git's outcome: see below
    assert [e["action"] for e in entries][-3:] == ["sign-in", "create", "consent"]
    create, consent = entries[-2:]
    assert create["testimony"] == consent["testimony"] == "flow-account"
    assert consent["version_before"] == create["version_after"] and consent["reason"] == "The narrator asked us to"
    assert all("zqflourmill" not in str(e) and "Zqmill" not in str(e) for e in entries)  # ids, never words
    log = client.get("/curate/audit?testimony=flow-account").get_data(as_text=True)
    assert "The narrator asked us to" in log
    return client


def test_add_see_withdraw_gone(tmp_path):
    add_then_withdraw(make_curate_site(tmp_path))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_in_a_git_content_directory_each_save_is_a_commit_by_the_curator(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    site = make_curate_site(tmp_path / "site")
    git(site.content, "init", "--quiet")
    git(site.content, "add", ".")
    git(site.content, "-c", "user.name=Setup", "-c", "user.email=s@example.org", "commit", "--quiet", "-m", "start")
    add_then_withdraw(site)
    log = git(site.content, "log", "--format=%an <%ae>|%s", "-2").splitlines()
    assert log == ["amal <amal@curators.invalid>|withdraw flow-account",
                   "amal <amal@curators.invalid>|create flow-account"]
    assert git(site.content, "show", "--name-only", "--format=", "HEAD").split() == ["en/flow-account.md"]
    assert "narrator asked" not in git(site.content, "log", "--format=%B")  # the reason stays in the audit log
    assert git(site.content, "status", "--porcelain") == ""
    shas = git(site.content, "log", "--format=%h", "--abbrev=12", "-2").split()
    assert [e["detail"] for e in audit.read(site.instance, action="commit")] == [
        f"create; commit {shas[1]}", f"withdraw; commit {shas[0]}"]


def test_when_git_fails_the_save_stands_and_the_curator_is_told(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    site = make_curate_site(tmp_path / "site")
    git(site.content, "init", "--quiet")
    (site.content / ".git" / "index.lock").write_text("")  # git is busy: every commit fails
    client = site.client
    response = client.post("/curate/new", data={**ACCOUNT, "save": "1",
                                                "csrf_token": csrf_token(client, "/curate/new")},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "git could not record it" in response.get_data(as_text=True)
    assert (site.content / "en" / "flow-account.md").is_file()
    assert site.public().get("/t/flow-account").status_code == 200
    assert [(e["action"], e["detail"]) for e in audit.read(site.instance)][-2:] == [
        ("create", "create"), ("commit", "create; git failed")]


def _save_then_die_in_git(site, monkeypatch) -> int:
    """Add ACCOUNT in a forked worker whose git step kills it (SIGKILL, as the OOM killer would); its exit code."""
    import web.curate.testimonies as testimonies

    def killed(path, **_):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(testimonies.history, "commit_file", killed)
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            client = site.client
            client.post("/curate/new", data={**ACCOUNT, "save": "1", "csrf_token": csrf_token(client, "/curate/new")})
        finally:
            os._exit(3)  # never reached when git kills the worker
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_worker_killed_while_git_runs_leaves_the_saved_file_with_its_audit_entry(tmp_path, monkeypatch):
    site = make_curate_site(tmp_path)
    assert _save_then_die_in_git(site, monkeypatch) == -signal.SIGKILL
    saved = (site.content / "en" / "flow-account.md").read_bytes()
    [entry] = audit.read(site.instance, action="create")
    assert (entry["testimony"], entry["curator"], entry["version_after"]) == ("flow-account", "amal",
                                                                              file_hash(saved))


def test_a_withdrawal_leaves_public_search_before_git_runs(tmp_path, monkeypatch):
    """Totals and facet counts too: git and its hooks may be slow, the narrator's withdrawal may not wait."""
    import web.curate.testimonies as testimonies

    site = make_curate_site(tmp_path)
    seen_by_git: list[int] = []

    def commit_file(path, *, curator, action, testimony_id):
        if action == "withdraw":
            seen_by_git.append(site.public().get("/api/search?q=zqflourmill").get_json()["total"])
        return None

    monkeypatch.setattr(testimonies.history, "commit_file", commit_file)
    add_then_withdraw(site)
    assert seen_by_git == [0]


def test_a_new_testimony_is_refused_when_its_id_was_taken_meanwhile_in_another_folder(tmp_path, monkeypatch):
    import web.curate.testimonies as testimonies

    site = make_curate_site(tmp_path)
    client = site.app.test_client()
    assert sign_in(client).status_code == 303
    token = csrf_token(client, "/curate/new")
    real = testimonies.taken_ids
    taken = site.content / "ar" / "flow-account.md"

    def taken_ids():  # the form's check passes; then another curator saves ar/flow-account.md
        ids = real()
        if not taken.exists():
            taken.parent.mkdir(exist_ok=True)
            taken.write_text("another curator's file", encoding="utf-8")
        return ids

    monkeypatch.setattr(testimonies, "taken_ids", taken_ids)
    refused = client.post("/curate/new", data={**ACCOUNT, "save": "1", "csrf_token": token})
    assert refused.status_code == 409 and "already exists" in refused.get_data(as_text=True)
    assert not (site.content / "en" / "flow-account.md").exists()


def test_a_save_whose_audit_entry_cannot_be_written_is_still_published(tmp_path, monkeypatch):
    """The file is written first: a full or read-only instance disk must not leave it half in effect."""
    import web.curate.testimonies as testimonies

    site = make_curate_site(tmp_path)
    client, public = site.client, site.public()
    assert public.get("/t/open-account").status_code == 200
    assert "open-account" in [r["id"] for r in public.get("/api/search?q=bakery").get_json()["results"]]
    page = client.get("/curate/t/open-account/consent").get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]
    real = testimonies.log

    def full_disk(action, **fields):
        if action == "consent":
            raise OSError(28, "No space left on device")
        real(action, **fields)

    monkeypatch.setattr(testimonies, "log", full_disk)
    response = client.post("/curate/t/open-account/consent", data={
        "csrf_token": csrf_token(client, "/curate/t/open-account/consent"), "version": version,
        "action": "withdraw", "reason": "The narrator asked us to", "confirmed": "1"})
    assert response.status_code == 500  # the curator is not told it was done
    assert public.get("/t/open-account").status_code == 410
    assert "open-account" not in [r["id"] for r in public.get("/api/search?q=bakery").get_json()["results"]]
