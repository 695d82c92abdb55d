"""A testimony file's front matter from the form's values, and the form's values from a file.

`build_text` writes the values over a file's existing text with ruamel.yaml's round trip
(archive.store.roundtrip), touching only the fields whose values changed, so keys, comments and
quoting the form does not manage stay as they were. `values_from_text` reads them back.
"""

from __future__ import annotations

from typing import Any, Mapping

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..errors import ArchiveError
from ..loader import split_front_matter
from ..yamlfile import parse_yaml, reads_as_text
from .form import FIELD_NAMES, FIELDS, Field, Values, normalise, text_of, value_at
from .roundtrip import DEFAULT_INDENT, dump, indent_of, round_trip

__all__ = ["values_from_text", "build_text", "entries"]

_REQUIRED_MAPS = ("narrator", "consent", "recorded")  # kept even when emptied; the schema names what is missing
_ORDER = {key: i for i, key in enumerate(dict.fromkeys(
    ["id", "title", "language", "translation_of", "narrator", "consent", "event_date", "places", "themes",
     "recorded", "contributors", "source", "license", "content_warnings", "summary", "status", "updated",
     *(".".join(f.path) for f in FIELDS)]))}


def _split(text: str) -> tuple[str, str]:
    text = text.replace("\r\n", "\n")
    parts = split_front_matter(text)
    if parts is None:
        raise ArchiveError("The file has no front matter the form can edit; fix it in a text editor.")
    return parts[0], parts[1]


def values_from_text(text: str) -> Values:
    """The form's values for a testimony file: every managed field as text, and the body."""
    front, body = _split(text)
    fields, _, problems = parse_yaml(front, "-")  # dates read as written, as the loader reads them
    if fields is None and problems:
        raise ArchiveError(f"The front matter cannot be read ({problems[0].message}); fix it in a text editor.")
    try:
        round_trip().load(front)  # what the edit will write through must read it too (ruamel refuses duplicate keys)
    except Exception as error:  # noqa: BLE001 - ruamel raises many kinds; each means "not editable here"
        reason = str(getattr(error, "problem", None) or "invalid YAML").strip()
        raise ArchiveError(f"The front matter cannot be edited in the form ({reason}); "
                           "fix it in a text editor.") from None
    fields = fields if isinstance(fields, dict) else {}
    values = {f.name: normalise(f.name, text_of(f.kind, value_at(fields, f.path))) for f in FIELDS}
    values["body"] = body
    return values


def entries(kind: str, text: str) -> list[Any]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if kind != "contributors":
        return lines
    people = []
    for line in lines:
        name, _, role = line.rpartition("|") if "|" in line else (line, "", "")
        people.append({"name": name.strip(), "role": role.strip()})
    return people


def _text(text: str) -> Any:
    """A string to write, quoted when it would not be read back as that string (`no`, `on`, `null`, `1.5`)."""
    return text if reads_as_text(text) else DoubleQuotedScalarString(text)


def _node(f: Field, text: str, old: Any) -> Any:
    """The YAML value to write for a field's new text."""
    if f.kind in ("date", "day"):
        return DoubleQuotedScalarString(text)  # the text the curator typed, never a YAML date
    if f.kind in ("list", "lines", "contributors"):
        items = entries(f.kind, text)
        if f.kind == "contributors":
            seq = CommentedSeq()
            for person in items:
                entry = CommentedMap({key: _text(value) for key, value in person.items()})
                entry.fa.set_flow_style()
                seq.append(entry)
            return seq
        items = [_text(item) for item in items]
        if isinstance(old, CommentedSeq):
            del old[:]
            old.extend(items)
            return old
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq
    if "\n" in text:
        return LiteralScalarString(text)
    return _text(text)


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


def build_text(values: Mapping[str, str], original: str | None = None) -> str:
    """The file's text for these values; over `original`, only the fields whose values changed are written."""
    new = {name: normalise(name, values.get(name)) for name in FIELD_NAMES}
    if original is None:
        old = {name: "" for name in FIELD_NAMES}
        front, indent = "", DEFAULT_INDENT
    else:
        old = values_from_text(original)
        front, _ = _split(original)
        indent = indent_of(front)
    yaml = round_trip(indent)
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
        dumped = dump(doc, yaml=yaml) if doc else ""
    return f"---\n{dumped}---\n{new['body']}"
