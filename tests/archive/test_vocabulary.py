"""The gazetteer and the theme vocabulary: names in any spelling, hierarchies, suggestions."""

from __future__ import annotations

import pytest

from archive.languages import in_language
from archive.model import Place, Theme
from archive.text import fold, slugify
from archive.vocabulary import Gazetteer, Themes

PLACES = [
    Place("syria", "Syria", "country", names={"ar": "سوريا"}),
    Place("idlib-governorate", "Idlib Governorate", "governorate", names={"ar": "محافظة إدلب"},
          aliases=("Idlib Province",), parent="syria"),
    Place("idlib-district", "Idlib District", "district", parent="idlib-governorate"),
    Place("idlib", "Idlib", "city", names={"ar": "إدلب"}, aliases=("Idleb", "Edlib"), parent="idlib-district"),
    Place("saraqib", "Saraqib", "city", names={"ar": "سراقب"}, aliases=("Saraqeb", "Sarakib"),
          parent="idlib-district"),
    Place("maarrat-al-numan", "Ma'arrat al-Nu'man", "city", names={"ar": "مَعَرَّة النُّعْمَان"},
          aliases=("Maarat al-Numan",), parent="idlib-governorate"),
    Place("atmeh-camp", "Atmeh Camp", "camp", parent="idlib-city-site"),  # parent unknown
    Place("aleppo-governorate", "Aleppo Governorate", "governorate", parent="syria"),
    Place("urem-al-kubra", "Urem al-Kubra", "village", names={"ar": "أورم الكبرى"},
          aliases=("Orum al-Kubra",), parent="aleppo-governorate"),  # no district between
]
THEMES = [
    Theme("violence", "Violence", labels={"ar": "العنف"}),
    Theme("airstrikes", "Airstrikes", labels={"ar": "الغارات الجوية"}, broader="violence"),
    Theme("barrel-bombs", "Barrel bombs", broader="airstrikes"),
    Theme("double-tap-strikes", "Double-tap strikes", broader="airstrikes"),
    Theme("displacement", "Displacement"),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(PLACES)


@pytest.fixture(scope="module")
def themes() -> Themes:
    return Themes(THEMES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("idlib", "idlib"),  # id
        ("Idlib", "idlib"),  # name
        ("IDLIB", "idlib"),  # case
        ("  idlib  ", "idlib"),
        ("Idleb", "idlib"),  # alias
        ("edlib", "idlib"),  # alias, other case
        ("إدلب", "idlib"),  # Arabic name as written (hamza below)
        ("ادلب", "idlib"),  # bare alef
        ("أدلب", "idlib"),  # hamza above
        ("آدلب", "idlib"),  # madda
        ("إِدْلِب", "idlib"),  # with diacritics
        ("إدلـــب", "idlib"),  # with tatweel
        ("Idlib Province", "idlib-governorate"),
        ("محافظة ادلب", "idlib-governorate"),
        ("Ma'arrat al-Nu'man", "maarrat-al-numan"),
        ("Maarrat al Numan", "maarrat-al-numan"),  # punctuation folded
        ("Ma’arrat al-Nu’man", "maarrat-al-numan"),  # typographic apostrophe
        ("معرة النعمان", "maarrat-al-numan"),  # the gazetteer writes it with diacritics
        ("مَعَرَّة النُّعْمَان", "maarrat-al-numan"),
        ("معره النعمان", "maarrat-al-numan"),  # ta marbuta written as ha
        ("سراقب", "saraqib"),
        ("Sarakib", "saraqib"),
        ("اورم الكبري", "urem-al-kubra"),  # bare alef, ya for alef maksura
        ("Syria", "syria"),
        ("سوريا", "syria"),
        ("Saraqeeb", None),
        ("Damascus", None),
        ("", None),
    ],
)
def test_place_lookup(gazetteer: Gazetteer, name: str, expected: str | None) -> None:
    assert gazetteer.resolve(name) == expected


def test_place_lookup_does_not_confuse_the_city_with_its_governorate(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Idlib") == "idlib"
    assert gazetteer.resolve("Idlib Governorate") == "idlib-governorate"
    assert gazetteer.resolve("محافظة إدلب") == "idlib-governorate"


@pytest.mark.parametrize(
    ("place", "ancestors"),
    [
        ("saraqib", ("idlib-district", "idlib-governorate", "syria")),
        ("idlib-district", ("idlib-governorate", "syria")),
        ("syria", ()),
        ("urem-al-kubra", ("aleppo-governorate", "syria")),
        ("atmeh-camp", ()),  # its parent is not in the gazetteer
        ("nowhere", ()),
    ],
)
def test_ancestors_nearest_first(gazetteer: Gazetteer, place: str, ancestors: tuple[str, ...]) -> None:
    assert gazetteer.ancestors(place) == ancestors


@pytest.mark.parametrize(
    ("place", "descendants"),
    [
        ("syria", {"idlib-governorate", "idlib-district", "idlib", "saraqib", "maarrat-al-numan",
                   "aleppo-governorate", "urem-al-kubra"}),
        ("idlib-governorate", {"idlib-district", "idlib", "saraqib", "maarrat-al-numan"}),
        ("idlib-district", {"idlib", "saraqib"}),
        ("saraqib", set()),
    ],
)
def test_descendants_at_any_depth(gazetteer: Gazetteer, place: str, descendants: set[str]) -> None:
    assert gazetteer.descendants(place) == descendants


@pytest.mark.parametrize(
    ("place", "level", "expected"),
    [
        ("saraqib", "district", "idlib-district"),
        ("saraqib", "governorate", "idlib-governorate"),
        ("saraqib", "country", "syria"),
        ("idlib-district", "district", "idlib-district"),  # already at that level
        ("idlib-governorate", "district", "idlib-governorate"),  # already coarser
        ("maarrat-al-numan", "district", "idlib-governorate"),  # no district: the next coarser place
        ("urem-al-kubra", "governorate", "aleppo-governorate"),
        ("atmeh-camp", "district", None),  # nothing encloses it: it cannot be hidden
        ("atmeh-camp", "country", None),
    ],
)
def test_coarsen(gazetteer: Gazetteer, place: str, level: str, expected: str | None) -> None:
    assert gazetteer.coarsen(place, level) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("airstrikes", "airstrikes"), ("Airstrikes", "airstrikes"), ("الغارات الجوية", "airstrikes"),
     ("Barrel Bombs", "barrel-bombs"), ("barrel bombs", "barrel-bombs"), ("sieges", None)],
)
def test_theme_lookup(themes: Themes, name: str, expected: str | None) -> None:
    assert themes.resolve(name) == expected


def test_theme_broader_and_narrower(themes: Themes) -> None:
    assert themes.parent("barrel-bombs") == "airstrikes"
    assert themes.ancestors("barrel-bombs") == ("airstrikes", "violence")
    assert themes.children("airstrikes") == ("barrel-bombs", "double-tap-strikes")
    assert themes.descendants("violence") == {"airstrikes", "barrel-bombs", "double-tap-strikes"}
    assert themes.descendants("displacement") == frozenset()
    assert themes.roots() == ("violence", "displacement")


@pytest.mark.parametrize(
    ("vocabulary", "name", "expected"),
    [
        ("themes", "airstrike", "airstrikes"),
        ("themes", "barrel-bomb", "barrel-bombs"),
        ("themes", "Displacment", "displacement"),
        ("themes", "harvest", None),
        ("places", "Saraqeeb", "saraqib"),
        ("places", "Idlb", "idlib"),
        ("places", "Edleb", "idlib"),
        ("places", "Damascus", None),
    ],
)
def test_suggestions(gazetteer: Gazetteer, themes: Themes, vocabulary: str, name: str, expected: str | None) -> None:
    vocab = gazetteer if vocabulary == "places" else themes
    assert vocab.suggest(name) == expected


def test_cycles_are_found_once_and_lookups_stay_finite() -> None:
    looped = Themes([Theme("a", "A", broader="c"), Theme("b", "B", broader="a"), Theme("c", "C", broader="b"),
                     Theme("d", "D", broader="a")])
    assert [set(cycle) for cycle in looped.cycles()] == [{"a", "b", "c"}]
    assert looped.ancestors("d") == ("a", "c", "b")
    assert looped.descendants("a") == {"b", "c", "d"}
    assert Themes(THEMES).cycles() == []


def test_a_name_given_to_two_entries_is_a_clash() -> None:
    places = Gazetteer([Place("a", "Idlib", "city"), Place("b", "Idlib Governorate", "governorate",
                                                            aliases=("idlib",))])
    assert places.clashes == [("idlib", "a", "b")]
    assert places.resolve("Idlib") == "a"  # the first keeps the name
    assert Gazetteer(PLACES).clashes == []


def test_name_in_a_language_falls_back_to_the_default(gazetteer: Gazetteer) -> None:
    idlib, airstrikes, barrel_bombs = gazetteer["idlib"], Themes(THEMES)["airstrikes"], Themes(THEMES)["barrel-bombs"]
    assert in_language(idlib.names, idlib.name, "ar") == "إدلب"
    assert in_language(idlib.names, idlib.name, "fr") == "Idlib"
    assert in_language(airstrikes.labels, airstrikes.label, "ar") == "الغارات الجوية"
    assert in_language(barrel_bombs.labels, barrel_bombs.label, "ar") == "Barrel bombs"


@pytest.mark.parametrize(
    ("a", "b"),
    [("إِدْلِب", "ادلب"), ("أدلب", "إدلب"), ("Ma'arrat al-Nu'man", "maarrat al numan"), ("Ḥamā", "hama"),
     ("  Idlib\tCity ", "idlib city"), ("al-Bab", "al bab")],
)
def test_fold_makes_spelling_variants_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Urem al-Kubra: airstrike, 2018", "urem-al-kubra-airstrike-2018"), ("  Ḥamā -- 2012 ", "hama-2012"),
     ("Ma'arrat al-Nu'man", "maarrat-al-numan")],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_theme_aliases_in_each_language_name_the_theme():
    themes = Themes([Theme("camps", "Camps", labels={"ar": "المخيمات"},
                           aliases={"en": ("refugee camp",), "ar": ("مخيم",)})])
    assert themes.resolve("Refugee Camp") == themes.resolve("مُخَيَّم") == "camps"
    assert themes["camps"].all_aliases() == ("refugee camp", "مخيم")


def test_archive_check_reads_theme_aliases_and_refuses_one_shared_by_two_themes(write_collection, archive_cli):
    themes = """\
- id: camps
  label: "Camps"
  aliases: {en: ["tents"], ar: ["مخيم"]}
- id: shelter
  label: "Shelter"
  aliases: {en: ["Tents"]}
- id: bad
  label: "Bad"
  aliases: ["not per language"]
"""
    root = write_collection({}, themes=themes)
    code, out, err = archive_cli("check", "--content", root)
    assert code == 1
    assert "Tents" in out and "shelter" in out  # the clash names the alias and the second theme
    assert "themes.yaml" in out and "aliases" in out  # the list that is not a mapping per language
