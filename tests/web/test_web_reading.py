"""What the screenshot review asked of the pages, at the level of the HTML a reader's browser gets:
related testimonies without this testimony's translations, citations that do not fill the page,
a search box that follows what is typed, a way to the facets before the results, a favicon."""

from __future__ import annotations

import re


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_related_testimonies_leave_out_translations_of_the_same_testimony(web_app, monkeypatch):
    from archive.consent import TestimonyView
    from web import searching

    def related(view: TestimonyView, limit: int = 5) -> list[TestimonyView]:
        # what the index may well answer: the translation and the original first, then others
        ids = ["open-account-ar", "open-account", "anon-account", "pseudo-account"]
        return [v for v in (searching.public_view(i) for i in ids) if v is not None and v.id != view.id][:limit]

    monkeypatch.setattr(searching, "related", related)
    client = web_app.test_client()
    for tid, translation in (("open-account", "open-account-ar"), ("open-account-ar", "open-account")):
        page = text(client.get(f"/t/{tid}"))
        assert f'href="/t/{translation}"' in section(page, "languages")
        shown = set(re.findall(r'href="/t/([^"/#]+)"', section(page, "related")))
        assert shown == {"anon-account", "pseudo-account"}, (tid, shown)


def test_chicago_is_shown_and_the_other_formats_wait_in_disclosures(web_client):
    page = text(web_client.get("/t/open-account"))
    cite = section(page, "cite")
    assert '<h3 id="cite-text-label">Chicago, plain text</h3>' in cite
    assert cite.index('<pre id="cite-text"') < cite.index("<details")
    for key, label in (("bibtex", "BibTeX"), ("ris", "RIS"), ("csl-json", "CSL-JSON")):
        assert re.search(rf'<details class="citation-format">\s*<summary id="cite-{key}-label">'
                         rf'<span translate="no">{label}</span></summary>\s*<pre id="cite-{key}"', cite), key
    assert "Download Chicago, plain text (<bdi translate=\"no\">.txt</bdi>)" in cite
    assert ") (" not in re.sub(r"<[^>]+>", "", cite)  # no "(plain text) (.txt)"
    arabic = section(text(web_client.get("/t/open-account?lang=ar")), "cite")
    assert "تنزيل شيكاغو، نص عادي (<bdi translate=\"no\">.txt</bdi>)" in arabic


def test_the_byline_isolates_the_narrator_and_the_description(web_client):
    page = text(web_client.get("/t/open-account-ar?lang=en"))
    byline = page.split('<p class="byline">', 1)[1].split("</p>", 1)[0]
    assert byline.startswith('Told by <bdi><span class="narrator">Layla Haddad</span></bdi>')
    assert " — <bdi>A baker from the town</bdi>" in byline


def test_the_search_box_follows_the_direction_of_what_is_typed(web_client):
    for path in ("/", "/search?q=bakery&lang=ar"):
        assert re.search(r'<input type="search" id="q"[^>]* dir="auto"', text(web_client.get(path)))


def test_a_link_leads_to_the_facets_before_the_results(web_client):
    page = text(web_client.get("/search?q=bakery"))
    link = page.index('<a href="#facets-heading">Skip to filters</a>')  # shown at every width
    assert link < page.index('<ol class="hits"') < page.index('id="facets-heading"')
    empty = text(web_client.get("/search?q=zzznothingmatches"))  # no facet values, but the date filter
    assert empty.index('<a href="#facets-heading">') < empty.index('id="facets-heading"') < empty.index('id="from"')


def test_every_page_names_a_favicon_the_csp_allows(web_client):
    page = text(web_client.get("/"))
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert href.startswith("/static/favicon.svg?v=")
    icon = web_client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert "img-src 'self'" in icon.headers["Content-Security-Policy"]
    assert "immutable" in icon.headers["Cache-Control"]  # versioned static files are cached for a year
