"""Arabic light stemming, on folded text (ة->ه, أإآ->ا, ى->ي, ئ->ي, ؤ->و): the article, proclitics, a few
plural and pronoun suffixes, and the domain's broken plurals (search/lexicon.py). search/analysis.py calls it.
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import ARABIC_BROKEN_PLURALS, ARABIC_MASCULINE_AT

__all__ = ["stem_arabic", "strip_article"]


# The article, alone or after a conjunction/preposition, longest first.
_ARTICLES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_PRONOUNS = ("ها", "هم", "نا")  # her/its, their, our (and past-tense "we")
_PLURALS = ("ات", "ين", "ون")
# Words whose first letter is a root letter, or whose ending is not a suffix, and that would
# otherwise collide with another common word (ورقة/الرقة, بعيد/عيد, زيتون/زيت, شيخون/شيخ ...).
_PROTECTED = frozenset(
    """الله لبنان ورقه وزير وزاره واحد وادي ولايه وحده وصول وطن ولد وجه وقت وضع والد والده والدي
    والدتي والدين فكره فتره فريق فرنسا فلسطين فرصه بعيد بطاقه بدايه بنيه بلديه لحظه لحيه لجنه
    بيوت بلاد بنات زيتون كانون شيخون ياسين سلقين سارين عشرين ثلاثين اربعين ثمانين""".split()
) | frozenset(w for pair in ARABIC_BROKEN_PLURALS.items() for w in pair if len(w) >= 4) | ARABIC_MASCULINE_AT
# Words ending in a root ت, which a pronoun suffix must not turn into ta marbuta (بيتها, صوتهم).
_T_ROOTS = frozenset("بيت صوت وقت موت بنت اخت تحت زيت ميت سكت".split())
# Protected words after a conjunction, preposition or article stay whole too.
_PROTECTED_FORMS = {
    prefix + word: word
    for word in _PROTECTED
    for prefix in ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل", "ال", "وال", "فال", "بال", "كال", "لل", "ولل")
} | {"لله": "الله"}


def _split_suffix(word: str) -> tuple[str, str]:
    """(core, suffix): a pronoun suffix then a plural suffix, each leaving at least 3 letters."""
    suffix = ""
    if len(word) >= 5 and word.endswith(_PRONOUNS):
        word, suffix = word[:-2], word[-2:]
    if len(word) >= 5 and word.endswith(_PLURALS):
        word, suffix = word[:-2], word[-2:] + suffix
    return word, suffix


@lru_cache(maxsize=200_000)
def stem_arabic(word: str) -> str:
    """Light stem of a folded Arabic word: article, proclitics, a few plural and pronoun suffixes,
    and the domain's broken plurals (search/lexicon.py).

    >>> [stem_arabic(w) for w in ("والقصف", "بادلب", "طايرات", "مدينتها", "ولد", "الاطفال", "مخيمات")]
    ['قصف', 'ادلب', 'طايره', 'مدينه', 'ولد', 'طفل', 'مخيم']
    """
    stem = _light_stem(word)
    return ARABIC_BROKEN_PLURALS.get(stem, stem)


def _light_stem(word: str) -> str:
    if word in _PROTECTED_FORMS:
        return _PROTECTED_FORMS[word]
    if len(word) < 4:  # nothing to strip that would leave a stem
        return word
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            word = word[len(article):]
            break
    # A leading و ف ب ل is a proclitic only if at least 3 letters remain besides any suffix:
    # وبإدلب -> إدلب, بحلب -> حلب, but بيتها -> بيت+ها and وصلنا -> وصل+نا keep their root letter.
    core, suffix = _split_suffix(word)
    while word[0] in "وفبل" and len(core) >= 4 and core not in _PROTECTED:
        word = word[1:]
        core, suffix = _split_suffix(word)
    if core in _PROTECTED:
        return core
    if suffix.startswith("ات"):
        if core in ARABIC_MASCULINE_AT:
            return core  # a masculine noun's plural: مخيمات -> مخيم
        return core + "ه"  # feminine plural -> singular: طائرات -> طائرة
    if suffix[-2:] in _PRONOUNS and core[-1] == "ت" and core not in _T_ROOTS:
        return core[:-1] + "ه"  # ta marbuta before a pronoun: مدينتها -> مدينة
    return core


@lru_cache(maxsize=100_000)
def strip_article(word: str) -> str:
    """Unstemmed words lose only a leading article: الرقة and رقة are the same place."""
    if word in _PROTECTED_FORMS:
        return _PROTECTED_FORMS[word]
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article):]
    return word
