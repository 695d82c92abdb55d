"""Consent: every row of the consent table in docs/format.md, for the public and for a curator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Any, Iterator

import pytest

from archive import consent
from archive.consent import REDACTED, Audience, State, Visibility
from archive.dates import parse_date
from archive.errors import Gone, NotFound
from archive.model import (Access, Consent, Contributor, Identity, Method, Narrator, Place, PlaceDetail,
                           Recording, Source, Status, Testimony)
from archive.vocabulary import Gazetteer

TODAY = dt.date(2026, 6, 15)
PUBLIC, CURATOR = Audience.PUBLIC, Audience.CURATOR
NAME = "Ahmad Khalil"
PSEUDONYM = "Abu Sami"
NOTE = "Narrator asked us to phone before any publication."

PLACES = Gazetteer([
    Place("syria", "Syria", "country"),
    Place("idlib-governorate", "Idlib Governorate", "governorate", parent="syria"),
    Place("idlib-district", "Idlib District", "district", parent="idlib-governorate"),
    Place("saraqib", "Saraqib", "city", parent="idlib-district"),
    Place("idlib", "Idlib", "city", parent="idlib-district"),
    Place("aleppo-governorate", "Aleppo Governorate", "governorate", parent="syria"),
    Place("urem-al-kubra", "Urem al-Kubra", "village", parent="aleppo-governorate"),
])


def a_testimony(*, access: str = "public", identity: str = "named", embargo_until: dt.date | None = None,
              status: str = "published", place_detail: str = "exact", places: tuple[str, ...] = ("saraqib",),
              title: str = "The night of the strike", summary: str | None = "Homes were hit at night.",
              body: str = "We heard the planes.\n\nThen the second strike came.\n",
              note: str | None = NOTE) -> Testimony:
    return Testimony(
        id="t1", path=Path("t1.md"), file_hash="0123456789ab", title=title, language="en",
        narrator=Narrator(name=NAME, pseudonym=PSEUDONYM if identity != "named" else None,
                          description="A teacher from the city"),
        consent=Consent(access=Access(access), identity=Identity(identity), date=dt.date(2019, 3, 2),
                        recorded_by="Curator", embargo_until=embargo_until,
                        place_detail=PlaceDetail(place_detail), note=note),
        event_date=parse_date("2018-08"), places=places, themes=("airstrikes",),
        recorded=Recording(parse_date("2018-09"), "Interviewer", Method.INTERVIEW), body=body,
        contributors=(Contributor("Lina Haddad", "translator"),),
        source=Source("First published", "A newspaper", "https://example.org/a", parse_date("2018-09-12")),
        license="CC-BY-4.0", content_warnings=("death",), summary=summary, status=Status(status),
    )


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere inside a value (dataclasses, mappings, sequences, enums)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Enum):
        yield str(value.value)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from strings(item)


def seen(t: Testimony | None, audience: Audience, today: dt.date = TODAY) -> consent.TestimonyView:
    return consent.view(t, audience, today=today, places=PLACES)


# --- May this testimony be seen at all? -------------------------------------------------------------

EMBARGO = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("row", "changes", "today", "public", "state"),
    [
        ("public", {}, TODAY, Visibility.VISIBLE, State.PUBLIC),
        ("restricted", {"access": "restricted"}, TODAY, Visibility.NOT_FOUND, State.RESTRICTED),
        ("embargoed, the day before", {"embargo_until": EMBARGO}, EMBARGO - dt.timedelta(days=1),
         Visibility.NOT_FOUND, State.EMBARGOED),
        ("embargoed, years before", {"embargo_until": EMBARGO}, dt.date(2020, 1, 1),
         Visibility.NOT_FOUND, State.EMBARGOED),
        ("embargo ends on its day", {"embargo_until": EMBARGO}, EMBARGO, Visibility.VISIBLE, State.PUBLIC),
        ("embargo over", {"embargo_until": EMBARGO}, EMBARGO + dt.timedelta(days=1),
         Visibility.VISIBLE, State.PUBLIC),
        ("draft", {"status": "draft"}, TODAY, Visibility.NOT_FOUND, State.DRAFT),
        ("withdrawn", {"access": "withdrawn"}, TODAY, Visibility.GONE, State.WITHDRAWN),
        ("restricted and embargoed", {"access": "restricted", "embargo_until": EMBARGO}, dt.date(2020, 1, 1),
         Visibility.NOT_FOUND, State.RESTRICTED),
        ("draft after its embargo", {"status": "draft", "embargo_until": EMBARGO}, dt.date(2030, 1, 1),
         Visibility.NOT_FOUND, State.DRAFT),
        # withdrawal beats everything
        ("withdrawn draft", {"access": "withdrawn", "status": "draft"}, TODAY, Visibility.GONE, State.WITHDRAWN),
        ("withdrawn under embargo", {"access": "withdrawn", "embargo_until": EMBARGO}, dt.date(2020, 1, 1),
         Visibility.GONE, State.WITHDRAWN),
        ("withdrawn embargoed draft", {"access": "withdrawn", "embargo_until": EMBARGO, "status": "draft"},
         dt.date(2020, 1, 1), Visibility.GONE, State.WITHDRAWN),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_who_may_see_it(row: str, changes: dict[str, Any], today: dt.date, public: Visibility,
                        state: State) -> None:
    t = a_testimony(**changes)
    assert consent.state(t, today) is state
    assert consent.visibility(t, PUBLIC, today) is public
    # a curator sees every testimony, marked with its state
    assert consent.visibility(t, CURATOR, today) is Visibility.VISIBLE
    curator_view = seen(t, CURATOR, today)
    assert curator_view.state is state
    assert curator_view.title == t.title and curator_view.body == t.body
    if public is Visibility.VISIBLE:
        assert seen(t, PUBLIC, today).state is State.PUBLIC
    elif public is Visibility.NOT_FOUND:
        with pytest.raises(NotFound) as hidden:
            seen(t, PUBLIC, today)
        with pytest.raises(NotFound) as unknown:
            seen(None, PUBLIC, today)
        # exactly like an unknown id: same answer, same words, nothing of the testimony in them
        assert consent.visibility(t, PUBLIC, today) is consent.visibility(None, PUBLIC, today)
        assert str(hidden.value) == str(unknown.value)
        assert t.id not in str(hidden.value) and t.title not in str(hidden.value)
    else:
        with pytest.raises(Gone) as gone:
            seen(t, PUBLIC, today)
        message = str(gone.value)
        assert "t1" in message and "withdrawn at the narrator's request" in message
        assert t.title not in message and NAME not in message


def test_an_unknown_id_is_not_found_for_curators_too() -> None:
    assert consent.visibility(None, CURATOR, TODAY) is Visibility.NOT_FOUND
    with pytest.raises(NotFound):
        seen(None, CURATOR)


# --- How is the narrator shown? ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "public_narrator", "hidden"),
    [
        ("named", NAME, []),
        ("pseudonymous", PSEUDONYM, [NAME]),
        ("anonymous", "Anonymous", [NAME, PSEUDONYM]),
    ],
)
def test_narrator_as_consent_allows(identity: str, public_narrator: str, hidden: list[str]) -> None:
    t = a_testimony(identity=identity)
    public = seen(t, PUBLIC)
    assert public.narrator == public_narrator == consent.narrator_shown(t, PUBLIC)
    assert public.identity is Identity(identity)
    assert public.narrator_detail is None
    everything = list(strings(public))
    for secret in hidden:
        assert not [s for s in everything if secret in s], f"{secret!r} leaks into the public view"
    curator = seen(t, CURATOR)
    assert NAME in curator.narrator
    assert curator.narrator_detail == t.narrator


def test_the_public_sees_anonymous_when_the_name_consent_requires_is_missing() -> None:
    t = dataclasses.replace(a_testimony(identity="pseudonymous"), narrator=Narrator(name=NAME))
    assert seen(t, PUBLIC).narrator == "Anonymous"


# --- Which places are shown? ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "places", "public_places"),
    [
        ("exact", ("saraqib", "urem-al-kubra"), ("saraqib", "urem-al-kubra")),
        ("district", ("saraqib", "urem-al-kubra"), ("idlib-district", "aleppo-governorate")),
        ("district", ("saraqib", "idlib"), ("idlib-district",)),  # two towns, one district, shown once
        ("governorate", ("saraqib",), ("idlib-governorate",)),
        ("governorate", ("saraqib", "urem-al-kubra"), ("idlib-governorate", "aleppo-governorate")),
        ("governorate", ("idlib-governorate",), ("idlib-governorate",)),
        ("country", ("saraqib", "urem-al-kubra"), ("syria",)),
    ],
)
def test_places_coarsened_for_the_public_only(detail: str, places: tuple[str, ...],
                                               public_places: tuple[str, ...]) -> None:
    t = a_testimony(place_detail=detail, places=places)
    assert seen(t, PUBLIC).places == public_places == consent.places_shown(t, PUBLIC, PLACES)
    assert seen(t, CURATOR).places == places
    if detail != "exact":
        exact = set(places) - set(public_places)
        assert not exact & set(strings(seen(t, PUBLIC)))


# --- [[redact: ...]] passages -----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["body", "title", "summary"])
def test_redacted_passages(where: str) -> None:
    secret = "in the house of my cousin in Kafr Nabl"
    text = f"They hid us [[redact: {secret}]] for two nights."
    t = a_testimony(**{where: text})
    public = seen(t, PUBLIC)
    assert getattr(public, where) == f"They hid us {REDACTED} for two nights."
    assert not [s for s in strings(public) if "Kafr Nabl" in s]
    curator = seen(t, CURATOR)
    assert secret in getattr(curator, where)
    marked = consent.view(t, CURATOR, today=TODAY, places=PLACES, mark=lambda s: f"<del>{s}</del>")
    assert f"<del>{secret}</del>" in getattr(marked, where)


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("a [[redact: b]] c [[redact: d]] e", f"a {REDACTED} c {REDACTED} e"),
        ("a [[REDACT:b]] c", f"a {REDACTED} c"),
        ("a [[ redact : b\nover two lines]] c", f"a {REDACTED} c"),
        ("an unclosed [[redact: never leaks", f"an unclosed {REDACTED}"),
        ("no passage at all", "no passage at all"),
    ],
)
def test_redact(text: str, public: str) -> None:
    assert consent.redact(text, PUBLIC) == public
    assert consent.redact(text, CURATOR) == text


@pytest.mark.parametrize(
    ("text", "unclosed_at"),
    [("fine [[redact: x]] here", None), ("open [[redact: x", 5), ("[[redact: a [[redact: b]]", 0),
     ("ok [[redact: a]] then [[redact: b", 22)],
)
def test_unclosed_redaction(text: str, unclosed_at: int | None) -> None:
    assert consent.unclosed_redaction(text) == unclosed_at


# --- consent.note -----------------------------------------------------------------------------------


def test_the_consent_note_is_for_curators_only() -> None:
    t = a_testimony()
    public = seen(t, PUBLIC)
    assert public.consent is None
    assert not [s for s in strings(public) if "phone before" in s]
    curator = seen(t, CURATOR)
    assert curator.consent is not None and curator.consent.note == NOTE


# --- the hidden name must not leak into public text -------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "where", "text", "leaks"),
    [
        ("anonymous", "body", f"My name is {NAME}.", ["body"]),
        ("anonymous", "body", "My name is ahmad   KHALIL.", ["body"]),
        ("anonymous", "title", f"{PSEUDONYM} remembers", ["title"]),
        ("anonymous", "body", f"My name is [[redact: {NAME}]].", []),
        ("pseudonymous", "summary", f"{NAME} tells", ["summary"]),
        ("pseudonymous", "body", f"They call me {PSEUDONYM}.", []),  # the pseudonym is public
        ("named", "body", f"My name is {NAME}.", []),
    ],
)
def test_hidden_name_leaks(identity: str, where: str, text: str, leaks: list[str]) -> None:
    assert consent.hidden_name_leaks(a_testimony(identity=identity, **{where: text})) == leaks
