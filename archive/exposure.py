"""What consent cannot hide: a hidden name or a coarsened place written into public text or the id.

Consent replaces the narrator's name and coarsens places in the fields it owns, but it
cannot know that a curator also wrote them into the title, `recorded.by` or the file's
id. The check finds those with these rules, over every text `archive.consent.PUBLIC_FORM`
shows, and such a file is never published until it is fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .consent import PUBLIC_FORM, map_texts, public_texts
from .messages import Message, english
from .model import Identity, PlaceDetail, Testimony
from .text import fold, is_arabic
from .vocabulary import Gazetteer

__all__ = ["Exposure", "hidden_names", "mentions", "exposures", "control_characters", "SINGLE_LINE_FIELDS"]

MIN_NAME = 3  # folded names shorter than this are too common to judge by
SINGLE_LINE_FIELDS = tuple(f.name for f in PUBLIC_FORM if f.line)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Exposure:
    """One hidden fact found in public: what, where, and why it is a problem."""

    kind: str  # "name" or "place"
    field: str
    line: int  # the line of a multi-line text (the body) it is on, from 0
    reason: Message  # what is wrong, as a code of archive/messages.py

    @property
    def message(self) -> str:
        return english(self.reason)


def hidden_names(t: Testimony) -> list[str]:
    """The narrator's names that consent hides from the public, folded."""
    hidden = []
    identity = t.consent.identity
    if identity is not Identity.NAMED and t.narrator.name:
        hidden.append(t.narrator.name)
    if identity is Identity.ANONYMOUS and t.narrator.pseudonym:
        hidden.append(t.narrator.pseudonym)
    return [fold(n) for n in hidden if len(fold(n)) >= MIN_NAME]


def mentions(text: str, folded_names: Iterable[str]) -> bool:
    """True when any of the folded names appears in the text, whatever its case, accents or punctuation."""
    folded = fold(text)
    return any(name in folded for name in folded_names)


def _in_id(testimony_id: str, folded_names: Iterable[str]) -> bool:
    """True when a name is written as whole words of the id (`ahmad-khalil-story` names Ahmad Khalil)."""
    words = f" {fold(testimony_id)} "
    return any(f" {name} " in words for name in folded_names)


def _word_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words for Latin names; Arabic ones anywhere (a preposition may be joined to the name)."""
    parts = sorted({n for n in names if len(n) >= MIN_NAME}, key=len, reverse=True)
    if not parts:
        return None
    return re.compile("|".join(re.escape(n) if is_arabic(n) else rf"(?<!\w){re.escape(n)}(?!\w)" for n in parts))


def _place_names(places: Gazetteer, ids: Iterable[str]) -> list[str]:
    names: list[str] = []
    for place_id in ids:
        place = places.get(place_id)
        if place is not None:
            names += [fold(n) for n in (place.id, place.name, *place.names.values(), *place.aliases)]
    return names


def _coarsened(t: Testimony, places: Gazetteer) -> tuple[list[str], list[str]]:
    """(folded names of the places `place_detail` hides, folded names of those still shown above them)."""
    detail = t.consent.place_detail
    if detail is PlaceDetail.EXACT:
        return [], []
    hidden: list[str] = []
    shown: list[str] = []
    for place_id in t.places:
        chain = (place_id, *places.ancestors(place_id))
        coarse = places.coarsen(place_id, detail.value)
        cut = chain.index(coarse) if coarse in chain else len(chain)
        hidden += _place_names(places, chain[:cut])
        shown += _place_names(places, chain[cut:])
    visible = set(shown)
    return [n for n in hidden if n not in visible], shown


def _hidden_place(text: str, hidden: re.Pattern[str], shown: re.Pattern[str] | None) -> str | None:
    folded = fold(text)
    if shown is not None:  # "Idlib Governorate" is shown: it does not name the city of Idlib
        folded = shown.sub(lambda m: " " * len(m.group()), folded)
    match = hidden.search(folded)
    return match.group() if match else None


def _places_found(text: str, hidden: re.Pattern[str] | None, shown: re.Pattern[str] | None) -> tuple[str, int] | None:
    """The first hidden place the text names (folded) and on which of its lines, ignoring names of shown places."""
    if hidden is None or (name := _hidden_place(text, hidden, shown)) is None:
        return None
    for number, line in enumerate(text.split("\n")):
        if (on_line := _hidden_place(line, hidden, shown)) is not None:
            return on_line, number
    return name, 0  # named across a line break


def exposures(t: Testimony, places: Gazetteer) -> list[Exposure]:
    """Every hidden name and coarsened place written in a public field or in the id."""
    found: list[Exposure] = []
    names = hidden_names(t)
    identity = t.consent.identity.value
    what = "name" if t.consent.identity is Identity.PSEUDONYMOUS or not t.narrator.pseudonym else "name-or-pseudonym"
    hidden_places, shown_places = _coarsened(t, places)
    hidden_pattern, shown_pattern = _word_pattern(hidden_places), _word_pattern(shown_places)
    if not names and hidden_pattern is None:
        return found  # nothing hidden to look for: named, and places shown exactly
    detail = t.consent.place_detail.value
    texts = [("id", t.id.replace("-", " ")), *public_texts(t).items()]
    for field, text in texts:
        in_id = "-id" if field == "id" else ""
        if names and (_in_id(t.id, names) if field == "id" else mentions(text, names)):
            found.append(Exposure("name", field, 0, Message(f"exposure.{what}{in_id}",
                                                            {"identity": identity, "field": field})))
        place = _places_found(text, hidden_pattern, shown_pattern)
        if place is not None:
            found.append(Exposure("place", field, place[1], Message(f"exposure.place{in_id}",
                                                                    {"place": place[0], "detail": detail})))
    unique: dict[tuple[str, str, int, str], Exposure] = {}
    for exposure in found:  # Message compares by identity: one per kind, field, line and message
        unique.setdefault((exposure.kind, exposure.field, exposure.line, exposure.message), exposure)
    return list(unique.values())


def control_characters(t: Testimony) -> list[str]:
    """The single-line fields (title, recorded.by...) that contain a control character such as a line break."""
    found: list[str] = []

    def look(field: str, text: str) -> str:
        if _CONTROL.search(text) and field not in found:
            found.append(field)
        return text

    map_texts(t, look, SINGLE_LINE_FIELDS)
    return found
