"""What a reader does in a real browser: search, refine, page through, read, cite, change language."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .page_checks import page_language

from tests.support.reading_collection import ARABIC, BAKERY_TOTAL, BREAD_TOTAL, TESTIMONY



def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _visible_in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(s) => { const b = document.querySelector(s).getBoundingClientRect();
        return b.height > 0 && b.bottom > 0 && b.top < window.innerHeight; }""", selector)


def test_search_from_the_home_page_shows_highlighted_results(tab):
    tab.goto("/")
    tab.get_by_role("searchbox").fill("bakery")
    tab.get_by_role("search").get_by_role("button").click()
    tab.wait_for_url(re.compile(r"/search\?"))
    assert _query(tab.url)["q"] == ["bakery"]
    assert tab.locator("#results-heading").inner_text().startswith(f"{BAKERY_TOTAL} ")
    assert tab.locator("ol.hits > li").count() == BAKERY_TOTAL
    assert tab.locator("ol.hits mark").first.inner_text().lower() == "bakery"


def test_a_place_facet_is_applied_and_removed(tab):
    tab.goto("/search?q=bread")
    assert tab.locator("#results-heading").inner_text().startswith(f"{BREAD_TOTAL} ")
    tab.locator("aside.facets").get_by_role("link", name=re.compile("^Saraqib")).click()
    tab.wait_for_url(re.compile(r"place=saraqib"))
    total = int(tab.locator("#results-heading").inner_text().split()[0])
    assert 0 < total < BREAD_TOTAL
    for meta in tab.locator("ol.hits .meta").all_inner_texts():
        assert "Saraqib" in meta
    selected = tab.locator("aside.facets a[aria-current=true]")
    assert selected.count() == 1 and "Saraqib" in selected.inner_text()
    tab.locator("p.filters a.filter").filter(has_text="Saraqib").click()
    tab.wait_for_url(lambda url: "place=" not in url)
    assert tab.locator("#results-heading").inner_text().startswith(f"{BREAD_TOTAL} ")
    assert tab.locator("p.filters").count() == 0


def test_results_are_paginated(tab):
    tab.goto("/search?q=bakery&per_page=2")
    assert tab.locator("ol.hits > li").count() == 2
    pager = tab.locator("nav.pages")
    assert pager.locator("[aria-current=page]").inner_text().split()[-1] == "1"
    first_page = tab.locator("ol.hits h3").all_inner_texts()
    pager.locator("a[rel=next]").click()
    tab.wait_for_url(re.compile(r"page=2"))
    assert pager.locator("[aria-current=page]").inner_text().split()[-1] == "2"
    assert tab.locator("ol.hits").get_attribute("start") == "3"
    second_page = tab.locator("ol.hits h3").all_inner_texts()
    assert len(second_page) == BAKERY_TOTAL - 2 and not set(first_page) & set(second_page)
    assert pager.locator("a[rel=next]").count() == 0
    pager.locator("a[rel=prev]").click()
    tab.wait_for_url(lambda url: "page" not in _query(url))
    assert tab.locator("ol.hits h3").all_inner_texts() == first_page


def test_a_testimony_opens_behind_its_content_warning_and_links_to_a_paragraph(tab):
    tab.goto("/search?q=bakery")
    tab.locator("ol.hits h3 a").filter(has_text="aircraft came back").click()
    tab.wait_for_url(re.compile(f"/t/{TESTIMONY}$"))
    warning = tab.locator("aside.warning")
    assert "death" in warning.inner_text() and "injury" in warning.inner_text()
    # The warning comes before the account, and the account stays closed until the reader opens it.
    assert tab.evaluate("""() => { const w = document.querySelector('aside.warning'), b = document.querySelector('#p1');
        return !!(w.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert not tab.locator("#p1").is_visible()
    tab.locator("details.account > summary").click()
    assert tab.locator("details.account").get_attribute("open") is not None
    assert tab.locator("#p1").is_visible() and tab.locator(".para").count() == 5
    tab.locator("#p3 a.plink").click()
    tab.wait_for_url(re.compile(r"#p3$"))
    assert tab.evaluate("() => document.querySelector(':target').id") == "p3"
    assert _visible_in_viewport(tab, "#p3")
    assert "aircraft came back" in tab.locator("#p3").inner_text()


def test_a_link_to_a_paragraph_opens_the_account_at_that_paragraph(tab):
    tab.goto(f"/t/{TESTIMONY}#p4")
    assert tab.locator("#p4").is_visible(), "a citation's #p4 link lands on a paragraph hidden behind the warning"
    assert _visible_in_viewport(tab, "#p4")


def test_a_citation_is_copied_to_the_clipboard(tab):
    tab.goto(f"/t/{TESTIMONY}")
    citation = tab.locator("pre#cite-text").inner_text()
    button = tab.locator("pre#cite-text + button")
    assert button.inner_text() == "Copy"
    button.click()
    expect(button).to_have_text("Copied")
    assert tab.evaluate("() => navigator.clipboard.readText()") == citation
    assert f"/t/{TESTIMONY}" in citation
    tab.locator("details:has(> pre#cite-bibtex) > summary").click()  # BibTeX, RIS and CSL-JSON wait in <details>
    bibtex = tab.locator("pre#cite-bibtex").inner_text()
    tab.locator("pre#cite-bibtex + button").click()
    assert tab.evaluate("() => navigator.clipboard.readText()") == bibtex


def test_the_interface_switches_to_arabic_and_back(tab):
    tab.goto("/search?q=bread")
    assert page_language(tab) == ("en", "ltr")
    switch = tab.locator("header a.lang-switch")
    assert switch.get_attribute("hreflang") == "ar" and switch.get_attribute("lang") == "ar"
    assert switch.inner_text() == "العربية"
    switch.click()
    tab.wait_for_url(re.compile(r"lang=ar"))
    assert page_language(tab) == ("ar", "rtl")
    assert _query(tab.url)["q"] == ["bread"], "switching language keeps the search"
    assert any(c["name"] == "lang" and c["value"] == "ar" for c in tab.context.cookies())
    assert "Search" not in tab.locator("nav").first.inner_text()
    # The choice sticks: a plain link keeps the Arabic interface.
    tab.goto("/places")
    assert page_language(tab) == ("ar", "rtl")
    switch = tab.locator("header a.lang-switch")
    assert switch.get_attribute("hreflang") == "en" and switch.inner_text() == "English"
    switch.click()
    tab.wait_for_url(re.compile(r"lang=en"))
    assert page_language(tab) == ("en", "ltr")
    assert tab.locator("h1").inner_text() == "Places"


def test_each_account_keeps_its_own_direction_in_either_interface(tab):
    """Arabic text reads right to left in the English interface, and English text left to right in the Arabic one."""
    expected = {TESTIMONY: "ltr", ARABIC: "rtl"}
    for lang in ("en", "ar"):
        for tid, direction in expected.items():
            tab.goto(f"/t/{tid}?lang={lang}")
            tab.locator("details.account > summary").click()
            found = tab.evaluate("""() => ['h1', '.body'].map(s => getComputedStyle(document.querySelector(s)).direction)""")
            assert found == [direction, direction], f"/t/{tid} in the {lang} interface: title and account are {found}"
            assert page_language(tab)[1] == ("rtl" if lang == "ar" else "ltr")


PARAGRAPH_NUMBERS = """() => Array.from(document.querySelectorAll('.para')).map(para => {
  const style = getComputedStyle(para), box = para.getBoundingClientRect();
  const number = para.querySelector('a.plink').getBoundingClientRect();
  const rtl = style.direction === 'rtl';
  // The paragraph's start margin (its padding on the side its lines begin): where the number belongs.
  const margin = rtl ? [box.right - parseFloat(style.paddingRight), box.right]
                     : [box.left, box.left + parseFloat(style.paddingLeft)];
  return {id: para.id, rtl, margin: margin.map(Math.round), number: [Math.round(number.left), Math.round(number.right)]};
})"""


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("tid", [TESTIMONY, ARABIC])
def test_paragraph_numbers_stand_beside_their_paragraphs(tab, tid, lang):
    """Each number sits in the margin where its paragraph's lines begin, not over the text or across the page."""
    tab.goto(f"/t/{tid}?lang={lang}")
    tab.locator("details.account > summary").click()
    wrong = [p for p in tab.evaluate(PARAGRAPH_NUMBERS)
             if not (p["margin"][0] - 1 <= p["number"][0] and p["number"][1] <= p["margin"][1] + 1)]
    assert not wrong, (f"/t/{tid} in the {lang} interface: paragraph numbers outside the start margin "
                       f"(x ranges in px): {wrong}")
