"""Frozen records (archive.model) walked by attribute path: read, changed and written as JSON.

A path such as ["narrator", "description"] or ["contributors", "name"] goes through tuples item
by item, so one path names a field of every contributor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any, Callable

from .dates import DateRange

__all__ = ["value_at", "replace_at", "plain"]


def value_at(value: Any, path: list[str]) -> Any:
    """The value at `path` (a tuple of values where the path goes through a tuple)."""
    if value is None or not path:
        return value
    if isinstance(value, tuple):
        return tuple(value_at(item, path) for item in value)
    return value_at(getattr(value, path[0]), path[1:])


def replace_at(value: Any, path: list[str], change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to each text at `path`; the very same object when nothing changed (cheaper)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        items = tuple(replace_at(item, path, change) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    if not path:
        if not isinstance(value, str):
            return value
        changed = change(value)
        return value if changed == value else changed
    head, *rest = path
    old = getattr(value, head)
    new = replace_at(old, rest, change)
    return value if new is old else dataclasses.replace(value, **{head: new})


def plain(value: Any) -> Any:
    """A value as JSON: dates as written, enums by value, records as mappings."""
    if isinstance(value, DateRange):
        return value.text
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value
