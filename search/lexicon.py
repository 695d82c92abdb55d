"""Small curated word lists the analyzers use where rules cannot: measured in tests/data/.

- Arabic broken plurals of the archive's domain (أطفال -> طفل, براميل -> برميل), written
  as the light stemmer leaves them (folded: ة -> ه, أ/إ/آ -> ا, ى -> ي, ئ -> ي);
- Arabic masculine nouns whose plural takes ات (مخيمات -> مخيم, not مخيمة);
- English irregular plurals (children -> child) and British spellings (defence -> defense),
  as maps between Porter2 stems, so every inflection of one finds the other.

Changing this file changes the index schema version: the indexes are rebuilt.
"""

from __future__ import annotations

from whoosh.lang.porter2 import stem as _porter2

__all__ = ["ARABIC_BROKEN_PLURALS", "ARABIC_MASCULINE_AT", "ENGLISH_STEMS"]

# plural (folded, as stemmed) -> singular (folded, as stemmed)
ARABIC_BROKEN_PLURALS = {
    "اطفال": "طفل", "براميل": "برميل", "تلاميذ": "تلميذ", "شهداء": "شهيد", "صواريخ": "صاروخ",
    "قذايف": "قذيفه", "بيوت": "بيت", "منازل": "منزل", "مدارس": "مدرسه", "مساجد": "مسجد",
    "جرحي": "جريح", "قتلي": "قتيل", "اسري": "اسير", "رجال": "رجل", "نساء": "امراه", "اولاد": "ولد",
    "ابناء": "ابن", "بنات": "بنت", "شوارع": "شارع", "قري": "قريه", "مدن": "مدينه", "جيران": "جار",
    "اصدقاء": "صديق", "اطباء": "طبيب", "حواجز": "حاجز", "سجون": "سجن", "زنازين": "زنزانه",
    "شباب": "شاب", "خيام": "خيمه", "ملاجي": "ملجا", "جثث": "جثه", "قبور": "قبر", "اشجار": "شجره",
    "حقول": "حقل", "اسواق": "سوق", "اسلحه": "سلاح", "جنود": "جندي", "ضحايا": "ضحيه", "طايرات": "طايره",
    "معتقلات": "معتقل", "مراكز": "مركز", "مخابز": "مخبز", "افران": "فرن", "محاصيل": "محصول",
    "مزارع": "مزرعه", "عايلات": "عايله", "ابواب": "باب", "نوافذ": "نافذه",
}
# Masculine singulars (folded, as stemmed) whose plural ends in ات: that ات is not a feminine ending.
ARABIC_MASCULINE_AT = frozenset(
    "مخيم مستشفي تنظيم مطار اجتماع مولد اتصال انتخاب حمام امتحان مستودع مبني مشفي مستوصف".split()
)

_IRREGULAR_PLURALS = {
    "children": "child", "women": "woman", "men": "man", "feet": "foot", "teeth": "tooth", "mice": "mouse",
    "geese": "goose", "wives": "wife", "knives": "knife", "thieves": "thief", "halves": "half",
    "shelves": "shelf", "loaves": "loaf", "wolves": "wolf", "brethren": "brother",
}
_BRITISH_AMERICAN = {
    "defence": "defense", "offence": "offense", "licence": "license", "pretence": "pretense",
    "centre": "center", "theatre": "theater", "metre": "meter", "litre": "liter", "fibre": "fiber",
    "neighbour": "neighbor", "colour": "color", "honour": "honor", "labour": "labor", "harbour": "harbor",
    "favour": "favor", "behaviour": "behavior", "rumour": "rumor", "armour": "armor", "humour": "humor",
    "odour": "odor", "vapour": "vapor", "endeavour": "endeavor", "savour": "savor",
    "organisation": "organization", "organise": "organize", "recognise": "recognize", "realise": "realize",
    "apologise": "apologize", "criticise": "criticize", "mobilise": "mobilize", "civilisation": "civilization",
    "hospitalise": "hospitalize", "traumatise": "traumatize", "terrorise": "terrorize",
    "programme": "program", "jewellery": "jewelry", "grey": "gray", "plough": "plow",
    "aluminium": "aluminum", "paediatric": "pediatric", "anaesthetic": "anesthetic",
    "haemorrhage": "hemorrhage", "manoeuvre": "maneuver", "sceptical": "skeptical", "analyse": "analyze",
    "paralyse": "paralyze", "catalogue": "catalog", "fulfil": "fulfill", "skilful": "skillful",
    "judgement": "judgment", "sulphur": "sulfur", "moustache": "mustache", "pyjamas": "pajamas",
    "enrol": "enroll", "instalment": "installment", "ageing": "aging",
}


def _stem_map() -> dict[str, str]:
    found: dict[str, str] = {}
    for source, target in (*_IRREGULAR_PLURALS.items(), *_BRITISH_AMERICAN.items()):
        a, b = _porter2(source), _porter2(target)
        if a != b:
            found[a] = b
    return found


# Porter2 stem -> the stem it is indexed as.
ENGLISH_STEMS = _stem_map()
