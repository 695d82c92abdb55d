"""The archive's values: frozen, typed, and free of any I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from .dates import DateRange

__all__ = [
    "Access", "Identity", "PlaceDetail", "Status", "Method",
    "Narrator", "Consent", "Recording", "Contributor", "Source",
    "Testimony", "Place", "Theme", "CollectionInfo",
    "PLACE_TYPES", "CONTRIBUTOR_ROLES",
]


class Access(str, Enum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    WITHDRAWN = "withdrawn"


class Identity(str, Enum):
    NAMED = "named"
    PSEUDONYMOUS = "pseudonymous"
    ANONYMOUS = "anonymous"


class PlaceDetail(str, Enum):
    EXACT = "exact"
    DISTRICT = "district"
    GOVERNORATE = "governorate"
    COUNTRY = "country"


class Status(str, Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Method(str, Enum):
    WRITTEN = "written"
    INTERVIEW = "interview"
    AUDIO = "audio"
    VIDEO = "video"


PLACE_TYPES = (
    "country", "governorate", "district", "subdistrict",
    "city", "town", "village", "camp", "site",
)
CONTRIBUTOR_ROLES = ("interviewer", "translator", "transcriber", "editor")


@dataclass(frozen=True)
class Narrator:
    name: str | None = None
    pseudonym: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Consent:
    access: Access
    identity: Identity
    date: dt.date
    recorded_by: str
    embargo_until: dt.date | None = None
    place_detail: PlaceDetail = PlaceDetail.EXACT
    note: str | None = None


@dataclass(frozen=True)
class Recording:
    date: DateRange
    by: str
    method: Method


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str


@dataclass(frozen=True)
class Source:
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: DateRange | None = None


@dataclass(frozen=True)
class Testimony:
    """One account as the curator wrote it: every field, consent not yet applied.

    Never show this to the public directly; ask `archive.consent` for a view.
    """

    __test__ = False  # not a pytest test class, despite the name

    id: str
    path: Path
    file_hash: str  # of the file's bytes: the curators' edit-conflict token, never public
    title: str
    language: str
    narrator: Narrator
    consent: Consent
    event_date: DateRange
    places: tuple[str, ...]
    themes: tuple[str, ...]
    recorded: Recording
    body: str
    translation_of: str | None = None
    contributors: tuple[Contributor, ...] = ()
    source: Source | None = None
    license: str | None = None
    content_warnings: tuple[str, ...] = ()
    summary: str | None = None
    status: Status = Status.PUBLISHED
    updated: dt.date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    type: str
    names: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    coordinates: tuple[float, float] | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    labels: Mapping[str, str] = field(default_factory=dict)
    broader: str | None = None
    description: str | None = None
    # Other names per language (synonyms a reader may type): {"en": ("refugee camp", ...), "ar": (...)}.
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def all_aliases(self) -> tuple[str, ...]:
        """Every alias, in every language."""
        return tuple(alias for names in self.aliases.values() for alias in names)


@dataclass(frozen=True)
class CollectionInfo:
    title: str
    publisher: str
    base_url: str
    license: str | None = None
    languages: tuple[str, ...] = ("en",)
    description: str | None = None
    # title, description, publisher per language; archive.languages picks one
    titles: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    publishers: Mapping[str, str] = field(default_factory=dict)

    def permalink(self, testimony_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/t/{testimony_id}"
