"""Is this HTML inert? Read with two parsers (Python's and libxml2's), as a browser would read it.

`dangers(html, fragment=...)` lists everything that could run script or load a frame: script
elements (except the site's own static file and JSON-LD data blocks on whole pages), `on*` handlers, `javascript:`,
`vbscript:` and `data:` URLs in any URL attribute (after the unescaping and the tab, newline and
control-character stripping browsers do), frames, objects, embeds, `<base>`, `<meta http-equiv>`,
SVG and MathML. A body fragment must also keep to the renderer's allowlist.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html
from lxml import etree

__all__ = ["dangers", "url_scheme", "FRAGMENT_TAGS", "FRAGMENT_ATTRIBUTES"]

# What web/render.py may emit for a testimony body (its allowlist plus its own markup).
FRAGMENT_TAGS = {"p", "em", "strong", "a", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "code", "pre",
                 "br", "hr", "span", "mark"}
FRAGMENT_ATTRIBUTES = {"href", "rel", "id", "class"}
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
                  "style", "link", "form", "input", "button", "textarea", "select", "img", "video", "audio",
                  "source", "portal", "noscript", "template", "isindex", "xmp", "plaintext", "param"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "cite",
                  "codebase", "dynsrc", "lowsrc", "longdesc", "srcset", "ping", "manifest", "icon", "content"}
_STRIPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an (already unescaped) URL attribute, lower-cased."""
    cleaned = _STRIPPED.sub("", value).lstrip("".join(chr(c) for c in range(0x21)))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _elements_stdlib(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag.lower(), [(k.lower(), v or "") for k, v in attrs]))

        handle_startendtag = handle_starttag

    parser = Collect(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found


def _elements_lxml(html: str, fragment: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    if not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div") if fragment else lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        found.append((element.tag.lower(), [(str(k).lower(), str(v)) for k, v in element.attrib.items()]))
    return found[1:] if fragment else found


def _own_asset(tag: str, attrs: dict[str, str]) -> bool:
    """The site's own markup around a page: its script file, stylesheet, icon and meta tags."""
    if tag == "script":
        if attrs == {"type": "application/ld+json"}:
            return True  # a JSON-LD data block, never run; anything breaking out of it is a new element
        return set(attrs) <= {"src", "defer", "type"} and attrs.get("src", "").startswith("/static/")
    if tag == "link" and attrs == {"rel": "schema.DC", "href": "http://purl.org/dc/elements/1.1/"}:
        return True  # names the Dublin Core namespace of the DC.* meta tags; nothing is loaded
    if tag == "link":
        return attrs.get("href", "").startswith(("/static/", "/", "https://archive.example.org")) and \
            url_scheme(attrs.get("href", "")) in (None, "https")
    if tag == "form":
        return attrs.get("action", "").startswith("/") and not attrs.get("action", "").startswith("//")
    if tag in ("input", "button", "select", "textarea"):
        return not any(name.startswith("on") for name in attrs)
    if tag == "svg":  # the map or the timeline (web/mapping.py, web/timeline.py), never a testimony's
        return attrs.get("class") in ("map", "timeline") and set(attrs) <= {
            "class", "viewbox", "width", "height", "direction", "aria-label", "aria-describedby"}
    return False


def dangers(html: str, fragment: bool = True) -> list[str]:
    """Everything in the HTML that could run script, frame or redirect; empty when inert."""
    problems: list[str] = []
    for parser, elements in (("html.parser", _elements_stdlib(html)), ("lxml", _elements_lxml(html, fragment))):
        for tag, pairs in elements:
            attrs = dict(pairs)
            where = f"{parser}: <{tag} {pairs}>"
            if fragment and tag not in FRAGMENT_TAGS:
                problems.append(f"{where}: tag not on the allowlist")
            if fragment and set(attrs) - FRAGMENT_ATTRIBUTES:
                problems.append(f"{where}: attribute not on the allowlist")
            if tag in FORBIDDEN_TAGS and (fragment or not _own_asset(tag, attrs)):
                problems.append(f"{where}: forbidden element")
            if tag == "meta" and ("http-equiv" in attrs or "refresh" in attrs.get("name", "").lower()):
                problems.append(f"{where}: meta http-equiv")
            for name, value in pairs:
                if name.startswith("on"):
                    problems.append(f"{where}: event handler {name}")
                if name == "style" and fragment:
                    problems.append(f"{where}: style attribute")
                if name in URL_ATTRIBUTES or name.endswith(":href"):
                    scheme = url_scheme(value)
                    if name == "content" and tag != "meta":
                        continue
                    if scheme in ("javascript", "vbscript", "data", "livescript", "mocha", "file") or (
                            name == "content" and "url=" in value.lower()):
                        problems.append(f"{where}: {name} with a {scheme}: URL")
                    if fragment and scheme not in (None, "http", "https", "mailto"):
                        problems.append(f"{where}: {name} with an unexpected scheme {scheme}:")
                    if fragment and name == "href" and scheme is None:
                        problems.append(f"{where}: relative link from a testimony's text")
    return problems
