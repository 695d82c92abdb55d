"""docs/format.md (revision 2): one declaration of the public form, and the version as the hash of it.

The version, the page's ETag and the citation keys must change when, and only when, what a
reader sees changes: a hidden name, a note, the words of a redacted passage or a restricted
file elsewhere must leave them as they are (else the version is an oracle for hidden facts).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from archive import consent, model
from archive.consent import PUBLIC_FORM, Shown
from search.documents import plain_text

from tests.support import builder, consent_table

SUBJECT, ELSEWHERE = consent_table.SUBJECT, consent_table.ELSEWHERE
_rows, _edit = consent_table.hidden_parts_rows, consent_table.edit


HIDDEN_EDITS = [
    pytest.param(SUBJECT, "Zqhiddenname Person", "Zqotherguess Name", id="anonymous narrator's name"),
    pytest.param(SUBJECT, "zqnoteword for curators", "another note", id="consent.note"),
    pytest.param(SUBJECT, "zqpassageword Street", "zqguessword Road", id="a redacted passage's words"),
    pytest.param(SUBJECT, "[[redact: Zqrecorderword]]", "[[redact: Zqrecorderguess]]", id="redacted recorded.by"),
    pytest.param(SUBJECT, "recorded_by: Curator", "recorded_by: Someone Else", id="consent.recorded_by"),
    pytest.param(SUBJECT, "date: '2019-03-02'", "date: '2019-04-01'", id="consent.date"),
    pytest.param(ELSEWHERE, "An account of the market", "A changed restricted title", id="a restricted file elsewhere"),
]
VISIBLE_EDITS = [
    pytest.param("An account of the market", "A changed account of the market", id="title"),
    pytest.param("everyone ran", "everyone fled", id="body"),
    pytest.param("Field team", "Field unit", id="recorded.by"),
    pytest.param("identity: anonymous", "identity: named", id="the narrator named"),
    pytest.param("A baker from the town", "A teacher from the town", id="narrator.description"),
]


def _public_hashes(client, archive_cli, content: Path) -> tuple[str, str, str]:
    """(version in /api/t, the page's ETag, the version `archive cite` prints)."""
    api = client.get(f"/api/t/{SUBJECT}")
    assert api.status_code == 200
    page = client.get(f"/t/{SUBJECT}")
    assert page.status_code == 200
    code, out, err = archive_cli("cite", SUBJECT, "--format", "bibtex", "--content", str(content))
    assert code == 0, err
    cited = re.search(r"version = \{([0-9a-f]{12})\}", out).group(1)
    version = api.get_json()["testimony"]["version"]
    assert cited == version and page.headers["ETag"].strip('"').startswith(version)
    return version, page.headers["ETag"], out


@pytest.mark.parametrize(("tid", "old", "new"), HIDDEN_EDITS)
def test_hidden_edits_leave_the_version_the_etag_and_the_citation_as_they_are(web_fresh_site, archive_cli,
                                                                               tid, old, new):
    app, content, _ = web_fresh_site(rows=_rows())
    client = app.test_client()
    version, etag, citation = _public_hashes(client, archive_cli, content)
    _edit(content, tid, old, new)
    assert _public_hashes(client, archive_cli, content) == (version, etag, citation)
    assert client.get(f"/t/{SUBJECT}", headers={"If-None-Match": etag}).status_code == 304
    # the positive control: the same site sees a visible edit at once
    _edit(content, SUBJECT, "An account of the market", "A retitled account of the market")
    assert _public_hashes(client, archive_cli, content)[0] != version


@pytest.mark.parametrize(("old", "new"), VISIBLE_EDITS)
def test_visible_edits_change_the_version_the_etag_and_the_citation(web_fresh_site, archive_cli, old, new):
    app, content, _ = web_fresh_site(rows=_rows())
    client = app.test_client()
    version, etag, citation = _public_hashes(client, archive_cli, content)
    _edit(content, SUBJECT, old, new)
    after, new_etag, new_citation = _public_hashes(client, archive_cli, content)
    assert after != version and new_etag != etag
    assert f"version = {{{after}}}" in new_citation and version not in new_citation
    assert client.get(f"/t/{SUBJECT}", headers={"If-None-Match": etag}).status_code == 200


def test_the_version_is_the_hash_of_the_public_form_as_format_md_defines_it(write_collection, make_testimony):
    import hashlib
    import json

    from archive.collection import load_collection

    root = write_collection({"en/t1.md": make_testimony("t1", {"consent.place_detail": "governorate",
                                                                "narrator.name": "Zqhidden Person"})})
    collection = load_collection(root)
    t = collection.get("t1")
    form = consent.public_form(t, collection.places)
    assert form["places"] == ["idlib-governorate"] and form["narrator"] == "Anonymous"
    assert not any("zqhidden" in json.dumps(v).casefold() for v in form.values())
    canonical = json.dumps(form, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert consent.public_version(t, collection.places) == hashlib.sha256(canonical.encode()).hexdigest()[:12]
    assert t.file_hash != consent.public_version(t, collection.places)


def _dotted_fields(cls: type, prefix: str = "") -> set[str]:
    names: set[str] = set()
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        inner = [a for a in typing.get_args(kind) if dataclasses.is_dataclass(a)]
        if dataclasses.is_dataclass(kind) or inner:
            names |= _dotted_fields(inner[0] if inner else kind, f"{prefix}{f.name}.")
        else:
            names.add(f"{prefix}{f.name}")
    return names


def test_every_field_of_a_testimony_is_declared_once_in_the_public_form():
    declared = [f.name for f in PUBLIC_FORM]
    assert len(declared) == len(set(declared))
    fields = _dotted_fields(model.Testimony) - {"path", "file_hash", "extra", "event_date.text", "event_date.start",
                                                "event_date.end", "recorded.date.text", "recorded.date.start",
                                                "recorded.date.end", "source.date.text", "source.date.start",
                                                "source.date.end"}
    fields |= {"event_date", "recorded.date", "source.date"}
    assert set(declared) == fields
    # every shown text goes through redaction; the hidden ones never reach the public form
    texts = set(consent.public_texts(_full_testimony()))
    assert {f.name for f in PUBLIC_FORM if f.shown is Shown.REDACTED} == texts
    assert "recorded.by" in texts


def _full_testimony() -> model.Testimony:
    from archive.dates import parse_date

    return model.Testimony(
        id="t1", path=Path("t1.md"), file_hash="0" * 12, title="T", language="en",
        narrator=model.Narrator("N", None, "D"),
        consent=model.Consent(model.Access.PUBLIC, model.Identity.NAMED, parse_date("2019").start, "C"),
        event_date=parse_date("2019"), places=("saraqib",), themes=("airstrikes",),
        recorded=model.Recording(parse_date("2019"), "B", model.Method.WRITTEN), body="Body",
        contributors=(model.Contributor("X", "translator"),), source=model.Source("S", "P", "https://u", None),
        content_warnings=("w",), summary="S")


# --- recorded.by is redacted like every other shown field -------------------------------------------


def test_recorded_by_is_redacted_on_the_page_the_api_and_every_citation(web_fresh_site):
    app, _, _ = web_fresh_site(rows=_rows())
    client = app.test_client()
    api = client.get(f"/api/t/{SUBJECT}").get_json()["testimony"]
    assert api["recorded"]["by"] == "Field team [redacted]"
    page = client.get(f"/t/{SUBJECT}").get_data(as_text=True)
    assert "Field team" in page  # the positive control: the field is shown
    routes = [f"/t/{SUBJECT}", f"/api/t/{SUBJECT}"] + [f"/t/{SUBJECT}/cite.{e}" for e in ("txt", "bib", "ris", "json")]
    for route in routes + ["/search.csv", "/search.json", "/feed.atom"]:
        body = client.get(route).get_data(as_text=True).casefold()
        assert "zqrecorderword" not in body and "[[redact" not in body, route


# --- the feed is XML whatever the files hold ---------------------------------------------------------


def test_the_feed_stays_valid_xml_with_control_characters_in_the_files(web_fresh_site):
    rows = (consent_table.Row("control", "control-chars", builder.fields(
        "control-chars", "consent", summary="A summary with a bell \x07 and an escape \x1b in it.")),
        consent_table.Row("bad title", "bad-title", builder.fields("bad-title", "consent", title="A title\x0bwith a tab"),
                        expect="404"))
    app, _, _ = web_fresh_site(rows=rows)
    client = app.test_client()
    feed = client.get("/feed.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.data)  # raises on invalid XML
    ids = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}id")]
    assert any(i.endswith("/t/control-chars") for i in ids)  # the positive control
    assert not any(i.endswith("/t/bad-title") for i in ids)
    assert client.get("/t/bad-title").status_code == 404  # fails the check: never published
    ET.fromstring(client.get("/sitemap.xml").data)


# --- raw <script> and <style> are never indexed --------------------------------------------------------


def test_plain_text_drops_what_the_page_drops():
    text = plain_text("Before <script>zqscriptword()</script> after <STYLE>p{zqstyleword}</STYLE> end "
                      "<script>zqunclosed")
    assert "zqscriptword" not in text and "zqstyleword" not in text and "zqunclosed" not in text
    assert text.startswith("Before") and "after" in text
    assert "`<script>zqcode</script>`" not in plain_text("A `<script>zqcode</script>` span")
    assert "zqcode" in plain_text("A `<script>zqcode</script>` span")  # code is text as written


def test_words_in_raw_script_are_not_searchable_nor_in_snippets(web_fresh_site):
    body = ("The bakery queue formed before zqvisibleword dawn.\n\n"
            "<script>zqscriptword alert(1)</script>\n\n<style>.zqstyleword {}</style>\n\nThe market.\n")
    app, _, _ = web_fresh_site(rows=(consent_table.Row("script", "script-account",
                                                     builder.fields("script-account", "consent"), body),))
    client = app.test_client()
    found = client.get("/api/search?q=zqvisibleword").get_json()
    assert [r["id"] for r in found["results"]] == ["script-account"]  # the positive control
    for word in ("zqscriptword", "zqstyleword"):
        assert client.get(f"/api/search?q={word}").get_json()["total"] == 0
    snippets = client.get("/api/search?q=bakery").get_json()["results"][0]["snippet"]
    assert "zqscriptword" not in snippets
    assert "zqscriptword" not in client.get("/t/script-account").get_data(as_text=True)


# --- duplicate ids, through the Flask test client (the real server: test_public_form_serve.py) ---------


@pytest.mark.parametrize("folder", ["00-copy", "zz-copy"])
@pytest.mark.parametrize(("original", "copy", "expected"), [("withdrawn", "public", 410), ("public", "public", 404),
                                                            ("public", "restricted", 404)])
def test_an_id_two_files_share_answers_as_its_most_restrictive_copy(web_fresh_site, folder, original, copy,
                                                                     expected):
    word = "zqduplicateword"
    app, content, _ = web_fresh_site(rows=(consent_table.Row("dup", "dup-account", builder.fields(
        "dup-account", "consent", title=f"The {word} account")),))
    client = app.test_client()
    assert client.get("/t/dup-account").status_code == 200  # the positive control
    consent_table.edit(content, "dup-account", "access: public", f"access: {original}")
    (content / folder).mkdir()
    (content / folder / "dup-account.md").write_text(builder.render(builder.fields(
        "dup-account", "consent", title=f"The {word} account", **{"consent.access": copy})), "utf-8")
    for path in ("/t/dup-account", "/api/t/dup-account", "/t/dup-account/cite.txt"):
        response = client.get(path)
        assert response.status_code == expected, path
        assert word not in response.get_data(as_text=True)
    for path in ("/feed.atom", "/sitemap.xml", "/", "/places/saraqib"):
        assert "dup-account" not in client.get(path).get_data(as_text=True), path


def test_the_embargo_clock():
    import datetime as dt

    end = dt.date(2030, 1, 1)
    assert consent.embargoed(end, dt.date(2029, 12, 31)) and not consent.embargoed(end, end)
    assert not consent.embargoed(None, dt.date(2029, 12, 31))
    assert consent.next_change(end, dt.date(2029, 6, 1)) == end
    assert consent.next_change(end, end) is None and consent.next_change(None, end) is None
