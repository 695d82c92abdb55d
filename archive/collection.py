"""A whole content directory: metadata, gazetteer, themes, testimonies, and every problem."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import consent
from .consent import Audience, TestimonyView
from .errors import ArchiveError, Problem, problem
from .collection_files import load_collection_info, load_places, load_themes
from .loader import exposure_problems, read_testimony
from .model import CollectionInfo, Testimony
from .vocabulary import Gazetteer, Themes, Vocabulary
from .yamlfile import Lines

__all__ = ["Collection", "load_collection", "check", "display_path", "testimony_files", "resolve_testimony",
           "cross_check", "vocabulary_from_text"]


@dataclass(frozen=True)
class Collection:
    """A content directory as read: only valid testimonies are kept, and every problem is listed."""

    root: Path
    info: CollectionInfo | None
    places: Gazetteer
    themes: Themes
    testimonies: Mapping[str, Testimony]
    problems: tuple[Problem, ...] = ()
    # An id two or more files share, with each copy's consent.access (None if unreadable): none is published.
    duplicates: Mapping[str, tuple[str | None, ...]] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    def get(self, testimony_id: str) -> Testimony | None:
        """The valid testimony with this id; None for an unknown, invalid or duplicated id."""
        return self.testimonies.get(testimony_id)

    def view(self, testimony_id: str, audience: Audience, today: dt.date) -> TestimonyView:
        """`consent.view` of an id; an id that several files share answers as its most restrictive copy."""
        if testimony_id in self.duplicates:
            raise consent.duplicate_answer(testimony_id, self.duplicates[testimony_id])
        return consent.view(self.get(testimony_id), audience, today=today, places=self.places)


def display_path(path: Path) -> str:
    """A path as the curator would type it: relative to the working directory when inside it."""
    try:
        if path.resolve().is_relative_to(Path.cwd().resolve()):
            return os.path.relpath(path)
    except (OSError, ValueError):
        pass
    return str(path)


def testimony_files(root: Path) -> Iterator[Path]:
    """Every `*.md` file under the content directory, skipping hidden folders, in a stable order."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                yield Path(folder) / name


def check(root: Path) -> list[Problem]:
    """Every problem in a content directory, sorted by file and line."""
    return sorted(load_collection(root).problems, key=lambda p: (p.path, p.line or 0, p.field))


ReadCache = dict[Path, tuple[tuple[int, int, int, int], Any]]


def load_collection(root: Path, cache: ReadCache | None = None) -> Collection:
    """Read a content directory; never raises for bad content, only for a missing directory.

    With a `cache` (kept by the caller between loads), a testimony file whose inode, size and
    times are unchanged is not read again: only the cross-checks run, so reloading a large
    collection after one file changed costs a stat per file, not a parse.
    """
    root = Path(root)
    if not root.is_dir():
        raise ArchiveError(f"The content directory '{root}' does not exist; pass --content or set ARCHIVE_CONTENT.")
    problems: list[Problem] = []
    info = None
    path = root / "collection.yaml"
    if path.is_file():
        info, found = load_collection_info(path, display_path(path))
        problems += found
    else:
        problems.append(_missing(path))
    places, found = _load_vocabulary("place", root / "places.yaml")
    problems += found
    themes, found = _load_vocabulary("theme", root / "themes.yaml")
    problems += found
    testimonies, duplicates, found = _load_testimonies(root, places, themes, cache)
    problems += found
    return Collection(root, info, places, themes, testimonies, tuple(problems), duplicates)


def vocabulary_from_text(kind: str, path: Path, text: str) -> tuple[Gazetteer | Themes, list[Problem]]:
    """`places.yaml` (kind "place") or `themes.yaml` ("theme") as if it held `text`, with every problem
    `archive check` would report in it; nothing is read or written."""
    return _load_vocabulary(kind, path, text)


def _missing(path: Path) -> Problem:
    return problem(display_path(path), None, "-", "file.missing", name=path.name)


# kind -> (the file's reader, its vocabulary, the key naming an entry's parent)
_VOCABULARIES = {"place": (load_places, Gazetteer, "parent"), "theme": (load_themes, Themes, "broader")}


def _load_vocabulary(kind: str, path: Path, text: str | None = None) -> tuple[Gazetteer | Themes, list[Problem]]:
    """The gazetteer (kind "place") or the themes ("theme"), from the file or `text`, with its problems."""
    read, vocabulary, parent = _VOCABULARIES[kind]
    if text is None and not path.is_file():
        return vocabulary([]), [_missing(path)]
    display = display_path(path)
    entries, lines, problems = read(path, display, text)
    loaded = vocabulary(entry for _, entry in entries)
    return loaded, problems + _hierarchy_problems(loaded, entries, lines, display, parent, kind)


def _hierarchy_problems(vocab: Vocabulary, entries: list[tuple[int, Any]], lines: Lines,
                        display: str, link: str, what: str) -> list[Problem]:
    """Duplicate ids, unknown parents, cycles, and one name given to two entries."""
    problems = []
    index_of: dict[str, int] = {}
    for index, entry in entries:
        if entry.id in index_of:
            problems.append(problem(display, lines.of(index, "id"), f"[{index}].id", f"{what}.duplicate-id",
                                    id=entry.id, line=str(lines.of(index_of[entry.id]))))
            continue
        index_of[entry.id] = index
        target = getattr(entry, link)
        if target is not None and target not in vocab:
            problems.append(_unknown(vocab, display, lines.of(index, link), f"[{index}].{link}", what, target))
    for cycle in vocab.cycles():
        index = index_of.get(cycle[0], 0)
        chain = " -> ".join((*cycle, cycle[0]))
        problems.append(problem(display, lines.of(index, link), f"[{index}].{link}", "vocabulary.cycle", chain=chain))
    for name, first, second in vocab.clashes:
        index = index_of.get(second, 0)
        problems.append(problem(display, lines.of(index), f"[{index}]", f"{what}.name-clash",
                                name=name, second=second, first=first))
    return problems


def _unknown(vocab: Vocabulary, display: str, line: int | None, field: str, what: str, name: str) -> Problem:
    """An unknown place or theme, with the nearest known name when there is one."""
    hint = vocab.suggest(name)
    if hint:
        return problem(display, line, field, f"{what}.unknown-hint", name=name, hint=hint)
    return problem(display, line, field, f"{what}.unknown", name=name)


def _read(path: Path, cache: ReadCache | None) -> Any:
    """(display path, `read_testimony`'s result), or the earlier pair when the file's stat says it has not changed."""
    if cache is None:
        display = display_path(path)
        return display, read_testimony(path, display)
    try:
        stat = os.stat(path)
    except OSError:
        display = display_path(path)
        return display, read_testimony(path, display)
    key = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)  # stat before read: a race only rereads
    known = cache.get(path)
    if known is not None and known[0] == key:
        return known[1]
    display = display_path(path)
    result = (display, read_testimony(path, display))
    cache[path] = (key, result)
    return result


def _access(fields: Any) -> str | None:
    consent_fields = fields.get("consent") if isinstance(fields, dict) else None
    access = consent_fields.get("access") if isinstance(consent_fields, dict) else None
    return access if isinstance(access, str) else None


def _duplicate_problems(copies: list[tuple[str, Lines]], stem: str) -> list[Problem]:
    """Every copy of an id names all the others: which one is right is the curator's call."""
    problems = []
    for display, lines in copies:
        others = ", ".join(d for d, _ in copies if d != display)
        problems.append(problem(display, lines.of("id"), "id", "id.duplicate", id=stem, others=others))
    return problems


def _load_testimonies(root: Path, places: Gazetteer, themes: Themes, cache: ReadCache | None = None
                      ) -> tuple[dict[str, Testimony], dict[str, tuple[str | None, ...]], list[Problem]]:
    """Every testimony file, with problems for duplicate ids and unknown references.

    An id that several files share publishes none of them (docs/format.md), whatever the folder order.
    """
    parsed = []
    problems: list[Problem] = []
    copies: dict[str, list[tuple[str, Lines, str | None]]] = {}
    seen: set[Path] = set()
    for path in testimony_files(root):
        seen.add(path)
        display, (testimony, found, lines, fields) = _read(path, cache)
        problems += found
        copies.setdefault(path.stem, []).append((display, lines, _access(fields)))
        parsed.append((path.stem, testimony, fields, lines, display, {p.field for p in found}))
    duplicates = {stem: tuple(c[2] for c in found) for stem, found in copies.items() if len(found) > 1}
    for stem in duplicates:
        problems += _duplicate_problems([(d, lines) for d, lines, _ in copies[stem]], stem)
    testimonies: dict[str, Testimony] = {}
    ids = set(copies)
    for stem, testimony, fields, lines, display, flagged in parsed:
        resolved, found = cross_check(testimony, fields, flagged, places, themes, ids, lines, display)
        problems += found
        if resolved is not None and stem not in duplicates:
            testimonies[resolved.id] = resolved
    if cache is not None:
        for gone in set(cache) - seen:
            del cache[gone]
    return testimonies, duplicates, problems


def cross_check(testimony: Testimony | None, fields: dict[str, Any] | None, flagged: set[str], places: Gazetteer,
                themes: Themes, ids: set[str], lines: Lines, display: str) -> tuple[Testimony | None, list[Problem]]:
    """The checks against the rest of the collection, for a file as the loader read it: a valid testimony's
    references resolved; an invalid one's broken references still reported (not again for a field the
    loader already faulted), so one run shows everything."""
    if testimony is not None:
        return resolve_testimony(testimony, places, themes, ids, lines, display)
    if fields is None:
        return None, []
    found = _reference_problems(fields, places, themes, ids, lines, display)[1]
    return None, [p for p in found if p.field not in flagged]


def resolve_testimony(testimony: Testimony, places: Gazetteer, themes: Themes, ids: set[str],
                      lines: Lines, display: str) -> tuple[Testimony | None, list[Problem]]:
    """Check a testimony's references and turn place names into ids; None if any is broken."""
    fields = {"id": testimony.id, "places": list(testimony.places), "themes": list(testimony.themes),
              "translation_of": testimony.translation_of,
              "consent": {"place_detail": testimony.consent.place_detail.value}}
    place_ids, problems = _reference_problems(fields, places, themes, ids, lines, display)
    resolved = dataclasses.replace(testimony, places=tuple(place_ids))
    problems += exposure_problems(resolved, places, lines, display)
    return (None, problems) if problems else (resolved, problems)


def _strings(value: Any) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def _reference_problems(fields: dict[str, Any], places: Gazetteer, themes: Themes, ids: set[str],
                        lines: Lines, display: str) -> tuple[list[str], list[Problem]]:
    """Places, themes and translation_of checked against the collection, from the raw fields."""
    problems = []
    place_ids: list[str] = []
    consent = fields.get("consent")
    detail = consent.get("place_detail", "exact") if isinstance(consent, dict) else "exact"
    for index, name in _strings(fields.get("places")):
        place_id = places.resolve(name)
        if place_id is None:
            problems.append(_unknown(places, display, lines.of("places", index), f"places[{index}]", "place", name))
            continue
        if detail in ("district", "governorate", "country") and places.coarsen(place_id, detail) is None:
            problems.append(problem(display, lines.of("places", index), f"places[{index}]", "place.no-enclosing",
                                    place=place_id, detail=detail))
        if place_id not in place_ids:
            place_ids.append(place_id)
    for index, theme in _strings(fields.get("themes")):
        if theme not in themes:
            problems.append(_unknown(themes, display, lines.of("themes", index), f"themes[{index}]", "theme", theme))
    original = fields.get("translation_of")
    if isinstance(original, str) and (original not in ids or original == fields.get("id")):
        code = "translation.self" if original == fields.get("id") else "translation.unknown"
        problems.append(problem(display, lines.of("translation_of"), "translation_of", code, id=original))
    return place_ids, problems
