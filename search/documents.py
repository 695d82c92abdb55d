"""A testimony view as an index's document: plain text, ids with ancestors, dates as numbers.

The public index gets public views only (`document_for`); the curator index gets curator
views (`curator_document_for`), with the consent state and the file's change time added.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from archive.consent import Audience, TestimonyView
from archive.text import DROPPED_ELEMENTS
from archive.vocabulary import Gazetteer, Themes

__all__ = ["plain_text", "document_for", "curator_document_for", "index_document", "day_number", "facet_keys",
           "split_facet_keys", "public_form_key", "split_public_form_key"]

_CODE = re.compile(r"^[ ]{0,3}(?P<fence>```|~~~)[^\n]*\n(?P<block>.*?)(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)"
                   r"|(?P<ticks>`+)(?P<span>.+?)(?P=ticks)", re.MULTILINE | re.DOTALL)
_ASIDE = re.compile("\ue100(\\d+)\ue101")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# An element the page drops with its content (an unclosed one runs to the end, as the sanitiser reads it).
_DROPPED = re.compile(r"<(%s)(?=[\s/>])[^>]*>.*?(?:</\1\s*>|\Z)" % "|".join(sorted(DROPPED_ELEMENTS)),
                      re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*\S.*$", re.MULTILINE)
# Rules, setext underlines, heading marks, quote marks and list markers, at the start of a line.
_LINE_MARKUP = re.compile(
    r"^(?:[ ]{0,3}(?:[-*_][ \t]*){3,}$|[ ]{0,3}(?:=+|-+)[ \t]*$|[ ]{0,3}#{1,6}[ \t]+"
    r"|[ ]{0,3}(?:>[ ]?)+|[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)",
    re.MULTILINE)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.MULTILINE)
_UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_UNESCAPE = re.compile("[\ue000-\ue07f]")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")


def plain_text(markdown: str) -> str:
    """The words of a Markdown text as a reader sees them: no markup, one paragraph per blank-line block.

    >>> plain_text("**Idlib**, [the city](https://x.org) &amp; _its_ people\\n\\n# After")
    'Idlib, the city & its people\\n\\nAfter'
    """
    text = markdown.replace("\r\n", "\n")
    code: list[str] = []
    if "`" in text or "~~~" in text:  # code is text as written: set it aside from the markup patterns
        text = _CODE.sub(lambda m: _set_aside(code, m.group("block") or m.group("span") or ""), text)
    if "<" in text:
        text = _COMMENT.sub(" ", text)
        text = _DROPPED.sub(" ", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _TAG.sub(" ", text)
    if "[" in text:
        text = _REF_DEF.sub("", text)
        text = _IMAGE_OR_LINK.sub(r"\1", text)
        text = _REF_LINK.sub(r"\1", text)
    escaped = "\\" in text
    if escaped:  # hide escaped punctuation from the markup patterns, in the Private Use Area
        text = _ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    text = _LINE_MARKUP.sub("", text)
    if "#" in text:
        text = _CLOSING_HASHES.sub("", text)
    for mark in ("*", "`", "~~"):
        if mark in text:
            text = text.replace(mark, "")
    if "_" in text:
        text = _UNDERSCORES.sub("", text)
    if escaped:
        text = _UNESCAPE.sub(lambda m: chr(ord(m.group()) - 0xE000), text)
    if "&" in text:
        text = html.unescape(text)
    if code:
        text = _ASIDE.sub(lambda m: code[int(m.group(1))], text)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPHS.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _set_aside(store: list[str], text: str) -> str:
    store.append(text)
    return f"\ue100{len(store) - 1}\ue101"


def day_number(day: dt.date) -> int:
    """A date as a sortable number, YYYYMMDD."""
    return day.year * 10000 + day.month * 100 + day.day


def facet_keys(places: list[str], themes: list[str], language: str, years: list[int]) -> bytes:
    """The facet values of one document, packed for a column: p:/t:/l:/y: keys, space-separated."""
    keys = [f"p:{p}" for p in places] + [f"t:{t}" for t in themes] + [f"l:{language}"]
    keys += [f"y:{y}" for y in years]
    return " ".join(keys).encode("utf-8")


def split_facet_keys(packed: bytes) -> tuple[str, ...]:
    """The keys that `facet_keys` packed."""
    return tuple(packed.decode("utf-8").split()) if packed else ()


def _with_ancestors(ids: tuple[str, ...], vocabulary: Gazetteer | Themes) -> list[str]:
    found: list[str] = []
    for entry_id in ids:
        for candidate in (entry_id, *vocabulary.ancestors(entry_id)):
            if candidate not in found:
                found.append(candidate)
    return found


def _place_names(ids: list[str], places: Gazetteer) -> str:
    names: list[str] = []
    for place_id in ids:
        place = places.get(place_id)
        if place is not None:
            names += [place.name, *place.names.values(), *place.aliases]
    return "\n".join(dict.fromkeys(names))


def document_for(view: TestimonyView, places: Gazetteer, themes: Themes) -> dict[str, Any]:
    """The index document of a public view; refuses any other audience."""
    if view.audience is not Audience.PUBLIC or view.consent is not None:
        raise ValueError("only a public view of a testimony may enter the public index")
    return _document(view, places, themes)


def curator_document_for(view: TestimonyView, places: Gazetteer, themes: Themes, mtime_ns: int) -> dict[str, Any]:
    """The curator index's document of a curator view: its fields, plus its state ("s:" facet key) and change time."""
    if view.audience is not Audience.CURATOR:
        raise ValueError("only a curator view of a testimony may enter the curator index")
    document = _document(view, places, themes)
    document["state"] = view.state.value
    document["changed"] = mtime_ns // 1_000_000_000
    document["facets"] += f" s:{view.state.value}".encode("utf-8")
    return document


def index_document(view: TestimonyView, places: Gazetteer, themes: Themes, audience: Audience,
                   mtime_ns: int) -> dict[str, Any]:
    """The document of `view` for the index of `audience` (which must be the view's own audience)."""
    if audience is Audience.CURATOR:
        return curator_document_for(view, places, themes, mtime_ns)
    return document_for(view, places, themes)


def _document(view: TestimonyView, places: Gazetteer, themes: Themes) -> dict[str, Any]:
    place_ids = _with_ancestors(view.places, places)
    theme_ids = _with_ancestors(view.themes, themes)
    language = view.language.lower()
    years = list(view.event_date.years)
    summary = plain_text(view.summary) if view.summary else ""
    body = plain_text(view.body)
    return {
        "id": view.id,
        "title": view.title,
        "summary": summary,
        "body": body,
        "narrator": view.narrator,
        "place_names": _place_names(place_ids, places),
        "places": " ".join(place_ids),
        "themes": " ".join(theme_ids),
        "language": language,
        "years": " ".join(str(y) for y in years),
        "event_start": day_number(view.event_date.start),
        "event_end": day_number(view.event_date.end),
        "facets": facet_keys(place_ids, theme_ids, language, years),
        "meta": (view.narrator, view.event_date.text, view.places, view.themes, language),
        "pubform": public_form_key(view.id, view.version),
    }


def public_form_key(testimony_id: str, version: str) -> bytes:
    """What the `pubform` column holds for one document: its id and the version of the public form it shows."""
    return f"{testimony_id}\0{version}".encode("utf-8")


def split_public_form_key(packed: bytes) -> tuple[str, str]:
    """The (id, version) that `public_form_key` packed."""
    testimony_id, _, version = packed.decode("utf-8").partition("\0")
    return testimony_id, version
