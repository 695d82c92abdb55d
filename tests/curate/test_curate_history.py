"""History in the browser: versions with who, when, why and a diff; old versions; revert under today's consent."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.curate.test_curate_consent import act, search_ids
from tests.curate.test_curate_edit import form_fields
from tests.support.curators import csrf_token, make_curate_site


pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git identity leaks in
    made = make_curate_site(tmp_path)
    git(made.content, "init", "--quiet")
    git(made.content, "add", ".")
    git(made.content, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "start")
    return made


def edit(site, tid: str = "open-account", **changes: str):
    page = site.client.get(f"/curate/t/{tid}/edit").get_data(as_text=True)
    data = {**form_fields(page), **changes}
    response = site.client.post(f"/curate/t/{tid}/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response


def commits(site, tid: str = "open-account") -> list[str]:
    """The file's commits, newest first."""
    return git(site.content, "log", "--format=%H", "--", f"en/{tid}.md").split()


def revert(site, commit: str, tid: str = "open-account", reason: str = "The narrator asked for the old text."):
    page = site.client.get(f"/curate/t/{tid}/history/{commit}")
    assert page.status_code == 200
    version = re.search(r'name="version" value="([^"]*)"', page.get_data(as_text=True)).group(1)
    token = csrf_token(site.client, f"/curate/t/{tid}/history/{commit}")
    return site.client.post(f"/curate/t/{tid}/history/{commit}/revert",
                            data={"csrf_token": token, "version": version, "reason": reason})


def text(site, tid: str = "open-account") -> str:
    return (site.content / "en" / f"{tid}.md").read_text(encoding="utf-8")


def audit_entries(site, action: str) -> list[dict]:
    return [e for e in map(json.loads, (site.instance / "audit.jsonl").read_text().splitlines()) if e["action"] == action]


def test_each_version_has_who_when_why_and_a_diff_with_hidden_values_marked(site):
    edit(site, title="A changed title", body="The bakery queue formed before dawn.\n\nA new paragraph.\n")
    assert act(site, action="withdraw", reason="Zqreason the narrator phoned").status_code == 303
    page = site.client.get("/curate/t/open-account/history")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<section aria-labelledby="v-') == 3
    assert "Zqreason the narrator phoned" in html and "withdraw open-account" in html and "edit open-account" in html
    assert "Setup" in html and "amal" in html
    newest = html.split('<section aria-labelledby="v-')[1]
    assert re.search(r"<code>consent.access</code><br><span class=\"hidden-note\">Consent: never shown to the public",
                     newest)
    assert "<del>public</del>" in newest and "<ins>withdrawn</ins>" in newest
    edited = html.split('<section aria-labelledby="v-')[2]
    assert "<ins>A changed title</ins>" in edited and "<ins>A new paragraph.</ins>" in edited
    assert "<del>Then the aircraft came back over the market and everyone ran.</del>" in edited


def test_hidden_names_redactions_and_coarsened_places_are_marked(site):
    edit(site, "anon-account", narrator_name="Zqother Person", consent_reason="The narrator corrected the name.",
         body="The bakery [[redact: zqsecretword]] queue.\n\nSecond.\n")
    html = site.client.get("/curate/t/anon-account/history").get_data(as_text=True)
    assert "Hidden from the public: the narrator is not named" in html
    assert '<mark class="redaction">' in html and "zqsecretword" in html, "curators see and recognise redactions"
    assert "Holds a passage redacted for the public" in html
    edit(site, "coarse-account", places="Saraqib")
    html = site.client.get("/curate/t/coarse-account/history").get_data(as_text=True)
    assert "Exact places are hidden from the public (place detail)" in html


def test_any_old_version_can_be_viewed_and_only_this_files(site):
    first = commits(site)[0]
    edit(site, title="A changed title")
    page = site.client.get(f"/curate/t/open-account/history/{first}").get_data(as_text=True)
    assert "An account of the market (open-account)" in page and "Revert to this version" in page
    assert "<del>An account of the market (open-account)</del>" in page  # from this version to now
    other = git(site.content, "log", "--format=%H", "-1").strip()
    assert site.client.get(f"/curate/t/anon-account/history/{other}").status_code == 404
    for bad in ("HEAD", "0" * 40, "../../etc", first[:12]):
        assert site.client.get(f"/curate/t/open-account/history/{bad}").status_code == 404, bad


def test_a_revert_is_a_new_audited_commit_that_brings_the_text_back(site):
    first = commits(site)[0]
    edit(site, title="A changed title", body="Only this now.\n")
    response = revert(site, first)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert "title: An account of the market (open-account)" in text(site)
    assert "The bakery queue formed before dawn" in text(site)
    assert git(site.content, "log", "-1", "--format=%an|%s").strip() == "amal|revert open-account"
    entry = audit_entries(site, "revert")[0]
    assert entry["reason"] == "The narrator asked for the old text." and entry["testimony"] == "open-account"
    assert entry["detail"] == f"revert to {first[:12]}"
    head = git(site.content, "rev-parse", "HEAD").strip()
    assert f"revert; commit {head[:12]}" in [e["detail"] for e in audit_entries(site, "commit")]
    assert "A changed title" not in site.public().get("/t/open-account").get_data(as_text=True)
    history = site.client.get("/curate/t/open-account/history").get_data(as_text=True)
    assert "The narrator asked for the old text." in history
    assert "The narrator asked for the old text." in site.client.get("/curate/t/open-account").get_data(as_text=True)


def test_a_revert_past_a_withdrawal_stays_withdrawn(site):
    first = commits(site)[0]
    edit(site, title="A changed title")
    assert act(site, action="withdraw", reason="The narrator withdrew.").status_code == 303
    assert revert(site, first).status_code == 303
    assert "access: withdrawn" in text(site) and "An account of the market" in text(site)
    assert site.public().get("/t/open-account").status_code == 410
    assert "open-account" not in search_ids(site.public(), "bakery")


def test_a_revert_past_an_anonymisation_stays_anonymous(site):
    first = commits(site)[0]
    assert act(site, action="identity", identity="anonymous", narrator_name="Layla Haddad", narrator_pseudonym="",
               reason="The narrator asked not to be named.").status_code == 303
    same = revert(site, first)  # only consent changed since: under today's consent it is the same file
    assert same.status_code == 409 and "nothing to revert" in same.get_data(as_text=True)
    edit(site, title="A changed title")
    assert revert(site, first).status_code == 303
    assert "identity: anonymous" in text(site)
    page = site.public().get("/t/open-account").get_data(as_text=True).split('<article class="item">')[0]
    assert "Layla Haddad" not in page and "Anonymous" in page and "An account of the market" in page
    # a version whose text names the narrator cannot come back while the narrator is anonymous
    named = "The bakery queue. Layla Haddad saw it.\n"
    edit(site, "pseudo-account", body=named)
    with_name = git(site.content, "log", "-1", "--format=%H").strip()
    edit(site, "pseudo-account", body="The bakery queue. She saw it.\n")
    assert act(site, "pseudo-account", action="identity", identity="anonymous", narrator_name="Layla Haddad",
               narrator_pseudonym="", reason="Anonymous now.").status_code == 303
    before = text(site, "pseudo-account")
    refused = revert(site, with_name, "pseudo-account")
    assert refused.status_code == 409
    assert "cannot be brought back under today&#39;s consent" in refused.get_data(as_text=True)
    assert "narrator.name" in refused.get_data(as_text=True)
    assert text(site, "pseudo-account") == before
    assert [e["testimony"] for e in audit_entries(site, "revert")] == ["open-account"]


def test_redactions_made_since_are_kept_or_the_revert_is_refused(site):
    edit(site, body="We lived on Zqstreet  Road by the bakery.\n\nThe market.\n")
    plain = commits(site)[0]
    edit(site, body="We lived on [[redact: Zqstreet Road]] by the bakery.\n\nThe market.\n")
    edit(site, body="Another text altogether.\n")
    assert revert(site, plain).status_code == 303
    assert "We lived on [[redact: Zqstreet  Road]] by the bakery." in text(site)
    assert "zqstreet" not in site.public().get("/t/open-account").get_data(as_text=True).lower()
    # a passage redacted since that the old version has in its title: refused, nothing written
    edit(site, title="The Zqtitleword market")
    titled = commits(site)[0]
    edit(site, title="The [[redact: Zqtitleword]] market")
    before = text(site)
    refused = revert(site, titled)
    assert refused.status_code == 409 and "redacted since (in title)" in refused.get_data(as_text=True)
    assert text(site) == before


def test_a_draft_stays_a_draft_and_a_revert_needs_a_reason_and_a_fresh_page(site):
    first = commits(site)[0]
    edit(site, title="A changed title", status="draft")
    assert revert(site, first, reason="  ").status_code == 400
    assert revert(site, first).status_code == 303
    assert "status: draft" in text(site) and "title: An account of the market" in text(site)
    assert site.public().get("/t/open-account").status_code == 404, "a draft stays a draft"
    page = site.client.get(f"/curate/t/open-account/history/{first}").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    edit(site, title="Changed again")
    token = csrf_token(site.client, f"/curate/t/open-account/history/{first}")
    stale = site.client.post(f"/curate/t/open-account/history/{first}/revert",
                             data={"csrf_token": token, "version": version, "reason": "why"})
    assert stale.status_code == 409 and "title: Changed again" in text(site)
    no_token = site.client.post(f"/curate/t/open-account/history/{first}/revert", data={"reason": "why"})
    assert no_token.status_code == 400
    assert site.public().post(f"/curate/t/open-account/history/{first}/revert").status_code in (400, 403)


def test_without_git_the_page_says_so(tmp_path):
    made = make_curate_site(tmp_path)
    page = made.client.get("/curate/t/open-account/history")
    assert page.status_code == 200 and "not in a git repository" in page.get_data(as_text=True)
