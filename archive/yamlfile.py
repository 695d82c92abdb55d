"""Reading YAML with the line of every key, so problems can name their line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, problem

try:  # libyaml is much faster when present; both keep line marks
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe YAML that keeps dates as the text written: docs/format.md reads them "exactly as if quoted",
    and an impossible date (2019-02-30) becomes our own problem with a line, not PyYAML's crash."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, ArithmeticError, LookupError):  # !!bool maybe
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = node.value if isinstance(node.value, str) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"'{value[:40]}' cannot be read as {tag}; remove the tag or fix the value",
                node.start_mark) from None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

__all__ = ["Lines", "parse_yaml", "read_text", "reads_as_text"]

Key = tuple[Any, ...]
# Far beyond any real file; past them a document is refused before its values are built.
MAX_DEPTH = 50
MAX_NODES = 100_000


@dataclass(frozen=True)
class Lines:
    """Line numbers of the keys in a YAML document, by their path."""

    by_path: dict[Key, int]
    first: int

    def of(self, *path: Any) -> int:
        """The line of a key, or of its nearest enclosing key that exists."""
        while path:
            if path in self.by_path:
                return self.by_path[path]
            path = path[:-1]
        return self.first


class _Resolver(yaml.resolver.Resolver):
    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers  # the loader's: dates stay text


_RESOLVE = _Resolver()
_TEXT = "tag:yaml.org,2002:str"


def reads_as_text(text: str) -> bool:
    """Whether `text`, written unquoted, is read back as that text here. YAML 1.1, which PyYAML reads, takes `no`,
    `on`, `~` and `1.5` for other things; ruamel.yaml writes YAML 1.2, where `no` and `on` are text and left plain
    (archive.store.front_matter quotes what this says is not text)."""
    return _RESOLVE.resolve(yaml.ScalarNode, text, (True, False)) == _TEXT


def read_text(path: Path, display: str) -> tuple[str | None, bytes, list[Problem]]:
    """The file's text and bytes, or a problem naming what stops it being read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, b"", [problem(display, None, "-", "file.unreadable", reason=reason.lower())]
    try:
        return data.decode("utf-8"), data, []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, data, [problem(display, line, "-", "file.not-utf8", byte=f"{data[exc.start]:02x}")]


def _walk(node: yaml.Node, path: Key, lines: dict[Key, int], dupes: list[tuple[Key, int]], offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                dupes.append(((*path, key), line))
            seen.add(key)
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, dupes, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1 + offset
            _walk(item, (*path, index), lines, dupes, offset)


def _too_deep(text: str) -> yaml.Mark | None:
    """Where the text nests deeper than MAX_DEPTH, found from the parser's events alone: libyaml
    builds the document tree recursively in C, and a file of 100,000 '[' would crash the process."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _oversized(node: yaml.Node) -> yaml.Mark | None:
    """Where a document nests too deep, or its aliases (`*a`) expand too far or into themselves."""
    stack = [(node, 1)]
    count = 0
    while stack:
        current, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            return current.start_mark
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return None


def parse_yaml(text: str, display: str, first_line: int = 1) -> tuple[Any, Lines, list[Problem]]:
    """Parse one YAML document; problems for syntax errors and duplicate keys."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        mark = _too_deep(text)
        if mark is None:
            node = loader.get_single_node()
            mark = _oversized(node) if node is not None else None
        if mark is not None:
            return None, Lines({}, first_line), [problem(
                display, mark.line + 1 + offset, "-", "yaml.too-deep", depth=MAX_DEPTH, nodes=MAX_NODES)]
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        reason = (exc.problem or "invalid YAML").strip()
        start = exc.context_mark
        opened = exc.context and ("quoted" in exc.context or "flow" in exc.context)
        if opened and start is not None and mark is not None and start.line != mark.line:
            # an unclosed quote or bracket is found lines later: say where it began
            reason += f" ({exc.context.strip()} on line {start.line + 1 + offset})"
        reason = " ".join(reason.split())  # one problem, one line
        return None, Lines({}, first_line), [problem(display, line, "-", "yaml.syntax", reason=reason)]
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as NUL
        # libyaml counts the position in UTF-8 bytes and gives the code point as a number
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
        line = text.encode("utf-8", "surrogatepass")[:exc.position].count(b"\n") + first_line
        return None, Lines({}, first_line), [problem(display, line, "-", "yaml.character", code=f"{code:04X}")]
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        return None, Lines({}, first_line), [problem(display, first_line, "-", "yaml.error", reason=reason)]
    finally:
        loader.dispose()
    lines: dict[Key, int] = {}
    dupes: list[tuple[Key, int]] = []
    if node is not None:
        _walk(node, (), lines, dupes, offset)
    problems = [
        problem(display, line, ".".join(str(k) for k in key), "yaml.duplicate")
        for key, line in dupes
    ]
    return value, Lines(lines, first_line), problems
