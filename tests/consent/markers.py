"""Marker words for the consent leak scan: one per element the public must never meet, and finding them.

`marker_word(label)` is a random-looking word that names its label, the same on every run;
`find_leaks(crawled, markers)` returns a `Leak` for every forbidden marker found in a response
body or header of a crawl (tests/consent/leak_crawl.py), in any form a page may give it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable
from urllib.parse import unquote

from archive.text import fold

if TYPE_CHECKING:
    from tests.consent.leak_crawl import Crawl

BASE_URL = "https://archive.example.org"
_LATIN = "bcfhjkmnpqrtvwxz"  # consonants only: no stemmer takes a suffix off these words
_ARABIC = "ثخذضظغصق"  # letters no Arabic light stemmer strips


def marker_word(label: str, arabic: bool = False) -> str:
    """A random-looking word that names its label, the same on every run."""
    digest = hashlib.sha256(label.encode()).digest()
    alphabet = _ARABIC if arabic else _LATIN
    tail = "".join(alphabet[b % len(alphabet)] for b in digest[:7])
    return ("ظغث" if arabic else "zqxm") + tail


# Pages that list the whole gazetteer may name any place, including one that a testimony's
# place_detail hides *for that testimony*; the association is checked apart (counts, links).
GAZETTEER_ROUTE = re.compile(r"^/(?:places(?:/[^?]*)?|api/places|api/openapi\.json|sitemap\.xml)?(?:\?.*)?$")


@dataclass(frozen=True)
class Marker:
    """A word planted in one element; `public` ones are controls that must be seen."""

    word: str
    label: str
    public: bool = False
    allowed: re.Pattern[str] | None = None  # routes where the word may appear (see GAZETTEER_ROUTE)

    def forbidden_on(self, url: str) -> bool:
        return not (self.allowed is not None and self.allowed.match(url))


@dataclass(frozen=True)
class Leak:
    url: str
    marker: Marker
    where: str  # "body" or "header <name>"
    excerpt: str

    def __str__(self) -> str:
        return f"{self.url}: {self.marker.label} ({self.marker.word}) in the {self.where}: …{self.excerpt}…"


def _forms(text: str) -> list[str]:
    """The text as a reader might meet it: as sent, unescaped from HTML, URL and JSON, and folded."""
    forms = [text, html.unescape(text), unquote(text)]
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            forms.append(json.dumps(json.loads(stripped), ensure_ascii=False))
        except ValueError:
            pass
    return [f.casefold() for f in forms] + [fold(f) for f in forms[:2]]


# Every marker word starts so; a pass of this pattern finds the candidates in a text at once.
_CANDIDATE = re.compile(r"zqxm[a-z]+|ظغث[\u0621-\u064a]+")


def _found(forms: list[str], markers: list[tuple[Marker, str, str]]) -> list[tuple[Marker, str]]:
    """The markers in any of the forms of a text, each with an excerpt around it."""
    tokens = {token for form in forms for token in _CANDIDATE.findall(form)}
    found = []
    for marker, word, folded in markers:
        if _CANDIDATE.fullmatch(word) and not any(token.startswith((word, folded)) for token in tokens):
            continue
        for form in forms:
            at = max(form.find(word), form.find(folded))
            if at >= 0:
                found.append((marker, form[max(0, at - 60):at + len(word) + 60]))
                break
    return found


def find_leaks(crawled: Crawl, markers: Iterable[Marker]) -> list[Leak]:
    """Every marker found in a response it is forbidden on (a marker the request itself carried is no leak)."""
    prepared = [(m, m.word.casefold(), fold(m.word)) for m in markers]
    leaks: list[Leak] = []
    for fetched in crawled.responses.values():
        url_forms = " ".join(_forms(fetched.url))
        relevant = [(m, w, f) for m, w, f in prepared
                    if w not in url_forms and f not in url_forms and m.forbidden_on(fetched.url)]
        places = [("body", fetched.body)] + [(f"header {name}", value) for name, value in fetched.headers]
        for where, text in places:
            for marker, excerpt in _found(_forms(text), relevant):
                leaks.append(Leak(fetched.url + (" [ar]" if fetched.language == "ar" else ""), marker, where, excerpt))
    return leaks
