"""The collection's own YAML files: the gazetteer (places.yaml), the themes (themes.yaml) and
collection.yaml, each read and checked against its schema, with problems by file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import model as m
from .errors import Problem, problem
from .schemas import schema_problems
from .yamlfile import Lines, parse_yaml, read_text

__all__ = ["load_places", "load_themes", "load_collection_info"]


def _yaml_file(path: Path, display: str, schema: str) -> tuple[Any, Lines, list[Problem]]:
    text, _, problems = read_text(path, display)
    if text is None:
        return None, Lines({}, 1), problems
    return _yaml_text(text, display, schema)


def _yaml_text(text: str, display: str, schema: str) -> tuple[Any, Lines, list[Problem]]:
    value, lines, problems = parse_yaml(text, display)
    if value is None and problems:
        return None, lines, problems
    problems += schema_problems(schema, value, display, lines)
    return value, lines, problems


def _entries(value: Any, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The list items that are valid enough to become values, with their index in the file."""
    if not isinstance(value, list):
        return []
    bad = {int(match.group(1)) for p in problems if not p.warning
           if (match := re.match(r"\[(\d+)\]", p.field))}
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict) and i not in bad]


def load_places(path: Path, display: str, text: str | None = None
                ) -> tuple[list[tuple[int, m.Place]], Lines, list[Problem]]:
    """The gazetteer's places with their index in the file (or in `text`, what the file would hold);
    an entry with problems is left out."""
    value, lines, problems = _yaml_file(path, display, "places") if text is None else _yaml_text(text, display, "places")
    places = [
        (index, m.Place(
            id=item["id"], name=item["name"], type=item["type"],
            names=dict(item.get("names") or {}), aliases=tuple(item.get("aliases") or ()),
            parent=item.get("parent"),
            coordinates=tuple(item["coordinates"]) if item.get("coordinates") else None,  # type: ignore[arg-type]
        ))
        for index, item in _entries(value, problems)
    ]
    return places, lines, problems


def load_themes(path: Path, display: str, text: str | None = None
                ) -> tuple[list[tuple[int, m.Theme]], Lines, list[Problem]]:
    """The theme vocabulary with each theme's index in the file (or in `text`); an entry with problems is left out."""
    value, lines, problems = _yaml_file(path, display, "themes") if text is None else _yaml_text(text, display, "themes")
    themes = [
        (index, m.Theme(
            id=item["id"], label=item["label"], labels=dict(item.get("labels") or {}),
            broader=item.get("broader"), description=item.get("description"),
            aliases={lang: tuple(names) for lang, names in (item.get("aliases") or {}).items()},
        ))
        for index, item in _entries(value, problems)
    ]
    return themes, lines, problems


def load_collection_info(path: Path, display: str) -> tuple[m.CollectionInfo | None, list[Problem]]:
    """The collection's metadata, or None with the problems that prevent it."""
    value, _, problems = _yaml_file(path, display, "collection")
    if any(not p.warning for p in problems) or not isinstance(value, dict):
        if not problems:
            problems = [problem(display, 1, "-", "collection.info")]
        return None, problems
    return m.CollectionInfo(
        title=value["title"], publisher=value["publisher"], base_url=value["base_url"],
        license=value.get("license"), languages=tuple(value.get("languages") or ("en",)),
        description=value.get("description"), titles=dict(value.get("titles") or {}),
        descriptions=dict(value.get("descriptions") or {}), publishers=dict(value.get("publishers") or {}),
    ), problems
