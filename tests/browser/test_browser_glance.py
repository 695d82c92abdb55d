"""The map and the timeline in a real browser: drawn without script, links that work, names a screen reader reads."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .page_checks import no_horizontal_overflow

from tests.support.reading_collection import PLACE, THEME


def test_a_map_marker_is_a_link_to_its_place(open_tab):
    tab = open_tab()
    tab.goto("/places")
    marker = tab.locator("svg.map").get_by_role("link", name=re.compile(r"^Saraqib: \d+ public testimonies$"))
    box = marker.bounding_box()
    assert box is not None and box["width"] > 8 and box["height"] > 8  # drawn, and big enough to hit
    marker.click()
    tab.wait_for_url(re.compile(rf"/places/{PLACE}$"))
    assert tab.locator("svg.map a[aria-current=page]").count() == 1


def test_a_timeline_bar_opens_the_search_for_its_period(open_tab):
    tab = open_tab()
    tab.goto(f"/themes/{THEME}")
    bars = tab.locator("svg.timeline").get_by_role("link")
    assert bars.count() >= 5
    name = bars.first.get_attribute("aria-label") or ""
    year, count = re.match(r"(\d{4}): (\d+) public testimon", name).groups()  # type: ignore[union-attr]
    bars.first.click()
    tab.wait_for_url(re.compile(r"/search\?"))
    query = parse_qs(urlsplit(tab.url).query)
    assert query["theme"] == [THEME] and query["from"] == [year] and query["to"] == [year]
    assert tab.locator("#results-heading").inner_text().startswith(f"{count} ")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_map_works_without_javascript_and_fits_a_phone(chromium, site_url, lang):
    context = chromium.new_context(base_url=site_url, viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        tab = context.new_page()
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(f"/places?lang={lang}")
        assert tab.locator("svg.map circle").count() >= 4 and tab.locator("svg.map path").count() >= 2
        assert not no_horizontal_overflow(tab)
        assert all(url.startswith(site_url) for url in requests), requests  # no tiles, no third party
        tab.locator("details.as-table > summary").click()
        assert tab.locator("details.as-table table tbody tr").count() >= 4
    finally:
        context.close()
