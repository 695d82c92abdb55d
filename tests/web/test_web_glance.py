"""The map of places and the timeline of event dates, as the Flask test client gets them.

The consent-table collection (tests/support/consent_table.py) puts every testimony at Saraqib, hidden
ones included, but one whose narrator allows only the governorate and whose exact place is a
village; here that village gets coordinates, so a leak would be drawn.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import builder, consent_table, vocabularies
from tests.support.consent_table import VISIBLE


ROOT = Path(__file__).resolve().parents[2]
VILLAGE = "zqsecretvillage"
PLACES_WITH_VILLAGE = vocabularies.PLACES["consent"].replace(
    "  type: village\n  parent: idlib-district\n", "  type: village\n  parent: idlib-district\n  coordinates: [35.9, 36.7]\n")
SARAQIB_PUBLIC = sum(1 for r in VISIBLE if "saraqib" in r.front["places"])


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def svg(page: str, kind: str) -> str:
    found = re.search(rf'<svg class="{kind}".*?</svg>', page, re.S)
    assert found, f"no {kind} on the page"
    return found.group(0)


def markers(map_svg: str) -> dict[str, dict[str, str | float]]:
    """place id -> its marker's accessible name, radius and classes."""
    found = {}
    for match in re.finditer(r'<a href="/places/([^"]+)" class="([^"]+)" aria-label="([^"]+)"[^>]*>'
                             r'<title>[^<]*</title><circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"/>', map_svg):
        found[match.group(1)] = {"classes": match.group(2), "label": match.group(3), "r": float(match.group(4))}
    return found


def bars(timeline_svg: str) -> list[tuple[str, str]]:
    """(link, accessible name) of every bar, in drawing order."""
    return [(m.group(1).replace("&amp;", "&"), m.group(2))
            for m in re.finditer(r'<a href="([^"]+)" aria-label="([^"]+)">', timeline_svg)]


@pytest.fixture
def village_site(web_fresh_site):
    app, _, _ = web_fresh_site(extra={"places.yaml": PLACES_WITH_VILLAGE})
    return app.test_client()


def test_the_places_map_links_each_counted_place_sized_by_public_counts(village_site):
    page = text(village_site.get("/places"))
    found = markers(svg(page, "map"))
    assert found["saraqib"]["label"] == f"Saraqib: {SARAQIB_PUBLIC} public testimonies"  # hidden ones not counted
    assert found["idlib-governorate"]["label"] == "Idlib Governorate: 1 public testimony"  # the coarsened one
    assert "area" in str(found["idlib-governorate"]["classes"]) and "area" not in str(found["saraqib"]["classes"])
    assert found["saraqib"]["r"] > found["idlib-governorate"]["r"]
    assert VILLAGE not in svg(page, "map")  # its testimony is counted only where consent allows
    assert set(found) == {"saraqib", "idlib-governorate"}  # places with no public testimony are not drawn
    assert "<path" in svg(page, "map")  # the outline of the region


def test_the_map_has_a_table_as_its_text_alternative(village_site):
    page = text(village_site.get("/places"))
    table = page[page.index('<details class="as-table">'):]
    table = table[:table.index("</details>")]
    assert "The map as a table" in table
    assert re.search(rf'<a href="/places/saraqib">Saraqib</a></th><td>City</td><td>{SARAQIB_PUBLIC}</td><td>Yes</td>',
                     table)
    assert re.search(r'<a href="/places/idlib-governorate">Idlib Governorate</a></th><td>Governorate</td><td>1</td>',
                     table)
    assert VILLAGE not in table


def test_a_place_page_centres_its_map_on_it_even_without_testimonies(village_site):
    page = text(village_site.get(f"/places/{VILLAGE}"))
    found = markers(svg(page, "map"))
    assert found[VILLAGE]["label"] == "Zqsecretvillage: 0 public testimonies"
    assert "current" in str(found[VILLAGE]["classes"]) and 'aria-current="page"' in svg(page, "map")
    assert found["saraqib"]["label"].endswith(f"{SARAQIB_PUBLIC} public testimonies")  # context around it
    saraqib = markers(svg(text(village_site.get("/places/saraqib")), "map"))
    assert "current" in str(saraqib["saraqib"]["classes"])


def test_a_place_without_coordinates_is_listed_but_not_drawn(web_client):
    page = text(web_client.get("/places/aleppo-governorate"))
    assert '<svg class="map"' not in page
    assert "No place here has coordinates" in page
    assert re.search(r'<a href="/places/aleppo-governorate" aria-current="page">Aleppo Governorate</a></th>'
                     r'<td>Governorate</td><td>0</td><td>No: no coordinates</td>', page)
    district = text(web_client.get("/places/idlib-district"))  # no coordinates, but Saraqib inside it has
    assert 'href="/places/saraqib"' in svg(district, "map")
    assert re.search(r'Idlib District</a></th><td>District</td><td>0</td><td>No: no coordinates</td>', district)


def test_the_map_in_arabic(village_site):
    page = text(village_site.get("/places?lang=ar"))
    found = markers(svg(page, "map"))
    assert found["saraqib"]["label"] == f"سراقب: {SARAQIB_PUBLIC} شهادات عامة"
    assert ">سراقب</text>" in svg(page, "map")
    assert "الخريطة في جدول" in page


def test_the_search_timeline_counts_public_results_by_month_when_the_span_is_short(web_client):
    page = text(web_client.get("/search"))
    found = bars(svg(page, "timeline"))
    assert found == [("/search?from=2018-08&to=2018-08", f"August 2018: {len(VISIBLE)} public testimonies")]
    assert "The timeline as a table" in page and f'>August 2018</a></th><td>{len(VISIBLE)}</td>' in page


SPREAD = (consent_table.Row("a", "year-2012", builder.fields("year-2012", "consent", event_date="2012")),
          consent_table.Row("b", "span-2014-2016", builder.fields("span-2014-2016", "consent", event_date="2014-05/2016-02")),
          consent_table.Row("c", "march-2015", builder.fields("march-2015", "consent", event_date="2015-03", themes=["displacement"])),
          consent_table.Row("d", "hidden-2013", builder.fields("hidden-2013", "consent", event_date="2013-04",
                                                     **{"consent.access": "restricted"})))


@pytest.fixture
def spread_site(web_fresh_site):
    app, _, _ = web_fresh_site(rows=SPREAD)
    return app.test_client()


def test_the_timeline_counts_by_year_and_each_bar_finds_exactly_its_count(spread_site):
    found = bars(svg(text(spread_site.get("/search?q=bakery")), "timeline"))
    assert [name for _, name in found] == ["2012: 1 public testimony", "2014: 1 public testimony",
                                           "2015: 2 public testimonies", "2016: 1 public testimony"]
    assert found[0][0] == "/search?q=bakery&from=2012&to=2012"
    for link, name in found:  # the interval counts in every year it overlaps, as the filter finds it
        args = parse_qs(urlsplit(link).query)
        total = spread_site.get("/api/search", query_string={k: v[0] for k, v in args.items()}).get_json()["total"]
        assert name.startswith(f"{args['from'][0]}: {total} public testimon"), (link, name, total)
    assert "2013" not in [name.split(":")[0] for _, name in found]  # the hidden testimony's year has no bar


def test_a_date_filter_cuts_the_timeline_to_months_inside_it(spread_site):
    page = text(spread_site.get("/search?from=2015-02-10&to=2016"))
    found = bars(svg(page, "timeline"))
    assert found[0] == ("/search?from=2015-02-10&to=2015-02-28", "February 2015: 1 public testimony")
    assert ("/search?from=2015-03&to=2015-03", "March 2015: 2 public testimonies") in found
    assert found[-1][1] == "February 2016: 1 public testimony"
    for link, name in found:
        args = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert f": {spread_site.get('/api/search', query_string=args).get_json()['total']} public" in name


def test_the_timeline_in_arabic_runs_right_to_left(spread_site):
    timeline = svg(text(spread_site.get("/search?q=bakery&lang=ar")), "timeline")
    names = [name for _, name in bars(timeline)]
    assert names[0] == "2012: شهادة عامة واحدة" and names[2] == "2015: شهادتان عامتان"
    xs = [float(x) for x in re.findall(r'<rect class="bar" x="([\d.]+)"', timeline)]
    assert xs == sorted(xs, reverse=True)  # the earliest year on the right
    english = svg(text(spread_site.get("/search?q=bakery&lang=en")), "timeline")
    english_xs = [float(x) for x in re.findall(r'<rect class="bar" x="([\d.]+)"', english)]
    assert english_xs == sorted(english_xs) and english_xs != xs


def test_a_theme_page_has_a_timeline_linking_to_the_theme_search(spread_site):
    page = text(spread_site.get("/themes/displacement"))
    assert bars(svg(page, "timeline")) == [("/search?theme=displacement&from=2015-03&to=2015-03",
                                            "March 2015: 1 public testimony")]
    assert "The timeline as a table" in page


def test_no_timeline_without_results(web_client):
    assert '<svg class="timeline"' not in text(web_client.get("/search?q=zzzzzz"))


@pytest.mark.parametrize("path", ["/places", "/places/saraqib", "/places/idlib-governorate"])
def test_a_map_page_of_the_sample_collection_weighs_at_most_30_kb_compressed(tmp_path, path):
    from web import create_app

    app = create_app({"ARCHIVE_CONTENT": str(ROOT / "testimonies"), "ARCHIVE_INSTANCE": str(tmp_path / "instance"),
                      "TESTING": True})
    for language in ("en", "ar"):
        response = app.test_client().get(f"{path}?lang={language}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        assert '<svg class="map"' in gzip.decompress(response.data).decode()
        assert len(response.data) <= 30 * 1024, (path, language, len(response.data))
