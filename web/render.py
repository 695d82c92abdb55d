"""Markdown to safe HTML: sanitised with an allowlist, paragraphs numbered, redactions marked.

Order matters: the text is already redacted by `archive.consent`; Markdown runs, then `nh3`
removes everything not on the allowlist, and only then do we add our own markup
(paragraph ids, the redaction mark), so nothing a testimony contains can forge them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup, escape

from archive.consent import REDACTED
from archive.text import DROPPED_ELEMENTS

__all__ = ["Block", "RenderedBody", "render_body", "inline", "clean_snippet", "REDACTED_HTML"]

TAGS = {"p", "em", "strong", "a", "blockquote", "ul", "ol", "li", "h2", "h3", "h4",
        "code", "pre", "br", "hr"}
ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # "*": no lang/title from the text
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just their tags (the index drops the same: archive.text).
DROP_WITH_CONTENT = set(DROPPED_ELEMENTS)
NUMBERED = {"p", "blockquote", "ul", "ol", "pre"}
VOID = {"br", "hr"}
REDACTED_HTML = f'<span class="redacted">{REDACTED}</span>'
# A private-use character stands in for "[redacted]" through Markdown, which would read brackets as links.
_PLACEHOLDER = "\ue000"
_HEADING_SHIFT = re.compile(r"<(/?)h([1-6])>")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Block:
    """One top-level block of the body: `number` is None for headings and rules."""

    number: int | None
    tag: str
    html: Markup

    @property
    def anchor(self) -> str | None:
        return f"p{self.number}" if self.number is not None else None


@dataclass(frozen=True)
class RenderedBody:
    blocks: tuple[Block, ...]

    @property
    def html(self) -> Markup:
        """The whole body, each numbered block carrying its id (`<p id="p3">`)."""
        parts = []
        for block in self.blocks:
            if block.anchor is None:
                parts.append(str(block.html))
            else:
                parts.append(str(block.html).replace(f"<{block.tag}", f'<{block.tag} id="{block.anchor}"', 1))
        return Markup("\n".join(parts))


def _shift_heading(match: re.Match[str]) -> str:
    level = min(max(int(match.group(2)) + 1, 2), 4)  # the page title is the only h1
    return f"<{match.group(1)}h{level}>"


def sanitise(html: str) -> str:
    """Everything off the allowlist removed: tags, attributes, and links other than http(s)/mailto."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, clean_content_tags=DROP_WITH_CONTENT,
                     url_schemes=URL_SCHEMES, url_relative="deny", link_rel="nofollow noopener noreferrer",
                     strip_comments=True)


def render_body(text: str) -> RenderedBody:
    """A public (already redacted) Markdown text as numbered, sanitised blocks."""
    html = markdown.markdown(text.replace(_PLACEHOLDER, "").replace(REDACTED, _PLACEHOLDER),
                             extensions=["fenced_code", "sane_lists"])
    html = sanitise(_HEADING_SHIFT.sub(_shift_heading, html))
    html = html.replace(_PLACEHOLDER, REDACTED_HTML)
    blocks = []
    number = 0
    for tag, piece in _top_level(html):
        if tag is None:
            if not piece.strip():
                continue
            tag, piece = "p", f"<p>{piece.strip()}</p>"  # loose text left behind by a removed tag
        if tag in NUMBERED:
            if not _TAG.sub("", piece).strip():
                continue  # emptied by the sanitiser
            number += 1
            blocks.append(Block(number, tag, Markup(piece)))
        else:
            blocks.append(Block(None, tag, Markup(piece)))
    return RenderedBody(tuple(blocks))


class _Splitter(HTMLParser):
    """Finds where each top-level element starts, and where its closing tag (or void tag) begins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.starts: list[tuple[str, tuple[int, int]]] = []
        self.ends: list[tuple[int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.starts.append((tag, self.getpos()))
            if tag in VOID:
                self.ends.append(self.getpos())
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            self.ends.append(self.getpos())


def _top_level(html: str) -> list[tuple[str | None, str]]:
    """The HTML cut into top-level elements (tag, html) and the loose text between them (None, text)."""
    offsets = [0]
    for line in html.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    splitter = _Splitter()
    splitter.feed(html)
    splitter.close()
    pieces: list[tuple[str | None, str]] = []
    position = 0
    for (tag, (line, column)), (end_line, end_column) in zip(splitter.starts, splitter.ends):
        start = offsets[line - 1] + column
        # Closing and void tags carry no attributes after sanitising, so the next ">" ends them.
        stop = html.index(">", offsets[end_line - 1] + end_column) + 1
        if start > position:
            pieces.append((None, html[position:start]))
        pieces.append((tag, html[start:stop]))
        position = stop
    if position < len(html):
        pieces.append((None, html[position:]))
    return pieces


def inline(text: str | None) -> Markup:
    """Plain public text (a title, a summary) escaped for HTML, with "[redacted]" visibly marked."""
    return Markup(str(escape(text or "")).replace(REDACTED, REDACTED_HTML))


def clean_snippet(snippet: str) -> Markup:
    """A search snippet (escaped text with <mark>) with nothing else let through, redactions marked."""
    cleaned = nh3.clean(snippet, tags={"mark"}, attributes={}, clean_content_tags=DROP_WITH_CONTENT)
    return Markup(cleaned.replace(REDACTED, REDACTED_HTML))
