"""Curator edits as data: form values to a testimony file's text and back, checked as `archive check` does.

A form's values are plain text by field name (`FIELDS`). `build_text` writes them over a
file's existing text with ruamel.yaml's round trip, touching only the fields whose values
changed, so keys, comments and quoting the form does not manage stay as they were.
`prepare` adds the validation `archive check` runs on the file (loader, then the
collection's cross-references), with each problem mapped to its form field. `save` writes
atomically, under a lock, and refuses when the file changed since the form was opened.
Consent actions (`consent_values`) are changes to the same values; what consent *means*
stays in `archive.consent`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..collection import cross_check, testimony_files
from ..dates import DateError, as_text
from ..datewords import typed_date
from ..errors import ArchiveError, Problem, from_message, problem
from ..messages import Message
from ..loader import split_front_matter, testimony_from_text
from ..model import Testimony
from ..text import fold, id_from_title, script_language
from ..vocabulary import Vocabulary
from ..yamlfile import parse_yaml

__all__ = [
    "Field", "FIELDS", "FIELD_NAMES", "DEFAULTS", "Values", "Prepared", "CONSENT_ACTIONS", "GENERAL",
    "values_from_text", "blank_values", "complete", "normalise", "build_text", "prepare", "consent_values",
    "field_of", "new_path", "existing_ids", "validate", "resolve_names",
]

Values = dict[str, str]
# FORMAT.md's defaults for fields a file may leave out: choosing the default keeps the field left out.
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
_BY_PATH = {".".join(f.path): f.name for f in FIELDS}
_FIELD = {f.name: f for f in FIELDS}
_REQUIRED_MAPS = ("narrator", "consent", "recorded")  # kept even when emptied; the schema names what is missing
_INDENTS = tuple((mapping, offset + 2, offset) for mapping in (2, 4) for offset in (0, 2, 4))
_ORDER = {key: i for i, key in enumerate(dict.fromkeys(
    ["id", "title", "language", "translation_of", "narrator", "consent", "event_date", "places", "themes",
     "recorded", "contributors", "source", "license", "content_warnings", "summary", "status", "updated",
     *(".".join(f.path) for f in FIELDS)]))}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long title or summary onto several lines
    return yaml


def _split(text: str) -> tuple[str, str]:
    text = text.replace("\r\n", "\n")
    parts = split_front_matter(text)
    if parts is None:
        raise ArchiveError("The file has no front matter the form can edit; fix it in a text editor.")
    return parts[0], parts[1]


# --- values: what the form shows ------------------------------------------------------------


def _text_of(kind: str, raw: Any) -> str:
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


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def values_from_text(text: str) -> Values:
    """The form's values for a testimony file: every managed field as text, and the body."""
    front, body = _split(text)
    fields, _, problems = parse_yaml(front, "-")  # dates read as written, as the loader reads them
    if fields is None and problems:
        raise ArchiveError(f"The front matter cannot be read ({problems[0].message}); fix it in a text editor.")
    try:
        _yaml().load(front)  # what the edit will write through must read it too (ruamel refuses duplicate keys)
    except Exception as error:  # noqa: BLE001 - ruamel raises many kinds; each means "not editable here"
        reason = str(getattr(error, "problem", None) or "invalid YAML").strip()
        raise ArchiveError(f"The front matter cannot be edited in the form ({reason}); "
                           "fix it in a text editor.") from None
    fields = fields if isinstance(fields, dict) else {}
    values = {f.name: normalise(f.name, _text_of(f.kind, _get(fields, f.path))) for f in FIELDS}
    values["body"] = body
    return values


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


def _script_warning(values: Mapping[str, str], display: str) -> list[Problem]:
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
    kind = _FIELD[name].kind
    if kind in ("list", "lines", "contributors"):
        return "\n".join(line.strip() for line in text.split("\n") if line.strip())
    if kind in ("date", "day"):
        return typed_date(text)  # "آذار ٢٠١٩" is written 2019-03
    return text.strip()


# --- text: what the file holds --------------------------------------------------------------


def _items(kind: str, text: str) -> list[Any]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if kind != "contributors":
        return lines
    people = []
    for line in lines:
        name, _, role = line.rpartition("|") if "|" in line else (line, "", "")
        people.append({"name": name.strip(), "role": role.strip()})
    return people


def _node(f: Field, text: str, old: Any) -> Any:
    """The YAML value to write for a field's new text."""
    if f.kind in ("date", "day"):
        return DoubleQuotedScalarString(text)  # the text the curator typed, never a YAML date
    if f.kind in ("list", "lines", "contributors"):
        items = _items(f.kind, text)
        if f.kind == "contributors":
            seq = CommentedSeq()
            for person in items:
                entry = CommentedMap(person)
                entry.fa.set_flow_style()
                seq.append(entry)
            return seq
        if isinstance(old, CommentedSeq):
            del old[:]
            old.extend(items)
            return old
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq
    if "\n" in text:
        return LiteralScalarString(text)
    return text


def _insert(mapping: CommentedMap, key: str, value: Any, dotted: str) -> None:
    """Put a new key after the last key that comes before it in docs/format.md's order."""
    rank = _ORDER.get(dotted, len(_ORDER))
    prefix = dotted.rpartition(".")[0]
    position = 0
    for index, existing in enumerate(mapping):
        if _ORDER.get(f"{prefix}.{existing}" if prefix else str(existing), len(_ORDER) + 1) < rank:
            position = index + 1
    mapping.insert(position, key, value)


def _set(doc: CommentedMap, f: Field, text: str) -> None:
    parent = doc
    for depth, key in enumerate(f.path[:-1]):
        child = parent.get(key)
        if not isinstance(child, CommentedMap):
            if not text:
                return
            child = CommentedMap()
            if key in parent:
                parent[key] = child
            else:
                _insert(parent, key, child, ".".join(f.path[:depth + 1]))
        parent = child
    key = f.path[-1]
    if not text:
        parent.pop(key, None)
        if len(f.path) > 1 and not parent and f.path[0] not in _REQUIRED_MAPS:
            doc.pop(f.path[0], None)
        return
    value = _node(f, text, parent.get(key))
    if key in parent:
        parent[key] = value
    else:
        _insert(parent, key, value, ".".join(f.path))


def _dump(yaml: YAML, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _indent_for(front: str) -> tuple[int, int, int]:
    """The indentation that writes this front matter back exactly as it is, if there is one."""
    for indent in _INDENTS:
        yaml = _yaml()
        yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
        try:
            if _dump(yaml, yaml.load(front)) == front:
                return indent
        except Exception:  # noqa: BLE001 - ruamel raises many kinds; any failure means "not this one"
            continue
    return _INDENTS[0]


def build_text(values: Mapping[str, str], original: str | None = None) -> str:
    """The file's text for these values; over `original`, only the fields whose values changed are written."""
    new = {name: normalise(name, values.get(name)) for name in FIELD_NAMES}
    if original is None:
        old = {name: "" for name in FIELD_NAMES}
        front, indent = "", _INDENTS[0]
    else:
        old = values_from_text(original)
        front, _ = _split(original)
        indent = _indent_for(front)
    yaml = _yaml()
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    doc = yaml.load(front) if front.strip() else None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    changed = [f for f in FIELDS if new[f.name] != old[f.name]]
    for f in changed:
        _set(doc, f, new[f.name])
    for key in _REQUIRED_MAPS:  # `narrator: {}` is how an anonymous narrator with no description is written
        if key not in doc:
            _insert(doc, key, CommentedMap(), key)
    if original is not None and not changed:
        dumped = front
    else:
        dumped = _dump(yaml, doc) if doc else ""
    return f"---\n{dumped}---\n{new['body']}"


def resolve_names(text: str, vocabulary: Vocabulary[Any], what: str) -> tuple[list[str], list[Message]]:
    """Each line's entry id (a line may also list several, separated by commas); messages for the rest."""
    found: list[str] = []
    messages: list[Message] = []
    clashes = {fold(name): (first, second) for name, first, second in vocabulary.clashes}
    for line in _items("list", text):
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


def field_of(problem_field: str) -> str:
    """The form field a problem's field (`consent.date`, `places[2]`, `contributors[0].role`) belongs to."""
    dotted = re.sub(r"\[\d+\]", "", problem_field).strip(".")
    while dotted:
        if dotted in _BY_PATH:
            return _BY_PATH[dotted]
        if dotted == "body":
            return "body"
        dotted = dotted.rpartition(".")[0]
    return GENERAL


def _message(problem: Problem) -> Message:
    """The problem as shown next to its field: the field's own name is left out, an entry's index kept."""
    name = field_of(problem.field)
    own = ".".join(_FIELD[name].path) if name in _FIELD else name
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
    own += _script_warning(new, display)
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


# --- consent actions: changes to the same values -------------------------------------------


CONSENT_ACTIONS = ("withdraw", "restrict", "embargo", "publish", "identity", "place-detail")


def consent_values(values: Mapping[str, str], action: str, *, today: dt.date, curator: str,
                   embargo_until: str = "", identity: str = "", name: str | None = None,
                   pseudonym: str | None = None, place_detail: str = "") -> tuple[Values, dict[str, Message]]:
    """The values after a consent action, and problems by field (the action's own inputs).

    Every action records itself in the file as docs/format.md asks: `consent.date` becomes today and
    `consent.recorded_by` the curator who recorded the change.
    """
    new = dict(values)
    problems: dict[str, Message] = {}
    if action == "withdraw":
        new["consent_access"] = "withdrawn"
    elif action == "restrict":
        new["consent_access"] = "restricted"
    elif action == "embargo":
        day = embargo_until.strip()
        try:
            if dt.date.fromisoformat(day) <= today or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                problems["embargo_until"] = Message("consent.embargo-future")
        except ValueError:
            problems["embargo_until"] = Message("consent.embargo-form", {"value": day})
        new["consent_embargo_until"] = day
    elif action == "publish":
        new.update(consent_access="public", consent_embargo_until="")
        if normalise("status", values.get("status")) == "draft":
            new["status"] = "published"
    elif action == "identity":
        new["consent_identity"] = identity.strip()
        if name is not None:
            new["narrator_name"] = name
        if pseudonym is not None:
            new["narrator_pseudonym"] = pseudonym
    elif action == "place-detail":
        detail = place_detail.strip()
        new["consent_place_detail"] = "" if detail == "exact" and not values.get("consent_place_detail") else detail
    else:
        problems["action"] = Message("consent.action", {"action": action, "actions": ", ".join(CONSENT_ACTIONS)})
    unchanged = all(normalise(k, new.get(k)) == normalise(k, values.get(k)) for k in FIELD_NAMES)
    if unchanged and not problems:
        problems["action"] = Message("consent.unchanged")
    new.update(consent_date=today.isoformat(), consent_recorded_by=curator)
    return new, problems
