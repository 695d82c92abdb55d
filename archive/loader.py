"""The one door into the domain: files in, values or problems out.

Every outside error (unreadable file, bad UTF-8, YAML syntax, the wrong shape)
comes back as a `Problem` naming the file, the line and the field. The collection's YAML
files (places, themes, collection.yaml) are read by archive.collection_files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from . import model as m
from .consent import unclosed_redaction
from .exposure import control_characters, exposures
from .vocabulary import Gazetteer
from .dates import DateError, DateRange, parse_date
from .errors import InvalidFile, Problem, from_message, problem
from .schemas import field_name, schema_problems, unknown_field_problems
from .yamlfile import Lines, parse_yaml, read_text

__all__ = [
    "load_testimony", "parse_testimony", "read_testimony", "testimony_from_text", "file_hash",
    "load_places", "load_themes", "load_collection_info",
]

_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
KNOWN_FIELDS = frozenset({
    "id", "title", "language", "translation_of", "narrator", "consent", "event_date",
    "places", "themes", "recorded", "contributors", "source", "license",
    "content_warnings", "summary", "status", "updated",
})


def file_hash(data: bytes) -> str:
    """The first 12 hex digits of the SHA-256 of a file's bytes: the curators' edit-conflict token.

    Never public: the bytes hold what consent hides. The public version is `consent.public_version`.
    """
    return hashlib.sha256(data).hexdigest()[:12]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line the body starts on), or None if there is no front matter."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        return None
    front = text[opening.end():closing.start()]
    rest = text[closing.end():]
    body_line = text[:closing.end()].count("\n") + 2
    if rest.startswith("\r\n"):
        rest = rest[2:]
    elif rest.startswith("\n"):
        rest = rest[1:]
    return front, rest, body_line


def load_testimony(path: Path, display: str | None = None) -> m.Testimony:
    """Read one testimony file; raise `InvalidFile` listing every problem in it."""
    testimony, problems, _ = parse_testimony(path, display)
    errors = [p for p in problems if not p.warning]
    if testimony is None or errors:
        raise InvalidFile(errors)
    return testimony


Parsed = tuple[m.Testimony | None, list[Problem], Lines]


def parse_testimony(path: Path, display: str | None = None) -> Parsed:
    """Read one testimony file: the value if it is valid, every problem found, and its key lines."""
    testimony, problems, lines, _ = read_testimony(path, display)
    return testimony, problems, lines


def read_testimony(path: Path, display: str | None = None, places: Gazetteer | None = None
                   ) -> tuple[m.Testimony | None, list[Problem], Lines, dict[str, Any] | None]:
    """As `parse_testimony`, plus the raw front matter (when it is a mapping) for cross-checks.

    A file with problems is still checked for what consent cannot hide (a neutral stand-in for its
    faulty fields), so one pass finds everything; given the gazetteer, coarsened places too."""
    display = display or str(path)
    text, data, problems = read_text(path, display)
    if text is None:
        return None, problems, Lines({}, 1), None
    return testimony_from_text(text, path, display, data, places)


def testimony_from_text(text: str, path: Path, display: str, data: bytes | None = None,
                        places: Gazetteer | None = None
                        ) -> tuple[m.Testimony | None, list[Problem], Lines, dict[str, Any] | None]:
    """As `read_testimony`, for text that would be the file at `path` (nothing is read or written)."""
    no_lines = Lines({}, 1)
    problems: list[Problem] = []
    if data is None:
        data = text.encode("utf-8")
    text = text.replace("\r\n", "\n")  # a file saved with Windows line endings reads the same
    parts = split_front_matter(text)
    if parts is None and _OPEN.match(text):
        return None, [problem(display, 1, "-", "file.unclosed")], no_lines, None
    if parts is None:
        return None, [problem(display, 1, "-", "file.no-front-matter")], no_lines, None
    front, body, body_line = parts
    fields, lines, problems = parse_yaml(front, display, first_line=2)
    lines.by_path[("body",)] = body_line  # where the account starts, for problems found in it later
    if problems and fields is None:
        return None, problems, lines, None
    if not isinstance(fields, dict):
        found = (problem(display, 2, "-", "file.front-matter-empty") if fields is None
                 else problem(display, 2, "-", "file.front-matter-kind", kind=_kind(fields)))
        return None, [found], lines, None
    schema = schema_problems("testimony", fields, display, lines)
    flagged = {p.field for p in schema}  # a field the schema already faulted is reported once
    problems += schema
    problems += [p for p in _field_problems(fields, path, display, lines) if p.field not in flagged]
    problems += unknown_field_problems(fields, KNOWN_FIELDS, display, lines)
    unclosed = unclosed_redaction(body)
    if unclosed is not None:
        problems.append(problem(display, body_line + body[:unclosed].count("\n"), "body",
                                "body.unclosed-redaction"))
    if any(not p.warning for p in problems):
        stand_in = _stand_in(fields, body, path, {p.field for p in problems if not p.warning})
        return None, problems + (exposure_problems(stand_in, places, lines, display) if stand_in else []), lines, fields
    testimony = _testimony(fields, body, path, file_hash(data))
    for field in control_characters(testimony):
        problems.append(problem(display, lines.of(*field.split(".")), field, "field.control-character"))
    if any(not p.warning for p in problems):
        return None, problems + exposure_problems(testimony, places, lines, display), lines, fields
    return testimony, problems, lines, fields


def exposure_problems(t: m.Testimony, places: Gazetteer | None, lines: Lines, display: str) -> list[Problem]:
    """What consent cannot hide, written in public text or the id (archive.exposure decides), as problems:
    a hidden name reported at the name (the message says where it appears), a place where it is named.
    Without a gazetteer only the names are checked."""
    problems = []
    for found in exposures(t, places if places is not None else Gazetteer([])):
        if found.kind == "name":
            field = "narrator.name" if t.narrator.name else "narrator.pseudonym"
            problems.append(from_message(display, lines.of(*field.split(".")), field, found.reason))
            continue
        line = lines.of(*found.field.split(".")) + (found.line if found.field == "body" else 0)
        problems.append(from_message(display, line, found.field, found.reason))
    return problems


# What a broken field is replaced with in a stand-in: values that hide nothing and reveal nothing.
_STAND_IN: dict[str, Any] = {
    "id": "stand-in", "title": "", "language": "und", "event_date": "2000", "places": [], "themes": [],
    "narrator": {}, "recorded": {"date": "2000", "by": "-", "method": "interview"},
    "consent": {"access": "restricted", "identity": "anonymous", "date": "2000-01-01", "recorded_by": "-"},
}


def _stand_in(fields: dict[str, Any], body: str, path: Path, faulty: set[str]) -> m.Testimony | None:
    """The testimony with each faulty field neutral, so the checks that need a whole testimony (the hidden
    name) run on a file with other problems too: one pass finds all. None if the consent itself is faulty."""
    if any(f in ("consent", "narrator") or f.startswith("consent.identity") for f in faulty):
        return None
    top, merged = {f.split(".")[0].split("[")[0] for f in faulty}, dict(_STAND_IN)
    for key, value in fields.items():
        if key in _STAND_IN and isinstance(_STAND_IN[key], dict) and isinstance(value, dict):
            merged[key] = {**_STAND_IN[key], **{k: v for k, v in value.items() if f"{key}.{k}" not in faulty}}
        elif key not in top and key in KNOWN_FIELDS:
            merged[key] = value
    try:
        return _testimony(merged, body, path, "")
    except Exception:  # a field still unusable: the check waits for the next pass rather than guess
        return None


def _kind(value: Any) -> str:
    return {"list": "list", "str": "single text", "int": "number"}.get(type(value).__name__, type(value).__name__)


def _date(fields: dict[str, Any], *keys: str) -> Any:
    value: Any = fields
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _field_problems(fields: dict[str, Any], path: Path, display: str, lines: Lines) -> list[Problem]:
    """The rules the schema cannot say: real dates, intervals in order, id = file stem."""
    problems = []
    for keys in (("event_date",), ("recorded", "date"), ("source", "date")):
        value = _date(fields, *keys)
        if value is None or isinstance(value, bool):
            continue
        try:
            parse_date(value)
        except DateError as exc:
            problems.append(from_message(display, lines.of(*keys), field_name(keys), exc.reason))
    for keys in (("consent", "date"), ("consent", "embargo_until"), ("updated",)):
        value = _date(fields, *keys)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(problem(display, lines.of(*keys), ".".join(keys), "date.calendar", text=value))
    if isinstance(fields.get("id"), str) and fields["id"] != path.stem:
        problems.append(problem(display, lines.of("id"), "id", "id.stem", id=fields["id"], stem=path.stem))
    return problems


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _opt_date(value: Any) -> DateRange | None:
    return None if value is None else parse_date(value)


def _testimony(f: dict[str, Any], body: str, path: Path, file_hash: str) -> m.Testimony:
    narrator = f.get("narrator") or {}
    consent = f["consent"]
    recorded = f["recorded"]
    source = f.get("source")
    return m.Testimony(
        id=f["id"],
        path=path,
        file_hash=file_hash,
        title=f["title"].strip(),
        language=f["language"],
        translation_of=f.get("translation_of"),
        narrator=m.Narrator(narrator.get("name"), narrator.get("pseudonym"), narrator.get("description")),
        consent=m.Consent(
            access=m.Access(consent["access"]),
            identity=m.Identity(consent["identity"]),
            date=_day(consent["date"]),  # type: ignore[arg-type]
            recorded_by=consent["recorded_by"],
            embargo_until=_day(consent.get("embargo_until")),
            place_detail=m.PlaceDetail(consent.get("place_detail", "exact")),
            note=consent.get("note"),
        ),
        event_date=parse_date(f["event_date"]),
        places=tuple(f["places"]),
        themes=tuple(f["themes"]),
        recorded=m.Recording(parse_date(recorded["date"]), recorded["by"], m.Method(recorded["method"])),
        body=body,
        contributors=tuple(m.Contributor(c["name"], c["role"]) for c in f.get("contributors") or ()),
        source=m.Source(source.get("title"), source.get("publisher"), source.get("url"),
                        _opt_date(source.get("date"))) if source else None,
        license=f.get("license"),
        content_warnings=tuple(f.get("content_warnings") or ()),
        summary=(f.get("summary") or "").strip() or None,
        status=m.Status(f.get("status", "published")),
        updated=_day(f.get("updated")),
        extra={k: v for k, v in f.items() if k not in KNOWN_FIELDS},
    )
