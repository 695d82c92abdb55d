"""Adding and changing places and themes, as `places.yaml` and `themes.yaml` edits checked like `archive check`.

A change is the values of one entry's form (`PLACE_FIELDS`, `THEME_FIELDS`), written into the file
with ruamel.yaml's round trip so other entries, comments and quoting stay as they were. A new id
(a rename) is a rewrite of every reference: other entries' `parent` / `broader`, and the
`places` / `themes` of every testimony that names the old id (through `archive.store.editing`, which
touches only those fields). The old id is not kept: every reference is rewritten, so nothing
depends on it (a name or alias typed in a testimony still resolves as before). The change is
refused when the vocabulary would have a problem `archive check` reports (schema, duplicate id,
unknown parent, cycle, a name that finds two entries), or when a testimony that was valid would
no longer be (say, a new parent that `place_detail` cannot coarsen to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import editing
from ..collection import display_path, vocabulary_from_text
from ..errors import ArchiveError
from ..loader import file_hash
from .roundtrip import dump, indent_of, round_trip
from .saving import locked, replace_file

__all__ = ["PLACE_FIELDS", "THEME_FIELDS", "FILES", "VocabularyPlan", "values_of", "plan_change", "write_change"]

PLACE_FIELDS = ("id", "name", "name_ar", "aliases", "type", "parent", "coordinates")
THEME_FIELDS = ("id", "label", "label_ar", "broader", "description")
FILES = {"place": "places.yaml", "theme": "themes.yaml"}
_LINK = {"place": "parent", "theme": "broader"}
_USES = {"place": "places", "theme": "themes"}


@dataclass
class VocabularyPlan:
    """A checked change: the new vocabulary file, the testimony files rewritten, or problems by field."""

    kind: str
    entry_id: str
    old_id: str | None
    text: str
    version: str  # of the vocabulary file the change was made over
    rewrites: dict[Path, tuple[str, str]] = field(default_factory=dict)  # path -> (new text, version now)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def renamed(self) -> bool:
        return self.old_id is not None and self.old_id != self.entry_id


def _items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n;]", text or "") if item.strip()]


def values_of(kind: str, entry: Any) -> dict[str, str]:
    """The form's values for an entry of the vocabulary (None: a new one)."""
    if entry is None:
        return {name: "" for name in (PLACE_FIELDS if kind == "place" else THEME_FIELDS)}
    if kind == "place":
        return {"id": entry.id, "name": entry.name, "name_ar": entry.names.get("ar", ""),
                "aliases": "\n".join(entry.aliases), "type": entry.type, "parent": entry.parent or "",
                "coordinates": ", ".join(f"{c:g}" for c in entry.coordinates) if entry.coordinates else ""}
    return {"id": entry.id, "label": entry.label, "label_ar": entry.labels.get("ar", ""),
            "broader": entry.broader or "", "description": entry.description or ""}


def _coordinates(text: str) -> list[float] | None:
    numbers = re.split(r"\s*[,،\s]\s*", text.strip())
    try:
        return [float(n) for n in numbers] if len(numbers) == 2 else None
    except ValueError:
        return None


def _set(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set a key (remove it when empty), leaving an equal value as written (its quoting, its style)."""
    if value in (None, "", [], {}):
        mapping.pop(key, None)
        return
    old = mapping.get(key)
    same = (list(old) == list(value)) if isinstance(old, list) and isinstance(value, list) else old == value
    if not same:
        mapping[key] = value


def _apply(kind: str, entry: CommentedMap, values: Mapping[str, str], errors: dict[str, list[str]]) -> None:
    """Write the form's values into the entry, keeping what the form does not manage."""
    _set(entry, "id", values["id"])
    name, arabic = ("name", "name_ar") if kind == "place" else ("label", "label_ar")
    _set(entry, name, values[name])
    names_key = "names" if kind == "place" else "labels"
    names = entry.get(names_key)
    if not isinstance(names, CommentedMap):
        names = CommentedMap()
        names.fa.set_flow_style()
    _set(names, "ar", values[arabic])
    _set(entry, names_key, names if names else None)
    if kind == "place":
        aliases = CommentedSeq(_items(values["aliases"]))
        aliases.fa.set_flow_style()
        _set(entry, "aliases", aliases if aliases else None)
        _set(entry, "type", values["type"])
        _set(entry, "parent", values["parent"] or None)
        point = None
        if values["coordinates"].strip():
            point = _coordinates(values["coordinates"])
            if point is None:
                errors.setdefault("coordinates", []).append(
                    "write the latitude and the longitude as two numbers, e.g. 35.86, 36.80")
            else:
                point = CommentedSeq(point)
                point.fa.set_flow_style()
        _set(entry, "coordinates", point)
    else:
        _set(entry, "broader", values["broader"] or None)
        _set(entry, "description", values["description"].strip() or None)


def _field_of(problem_field: str) -> str:
    """The form field of a vocabulary problem (`[3].parent` -> parent, `[3].names.ar` -> name_ar)."""
    tail = re.sub(r"^\[\d+\]\.?", "", problem_field)
    key = tail.split(".")[0]
    return {"names": "name_ar", "labels": "label_ar"}.get(key, key) or "_form"


def plan_change(collection: Any, kind: str, old_id: str | None, values: Mapping[str, str],
                testimonies: Iterable[tuple[str, Path]] | None = None) -> VocabularyPlan:
    """The change checked as `archive check` would check the files; nothing is written. `collection` gives the
    root, places and themes; `testimonies` the id and file of every valid testimony (by default, a loaded
    `Collection`'s), each read again, one at a time, to be rewritten or checked."""
    names = PLACE_FIELDS if kind == "place" else THEME_FIELDS
    values = {name: (values.get(name) or "").strip() for name in names}
    path = collection.root / FILES[kind]
    original = path.read_text(encoding="utf-8")
    errors: dict[str, list[str]] = {}
    vocabulary = collection.places if kind == "place" else collection.themes
    link = _LINK[kind]
    if values[link]:  # a parent may be typed as any name; it is written as an id
        values[link] = vocabulary.resolve(values[link]) or values[link]
    doc = round_trip().load(original) or CommentedSeq()
    if not isinstance(doc, CommentedSeq):
        raise ArchiveError(f"{FILES[kind]} is not a list of entries; fix it in a text editor.")
    if old_id is None:
        entry = CommentedMap()
        doc.append(entry)
    else:
        found = [e for e in doc if isinstance(e, CommentedMap) and e.get("id") == old_id]
        if not found:
            raise ArchiveError(f"No {kind} has the id '{old_id}'.")
        entry = found[0]
    _apply(kind, entry, values, errors)
    new_id = values["id"]
    renamed = old_id is not None and new_id != old_id
    if renamed:
        for other in doc:
            if isinstance(other, CommentedMap) and other.get(link) == old_id:
                other[link] = new_id
    text = dump(doc, indent_of(original))  # written back with the file's own indentation
    new_vocabulary, problems = vocabulary_from_text(kind, path, text)
    for problem in problems:
        if not problem.warning:
            errors.setdefault(_field_of(problem.field), []).append(problem.message)
    plan = VocabularyPlan(kind, new_id, old_id, text, file_hash(original.encode("utf-8")), errors=errors)
    if errors:
        return plan
    if testimonies is None:
        testimonies = ((t.id, t.path) for t in collection.testimonies.values())
    _check_testimonies(plan, collection, new_vocabulary, old_id if renamed else None, testimonies)
    return plan


def _check_testimonies(plan: VocabularyPlan, collection: Any, vocabulary: Any, old_id: str | None,
                       testimonies: Iterable[tuple[str, Path]]) -> None:
    """Rewrite the references of a renamed id, and refuse a change that breaks a valid testimony."""
    places = vocabulary if plan.kind == "place" else collection.places
    themes = vocabulary if plan.kind == "theme" else collection.themes
    ids = editing.existing_ids(collection.root)
    field_name = _USES[plan.kind]
    for testimony_id, path in testimonies:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # gone since it was found valid: nothing of it to keep valid
        text = data.decode("utf-8")
        if old_id is not None:
            values = editing.values_from_text(text)
            items = values[field_name].split("\n")
            if old_id in items:
                values[field_name] = "\n".join(plan.entry_id if item == old_id else item for item in items)
                text = editing.build_text(values, text)
                plan.rewrites[path] = (text, file_hash(data))
        found, problems = editing.validate(text, path, display_path(path), places, themes, ids)
        if found is None:
            first = next(p for p in problems if not p.warning)
            plan.errors.setdefault("_form", []).append(
                f"{testimony_id} would no longer pass the check ({first.field}: {first.message})")


def write_change(plan: VocabularyPlan, root: Path) -> list[Path]:
    """Write the vocabulary file and every rewritten testimony under the content lock; the paths written.

    Refused (nothing written) when any of the files changed since the change was checked.
    """
    if not plan.ok:
        raise ArchiveError("The change has problems; nothing was written.")
    path = root / FILES[plan.kind]
    with locked(root):
        for testimony, (_, version) in plan.rewrites.items():
            if file_hash(testimony.read_bytes()) != version:
                raise ArchiveError(f"{testimony.name} changed meanwhile; nothing was written. Try again.")
        replace_file(path, plan.text, plan.version)
        for testimony, (text, version) in plan.rewrites.items():
            replace_file(testimony, text, version)
    return [path, *plan.rewrites]
