"""Word lists for the synthetic collections: real English and Arabic words of the domain.

Data only. The domain words are grouped by topic, so that a word appears in the
testimonies about its topic (a realistic document frequency: "incubators" is in
some accounts, not in all); common words come first in their list, and `synth`
weights every list by rank (Zipf).
"""

from __future__ import annotations

__all__ = ["ENGLISH_COMMON", "ENGLISH_TOPICS", "ENGLISH_PHRASES", "ENGLISH_TEMPLATES", "ARABIC_COMMON",
           "ARABIC_TOPICS", "ARABIC_PHRASES", "ARABIC_TEMPLATES", "ARABIC_VOWELLED", "THEME_TOPICS",
           "FIRST_NAMES", "LAST_NAMES", "ARABIC_FIRST_NAMES", "ARABIC_LAST_NAMES", "PSEUDONYMS",
           "ARABIC_PSEUDONYMS", "RECORDERS", "TITLE_EVENTS", "ARABIC_TITLE_EVENTS", "WARNINGS",
           "ARABIC_WARNINGS"]

ENGLISH_COMMON = """
the of and to in we was were had that it my our they there then when after before with from for on
at all not no one two three few many every again still only even so but because while until could
would did which who what where this those these some any more most other them us me him her his
their he she you your out up down over into through about around near far back home away just very
much too already never always often sometimes later soon last first next day night days nights
morning evening week weeks month months year years time hours minutes people man woman men women
child children family families friend friends house street road town village city place places way
side door window room floor wall roof water bread food money car
""".split()

ENGLISH_TOPICS = {k: v.split() for k, v in {
    "violence": """airstrike bombing bombs shelling warplanes explosion rubble airstrikes bombed shelled
        rocket rockets missile missiles helicopter helicopters jets explosions ruins debris fire smoke dust
        shrapnel craters collapsed russian aircraft offensive soldiers army regime forces fighters militia
        killed dead""",
    "shelter": """shelter basement fear afraid siren shelters cellar trapped screaming crying prayer prayed
        silence waiting terrified darkness candles""",
    "displacement": """displaced camp tents fled border displacement fleeing flee camps tent crossing convoy
        refugees smuggler smugglers lorries tarpaulin plastic sheeting latrines mud rain cold snow winter
        blanket mattress stove heating firewood""",
    "detention": """detained checkpoint prison arrested detention checkpoints arrest prisoners interrogation
        torture tortured disappeared raid raids informants branch intelligence cell cells blindfolded
        released ransom curfew""",
    "protest": """protest freedom protesters demonstration activists protests demonstrators banners chanting
        council election journalists radio camera video photographs internet messages phone courage""",
    "health": """hospital doctor wounded ambulance clinic hospitals doctors nurse nurses ambulances injured
        surgery medicine medicines stretcher bandages blood oxygen incubators generators cholera
        vaccination""",
    "rescue": """rescue volunteers rescued rescuers survivors survived dug digging stretcher helmets""",
    "education": """school teacher pupils classroom schools teachers exams certificates university students
        lecture lectures wages books""",
    "daily": """market bakery prices queue markets flour queues kitchen electricity fuel generator diesel
        tanker tankers well wells pump pumps cisterns hunger""",
    "land": """olive fields harvest farmers olives trees sheep orchard orchards wheat barley cotton
        pistachio figs grapes vineyard vineyards""",
    "family": """mother father brother sister son daughter wife husband grandmother uncle cousin elderly
        neighbours neighbourhood houses homes windows mosque mosques""",
    "grief": """funeral martyrs grief mourning buried graves memory remember remembered hope""",
    "aid": """humanitarian aid organisation baskets organisations blankets ceasefire agreement negotiations
        siege donors distribution""",
}.items()}

ENGLISH_PHRASES = {
    "violence": ["barrel bombs", "warplanes overhead", "second strike", "the front line", "cluster bombs",
                 "chemical weapons"],
    "shelter": ["the basement shelter", "under the stairs"],
    "displacement": ["displaced families", "tent camp", "border crossing"],
    "detention": ["the security branch", "mass arrests"],
    "protest": ["friday protest", "the local council"],
    "health": ["field hospital", "the emergency room", "the night shift"],
    "rescue": ["civil defence", "white helmets", "rescue workers", "under the rubble"],
    "education": ["the school building", "the underground school"],
    "daily": ["the bread queue", "the old market", "power cuts", "water tanks"],
    "land": ["olive trees", "the main road"],
    "family": ["my little brother", "our neighbours"],
    "grief": ["the funeral prayer"],
    "aid": ["humanitarian aid", "food baskets"],
}

# Sentence skeletons: {w} a word drawn by weight, {p} a phrase of the topic, {place} a place of the testimony.
ENGLISH_TEMPLATES = [
    "{p} {w} {w} the {w} {w} {w}.", "we {w} {w} {p} and {w} {w} {w} {w}.",
    "in {place} the {w} {w} {w} {w} {p}.", "{w} {w} {w} {w} {w} {w} {w} {w} {w} {w}.",
    "my {w} {w} {w} {w} the {w} {w} {p} {w} {w}.", "after the {w} {w} {w} {w} {w} {w} {w}.",
    "they {w} {w} {w} {w} {w} near {place} {w} {w}.", "{w} {w} {p} {w} {w} {w} {w} {w} {w} {w} {w} {w}.",
    "nobody {w} {w} {w} {w} {w} {w} {p}.", "there were {w} {w} {w} {w} {w} {w} {w} {w}.",
]

ARABIC_COMMON = """
في من على إلى عن مع بعد قبل عندما كنا كانوا كان كانت لم لا كل جميع أيضاً حتى لكن ثم هناك هنا نحن هم
الذي التي بين تحت فوق أمام خلف بسبب يوم أيام سنة سنوات ساعة دقائق فجأة الناس بيت بيوت شارع مدينة قرية
بلدة ريف عائلة أطفال طفل أم أب أخي أختي ابني ابنتي زوجتي زوجي ليل ليلة صباح مساء ماء خبز طعام طريق
""".split()

ARABIC_TOPICS = {k: v.split() for k, v in {
    "violence": """قصف غارة طائرات صاروخ دمار ركام غارات طائرة الطيران مروحية براميل برميل صواريخ قذيفة
        قذائف انفجار أنقاض غبار دخان نار شظايا هجوم جنود جيش النظام قوات روسية قتل قتلى""",
    "shelter": "ملجأ قبو خوف خائفين صراخ بكاء صلاة صمت انتظار ظلام",
    "displacement": "نزوح مخيم خيمة نازحين نزحنا هربنا مخيمات خيام الحدود معبر مهرب مهربين نايلون وحل مطر برد ثلج شتاء",
    "detention": "اعتقال حاجز سجن معتقل حواجز سجناء تحقيق تعذيب مختفين مداهمة مداهمات مخبرين فرع المخابرات زنزانة معصوب أفرج فدية حظر",
    "protest": "مظاهرة حرية مظاهرات متظاهرين لافتات هتافات ناشطين صحفيين مجلس محلي انتخابات راديو كاميرا فيديو صور إنترنت رسائل هاتف شجاعة",
    "health": "مستشفى طبيب جرحى إسعاف مشفى عيادة أطباء ممرضة مصابين عملية دواء أدوية نقالة ضمادات دم أكسجين حاضنات مولدة كوليرا لقاح",
    "rescue": "إنقاذ متطوعين ناجين نجونا حفر حفرة محاصرين نقالة",
    "education": "مدرسة معلم تلاميذ صف مدارس معلمة امتحانات شهادات جامعة طلاب محاضرة رواتب كتب",
    "daily": "سوق فرن طحين أسعار أسواق طابور مطبخ كهرباء وقود مازوت صهريج بئر آبار مضخة جوع",
    "land": "زيتون حقول حصاد فلاحين أشجار أغنام بستان قمح شعير قطن فستق تين عنب كرم",
    "family": "جيران حي منزل نساء رجال كبار أصدقاء عائلات سقف جدران نوافذ مسجد شوارع قرى",
    "grief": "شهداء جنازة دفن قبور عزاء حزن موت ذاكرة أتذكر أمل",
    "aid": "مساعدات إنسانية منظمة سلال بطانيات هدنة اتفاق مفاوضات حصار توزيع",
}.items()}

ARABIC_PHRASES = {
    "violence": ["البراميل المتفجرة", "الضربة الثانية", "خط الجبهة", "السلاح الكيميائي"],
    "shelter": ["في القبو"],
    "displacement": ["العائلات النازحة"],
    "detention": ["فرع الأمن"],
    "protest": ["يوم الجمعة", "المجلس المحلي"],
    "health": ["المستشفى الميداني"],
    "rescue": ["الدفاع المدني", "الخوذ البيضاء", "تحت الأنقاض"],
    "education": ["مدرسة تحت الأرض"],
    "daily": ["طابور الخبز", "انقطاع الكهرباء"],
    "land": ["أشجار الزيتون"],
    "family": ["بيت جدي"],
    "grief": ["صلاة الجنازة"],
    "aid": ["المساعدات الإنسانية", "سلال غذائية"],
}

ARABIC_TEMPLATES = [
    "قصفت الطائرات {place} {w} {w} {w}.", "{w} {w} {p} {w} {w} {w} {w}.",
    "في {place} {w} {w} {w} {w} {p}.", "{w} {w} {w} {w} {w} {w} {w} {w} {w}.",
    "نزحنا من {place} {w} {w} {w} {w} {w}.", "كان {w} {w} {w} {p} {w} {w} {w} {w}.",
    "بعد {w} {w} {w} {w} {w} {w} {w} {w}.", "لم {w} {w} {w} {w} {w} {p} {w}.",
]

# Some words as they are often written with their short vowels (tashkeel).
ARABIC_VOWELLED = {
    "قصف": "قَصْف", "غارة": "غَارَة", "طائرة": "طَائِرَة", "طائرات": "طَائِرَات", "مدرسة": "مَدْرَسَة",
    "مستشفى": "مُسْتَشْفَى", "سوق": "سُوق", "خبز": "خُبْز", "أطفال": "أَطْفَال", "بيت": "بَيْت",
    "مخيم": "مُخَيَّم", "اعتقال": "اِعْتِقَال", "مظاهرة": "مُظَاهَرَة", "حرية": "حُرِّيَّة",
    "إنقاذ": "إِنْقَاذ", "خوف": "خَوْف", "نزوح": "نُزُوح", "ليلة": "لَيْلَة", "قرية": "قَرْيَة",
    "مدينة": "مَدِينَة", "شهداء": "شُهَدَاء", "جرحى": "جَرْحَى", "دمار": "دَمَار", "صاروخ": "صَارُوخ",
    "برميل": "بِرْمِيل", "ماء": "مَاء", "كهرباء": "كَهْرَبَاء", "طبيب": "طَبِيب", "عائلة": "عَائِلَة",
    "حصار": "حِصَار", "جوع": "جُوع", "برد": "بَرْد", "شتاء": "شِتَاء", "صباح": "صَبَاح",
    "الناس": "النَّاس", "يوم": "يَوْم", "ركام": "رُكَام", "خيمة": "خَيْمَة", "مساعدات": "مُسَاعَدَات",
    "سجن": "سِجْن", "تعذيب": "تَعْذِيب", "جيش": "جَيْش", "هجوم": "هُجُوم", "فجأة": "فَجْأَةً",
}

# The topics a testimony about a theme talks about (themes not listed get random topics).
THEME_TOPICS = {
    "violence": ("violence", "grief"), "airstrikes": ("violence", "shelter"),
    "barrel-bombs": ("violence", "rescue"), "cluster-munitions": ("violence", "land"),
    "double-tap-strikes": ("violence", "rescue"), "civilian-casualties": ("violence", "grief"),
    "chemical-attacks": ("violence", "health"), "attacks-on-health-care": ("health", "violence"),
    "ground-offensive": ("violence", "displacement"), "displacement": ("displacement", "aid"),
    "camps": ("displacement", "aid"), "detention": ("detention",), "enforced-disappearance": ("detention", "grief"),
    "torture": ("detention",), "protest": ("protest",), "womens-protest": ("protest", "family"),
    "rescue": ("rescue", "violence"), "civil-defence": ("rescue", "violence"), "civil-society": ("protest", "aid"),
    "education": ("education",), "health-care": ("health",), "humanitarian-aid": ("aid", "displacement"),
    "cross-border-aid": ("aid", "displacement"), "local-councils": ("protest", "daily"),
    "media-activism": ("protest",), "daily-life": ("daily", "family"), "markets": ("daily",),
    "schooling": ("education", "family"), "fear": ("shelter", "family"), "armed-group-rule": ("detention", "protest"),
    "international-response": ("aid", "protest"),
}

FIRST_NAMES = """Ahmad Mohammed Khaled Omar Yusuf Hassan Hussein Ibrahim Mahmoud Mustafa Abdullah Tariq Bilal
Fadi Rami Samer Walid Ziad Fatima Amina Huda Rania Lina Mariam Samira Zainab Rasha Salma Hiba Nadia Reem
Dima Ghada""".split()
LAST_NAMES = """Barakat Darwish Kassem Othman Khatib Masri Halabi Hamoud Sayed Najjar Haddad Sabbagh Khalil
Mansour Saleh Youssef Qassab Jaber Hamdan Shami Rifai Zoubi Farouk""".split()
ARABIC_FIRST_NAMES = "أحمد محمد خالد عمر يوسف حسن إبراهيم محمود مصطفى فاطمة آمنة هدى رانيا مريم سميرة زينب".split()
ARABIC_LAST_NAMES = "بركات درويش قاسم عثمان الخطيب المصري الحلبي الحمود النجار الحداد الصباغ منصور".split()
PSEUDONYMS = ["Abu Khaled", "Umm Omar", "Abu Yazan", "Umm Rami", "Abu Firas", "Umm Yamen", "Abu Jaafar",
              "Umm Hadi", "Abu Sami", "Umm Laith"]
ARABIC_PSEUDONYMS = ["أبو خالد", "أم عمر", "أبو يزن", "أم رامي", "أبو فراس", "أم يامن"]

RECORDERS = ["Testimony Archive editorial team", "Syrian Oral History Project", "Women's Voices Network",
             "Northern Documentation Centre", "The Syria Campaign", "Local Media Office"]

TITLE_EVENTS = ["The airstrike on the market", "Fleeing the offensive", "A night under the bombs",
                "Detained at the checkpoint", "The Friday protest", "Rescue after the second strike",
                "Teaching in a basement school", "Winter in the camps", "The hospital that moved underground",
                "Waiting for bread", "The siege and the harvest", "Leaving home for the border"]
ARABIC_TITLE_EVENTS = ["الغارة على السوق", "الهروب من الهجوم", "ليلة تحت القصف", "الاعتقال على الحاجز",
                       "مظاهرة يوم الجمعة", "الإنقاذ بعد الضربة الثانية", "مدرسة في قبو", "شتاء في المخيمات",
                       "طابور الخبز", "الطريق إلى الحدود"]
WARNINGS = ["death", "children", "bombing", "torture", "injury", "detention"]
ARABIC_WARNINGS = ["موت", "أطفال", "قصف", "تعذيب", "إصابات"]
