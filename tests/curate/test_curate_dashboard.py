"""The curator dashboard: every testimony marked with its consent state, searched from the curator index."""

from __future__ import annotations

import os
import re
import time
from html import unescape

import pytest

from archive.consent import State

from tests.support import builder, consent_table
from tests.support.curators import make_curate_site

ROW_ID = re.compile(r'<span class="testimony-id">([^<]+)</span>')
STATE = re.compile(r'<td[^>]*><span class="state state-([a-z]+)">([^<]+)</span></td>')

EXPECTED_STATE = {"open-account": "public", "closed-zqrestrictedid": "restricted", "later-zqembargoid": "embargoed",
                  "draft-zqdraftid": "draft", "gone-zqwithdrawnid": "withdrawn", "past-embargo": "public"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The consent-table collection, curator signed in (shared: tests must not change its files)."""
    return make_curate_site(tmp_path_factory.mktemp("dashboard"))


def listed(response) -> list[tuple[str, str, str]]:
    """(id, state value, state text) of every row on the page, in order."""
    html = response.get_data(as_text=True)
    return [(i, s, unescape(label)) for i, (s, label) in zip(ROW_ID.findall(html), STATE.findall(html))]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [row[0] for row in listed(response)]


def test_signed_out_visitors_are_sent_to_sign_in(site):
    response = site.public().get("/curate/?state=restricted")
    assert response.status_code == 303 and "/curate/sign-in" in response.headers["Location"]
    assert "zq" not in response.get_data(as_text=True)


def test_every_testimony_is_listed_with_its_state_in_words(site):
    response = site.client.get("/curate/")
    rows = listed(response)
    assert {r[0] for r in rows} == {row.id for row in consent_table.ROWS}
    states = {i: s for i, s, _ in rows}
    for testimony_id, state in EXPECTED_STATE.items():
        assert states[testimony_id] == state
    labels = {s: label for _, s, label in rows}
    assert labels == {"public": "Public", "restricted": "Restricted", "embargoed": "Embargoed", "draft": "Draft",
                      "withdrawn": "Withdrawn"}
    html = response.get_data(as_text=True)
    assert "Public</span> <span class=\"count\">(9)</span>" in html  # counts per state
    assert "Withdrawn</span> <span class=\"count\">(1)</span>" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)  # CSP: nothing inline


def test_links_to_each_testimony_edit_and_consent(site):
    html = site.client.get("/curate/?q=zqwithdrawnbody").get_data(as_text=True)
    for url in ("/curate/t/gone-zqwithdrawnid", "/curate/t/gone-zqwithdrawnid/edit",
                "/curate/t/gone-zqwithdrawnid/consent", "/curate/new"):
        assert f'href="{url}"' in html, url


@pytest.mark.parametrize("state", [s.value for s in State])
def test_filter_by_state(site, state):
    rows = listed(site.client.get("/curate/", query_string={"state": state}))
    assert rows and {s for _, s, _ in rows} == {state}


def test_several_states_at_once(site):
    found = ids(site.client.get("/curate/?state=withdrawn&state=restricted"))
    assert sorted(found) == ["closed-zqrestrictedid", "gone-zqwithdrawnid"]


def test_words_are_searched_in_the_curator_index(site):
    assert ids(site.client.get("/curate/?q=zqrestrictedbody")) == ["closed-zqrestrictedid"]
    assert ids(site.client.get("/curate/?q=zqredactedword")) == ["redacted-account"]
    assert ids(site.client.get("/curate/?q=zqpseudoname")) == ["pseudo-account"]
    assert ids(site.client.get("/curate/?q=zqrestrictedbody&state=public")) == []
    html = site.client.get("/curate/?q=zqdraftbody").get_data(as_text=True)
    assert "<mark>zqdraftbody</mark>" in html  # the snippet marks the match


def test_other_filters(site):
    arabic = ids(site.client.get("/curate/?language=ar"))
    assert sorted(arabic) == ["draft-zqdraftid", "hidden-original-ar", "open-account-ar"]
    assert ids(site.client.get("/curate/?place=Zqsecretvillage")) == ["coarse-account"]
    assert ids(site.client.get("/curate/?language=ar&state=draft")) == ["draft-zqdraftid"]


@pytest.mark.parametrize("query, param", [("state=hidden", "state"), ("sort=title", "order"),
                                          ("sort=date&sort=-date", "sort"), ("page=0", "page"),
                                          ("place=atlantis", "place"), ("language=!!", "language")])
def test_bad_parameters_are_a_400_with_a_sentence(site, query, param):
    response = site.client.get(f"/curate/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    message = re.search(r'<p class="error" id="dashboard-error" role="alert">([^<]+)</p>', html)
    assert message and param in message.group(1).lower() and message.group(1).endswith(".")


def test_pages_and_recently_changed_first(tmp_path):
    rows = tuple(consent_table.Row(f"row {n}", f"many-{n:02d}", builder.fields(f"many-{n:02d}", "consent"))
                 for n in range(45))
    curate = make_curate_site(tmp_path, rows=rows)
    now = time.time()
    for n in range(45):  # many-44 changed longest ago ... many-00 most recently
        stamp = now - 1000 - 60 * n
        os.utime(curate.content / "en" / f"many-{n:02d}.md", (stamp, stamp))
    first = curate.client.get("/curate/")
    assert ids(first) == [f"many-{n:02d}" for n in range(20)]
    html = first.get_data(as_text=True)
    assert 'href="/curate/?page=2" rel="next"' in html and "45 testimonies found" in html
    assert ids(curate.client.get("/curate/?page=3")) == [f"many-{n:02d}" for n in range(40, 45)]
    path = curate.content / "en" / "many-30.md"
    text = path.read_text(encoding="utf-8")
    with curate.app.app_context():  # a save through the site is published at once
        from web.curate.publish import publish_change

        path.write_text(text.replace("A morning", "One morning"), encoding="utf-8")
        publish_change([path])
    assert ids(curate.client.get("/curate/"))[0] == "many-30"
    assert ids(curate.client.get("/curate/?sort=date&page=1"))  # other orders work too


def test_a_file_deleted_since_the_index_run_is_not_listed(tmp_path):
    curate = make_curate_site(tmp_path)
    assert "past-embargo" in ids(curate.client.get("/curate/"))
    (curate.content / "en" / "past-embargo.md").unlink()
    assert "past-embargo" not in ids(curate.client.get("/curate/"))


def test_the_state_shown_is_todays(tmp_path):
    curate = make_curate_site(tmp_path)
    assert ids(curate.client.get("/curate/?state=withdrawn")) == ["gone-zqwithdrawnid"]
    path = curate.content / "en" / "open-account.md"
    path.write_text(path.read_text(encoding="utf-8").replace("access: public", "access: withdrawn"),
                    encoding="utf-8")
    # not yet re-indexed: listed where the index has it, but marked as the file says now
    rows = {r[0]: r[1] for r in listed(curate.client.get("/curate/?q=bakery&state=public"))}
    assert rows["open-account"] == "withdrawn"
