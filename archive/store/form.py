"""The curator's testimony form: its fields, the front-matter keys each edits, and their text.

A form's values are plain text by field name (`FIELDS`, and `body`). `normalise` is how a field's
text is compared and written; `field_of` says which field a problem of `archive check` belongs to.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..dates import DateError, as_text
from ..datewords import typed_date
from ..errors import Problem, problem
from ..text import id_from_title, script_language

__all__ = [
    "Field", "FIELDS", "FIELD_NAMES", "FIELD", "DEFAULTS", "Values", "GENERAL",
    "text_of", "value_at", "blank_values", "complete", "script_warning", "normalise", "field_of",
]

Values = dict[str, str]
# docs/format.md's defaults for fields a file may leave out: choosing the default keeps the field left out.
DEFAULTS = {"status": "published", "consent_place_detail": "exact"}
GENERAL = "_form"  # problems that belong to no one field are shown at the top of the form


@dataclass(frozen=True)
class Field:
    """One form field: its name, the front-matter keys it edits, and how its text is written."""

    name: str
    path: tuple[str, ...]
    kind: str = "text"  # text | block | date | day | list | lines | contributors
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("id", ("id",), required=True),
    Field("title", ("title",), required=True),
    Field("language", ("language",), required=True),
    Field("translation_of", ("translation_of",)),
    Field("narrator_name", ("narrator", "name")),
    Field("narrator_pseudonym", ("narrator", "pseudonym")),
    Field("narrator_description", ("narrator", "description"), "block"),
    Field("consent_access", ("consent", "access"), required=True),
    Field("consent_identity", ("consent", "identity"), required=True),
    Field("consent_date", ("consent", "date"), "day", required=True),
    Field("consent_recorded_by", ("consent", "recorded_by"), required=True),
    Field("consent_embargo_until", ("consent", "embargo_until"), "day"),
    Field("consent_place_detail", ("consent", "place_detail")),
    Field("consent_note", ("consent", "note"), "block"),
    Field("event_date", ("event_date",), "date", required=True),
    Field("places", ("places",), "list", required=True),
    Field("themes", ("themes",), "list", required=True),
    Field("recorded_date", ("recorded", "date"), "date", required=True),
    Field("recorded_by", ("recorded", "by"), required=True),
    Field("recorded_method", ("recorded", "method"), required=True),
    Field("contributors", ("contributors",), "contributors"),
    Field("source_title", ("source", "title")),
    Field("source_publisher", ("source", "publisher")),
    Field("source_url", ("source", "url")),
    Field("source_date", ("source", "date"), "date"),
    Field("license", ("license",)),
    Field("content_warnings", ("content_warnings",), "lines"),
    Field("summary", ("summary",), "block"),
    Field("status", ("status",)),
    Field("updated", ("updated",), "day"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS) + ("body",)
BY_PATH = {".".join(f.path): f.name for f in FIELDS}
FIELD = {f.name: f for f in FIELDS}

def text_of(kind: str, raw: Any) -> str:
    if raw is None:
        return ""
    if kind in ("date", "day"):
        try:
            return as_text(raw)
        except DateError:
            return str(raw)
    if kind in ("list", "lines"):
        return "\n".join(str(v) for v in raw) if isinstance(raw, list) else str(raw)
    if kind == "contributors":
        if not isinstance(raw, list):
            return str(raw)
        return "\n".join(f"{c.get('name', '')} | {c.get('role', '')}" if isinstance(c, dict) else str(c)
                         for c in raw)
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def value_at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def blank_values(today: dt.date, curator: str) -> Values:
    """A new testimony's starting values: a draft, anonymous, consent recorded today by this curator."""
    values = {name: "" for name in FIELD_NAMES}
    values.update(consent_access="public", consent_identity="anonymous",
                  consent_date=today.isoformat(), consent_recorded_by=curator, recorded_method="interview",
                  status="draft")
    return values


def complete(values: Mapping[str, str]) -> Values:
    """A new testimony's values with what the curator left empty filled in: the id from the title (as
    `archive new` makes it), the language from the script of the account."""
    done = dict(values)
    if not normalise("id", done.get("id")) and normalise("title", done.get("title")):
        done["id"] = id_from_title(normalise("title", done.get("title")))
    if not normalise("language", done.get("language")):
        done["language"] = script_language(done.get("body") or "") or script_language(done.get("title") or "") or ""
    return done


def script_warning(values: Mapping[str, str], display: str) -> list[Problem]:
    """A warning when the account's script and its language disagree (an Arabic account marked en)."""
    written, language = script_language(values.get("body", "")), values.get("language", "")
    if not written or not language or (language.split("-")[0].lower() == "ar") == (written == "ar"):
        return []
    code = "language.arabic-script" if written == "ar" else "language.latin-script"
    return [problem(display, None, "language", code, warning=True, language=language)]


def normalise(name: str, text: str | None) -> str:
    """A field's text as it is compared and written: Unix line ends, no stray outer whitespace."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if name == "body":
        return text if not text or text.endswith("\n") else text + "\n"
    kind = FIELD[name].kind
    if kind in ("list", "lines", "contributors"):
        return "\n".join(line.strip() for line in text.split("\n") if line.strip())
    if kind in ("date", "day"):
        return typed_date(text)  # "آذار ٢٠١٩" is written 2019-03
    return text.strip()


def field_of(problem_field: str) -> str:
    """The form field a problem's field (`consent.date`, `places[2]`, `contributors[0].role`) belongs to."""
    dotted = re.sub(r"\[\d+\]", "", problem_field).strip(".")
    while dotted:
        if dotted in BY_PATH:
            return BY_PATH[dotted]
        if dotted == "body":
            return "body"
        dotted = dotted.rpartition(".")[0]
    return GENERAL
