"""Citations: golden files, the standard parsers for each format, and consent.

Regenerate the golden files with `UPDATE_GOLDEN=1 pytest tests/archive/test_citation.py`,
then read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import subprocess

import bibtexparser
import pypandoc
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import (Citation as CslCitation, CitationItem, CitationStylesBibliography,
                      CitationStylesStyle, formatter)
from citeproc.source.json import CiteProcJSON

from archive.citation import FORMATS, Citation, cite, citation_key, human_date, latex_escape, ris_date
from archive.citation_text import text_segments
from archive.collection import Collection, load_collection
from archive import consent
from archive.consent import Audience, public_version, view
from archive.dates import parse_date
from archive.errors import Gone, NotFound

TODAY = dt.date(2026, 11, 21)
ACCESSED = dt.date(2026, 11, 21)
GOLDEN = Path(__file__).parent / "golden" / "citation"
EXTENSIONS = {"text": "txt", "bibtex": "bib", "ris": "ris", "csl-json": "json"}
# The bundled style of citeproc-py 0.11 (it no longer ships 'harvard1').
STYLE = "harvard-cite-them-right"

COLLECTION_YAML = """\
title: "Idlib Testimony Archive"
publisher: "Idlib Testimony Archive project"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
"""
PLACES_YAML = """\
- id: syria
  name: "Syria"
  type: country
- id: aleppo-governorate
  name: "Aleppo Governorate"
  type: governorate
  parent: syria
- id: urem-al-kubra
  name: "Urem al-Kubra"
  names: {ar: "أورم الكبرى"}
  type: village
  parent: aleppo-governorate
"""
THEMES_YAML = """\
- id: airstrikes
  label: "Airstrikes"
"""


def citation_testimony(tid: str, title: str, narrator: str, identity: str, recorded: str, *,
                 method: str = "written", language: str = "en", access: str = "public",
                 contributors: str = "") -> str:
    """A testimony file's text; the same arguments always give the same bytes, so the same version."""
    return (
        f"---\nid: {tid}\ntitle: {title}\nlanguage: {language}\nnarrator:\n{narrator}"
        f"consent:\n  access: {access}\n  identity: {identity}\n  date: 2019-03-02\n"
        f"  recorded_by: \"Archive editorial team\"\nevent_date: 2018-08\n"
        f"places: [urem-al-kubra]\nthemes: [airstrikes]\n"
        f"recorded:\n  date: {recorded}\n  by: \"Archive editorial team\"\n  method: {method}\n"
        f"{contributors}---\nThe account, as the narrator told it.\n"
    )


TESTIMONIES = {
    "urem-al-kubra-airstrike-2018": citation_testimony(
        "urem-al-kubra-airstrike-2018", '"The Day Urem al-Kubra Was Bombed"',
        '  name: "Mohamed Barakat"\n', "named", "2018-09"),
    "saraqib-night-crossing-2019": citation_testimony(
        "saraqib-night-crossing-2019", '"Crossing at Night"',
        '  name: "Zzyzxname Qorvath"\n', "anonymous", "2019-12-03", method="interview",
        contributors="contributors:\n  - {name: \"Layla Haddad\", role: translator}\n"
                     "  - {name: \"Sami Nour\", role: interviewer}\n"),
    "market-day-2019": citation_testimony(
        "market-day-2019", '"Market Day"',
        '  name: "Zzyzxreal Hiddenperson"\n  pseudonym: "Umm Khaled"\n', "pseudonymous", "2019",
        method="audio"),
    "urem-al-kubra-ar": citation_testimony(
        "urem-al-kubra-ar", '"يومَ سقطت القنابل على أورم الكبرى"',
        '  name: "محمد بركات"\n', "named", "2019-12/2020-02", method="video", language="ar",
        contributors="contributors:\n  - {name: \"Idlib Testimony Archive translation team\", role: translator}\n"),
    "bread-and-salt-2017": citation_testimony(
        "bread-and-salt-2017", "'Bread & Salt: 100% of {us} paid $5 for ration #1_b ~ ^ \\ end'",
        '  name: "Hamza"\n', "named", "2017-03-05"),
    "restricted-account-2019": citation_testimony(
        "restricted-account-2019", '"Not Yet"', '  name: "Someone Private"\n', "named", "2019",
        access="restricted"),
    "withdrawn-account-2019": citation_testimony(
        "withdrawn-account-2019", '"Taken Back"', '  name: "Someone Gone"\n', "named", "2019",
        access="withdrawn"),
}
PUBLIC = ["urem-al-kubra-airstrike-2018", "saraqib-night-crossing-2019", "market-day-2019",
          "urem-al-kubra-ar", "bread-and-salt-2017"]
GOLDEN_CASES = {"named": "urem-al-kubra-airstrike-2018", "anonymous": "saraqib-night-crossing-2019"}
# What each parser must read back: author as the public may see it, and the title as written.
AUTHORS = {
    "urem-al-kubra-airstrike-2018": ("Barakat", "Mohamed"),
    "saraqib-night-crossing-2019": ("Anonymous", None),
    "market-day-2019": ("Umm Khaled", None),
    "urem-al-kubra-ar": ("بركات", "محمد"),
    "bread-and-salt-2017": ("Hamza", None),
}
TITLES = {
    "urem-al-kubra-airstrike-2018": "The Day Urem al-Kubra Was Bombed",
    "saraqib-night-crossing-2019": "Crossing at Night",
    "market-day-2019": "Market Day",
    "urem-al-kubra-ar": "يومَ سقطت القنابل على أورم الكبرى",
    "bread-and-salt-2017": "Bread & Salt: 100% of {us} paid $5 for ration #1_b ~ ^ \\ end",
}
YEARS = {"urem-al-kubra-airstrike-2018": "2018", "saraqib-night-crossing-2019": "2019",
         "market-day-2019": "2019", "urem-al-kubra-ar": "2019", "bread-and-salt-2017": "2017"}
HIDDEN_NAMES = {"saraqib-night-crossing-2019": "Zzyzxname", "market-day-2019": "Zzyzxreal"}


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    root = tmp_path_factory.mktemp("testimonies")
    for name, text in (("collection.yaml", COLLECTION_YAML), ("places.yaml", PLACES_YAML),
                       ("themes.yaml", THEMES_YAML)):
        (root / name).write_bytes(text.encode("utf-8"))
    for tid, text in TESTIMONIES.items():
        (root / f"{tid}.md").write_bytes(text.encode("utf-8"))
    loaded = load_collection(root)
    assert not loaded.errors, [str(p) for p in loaded.errors]
    assert set(loaded.testimonies) == set(TESTIMONIES)
    return loaded


def public_view(collection: Collection, tid: str) -> consent.TestimonyView:
    return view(collection.get(tid), Audience.PUBLIC, today=TODAY, places=collection.places)


def citation_of(collection: Collection, tid: str) -> Citation:
    assert collection.info is not None
    return cite(public_view(collection, tid), collection.info, ACCESSED)


# --- golden files ------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_golden(collection: Collection, case: str, fmt: str) -> None:
    produced = citation_of(collection, GOLDEN_CASES[case]).as_format(fmt)
    if not produced.endswith("\n"):  # text and JSON have none; the file keeps one for editors' sake
        produced += "\n"
    path = GOLDEN / f"{case}.{EXTENSIONS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced.encode("utf-8"))
    assert produced == path.read_bytes().decode("utf-8")


def test_text_names_everything_the_format_asks_for(collection: Collection) -> None:
    text = citation_of(collection, "urem-al-kubra-airstrike-2018").text
    version = public_version(collection.testimonies["urem-al-kubra-airstrike-2018"], collection.places)
    assert text == (
        'Barakat, Mohamed. "The Day Urem al-Kubra Was Bombed." Recorded September 2018. '
        "Idlib Testimony Archive. Idlib Testimony Archive project. "
        f"Version {version}. https://archive.example.org/t/urem-al-kubra-airstrike-2018 "
        "(accessed 21 November 2026)."
    )


def test_unknown_format_is_refused(collection: Collection) -> None:
    with pytest.raises(ValueError, match="csl-json"):
        citation_of(collection, "market-day-2019").as_format("endnote")


@pytest.mark.parametrize("written, expected", [
    ("2018", "2018"), ("2018-08", "August 2018"), ("2018-09-12", "12 September 2018"),
    ("2019-12/2020-02", "December 2019\u2013February 2020"),
])
def test_human_date(written: str, expected: str) -> None:
    assert human_date(parse_date(written)) == expected


@pytest.mark.parametrize("parts, expected", [([2018], "2018///"), ([2018, 9], "2018/09//"),
                                             ([2018, 9, 2], "2018/09/02/")])
def test_ris_date(parts: list[int], expected: str) -> None:
    assert ris_date(parts) == expected


def test_latex_escape_keeps_unbalanced_braces_balanced() -> None:
    assert latex_escape("a_b & {c}") == r"a\_b \& \{c\}"
    assert latex_escape("a } b {") == r"a \textbraceright{} b \textbraceleft{}"


# --- the standard tools accept every citation --------------------------------

@pytest.mark.parametrize("tid", PUBLIC)
def test_bibtexparser_reads_it_back(collection: Collection, tid: str) -> None:
    bib = citation_of(collection, tid).bibtex
    names = bibtexparser.parse_string(bib, append_middleware=[middlewares.SeparateCoAuthors(),
                                                              middlewares.SplitNameParts()])
    decoded = bibtexparser.parse_string(bib, append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not names.failed_blocks and not decoded.failed_blocks
    assert len(decoded.entries) == 1
    fields = {f.key: f.value for f in decoded.entries[0].fields}
    (author,) = names.entries[0]["author"]
    family, given = AUTHORS[tid]
    if given is None:  # kept whole in braces, so BibTeX never splits or reorders it
        assert (author.last, author.first) == (["{" + family + "}"], [])
    else:
        assert (author.last, author.first) == ([family], [given])
    # pylatexenc reads \textasciicircum{} as U+02C6, the modifier-letter circumflex.
    assert fields["title"] == TITLES[tid].replace("^", "\u02c6")
    assert fields["url"] == f"https://archive.example.org/t/{tid}"
    assert fields["year"] == YEARS[tid]
    assert fields["urldate"] == "2026-11-21"


@pytest.mark.parametrize("tid", PUBLIC)
def test_rispy_reads_it_back(collection: Collection, tid: str) -> None:
    (entry,) = rispy.loads(citation_of(collection, tid).ris)
    family, given = AUTHORS[tid]
    assert entry["type_of_reference"] == "GEN"
    assert entry["authors"] == [family if given is None else f"{family}, {given}"]
    assert entry["title"] == TITLES[tid]
    assert entry["urls"] == [f"https://archive.example.org/t/{tid}"]
    assert entry["year"] == YEARS[tid]
    assert entry["edition"] == public_version(collection.testimonies[tid], collection.places)
    assert entry["secondary_title"] == "Idlib Testimony Archive"


@pytest.mark.parametrize("tid", PUBLIC)
def test_citeproc_renders_it(collection: Collection, tid: str) -> None:
    csl = json.loads(citation_of(collection, tid).as_format("csl-json"))
    source = CiteProcJSON(csl)
    bibliography = CitationStylesBibliography(CitationStylesStyle(STYLE, validate=False), source,
                                              formatter.plain)
    bibliography.register(CslCitation([CitationItem(csl[0]["id"])]))
    (rendered,) = [str(item) for item in bibliography.bibliography()]
    family, _ = AUTHORS[tid]
    assert family in rendered
    assert TITLES[tid] in rendered
    assert f"https://archive.example.org/t/{tid}" in rendered
    assert YEARS[tid] in rendered


def test_translators_are_credited(collection: Collection) -> None:
    citation = citation_of(collection, "saraqib-night-crossing-2019")
    assert "Translated by Layla Haddad." in citation.text
    assert "translator = {{Layla Haddad}}" in citation.bibtex
    assert rispy.loads(citation.ris)[0]["subsidiary_authors"] == ["Layla Haddad"]
    assert citation.csl["translator"] == [{"literal": "Layla Haddad"}]
    assert "Sami Nour" not in citation.as_format("csl-json")  # interviewers are not translators


def test_partial_dates_give_only_known_parts(collection: Collection) -> None:
    assert citation_of(collection, "market-day-2019").csl["issued"] == {"date-parts": [[2019]]}
    assert citation_of(collection, "urem-al-kubra-ar").csl["issued"] == {"date-parts": [[2019, 12]]}
    assert "Recorded December 2019\u2013February 2020." in citation_of(collection, "urem-al-kubra-ar").text


# --- consent -----------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("tid", sorted(HIDDEN_NAMES))
def test_hidden_names_appear_in_no_format(collection: Collection, tid: str, fmt: str) -> None:
    assert HIDDEN_NAMES[tid] in TESTIMONIES[tid]  # the marker is really in the file
    assert HIDDEN_NAMES[tid].lower() not in citation_of(collection, tid).as_format(fmt).lower()


def test_anonymous_is_a_literal_name(collection: Collection) -> None:
    citation = citation_of(collection, "saraqib-night-crossing-2019")
    assert citation.text.startswith('Anonymous. "Crossing at Night."')
    assert "author = {{Anonymous}}" in citation.bibtex
    assert citation.csl["author"] == [{"literal": "Anonymous"}]


def test_pseudonym_is_used_as_written(collection: Collection) -> None:
    citation = citation_of(collection, "market-day-2019")
    assert citation.text.startswith('Umm Khaled. "Market Day."')
    assert "author = {{Umm Khaled}}" in citation.bibtex
    assert citation.csl["author"] == [{"literal": "Umm Khaled"}]


def test_restricted_and_withdrawn_have_no_view_to_cite(collection: Collection) -> None:
    with pytest.raises(NotFound):
        public_view(collection, "restricted-account-2019")
    with pytest.raises(Gone):
        public_view(collection, "withdrawn-account-2019")


def test_cite_refuses_a_curator_view(collection: Collection) -> None:
    curator = view(collection.get("market-day-2019"), Audience.CURATOR, today=TODAY, places=collection.places)
    assert "Zzyzxreal" in curator.narrator
    assert collection.info is not None
    with pytest.raises(ValueError, match="public"):
        cite(curator, collection.info, ACCESSED)


# --- one stable key, and pandoc 3 ----------------------------------------------

def keys_in(citation: Citation) -> set[str]:
    """The citation key as each format writes it."""
    (bib,) = bibtexparser.parse_string(citation.bibtex).entries
    (ris,) = rispy.loads(citation.ris)
    return {bib.key, ris["id"], citation.csl["id"]}


def test_the_key_is_the_id_in_every_format_and_survives_an_edit(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    for name, text in (("collection.yaml", COLLECTION_YAML), ("places.yaml", PLACES_YAML),
                       ("themes.yaml", THEMES_YAML)):
        (root / name).write_text(text, encoding="utf-8")
    tid = "urem-al-kubra-airstrike-2018"
    path = root / f"{tid}.md"
    path.write_text(TESTIMONIES[tid], encoding="utf-8")
    before = citation_of(load_collection(root), tid)
    path.write_text(TESTIMONIES[tid] + "A sentence the curator added.\n", encoding="utf-8")
    after = citation_of(load_collection(root), tid)
    assert before.csl["version"] != after.csl["version"]  # the edit made a new version...
    assert keys_in(before) == keys_in(after) == {tid}  # ...and the key did not move
    assert after.csl["version"] in after.bibtex and after.csl["version"] in after.ris  # it travels in a field


def test_bibtex_gives_the_address_once(collection: Collection) -> None:
    bib = citation_of(collection, "urem-al-kubra-airstrike-2018").bibtex
    assert bib.count("https://archive.example.org/t/urem-al-kubra-airstrike-2018") == 1
    assert "howpublished" not in bib


def test_the_event_date_travels_in_a_note(collection: Collection) -> None:
    citation = citation_of(collection, "market-day-2019")
    assert citation.csl["issued"] == {"date-parts": [[2019]]}  # the recording date is the one cited
    assert citation.csl["note"].startswith("Events: August 2018.")
    assert rispy.loads(citation.ris)[0]["notes"] == [citation.csl["note"]]
    assert "note = {Events: August 2018." in citation.bibtex


def test_ris_carries_month_translators_access_date_and_genre(collection: Collection) -> None:
    (entry,) = rispy.loads(citation_of(collection, "saraqib-night-crossing-2019").ris)
    assert entry["date"] == "2019/12/03/"
    assert entry["subsidiary_authors"] == ["Layla Haddad"]  # A4
    assert entry["access_date"] == "2026/11/21/"  # Y2
    assert entry["type_of_work"] == "Interview"  # M3


def pandoc(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the pandoc 3 binary that the pinned pypandoc-binary wheel ships."""
    return subprocess.run([pypandoc.get_pandoc_path(), *args], input=stdin, capture_output=True,
                          text=True, timeout=60, check=False)


def test_pandoc_is_version_3() -> None:
    assert pypandoc.get_pandoc_version().split(".")[0] == "3"


@pytest.mark.parametrize("fmt, ext, reader", [("bibtex", "bib", "biblatex"), ("ris", "ris", "ris"),
                                              ("csl-json", "json", "csljson")])
@pytest.mark.parametrize("tid", PUBLIC)
def test_pandoc_reads_every_format(collection: Collection, tid: str, fmt: str, ext: str,
                                   reader: str, tmp_path: Path) -> None:
    source = tmp_path / f"{tid}.{ext}"
    source.write_text(citation_of(collection, tid).as_format(fmt), encoding="utf-8")
    done = pandoc("-f", reader, "-t", "csljson", str(source))
    assert done.returncode == 0 and not done.stderr, done.stderr
    (item,) = json.loads(done.stdout)
    assert item["id"] == tid
    assert item["title"] == TITLES[tid]
    assert item["URL"] == f"https://archive.example.org/t/{tid}"
    assert item["issued"]["date-parts"][0][0] == int(YEARS[tid])
    family, given = AUTHORS[tid]  # pandoc splits a one-piece RIS name (a pseudonym) at spaces
    names = json.dumps(item["author"], ensure_ascii=False)
    assert all(word in names for word in (family + " " + (given or "")).split())
    version = public_view(collection, tid).version
    assert version in (item.get("version"), item.get("edition"))


@pytest.mark.parametrize("ext, fmt", [("bib", "bibtex"), ("ris", "ris"), ("json", "csl-json")])
def test_pandoc_citeproc_resolves_the_key_without_a_warning(collection: Collection, ext: str, fmt: str,
                                                            tmp_path: Path) -> None:
    bibliography = tmp_path / f"refs.{ext}"
    bibliography.write_text("\n".join(citation_of(collection, tid).as_format(fmt) for tid in PUBLIC)
                            if fmt != "csl-json" else
                            json.dumps([citation_of(collection, tid).csl for tid in PUBLIC], ensure_ascii=False),
                            encoding="utf-8")
    text = "As one narrator recalls [@urem-al-kubra-airstrike-2018], and another [@saraqib-night-crossing-2019]."
    done = pandoc("--citeproc", "--fail-if-warnings", f"--bibliography={bibliography}",
                  "-f", "markdown", "-t", "plain", "--wrap=none", stdin=text)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr and "not found" not in done.stdout + done.stderr
    assert "(Barakat 2018)" in done.stdout and "(Anonymous 2019)" in done.stdout
    assert "the day urem al-kubra was bombed" in done.stdout.lower()  # styles may title-case it


# --- the plain text in Arabic --------------------------------------------------

def test_arabic_text_uses_arabic_words_and_dates(collection: Collection) -> None:
    assert collection.info is not None
    tid = "saraqib-night-crossing-2019"
    text = cite(public_view(collection, tid), collection.info, ACCESSED, "ar").text
    version = public_view(collection, tid).version
    assert text == (
        "مجهول الهوية. «Crossing at Night.» ترجمة Layla Haddad. سُجّلت في 3 كانون الأول 2019. "
        "Idlib Testimony Archive. Idlib Testimony Archive project. "
        f"الإصدار {version}. https://archive.example.org/t/{tid} (تاريخ الاطلاع 21 تشرين الثاني 2026)."
    )
    english = citation_of(collection, tid)
    arabic = cite(public_view(collection, tid), collection.info, ACCESSED, "ar")
    assert (arabic.bibtex, arabic.ris, arabic.csl) == (english.bibtex, english.ris, english.csl)


def test_text_segments_isolate_names_titles_and_the_address(collection: Collection) -> None:
    assert collection.info is not None
    tid = "urem-al-kubra-ar"
    segments = text_segments(public_view(collection, tid), collection.info, ACCESSED, "ar")
    isolated = [text for text, isolate in segments if isolate]
    assert isolated == ["بركات، محمد", TITLES[tid], "Idlib Testimony Archive translation team",
                        "Idlib Testimony Archive", "Idlib Testimony Archive project",
                        f"https://archive.example.org/t/{tid}"]
    assert "".join(text for text, _ in segments) == cite(
        public_view(collection, tid), collection.info, ACCESSED, "ar").text


@pytest.mark.parametrize("tid", sorted(HIDDEN_NAMES))
def test_hidden_names_stay_out_of_the_arabic_text(collection: Collection, tid: str) -> None:
    assert collection.info is not None
    text = cite(public_view(collection, tid), collection.info, ACCESSED, "ar").text
    assert HIDDEN_NAMES[tid].lower() not in text.lower()
