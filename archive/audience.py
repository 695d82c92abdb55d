"""Who looks, and the forms of consent's answers: the audiences, a testimony's consent state, whether it
may be seen, and `TestimonyView`, the testimony as one audience may see it.

`archive.consent` decides every answer and names all of these too; import them from there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .dates import DateRange
from .model import Consent, Contributor, Identity, Narrator, Recording, Source

__all__ = ["Audience", "State", "Visibility", "TestimonyView"]


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


@dataclass(frozen=True)
class TestimonyView:
    """A testimony in the form one audience may see: nothing in it needs checking again."""

    __test__ = False  # not a pytest test class, despite the name

    id: str
    version: str  # `public_version`: the same for every audience, never a hash of the file
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
