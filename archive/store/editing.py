"""Curator edits checked as `archive check` does: a form's values to a file's text and every problem.

`prepare` turns the form's values (archive.store.form) into the file's text (archive.store.front_matter)
and adds the validation `archive check` runs on the file (loader, then the collection's
cross-references), with each problem mapped to its form field. Saving is `archive.store.saving`;
consent actions are `archive.store.consent_actions`. This module also re-exports the form's names,
so `editing.X` is the one door curators' code goes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..collection import cross_check, testimony_files
from ..errors import Problem, from_message, problem
from ..loader import testimony_from_text
from ..messages import Message
from ..model import Testimony
from ..text import fold
from ..vocabulary import Vocabulary
from .consent_actions import CONSENT_ACTIONS, consent_values
from .form import (DEFAULTS, FIELD, FIELD_NAMES, FIELDS, GENERAL, Field, Values, blank_values, complete, field_of,
                   normalise, script_warning)
from .front_matter import build_text, entries, values_from_text

__all__ = [
    "Field", "FIELDS", "FIELD_NAMES", "DEFAULTS", "Values", "Prepared", "CONSENT_ACTIONS", "GENERAL",
    "values_from_text", "blank_values", "complete", "normalise", "build_text", "prepare", "consent_values",
    "field_of", "new_path", "existing_ids", "validate", "resolve_names",
]


def resolve_names(text: str, vocabulary: Vocabulary[Any], what: str) -> tuple[list[str], list[Message]]:
    """Each line's entry id (a line may also list several, separated by commas); messages for the rest."""
    found: list[str] = []
    messages: list[Message] = []
    clashes = {fold(name): (first, second) for name, first, second in vocabulary.clashes}
    for line in entries("list", text):
        names = [line] if vocabulary.resolve(line) or not re.search(r"[,،]", line) else re.split(r"\s*[,،]\s*", line)
        for name in filter(None, names):
            if fold(name) in clashes:
                first, second = clashes[fold(name)]
                messages.append(Message("vocabulary.ambiguous", {"name": name, "first": first, "second": second}))
                continue
            entry = vocabulary.resolve(name)
            if entry is None:
                hints = [_display_name(vocabulary[c]) for c in vocabulary.candidates(name)]
                if len(hints) == 1:
                    messages.append(Message(f"{what}.unknown-hint", {"name": name, "hint": hints[0]}))
                else:
                    messages.append(Message(f"{what}.unknown-choices", {"name": name, "hints": "; ".join(hints)})
                                    if hints else Message(f"{what}.unknown", {"name": name}))
            elif entry not in found:
                found.append(entry)
    return found, messages


def _display_name(entry: Any) -> str:
    """An entry as curators know it: its name (or label), with its Arabic one — never its id."""
    name = getattr(entry, "name", None) or getattr(entry, "label", "")
    arabic = (getattr(entry, "names", None) or getattr(entry, "labels", None) or {}).get("ar")
    return f"{name} — {arabic}" if arabic and arabic != name else name


# --- validation: the same checks as `archive check` -------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A form's values turned into a file's text, with every problem found, by form field."""

    values: Values
    text: str
    problems: tuple[Problem, ...]
    errors: Mapping[str, list[Message]] = field(default_factory=dict)  # str(message) is the English
    warnings: Mapping[str, list[Message]] = field(default_factory=dict)
    testimony: Testimony | None = None  # as the collection would hold it, when there is no error

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


def _message(problem: Problem) -> Message:
    """The problem as shown next to its field: the field's own name is left out, an entry's index kept."""
    name = field_of(problem.field)
    own = ".".join(FIELD[name].path) if name in FIELD else name
    return problem.text if problem.field == own else Message("field.at", {"field": problem.field,
                                                                         "message": problem.text})


def existing_ids(root: Path) -> dict[str, Path]:
    """Every testimony id in the content directory (valid or not), with its file."""
    found: dict[str, Path] = {}
    for path in testimony_files(root):
        found.setdefault(path.stem, path)
    return found


def validate(text: str, path: Path, display: str, places: Any, themes: Any,
             ids: Iterable[str]) -> tuple[Testimony | None, list[Problem]]:
    """What `archive check` would report for this text at this path (the loader's checks, then the
    references), and the testimony as the collection would hold it when there is no error."""
    testimony, problems, lines, fields = testimony_from_text(text, path, display, places=places)
    flagged = {p.field for p in problems}
    testimony, found = cross_check(testimony, fields, flagged, places, themes, set(ids) | {path.stem}, lines,
                                   display)
    problems += found
    return testimony, problems


def new_path(root: Path, values: Mapping[str, str]) -> Path:
    """Where a new testimony goes: `<language>/<id>.md` in the content directory (as `archive new` does).

    Until the id and language are valid (the validator says so), a harmless stand-in inside the folder.
    """
    values = complete(values)
    language = normalise("language", values.get("language"))
    testimony_id = normalise("id", values.get("id"))
    folder = language if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language) else "und"
    safe = re.fullmatch(r"[^/\\\x00]{1,200}", testimony_id) and not testimony_id.startswith(".")
    name = testimony_id if safe else "new"
    return root / folder / f"{name}.md"


def prepare(values: Mapping[str, str], *, places: Any, themes: Any, ids: Mapping[str, Path], path: Path,
            display: str, original: str | None = None) -> Prepared:
    """The file's text for the form's values and every problem with it, mapped to the form's fields.

    Places and themes may be typed as any id, name, alias or Arabic name: they are written as ids.
    `ids` are the testimony ids that exist (for a new file, its id must not be one of them).
    """
    values = complete(values) if original is None else values
    new = {name: normalise(name, values.get(name)) for name in FIELD_NAMES}
    old = values_from_text(original) if original is not None else {n: "" for n in FIELD_NAMES}
    for name, default in DEFAULTS.items():
        if original is not None and not old[name] and new[name] == default:
            new[name] = ""
    own: list[Problem] = []
    for name, vocabulary, what in (("places", places, "place"), ("themes", themes, "theme")):
        if new[name] == old[name]:
            continue
        resolved, messages = resolve_names(new[name], vocabulary, what)
        own += [from_message(display, None, name, message) for message in messages]
        if not messages:
            new[name] = "\n".join(resolved)
    if original is None and new["id"] in ids:
        own.append(problem(display, None, "id", "id.taken", id=new["id"]))
    text = build_text(new, original)
    own += script_warning(new, display)
    reported = {p.field for p in own if not p.warning}
    testimony, found = validate(text, path, display, places, themes, ids)
    problems = own + [p for p in found if field_of(p.field) not in reported]
    errors: dict[str, list[Message]] = {}
    warnings: dict[str, list[Message]] = {}
    for found_problem in problems:
        target = warnings if found_problem.warning else errors
        target.setdefault(field_of(found_problem.field), []).append(_message(found_problem))
    return Prepared(new, text, tuple(problems), errors, warnings,
                    None if any(not p.warning for p in own) else testimony)
