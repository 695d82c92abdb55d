"""Consent: the one place that decides what each audience may see.

Indexing, pages, the API, citations and exports all ask this module, and
nothing else decides. Its answers, for an audience and a day:

- `visibility`: may this testimony be seen at all (visible, 404, 410)?
- `narrator_shown`: how is the narrator named?
- `places_shown`: which places, coarsened by `place_detail`?
- `redact`: the text with `[[redact: ...]]` passages replaced.
- `view`: the whole testimony in the form that audience may see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Callable

from .dates import DateRange
from .errors import Gone, NotFound
from .model import (Access, Consent, Contributor, Identity, Narrator, PlaceDetail, Recording,
                    Source, Status, Testimony)
from .text import fold
from .vocabulary import Gazetteer

__all__ = [
    "Audience", "State", "Visibility", "TestimonyView", "REDACTED", "ANONYMOUS",
    "state", "visibility", "narrator_shown", "places_shown", "redact", "view",
    "unclosed_redaction", "hidden_name_leaks", "redacted_spans", "redacted_passages", "public_texts",
]

REDACTED = "[redacted]"
ANONYMOUS = "Anonymous"
# A passage runs to the first "]]"; an unclosed one runs to the end, so a typo never leaks.
_REDACTION = re.compile(r"\[\[\s*redact\s*:(.*?)(?:\]\]|\Z)", re.IGNORECASE | re.DOTALL)
_OPENING = re.compile(r"\[\[\s*redact\s*:", re.IGNORECASE)


class Audience(str, Enum):
    PUBLIC = "public"
    CURATOR = "curator"


class State(str, Enum):
    """A testimony's consent state, as curators see it marked."""

    PUBLIC = "public"
    RESTRICTED = "restricted"
    EMBARGOED = "embargoed"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"


class Visibility(str, Enum):
    VISIBLE = "visible"
    NOT_FOUND = "not-found"  # 404, exactly like an unknown id
    GONE = "gone"  # 410, a tombstone with only the id


def state(t: Testimony, today: dt.date) -> State:
    """The most restrictive state that applies; withdrawal overrides everything."""
    if t.consent.access is Access.WITHDRAWN:
        return State.WITHDRAWN
    if t.consent.access is Access.RESTRICTED:
        return State.RESTRICTED
    if t.status is Status.DRAFT:
        return State.DRAFT
    if t.consent.embargo_until is not None and today < t.consent.embargo_until:
        return State.EMBARGOED
    return State.PUBLIC


def visibility(t: Testimony | None, audience: Audience, today: dt.date) -> Visibility:
    """May this audience see the testimony on this day? (None means no such id.)"""
    if t is None:
        return Visibility.NOT_FOUND
    if audience is Audience.CURATOR:
        return Visibility.VISIBLE
    current = state(t, today)
    if current is State.PUBLIC:
        return Visibility.VISIBLE
    if current is State.WITHDRAWN:
        return Visibility.GONE
    return Visibility.NOT_FOUND


def narrator_shown(t: Testimony, audience: Audience) -> str:
    """The narrator as this audience may see them named."""
    narrator, identity = t.narrator, t.consent.identity
    if audience is Audience.CURATOR:
        names = [n for n in (narrator.name, narrator.pseudonym) if n]
        return " / ".join(names) if names else ANONYMOUS
    if identity is Identity.NAMED and narrator.name:
        return narrator.name
    if identity is Identity.PSEUDONYMOUS and narrator.pseudonym:
        return narrator.pseudonym
    return ANONYMOUS


def places_shown(t: Testimony, audience: Audience, places: Gazetteer) -> tuple[str, ...]:
    """The testimony's place ids, coarsened to `place_detail` for the public; unresolvable ones are dropped."""
    detail = t.consent.place_detail
    if audience is Audience.CURATOR or detail is PlaceDetail.EXACT:
        return t.places
    shown: list[str] = []
    for place_id in t.places:
        coarse = places.coarsen(place_id, detail.value)
        if coarse is not None and coarse not in shown:
            shown.append(coarse)
    return tuple(shown)


def redact(text: str, audience: Audience, mark: Callable[[str], str] | None = None) -> str:
    """The text with every `[[redact: ...]]` passage replaced for the public.

    Curators see the passage; `mark` decides how it is marked (default: left as written).

    >>> redact("born in [[redact: Kafr Nabl]] in 1990", Audience.PUBLIC)
    'born in [redacted] in 1990'
    >>> redact("an unclosed [[redact: passage never leaks", Audience.PUBLIC)
    'an unclosed [redacted]'
    """
    if audience is Audience.PUBLIC:
        return _REDACTION.sub(REDACTED, text)
    if mark is None:
        return text
    return _REDACTION.sub(lambda m: mark(m.group(1).strip()), text)


def unclosed_redaction(text: str) -> int | None:
    """The offset of a `[[redact:` that has no closing `]]`, if there is one."""
    for match in _OPENING.finditer(text):
        if "]]" not in text[match.end():]:
            return match.start()
        closing = text.index("]]", match.end())
        if _OPENING.search(text, match.end(), closing):
            return match.start()
    return None


def redacted_spans(text: str) -> list[tuple[int, int]]:
    """Where each `[[redact: ...]]` passage is in the text (an unclosed one runs to the end)."""
    return [match.span() for match in _REDACTION.finditer(text)]


def redacted_passages(text: str) -> list[str]:
    """The words of each redacted passage, as the curator wrote them."""
    return [match.group(1).strip() for match in _REDACTION.finditer(text) if match.group(1).strip()]


def public_texts(t: Testimony) -> dict[str, str]:
    """Every free-text field of the testimony as the public would read it (redactions applied), by field."""
    return _public_texts(t)


def hidden_name_leaks(t: Testimony) -> list[str]:
    """Fields where a narrator name the public may not see still appears in public text."""
    hidden = []
    identity = t.consent.identity
    if identity is not Identity.NAMED and t.narrator.name:
        hidden.append(t.narrator.name)
    if identity is Identity.ANONYMOUS and t.narrator.pseudonym:
        hidden.append(t.narrator.pseudonym)
    hidden = [fold(n) for n in hidden if len(fold(n)) >= 3]
    if not hidden:
        return []
    public = _public_texts(t)
    return [name for name, text in public.items() if any(h in fold(text) for h in hidden)]


def _public_texts(t: Testimony) -> dict[str, str]:
    texts = {
        "title": t.title, "summary": t.summary or "", "body": t.body,
        "narrator.description": t.narrator.description or "",
        "content_warnings": " ".join(t.content_warnings),
        "contributors": " ".join(c.name for c in t.contributors),
    }
    if t.source:
        texts["source"] = " ".join(x for x in (t.source.title, t.source.publisher, t.source.url) if x)
    return {k: redact(v, Audience.PUBLIC) for k, v in texts.items()}


def _redacted_source(source: Source | None, text: Callable[[str], str]) -> Source | None:
    if source is None:
        return None
    return Source(*(text(v) if v else v for v in (source.title, source.publisher, source.url)), source.date)


@dataclass(frozen=True)
class TestimonyView:
    """A testimony in the form one audience may see: nothing in it needs checking again."""

    __test__ = False  # not a pytest test class, despite the name

    id: str
    version: str
    audience: Audience
    state: State
    title: str
    language: str
    narrator: str
    narrator_description: str | None
    places: tuple[str, ...]
    themes: tuple[str, ...]
    event_date: DateRange
    recorded: Recording
    body: str
    translation_of: str | None
    contributors: tuple[Contributor, ...]
    source: Source | None
    license: str | None
    content_warnings: tuple[str, ...]
    summary: str | None
    updated: dt.date | None
    identity: Identity
    # Curators only; always None in a public view.
    consent: Consent | None = None
    narrator_detail: Narrator | None = None


def view(t: Testimony | None, audience: Audience, *, today: dt.date, places: Gazetteer,
         mark: Callable[[str], str] | None = None) -> TestimonyView:
    """The testimony as this audience may see it; raises `NotFound` (404) or `Gone` (410)."""
    seen = visibility(t, audience, today)
    if seen is Visibility.GONE:
        raise Gone(f"Testimony '{t.id}' was withdrawn at the narrator's request.")  # type: ignore[union-attr]
    if seen is Visibility.NOT_FOUND or t is None:
        raise NotFound("No testimony has that id.")
    curator = audience is Audience.CURATOR

    def text(value: str) -> str:
        return redact(value, audience, mark)

    return TestimonyView(
        id=t.id, version=t.version, audience=audience, state=state(t, today),
        title=text(t.title), language=t.language,
        narrator=narrator_shown(t, audience),
        narrator_description=text(t.narrator.description) if t.narrator.description else None,
        places=places_shown(t, audience, places), themes=t.themes,
        event_date=t.event_date, recorded=t.recorded, body=text(t.body),
        translation_of=t.translation_of,
        contributors=tuple(Contributor(text(c.name), c.role) for c in t.contributors),
        source=_redacted_source(t.source, text),
        license=t.license, content_warnings=tuple(text(w) for w in t.content_warnings),
        summary=text(t.summary) if t.summary else None, updated=t.updated,
        identity=t.consent.identity,
        consent=t.consent if curator else None,
        narrator_detail=t.narrator if curator else None,
    )
