"""Adding and editing testimonies in the browser (Flask test client, CSRF on)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from archive.store import audit
from archive.collection import check
from archive.store.editing import FIELD_NAMES, values_from_text

from tests.support.curators import csrf_token

NEW = {"id": "new-account", "title": "Bread at dawn", "language": "en", "event_date": "2019-12/2020-02",
       "places": "سراقب", "themes": "Airstrikes", "recorded_date": "2020-03", "recorded_by": "Amal",
       "recorded_method": "interview", "consent_access": "public", "consent_identity": "named",
       "narrator_name": "Rima Zqnewname", "consent_date": "2020-03-01", "consent_recorded_by": "Amal",
       "status": "published", "summary": "The queue at the bakery.",
       "body": "We queued for bread.\r\n\r\nThe street was [[redact: Zqsecretstreet]] then.\r\n"}


def form_fields(html: str) -> dict[str, str]:
    """The values a browser would send from the page's testimony form (inputs, text areas, selects)."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        if name in fields and name in ("places", "themes") and value:  # a picker's boxes (places, themes): one entry each, sent together
            fields[name] = "\n".join(filter(None, (fields[name], unescape(value))))
        elif name not in fields:
            fields[name] = unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S):
        fields[name] = unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        options = re.findall(r"<option([^>]*)>", body)
        chosen = [o for o in options if re.search(r"\bselected\b", o)] or options[:1]
        fields[name] = unescape(re.search(r'value="([^"]*)"', chosen[0]).group(1))
    return fields


def post_new(site, **changes):
    data = {**NEW, **changes, "csrf_token": csrf_token(site.client, "/curate/new")}
    return site.client.post("/curate/new", data=data)


def test_the_new_form_has_every_field_labelled(curate_site):
    html = curate_site.client.get("/curate/new").get_data(as_text=True)
    for name in FIELD_NAMES:
        assert re.search(rf'<label for="{name}">', html), name
        assert re.search(rf'(<input|<textarea|<select)[^>]*id="{name}"', html), name
    assert "<script" not in html.split("<main", 1)[1] and "style=" not in html


def test_adding_an_account_writes_a_checked_file_and_publishes_it(curate_site):
    response = post_new(curate_site, save="1")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/curate/t/new-account")
    path = curate_site.content / "en" / "new-account.md"
    assert check(curate_site.content) == []
    text = path.read_text(encoding="utf-8")
    assert "places: [saraqib]" in text and "themes: [airstrikes]" in text and 'event_date: "2019-12/2020-02"' in text
    public = curate_site.public()
    page = public.get("/t/new-account")
    assert page.status_code == 200
    assert "Zqsecretstreet" not in page.get_data(as_text=True) and "[redacted]" in page.get_data(as_text=True)
    found = public.get("/api/search?q=bakery queue bread").get_json()
    assert "new-account" in [r["id"] for r in found["results"]]
    entry = audit.read(curate_site.instance, action="create")[-1]
    assert (entry["testimony"], entry["curator"]) == ("new-account", "amal")
    assert entry["version_after"] and entry["version_before"] is None


def test_preview_shows_both_audiences_and_saves_nothing(curate_site):
    response = post_new(curate_site, preview="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not (curate_site.content / "en" / "new-account.md").exists()
    public = html.split('id="preview-public"', 1)[1].split('id="preview-curator"', 1)[0]
    curator = html.split('id="preview-curator"', 1)[1].split("<form", 1)[0]
    assert "[redacted]" in public and "Zqsecretstreet" not in public and "Rima Zqnewname" in public
    assert '<mark class="redaction">' in curator and "Zqsecretstreet" in curator


def test_preview_of_an_anonymous_narrator_hides_the_name_publicly(curate_site):
    html = post_new(curate_site, preview="1", consent_identity="anonymous", narrator_name="Rima Zqhidden",
                    consent_place_detail="governorate").get_data(as_text=True)
    public = html.split('id="preview-public"', 1)[1].split('id="preview-curator"', 1)[0]
    assert "Zqhidden" not in public and "Anonymous" in public
    assert "Idlib Governorate" in public and "Saraqib" not in public


def test_problems_are_shown_next_to_their_fields(curate_site):
    response = post_new(curate_site, save="1", places="Sarakibb", event_date="2019-02-30", narrator_name="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert not (curate_site.content / "en" / "new-account.md").exists()
    for name, words in (("places", "did you mean &#39;<bdi>Saraqib"), ("event_date", "not a real calendar date"),
                        ("narrator_name", "required when consent.identity is <bdi>named</bdi>")):
        block = html.split(f'id="{name}-field"', 1)[1].split('<div class="field', 1)[0]
        assert f'id="{name}-errors"' in block and words in block, name
        assert re.search(rf'aria-describedby="[^"]*{name}-errors[^"]*"[^>]*aria-invalid="true"[^>]*id="{name}"', block)
    assert 'class="error-summary"' in html and '<a href="#places">' in html
    # what the curator typed is kept
    assert 'value="2019-02-30"' in html and "Sarakibb" in html


def test_an_existing_id_is_refused(curate_site):
    response = post_new(curate_site, save="1", id="open-account")
    assert response.status_code == 400
    assert "already the id of a testimony" in response.get_data(as_text=True)


def test_typed_markup_is_sanitised_as_public_content_is(curate_site):
    html = post_new(curate_site, preview="1", title='<script>alert(1)</script>Title',
                    body="Text <script>alert(2)</script> and <img src=x onerror=alert(3)> [link](javascript:alert(4))"
                         " \ue001forged mark\ue002\n",
                    summary='"><b onmouseover=alert(5)>').get_data(as_text=True)
    main = html.split("<main", 1)[1]
    previews = main.split('id="preview-title"', 1)[1].split("<form", 1)[0]
    assert "Text" in previews and "javascript:" not in previews  # the link's address is dropped
    assert "<mark" not in previews and "forged mark" in previews  # typed stand-ins cannot forge a redaction mark
    assert "<script" not in main and "<img" not in main  # typed markup is escaped in the form itself
    assert "onmouseover=alert" not in main.replace("onmouseover=alert(5)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Title" in main


def test_editing_keeps_unmanaged_keys_and_comments(curate_site):
    path = curate_site.content / "en" / "open-account.md"
    original = path.read_text(encoding="utf-8").replace(
        "title:", "# Box 14, tape 3 -- keep this note\nx-archive-box: 14  # shelf\ntitle:", 1)
    path.write_text(original, encoding="utf-8")
    page = curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True)
    data = form_fields(page)
    assert values_from_text(original)["body"] == data["body"]
    data.update(summary="A new summary.", save="1")
    response = curate_site.client.post("/curate/t/open-account/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    text = path.read_text(encoding="utf-8")
    assert "# Box 14, tape 3 -- keep this note\nx-archive-box: 14  # shelf\n" in text
    assert [line for line in text.splitlines() if line not in original.splitlines()] == ["summary: A new summary."]
    assert "A new summary." in curate_site.public().get("/t/open-account").get_data(as_text=True)
    entry = audit.read(curate_site.instance, action="edit")[-1]
    assert entry["version_before"] == data["version"] and entry["version_after"] != data["version"]


def test_saving_an_unchanged_form_writes_nothing(curate_site):
    path = curate_site.content / "en" / "open-account.md"
    before = path.read_bytes()
    data = form_fields(curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True))
    response = curate_site.client.post("/curate/t/open-account/edit", data={**data, "save": "1"})
    assert response.status_code == 303 and path.read_bytes() == before
    assert audit.read(curate_site.instance, action="edit") == []


def test_a_conflicting_edit_is_refused_and_nothing_is_lost(curate_site):
    path = curate_site.content / "en" / "open-account.md"
    data = form_fields(curate_site.client.get("/curate/t/open-account/edit").get_data(as_text=True))
    theirs = path.read_text(encoding="utf-8").replace("A morning at the bakery", "Zqtheirchange at the bakery")
    path.write_text(theirs, encoding="utf-8")  # another curator saved meanwhile
    data.update(summary="Zqmychange summary", save="1")
    response = curate_site.client.post("/curate/t/open-account/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert path.read_text(encoding="utf-8") == theirs
    mine = unescape(re.search(r'<textarea id="mine"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S).group(1))
    current = unescape(re.search(r'<textarea id="theirs"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S).group(1))
    assert "summary: Zqmychange summary" in mine and current == theirs
    assert audit.read(curate_site.instance, action="edit") == []


def test_signed_out_and_csrf_less_posts_are_refused(curate_site):
    public = curate_site.public()
    assert public.get("/curate/new").status_code == 303
    assert public.post("/curate/new", data={**NEW, "save": "1"}).status_code in (401, 403)
    no_token = curate_site.client.post("/curate/new", data={**NEW, "save": "1"})
    assert no_token.status_code == 400
    edit = curate_site.client.post("/curate/t/open-account/edit", data={"summary": "x", "save": "1"})
    assert edit.status_code == 400
    assert not (curate_site.content / "en" / "new-account.md").exists()
    assert "summary: x\n" not in (curate_site.content / "en" / "open-account.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["/curate/t/no-such-id", "/curate/t/no-such-id/edit", "/curate/t/no-such-id/consent"])
def test_unknown_ids_are_404(curate_site, url):
    assert curate_site.client.get(url).status_code == 404


def test_the_curator_view_marks_redactions_and_shows_the_note(curate_site):
    html = curate_site.client.get("/curate/t/noted-account").get_data(as_text=True)
    assert "zqnoteword for curators" in html
    html = curate_site.client.get("/curate/t/redacted-account").get_data(as_text=True)
    assert re.search(r'<mark class="redaction">.*?zqredactedword Street</mark>', html)
    withdrawn = curate_site.client.get("/curate/t/gone-zqwithdrawnid").get_data(as_text=True)
    assert 'class="state state-withdrawn">Withdrawn<' in withdrawn


def test_a_file_the_form_cannot_edit_gets_a_sentence_not_a_crash(curate_site):
    path = curate_site.content / "en" / "open-account.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "language: en\ntitle:", 1), encoding="utf-8")
    response = curate_site.client.get("/curate/t/open-account/edit")
    assert response.status_code == 409 and "fix it in a text editor" in response.get_data(as_text=True)
    assert curate_site.client.get("/curate/t/open-account").status_code == 200  # its problems are listed there


def test_one_submit_reports_every_problem_archive_check_would(curate_site, tmp_path):
    """Schema, date, reference and hidden-name problems all come back from the first submit."""
    data = dict(title="", event_date="2019-02-30", places="Aleppo Governorate", themes="Airstrikes, nothinglike",
                consent_identity="anonymous", narrator_name="Zqhiddenperson Name",
                body="Zqhiddenperson Name told us this.\r\n")
    html = unescape(post_new(curate_site, save="1", **data).get_data(as_text=True))
    text = re.sub(r"</?bdi[^>]*>", "", html)
    expected = ("Title</a>: is required but missing", "'2019-02-30' is not a real calendar date",
                "unknown theme 'nothinglike'",
                "the narrator's name is hidden by consent.identity: anonymous, but it appears in body")
    for words in expected:
        assert words in text, words
    # the same file, checked by `archive check`, finds no more than the form said
    from archive.collection import check as check_collection
    values = {**NEW, **data, "places": "aleppo-governorate", "themes": "airstrikes\nnothinglike"}
    from archive.store.editing import build_text
    (curate_site.content / "en" / "new-account.md").write_text(build_text(values, None), encoding="utf-8")
    found = [p for p in check_collection(curate_site.content) if p.path.endswith("new-account.md") and not p.warning]
    assert found and all(p.message in text for p in found), [p.message for p in found if p.message not in text]
