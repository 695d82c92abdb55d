"""The sitemap and the Atom feed of newly published testimonies: public views only."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree as ET

from flask import request, url_for

from .gate import public_views, site
from .present import added_on, recently_added

__all__ = ["sitemap", "atom", "xml_text", "FEED_SIZE"]

FEED_SIZE = 50
# Characters XML 1.0 cannot carry at all: the check refuses them in single-line fields, and the
# feed drops any that reach it (a summary, collection.yaml), so it is always well-formed XML.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _base() -> str:
    """Absolute URLs use the collection's base_url (its permalinks), else the address being served."""
    return site().info.base_url.rstrip("/") or request.url_root.rstrip("/")


def xml_text(text: str) -> str:
    """The text without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def sitemap() -> bytes:
    """Every public page worth indexing: home, the vocabularies, every public testimony."""
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    base = _base()
    collection = site().vocabularies

    def add(path: str, lastmod: dt.date | None = None) -> None:
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = xml_text(base + path)
        if lastmod is not None:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmod.isoformat()

    add(url_for("pages.home"))
    add(url_for("pages.places"))
    add(url_for("pages.themes"))
    for view in sorted(public_views().views.listed(), key=lambda v: v.id):
        add(url_for("pages.testimony", testimony_id=view.id), view.updated)
    for place in collection.places:
        add(url_for("pages.place", place_id=place.id))
    for theme in collection.themes:
        add(url_for("pages.theme", theme_id=theme.id))
    return _xml(root)


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom() -> bytes:
    """An Atom 1.0 feed of the most recently added public testimonies."""
    ET.register_namespace("", ATOM_NS)
    info = site().info
    base = _base()
    collection = site().vocabularies
    entries = recently_added(FEED_SIZE)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            element.text = xml_text(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", base + url_for("pages.feed"))
    sub(feed, "title", info.title)
    if info.description:
        sub(feed, "subtitle", info.description)
    newest = max((added_on(v) for v in entries), default=dt.date(2000, 1, 1))
    sub(feed, "updated", _stamp(newest))
    sub(sub(feed, "author"), "name", info.publisher or info.title)
    sub(feed, "link", rel="self", href=base + url_for("pages.feed"))
    sub(feed, "link", rel="alternate", href=base + url_for("pages.home"))
    for view in entries:
        entry = sub(feed, "entry")
        permalink = info.permalink(view.id) if info.base_url else base + url_for("pages.testimony", testimony_id=view.id)
        sub(entry, "id", permalink)
        sub(entry, "title", view.title, **{"{http://www.w3.org/XML/1998/namespace}lang": view.language})
        sub(entry, "updated", _stamp(added_on(view)))
        sub(sub(entry, "author"), "name", view.narrator)
        sub(entry, "link", rel="alternate", href=permalink)
        for theme_id in view.themes:
            theme = collection.themes.get(theme_id)
            sub(entry, "category", term=theme_id, label=theme.label if theme else theme_id)
        if view.summary:
            sub(entry, "summary", view.summary, **{"{http://www.w3.org/XML/1998/namespace}lang": view.language})
    return _xml(feed)
