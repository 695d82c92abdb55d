"""The consent table of docs/format.md, row by row, on every public route (table-driven).

Each row of tests/support/consent_table.py hides words ("zq...") in the fields the public may not
see; none of them may reach any response, and hidden testimonies must be
indistinguishable from ids that never existed.
"""

from __future__ import annotations

import pytest

from tests.support.builder import build_index
from tests.support.consent_table import HIDDEN, Row, ROW_BY_NAME, ROWS, VISIBLE


UNKNOWN = "no-such-testimony"
CITE_EXTENSIONS = ("txt", "bib", "ris", "json")
# Routes that list the whole gazetteer may name any place; a testimony's coarsened place is checked apart.
GAZETTEER_ROUTES = ("/", "/places", "/api/places", "/sitemap.xml")

LISTING_ROUTES = (
    "/", "/places", "/places/saraqib", "/places/idlib-governorate", "/places/idlib-district", "/places/syria",
    "/themes", "/themes/airstrikes", "/themes/violence", "/api/places", "/api/themes",
    "/sitemap.xml", "/feed.atom",
    "/search", "/search?q=bakery", "/search?q=market&per_page=100", "/search?q=bakery&page=2&per_page=1",
    "/search?place=idlib-governorate", "/search?theme=violence", "/search?q=account&sort=-date",
    "/api/search", "/api/search?q=bakery&per_page=100", "/api/search?q=account&per_page=100",
    "/api/search?place=saraqib&per_page=100", "/api/search?language=ar", "/api/search?from=2018&to=2018",
    "/search.csv", "/search.json", "/search.bib", "/search.csv?q=bakery", "/search.json?place=idlib-governorate",
    "/search.bib?theme=airstrikes",
)


def _own_pages(row: Row) -> list[str]:
    if row.expect != "visible":
        return []
    return [f"/t/{row.id}", f"/api/t/{row.id}"] + [f"/t/{row.id}/cite.{e}" for e in CITE_EXTENSIONS]


VISIBLE_PAGES = [f"/t/{r.id}" for r in VISIBLE] + [f"/api/t/{r.id}" for r in VISIBLE]

CASES = [
    pytest.param(row, route, id=f"{row.name}:{route}")
    for row in ROWS if row.markers
    for route in (*LISTING_ROUTES, *VISIBLE_PAGES, *_own_pages(row))
    if not (row.vocabulary_marker and (route in GAZETTEER_ROUTES or route.startswith("/places/")))
]


@pytest.mark.parametrize("row, route", CASES)
def test_no_hidden_word_reaches_any_response(web_client, row, route):
    response = web_client.get(route)
    assert response.status_code in (200, 400), route
    body = response.get_data(as_text=True).casefold()
    words = row.markers + ((row.id,) if row.expect != "visible" else ())
    for word in words:
        assert word.casefold() not in body, f"{row.name}: '{word}' leaked on {route}"


NOBODY_WROTE = "qjxwvqjxwv"
SEARCH_ROUTES = ("/search?q={}", "/api/search?q={}", "/search.csv?q={}", "/search.json?q={}", "/search.bib?q={}")
SEARCH_CASES = [
    pytest.param(route, word, id=f"{row.name}:{route.format(word)}")
    for row in ROWS
    for marker in row.markers if "-" not in marker  # ids are covered by the listing routes
    for word in (marker, marker[:-1] + ("x" if marker[-1] != "x" else "y"))  # the word, and a near miss
    for route in SEARCH_ROUTES
]


@pytest.mark.parametrize("route, word", SEARCH_CASES)
def test_searching_for_a_hidden_word_is_searching_for_a_word_nobody_wrote(web_client, route, word):
    """Results, totals, facets, "did you mean" and exports: nothing tells the hidden word from nonsense."""
    hidden = web_client.get(route.format(word))
    nonsense = web_client.get(route.format(NOBODY_WROTE))
    assert hidden.status_code == nonsense.status_code == 200
    assert hidden.get_data(as_text=True).replace(word, "~") == nonsense.get_data(as_text=True).replace(NOBODY_WROTE, "~")


def _hidden_routes(tid: str) -> list[str]:
    return [f"/t/{tid}", f"/api/t/{tid}"] + [f"/t/{tid}/cite.{e}" for e in CITE_EXTENSIONS]


@pytest.mark.parametrize("row", [r for r in HIDDEN if r.expect == "404"], ids=lambda r: r.name)
@pytest.mark.parametrize("index", range(6), ids=["page", "api", "txt", "bib", "ris", "json"])
def test_hidden_testimony_is_exactly_an_unknown_id(web_client, row, index):
    hidden = web_client.get(_hidden_routes(row.id)[index])
    unknown = web_client.get(_hidden_routes(UNKNOWN)[index])
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_data() == unknown.get_data()
    assert dict(hidden.headers) == dict(unknown.headers)


@pytest.mark.parametrize("route", _hidden_routes(ROW_BY_NAME["withdrawn"].id))
def test_withdrawn_testimony_is_a_tombstone_with_only_its_id(web_client, route):
    row = ROW_BY_NAME["withdrawn"]
    response = web_client.get(route)
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert row.id in body
    assert "withdrawn at the narrator's request" in body
    for word in row.markers + ("Saraqib", "Airstrikes", "2018"):
        assert word.casefold() not in body.casefold()
    if route.startswith("/api/"):
        assert response.get_json() == {"ok": False, "status": 410,
                                       "error": f"Testimony '{row.id}' was withdrawn at the narrator's request."}


@pytest.mark.parametrize("row", VISIBLE, ids=lambda r: r.name)
def test_visible_rows_are_shown_and_found(web_client, row):
    page = web_client.get(f"/t/{row.id}")
    assert page.status_code == 200
    data = web_client.get(f"/api/t/{row.id}").get_json()["testimony"]
    assert data["id"] == row.id
    found = web_client.get("/api/search?per_page=100").get_json()
    assert row.id in {r["id"] for r in found["results"]}
    assert f"/t/{row.id}" in web_client.get("/sitemap.xml").get_data(as_text=True)


def test_the_public_set_is_exactly_the_visible_rows(web_client):
    found = web_client.get("/api/search?per_page=100").get_json()
    assert found["total"] == len(VISIBLE)
    assert {r["id"] for r in found["results"]} == {r.id for r in VISIBLE}
    feed = web_client.get("/feed.atom").get_data(as_text=True)
    assert feed.count("<entry>") == len(VISIBLE)
    home = web_client.get("/").get_data(as_text=True)
    assert f"{len(VISIBLE)} public testimonies" in home


def test_anonymous_and_pseudonymous_narrators_as_consent_allows(web_client):
    anon = web_client.get("/api/t/anon-account").get_json()["testimony"]
    assert anon["narrator"] == "Anonymous"
    assert "Anonymous" in web_client.get("/t/anon-account/cite.txt").get_data(as_text=True)
    pseudo = web_client.get("/api/t/pseudo-account").get_json()["testimony"]
    assert pseudo["narrator"] == "Umm Karim"
    assert "Umm Karim" in web_client.get("/t/pseudo-account").get_data(as_text=True)
    named = web_client.get("/api/t/open-account").get_json()["testimony"]
    assert named["narrator"] == "Layla Haddad"


def test_place_detail_shows_only_the_governorate(web_client):
    data = web_client.get("/api/t/coarse-account").get_json()["testimony"]
    assert [p["id"] for p in data["places"]] == ["idlib-governorate"]
    places = {p["id"]: p for p in web_client.get("/api/places").get_json()["places"]}
    assert places["zqsecretvillage"]["count"] == 0
    assert places["idlib-district"]["count"] == places["saraqib"]["count"]  # the village adds nothing
    village = web_client.get("/places/zqsecretvillage").get_data(as_text=True)
    assert "coarse-account" not in village and "0 public testimonies" in village
    governorate = web_client.get("/places/idlib-governorate").get_data(as_text=True)
    assert "/t/coarse-account" in governorate
    facets = web_client.get("/api/search?q=bakery").get_json()["facets"]["place"]
    assert "zqsecretvillage" not in {f["value"] for f in facets}


def test_redacted_passages_are_marked_and_never_searchable(web_client):
    page = web_client.get("/t/redacted-account").get_data(as_text=True)
    assert '<span class="redacted">[redacted]</span>' in page
    data = web_client.get("/api/t/redacted-account").get_json()["testimony"]
    assert '<span class="redacted">[redacted]</span>' in data["body_html"]
    assert data["title"] == "A night in [redacted]"
    assert web_client.get("/api/search?q=zqredactedword").get_json()["total"] == 0


def test_translation_links_only_between_public_testimonies(web_client):
    original = web_client.get("/t/open-account").get_data(as_text=True)
    assert 'href="/t/open-account-ar"' in original
    assert "draft-zqdraftid" not in original
    translation = web_client.get("/t/open-account-ar").get_data(as_text=True)
    assert 'href="/t/open-account"' in translation
    api = web_client.get("/api/t/open-account").get_json()["testimony"]
    assert api["translations"] == ["open-account-ar"]
    orphan = web_client.get("/api/t/hidden-original-ar").get_json()["testimony"]
    assert orphan["translation_of"] is None


def test_counts_agree_between_vocabularies_and_search_facets(web_client):
    places = {p["id"]: p["count"] for p in web_client.get("/api/places").get_json()["places"]}
    themes = {t["id"]: t["count"] for t in web_client.get("/api/themes").get_json()["themes"]}
    assert places["syria"] == themes["violence"] == len(VISIBLE)
    facets = web_client.get("/api/search?per_page=1").get_json()["facets"]
    for item in facets["place"]:
        assert places[item["value"]] == item["count"], item
    for item in facets["theme"]:
        assert themes[item["value"]] == item["count"], item


def test_a_withdrawal_takes_effect_at_once(web_fresh_site):
    app, content, instance = web_fresh_site()
    client = app.test_client()
    assert client.get("/t/open-account").status_code == 200
    path = content / "en" / "open-account.md"
    path.write_text(path.read_text("utf-8").replace("access: public", "access: withdrawn"), "utf-8")
    assert client.get("/t/open-account").status_code == 410
    assert "/t/open-account\"" not in client.get("/").get_data(as_text=True)
    assert "open-account<" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert 'href="/t/open-account"' not in client.get("/t/open-account-ar").get_data(as_text=True)


def test_search_hides_a_withdrawal_even_before_the_index_catches_up(web_fresh_site):
    app, content, instance = web_fresh_site()
    client = app.test_client()
    assert "open-account" in {r["id"] for r in client.get("/api/search?q=bakery&per_page=100").get_json()["results"]}
    path = content / "en" / "open-account.md"
    path.write_text(path.read_text("utf-8").replace("access: public", "access: restricted"), "utf-8")
    # until the indexer catches up, the index's totals, facet counts and suggestions would betray it: a 503
    answer = client.get("/api/search?q=bakery&per_page=100")
    assert answer.status_code == 503 and "results" not in answer.get_json() and "total" not in answer.get_json()
    page = client.get("/search?q=bakery&per_page=100")
    assert page.status_code == 503 and 'href="/t/open-account"' not in page.get_data(as_text=True)
    assert "/t/open-account," not in client.get("/search.csv?q=bakery").get_data(as_text=True)
    build_index(content, instance)
    found = client.get("/api/search?q=bakery&per_page=100").get_json()
    assert "open-account" not in {r["id"] for r in found["results"]}
    assert "/t/open-account," not in client.get("/search.csv?q=bakery").get_data(as_text=True)
    assert 'href="/t/open-account"' not in client.get("/t/open-account-ar").get_data(as_text=True)
