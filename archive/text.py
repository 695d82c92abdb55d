"""Folding of names and words so that spelling variants compare equal.

One place decides what "the same name" means: the gazetteer, the theme
vocabulary, the validator's suggestions and the search analyzers all use it.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["fold", "fold_arabic", "slugify", "id_from_title", "script_language", "is_arabic", "DROPPED_ELEMENTS"]

# Raw HTML elements in a body that are dropped with everything inside them: the page never shows
# their words (web.render), so the index and snippets never hold them either (search.documents).
DROPPED_ELEMENTS = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template",
                              "svg", "math", "textarea", "select", "title"})

# Arabic short vowels, tanwin, shadda, sukun, dagger alef, Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0622": "\u0627",  # آ alef with madda
        "\u0623": "\u0627",  # أ alef with hamza above
        "\u0625": "\u0627",  # إ alef with hamza below
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0649": "\u064a",  # ى alef maksura -> ya
        "\u0629": "\u0647",  # ة ta marbuta -> ha
        "\u0624": "\u0648",  # ؤ waw with hamza -> waw
        "\u0626": "\u064a",  # ئ ya with hamza -> ya (colloquial طايرة = طائرة)
        "\u06cc": "\u064a",  # Persian ya
        "\u06a9": "\u0643",  # Persian kaf
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended Arabic-Indic digits
        **{ch: None for ch in "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
           "\u2066\u2067\u2068\u2069\ufeff\u00ad"},  # invisible joiners, bidi marks, soft hyphen
    }
)
_LATIN_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ARABIC_RANGE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def is_arabic(text: str) -> bool:
    """True when the text contains Arabic letters."""
    return bool(_ARABIC_RANGE.search(text))


def fold_arabic(text: str) -> str:
    """Remove Arabic diacritics, tatweel and invisible marks; unify hamza, alef, ya, ta-marbuta and digits.

    >>> fold_arabic("إِدْلِب") == fold_arabic("ادلب")
    True
    """
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "")
    return text.translate(_ARABIC_LETTERS)


def fold(text: str) -> str:
    """Fold a name for comparison: case, Latin accents, Arabic marks, punctuation, spacing.

    >>> fold("  Ma'arrat  al-Nu'man ") == fold("maarrat al numan")
    True
    >>> fold("Idlib") == fold("IDLIB")
    True
    """
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    text = fold_arabic(text).casefold()
    text = re.sub(r"['\u2019\u2018`\u02bf\u02be\u02bc]", "", text)
    text = re.sub(r"[\s\-_.,;:/()]+", " ", text)
    return text.strip()


def id_from_title(title: str, limit: int = 80) -> str:
    """The id a new testimony gets from its title, in `archive new` and the curator form alike:
    a slug of at most `limit` characters, Arabic (or any script) transliterated with anyascii.

    >>> id_from_title("يوم القصف في سراقب")
    'ywm-lqsf-fy-srqb'
    """
    return slugify(anyascii(title))[:limit].rstrip("-")


def script_language(text: str) -> str | None:
    """'ar' when most letters of the text are Arabic, 'en' when most are Latin, None when it has none."""
    arabic = len(_ARABIC_RANGE.findall(text))
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    if not arabic and not latin:
        return None
    return "ar" if arabic >= latin else "en"


def slugify(text: str) -> str:
    """Make a slug (a-z, 0-9, single hyphens) out of Latin text.

    >>> slugify("Urem al-Kubra: airstrike, 2018")
    'urem-al-kubra-airstrike-2018'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2019]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
