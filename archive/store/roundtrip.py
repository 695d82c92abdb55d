"""YAML written back as it was read: ruamel.yaml's round trip, the one way the store rewrites YAML.

Keys, comments and quoting that an edit does not touch stay as they were; `indent_of` finds the
indentation that writes a text back exactly, so a one-field edit is a one-line diff.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

__all__ = ["Indent", "DEFAULT_INDENT", "round_trip", "dump", "indent_of"]

Indent = tuple[int, int, int]  # mapping, sequence, offset: ruamel's YAML.indent()
_INDENTS: tuple[Indent, ...] = tuple((mapping, offset + 2, offset) for mapping in (2, 4) for offset in (0, 2, 4))
DEFAULT_INDENT = _INDENTS[0]


def round_trip(indent: Indent = DEFAULT_INDENT) -> YAML:
    """A round-trip YAML that keeps quotes and never folds a long line."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long title or summary onto several lines
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def dump(doc: Any, indent: Indent = DEFAULT_INDENT, yaml: YAML | None = None) -> str:
    """`doc` as YAML text."""
    out = io.StringIO()
    (yaml or round_trip(indent)).dump(doc, out)
    return out.getvalue()


def indent_of(text: str) -> Indent:
    """The indentation that writes this YAML back exactly as it is, if there is one."""
    for indent in _INDENTS:
        yaml = round_trip(indent)
        try:
            if dump(yaml.load(text), yaml=yaml) == text:
                return indent
        except Exception:  # noqa: BLE001 - ruamel raises many kinds; any failure means "not this one"
            continue
    return DEFAULT_INDENT
