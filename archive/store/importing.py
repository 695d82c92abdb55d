"""Bulk import: a CSV or XLSX sheet of testimonies, every row checked as `archive check` would, all or nothing.

A column named after a field of the format (docs/format.md) maps to it without asking (`title`, `narrator.pseudonym`,
`consent.identity`, `recorded.date`, ...; the form's names such as `narrator_pseudonym` too), the
account goes in a `body` column, and list fields (`places`, `themes`, `content_warnings`,
`contributors` as `name | role`) separate their items with `;`. Each row becomes the text of a
new file through `archive.store.editing` (the same text and checks as the curator's form), so place
names and aliases are written as ids. Imported accounts are drafts; ids come from the titles and
are made unique; a row that repeats a testimony (same title and event date, or the same source
URL, in the collection or earlier in the sheet) is refused. Nothing is written unless every row
is valid; then every file is written under the content lock, and the caller makes one git commit
and one audit entry (`record`, written before publishing and git; `commit` adds git's outcome).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Container, Mapping

from . import audit, editing, history
from ..collection import Collection
from ..dates import DateError, parse_date
from ..errors import ArchiveError
from .saving import create_file, locked
from ..sheets import MAX_ROWS, Table, read_table
from ..text import fold
from ..text import id_from_title as _slug_from_title

__all__ = ["Table", "RowProblem", "Planned", "Plan", "TARGETS", "read_table", "default_mapping", "plan",
           "write", "record", "commit", "id_from_title", "MAX_ROWS", "repeat_keys", "Repeats"]

# A repeat key (`repeat_keys`) -> the id of the testimony that holds it, if any.
Repeats = Callable[[str], "str | None"]

LIST_SEPARATOR = ";"
# Every field a column may fill, by its dotted name in docs/format.md; `body` is the account.
TARGETS: dict[str, str] = {".".join(f.path): f.name for f in editing.FIELDS} | {"body": "body"}
_KINDS = {f.name: f.kind for f in editing.FIELDS}
_PATHS = {name: dotted for dotted, name in TARGETS.items()}
_ALIASES = _PATHS  # narrator_pseudonym -> narrator.pseudonym


@dataclass(frozen=True)
class RowProblem:
    """One problem, by row (None: the whole sheet) and column (None: no one column)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where) or 'the sheet'}: {self.message}"


@dataclass(frozen=True)
class Planned:
    """A row that will become a file."""

    row: int
    id: str
    title: str
    path: Path
    text: str


@dataclass
class Plan:
    """What an import would do: the files it would write, or every problem that stops it."""

    table: Table
    mapping: dict[str, str | None]
    planned: list[Planned] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.planned)

    @property
    def ignored(self) -> list[str]:
        return [column for column, target in self.mapping.items() if target is None]


def default_mapping(columns: list[str]) -> dict[str, str | None]:
    """Each column's field when its name is a field's of the format (dotted, or the form's name); else None."""
    mapping: dict[str, str | None] = {}
    for column in columns:
        key = column.strip().casefold()
        mapping[column] = key if key in TARGETS else _ALIASES.get(key)
    return mapping


# --- checking every row -----------------------------------------------------------------------


def id_from_title(title: str) -> str:
    """A slug id made from the title as `archive new` and the curator form make it (Arabic transliterated);
    'testimony' when none can be made."""
    return _slug_from_title(title) or "testimony"


def _unique(base: str, taken: Container[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[:80 - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def _value(name: str, text: str) -> str:
    """A cell's text as the form's value: list items separated by ';' become lines."""
    if _KINDS.get(name) in ("list", "lines", "contributors"):
        return "\n".join(item.strip() for item in text.split(LIST_SEPARATOR) if item.strip())
    if name == "body":
        return text.replace("\r\n", "\n")
    return text


def _date_key(text: str) -> Any:
    try:
        return parse_date(text)
    except DateError:
        return text.strip()


def repeat_keys(title: str, event_date: Any, url: str | None = None) -> list[str]:
    """What a row must not share with a testimony: its folded title with its event date, and its source URL."""
    url = (url or "").strip()
    return [f"title:{fold(title)}\0{event_date!r}"] + ([f"url:{url}"] if url else [])


def _known(collection: Collection) -> Repeats:
    """Every repeat key of the collection's testimonies, with the id that holds it (the first in id order)."""
    found: dict[str, str] = {}
    for t in sorted(collection.testimonies.values(), key=lambda t: t.id):
        for key in repeat_keys(t.title, t.event_date, t.source.url if t.source else None):
            found.setdefault(key, t.id)
    return found.get


def _mapping_problems(mapping: Mapping[str, str | None]) -> list[RowProblem]:
    problems = []
    owner: dict[str, str] = {}
    for column, target in mapping.items():
        if target is None:
            continue
        if target not in TARGETS:
            problems.append(RowProblem(None, column, f"'{target}' is not a field a column can fill"))
        elif target in owner:
            problems.append(RowProblem(None, column, f"'{target}' is already filled from column '{owner[target]}'"))
        else:
            owner[target] = column
    for needed in ("title", "body"):
        if needed not in owner:
            problems.append(RowProblem(None, None, f"no column is mapped to '{needed}'"))
    return problems


def plan(table: Table, mapping: Mapping[str, str | None], collection: Any, repeats: Repeats | None = None) -> Plan:
    """Every row turned into a draft's text and checked; nothing is written. `collection` gives the root, places
    and themes; `repeats` what the rows must not repeat (by default, every testimony of a loaded `Collection`)."""
    result = Plan(table, dict(mapping), problems=_mapping_problems(mapping))
    if result.problems:
        return result
    if not table.rows:
        result.problems.append(RowProblem(None, None, "the sheet has no rows below its header"))
        return result
    root = collection.root
    column_of = {TARGETS[target]: column for column, target in mapping.items() if target}
    ids = dict(editing.existing_ids(root))
    known = _known(collection) if repeats is None else repeats
    earlier: dict[str, str] = {}  # the keys of the rows above, with their labels
    for number, cells in table.rows:
        values = {name: "" for name in editing.FIELD_NAMES}
        for column, cell in zip(table.columns, cells):
            target = mapping.get(column)
            if target:
                values[TARGETS[target]] = _value(TARGETS[target], cell)
        found: list[RowProblem] = []
        if values["status"] not in ("", "draft"):
            found.append(RowProblem(number, column_of["status"], "imported accounts arrive as drafts; "
                                    "leave status empty (or draft) and publish each after review"))
        values["status"] = "draft"
        if not values["id"]:
            values["id"] = _unique(id_from_title(values["title"]), ids)
        path = editing.new_path(root, values)
        prepared = editing.prepare(values, places=collection.places, themes=collection.themes, ids=ids, path=path,
                                   display=f"row {number}")
        for problem in prepared.problems:
            if problem.warning:
                continue
            name = editing.field_of(problem.field)
            column = column_of.get(name)
            message = problem.message if problem.field in (_PATHS.get(name, name), "-") \
                else f"{problem.field}: {problem.message}"
            found.append(RowProblem(number, column, message))
        title_key, *url_keys = repeat_keys(values["title"], _date_key(values["event_date"]), values["source_url"])
        holder = known(title_key) or earlier.get(title_key)
        if values["title"] and holder:
            found.append(RowProblem(number, column_of.get("title"), f"repeats '{holder}' "
                                    "(the same title and event date); remove the row or change it"))
        holder = (known(url_keys[0]) or earlier.get(url_keys[0])) if url_keys else None
        if holder:
            found.append(RowProblem(number, column_of.get("source_url"),
                                    f"repeats the source URL of '{holder}'; remove the row or change it"))
        result.problems += found
        testimony_id = values["id"]
        ids.setdefault(testimony_id, path)
        for key in (title_key, *url_keys):
            earlier.setdefault(key, f"row {number}")
        if not found:
            result.planned.append(Planned(number, testimony_id, values["title"], path, prepared.text))
    return result


# --- writing ----------------------------------------------------------------------------------


def write(result: Plan, root: Path) -> list[Path]:
    """Write every planned file under the content lock, or none: refused if an id was taken meanwhile."""
    if not result.ok:
        raise ArchiveError("The import has problems; nothing was written.")
    with locked(root):
        taken = editing.existing_ids(root)
        clash = [p.id for p in result.planned if p.id in taken]
        if clash:
            raise ArchiveError(f"The id '{clash[0]}' was taken while the import was checked; nothing was "
                               "written. Run the import again.")
        written: list[Path] = []
        try:
            for planned in result.planned:
                create_file(planned.path, planned.text)
                written.append(planned.path)
        except BaseException:
            for path in written:  # all or nothing
                path.unlink(missing_ok=True)
            raise
    return written


def record(paths: list[Path], result: Plan, *, instance: Path, curator: str | None,
           address: str | None = None) -> None:
    """The import's one audit entry, on disk before anything else runs (publishing, git), so a worker
    killed after the files are written never leaves them without it."""
    ids = ", ".join(p.id for p in result.planned)
    detail = f"import of {len(paths)} from {Path(result.table.name).name}: {ids}"
    audit.append(instance, action="import", curator=curator, address=address, detail=detail)


def commit(paths: list[Path], result: Plan, *, root: Path, instance: Path, curator: str | None,
           address: str | None = None) -> tuple[str | None, str | None]:
    """One git commit of every imported file, its outcome in the audit log as a `commit` entry (as a
    curator's save does): (commit id, git's complaint if it failed)."""
    commit_id, warning = None, None
    with locked(root):
        try:
            commit_id = history.commit_files(paths, curator=curator or "import",
                                             message=f"import {len(paths)} testimonies from {Path(result.table.name).name}")
        except history.HistoryError as error:
            warning = str(error)
    if commit_id or warning:
        audit.append(instance, action="commit", curator=curator, address=address,
                     detail=f"import; commit {commit_id[:12]}" if commit_id else "import; git failed")
    return commit_id, warning
