"""axe-core finds no accessibility violation (WCAG 2.1 A and AA, and best practice) on the main pages, in both languages.

The pages: home, search results (and an empty search), a testimony, the places list and its map, a place and its
map, a theme and its timeline, the 404
and the 410 page; in English and Arabic, and the busiest ones (the map and the timeline too) in dark colours as well.
"""

from __future__ import annotations

import pytest

from tests.support.reading_collection import MISSING, PLACE, TESTIMONY, THEME, WITHDRAWN



TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = {
    "home": ("/", 200),
    "search results": ("/search?q=bakery&per_page=2", 200),
    "testimony": (f"/t/{TESTIMONY}", 200),
    "no results": ("/search?q=zzzzzz", 200),
    "places": ("/places", 200),
    "place": (f"/places/{PLACE}", 200),
    "theme": (f"/themes/{THEME}", 200),  # with its timeline
    "not found": (f"/t/{MISSING}", 404),
    "withdrawn": (f"/t/{WITHDRAWN}", 410),
}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary})),
  }));
}"""


def describe(page_name: str, lang: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on the {page_name} page ({lang}):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['url']}>")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


def check(tab, axe_source, page_name: str, lang: str, scheme: str = "light") -> None:
    path, status = PAGES[page_name]
    tab.emulate_media(color_scheme=scheme)
    response = tab.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert response is not None and response.status == status
    assert tab.evaluate("() => document.documentElement.lang") == lang
    assert tab.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    if tab.locator("details").count():
        tab.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    tab.evaluate(axe_source)  # evaluated through the DevTools protocol: the page's CSP does not apply
    violations = tab.evaluate(RUN_AXE, TAGS)
    assert not violations, describe(page_name, f"{lang}, {scheme} colours", violations)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_no_accessibility_violations(tab, axe_source, page_name, lang):
    check(tab, axe_source, page_name, lang)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("page_name", ["home", "search results", "testimony", "places", "theme"])
def test_no_accessibility_violations_in_dark_mode(tab, axe_source, page_name, lang):
    """The stylesheet has dark colours for readers who ask for them: they must keep their contrast too."""
    check(tab, axe_source, page_name, lang, "dark")


def test_axe_finds_what_it_should(tab, axe_source):
    """The injected axe really runs: a page with an unlabelled field and an image without alt text fails."""
    tab.goto("/")
    tab.evaluate("""() => { const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                                             + '<input type="text" name="unlabelled">'); }""")
    tab.evaluate(axe_source)
    found = {v["id"] for v in tab.evaluate(RUN_AXE, TAGS)}
    assert {"image-alt", "label"} <= found
