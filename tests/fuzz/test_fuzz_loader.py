"""Fuzzing the front-matter loader and `archive check` (Hypothesis; bounded, deterministic).

Whatever bytes a testimony file holds, reading it gives a valid `Testimony` or `Problem`s that
each name the file and a line, and `archive check` says so in one line per problem; never
another exception. A valid testimony written by `archive new` loads back with the values given.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, example, given
from hypothesis import strategies as st

from archive import model as m
from archive.collection import load_collection
from archive.consent import hidden_name_leaks
from archive.errors import ArchiveError, InvalidFile, Problem
from archive.loader import load_testimony, parse_testimony
from archive.text import fold

from tests.fuzz.strategies import fuzz_settings, ODD_CHARACTERS, odd_text
from tests.support import builder, consent_table

STEM = "fuzzed"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """A content directory with the web tests' gazetteer and themes and one public testimony."""
    root = consent_table.write(tmp_path_factory.mktemp("fuzz-loader") / "content",
                             (consent_table.ROW_BY_NAME["public"],))
    (root / "en").mkdir(exist_ok=True)
    return root


def _lines_in(data: bytes) -> int:
    """An upper bound of the lines a reader may count: YAML also breaks lines at NEL, LS and PS."""
    text = data.decode("utf-8", "replace")
    return sum(text.count(c) for c in "\n\r\x85\u2028\u2029") + 2


def assert_problem_names_its_place(problem: Problem, display: str, data: bytes) -> None:
    assert isinstance(problem, Problem), problem
    assert problem.path == display, problem
    assert isinstance(problem.line, int) and 1 <= problem.line <= _lines_in(data), problem
    assert isinstance(problem.field, str) and problem.field, problem
    assert isinstance(problem.message, str) and problem.message.strip(), problem
    text = str(problem)
    assert text.startswith(f"{display}:{problem.line}: "), text
    assert len(text.splitlines()) == 1, f"a problem must be one line: {text!r}"


def assert_only_our_outcomes(path: Path, data: bytes) -> m.Testimony | None:
    """The file's outcome through every door of the loader and the validator, checked."""
    path.write_bytes(data)
    display = str(path)
    testimony, problems, _ = parse_testimony(path, display)
    for problem in problems:
        assert_problem_names_its_place(problem, display, data)
    errors = [p for p in problems if not p.warning]
    assert (testimony is None) == bool(errors), (testimony, errors)
    try:
        loaded = load_testimony(path, display)
    except InvalidFile as exc:
        assert testimony is None
        assert exc.problems == errors
        loaded = None
    except ArchiveError:  # any of ours is a fair answer, as long as it is ours
        loaded = None
    if loaded is not None:
        assert loaded == testimony
        assert loaded.id == path.stem
        assert isinstance(loaded.title, str) and loaded.title.strip()
        assert loaded.places and loaded.themes
    # The whole collection through the validator `archive check` runs: the other file stays valid.
    collection = load_collection(path.parents[1])
    for problem in collection.problems:
        if problem.path == display:
            assert_problem_names_its_place(problem, display, data)
        else:
            assert problem.warning, problem
    assert "open-account" in collection.testimonies
    return testimony


# --- arbitrary bytes ------------------------------------------------------------------------------

def _frame(parts: tuple[bool, bool, str, bytes, str, bytes, bool]) -> bytes:
    bom, crlf, opening, front, closing, body, trailing_newline = parts
    text = (b"\xef\xbb\xbf" if bom else b"") + opening.encode() + front + closing.encode() + body
    if trailing_newline:
        text += b"\n"
    return text.replace(b"\n", b"\r\n") if crlf else text


framed_bytes = st.tuples(
    st.booleans(), st.booleans(),
    st.sampled_from(["---\n", "--- \n", "---", "", "\n---\n", "----\n", "---\t\n"]),
    st.binary(max_size=300),
    st.sampled_from(["\n---\n", "\n...\n", "\n---", "", "---\n", "\n--- x\n"]),
    st.binary(max_size=200),
    st.booleans(),
).map(_frame)


@fuzz_settings(100)
@given(data=st.one_of(st.binary(max_size=600), framed_bytes))
@example(data=b"")
@example(data=b"\xef\xbb\xbf---\n---\n")
@example(data=b"---\r\nid: fuzzed\r\n---\r\n")
@example(data=b"---\n\xff\xfe\n---\nbody")
@example(data=b"---\n- a\n- b\n---\nbody")
@example(data=b"---\n\x00\n---\n")
def test_arbitrary_bytes_give_a_testimony_or_our_problems(content, data):
    assert_only_our_outcomes(content / "en" / f"{STEM}.md", data)


# --- generated front matter -----------------------------------------------------------------------

def _valid_fields() -> dict[str, Any]:
    return builder.fields(STEM, "consent", **{"consent.note": "a note", "updated": "2019-04-01",
                                       "source": {"title": "Source", "url": "https://example.org/a",
                                                  "date": "2018-09-12"},
                                       "contributors": [{"name": "Sami", "role": "translator"}],
                                       "content_warnings": ["death"], "license": "CC-BY-4.0"})


FIELD_PATHS = (
    ("id",), ("title",), ("language",), ("translation_of",), ("narrator",), ("narrator", "name"),
    ("narrator", "pseudonym"), ("narrator", "description"), ("consent",), ("consent", "access"),
    ("consent", "identity"), ("consent", "date"), ("consent", "recorded_by"), ("consent", "embargo_until"),
    ("consent", "place_detail"), ("consent", "note"), ("event_date",), ("places",), ("places", 0),
    ("themes",), ("themes", 0), ("recorded",), ("recorded", "date"), ("recorded", "by"),
    ("recorded", "method"), ("contributors",), ("contributors", 0), ("contributors", 0, "role"),
    ("source",), ("source", "url"), ("source", "date"), ("license",), ("content_warnings",),
    ("summary",), ("status",), ("updated",),
)

date_like = st.one_of(
    st.sampled_from(["2019-02-30", "2019-13", "0000", "0000-01-01", "2018/2017", "2018-08/2018-07", "9999-12-31",
                     "2018-8", "18-08-2018", "2018-08-10T10:00:00", "2018-08-10 10:00", "٢٠١٨", "٢٠١٨-٠٨-١٠",
                     "２０１８", "2018-02-29", "2020-02-29", "2018/", "/2018", "2018//2019", " 2018 ", "2018-W33",
                     "+2018", "-2018", "1e3", "2018.5", "", "-", "10000", "2018-08-10/2018-08-10/2018"]),
    st.integers(min_value=-10, max_value=20000),
    st.dates(), st.datetimes(),
    st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?\Z", fullmatch=True),
)
enum_like = st.sampled_from(["public", "restricted", "withdrawn", "named", "pseudonymous", "anonymous",
                             "exact", "district", "governorate", "country", "written", "interview", "audio",
                             "video", "draft", "published", "Public", "PUBLIC", " public", "yes", "no",
                             "saraqib", "Saraqeb", "zqsecretvillage", "idlib-governorate", "airstrikes",
                             "violence", "open-account", STEM, "fuzzed-other", "en", "ar", "EN", "e", "english"])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80), st.floats(),
    odd_text, date_like, enum_like,
    st.sampled_from(["x" * 20_000, "\u202e" * 500, "[[redact: " * 3, "[[redact: a]] ]]", "---", "...",
                     "javascript:alert(1)", "http://", "https://exa mple.org", "https://\u202eexample.org",
                     "CC-BY-NC-4.0 OR", "MIT AND", "a\nb", "a\r\nb", "\x00", "\ufeff"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(["name", "role", "access", "date", "id", "x"]), odd_text,
                                  st.integers(-3, 3), st.booleans()), inner, max_size=4),
    ),
    max_leaves=10,
)
extra_keys = st.dictionaries(
    st.one_of(odd_text, st.sampled_from(["titel", "langauge", "narator", "consnet", "themse", "sumary", "x-extra",
                                         "ID", "Title", "places ", "1"])),
    values, max_size=3)


def _set(fields: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> None:
    target: Any = fields
    for key in path[:-1]:
        if isinstance(target, dict) and key in target:
            target = target[key]
        elif isinstance(target, list) and isinstance(key, int) and key < len(target):
            target = target[key]
        else:
            return
    last = path[-1]
    if isinstance(target, dict):
        if delete:
            target.pop(last, None)
        else:
            target[last] = value
    elif isinstance(target, list) and isinstance(last, int) and last < len(target):
        if delete:
            del target[last]
        else:
            target[last] = value


@st.composite
def mutated_front_matter(draw: st.DrawFn) -> dict[str, Any]:
    """A valid testimony's fields with a few of them removed or replaced by something odd."""
    fields = _valid_fields()
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(FIELD_PATHS))
        _set(fields, path, draw(values), delete=draw(st.booleans()) and draw(st.booleans()))
    fields.update(draw(extra_keys))
    return fields


file_wrapping = st.tuples(
    st.booleans(), st.booleans(),
    st.sampled_from(["---\n", "--- \n", "\n---\n", "---\n---\n", ""]),
    st.sampled_from(["---\n", "...\n", "--- \n", "", "---"]),
    st.one_of(st.just(consent_table.BODY), odd_text,
              st.sampled_from(["[[redact: never closed", "x ]] [[redact: a [[redact: b]]", "---\nmore\n---\n",
                               "\n\n\n", "# Title\n\n[[REDACT : x]]"])),
)


def _wrap(front: str, wrapping: tuple[bool, bool, str, str, str]) -> bytes:
    bom, crlf, opening, closing, body = wrapping
    text = ("\ufeff" if bom else "") + opening + front + closing + body
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")


@fuzz_settings(100)
@given(fields=mutated_front_matter(), wrapping=file_wrapping)
def test_generated_front_matter_gives_a_testimony_or_our_problems(content, fields, wrapping):
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=80)
    assert_only_our_outcomes(content / "en" / f"{STEM}.md", _wrap(front, wrapping))


YAML_PIECES = (
    "id: fuzzed", "title: T", "language: en", "narrator:", "  name: N", "consent:", "  access: public",
    "  identity: named", "  date: 2019-02-30", "  recorded_by: R", "event_date: 2018", "places: [saraqib]",
    "themes: [airstrikes]", "recorded: {date: 2018, by: B, method: audio}", "- a", "  - b", "{a: [b", "[", "]",
    "&a [1, 2]", "*a", "x: &anchor\n  y: 1", "z: *anchor", "<<: *anchor", "!!binary aGVsbG8=", "!!python/object:os.system",
    "!!python/name:os.system", "!!set {a, b}", "!!omap [a: 1]", "!!timestamp 2019-02-30", "!!timestamp 2019-01-01 25:00",
    "!!float nan", "!!int 0x_", "!!bool maybe", "? [a, b]\n: c", "? complex", "key: |\n  block\n   text",
    "key: >-\n  folded", "\t", "%YAML 1.1", "%TAG ! tag:x,2000:", "---", "...", '"unterminated', "'x''y'",
    "'unterminated", "~: null", "1: 2", "[1]: 2", "title: \"\\u202e\"", "title: \"\\x00\"", "title: \"\\ud800\"",
    "title: \"\\U0001F600\"", "key: value # comment", "#", "  ", "-", ":", "?", "@reserved", "`reserved",
    "id: fuzzed\nid: fuzzed", "consent: {access: public, access: restricted}", "places: []", "themes: ~",
    "event_date: 2018-08/2018-07", "updated: 2019-02-29",
)
yaml_text = st.lists(st.one_of(st.sampled_from(YAML_PIECES), odd_text,
                               st.text(alphabet=ODD_CHARACTERS + string.ascii_lowercase + " :-\n", max_size=30)),
                     max_size=14).map("\n".join)


@fuzz_settings(100)
@given(front=yaml_text, wrapping=file_wrapping)
@example(front="event_date: !!timestamp 2019-02-30", wrapping=(False, False, "---\n", "---\n", "x"))
@example(front="title: !!bool maybe\nplaces: !!int 0x_\nthemes: !!float x\nid: !!timestamp x",
         wrapping=(False, False, "---\n", "---\n", "x"))
@example(front="places: &a [*a]", wrapping=(False, False, "---\n", "---\n", "x"))
@example(front='consent: {"\\n": 1, "a\\u2028b": 2}\n"x\\ry": 3', wrapping=(False, False, "---\n", "---\n", "x"))
@example(front="id: " + "[" * 3000 + "]" * 3000, wrapping=(False, False, "---\n", "---\n", "x"))
@example(front="id: " + "{a: " * 3000 + "1" + "}" * 3000, wrapping=(False, False, "---\n", "---\n", "x"))
def test_yaml_ish_front_matter_gives_a_testimony_or_our_problems(content, front, wrapping):
    assert_only_our_outcomes(content / "en" / f"{STEM}.md", _wrap(front + "\n", wrapping))


def test_an_alias_bomb_is_refused_quickly(content):
    """Nine aliases nine deep would expand to 387 million values; the loader must not try."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    data = ("---\n" + "\n".join(lines) + "\n---\nbody\n").encode()
    start = dt.datetime.now()
    testimony = assert_only_our_outcomes(content / "en" / f"{STEM}.md", data)
    assert testimony is None
    assert (dt.datetime.now() - start).total_seconds() < 10


def test_a_front_matter_nested_200000_deep_is_a_problem_not_a_crash(content):
    """libyaml builds the tree recursively in C: without a depth check first, this file kills the process."""
    import subprocess
    import sys

    deep = content / "en" / "fuzzed-deep.md"
    deep.write_text("---\nid: fuzzed-deep\ntitle: " + "[" * 200_000 + "]" * 200_000 + "\n---\nbody\n", "utf-8")
    try:
        run = subprocess.run([sys.executable, "-c", "from archive.cli import main; main()", "check",
                              "--content", str(content)], capture_output=True, text=True, timeout=60)
    finally:
        deep.unlink()
    assert run.returncode == 1, (run.returncode, run.stderr[-500:])
    lines = [line for line in (run.stdout + run.stderr).splitlines() if "fuzzed-deep.md" in line]
    assert len(lines) == 1 and re.search(r"fuzzed-deep\.md:3: -: YAML nested more than 50 levels deep", lines[0]), lines


# --- a valid testimony round-trips through `archive new` -----------------------------------------

# Text a curator could type on one line: no controls or separators YAML would fold, stripped.
_TYPED = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), exclude_characters="\ufeff\x85")
typed_text = st.text(alphabet=st.one_of(_TYPED, st.sampled_from("سراقب إدلب éü -'\":#&*!|>%@`[]{}")),
                     min_size=1, max_size=40).map(str.strip).filter(lambda s: bool(s) and "[[" not in s)
slug = st.from_regex(r"\A[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}\Z", fullmatch=True)


@st.composite
def date_text(draw: st.DrawFn, interval: bool = True) -> str:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    forms = [f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}", day.isoformat()]
    text = draw(st.sampled_from(forms))
    if interval and draw(st.booleans()):
        later = day + dt.timedelta(days=draw(st.integers(0, 4000)))
        text += "/" + draw(st.sampled_from([f"{later.year:04d}", f"{later.year:04d}-{later.month:02d}",
                                              later.isoformat()]))
    return text


@st.composite
def new_testimony_flags(draw: st.DrawFn) -> dict[str, Any]:
    identity = draw(st.sampled_from(["named", "pseudonymous", "anonymous"]))
    given_values: dict[str, Any] = {
        "id": draw(slug), "title": draw(typed_text), "language": draw(st.sampled_from(["en", "ar", "fr", "ku", "en-GB"])),
        "event_date": draw(date_text()), "places": draw(st.lists(
            st.sampled_from(["saraqib", "Saraqeb", "سراقب", "idlib-governorate", "syria", "idlib-district"]),
            min_size=1, max_size=3)),
        "themes": draw(st.lists(st.sampled_from(["violence", "airstrikes", "displacement"]), min_size=1, max_size=3)),
        "recorded_date": draw(date_text()), "recorded_by": draw(typed_text),
        "method": draw(st.sampled_from(["written", "interview", "audio", "video"])),
        "access": draw(st.sampled_from(["public", "restricted", "withdrawn"])), "identity": identity,
        "consent_date": draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))).isoformat(),
        "consent_by": draw(typed_text),
        "embargo_until": draw(st.none() | st.dates(min_value=dt.date(1990, 1, 1)).map(dt.date.isoformat)),
        "place_detail": draw(st.none() | st.sampled_from(["exact", "district", "governorate", "country"])),
        "narrator_name": draw(typed_text) if identity == "named" or draw(st.booleans()) else None,
        "pseudonym": draw(typed_text) if identity == "pseudonymous" or draw(st.booleans()) else None,
        "narrator_description": draw(st.none() | typed_text), "summary": draw(st.none() | typed_text),
        "content_warnings": draw(st.lists(typed_text.filter(lambda s: "," not in s), max_size=3)),
        "license": draw(st.none() | st.sampled_from(["CC-BY-4.0", "CC-BY-NC-4.0", "MIT OR Apache-2.0"])),
        "status": draw(st.sampled_from(["draft", "published"])),
        "body": draw(st.one_of(st.just(consent_table.BODY), st.text(_TYPED, min_size=1, max_size=200).filter(
            lambda s: s.strip() and "[[" not in s and "]]" not in s), st.sampled_from([
                "One [[redact: hidden words]] two.\n\nA second *paragraph* with [a link](https://example.org).\n",
                "---\n\nA rule above, `code`, and\r\nWindows line endings.\n"]))),
    }
    return given_values


def _flags(values: dict[str, Any], body_file: Path) -> list[str]:
    args = ["--id", values["id"], "--title", values["title"], "--language", values["language"],
            "--event-date", values["event_date"], "--recorded-date", values["recorded_date"],
            "--recorded-by", values["recorded_by"], "--method", values["method"], "--access", values["access"],
            "--identity", values["identity"], "--consent-date", values["consent_date"],
            "--consent-by", values["consent_by"], "--status", values["status"], "--body", str(body_file)]
    for place in values["places"]:
        args += ["--place", place]
    for theme in values["themes"]:
        args += ["--theme", theme]
    for warning in values["content_warnings"]:
        args += ["--content-warning", warning]
    for flag, key in (("--embargo-until", "embargo_until"), ("--place-detail", "place_detail"),
                      ("--narrator-name", "narrator_name"), ("--pseudonym", "pseudonym"),
                      ("--narrator-description", "narrator_description"), ("--summary", "summary"),
                      ("--license", "license")):
        if values[key] is not None:
            args += [flag, values[key]]
    return args


def _would_leak_a_hidden_name(values: dict[str, Any]) -> bool:
    """The validator rightly refuses a hidden name that appears in public text; such draws are skipped."""
    hidden = [n for n in (values["narrator_name"] if values["identity"] != "named" else None,
                          values["pseudonym"] if values["identity"] == "anonymous" else None) if n]
    public = " ".join(str(values[k] or "") for k in ("title", "summary", "narrator_description", "body"))
    public += " ".join(values["content_warnings"])
    return any(len(fold(n)) >= 3 and fold(n) in fold(public) for n in hidden)


@pytest.fixture(scope="module")
def new_cli():
    """`archive ...` through the console entry point, archive.cli:main: (exit code, stdout + stderr)."""
    import contextlib
    import io

    from archive.cli import main

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return code, out.getvalue()

    return run


@fuzz_settings(20)
@given(values=new_testimony_flags())
def test_a_testimony_made_by_archive_new_loads_back_unchanged(content, tmp_path_factory, new_cli, values):
    assume(not _would_leak_a_hidden_name(values))
    home = tmp_path_factory.mktemp("new")
    body_file = home / "body.md"
    body_file.write_bytes(values["body"].encode("utf-8"))
    code, output = new_cli("new", "--no-input", "--content", str(content), "--instance", str(home / "instance"),
                           "--folder", "made", *_flags(values, body_file))
    assert code == 0, output
    path = content / "made" / f"{values['id']}.md"
    try:
        t = load_testimony(path)
        assert t.id == values["id"]
        assert t.title == values["title"]
        assert t.language == values["language"]
        assert t.event_date.text == values["event_date"]
        assert t.recorded.date.text == values["recorded_date"]
        assert t.recorded.by == values["recorded_by"]
        assert t.recorded.method.value == values["method"]
        assert list(t.themes) == list(dict.fromkeys(values["themes"]))  # a theme named twice is written once
        assert t.consent.access.value == values["access"]
        assert t.consent.identity.value == values["identity"]
        assert t.consent.date.isoformat() == values["consent_date"]
        assert t.consent.recorded_by == values["consent_by"]
        assert (t.consent.embargo_until.isoformat() if t.consent.embargo_until else None) == values["embargo_until"]
        assert t.consent.place_detail.value == (values["place_detail"] or "exact")
        assert t.narrator.name == values["narrator_name"]
        assert t.narrator.pseudonym == values["pseudonym"]
        assert t.narrator.description == values["narrator_description"]
        assert t.summary == values["summary"]
        assert list(t.content_warnings) == values["content_warnings"]
        assert t.license == values["license"]
        assert t.status.value == values["status"]
        # Windows line endings read as Unix ones (docs/format.md: the file reads the same either way)
        assert t.body == values["body"].replace("\r\n", "\n").strip() + "\n"
        assert not hidden_name_leaks(t)
        # The places, as ids, whichever name the curator typed; the whole collection stays clean.
        collection = load_collection(content)
        resolved = collection.places
        assert collection.get(values["id"]).places == tuple(dict.fromkeys(resolved.resolve(p) for p in values["places"]))
        assert [p for p in collection.errors if p.path.endswith(f"{values['id']}.md")] == []
    finally:
        path.unlink(missing_ok=True)


def test_archive_check_reports_a_fuzzed_file_in_one_line_per_problem(content, archive_cli):
    """The CLI's view of a file full of problems: exit 1, every line `path:line: field: message`."""
    bad = content / "en" / "fuzzed-cli.md"
    fields = _valid_fields()
    fields.update({"id": "fuzzed-cli", "event_date": "2019-02-30", "places": ["nowhere\u202e"], "title": "",
                   "consent": {"access": "maybe", "identity": "named", "date": "٢٠١٩-٠٣-٠٢", "recorded_by": 3}})
    bad.write_bytes(("\ufeff---\r\n" + yaml.safe_dump(fields, allow_unicode=True).replace("\n", "\r\n")
                     + "---\r\nbody [[redact: open\r\n").encode())
    try:
        code, out, err = archive_cli("check", "--content", content)
    finally:
        bad.unlink()
    assert code == 1
    lines = [line for line in (out + err).splitlines() if "fuzzed-cli.md" in line]
    assert len(lines) >= 5, out + err
    for line in lines:
        assert re.match(r"^\S*fuzzed-cli\.md:\d+: [\w.\[\]-]+: \S", line), line
    assert "Traceback" not in out + err
