"""Every page of INTERFACES.md through Flask's test client, as a reader meets it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import bibtexparser
import pytest
import rispy

from tests.support import builder
from tests.support.consent_table import VISIBLE


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_home_has_title_description_search_browse_counts_and_recent(web_client):
    page = text(web_client.get("/"))
    assert "<h1>Web Test Archive</h1>" in page
    assert "Accounts kept for the web tests." in page
    assert '<form class="search" role="search" action="/search" method="get">' in page
    assert 'href="/places/idlib-governorate"' in page and 'href="/themes/airstrikes"' in page
    assert f"{len(VISIBLE)} public testimonies" in page
    assert "Recently added" in page and 'href="/t/' in page


def test_testimony_page_shows_warnings_first_then_the_account_behind_a_disclosure(web_client):
    page = text(web_client.get("/t/open-account"))
    main = page[page.index("<main"):]
    assert main.index("Content warning") < main.index("<h1") < main.index("<details")
    assert re.search(r"<details[^>]*>\s*<summary>Read the account</summary>", page)
    assert "death" in main[:main.index("<h1")]


def test_testimony_page_numbers_paragraphs_with_links_to_them(web_client):
    page = text(web_client.get("/t/open-account"))
    for number in (1, 2, 3):
        assert f'id="p{number}"' in page
        assert f'<a class="plink" href="#p{number}"><span class="vh">Link to paragraph {number}</span>' in page
    assert 'id="p4"' not in page


def test_testimony_page_metadata_links_places_and_themes(web_client):
    page = text(web_client.get("/t/open-account"))
    assert '<a href="/places/saraqib">Saraqib</a>' in page
    assert '<a href="/themes/airstrikes">Airstrikes</a>' in page
    for label in ("Narrator", "Events", "Recorded", "Licence", "Version", "Permalink"):
        assert f"<dt>{label}</dt>" in page
    assert "Layla Haddad" in page and "August 2018" in page and "CC-BY-NC-4.0" in page
    assert "https://archive.example.org/t/open-account" in page


def test_testimony_page_offers_every_citation_format(web_client):
    page = text(web_client.get("/t/open-account"))
    for ext in ("txt", "bib", "ris", "json"):
        assert f'href="/t/open-account/cite.{ext}"' in page
    for key in ("text", "bibtex", "ris", "csl-json"):
        assert f'<pre id="cite-{key}" class="citation"' in page
    assert "@misc{open-account," in page and "TY  - GEN" in page


def test_arabic_text_carries_its_language_and_direction(web_client):
    page = text(web_client.get("/t/open-account-ar"))
    assert '<h1 lang="ar" dir="rtl">رواية السوق</h1>' in page
    assert '<div class="body" lang="ar" dir="rtl">' in page
    place = text(web_client.get("/places/saraqib"))
    assert '<span lang="ar" dir="rtl">سراقب</span>' in place
    listing = text(web_client.get("/places/saraqib"))
    assert 'lang="ar" dir="rtl">رواية السوق</a>' in listing


CITATION_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}


@pytest.mark.parametrize("ext", CITATION_TYPES)
def test_citation_files_have_their_content_types(web_client, ext):
    response = web_client.get(f"/t/open-account/cite.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CITATION_TYPES[ext]
    body = response.get_data(as_text=True)
    if ext == "bib":
        assert len(bibtexparser.parse_string(body).entries) == 1
    elif ext == "ris":
        assert rispy.loads(body)[0]["title"] == "An account of the market (open-account)"
    elif ext == "json":
        assert response.get_json()[0]["URL"] == "https://archive.example.org/t/open-account"
    else:
        assert "Haddad, Layla." in body


def test_unknown_citation_extension_is_404(web_client):
    assert web_client.get("/t/open-account/cite.pdf").status_code == 404


def test_places_tree_with_counts(web_client):
    page = text(web_client.get("/places"))
    page = page[page.index("<h2>Every place</h2>"):]  # the tree, after the map
    syria = page.index('href="/places/syria"')
    governorate = page.index('href="/places/idlib-governorate"')
    saraqib = page.index('href="/places/saraqib"')
    assert syria < governorate < saraqib
    assert f"{len(VISIBLE)} testimonies" in page


def test_place_page_includes_places_inside_it_and_coordinates(web_client):
    page = text(web_client.get("/places/idlib-governorate"))
    assert "35.8300, 36.6400" in page and 'href="geo:35.83,36.64"' in page
    assert 'href="/t/open-account"' in page  # about Saraqib, inside the governorate
    assert 'href="/places/idlib-district"' in page
    assert text(web_client.get("/places/aleppo-governorate")).count('href="/t/') == 0


def test_theme_pages_include_narrower_themes(web_client):
    assert f"{len(VISIBLE)} testimonies" in text(web_client.get("/themes"))
    page = text(web_client.get("/themes/violence"))
    assert 'href="/t/open-account"' in page and 'href="/themes/airstrikes"' in page


@pytest.mark.parametrize("path", ["/places/nowhere", "/themes/nothing", "/t/nothing", "/nothing"])
def test_unknown_things_are_404_pages(web_client, path):
    response = web_client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_sitemap_lists_public_pages(web_client):
    response = web_client.get("/sitemap.xml")
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.data)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert {f"https://archive.example.org/t/{r.id}" for r in VISIBLE} <= locations
    assert "https://archive.example.org/places/saraqib" in locations


def test_atom_feed_of_public_testimonies(web_client):
    response = web_client.get("/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}id").text for e in entries} == {f"https://archive.example.org/t/{r.id}" for r in VISIBLE}
    for entry in entries:
        assert entry.find(f"{ATOM}updated").text.endswith("Z")
        assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_search_page_shows_results_snippets_facets_and_downloads(web_client):
    page = text(web_client.get("/search?q=bakery"))
    assert "<mark>" in page
    assert 'class="facets"' in page and "Places" in page
    for fmt in ("csv", "json", "bib"):
        assert f'href="/search.{fmt}?q=bakery"' in page


def test_search_facet_links_add_and_remove_filters(web_client):
    page = text(web_client.get("/search?q=bakery"))
    # Each link lands on the results heading (focusable), so focus follows the chosen filter.
    assert 'href="/search?q=bakery&amp;place=saraqib#results-heading"' in page
    assert '<h2 id="results-heading" tabindex="-1">' in page
    filtered = text(web_client.get("/search?q=bakery&place=saraqib"))
    assert 'class="selected" aria-current="true"' in filtered
    assert 'href="/search?q=bakery#results-heading"' in filtered  # the selected facet's link removes it


def test_search_pagination_and_sort_keep_every_filter(web_client):
    page = text(web_client.get("/search?q=bakery&theme=airstrikes&per_page=2"))
    assert 'href="/search?q=bakery&amp;theme=airstrikes&amp;page=2&amp;per_page=2"' in page
    assert '<input type="hidden" name="theme" value="airstrikes">' in page


def test_search_empty_state(web_client):
    page = text(web_client.get("/search?q=qjxwvqjxwv"))
    assert "No public testimony matches this search." in page


def test_search_did_you_mean(web_client):
    # A misspelt word that finds nothing: its correction is run, and the words as typed stay one click away.
    page = text(web_client.get("/search?q=bakerry"))
    assert "Showing results for <strong>bakery</strong>" in page
    assert 'href="/search?q=bakerry&amp;correct=0"' in page
    as_typed = text(web_client.get("/search?q=bakerry&correct=0"))
    assert "Did you mean" in as_typed and 'href="/search?q=bakery"' in as_typed


def test_bad_search_parameter_is_a_400_page(web_client):
    response = web_client.get("/search?page=0")
    assert response.status_code == 400
    assert 'class="error" role="alert"' in response.get_data(as_text=True)


def test_exports_hold_every_result_not_one_page(web_client):
    csv_text = web_client.get("/search.csv?q=bakery&per_page=1").get_data(as_text=True)
    found = web_client.get("/api/search?q=bakery").get_json()["total"]
    assert found > 1
    assert len(csv_text.strip().splitlines()) == found + 1
    exported = web_client.get("/search.json?q=bakery").get_json()
    assert exported["ok"] is True and len(exported["results"]) == found
    bib = web_client.get("/search.bib?q=bakery")
    assert bib.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert len(bibtexparser.parse_string(bib.get_data(as_text=True)).entries) == found


def test_related_testimonies_are_public(web_client):
    page = text(web_client.get("/t/open-account"))
    if "Related testimonies" in page:
        related = page[page.index("Related testimonies"):]
        ids = set(re.findall(r'href="/t/([^"/]+)"', related))
        assert ids and ids <= {r.id for r in VISIBLE}


def test_robots_points_to_the_sitemap(web_client):
    assert "Sitemap: https://archive.example.org/sitemap.xml" in text(web_client.get("/robots.txt"))


def test_content_changes_are_picked_up_without_a_restart(web_fresh_site):
    from tests.support import consent_table

    app, content, _ = web_fresh_site()
    client = app.test_client()
    assert client.get("/t/brand-new").status_code == 404
    (content / "en" / "brand-new.md").write_text(builder.render(builder.fields("brand-new", "consent")), "utf-8")
    assert client.get("/t/brand-new").status_code == 200
