"""`archive check`: every way a collection can be broken, reported as `path:line: field: message`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from archive.collection import check, load_collection

SHIPPED = Path(__file__).resolve().parents[2] / "testimonies"
T1 = "content/en/t1.md"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tmp_path, so the paths in messages read `content/...` as a curator would see them."""
    monkeypatch.chdir(tmp_path)


def line_of(text: str, start: str, after: str | None = None) -> int:
    """The number of the first line that starts with `start` (after the line starting with `after`)."""
    lines = text.splitlines()
    first = 0 if after is None else next(i for i, s in enumerate(lines) if s.startswith(after)) + 1
    return next(i for i, s in enumerate(lines) if i >= first and s.startswith(start)) + 1


def problem_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def errors_in(out: str) -> list[str]:
    return [line for line in problem_lines(out) if ": warning: " not in line]


# --- the shipped sample collection ----------------------------------------------------------------


def test_the_shipped_collection_is_clean(archive_cli: Callable[..., Any]) -> None:
    code, out, err = archive_cli("check", "--content", SHIPPED)
    assert (code, out) == (0, "")
    assert "no problems" in err


def test_a_clean_collection(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                            archive_cli: Callable[..., Any]) -> None:
    write_collection({"en/t1.md": make_testimony("t1"), "ar/t2.md": make_testimony("t2")})
    code, out, err = archive_cli("check", "--content", "content")
    assert (code, out) == (0, "")
    assert err == "content: 2 testimonies, 7 places, 4 themes: no problems.\n"


# --- one broken testimony, each way ----------------------------------------------------------------

# (case, changes, drop, body, line: (start[, after]) or a number, field, message)
REQUIRED = ["id", "title", "language", "narrator", "consent", "event_date", "places", "themes", "recorded"]
CASES: list[tuple[str, dict[str, Any], tuple[str, ...], str | None, Any, str, str]] = [
    *[(f"missing {f}", {}, (f,), None, 2, f, "is required but missing") for f in REQUIRED],
    *[(f"missing consent.{f}", {}, (f"consent.{f}",), None, ("consent:",), f"consent.{f}", "is required but missing")
      for f in ("access", "identity", "date", "recorded_by")],
    *[(f"missing recorded.{f}", {}, (f"recorded.{f}",), None, ("recorded:",), f"recorded.{f}",
       "is required but missing") for f in ("date", "by", "method")],
    ("empty places", {"places": []}, (), None, ("places:",), "places", "must list at least one entry"),
    ("empty themes", {"themes": []}, (), None, ("themes:",), "themes", "must list at least one entry"),
    ("empty title", {"title": "  "}, (), None, ("title:",), "title", "must not be empty"),
    ("title a list", {"title": ["a"]}, (), None, ("title:",), "title", "must be text, not a list"),
    ("bad access", {"consent.access": "secret"}, (), None, ("  access:",), "consent.access",
     "'secret' is not one of: public, restricted, withdrawn"),
    ("bad identity", {"consent.identity": "hidden"}, (), None, ("  identity:",), "consent.identity",
     "'hidden' is not one of: named, pseudonymous, anonymous"),
    ("bad method", {"recorded.method": "telepathy"}, (), None, ("  method:",), "recorded.method",
     "'telepathy' is not one of: written, interview, audio, video"),
    ("bad status", {"status": "final"}, (), None, ("status:",), "status", "'final' is not one of: draft, published"),
    ("bad place_detail", {"consent.place_detail": "street"}, (), None, ("  place_detail:",), "consent.place_detail",
     "'street' is not one of: exact, district, governorate, country"),
    ("bad contributor role", {"contributors": [{"name": "Lina", "role": "translator"}, {"name": "X", "role": "boss"}]},
     (), None, ("  role: boss",), "contributors[1].role",
     "'boss' is not one of: interviewer, translator, transcriber, editor"),
    ("contributor without role", {"contributors": [{"name": "Lina"}]}, (), None, ("- name: Lina",),
     "contributors[0].role", "is required but missing"),
    ("bad month", {"event_date": "2018-13"}, (), None, ("event_date:",), "event_date", "'2018-13' has no month 13"),
    ("bad day", {"event_date": "2019-02-30"}, (), None, ("event_date:",), "event_date",
     "'2019-02-30' is not a real calendar date"),
    ("not a leap year", {"recorded.date": "2019-02-29"}, (), None, ("  date: '2019-02-29'",), "recorded.date",
     "'2019-02-29' is not a real calendar date"),
    ("reversed interval", {"event_date": "2020-03/2020-02"}, (), None, ("event_date:",), "event_date",
     "the interval '2020-03/2020-02' ends before it starts"),
    ("words for a date", {"event_date": "last spring"}, (), None, ("event_date:",), "event_date", "'last spring'"),
    ("date with day first", {"recorded.date": "10/08/2018"}, (), None, ("  date: 10/08/2018",), "recorded.date",
     "'10/08/2018'"),
    ("consent date not a day", {"consent.date": "2019-03"}, (), None, ("  date: 2019-03",), "consent.date",
     "'2019-03' must be a full date, YYYY-MM-DD"),
    ("consent date impossible", {"consent.date": "2019-02-30"}, (), None, ("  date: '2019-02-30'",), "consent.date",
     "'2019-02-30' is not a real calendar date"),
    ("embargo not a date", {"consent.embargo_until": "someday"}, (), None, ("  embargo_until:",),
     "consent.embargo_until", "'someday' must be a full date, YYYY-MM-DD"),
    ("source date", {"source": {"date": "2018-02-31"}}, (), None, ("  date: '2018-02-31'",), "source.date",
     "'2018-02-31' is not a real calendar date"),
    ("source url", {"source": {"url": "example.org/x"}}, (), None, ("  url:",), "source.url",
     "'example.org/x' must be a web address starting with http:// or https://"),
    ("bad language", {"language": "English"}, (), None, ("language:",), "language",
     "'English' must be a language tag such as en, ar or ar-SY"),
    ("theme not a slug", {"themes": ["Air Strikes"]}, (), None, ("- Air Strikes",), "themes[0]",
     "'Air Strikes' must be a slug: lower-case a-z, 0-9 and single hyphens"),
    ("translation_of not a slug", {"translation_of": "T 2"}, (), None, ("translation_of:",), "translation_of",
     "'T 2' must be a slug"),
    ("id not the stem", {"id": "other-id"}, (), None, ("id:",), "id",
     "'other-id' must equal the file name's stem 't1'"),
    ("translation_of nothing", {"translation_of": "nothing-here"}, (), None, ("translation_of:",), "translation_of",
     "'nothing-here': no testimony has that id"),
    ("translation_of itself", {"translation_of": "t1"}, (), None, ("translation_of:",), "translation_of",
     "'t1': a testimony cannot translate itself"),
    ("named without name", {"consent.identity": "named"}, (), None, ("narrator:",), "narrator.name",
     "is required when consent.identity is named"),
    ("pseudonymous without pseudonym", {"consent.identity": "pseudonymous", "narrator.name": "Ahmad Khalil"}, (),
     None, ("narrator:",), "narrator.pseudonym", "is required when consent.identity is pseudonymous"),
    ("unknown place", {"places": ["saraqib", "Saraqeeb"]}, (), None, ("- Saraqeeb",), "places[1]",
     "unknown place 'Saraqeeb'; did you mean 'saraqib'?"),
    ("unknown place, no hint", {"places": ["Damascus"]}, (), None, ("- Damascus",), "places[0]",
     "unknown place 'Damascus'"),
    ("unknown theme", {"themes": ["airstrike"]}, (), None, ("- airstrike",), "themes[0]",
     "unknown theme 'airstrike'; did you mean 'airstrikes'?"),
    ("typo in a consent field", {"consent.embargo_untill": "2030-01-01"}, (), None, ("  embargo_untill:",),
     "consent.embargo_untill", "is not a known field here"),
    ("unclosed redaction", {}, (), "First paragraph.\n\nSecond, with [[redact: a passage\nnever closed.\n",
     ("Second, with",), "body", "a '[[redact:' passage is not closed with ']]'"),
    ("hidden name in body", {"narrator.name": "Ahmad Khalil"}, (), "I am ahmad khalil, a teacher.\n",
     ("  name: Ahmad Khalil",), "narrator.name",
     "the narrator's name is hidden by consent.identity: anonymous, but it appears in body; "
     "remove it or mark it [[redact: ...]]"),
    ("hidden name in summary", {"consent.identity": "pseudonymous", "narrator.name": "Ahmad Khalil",
                                "narrator.pseudonym": "Abu Sami", "summary": "Ahmad Khalil tells."}, (), None,
     ("  name: Ahmad Khalil",), "narrator.name", "but it appears in summary"),
    # docs/format.md (revision 2): what consent cannot hide, in any public field
    ("hidden name in recorded.by", {"narrator.name": "Ahmad Khalil", "recorded.by": "Ahmad Khalil (self-written)"},
     (), None, ("  name: Ahmad Khalil",), "narrator.name", "but it appears in recorded.by; remove it or mark it"),
    ("hidden name in contributors", {"narrator.name": "Ahmad Khalil",
                                     "contributors": [{"name": "Ahmad Khalil", "role": "transcriber"}]},
     (), None, ("  name: Ahmad Khalil",), "narrator.name", "but it appears in contributors.name"),
    ("hidden name in source", {"narrator.name": "Ahmad Khalil", "source": {"publisher": "The Ahmad Khalil blog"}},
     (), None, ("  name: Ahmad Khalil",), "narrator.name", "but it appears in source.publisher"),
    ("hidden name in content warnings", {"narrator.name": "Ahmad Khalil", "content_warnings": ["ahmad khalil"]},
     (), None, ("  name: Ahmad Khalil",), "narrator.name", "but it appears in content_warnings"),
    ("anonymous pseudonym in description", {"narrator.pseudonym": "Abu Sami",
                                            "narrator.description": "Known as Abu Sami"},
     (), None, ("  pseudonym: Abu Sami",), "narrator.pseudonym",
     "the narrator's name or pseudonym is hidden by consent.identity: anonymous, but it appears in "
     "narrator.description"),
    ("coarsened place in body", {"consent.place_detail": "governorate"}, (),
     "We lived in Idlib Governorate.\n\nThen we fled Saraqeb at dawn.\n", ("Then we fled",), "body",
     "names 'saraqeb', one of this testimony's places that consent.place_detail: governorate hides; "
     "remove it or mark it [[redact: ...]]"),
    ("coarsened place in title, in Arabic", {"consent.place_detail": "district", "title": "ليلة في سراقب"}, (), None,
     ("title:",), "title", "one of this testimony's places that consent.place_detail: district hides"),
    ("coarsened district in summary", {"consent.place_detail": "governorate", "summary": "Life in Idlib District."},
     (), None, ("summary:",), "summary", "names 'idlib district'"),
    ("control character in title", {"title": "A title with a bell \x07 in it"}, (), None, ("title:",), "title",
     "contains a control character"),
    ("line break in recorded.by", {"recorded.by": "Field\nteam"}, (), None, ("  by:",), "recorded.by",
     "contains a control character"),
    ("place_detail cannot coarsen", {"consent.place_detail": "district", "places": ["lonely-camp"]}, (), None,
     ("- lonely-camp",), "places[0]",
     "'lonely-camp' has no enclosing district in the gazetteer, so consent.place_detail: district cannot hide it"),
]


@pytest.mark.parametrize(("case", "changes", "drop", "body", "line", "field", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_one_broken_testimony(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                              archive_cli: Callable[..., Any], case: str, changes: dict[str, Any],
                              drop: tuple[str, ...], body: str | None, line: Any, field: str,
                              message: str) -> None:
    text = make_testimony("t1", changes, drop=drop, **({"body": body} if body else {}))
    write_collection({"en/t1.md": text, "en/fine.md": make_testimony("fine")})
    number = line if isinstance(line, int) else line_of(text, *line)
    code, out, err = archive_cli("check", "--content", "content")
    assert code == 1
    errors = errors_in(out)
    assert len(errors) == 1, f"one problem, reported once: {errors}"
    [error] = errors
    assert error.startswith(f"{T1}:{number}: {field}: "), error
    assert message in error
    assert err == "1 problem in 1 file.\n"
    assert "Traceback" not in out + err


def test_id_longer_than_80_characters(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                                      archive_cli: Callable[..., Any]) -> None:
    long_id = "a" * 81
    text = make_testimony(long_id)
    write_collection({f"en/{long_id}.md": text, f"en/{'b' * 80}.md": make_testimony("b" * 80)})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    assert errors_in(out) == [f"content/en/{long_id}.md:2: id: is longer than 80 characters"]


@pytest.mark.parametrize("bad_id", ["Bad_Id", "double--hyphen", "-leading", "trailing-", "café"])
def test_id_not_a_slug(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                       archive_cli: Callable[..., Any], bad_id: str) -> None:
    write_collection({f"en/{bad_id}.md": make_testimony(bad_id)})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    assert errors_in(out) == [
        f"content/en/{bad_id}.md:2: id: '{bad_id}' must be a slug: lower-case a-z, 0-9 and single hyphens"
    ]


def test_unquoted_impossible_date_is_a_problem_with_a_line(write_collection: Callable[..., Path],
                                                           make_testimony: Callable[..., str],
                                                           archive_cli: Callable[..., Any]) -> None:
    text = make_testimony("t1").replace("event_date: 2018-08", "event_date: 2019-02-30")
    text = text.replace("date: '2019-03-02'", "date: 2019-02-31")
    write_collection({"en/t1.md": text})
    code, out, err = archive_cli("check", "--content", "content")
    assert code == 1, err
    assert errors_in(out) == [
        f"{T1}:{line_of(text, '  date: 2019-02-31')}: consent.date: '2019-02-31' is not a real calendar date",
        f"{T1}:{line_of(text, 'event_date:')}: event_date: '2019-02-30' is not a real calendar date",
    ]


def test_duplicate_ids_in_two_folders(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                                      archive_cli: Callable[..., Any]) -> None:
    write_collection({"ar/dup.md": make_testimony("dup"), "en/2019/dup.md": make_testimony("dup")})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    # docs/format.md: neither copy is published, so check names both files, each pointing at the other
    assert errors_in(out) == [
        "content/ar/dup.md:2: id: 'dup' is also the id of content/en/2019/dup.md; ids must be unique, "
        "and neither copy is published until one is removed or renamed",
        "content/en/2019/dup.md:2: id: 'dup' is also the id of content/ar/dup.md; ids must be unique, "
        "and neither copy is published until one is removed or renamed"]


def test_translation_of_an_existing_testimony(write_collection: Callable[..., Path],
                                              make_testimony: Callable[..., str],
                                              archive_cli: Callable[..., Any]) -> None:
    write_collection({"en/t1.md": make_testimony("t1"),
                      "ar/t1-ar.md": make_testimony("t1-ar", {"language": "ar", "translation_of": "t1"})})
    assert archive_cli("check", "--content", "content")[0] == 0


# --- places and themes -----------------------------------------------------------------------------


def test_places_accepted_by_any_name_and_resolved_to_ids(write_collection: Callable[..., Path],
                                                         make_testimony: Callable[..., str],
                                                         archive_cli: Callable[..., Any]) -> None:
    names = ["Saraqeb", "SARAKIB", "سراقب", "Ma'arrat al-Nu'man", "معرة النعمان", "مَعَرَّة النُّعْمَان",
             "إدلب", "ادلب", "أدلب", "Idlib Province"]
    root = write_collection({"en/t1.md": make_testimony("t1", {"places": names})})
    code, out, err = archive_cli("check", "--content", "content")
    assert (code, out) == (0, ""), out
    assert load_collection(root).testimonies["t1"].places == (
        "saraqib", "maarrat-al-numan", "idlib", "idlib-governorate")


PLACES_BROKEN = """\
- id: syria
  name: "Syria"
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  type: province
- id: saraqib
  name: "Saraqib"
  type: city
  parent: syri
- id: syria
  name: "Syria again"
  type: country
- id: kafr-nabl
  name: "Kafr Nabl"
  aliases: ["Saraqib"]
  type: town
- id: a-town
  name: "A town"
  type: town
  parent: b-town
- id: b-town
  name: "B town"
  type: town
  parent: a-town
- id: Bad Id
  name: "Bad"
  type: town
- id: no-name
  type: town
- id: far-away
  name: "Far away"
  type: town
  coordinates: [135.0, 36.0]
"""


def test_every_problem_of_the_gazetteer(write_collection: Callable[..., Path], archive_cli: Callable[..., Any]) -> None:
    write_collection(places=PLACES_BROKEN)
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    p = "content/places.yaml"
    at = lambda s, after=None: line_of(PLACES_BROKEN, s, after)  # noqa: E731
    expected = [
        (at("  type: province"), "[1].type",
         "'province' is not one of: country, governorate, district, subdistrict, city, town, village, camp, site"),
        (at("  parent: syri"), "[2].parent", "unknown place 'syri'; did you mean 'syria'?"),
        (at("- id: syria", "- id: saraqib"), "[3].id", "'syria' is already the id of the place on line 1"),
        (at("- id: kafr-nabl"), "[4]", "the name 'Saraqib' of 'kafr-nabl' already names 'saraqib'"),
        (at("  parent: b-town"), "[5].parent", "forms a cycle: a-town -> b-town -> a-town"),
        (at("- id: Bad Id"), "[7].id", "'Bad Id' must be a slug"),
        (at("- id: no-name"), "[8].name", "is required but missing"),
        (at("  coordinates:"), "[9].coordinates[0]", "135.0 is out of range"),
    ]
    errors = errors_in(out)
    for line, field, message in expected:
        assert [e for e in errors if e.startswith(f"{p}:{line}: {field}: ") and message in e], (line, field, errors)
    assert len(errors) == len(expected), errors


THEMES_BROKEN = """\
- id: violence
  label: "Violence"
  broader: airstrikes
- id: airstrikes
  label: "Airstrikes"
  broader: violence
- id: barrel-bombs
  label: "Barrel bombs"
  broader: airstrike
- id: displacement
- id: violence
  label: "Violence again"
"""


def test_every_problem_of_the_themes(write_collection: Callable[..., Path], archive_cli: Callable[..., Any]) -> None:
    write_collection(themes=THEMES_BROKEN)
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    p = "content/themes.yaml"
    at = lambda s, after=None: line_of(THEMES_BROKEN, s, after)  # noqa: E731
    expected = [
        (at("  broader: airstrikes"), "[0].broader", "forms a cycle: violence -> airstrikes -> violence"),
        (at("  broader: airstrike", "- id: barrel-bombs"), "[2].broader", "unknown theme 'airstrike'; did you mean 'airstrikes'?"),
        (at("- id: displacement"), "[3].label", "is required but missing"),
        (at("- id: violence", "- id: displacement"), "[4].id", "'violence' is already the id of the theme on line 1"),
    ]
    errors = errors_in(out)
    for line, field, message in expected:
        assert [e for e in errors if e.startswith(f"{p}:{line}: {field}: ") and message in e], (line, field, errors)
    assert len(errors) == len(expected), errors


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("places.yaml", "id: syria\nname: Syria\n", "content/places.yaml:1: -: must be a list, not a mapping"),
        ("themes.yaml", "- id: a\n  label: [A\n", "content/themes.yaml:3: -: YAML syntax error"),
        ("collection.yaml", "title: T\npublisher: P\n", "content/collection.yaml:1: base_url: is required but missing"),
        ("collection.yaml", "title: T\npublisher: P\nbase_url: archive.example.org\n",
         "content/collection.yaml:3: base_url: 'archive.example.org' must be a web address"),
        ("collection.yaml", "- title\n", "content/collection.yaml:1: -: must be a mapping"),
    ],
)
def test_broken_collection_files(write_collection: Callable[..., Path], archive_cli: Callable[..., Any],
                                 name: str, text: str, expected: str) -> None:
    write_collection(**{name.removesuffix(".yaml"): text})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    assert [e for e in errors_in(out) if e.startswith(expected)], out


@pytest.mark.parametrize("missing", ["collection", "places", "themes"])
def test_missing_collection_files(write_collection: Callable[..., Path], archive_cli: Callable[..., Any],
                                  missing: str) -> None:
    write_collection(**{missing: None})
    code, out, err = archive_cli("check", "--content", "content")
    assert code == 1
    assert errors_in(out) == [f"content/{missing}.yaml: -: is missing: every collection needs a {missing}.yaml "
                              "(see docs/format.md)"]
    assert "Traceback" not in err


# --- every problem in one run -----------------------------------------------------------------------


def test_every_problem_of_a_collection_broken_in_many_files(write_collection: Callable[..., Path],
                                                            make_testimony: Callable[..., str],
                                                            archive_cli: Callable[..., Any]) -> None:
    files = {
        "en/ok.md": make_testimony("ok"),
        "en/a.md": make_testimony("a", {"consent.access": "secret", "event_date": "2018-13"}, drop=("title",)),
        "en/b.md": make_testimony("b", {"themes": ["airstrike"], "places": ["Saraqeeb"]}),
        "en/c.md": make_testimony("not-c"),
        "ar/d.md": make_testimony("d", {"translation_of": "missing"}),
        "ar/e.md": "no front matter here\n",
        "ar/f.md": b"---\nid: f\ntitle: \xff\n---\n",
        "ar/g/ok.md": make_testimony("ok"),
    }
    write_collection(files, places=ARCHIVE_PLACES_WITH_A_CYCLE)
    code, out, err = archive_cli("check", "--content", "content")
    assert code == 1
    errors = errors_in(out)
    expected_files = {
        "content/en/a.md": 3, "content/en/b.md": 2, "content/en/c.md": 1, "content/ar/d.md": 1,
        "content/ar/e.md": 1, "content/ar/f.md": 1, "content/en/ok.md": 1, "content/ar/g/ok.md": 1,
        "content/places.yaml": 1,
    }
    counted = {f: sum(1 for e in errors if e.startswith(f + ":")) for f in expected_files}
    assert counted == expected_files, errors
    assert len(errors) == sum(expected_files.values())
    assert err == f"{len(errors)} problems in {len(expected_files)} files.\n"
    # sorted by file, then line
    keys = [(e.split(":")[0], int(e.split(":")[1]) if e.split(":")[1].isdigit() else 0) for e in errors]
    assert keys == sorted(keys)


ARCHIVE_PLACES_WITH_A_CYCLE = """\
- id: saraqib
  name: "Saraqib"
  type: city
  parent: idlib-district
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: saraqib
"""


def test_one_file_with_several_problems_reports_them_all(write_collection: Callable[..., Path],
                                                          make_testimony: Callable[..., str],
                                                          archive_cli: Callable[..., Any]) -> None:
    """A bad date must not hide the unknown theme and place in the same file until the next run."""
    text = make_testimony("t1", {"event_date": "2018-13", "themes": ["airstrike"], "places": ["Saraqeeb"]})
    write_collection({"en/t1.md": text})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    assert errors_in(out) == [
        f"{T1}:{line_of(text, 'event_date:')}: event_date: '2018-13' has no month 13",
        f"{T1}:{line_of(text, '- Saraqeeb')}: places[0]: unknown place 'Saraqeeb'; did you mean 'saraqib'?",
        f"{T1}:{line_of(text, '- airstrike')}: themes[0]: unknown theme 'airstrike'; did you mean 'airstrikes'?",
    ]


# --- extensions and ignored files -------------------------------------------------------------------


def test_near_miss_extension_field_is_a_warning(write_collection: Callable[..., Path],
                                                make_testimony: Callable[..., str],
                                                archive_cli: Callable[..., Any]) -> None:
    text = make_testimony("t1", {"summery": "A typo."})
    write_collection({"en/t1.md": text})
    code, out, err = archive_cli("check", "--content", "content")
    assert code == 0
    assert problem_lines(out) == [
        f"{T1}:{line_of(text, 'summery:')}: summery: warning: is not a field of the format (see docs/format.md; kept as an extension); "
        "did you mean 'summary'?"
    ]
    assert "no problems" in err


def test_other_extension_fields_are_silently_accepted(write_collection: Callable[..., Path],
                                                      make_testimony: Callable[..., str],
                                                      archive_cli: Callable[..., Any]) -> None:
    root = write_collection({"en/t1.md": make_testimony("t1", {"interview_tape": "box 4", "x_rating": 3,
                                                               "transcript": {"pages": 12}})})
    code, out, _ = archive_cli("check", "--content", "content")
    assert (code, out) == (0, "")
    assert dict(load_collection(root).testimonies["t1"].extra) == {
        "interview_tape": "box 4", "x_rating": 3, "transcript": {"pages": 12}}


def test_other_files_and_hidden_folders_are_ignored(write_collection: Callable[..., Path],
                                                    make_testimony: Callable[..., str],
                                                    archive_cli: Callable[..., Any]) -> None:
    write_collection({"en/t1.md": make_testimony("t1"), "notes.txt": "not: [yaml", "en/extra.yaml": "- [",
                      ".git/broken.md": "no front matter", "en/.draft.md": "no front matter",
                      "en/image.png": b"\x89PNG\r\n\x1a\n\xff"})
    code, out, _ = archive_cli("check", "--content", "content")
    assert (code, out) == (0, "")


def test_check_as_a_library_function_sorts_by_file_and_line(write_collection: Callable[..., Path],
                                                            make_testimony: Callable[..., str]) -> None:
    root = write_collection({"en/b.md": make_testimony("b", {"status": "x", "consent.access": "y"}),
                             "en/a.md": make_testimony("a", {"themes": ["nope"]})})
    problems = check(root)
    assert [(p.path, p.field) for p in problems] == [
        ("content/en/a.md", "themes[0]"), ("content/en/b.md", "consent.access"), ("content/en/b.md", "status")]
    assert all(re.fullmatch(r"\d+", str(p.line)) for p in problems)


@pytest.mark.parametrize(("tid", "changes", "field", "message"), [
    ("ahmad-khalil-story", {"narrator.name": "Ahmad Khalil"}, "narrator.name",
     "the narrator's name is hidden by consent.identity: anonymous, but it appears in the id; "
     "rename the file and its id"),
    ("night-of-umm-sami", {"consent.identity": "anonymous", "narrator.pseudonym": "Umm Sami"}, "narrator.pseudonym",
     "but it appears in the id; rename the file and its id"),
    ("saraqeb-night-2019", {"consent.place_detail": "district"}, "id",
     "names 'saraqeb', one of this testimony's places that consent.place_detail: district hides; "
     "rename the file and its id"),
])
def test_a_hidden_name_or_coarsened_place_in_the_id(write_collection: Callable[..., Path],
                                                    make_testimony: Callable[..., str],
                                                    archive_cli: Callable[..., Any], tid: str,
                                                    changes: dict[str, Any], field: str, message: str) -> None:
    text = make_testimony(tid, changes)
    write_collection({f"en/{tid}.md": text, "en/fine.md": make_testimony("fine", changes)})
    code, out, _ = archive_cli("check", "--content", "content")
    assert code == 1
    line = line_of(text, {"id": "id:", "narrator.name": "  name:", "narrator.pseudonym": "  pseudonym:"}[field])
    [error] = errors_in(out)
    assert error.startswith(f"content/en/{tid}.md:{line}: {field}: ") and message in error
    # the same names elsewhere in the id are not a problem: "ahmad" alone, or a place the public sees
    write_collection({f"en/{tid}.md": make_testimony("ahmad-idlib-governorate-story", changes)})
    (Path("content") / "en" / f"{tid}.md").rename(Path("content") / "en" / "ahmad-idlib-governorate-story.md")
    assert archive_cli("check", "--content", "content")[0] == 0


def test_what_is_redacted_or_shown_is_not_a_problem(write_collection: Callable[..., Path],
                                                    make_testimony: Callable[..., str],
                                                    archive_cli: Callable[..., Any]) -> None:
    """The positive side of the rules above: a redacted village, the governorate the public sees, another
    city, and two contributors whose names side by side would spell the hidden name."""
    changes = {"consent.place_detail": "governorate", "narrator.name": "Ahmad Khalil",
               "title": "Leaving [[redact: Saraqeb]] for Idlib Governorate",
               "contributors": [{"name": "Ahmad", "role": "translator"}, {"name": "Khalil", "role": "editor"}]}
    body = "We left [[redact: Saraqib]] at dawn and reached the city of Idlib by noon.\n"
    write_collection({"en/t1.md": make_testimony("t1", changes, body=body)})
    code, out, err = archive_cli("check", "--content", "content")
    assert (code, errors_in(out)) == (0, []), out + err
