"""Consent: the one place that decides what each audience may see.

Indexing, pages, the API, citations, exports, feeds, the preview and the check all ask
this module, and nothing else decides. Its answers, for an audience and a day:

- `PUBLIC_FORM`: every field of a testimony and what the public sees of it.
- `visibility`: may this testimony be seen at all (visible, 404, 410)?
- `narrator_shown`, `places_shown`, `redact`: the narrator, places and texts as shown.
- `view`: the whole testimony in the form that audience may see.
- `public_version`: the hash of the public form, the only hash of a testimony the public sees.
- `embargoed`, `next_change`: the embargo clock (archive.embargo).

The `[[redact: ...]]` syntax is archive.redaction, walking records by field path archive.records,
and whether a consent change hides more archive.narrowing; their answers are named here too.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Iterable

from .audience import Audience, State, TestimonyView, Visibility
from .embargo import embargoed, next_change
from .errors import Gone, NotFound
from .model import Access, Identity, PlaceDetail, Status, Testimony
from .narrowing import narrows
from .records import plain, replace_at, value_at
from .redaction import REDACTED, hidden, marked, redacted_passages, redacted_spans, unclosed_redaction
from .vocabulary import Gazetteer

__all__ = [
    "Audience", "State", "Visibility", "Shown", "Field", "PUBLIC_FORM", "TestimonyView", "REDACTED", "ANONYMOUS",
    "state", "visibility", "narrator_shown", "places_shown", "redact", "view", "map_texts", "public_texts",
    "public_form", "public_version", "narrows", "embargoed", "next_change", "duplicate_answer", "unclosed_redaction",
    "hidden_name_leaks", "forget_versions",
    "redacted_spans", "redacted_passages",
]

ANONYMOUS = "Anonymous"


class Shown(str, Enum):
    """What the public sees of one field."""

    AS_WRITTEN = "as written"
    REDACTED = "as written, each [[redact: ...]] passage replaced by [redacted]"
    COARSENED = "coarsened to consent.place_detail"
    NARRATOR = "only as consent.identity allows: the name if named, the pseudonym if pseudonymous, else Anonymous"
    LINK = "a link, only while the linked testimony is public; outside the version, which hashes this file alone"
    HIDDEN = "never"


@dataclass(frozen=True)
class Field:
    """One field of docs/format.md (dotted names are attribute paths of `Testimony`) and what the public sees."""

    name: str
    shown: Shown
    line: bool = False  # a single line of text: a control character in it is a problem


# The one declaration of the public form: every consumer (the view, the version, the check, the
# index, the preview) works from this table, so a field cannot be shown without being redacted.
PUBLIC_FORM: tuple[Field, ...] = (
    Field("id", Shown.AS_WRITTEN, line=True),
    Field("title", Shown.REDACTED, line=True),
    Field("language", Shown.AS_WRITTEN, line=True),
    Field("translation_of", Shown.LINK, line=True),
    Field("narrator.name", Shown.NARRATOR, line=True),
    Field("narrator.pseudonym", Shown.NARRATOR, line=True),
    Field("narrator.description", Shown.REDACTED),
    Field("consent.access", Shown.HIDDEN),  # decides visibility
    Field("consent.identity", Shown.AS_WRITTEN),  # decides how the narrator is named
    Field("consent.date", Shown.HIDDEN),
    Field("consent.recorded_by", Shown.HIDDEN, line=True),
    Field("consent.embargo_until", Shown.HIDDEN),  # decides visibility
    Field("consent.place_detail", Shown.HIDDEN),  # decides coarsening
    Field("consent.note", Shown.HIDDEN),
    Field("event_date", Shown.AS_WRITTEN),
    Field("places", Shown.COARSENED),
    Field("themes", Shown.AS_WRITTEN),
    Field("recorded.date", Shown.AS_WRITTEN),
    Field("recorded.by", Shown.REDACTED, line=True),
    Field("recorded.method", Shown.AS_WRITTEN),
    Field("contributors.name", Shown.REDACTED, line=True),
    Field("contributors.role", Shown.AS_WRITTEN, line=True),
    Field("source.title", Shown.REDACTED, line=True),
    Field("source.publisher", Shown.REDACTED, line=True),
    Field("source.url", Shown.REDACTED, line=True),
    Field("source.date", Shown.AS_WRITTEN),
    Field("license", Shown.AS_WRITTEN, line=True),
    Field("content_warnings", Shown.REDACTED, line=True),
    Field("summary", Shown.REDACTED),
    Field("status", Shown.HIDDEN),  # decides visibility
    Field("updated", Shown.AS_WRITTEN),
    Field("body", Shown.REDACTED),
)
REDACTED_FIELDS = tuple(f.name for f in PUBLIC_FORM if f.shown is Shown.REDACTED)
_PATHS = {f.name: f.name.split(".") for f in PUBLIC_FORM}  # attribute paths of `Testimony`


def state(t: Testimony, today: dt.date) -> State:
    """The most restrictive state that applies; withdrawal overrides everything."""
    if t.consent.access is Access.WITHDRAWN:
        return State.WITHDRAWN
    if t.consent.access is Access.RESTRICTED:
        return State.RESTRICTED
    if t.status is Status.DRAFT:
        return State.DRAFT
    if embargoed(t.consent.embargo_until, today):
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


def duplicate_answer(testimony_id: str, accesses: Iterable[str | None]) -> Exception:
    """What an id that several files share answers: neither copy is shown, 410 if any copy is withdrawn, else 404."""
    if Access.WITHDRAWN.value in set(accesses):
        return Gone(f"Testimony '{testimony_id}' was withdrawn at the narrator's request.")
    return NotFound("No testimony has that id.")


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
        return hidden(text)
    return text if mark is None else marked(text, mark)


# --- the table applied ---------------------------------------------------------------------------

def map_texts(t: Testimony, change: Callable[[str, str], str], fields: Iterable[str] = REDACTED_FIELDS) -> Testimony:
    """The testimony with every text of `fields` (by default every redacted one) passed through change(field, text)."""
    for name in fields:
        path = _PATHS.get(name) or name.split(".")
        t = replace_at(t, path, lambda text, name=name: change(name, text))  # type: ignore[misc]
    return t


def public_texts(t: Testimony) -> dict[str, str]:
    """Every text the public is shown, after redaction, by field in table order.

    The items of a list (contributors, content warnings) are joined by " | ", which no name
    folds across, so two neighbouring items never read as one name.
    """
    found: dict[str, list[str]] = {}

    def collect(name: str, text: str) -> str:
        found.setdefault(name, []).append(redact(text, Audience.PUBLIC))
        return text

    map_texts(t, collect)
    return {name: " | ".join(texts) for name, texts in found.items()}


def hidden_name_leaks(t: Testimony) -> list[str]:
    """Public fields in which a narrator name the public may not see still appears (the check's rule)."""
    from .exposure import hidden_names, mentions  # the check's matching rules

    hidden = hidden_names(t)
    if not hidden:
        return []
    return [name for name, text in public_texts(t).items() if mentions(text, hidden)]


def public_form(t: Testimony, places: Gazetteer) -> dict[str, Any]:
    """What the public is shown of this testimony (were it public), field by field as `PUBLIC_FORM` says."""
    return _form(t, places_shown(t, Audience.PUBLIC, places))


def _form(t: Testimony, shown_places: tuple[str, ...]) -> dict[str, Any]:
    shown = map_texts(t, lambda _, text: redact(text, Audience.PUBLIC))
    form: dict[str, Any] = {}
    for item in PUBLIC_FORM:
        if item.shown in (Shown.AS_WRITTEN, Shown.REDACTED):
            form[item.name] = plain(value_at(shown, _PATHS[item.name]))
        elif item.shown is Shown.COARSENED:
            form[item.name] = list(shown_places)
        elif item.shown is Shown.NARRATOR:
            form["narrator"] = narrator_shown(t, Audience.PUBLIC)
    return form


def public_version(t: Testimony, places: Gazetteer) -> str:
    """The version (docs/format.md): the first 12 hex digits of the SHA-256 of the canonical public form."""
    return _version(t, places_shown(t, Audience.PUBLIC, places))


# A reload rebuilds every testimony as an equal value, so each worker hashes a public form once, not per reload.
@functools.lru_cache(maxsize=32768)
def _version(t: Testimony, shown_places: tuple[str, ...]) -> str:
    canonical = json.dumps(_form(t, shown_places), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def forget_versions() -> None:
    """Drop the remembered versions, each of which keeps its whole testimony: a full build's worker, which sees
    each testimony once, calls it after every chunk (they held about 500 MB of a worker at 100,000)."""
    _version.cache_clear()


def view(t: Testimony | None, audience: Audience, *, today: dt.date, places: Gazetteer,
         mark: Callable[[str], str] | None = None) -> TestimonyView:
    """The testimony as this audience may see it; raises `NotFound` (404) or `Gone` (410)."""
    seen = visibility(t, audience, today)
    if seen is Visibility.GONE:
        raise Gone(f"Testimony '{t.id}' was withdrawn at the narrator's request.")  # type: ignore[union-attr]
    if seen is Visibility.NOT_FOUND or t is None:
        raise NotFound("No testimony has that id.")
    curator = audience is Audience.CURATOR
    shown = map_texts(t, lambda _, text: redact(text, audience, mark))
    return TestimonyView(
        id=t.id, version=public_version(t, places), audience=audience, state=state(t, today),
        title=shown.title, language=t.language,
        narrator=narrator_shown(t, audience),
        narrator_description=shown.narrator.description,
        places=places_shown(t, audience, places), themes=t.themes,
        event_date=t.event_date, recorded=shown.recorded, body=shown.body,
        translation_of=t.translation_of, contributors=shown.contributors, source=shown.source,
        license=t.license, content_warnings=shown.content_warnings,
        summary=shown.summary, updated=t.updated, identity=t.consent.identity,
        consent=t.consent if curator else None,
        narrator_detail=t.narrator if curator else None,
    )
