"""Scaffolding a new testimony file that is valid from the start, and writing it safely."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import files
from ..collection import Collection, display_path, resolve_testimony
from ..errors import ArchiveError, InvalidFile, Problem
from ..loader import parse_testimony

__all__ = ["Draft", "render", "create", "write_new_file"]

PLACEHOLDER_BODY = (
    "Write the account here, in Markdown. Each paragraph is numbered when shown.\n\n"
    "Mark anything the public must not see as [[redact: like this]].\n"
)


@dataclass
class Draft:
    """What a curator tells `archive new`; None means the field is left out."""

    id: str
    title: str
    language: str
    event_date: str
    places: list[str]
    themes: list[str]
    recorded_date: str
    recorded_by: str
    method: str
    consent_access: str = "public"
    consent_identity: str = "anonymous"
    consent_date: str = field(default_factory=lambda: dt.date.today().isoformat())
    consent_recorded_by: str = ""
    embargo_until: str | None = None
    place_detail: str | None = None
    narrator_name: str | None = None
    pseudonym: str | None = None
    narrator_description: str | None = None
    translation_of: str | None = None
    summary: str | None = None
    content_warnings: list[str] = field(default_factory=list)
    license: str | None = None
    status: str = "draft"
    body: str = PLACEHOLDER_BODY

    def front_matter(self) -> dict[str, Any]:
        """The fields in docs/format.md's order, leaving out what was not given."""
        narrator = {k: v for k, v in (("name", self.narrator_name), ("pseudonym", self.pseudonym),
                                      ("description", self.narrator_description)) if v}
        consent = {"access": self.consent_access, "identity": self.consent_identity,
                   "date": self.consent_date, "recorded_by": self.consent_recorded_by}
        if self.embargo_until:
            consent["embargo_until"] = self.embargo_until
        if self.place_detail:
            consent["place_detail"] = self.place_detail
        fields: dict[str, Any] = {"id": self.id, "title": self.title, "language": self.language}
        if self.translation_of:
            fields["translation_of"] = self.translation_of
        fields.update({
            "narrator": narrator, "consent": consent, "event_date": self.event_date,
            "places": list(self.places), "themes": list(self.themes),
            "recorded": {"date": self.recorded_date, "by": self.recorded_by, "method": self.method},
        })
        optional = (("license", self.license), ("content_warnings", list(self.content_warnings)),
                    ("summary", self.summary), ("status", self.status))
        fields.update({k: v for k, v in optional if v})
        return fields


def render(draft: Draft) -> str:
    """The file's text: YAML front matter between '---' lines, then the body (which loads back unchanged)."""
    front = yaml.safe_dump(draft.front_matter(), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{draft.body.strip()}\n"


def create(draft: Draft, collection: Collection, folder: Path) -> Path:
    """Validate the draft as `archive check` would, then write it; raise `InvalidFile` or `ArchiveError`."""
    path = folder / f"{draft.id}.md"
    existing = collection.get(draft.id) is not None or any(collection.root.rglob(f"{draft.id}.md"))
    if existing:
        raise ArchiveError(f"A testimony with the id '{draft.id}' already exists; choose another id.")
    # write the place's id, whichever of its names the curator typed
    places = dict.fromkeys(collection.places.resolve(p) or p for p in draft.places)
    themes = dict.fromkeys(collection.themes.resolve(t) or t for t in draft.themes)
    draft = dataclasses.replace(draft, places=list(places), themes=list(themes))
    text = render(draft)
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / path.name
        trial.write_text(text, encoding="utf-8")
        display = display_path(path)
        testimony, problems, lines = parse_testimony(trial, display)
        if testimony is not None:
            ids = set(collection.testimonies) | {draft.id}
            _, more = resolve_testimony(testimony, collection.places, collection.themes, ids, lines, display)
            problems += more
    errors = [p for p in problems if not p.warning]
    if errors:
        raise InvalidFile(errors)
    write_new_file(path, text)
    return path


def write_new_file(path: Path, text: str) -> None:
    """Write a file atomically, never replacing one that exists (even one created meanwhile)."""
    try:
        files.create(path, text)
    except FileExistsError:
        raise ArchiveError(f"{display_path(path)} already exists; it was not overwritten.") from None


def problems_text(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
