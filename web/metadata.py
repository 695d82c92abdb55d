"""Embedded metadata for reference managers, search engines and harvesters, built from a public view.

One module builds every form: Highwire Press `citation_*` and Dublin Core `DC.*` meta tags,
`description` and Open Graph, schema.org JSON-LD, the `<link rel="alternate">` to the citation
files (a testimony page), COinS (a search result) and oai_dc (web.oai). Everything comes from the
`TestimonyView` that archive.consent built and the citation built from it, so none of it can
say more than the page: the narrator as the citation names them, places at their public level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for
from markupsafe import Markup

from archive.citation import citation_key
from archive.citation_text import date_parts, person_name, translators
from archive.consent import ANONYMOUS, TestimonyView
from archive.languages import in_language
from archive.model import CollectionInfo, Identity, Method

from .gate import public_view, site

__all__ = ["Metadata", "testimony_metadata", "coins", "coins_span", "dublin_core", "author_name", "keywords"]

_DC_TYPES = {Method.WRITTEN: "Text", Method.INTERVIEW: "Sound", Method.AUDIO: "Sound",
             Method.VIDEO: "MovingImage"}
CITATION_LINKS = (("bib", "application/x-bibtex", "BibTeX"),
                  ("ris", "application/x-research-info-systems", "RIS"),
                  ("json", "application/vnd.citationstyles.csl+json", "CSL-JSON"))


@dataclass(frozen=True)
class Metadata:
    """What a testimony page's <head> carries: (attribute, key, value) meta tags, links and JSON-LD."""

    meta: list[tuple[str, str, str]]
    links: list[dict[str, str]]
    json_ld: Markup


def author_name(view: TestimonyView) -> str:
    """The narrator as the citation names them: 'Family, Given', a pseudonym as written, or 'Anonymous'."""
    person = person_name(view)
    return f"{person[0]}, {person[1]}" if person else view.narrator


def _anonymous(view: TestimonyView) -> bool:
    return view.identity is Identity.ANONYMOUS or view.narrator == ANONYMOUS


def keywords(view: TestimonyView) -> list[str]:
    """The testimony's themes, labelled in the testimony's language."""
    themes = site().collection.themes
    found = []
    for theme_id in view.themes:
        theme = themes.get(theme_id)
        found.append(in_language(theme.labels, theme.label, view.language) if theme else theme_id)
    return found


def _place_names(view: TestimonyView) -> list[str]:
    places = site().collection.places
    return [in_language(places[p].names, places[p].name, view.language) if p in places else p for p in view.places]


def _highwire_date(view: TestimonyView) -> str:
    """The recording date (the date cited), as Highwire wants it: YYYY/MM/DD, YYYY/MM or YYYY."""
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(date_parts(view.recorded.date)))


def _description(view: TestimonyView, info: CollectionInfo) -> str:
    return view.summary or f"{view.title} — {info.title}"


def dublin_core(view: TestimonyView) -> list[tuple[str, str]]:
    """Dublin Core elements (unqualified) as (element, value), for DC.* meta tags and oai_dc."""
    info = site().info
    items = [("title", view.title)]
    if not _anonymous(view):
        items.append(("creator", author_name(view)))
    items += [("contributor", name) for name in translators(view)]
    items += [("subject", word) for word in keywords(view)]
    if view.summary:
        items.append(("description", view.summary))
    items += [("publisher", info.publisher or info.title), ("date", view.recorded.date.start_text),
              ("type", _DC_TYPES[view.recorded.method]), ("format", "text/html"),
              ("identifier", info.permalink(view.id)), ("language", view.language)]
    if view.translation_of and public_view(view.translation_of) is not None:
        items.append(("relation", info.permalink(view.translation_of)))
    items += [("coverage", name) for name in _place_names(view)]
    items.append(("coverage", view.event_date.text))
    if view.license or info.license:
        items.append(("rights", view.license or info.license or ""))
    return items


def _json_ld(view: TestimonyView, info: CollectionInfo) -> dict[str, Any]:
    places = site().collection.places
    url = info.permalink(view.id)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Article", "@id": url, "url": url,
        "identifier": citation_key(view), "headline": view.title, "name": view.title,
        "inLanguage": view.language, "version": view.version,
        "dateCreated": view.recorded.date.start_text, "temporalCoverage": view.event_date.text,
        "genre": "oral history" if view.recorded.method is not Method.WRITTEN else "written testimony",
        "isPartOf": {"@type": "Collection", "name": info.title, "url": _absolute(url_for("pages.home"))},
        "publisher": {"@type": "Organization", "name": info.publisher or info.title},
    }
    if not _anonymous(view):
        data["author"] = {"@type": "Person", "name": view.narrator}
    if names := translators(view):
        data["translator"] = [{"@type": "Person", "name": name} for name in names]
    if view.summary:
        data["description"] = view.summary
    if words := keywords(view):
        data["keywords"] = words
    if view.license or info.license:
        data["license"] = view.license or info.license
    if view.updated:
        data["dateModified"] = view.updated.isoformat()
    located = []
    for place_id in view.places:  # already coarsened to place_detail by archive.consent
        place = places.get(place_id)
        if place is None:
            continue
        entry: dict[str, Any] = {"@type": "Place", "name": in_language(place.names, place.name, view.language),
                                 "url": _absolute(url_for("pages.place", place_id=place.id))}
        if place.coordinates:
            entry["geo"] = {"@type": "GeoCoordinates", "latitude": place.coordinates[0],
                            "longitude": place.coordinates[1]}
        located.append(entry)
    if located:
        data["contentLocation"] = located
    return data


def _absolute(path: str) -> str:
    """An address on this site, under the collection's base_url (its permalinks) when it has one."""
    return (site().info.base_url.rstrip("/") or request.url_root.rstrip("/")) + path


def _script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' that could close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def testimony_metadata(view: TestimonyView) -> Metadata:
    """Everything a public testimony page puts in its <head> for machines."""
    info = site().info
    url = info.permalink(view.id)
    description = _description(view, info)
    meta: list[tuple[str, str, str]] = [("name", "description", description),
                                        ("name", "citation_title", view.title),
                                        ("name", "citation_author", author_name(view))]
    meta += [("name", "citation_date", _highwire_date(view)),
             ("name", "citation_publisher", info.publisher or info.title),
             ("name", "citation_language", view.language), ("name", "citation_public_url", url)]
    if view.summary:
        meta.append(("name", "citation_abstract", view.summary))
    if words := keywords(view):
        meta.append(("name", "citation_keywords", "; ".join(words)))
    meta += [("name", f"DC.{element}", value) for element, value in dublin_core(view)]
    meta += [("property", "og:type", "article"), ("property", "og:title", view.title),
             ("property", "og:description", description), ("property", "og:url", url),
             ("property", "og:site_name", info.title)]
    links = [{"rel": "schema.DC", "href": "http://purl.org/dc/elements/1.1/"}]
    links += [{"rel": "alternate", "type": kind, "title": title,
               "href": url_for("pages.citation_file", testimony_id=view.id, ext=ext)}
              for ext, kind, title in CITATION_LINKS]
    return Metadata(meta, links, _script_json(_json_ld(view, info)))


def coins(view: TestimonyView) -> str:
    """A COinS (OpenURL 1.0, Dublin Core) title, so Zotero can offer to save each result of a list."""
    info = site().info
    fields = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
              ("rfr_id", "info:sid/" + (info.base_url.split("//")[-1].rstrip("/") or "testimony-archive")),
              ("rft.title", view.title)]
    if not _anonymous(view):
        fields.append(("rft.creator", author_name(view)))
    fields += [("rft.date", view.recorded.date.start_text), ("rft.publisher", info.publisher or info.title),
               ("rft.type", _DC_TYPES[view.recorded.method]), ("rft.identifier", info.permalink(view.id)),
               ("rft.language", view.language)]
    if view.summary:
        fields.append(("rft.description", view.summary))
    fields += [("rft.subject", word) for word in keywords(view)]
    return urlencode(fields)


def coins_span(testimony_id: str) -> Markup:
    """The COinS element of a search result; nothing when the public may not see that testimony."""
    view = public_view(testimony_id)
    if view is None:
        return Markup("")
    return Markup('<span class="Z3988" translate="no" title="%s"></span>') % coins(view)
