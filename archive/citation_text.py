"""The plain-text citation (Chicago, oral history) in English or Arabic, and the words it is made of.

The date cited is the recording date, as Chicago cites an interview or oral history; the
dates of the events are carried in a note by the structured formats (archive.citation).
The text is a list of segments so a page can isolate each name and title (`<bdi>`) and
an Arabic citation still reads right to left when it quotes an English title.
"""

from __future__ import annotations

import datetime as dt

from .consent import ANONYMOUS, TestimonyView
from .dates import DateRange
from .model import CollectionInfo, Identity
from .text import is_arabic

__all__ = ["TEXT_LANGUAGES", "MONTHS", "person_name", "translators", "date_parts", "human_date",
           "day_text", "one_line", "text_segments", "text_citation"]

TEXT_LANGUAGES = ("en", "ar")
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
# The Levantine month names the Arabic interface uses (Babel's ar_SY), with Latin digits.
ARABIC_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                 "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول")
# Lower-case particles that belong to the family name: "Ahmad al Ali" -> "al Ali, Ahmad".
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "van", "von", "de", "del", "da", "di", "du", "la", "le"})
_WORDS = {
    "en": {"anonymous": ANONYMOUS, "comma": ", ", "and": " and ", "open": '"', "close": '"',
           "translated": "Translated by ", "recorded": "Recorded ", "version": "Version ",
           "accessed": "accessed ", "stop": "."},
    "ar": {"anonymous": "مجهول الهوية", "comma": "، ", "and": " و", "open": "«", "close": "»",
           "translated": "ترجمة ", "recorded": "سُجّلت في ", "version": "الإصدار ",
           "accessed": "تاريخ الاطلاع ", "stop": "."},
}

Segment = tuple[str, bool]  # (text, isolate): isolated segments are names, titles and the address


def person_name(view: TestimonyView) -> tuple[str, str] | None:
    """(family, given) for a named narrator whose name splits; None when it must stay as written."""
    if view.identity is not Identity.NAMED or view.narrator == ANONYMOUS:
        return None
    words = view.narrator.split()
    if len(words) < 2 or "," in view.narrator or "and" in (w.casefold() for w in words):
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])


def translators(view: TestimonyView) -> list[str]:
    """The names of the testimony's translators, in the order given."""
    return [c.name for c in view.contributors if c.role == "translator"]


def date_parts(date: DateRange) -> list[int]:
    """The known parts of the date's start: [year], [year, month] or [year, month, day]."""
    return [int(part) for part in date.start_text.split("-")]


def human_date(date: DateRange, language: str = "en") -> str:
    """The date as written, in words: '2018', 'September 2018', '12 September 2018', or a range."""
    return "\u2013".join(_human_part(part, language) for part in date.text.split("/"))


def _human_part(text: str, language: str) -> str:
    parts = [int(p) for p in text.split("-")]
    words = [str(parts[0])]
    if len(parts) > 1:
        words.insert(0, (ARABIC_MONTHS if language == "ar" else MONTHS)[parts[1] - 1])
    if len(parts) > 2:
        words.insert(0, str(parts[2]))
    return " ".join(words)


def day_text(day: dt.date, language: str = "en") -> str:
    """'21 November 2026', or '21 تشرين الثاني 2026'."""
    return f"{day.day} {(ARABIC_MONTHS if language == 'ar' else MONTHS)[day.month - 1]} {day.year}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def _ends(text: str) -> bool:
    return text.endswith((".", "?", "!", "\u061f"))


def text_segments(view: TestimonyView, info: CollectionInfo, accessed: dt.date,
                  language: str = "en") -> list[Segment]:
    """A Chicago-style bibliography entry as segments, in English or Arabic terms."""
    words = _WORDS["ar" if language == "ar" else "en"]
    lang = "ar" if language == "ar" else "en"
    person = person_name(view)
    if view.narrator == ANONYMOUS and view.identity is not Identity.NAMED:
        author = words["anonymous"]
    else:
        comma = words["comma"] if is_arabic(view.narrator) else ", "  # a Latin name keeps its own comma
        author = f"{person[0]}{comma}{person[1]}" if person else view.narrator
    segments: list[Segment] = []

    def say(text: str) -> None:
        segments.append((text, False))

    def name(text: str, stop: bool = True) -> None:
        segments.append((one_line(text), True))
        if stop and not _ends(text):
            say(".")

    name(author)
    title = one_line(view.title)
    say(" " + words["open"])
    segments.append((title, True))
    say(("" if _ends(title) else ".") + words["close"])
    if names := translators(view):
        say(" " + words["translated"])
        for index, translator in enumerate(names):
            if index:
                say(words["and"] if index == len(names) - 1 else words["comma"])
            name(translator, stop=False)
        say(".")
    say(f" {words['recorded']}{human_date(view.recorded.date, lang)}. ")
    name(info.title)
    if info.publisher:
        say(" ")
        name(info.publisher)
    say(f" {words['version']}{view.version}. ")
    segments.append((info.permalink(view.id), True))
    say(f" ({words['accessed']}{day_text(accessed, lang)}).")
    return segments


def text_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date, language: str = "en") -> str:
    """The plain-text citation: the segments joined."""
    return "".join(text for text, _ in text_segments(view, info, accessed, language))
