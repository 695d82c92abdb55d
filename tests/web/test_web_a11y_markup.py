"""Accessibility in the markup the server sends (WCAG 2.1 AA), in English and in Arabic.

Landmarks, a skip link, one h1 and headings in order, labelled controls, link text,
keyboard-reachable controls (links, buttons, details), no inline script or style, and
the stylesheet's focus, motion, colour-scheme and contrast rules. The real-browser checks
(axe-core, keyboard walks) live in tests/browser/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "site.css"

PAGES = [
    "/", "/search", "/search?q=bakery", "/search?q=zzznothingmatches", "/search?q=bakery&per_page=2&page=2",
    "/search?place=saraqib&theme=airstrikes&language=en&from=2018&to=2018", "/search?sort=sideways",
    "/t/open-account", "/t/anon-account", "/t/redacted-account", "/t/open-account-ar", "/places",
    "/places/saraqib", "/places/idlib-district", "/themes", "/themes/airstrikes", "/t/no-such-testimony",
    "/t/gone-zqwithdrawnid",
]


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def find_all(self, tag: str) -> list["Node"]:
        return [n for n in self.walk() if n.tag == tag]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def accessible_name(node: Node, root: Node) -> str:
    if node.attrs.get("aria-label"):
        return node.attrs["aria-label"]
    if node.attrs.get("aria-labelledby"):
        ids = node.attrs["aria-labelledby"].split()
        return " ".join(n.text() for n in root.walk() if n.attrs.get("id") in ids)
    return node.text().strip()


def get(client, path: str, lang: str):
    return client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")


@pytest.fixture(scope="module", params=["en", "ar"])
def pages(request, web_app):
    client = web_app.test_client()
    return request.param, {path: get(client, path, request.param) for path in PAGES}


def test_language_and_direction_of_every_page(pages):
    lang, responses = pages
    for path, response in responses.items():
        html = parse(response.get_data(as_text=True)).find_all("html")[0]
        assert html.attrs == {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}, path


def test_landmarks_and_skip_link(pages):
    _, responses = pages
    for path, response in responses.items():
        root = parse(response.get_data(as_text=True))
        body = root.find_all("body")[0]
        first = next(n for n in body.walk() if n.tag in ("a", "button", "input", "select", "summary"))
        assert first.attrs.get("class") == "skip" and first.attrs["href"] == "#main", path
        mains = root.find_all("main")
        assert len(mains) == 1 and mains[0].attrs["id"] == "main", path
        assert len(root.find_all("header")) >= 1 and len(root.find_all("footer")) == 1, path
        for nav in root.find_all("nav"):
            assert nav.attrs.get("aria-label"), path  # several navs: each is named
        assert root.find_all("main")[0].text().strip(), path


def test_one_h1_and_headings_in_order(pages):
    _, responses = pages
    for path, response in responses.items():
        main = parse(response.get_data(as_text=True)).find_all("main")[0]
        levels = [int(n.tag[1]) for n in main.walk() if re.fullmatch(r"h[1-6]", n.tag)]
        assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (path, levels)


def test_form_controls_are_labelled_and_ids_unique(pages):
    _, responses = pages
    for path, response in responses.items():
        root = parse(response.get_data(as_text=True))
        ids = [n.attrs["id"] for n in root.walk() if "id" in n.attrs]
        assert len(ids) == len(set(ids)), path
        labels = {n.attrs.get("for") for n in root.find_all("label")}
        for control in root.walk():
            if control.tag in ("select", "textarea") or (
                    control.tag == "input" and control.attrs.get("type") not in ("hidden", "submit", "button")):
                assert control.attrs.get("id") in labels or control.attrs.get("aria-label"), (path, control.attrs)
            if control.tag == "button":
                assert accessible_name(control, root), path


def test_links_say_where_they_go_and_nothing_steals_focus_order(pages):
    _, responses = pages
    vague = {"click here", "here", "more", "link", "اضغط هنا", "هنا", "المزيد"}
    for path, response in responses.items():
        root = parse(response.get_data(as_text=True))
        for link in root.find_all("a"):
            assert "href" in link.attrs, path  # every link is reachable with the keyboard
            name = accessible_name(link, root)
            assert name and name.casefold() not in vague, (path, link.attrs)
        for node in root.walk():
            assert int(node.attrs.get("tabindex", "0")) <= 0, path
            assert "style" not in node.attrs and not any(a.startswith("on") for a in node.attrs), path
        for script in root.find_all("script"):
            if script.attrs == {"type": "application/ld+json"}:
                continue  # a data block for machines (JSON-LD), never run
            assert script.attrs.get("src") and not script.text().strip(), path  # CSP: no inline script
        assert not root.find_all("style"), path


def test_content_warning_is_a_keyboard_disclosure(pages):
    lang, responses = pages
    root = parse(responses["/t/open-account"].get_data(as_text=True))
    warning = [n for n in root.find_all("aside") if n.attrs.get("class") == "warning"][0]
    assert accessible_name(warning, root)  # the heading names the warning region
    details = [n for n in root.find_all("details") if "account" in n.attrs.get("class", "")][0]
    summary = details.children[next(i for i, c in enumerate(details.children) if isinstance(c, Node))]
    assert summary.tag == "summary" and summary.text().strip()
    assert root.find_all("pre")[0].attrs.get("tabindex") == "0"  # citations can be reached and scrolled


def test_pagination_and_facets_are_links_with_state(pages):
    lang, responses = pages
    root = parse(responses["/search?q=bakery&per_page=2&page=2"].get_data(as_text=True))
    nav = [n for n in root.find_all("nav") if n.attrs.get("class") == "pages"][0]
    current = [a for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]
    assert len(current) == 1 and current[0].text().strip().endswith("2")
    assert [a.attrs.get("rel") for a in nav.find_all("a") if a.attrs.get("rel")] == ["prev", "next"]
    filtered = parse(responses["/search?place=saraqib&theme=airstrikes&language=en&from=2018&to=2018"]
                     .get_data(as_text=True))
    selected = [a for a in filtered.find_all("a") if a.attrs.get("aria-current") == "true"]
    assert selected and all("selected" in a.attrs.get("class", "") for a in selected)
    for a in selected:  # not by colour alone: the state is in the text a screen reader reads
        assert any(s.attrs.get("class") == "vh" and s.text().strip() for s in a.walk())


def test_highlighted_words_are_explained_in_text(pages):
    _, responses = pages
    html = responses["/search?q=bakery"].get_data(as_text=True)
    root = parse(html)
    assert root.find_all("mark")
    hits = [n for n in root.find_all("ol") if n.attrs.get("class") == "hits"][0]
    before = hits.parent.children[:hits.parent.children.index(hits)]
    assert any(isinstance(n, Node) and n.attrs.get("class") == "vh" and n.text().strip() for n in before)


def test_language_switch_is_a_named_link_in_the_header(pages):
    lang, responses = pages
    other = "en" if lang == "ar" else "ar"
    for path, response in responses.items():
        root = parse(response.get_data(as_text=True))
        header = root.find_all("header")[0]
        switches = [a for a in header.find_all("a") if a.attrs.get("class") == "lang-switch"]
        assert len(switches) == 1, path
        switch = switches[0]
        assert switch.attrs["hreflang"] == other and switch.attrs["lang"] == other
        assert switch.text() == {"ar": "العربية", "en": "English"}[other]


# --- the stylesheet ------------------------------------------------------------------------------------------

def _colours(css: str, scope: str) -> dict[str, str]:
    block = css.split("@media (prefers-color-scheme:dark)")[1] if scope == "dark" else css
    block = block[block.index(":root{") + 6:]
    block = block[:block.index("}")]
    return dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{3,6})", block))


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_contrast_meets_aa_in_both_schemes(scheme):
    colours = _colours(CSS.read_text("utf-8"), scheme)
    pairs = [("fg", "bg"), ("muted", "bg"), ("link", "bg"), ("fg", "mark"), ("link", "warn"), ("fg", "warn"),
             ("muted", "warn"), ("fg", "line"), ("bg", "fg")]
    for text, background in pairs:
        assert _contrast(colours[text], colours[background]) >= 4.5, (scheme, text, background)
    for ui in ("focus", "muted", "warn-line"):  # focus rings, control borders, the warning's border: 3:1
        assert _contrast(colours[ui], colours["bg"]) >= 3, (scheme, ui)


def test_stylesheet_mirrors_and_respects_preferences():
    css = CSS.read_text("utf-8")
    physical = re.findall(r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:|"
                          r"text-align\s*:\s*(?:left|right)|float\s*:", css)
    assert physical == []  # logical properties only, so Arabic pages mirror
    assert "@media (prefers-reduced-motion:reduce)" in css and "@media (prefers-color-scheme:dark)" in css
    assert ":focus-visible{outline:3px solid" in css
    assert re.search(r"\bmark\{[^}]*font-weight:(?:[6-9]00|bold)", css)  # a highlight is not colour alone
