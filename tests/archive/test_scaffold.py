"""`archive new`: a testimony file that is valid from the start, and never overwrites one."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from archive.collection import load_collection
from archive.errors import ArchiveError
from archive.loader import load_testimony
from archive.model import Access, Identity, Method, PlaceDetail, Status
from archive.store.scaffold import Draft, render, write_new_file

FLAGS = [
    "--title", "The night of the strike", "--language", "en", "--event-date", "2018-08-10",
    "--place", "saraqib", "--theme", "airstrikes", "--theme", "displacement",
    "--recorded-date", "2018-09", "--recorded-by", "Syrian Oral History Project", "--method", "interview",
    "--consent-by", "Lina Haddad",
]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def content(write_collection: Callable[..., Path], make_testimony: Callable[..., str]) -> Path:
    return write_collection({"en/existing.md": make_testimony("existing")})


def files_in(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def front_matter(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_new_from_flags_round_trips(archive_cli: Callable[..., Any], content: Path) -> None:
    code, out, err = archive_cli(
        "new", "--no-input", "--content", content, *FLAGS,
        "--identity", "named", "--narrator-name", "Ahmad Khalil", "--narrator-description", "A teacher",
        "--access", "public", "--consent-date", "2019-03-02", "--embargo-until", "2030-01-01",
        "--place-detail", "district", "--summary", "Homes were hit at night.",
        "--content-warning", "death", "--content-warning", "children", "--license", "CC-BY-4.0",
        "--translation-of", "existing", "--status", "published",
    )
    assert (code, err) == (0, ""), err
    path = content / "en" / "the-night-of-the-strike.md"
    assert out == f"Created content/en/the-night-of-the-strike.md (status: published); " \
                  "edit the account, then run 'archive check'.\n"
    assert archive_cli("check", "--content", content)[:2] == (0, "")
    t = load_testimony(path)
    assert (t.id, t.title, t.language, t.translation_of) == (
        "the-night-of-the-strike", "The night of the strike", "en", "existing")
    assert (t.narrator.name, t.narrator.pseudonym, t.narrator.description) == ("Ahmad Khalil", None, "A teacher")
    c = t.consent
    assert (c.access, c.identity, c.date, c.recorded_by, c.embargo_until, c.place_detail, c.note) == (
        Access.PUBLIC, Identity.NAMED, dt.date(2019, 3, 2), "Lina Haddad", dt.date(2030, 1, 1),
        PlaceDetail.DISTRICT, None)
    assert t.event_date.text == "2018-08-10"
    assert (t.places, t.themes) == (("saraqib",), ("airstrikes", "displacement"))
    assert (t.recorded.date.text, t.recorded.by, t.recorded.method) == (
        "2018-09", "Syrian Oral History Project", Method.INTERVIEW)
    assert (t.summary, t.content_warnings, t.license, t.status) == (
        "Homes were hit at night.", ("death", "children"), "CC-BY-4.0", Status.PUBLISHED)
    assert "[[redact:" in t.body  # the placeholder shows how to redact


def test_new_defaults(archive_cli: Callable[..., Any], content: Path) -> None:
    code, _, err = archive_cli("new", "--no-input", "--content", content, *FLAGS)
    assert code == 0, err
    t = load_collection(content).testimonies["the-night-of-the-strike"]
    assert (t.status, t.consent.access, t.consent.identity) == (Status.DRAFT, Access.PUBLIC, Identity.ANONYMOUS)
    assert t.consent.date == dt.date.today()
    assert t.consent.place_detail is PlaceDetail.EXACT


ACCOUNT = "We heard the planes.\n\nThen [[redact: my cousin]] came.\n"


def test_new_takes_the_body_from_a_file(archive_cli: Callable[..., Any], content: Path, tmp_path: Path) -> None:
    body = tmp_path / "account.md"
    body.write_text(ACCOUNT, encoding="utf-8")
    assert archive_cli("new", "--no-input", "--content", content, *FLAGS, "--id", "from-file", "--body", body)[0] == 0
    assert load_testimony(content / "en" / "from-file.md").body == ACCOUNT


def test_new_takes_the_body_from_stdin(content: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "archive"), "new", "--no-input", "--content",
                             str(content), *FLAGS, "--id", "from-stdin", "--body", "-"],
                            input=ACCOUNT, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert load_testimony(content / "en" / "from-stdin.md").body == ACCOUNT


def test_new_resolves_a_place_given_by_any_name(archive_cli: Callable[..., Any], content: Path) -> None:
    flags = [f for f in FLAGS if f != "saraqib"]
    flags.remove("--place")
    code, _, err = archive_cli("new", "--no-input", "--content", content, *flags,
                               "--place", "Saraqeb", "--place", "إِدْلِب", "--place", "Idlib Province")
    assert code == 0, err
    path = content / "en" / "the-night-of-the-strike.md"
    assert front_matter(path)["places"] == ["saraqib", "idlib", "idlib-governorate"]
    assert archive_cli("check", "--content", content)[0] == 0


def test_new_writes_into_a_folder(archive_cli: Callable[..., Any], content: Path) -> None:
    flags = [f if f != "en" else "ar" for f in FLAGS]
    assert archive_cli("new", "--no-input", "--content", content, *flags, "--id", "in-ar")[0] == 0
    assert (content / "ar" / "in-ar.md").is_file()
    assert archive_cli("new", "--no-input", "--content", content, *FLAGS, "--id", "deep",
                       "--folder", "en/2018")[0] == 0
    assert (content / "en" / "2018" / "deep.md").is_file()


@pytest.mark.parametrize(
    ("where", "original"),
    [("en/t-exists.md", "valid"), ("ar/old/t-exists.md", "valid"), ("en/t-exists.md", "broken")],
)
def test_new_never_overwrites(archive_cli: Callable[..., Any], write_collection: Callable[..., Path],
                              make_testimony: Callable[..., str], where: str, original: str) -> None:
    text = make_testimony("t-exists") if original == "valid" else "a file that does not even parse\n"
    root = write_collection({where: text})
    before = files_in(root)
    code, out, err = archive_cli("new", "--no-input", "--content", root, *FLAGS, "--id", "t-exists")
    assert (code, out) == (1, "")
    assert err == "Error: A testimony with the id 't-exists' already exists; choose another id.\n"
    assert files_in(root) == before


def test_write_new_file_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "en" / "t1.md"
    write_new_file(path, "first\n")
    with pytest.raises(ArchiveError, match="already exists; it was not overwritten"):
        write_new_file(path, "second\n")
    assert path.read_text() == "first\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["t1.md"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ([], "--title, --event-date, --place, --theme, --recorded-date, --recorded-by, --consent-by"),
        (["--title", "T", "--event-date", "2018"], "--place, --theme, --recorded-date, --recorded-by, --consent-by"),
        ([*FLAGS, "--identity", "named"], "--narrator-name"),
        ([*FLAGS, "--identity", "pseudonymous"], "--pseudonym"),
    ],
)
def test_new_without_required_flags_is_a_usage_error(archive_cli: Callable[..., Any], content: Path,
                                                     given: list[str], missing: str) -> None:
    before = files_in(content)
    code, out, err = archive_cli("new", "--no-input", "--content", content, *given)
    assert (code, out) == (2, "")
    assert f"Error: Missing {missing}; give the flags or run without --no-input to be asked." in err
    assert err.startswith("Usage: archive new")
    assert files_in(content) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("--event-date", "2018-13"), "event_date", "'2018-13' has no month 13"),
        (("--event-date", "last spring"), "event_date", "'last spring'"),
        (("--event-date", "2020-03/2020-02"), "event_date", "ends before it starts"),
        (("--recorded-date", "2019-02-30"), "recorded.date", "'2019-02-30' is not a real calendar date"),
        (("--consent-date", "2019-02-30"), "consent.date", "'2019-02-30' is not a real calendar date"),
        (("--embargo-until", "soon"), "consent.embargo_until", "'soon' must be a full date, YYYY-MM-DD"),
        (("--theme", "airstrike"), "themes[2]", "unknown theme 'airstrike'; did you mean 'airstrikes'?"),
        (("--place", "Saraqeeb"), "places[1]", "unknown place 'Saraqeeb'; did you mean 'saraqib'?"),
        (("--translation-of", "nothing"), "translation_of", "'nothing': no testimony has that id"),
        (("--id", "Not_A_Slug"), "id", "must be a slug"),
        (("--language", "English"), "language", "must be a language tag"),
    ],
)
def test_new_with_invalid_values_writes_nothing(archive_cli: Callable[..., Any], content: Path,
                                                change: tuple[str, str], field: str, message: str) -> None:
    before = files_in(content)
    code, out, err = archive_cli("new", "--no-input", "--content", content, *FLAGS, *change)
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    path, number, rest = line.split(":", 2)
    assert path.startswith("content/") and path.endswith(".md")
    assert number.isdigit()
    assert rest.startswith(f" {field}: ") and message in rest, line
    assert files_in(content) == before


def test_render_loads_back(tmp_path: Path) -> None:
    draft = Draft(id="t1", title='Quotes " and: colons', language="ar", event_date="2019-12/2020-02",
                  places=["saraqib"], themes=["airstrikes"], recorded_date="2020", recorded_by="B", method="audio",
                  consent_recorded_by="C", consent_identity="pseudonymous", pseudonym="أبو سامي",
                  summary="ملخص", body="نص الشهادة.\n")
    path = tmp_path / "t1.md"
    path.write_text(render(draft), encoding="utf-8")
    t = load_testimony(path)
    assert (t.title, t.narrator.pseudonym, t.summary, t.body) == ('Quotes " and: colons', "أبو سامي", "ملخص",
                                                                   "نص الشهادة.\n")
    assert (t.event_date.text, t.recorded.date.text, t.recorded.method) == ("2019-12/2020-02", "2020", Method.AUDIO)


# --- the interactive path -------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_new_prompts_at_a_terminal(content: Path, tmp_path: Path) -> None:
    """`archive new` prompts only when stdin is a terminal, so give it a real one (a pty)."""
    import pty

    answers = [
        "A night in Saraqib",  # title
        "",  # language: the default, en
        "pseudonymous",  # identity
        "Abu Sami",  # pseudonym
        "2018-08",  # event date
        "Saraqeb, Idlib",  # places
        "airstrikes, displacement",  # themes
        "2018-09",  # recorded date
        "Syrian Oral History Project",  # recorded by
        "interview",  # method
        "",  # access: the default, public
        "Lina Haddad",  # consent recorded by
    ]
    primary, secondary = pty.openpty()
    script = Path(sys.executable).parent / "archive"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    try:
        os.write(primary, ("\n".join(answers) + "\n").encode())
        result = subprocess.run([str(script), "new", "--content", str(content)], stdin=secondary,
                                capture_output=True, text=True, timeout=60, cwd=tmp_path, env=environment,
                                check=False)
    finally:
        os.close(secondary)
        os.close(primary)
    assert result.returncode == 0, result.stdout + result.stderr
    for prompt in ["Title", "Narrator identity", "Narrator's pseudonym", "Places", "Themes", "Consent recorded by"]:
        assert prompt in result.stdout
    t = load_collection(content).testimonies["a-night-in-saraqib"]
    assert (t.title, t.language, t.narrator.pseudonym, t.places, t.themes) == (
        "A night in Saraqib", "en", "Abu Sami", ("saraqib", "idlib"), ("airstrikes", "displacement"))
    assert (t.consent.identity, t.consent.access, t.recorded.method) == (
        Identity.PSEUDONYMOUS, Access.PUBLIC, Method.INTERVIEW)


def test_new_writes_a_theme_named_twice_once(archive_cli: Callable[..., Any], content: Path) -> None:
    theme = FLAGS[FLAGS.index("--theme") + 1]
    code, _, err = archive_cli("new", "--no-input", "--content", content, *FLAGS, "--id", "twice", "--theme", theme)
    assert code == 0, err
    assert front_matter(content / "en" / "twice.md")["themes"].count(theme) == 1


def test_new_transliterates_an_arabic_title_into_the_id_as_the_curator_form_does(
        archive_cli: Callable[..., Any], content: Path) -> None:
    flags = [f if f != "The night of the strike" else "ليلة الغارة على سراقب" for f in FLAGS]
    code, _, err = archive_cli("new", "--no-input", "--content", content, *flags)
    assert code == 0, err
    from archive.text import id_from_title
    assert id_from_title("ليلة الغارة على سراقب") in load_collection(content).testimonies
