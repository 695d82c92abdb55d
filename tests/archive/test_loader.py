"""The loader: golden files for what it reads, and every outside error wrapped with path and line.

Each `golden/loader/<case>.md` is loaded and compared with `<case>.json`. After a
deliberate change, regenerate with `UPDATE_GOLDEN=1 pytest tests/archive/test_loader.py`
and read the JSON diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from archive.errors import InvalidFile, Problem
from archive.collection_files import load_collection_info, load_places
from archive.loader import load_testimony, parse_testimony
from archive.model import Testimony

GOLDEN = Path(__file__).parent / "golden" / "loader"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))


def as_json(t: Testimony) -> str:
    """Every field of a loaded testimony; dates both as written and as start/end."""

    def plain(value: Any) -> Any:
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, Path):
            return value.name
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    data = dataclasses.asdict(t)
    data["extra"] = dict(t.extra)
    return json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n"


def test_every_case_has_its_json() -> None:
    assert len(CASES) >= 9
    if not os.environ.get("UPDATE_GOLDEN"):
        assert sorted(p.stem for p in GOLDEN.glob("*.json")) == CASES


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    source = GOLDEN / f"{case}.md"
    expected = GOLDEN / f"{case}.json"
    actual = as_json(load_testimony(source))
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


def _same_but_name(a: Testimony, b: Testimony) -> None:
    """Two files that differ only in their id (and so bytes) must load to the same values."""
    strip = {"id": "", "path": Path(), "file_hash": ""}
    assert dataclasses.replace(a, **strip) == dataclasses.replace(b, **strip)
    assert dict(a.extra) == dict(b.extra)


def test_unquoted_dates_load_exactly_as_quoted_ones() -> None:
    unquoted = load_testimony(GOLDEN / "dates-unquoted.md")
    quoted = load_testimony(GOLDEN / "dates-quoted.md")
    _same_but_name(unquoted, quoted)
    assert unquoted.event_date.text == "2018"  # an int to YAML, written as the curator wrote it
    assert unquoted.recorded.date.text == "2018-08-10"  # a date to YAML
    assert unquoted.source is not None and unquoted.source.date is not None
    assert unquoted.source.date.text == "2019"
    assert unquoted.consent.date == dt.date(2019, 3, 2)
    assert unquoted.consent.embargo_until == dt.date(2020, 1, 1)
    assert unquoted.updated == dt.date(2019, 4, 1)


@pytest.mark.parametrize("case", ["crlf", "bom"])
def test_crlf_and_bom_load_exactly_as_plain_lf(case: str) -> None:
    raw = (GOLDEN / f"{case}.md").read_bytes()
    # the files must really be what they claim (a checkout that converts them would make this test vacuous)
    assert (b"\r\n" in raw) if case == "crlf" else raw.startswith(b"\xef\xbb\xbf")
    _same_but_name(load_testimony(GOLDEN / f"{case}.md"), load_testimony(GOLDEN / "minimal.md"))


def test_file_hash_is_the_first_12_hex_of_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    """The curators' edit-conflict token (never public: the public version hashes the public form)."""
    source = GOLDEN / "minimal.md"
    data = source.read_bytes()
    assert load_testimony(source).file_hash == hashlib.sha256(data).hexdigest()[:12]
    copy = tmp_path / "minimal.md"
    copy.write_bytes(data.replace(b"before we saw them", b"before we saw them!"))
    changed = load_testimony(copy)
    assert changed.file_hash == hashlib.sha256(copy.read_bytes()).hexdigest()[:12]
    assert changed.file_hash != load_testimony(source).file_hash


def test_extension_fields_are_kept() -> None:
    t = load_testimony(GOLDEN / "full.md")
    assert dict(t.extra) == {"interview_tape": "box 4, tape 2"}


# --- every outside error, wrapped with the path and the line --------------------------------------

HEAD = "---\nid: t\ntitle: T\nlanguage: en\n"  # lines 1-4
REST = ("narrator: {}\nconsent: {access: public, identity: anonymous, date: '2019-03-02', recorded_by: C}\n"
        "event_date: 2018\nplaces: [saraqib]\nthemes: [airstrikes]\nrecorded: {date: 2018, by: B, method: written}\n")


def problems_of(tmp_path: Path, data: bytes | str, name: str = "t.md") -> list[str]:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    with pytest.raises(InvalidFile) as info:
        load_testimony(path, display=name)
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return [str(p) for p in info.value.problems]


def test_a_valid_file_needs_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(HEAD + REST + "---\nBody.\n", encoding="utf-8")
    t = load_testimony(path)
    assert (t.id, t.title, t.body) == ("t", "T", "Body.\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(HEAD + "summary: a: b\n" + REST + "---\nBody\n",
                     "t.md:5: -: YAML syntax error: mapping values are not allowed in this context", id="yaml-syntax"),
        pytest.param(HEAD + "consent:\n  access: public\n identity: anonymous\n---\nBody\n",
                     "t.md:7: -: YAML syntax error: did not find expected key", id="yaml-indentation"),
        pytest.param(HEAD + "places: [saraqib, idlib\nthemes: [airstrikes]\n---\nBody\n",
                     "t.md:6: -: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence on line 5)",
                     id="yaml-unclosed-list"),
        pytest.param(HEAD + "\ttitle: T\n---\nBody\n",
                     "t.md:5: -: YAML syntax error: found a tab character that violates indentation", id="yaml-tab"),
        pytest.param("---\n- id: t\n- title: T\n---\nBody\n",
                     "t.md:2: -: front matter is a list, not a mapping: write one 'field: value' per line",
                     id="front-matter-list"),
        pytest.param("---\njust some words\n---\nBody\n",
                     "t.md:2: -: front matter is a single text, not a mapping: write one 'field: value' per line",
                     id="front-matter-text"),
        pytest.param("---\n---\nBody\n",
                     "t.md:2: -: front matter is empty: write one 'field: value' per line", id="front-matter-empty"),
        pytest.param("---\n# only a comment\n\n---\nBody\n",
                     "t.md:2: -: front matter is empty: write one 'field: value' per line", id="front-matter-comment"),
    ],
)
def test_yaml_and_shape_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_of(tmp_path, text) == [expected]


def test_no_front_matter(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "Just an account, with no fields.\n")
    assert problem.startswith("t.md:1: -: has no front matter")


def test_front_matter_never_closed(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, HEAD + REST + "Body without the closing line.\n")
    assert problem.startswith("t.md:1: -: ")
    assert "not closed" in problem and "'---'" in problem


def test_yaml_error_names_the_line_where_an_unclosed_quote_opens(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, HEAD + 'summary: "never closed\n' + REST + "---\nBody\n")
    assert problem.startswith("t.md:")
    assert "YAML syntax error" in problem
    assert problem.startswith("t.md:5: ") or "on line 5" in problem, problem


def test_yaml_unsafe_tags_are_refused(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, HEAD + "summary: !!python/object/apply:os.system ['true']\n---\nBody\n")
    assert problem.startswith("t.md:5: -: YAML syntax error: could not determine a constructor")


def test_bad_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    data = (HEAD + REST + "---\nFirst line.\n").encode() + "Second line, caf\xe9 in Latin-1.\n".encode("latin-1")
    line = data.count(b"\n")  # the bad byte is on the last line
    assert problems_of(tmp_path, data) == [f"t.md:{line}: -: is not UTF-8 text (byte 0xe9); save it as UTF-8"]


def test_bad_utf8_in_the_front_matter(tmp_path: Path) -> None:
    data = HEAD.encode() + b"summary: \xff\n"
    assert problems_of(tmp_path, data) == ["t.md:5: -: is not UTF-8 text (byte 0xff); save it as UTF-8"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(HEAD + "title: Again\n" + REST + "---\nBody\n",
                     "t.md:5: title: appears twice; only one value may be given", id="top-level"),
        pytest.param(HEAD + REST.replace("consent: {access: public,", "consent: {access: public, access: restricted,")
                     + "---\nBody\n",
                     "t.md:6: consent.access: appears twice; only one value may be given", id="nested"),
    ],
)
def test_duplicate_keys(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problems_of(tmp_path, text)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(HEAD + REST + "---\nBody\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(InvalidFile) as info:
            load_testimony(path, display="t.md")
    finally:
        path.chmod(0o644)
    assert [str(p) for p in info.value.problems] == ["t.md: -: cannot be read: permission denied"]


def test_a_file_that_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "t.md").symlink_to(tmp_path / "nowhere.md")
    assert problems_of_existing(tmp_path / "t.md") == ["t.md: -: cannot be read: no such file or directory"]
    (tmp_path / "folder.md").mkdir()
    assert problems_of_existing(tmp_path / "folder.md") == ["folder.md: -: cannot be read: is a directory"]


def problems_of_existing(path: Path) -> list[str]:
    with pytest.raises(InvalidFile) as info:
        load_testimony(path, display=path.name)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("line", "field", "expected_line"),
    [
        ("event_date: 2019-02-30\n", "event_date", 5),  # YAML itself cannot make a date of it
        ("event_date: 2018-13-01\n", "event_date", 5),
        ("updated: 2019-02-30\n", "updated", 5),
    ],
)
def test_impossible_unquoted_dates_are_problems_not_crashes(tmp_path: Path, line: str, field: str,
                                                            expected_line: int) -> None:
    rest = REST.replace("event_date: 2018\n", "") if field == "event_date" else REST
    found = problems_of(tmp_path, HEAD + line + rest + "---\nBody\n")
    assert [p for p in found if p.startswith(f"t.md:{expected_line}: {field}: ")], found


def test_near_miss_field_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(HEAD + "summery: A typo of summary.\ncolour: blue\n" + REST + "---\nBody\n", encoding="utf-8")
    testimony, problems, _ = parse_testimony(path, "t.md")
    assert testimony is not None and testimony.summary is None
    assert dict(testimony.extra) == {"summery": "A typo of summary.", "colour": "blue"}
    assert [str(p) for p in problems] == [
        "t.md:5: summery: warning: is not a field of the format (see docs/format.md; kept as an extension); did you mean 'summary'?"
    ]
    assert load_testimony(path).extra["colour"] == "blue"  # warnings do not stop loading


def test_a_problem_without_a_line_prints_the_path_alone() -> None:
    assert str(Problem("a.md", None, "-", "is missing")) == "a.md: -: is missing"
    assert str(Problem("a.md", 3, "title", "x", warning=True)) == "a.md:3: title: warning: x"


def test_yaml_files_with_a_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "places.yaml"
    path.write_bytes(b"\xef\xbb\xbf- id: saraqib\r\n  name: Saraqib\r\n  type: city\r\n")
    places, _, problems = load_places(path, "places.yaml")
    assert problems == [] and [p.id for _, p in places] == ["saraqib"]
    path = tmp_path / "collection.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: T\r\npublisher: P\r\nbase_url: https://a.example\r\n")
    info, problems = load_collection_info(path, "collection.yaml")
    assert problems == [] and info is not None and info.permalink("x") == "https://a.example/t/x"


# --- the wrong shape anywhere is a problem with a line, never a crash ------------------------------

VALID = HEAD + REST + "---\nBody\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("places: [saraqib]", "places: [[saraqib]]", "t.md:8: places[0]: must be text, not a list"),
        ("places: [saraqib]", "places: saraqib", "t.md:8: places: must be a list, not 'saraqib'"),
        ("narrator: {}", "narrator: 5", "t.md:5: narrator: must be a mapping (key: value lines), not '5'"),
        ("consent: {access: public, identity: anonymous, date: '2019-03-02', recorded_by: C}", "consent: [public]",
         "t.md:6: consent: must be a mapping (key: value lines), not a list"),
        ("recorded: {date: 2018,", "recorded: {date: [2018],",
         "t.md:10: recorded.date: a list must be a date: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those"),
        ("event_date: 2018", "event_date: true", "t.md:7: event_date: 'true' must be a date"),
        ("event_date: 2018", "event_date:", "t.md:7: event_date: nothing must be a date"),
        ("event_date: 2018", "event_date: 1.5", "t.md:7: event_date: '1.5' must be a date"),
        ("event_date: 2018", "event_date: 99", "t.md:7: event_date: '99' must be a date"),
        ("event_date: 2018", "event_date: 2018-08-10 10:00:00", "t.md:7: event_date: '2018-08-10 10:00:00' must be a date"),
        ("date: '2019-03-02'", "date: 2019-03-02T10:00:00",
         "t.md:6: consent.date: '2019-03-02T10:00:00' must be a full date, YYYY-MM-DD"),
        ("date: '2019-03-02'", "date: 2019", "t.md:6: consent.date: must be text, not '2019'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\nstatus:", "t.md:10: status: nothing is not one of: draft, published"),
        ("themes: [airstrikes]", "themes: [airstrikes]\ncontributors: [5]",
         "t.md:10: contributors[0]: must be a mapping (key: value lines), not '5'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\nsource: somewhere",
         "t.md:10: source: must be a mapping (key: value lines), not 'somewhere'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\nsource: {url: 5}", "t.md:10: source.url: must be text, not '5'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\ncontent_warnings: death",
         "t.md:10: content_warnings: must be a list, not 'death'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\nupdated: 2019-02-30",
         "t.md:10: updated: '2019-02-30' is not a real calendar date"),
        ("title: T", "title:", "t.md:3: title: must be text, not nothing"),
        ("id: t", "id: 1", "t.md:2: id: must be text, not '1'"),
        ("themes: [airstrikes]", "themes: [airstrikes]\n? [a, b]\n: c", "t.md:10: -: YAML syntax error: found unhashable key"),
    ],
)
def test_wrong_shapes_are_problems(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in VALID
    found = problems_of(tmp_path, VALID.replace(old, new, 1))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_odd_but_valid_yaml_loads(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(VALID.replace("themes: [airstrikes]", "themes: [airstrikes]\n1: number key\n"
                                  "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2"), encoding="utf-8")
    assert dict(load_testimony(path).extra) == {1: "number key", "base": {"x": 1}, "other": {"x": 1, "y": 2}}
