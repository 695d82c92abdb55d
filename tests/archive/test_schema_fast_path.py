"""The compiled validator (jsonschema-rs) only ever says "valid" where jsonschema says so too.

`archive.schemas.schema_problems` asks the compiled validator first and returns no problems when
it accepts the data; otherwise jsonschema produces the problems, in the words users know. These
tests look for data the compiled validator accepts and jsonschema refuses (a problem the fast path
would hide), with a positive control: such data exists when the dialect guard is left out.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from archive import schemas
from tests.fuzz.strategies import fuzz_settings, odd_text

SAMPLE = next(Path(__file__).parents[2].joinpath("testimonies", "en").rglob("*.md"))


def _schema(name: str) -> dict[str, Any]:
    return json.loads((resources.files("archive") / "schema" / f"{name}.schema.json").read_text("utf-8"))


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


PATTERNS = sorted({p for name in schemas.SCHEMAS for p in _patterns(_schema(name))})


def _front_matter() -> dict[str, Any]:
    return schemas.jsonable(yaml.safe_load(SAMPLE.read_text("utf-8").split("---")[1]))


def _jsonschema_valid(name: str, data: Any) -> bool:
    return not any(True for _ in schemas._validator(name).iter_errors(data))


def _disagreements(pattern: str, guarded: bool) -> list[str]:
    """Code points that the compiled validator lets match `pattern` and Python's re does not.

    The Basic Multilingual Plane only: no code point beyond it is white space in either dialect,
    and the patterns' other classes are ASCII ranges and digits."""
    import jsonschema_rs
    fast = jsonschema_rs.validator_for({"$schema": "http://json-schema.org/draft-07/schema#",
                                        "type": "string", "pattern": pattern})
    compiled = re.compile(pattern)
    found = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (chr(code), "ab" + chr(code), "2014-0" + chr(code)):
            if guarded and not schemas._plain(text):
                continue
            if fast.is_valid(text) and compiled.search(text) is None:
                found.append(f"{code:#x}")
                break
    return found


@pytest.mark.slow
def test_no_character_is_accepted_by_the_compiled_validator_alone():
    for pattern in PATTERNS:
        assert _disagreements(pattern, guarded=True) == [], pattern


@pytest.mark.slow
def test_positive_control_the_dialects_do_differ_without_the_guard():
    assert "0x1c" in _disagreements(r"\S", guarded=False)


def test_the_fast_path_accepts_the_sample_and_jsonschema_agrees():
    data = _front_matter()
    assert schemas._surely_valid("testimony", data)
    assert _jsonschema_valid("testimony", data)


def test_a_white_space_title_is_refused_with_the_same_problem_either_way():
    data = {**_front_matter(), "title": "\x1c\x85"}
    assert not schemas._surely_valid("testimony", data)  # the guard sends it to jsonschema
    problems = schemas.schema_problems("testimony", data, "t.md", _NoLines())
    assert [p.field for p in problems] == ["title"]


class _NoLines:
    def of(self, *path: Any) -> None:
        return None


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats() | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=8,
)


@fuzz_settings(300)
@given(field=st.sampled_from(sorted(_schema("testimony")["properties"])), value=_VALUES,
       nested=st.sampled_from(["", "consent", "narrator", "recorded", "source"]))
def test_the_fast_path_never_hides_a_problem(field, value, nested):
    data = _front_matter()
    if nested and isinstance(data.get(nested), dict):
        data[nested] = {**data[nested], field: value}
    else:
        data[field] = value
    data = schemas.jsonable(data)
    if schemas._surely_valid("testimony", data):
        assert _jsonschema_valid("testimony", data)
