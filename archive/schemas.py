"""The JSON Schemas shipped in `archive/schema/`, and their errors as sentences."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .errors import Problem
from .yamlfile import Lines

__all__ = ["schema_path", "schema_problems", "jsonable", "field_name"]

SCHEMAS = ("testimony", "places", "themes", "collection")


def schema_path(name: str) -> str:
    """Where the installed schema file is, for editors to point at."""
    return str(resources.files("archive") / "schema" / f"{name}.schema.json")


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((resources.files("archive") / "schema" / f"{name}.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


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


_KIND = {"object": "a mapping (key: value lines)", "array": "a list", "string": "text",
         "integer": "a whole number", "number": "a number"}
_PATTERN_HINT = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "must be a slug: lower-case a-z, 0-9 and single hyphens",
    "\\S": "must not be empty",
    "^\\d{4}-\\d{2}-\\d{2}$": "must be a full date, YYYY-MM-DD",
    "^https?://[^\\s]+$": "must be a web address starting with http:// or https://",
    "^https?://[^\\s/]+[^\\s]*$": "must be a web address starting with http:// or https://",
}


def _sentence(error: jsonschema.ValidationError) -> tuple[tuple[Any, ...], str]:
    """The path of the field at fault and what is wrong with it, in words."""
    path = tuple(error.absolute_path)
    v, value = error.validator, error.instance
    if v == "required":
        missing = error.message.split("'")[1]
        schema_path = list(error.absolute_schema_path)
        if "then" in schema_path:
            identity = ("named", "pseudonymous")[schema_path[schema_path.index("allOf") + 1]]
            return (*path, missing), f"is required when consent.identity is {identity}"
        return (*path, missing), "is required but missing"
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value)
        return path, f"{_describe(value)} is not one of: {allowed}"
    if v == "type":
        expected = error.validator_value
        kinds = " or ".join(_KIND.get(k, k) for k in ([expected] if isinstance(expected, str) else expected))
        return path, f"must be {kinds}, not {_describe(value)}"
    if v == "pattern":
        hint = _PATTERN_HINT.get(error.validator_value)
        if hint is None and "\\d{4}(-" in error.validator_value:
            hint = "must be a date: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those"
        if hint is None and "[A-Za-z]{2,3}" in error.validator_value:
            hint = "must be a language tag such as en, ar or ar-SY"
        if hint is None and "AND|OR|WITH" in error.validator_value:
            hint = "must be an SPDX licence id such as CC-BY-NC-4.0"
        return path, f"'{value}' {hint or 'is not in the expected form'}"
    if v == "oneOf" and path and path[-1] in ("event_date", "date"):
        return path, f"{_describe(value)} must be a date: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those"
    if v == "minItems":
        return path, "must list at least one entry" if error.validator_value == 1 else f"must have at least {error.validator_value} entries"
    if v == "maxItems":
        return path, f"must have at most {error.validator_value} entries"
    if v == "maxLength":
        return path, f"is longer than {error.validator_value} characters"
    if v == "minLength":
        return path, "must not be empty"
    if v in ("minimum", "maximum"):
        return path, f"{value} is out of range"
    if v == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return (*path, extra[0]) if extra else path, "is not a known field here"
    return path, error.message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return f"'{value}'"


def schema_problems(name: str, data: Any, display: str, lines: Lines) -> list[Problem]:
    """Every way `data` breaks the named schema, one problem each."""
    problems = []
    for error in _validator(name).iter_errors(jsonable(data)):
        if error.validator in ("allOf", "if", "then"):
            continue
        path, message = _sentence(error)
        problems.append(Problem(display, lines.of(*path), field_name(path), message))
    # allOf/if-then report their inner "required" errors through iter_errors already
    return sorted(set(problems), key=lambda p: (p.line or 0, p.field))
