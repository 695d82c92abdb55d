"""The JSON Schemas shipped in `archive/schema/`, and their errors as sentences."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .errors import Problem, from_message, problem
from .messages import MESSAGES, Message
from .yamlfile import Lines

if TYPE_CHECKING:  # jsonschema itself is imported only when a file is invalid (its exact messages): every
    import jsonschema  # command and server process starts about 0.1 s sooner without it

__all__ = ["schema_path", "schema_problems", "jsonable", "field_name", "unknown_field_problems"]

SCHEMAS = ("testimony", "places", "themes", "collection")


def schema_path(name: str) -> str:
    """Where the installed schema file is, for editors to point at."""
    return str(resources.files("archive") / "schema" / f"{name}.schema.json")


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema.validators

    schema = json.loads((resources.files("archive") / "schema" / f"{name}.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def _fast_validator(name: str) -> Any:
    """The compiled validator of the same schema: it only decides "valid", never the problems."""
    schema = json.loads((resources.files("archive") / "schema" / f"{name}.schema.json").read_text("utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=False)


# Characters Python's regular expressions call white space and the compiled validator's do not, so that
# a pattern such as "\S" accepts a text of them there and not here: data holding one is never fast-checked.
_DIALECT = frozenset("\x1c\x1d\x1e\x1f\x85")


def _plain(value: Any) -> bool:
    """True when the compiled validator is known to agree with jsonschema on this (jsonable) value."""
    if isinstance(value, str):
        return _DIALECT.isdisjoint(value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float))


def _surely_valid(name: str, data: Any) -> bool:
    """The fast path: True only when the compiled validator accepts data it is known to judge as jsonschema does."""
    if not _plain(data):
        return False
    try:
        return bool(_fast_validator(name).is_valid(data))
    except Exception:  # a value it cannot take (a huge number, NaN): jsonschema decides
        return False


def jsonable(value: Any) -> Any:
    """YAML's values as JSON would have them: dates become the strings they were written as."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_name(path: tuple[Any, ...]) -> str:
    """A field's path as curators read it: `consent.access`, `places[2]`, `[4].parent`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "-"


_PATTERN_CODE = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "field.slug",
    "\\S": "field.blank",
    "^\\d{4}-\\d{2}-\\d{2}$": "field.day",
    "^https?://[^\\s]+$": "field.url",
    "^https?://[^\\s/]+[^\\s]*$": "field.url",
}


def _pattern_code(pattern: str) -> str:
    code = _PATTERN_CODE.get(pattern)
    if code is None and "\\d{4}(-" in pattern:
        code = "field.date"
    if code is None and "[A-Za-z]{2,3}" in pattern:
        code = "field.language"
    if code is None and "AND|OR|WITH" in pattern:
        code = "field.license"
    return code or "field.pattern"


def _kinds(expected: str | list[str]) -> Message | str:
    """The JSON types a value may have, in words: "text or a list"."""
    words: list[Message | str] = [Message(f"kind.{k}") if f"kind.{k}" in MESSAGES else k
                                  for k in ([expected] if isinstance(expected, str) else expected)]
    phrase = words[0]
    for word in words[1:]:
        phrase = Message("join.or", {"first": phrase, "second": word})
    return phrase


def _sentence(error: jsonschema.ValidationError) -> tuple[tuple[Any, ...], Message]:
    """The path of the field at fault and what is wrong with it, as a message code and its values."""
    path = tuple(error.absolute_path)
    v, value, limit = error.validator, error.instance, error.validator_value
    if v == "required":
        missing = error.message.split("'")[1]
        schema_path = list(error.absolute_schema_path)
        if "then" in schema_path:
            identity = ("named", "pseudonymous")[schema_path[schema_path.index("allOf") + 1]]
            return (*path, missing), Message("field.required-when", {"identity": identity})
        return (*path, missing), Message("field.required")
    if v == "enum":
        allowed = ", ".join(str(x) for x in limit)
        return path, Message("field.enum", {"value": _describe(value), "allowed": allowed})
    if v == "type":
        return path, Message("field.type", {"kinds": _kinds(limit), "value": _describe(value)})
    if v == "pattern":
        return path, Message(_pattern_code(limit), {"value": str(value)})
    if v == "oneOf" and path and path[-1] in ("event_date", "date"):
        return path, Message("field.date-value", {"value": _describe(value)})
    if v == "minItems":
        return path, Message("field.min-one") if limit == 1 else Message("field.min-items", {"count": str(limit)})
    if v == "maxItems":
        return path, Message("field.max-items", {"count": str(limit)})
    if v == "maxLength":
        return path, Message("field.max-length", {"count": str(limit)})
    if v == "minLength":
        return path, Message("field.empty")
    if v in ("minimum", "maximum"):
        return path, Message("field.range", {"value": str(value)})
    if v == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return (*path, extra[0]) if extra else path, Message("field.unknown")
    return path, Message("field.invalid", {"detail": error.message})


def _describe(value: Any) -> Message:
    if value is None:
        return Message("value.nothing")
    if isinstance(value, dict):
        return Message("value.mapping")
    if isinstance(value, list):
        return Message("value.list")
    if isinstance(value, bool):
        return Message("value.quoted", {"value": str(value).lower()})
    return Message("value.quoted", {"value": str(value)})


def schema_problems(name: str, data: Any, display: str, lines: Lines) -> list[Problem]:
    """Every way `data` breaks the named schema, one problem each (jsonschema's words; the compiled
    validator only answers "valid" first, where it is known to agree)."""
    data = jsonable(data)
    if _surely_valid(name, data):
        return []
    problems = []
    for error in _validator(name).iter_errors(data):
        if error.validator in ("allOf", "if", "then"):
            continue
        path, message = _sentence(error)
        problems.append(from_message(display, lines.of(*path), field_name(path), message))
    # allOf/if-then report their inner "required" errors through iter_errors already
    return sorted(set(problems), key=lambda p: (p.line or 0, p.field))


def unknown_field_problems(fields: dict[str, Any], known: frozenset[str], display: str, lines: Lines) -> list[Problem]:
    """Extensions are welcome; a near-miss of a known field is most likely a typo."""
    import difflib

    problems = []
    for key in fields:
        if key in known or not isinstance(key, str):
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if close:
            problems.append(problem(display, lines.of(key), key, "field.near-miss", close=close[0], warning=True))
    return problems
