"""Dates as curators type them ("3 March 2019", "آذار ٢٠١٩", "١٢ أيلول ٢٠١٩") turned into the FORMAT.md form.

English and Arabic month names are read (the Levantine names, كانون الثاني … كانون الأول, and the
ones used elsewhere, يناير … ديسمبر), with Arabic-Indic digits; an interval is START/END. What
cannot be read is returned as typed, so the validator names the problem in its own words.

>>> typed_date("3 March 2019")
'2019-03-03'
>>> typed_date("آذار ٢٠١٩")
'2019-03'
>>> typed_date("كانون الأول 2019 / شباط 2020")
'2019-12/2020-02'
"""

from __future__ import annotations

import re

from .text import fold_arabic

__all__ = ["typed_date", "MONTHS"]

_ENGLISH = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december")
_LEVANTINE = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
              "تشرين الثاني", "كانون الأول")
_GENERAL = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
            "ديسمبر")
_VARIANTS = {"ابريل": 4, "يونيه": 6, "يوليه": 7, "اغسطس": 8, "اكتوبر": 10}


def _key(name: str) -> str:
    return " ".join(fold_arabic(name).lower().split())


MONTHS: dict[str, int] = {}
for _number, _names in enumerate(zip(_ENGLISH, _LEVANTINE, _GENERAL), start=1):
    for _name in _names:
        MONTHS[_key(_name)] = _number
    MONTHS[_names[0][:3]] = _number  # jan, feb, ... (may is may)
    MONTHS[_names[0][:4]] = _number  # sept, june, july
MONTHS.update({_key(k): v for k, v in _VARIANTS.items()})

_NUMBERS = re.compile(r"\d+")


def _part(text: str) -> str:
    """One date (not an interval) in the FORMAT.md form, or the text unchanged."""
    words = _key(text.replace(",", " ").replace("،", " ").replace(".", " "))
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", words):
        return words
    numbers = _NUMBERS.findall(words)
    month_words = _NUMBERS.sub(" ", words).replace("-", " ").strip()
    month = MONTHS.get(" ".join(month_words.split()))
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if month is None or len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
        return text.strip()
    if days:
        return f"{years[0]}-{month:02d}-{int(days[0]):02d}"
    return f"{years[0]}-{month:02d}"


def typed_date(text: str) -> str:
    """The date in the FORMAT.md form (YYYY, YYYY-MM, YYYY-MM-DD, or START/END), when it can be read."""
    text = fold_arabic(text.strip()) if re.search(r"[\u0660-\u0669\u06f0-\u06f9]", text) else text.strip()
    if not text:
        return text
    parts = text.split("/")
    if len(parts) > 2:
        return text
    return "/".join(_part(p) for p in parts)
