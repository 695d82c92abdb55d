"""What changed between two versions of a testimony file, field by field and line by line.

For curators, who may see everything: each changed field and body line says whether the public
is kept from it, and why — the consent block (never public), a narrator's name or pseudonym that
`consent.identity` hides, exact places when `consent.place_detail` coarsens them, a passage
marked `[[redact: ...]]`. Which of these apply is read from the versions themselves (either one's
consent), so a value hidden in either version is marked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .consent import redacted_spans
from .loader import split_front_matter
from .yamlfile import parse_yaml

__all__ = ["FieldChange", "BodyLine", "Diff", "diff_texts", "front_fields", "HIDDEN_REASONS"]

# Why a value is kept from the public (the web page words each one).
HIDDEN_REASONS = ("consent", "name", "pseudonym", "places", "redacted")
CONTEXT = 2  # unchanged lines shown around a change in the body


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None
    after: str | None
    hidden: str | None  # one of HIDDEN_REASONS, or None when the public may see it


@dataclass(frozen=True)
class BodyLine:
    kind: str  # " " unchanged, "-" removed, "+" added, "…" lines left out
    text: str
    hidden: bool  # inside a redacted passage


@dataclass(frozen=True)
class Diff:
    fields: list[FieldChange]
    body: list[BodyLine]

    @property
    def empty(self) -> bool:
        return not self.fields and not any(line.kind in "+-" for line in self.body)


def _parts(text: str) -> tuple[dict[str, Any], str]:
    parts = split_front_matter(text.replace("\r\n", "\n"))
    if parts is None:
        return {}, text
    fields, _, _ = parse_yaml(parts[0], "-")
    return (fields if isinstance(fields, dict) else {}), parts[1]


def _flat(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        if not value and prefix:
            return
        for key, item in value.items():
            _flat(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        out[prefix] = "; ".join(
            " | ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item) for item in value)
    elif value is not None:
        out[prefix] = str(value)


def front_fields(text: str) -> dict[str, str]:
    """The front matter flattened to dotted field names and text values (lists joined with '; ')."""
    fields, _ = _parts(text)
    out: dict[str, str] = {}
    _flat(fields, "", out)
    return out


def _hidden(field: str, before: dict[str, str], after: dict[str, str], values: tuple[str | None, ...]) -> str | None:
    identities = {v.get("consent.identity", "") for v in (before, after)}
    details = {v.get("consent.place_detail", "exact") for v in (before, after)}
    if field.startswith("consent."):
        return "consent"
    if field == "narrator.name" and identities - {"named"}:
        return "name"
    if field == "narrator.pseudonym" and "anonymous" in identities:
        return "pseudonym"
    if field == "places" and details - {"exact"}:
        return "places"
    if any(v and redacted_spans(v) for v in values):
        return "redacted"
    return None


def _redacted_lines(body: str) -> set[int]:
    """The numbers of the lines that hold part of a redacted passage."""
    lines: set[int] = set()
    for start, end in redacted_spans(body):
        first = body.count("\n", 0, start)
        last = body.count("\n", 0, max(start, end - 1))
        lines.update(range(first, last + 1))
    return lines


def _body_diff(old: str, new: str) -> list[BodyLine]:
    a, b = old.splitlines(), new.splitlines()
    hidden_a, hidden_b = _redacted_lines(old), _redacted_lines(new)
    out: list[BodyLine] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(CONTEXT):
        if out:
            out.append(BodyLine("…", "", False))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [BodyLine(" ", b[j], j in hidden_b) for j in range(j1, j2)]
                continue
            out += [BodyLine("-", a[i], i in hidden_a) for i in range(i1, i2)]
            out += [BodyLine("+", b[j], j in hidden_b) for j in range(j1, j2)]
    return out


def diff_texts(old: str | None, new: str) -> Diff:
    """The changes from `old` (None: the file was new) to `new`."""
    before, after = (front_fields(old) if old is not None else {}), front_fields(new)
    changes = []
    for name in dict.fromkeys([*before, *after]):
        if before.get(name) != after.get(name):
            values = (before.get(name), after.get(name))
            changes.append(FieldChange(name, *values, _hidden(name, before, after, values)))
    old_body = _parts(old)[1] if old is not None else ""
    return Diff(changes, _body_diff(old_body, _parts(new)[1]))
