"""A reader with only a keyboard (Tab, Enter, Space, and typing a query) can do everything, and sees where focus is."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .page_checks import focus_problem, focused, page_language, tab_through, tab_to

from tests.support.reading_collection import BREAD_TOTAL, TESTIMONY



def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _enter(page, wait_for) -> None:
    """Press Enter on the focused link or field and wait for the page it leads to."""
    page.keyboard.press("Enter")
    page.wait_for_url(wait_for)
    page.wait_for_load_state()


def test_the_whole_journey_with_the_keyboard_alone(tab):
    tab.goto("/")

    # The first Tab shows the skip link, and it leads to the main content.
    tab.keyboard.press("Tab")
    first = focused(tab)
    assert first is not None and first["href"] == "#main", f"the first Tab stop is {first}, not the skip link"
    assert focus_problem(first) is None, focus_problem(first)
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("() => document.querySelector('main').contains(document.activeElement)"), \
        f"after the skip link, Tab goes to {focused(tab)}, outside the main content"

    # Search.
    if not tab.evaluate("() => document.activeElement.matches('input#q')"):
        tab_to(tab, "input#q")
    tab.keyboard.type("bread")
    _enter(tab, re.compile(r"/search\?"))
    assert _query(tab.url)["q"] == ["bread"]
    expect(tab.locator("#results-heading")).to_contain_text(str(BREAD_TOTAL))

    # Apply a place facet, then remove it from the list of filters.
    tab_to(tab, "aside.facets a", text="Saraqib")
    _enter(tab, re.compile(r"place=saraqib"))
    assert tab.locator("p.filters a.filter").count() == 1
    tab_to(tab, "p.filters a.filter", text="Saraqib")
    _enter(tab, lambda url: "place" not in _query(url))
    expect(tab.locator("#results-heading")).to_contain_text(str(BREAD_TOTAL))

    # Next page of results.
    tab_to(tab, "nav.pages a[rel=next]")
    _enter(tab, lambda url: _query(url).get("page") == ["2"])
    assert tab.locator("nav.pages [aria-current=page]").inner_text().split()[-1] == "2"

    # Open a testimony; its account waits behind the content warning until Space opens it.
    opened = tab_to(tab, "ol.hits h3 a")
    _enter(tab, re.compile(r"/t/[a-z0-9-]+$"))
    assert urlsplit(tab.url).path == opened["href"]
    assert tab.locator("aside.warning").is_visible()
    assert not tab.locator("#p1").is_visible()
    tab_to(tab, "details.account > summary")
    tab.keyboard.press("Space")
    expect(tab.locator("#p3")).to_be_visible()

    # Follow the link of paragraph 3.
    tab_to(tab, "#p3 a.plink")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"#p3$"))
    assert tab.evaluate("() => document.querySelector(':target').id") == "p3"

    # Copy the plain-text citation with Space on its button.
    tab_to(tab, "section.cite button")
    tab.keyboard.press("Space")
    button = tab.locator("pre#cite-text + button")
    expect(button).to_have_text("Copied")
    assert tab.evaluate("() => navigator.clipboard.readText()") == tab.locator("pre#cite-text").inner_text()

    # Switch the interface to Arabic and back, on the same testimony.
    path = urlsplit(tab.url).path
    tab_to(tab, "a.lang-switch")
    _enter(tab, re.compile(r"lang=ar"))
    assert page_language(tab) == ("ar", "rtl") and urlsplit(tab.url).path == path
    tab_to(tab, "a.lang-switch")
    _enter(tab, re.compile(r"lang=en"))
    assert page_language(tab) == ("en", "ltr") and urlsplit(tab.url).path == path


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", ["/search?q=bakery&per_page=2", f"/t/{TESTIMONY}", "/places"])
def test_every_tab_stop_shows_where_focus_is(open_tab, path, lang):
    """Tab through the whole page, on a phone-sized screen: each stop matches :focus-visible, has an outline and is on screen."""
    tab = open_tab(width=390, height=844)
    tab.goto(f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}")
    stops, problems = tab_through(tab)
    assert len(stops) >= 10, f"only {len(stops)} Tab stops: {stops}"
    assert not problems, "\n".join(problems)


def test_after_choosing_a_filter_focus_continues_from_the_results_heading(tab):
    # Issue 12: choosing a facet reloads the page at #results-heading; the next Tab starts there,
    # not back at the top of the page (the skip link, the header, the search form).
    tab.goto("/search?q=bread")
    tab_to(tab, "aside.facets a", text="Saraqib")
    _enter(tab, re.compile(r"place=saraqib"))
    assert urlsplit(tab.url).fragment == "results-heading"
    tab.keyboard.press("Tab")
    assert tab.evaluate("""() => {
        const heading = document.getElementById('results-heading');
        return !!(heading.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING);
    }"""), f"after choosing a filter, Tab went to {focused(tab)}, before the results heading"
