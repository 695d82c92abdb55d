"""Consent actions in the browser: each takes effect in public pages and search before the response returns."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archive.store import audit
from archive.loader import load_testimony, file_hash

from tests.support.curators import csrf_token

PATH = "en/open-account.md"


def act(site, testimony_id="open-account", **data):
    page = site.client.get(f"/curate/t/{testimony_id}/consent").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    token = csrf_token(site.client, f"/curate/t/{testimony_id}/consent")
    data.setdefault("confirmed", "1")  # withdraw and restrict are confirmed (the confirmation step is tested below)
    return site.client.post(f"/curate/t/{testimony_id}/consent", data={"version": version, "csrf_token": token, **data})


def search_ids(client, q):
    return [r["id"] for r in client.get(f"/api/search?q={q}").get_json()["results"]]


def test_withdrawing_takes_effect_before_the_response_returns(curate_site):
    public = curate_site.public()
    assert public.get("/t/open-account").status_code == 200  # the public site has it cached and indexed
    assert "open-account" in search_ids(public, "bakery")
    response = act(curate_site, action="withdraw", reason="Zqreason: the narrator asked by phone")
    assert response.status_code == 303, response.get_data(as_text=True)
    gone = public.get("/t/open-account")
    assert gone.status_code == 410 and "An account of the market" not in gone.get_data(as_text=True)
    assert "open-account" not in search_ids(public, "bakery")
    assert 'href="/t/open-account"' not in public.get("/search?q=bakery").get_data(as_text=True)
    t = load_testimony(curate_site.content / PATH)
    assert t.consent.access.value == "withdrawn" and t.consent.recorded_by == "amal"
    assert t.consent.date == dt.date.today()
    assert "Zqreason" not in (curate_site.content / PATH).read_text(encoding="utf-8")
    entry = audit.read(curate_site.instance, action="consent", testimony="open-account")[-1]
    assert entry["reason"] == "Zqreason: the narrator asked by phone" and entry["curator"] == "amal"
    assert entry["version_after"] == file_hash((curate_site.content / PATH).read_bytes())
    assert entry["detail"].startswith("withdraw")
    page = curate_site.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is withdrawn" in page and "Zqreason" in page  # the curator's history shows the reason


def test_a_reason_is_required(curate_site):
    before = (curate_site.content / PATH).read_bytes()
    response = act(curate_site, action="withdraw", reason="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and (curate_site.content / PATH).read_bytes() == before
    assert 'id="reason-errors"' in html and 'aria-describedby="reason-hint reason-errors"' in html


def test_restricting_makes_it_not_exist_publicly(curate_site):
    assert act(curate_site, action="restrict", reason="safety").status_code == 303
    public = curate_site.public()
    assert public.get("/t/open-account").status_code == 404
    assert "open-account" not in search_ids(public, "bakery")


def test_an_embargo_hides_until_the_day_and_must_be_later(curate_site):
    assert act(curate_site, action="embargo", embargo_until="2001-01-01", reason="r").status_code == 400
    assert act(curate_site, action="embargo", embargo_until="2999-01-01", reason="until the trial").status_code == 303
    assert curate_site.public().get("/t/open-account").status_code == 404
    assert '  embargo_until: "2999-01-01"\n' in (curate_site.content / PATH).read_text(encoding="utf-8")


def test_publishing_a_withdrawn_testimony_brings_it_back(curate_site):
    assert curate_site.public().get("/t/gone-zqwithdrawnid").status_code == 410
    assert act(curate_site, "gone-zqwithdrawnid", action="publish", reason="renewed consent, signed").status_code == 303
    assert curate_site.public().get("/t/gone-zqwithdrawnid").status_code == 200
    assert "gone-zqwithdrawnid" in search_ids(curate_site.public(), "zqwithdrawnbody")


def test_making_a_narrator_anonymous_hides_the_name_everywhere(curate_site):
    public = curate_site.public()
    assert public.get("/api/t/open-account").get_json()["testimony"]["narrator"] == "Layla Haddad"
    assert act(curate_site, action="identity", identity="anonymous", narrator_name="Layla Haddad",
               narrator_pseudonym="", reason="fear of reprisals").status_code == 303
    assert public.get("/api/t/open-account").get_json()["testimony"]["narrator"] == "Anonymous"
    byline = public.get("/t/open-account").get_data(as_text=True).split('class="byline"', 1)[1].split("</p>", 1)[0]
    assert "Haddad" not in byline and "Anonymous" in byline
    assert "open-account" not in search_ids(public, "Haddad")


def test_a_pseudonym_is_required_for_a_pseudonymous_identity(curate_site):
    response = act(curate_site, action="identity", identity="pseudonymous", narrator_name="Layla Haddad",
                   narrator_pseudonym="", reason="r")
    assert response.status_code == 400
    assert "required when consent.identity is <bdi>pseudonymous</bdi>" in response.get_data(as_text=True)


def test_coarsening_places(curate_site):
    assert act(curate_site, action="place-detail", place_detail="governorate", reason="small village").status_code == 303
    places = curate_site.public().get("/api/t/open-account").get_json()["testimony"]["places"]
    assert [p["id"] for p in places] == ["idlib-governorate"]


@pytest.mark.parametrize("data", [{"action": "publish"}, {"action": "explode"}, {}])
def test_actions_that_change_nothing_or_do_not_exist_are_refused(curate_site, data):
    before = (curate_site.content / PATH).read_bytes()
    response = act(curate_site, reason="r", **data)
    assert response.status_code == 400 and (curate_site.content / PATH).read_bytes() == before


def test_a_stale_consent_form_is_refused(curate_site):
    page = curate_site.client.get("/curate/t/open-account/consent").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = curate_site.client.post("/curate/t/open-account/consent", data={
        "version": "000000000000", "csrf_token": token, "action": "withdraw", "reason": "r"})
    assert response.status_code == 409
    assert load_testimony(curate_site.content / PATH).consent.access.value == "public"


def test_hiding_a_narrator_whose_name_the_file_still_shows_is_saved_and_hides_the_testimony(curate_site):
    """docs/format.md, "narrows": a change that hides more is never refused for what the file fails. Here the
    narrator wrote the account (their name is `recorded.by`); making them anonymous must still take effect,
    and because the file then fails the check, nothing of it is public until a curator fixes it."""
    from tests.curate.test_curate_edit import form_fields

    public = curate_site.public()
    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    saved = curate_site.client.post("/curate/t/open-account/edit",
                                    data={**form_fields(page), "recorded_by": "Layla Haddad"})
    assert saved.status_code == 303
    # The positive control: while named, the name is public in the byline and the recording.
    assert "open-account" in search_ids(public, "Haddad")
    assert "Layla Haddad" in public.get("/t/open-account").get_data(as_text=True)
    response = act(curate_site, action="identity", identity="anonymous", narrator_name="Layla Haddad",
                   narrator_pseudonym="", reason="fear of reprisals")
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    assert "anonymous" in (curate_site.content / PATH).read_text("utf-8")
    assert public.get("/t/open-account").status_code == 404
    assert public.get("/api/t/open-account").status_code == 404
    assert "open-account" not in search_ids(public, "Haddad")
    assert "open-account" not in search_ids(public, "narrator:Haddad")
    told = curate_site.client.get("/curate/t/open-account").get_data(as_text=True)
    assert "nothing of this testimony is public" in told


def test_a_change_that_shows_more_is_still_refused_while_the_file_fails_the_check(curate_site):
    """The other side of the rule: publishing, or naming a narrator, never goes through a failing check."""
    from tests.curate.test_curate_edit import form_fields

    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    assert curate_site.client.post("/curate/t/open-account/edit",
                                   data={**form_fields(page), "recorded_by": "Layla Haddad"}).status_code == 303
    assert act(curate_site, action="identity", identity="anonymous", narrator_name="Layla Haddad",
               narrator_pseudonym="", reason="fear of reprisals").status_code == 303
    back = act(curate_site, action="identity", identity="pseudonymous", narrator_name="Layla Haddad",
               narrator_pseudonym="Umm Ahmad", reason="the narrator chose a pseudonym")
    assert back.status_code == 400
    assert curate_site.public().get("/t/open-account").status_code == 404
