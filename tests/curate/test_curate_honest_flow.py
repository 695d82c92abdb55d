"""An honest publishing flow: Save draft / Save and publish, one label per status, a confirmation before
withdrawing or restricting that says what the public will see, and an audited undo of a consent change."""

from __future__ import annotations

import re

from archive.store import audit

from tests.curate.test_curate_consent import act
from tests.curate.test_curate_edit import NEW, post_new
from tests.support.curators import csrf_token


def test_save_draft_keeps_it_from_the_public_and_save_and_publish_shows_it(curate_site):
    public = curate_site.public()
    assert post_new(curate_site, save="draft", status="published").status_code == 303
    assert "status: draft" in (curate_site.content / "en" / "new-account.md").read_text(encoding="utf-8")
    assert public.get("/t/new-account").status_code == 404
    page = curate_site.client.get("/curate/t/new-account/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    response = curate_site.client.post("/curate/t/new-account/edit", data={
        **NEW, "version": version, "save": "publish", "csrf_token": csrf_token(curate_site.client,
                                                                                "/curate/t/new-account/edit")})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert public.get("/t/new-account").status_code == 200


def test_each_status_and_place_detail_has_one_label(curate_site):
    html = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    status = re.search(r'<select[^>]*name="status"[^>]*>(.*?)</select>', html, re.S).group(1)
    detail = re.search(r'<select[^>]*name="consent_place_detail"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option[^>]*value="([^"]*)"', status) == ["published", "draft"]
    assert "(the default)" not in html and 'value=""' not in status + detail
    assert re.search(r'<option selected value="published">|<option value="published" selected>', status)


def test_opening_and_saving_a_file_without_status_leaves_it_without(curate_site):
    path = curate_site.content / "en" / "open-account.md"
    assert "status:" not in path.read_text(encoding="utf-8")
    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    from tests.curate.test_curate_edit import form_fields
    fields = {**form_fields(page), "summary": "A new summary.", "version": version, "save": "1"}
    assert curate_site.client.post("/curate/t/open-account/edit", data=fields).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "A new summary." in text and "status:" not in text and "place_detail" not in text


def test_restricting_asks_first_and_says_what_the_public_will_see(curate_site):
    public = curate_site.public()
    asked = act(curate_site, action="restrict", reason="The narrator asked", confirmed="")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "to the public the account will not exist" in html
    assert 'name="confirmed" value="1"' in html and "Yes, restrict it now" in html
    assert public.get("/t/open-account").status_code == 200  # nothing changed yet
    assert act(curate_site, action="restrict", reason="The narrator asked").status_code == 303
    assert public.get("/t/open-account").status_code == 404


def test_the_last_consent_change_can_be_undone_and_the_undo_is_audited(curate_site):
    public = curate_site.public()
    assert act(curate_site, action="withdraw", reason="asked by phone").status_code == 303
    assert public.get("/t/open-account").status_code == 410
    page = curate_site.client.get("/curate/t/open-account").get_data(as_text=True)
    assert 'action="/curate/t/open-account/undo"' in page and "Undo the last consent change (Changed consent" in page
    token = csrf_token(curate_site.client, "/curate/t/open-account")
    refused = curate_site.client.post("/curate/t/open-account/undo", data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 400 and public.get("/t/open-account").status_code == 410
    done = curate_site.client.post("/curate/t/open-account/undo", data={"csrf_token": token,
                                                                          "reason": "withdrawn by mistake"})
    assert done.status_code == 303 and public.get("/t/open-account").status_code == 200
    entries = [e for e in audit.read(curate_site.instance, testimony="open-account") if e["action"] == "consent"]
    assert [e["detail"].split(";")[0] for e in entries] == ["withdraw", "undo"]
    assert entries[-1]["reason"] == "withdrawn by mistake" and entries[-1]["curator"] == "amal"
    page = curate_site.client.get("/curate/t/open-account").get_data(as_text=True)
    assert "/undo" not in page  # one undo: of the last change only
    again = curate_site.client.post("/curate/t/open-account/undo", data={"csrf_token": token, "reason": "x"})
    assert again.status_code == 409


def test_no_undo_once_the_file_changed_after_the_consent_change(curate_site):
    assert act(curate_site, action="restrict", reason="r").status_code == 303
    path = curate_site.content / "en" / "open-account.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Changed", 1), encoding="utf-8")
    token = csrf_token(curate_site.client, "/curate/t/open-account")
    response = curate_site.client.post("/curate/t/open-account/undo", data={"csrf_token": token, "reason": "r"})
    assert response.status_code == 409


def test_the_edit_form_asks_for_a_reason_only_when_consent_changes(curate_site):
    from tests.curate.test_curate_edit import form_fields
    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    fields = {**form_fields(page), "save": "1"}
    plain = curate_site.client.post("/curate/t/open-account/edit", data={**fields, "summary": "Only words."})
    assert plain.status_code == 303  # no consent change: no reason asked
    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    fields = {**form_fields(page), "save": "1", "consent_access": "restricted"}
    asked = curate_site.client.post("/curate/t/open-account/edit", data=fields)
    assert asked.status_code == 400 and 'id="consent_reason-errors"' in asked.get_data(as_text=True)
    assert curate_site.public().get("/t/open-account").status_code == 200
    done = curate_site.client.post("/curate/t/open-account/edit", data={**fields, "consent_reason": "asked by email"})
    assert done.status_code == 303 and curate_site.public().get("/t/open-account").status_code == 404
    last = audit.read(curate_site.instance, testimony="open-account")[-1]
    assert last["action"] == "consent" and last["reason"] == "asked by email"
