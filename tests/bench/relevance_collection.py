"""The judged collection of `make relevance`: short accounts in English and Arabic, written for it.

Synthetic but realistic: each account has places from the sample gazetteer, themes from the
sample vocabulary and an event date, and its words are what a narrator would say, not what a
query would contain. The judgments in relevance_judgments.tsv were written from these texts,
before the engine's answers were looked at. Ids say language (e-/a-), place and subject.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

__all__ = ["Account", "ACCOUNTS", "write_collection"]

ROOT = Path(__file__).resolve().parents[2]


class Account(NamedTuple):
    id: str
    language: str
    title: str
    event_date: str
    places: tuple[str, ...]
    themes: tuple[str, ...]
    body: str


def _e(tid: str, title: str, date: str, places: str, themes: str, body: str) -> Account:
    return Account(tid, "en", title, date, tuple(places.split()), tuple(themes.split()), " ".join(body.split()))


def _a(tid: str, title: str, date: str, places: str, themes: str, body: str) -> Account:
    return Account(tid, "ar", title, date, tuple(places.split()), tuple(themes.split()), " ".join(body.split()))


ACCOUNTS: tuple[Account, ...] = (
    _e("e-saraqib-bakery", "The queue for bread", "2016-02", "saraqib", "airstrikes markets", """
       We stood in the queue outside the bakery in Saraqib before sunrise. A jet passed twice and on
       the third pass it bombed the street. The baker's son pulled people out of the rubble and the flour
       sacks were stained red. For weeks afterwards my mother baked flatbread at home on a tin sheet
       rather than send us to queue again."""),
    _e("e-khan-shaykhun-chemical", "The morning the air turned poison", "2017-04-04", "khan-shaykhun",
       "chemical-attacks civilian-casualties", """
       Early on the fourth of April a plane dropped something on Khan Shaykhun that did not explode like the
       others. People fell in the street with foam at their mouths and their pupils shrank to points. I soaked
       a cloth in water and held it over my daughter's face. The clinic ran out of atropine within an hour;
       we washed the children with hoses in the yard."""),
    _e("e-idlib-hospital-double-tap", "Waiting before running to the crater", "2019-05", "idlib",
       "attacks-on-health-care double-tap-strikes", """
       I was a nurse at the national hospital in Idlib city. The first missile hit the entrance. When the
       ambulances came to carry the wounded, a second strike landed on the same spot twenty minutes later.
       After that we learned to wait before running to a crater. We moved the operating theatre to the
       basement and worked by the light of a generator."""),
    _e("e-civil-defence-sarmin", "Listening for voices under concrete", "2015-03", "sarmin",
       "civil-defence rescue", """
       I joined the civil defence in Sarmin when I was nineteen. The older volunteers taught us to switch off
       the engines and listen for voices under the concrete. One night we dug for six hours and found two
       brothers alive under a staircase. People called us the White Helmets because of what we wore; we
       called ourselves neighbours with shovels."""),
    _e("e-atmeh-camp-winter", "Mud under the tent", "2020-01", "atmeh-camps", "camps displacement", """
       Our tent in the camps at Atmeh stood on mud. In January the rain came through the canvas and the
       children slept in wet blankets. We burned plastic bags and pistachio shells for heat. Most families
       around us had fled three or four times before they reached the border, and nobody believed this would
       be the last time."""),
    _e("e-maarat-flight-2019", "A pickup truck and nine nights", "2019-12", "maarat-al-numan",
       "displacement ground-offensive", """
       When the front line came close to Maarat al-Numan we left with what fitted in a pickup truck. The
       road north was one slow line of cars, tractors and people on foot. We slept in an olive grove near
       Sarmada for nine nights before a cousin found us a room with a door that closed."""),
    _e("e-kafr-nabl-banners", "Banners for the cameras", "2012-03", "kafr-nabl", "protest media-activism", """
       Every Friday the young men of Kafr Nabl painted banners in English for the cameras. The slogans were
       funny and bitter at once. I carried the cardboard to the square and we sang until the shelling
       started. Reporters far away quoted our banners, and that made us feel the world was listening."""),
    _e("e-detention-aleppo-brother", "No name on any list", "2013-07", "aleppo",
       "enforced-disappearance detention", """
       My brother was taken at a checkpoint on the road to Aleppo. Nobody admitted holding him. For years my
       mother paid middlemen who promised news of him and brought none. We still do not know whether he is
       alive; his name has never appeared on any list of the dead or of the released."""),
    _e("e-hama-prison", "Eight months in the branch", "2012-11", "hama", "detention torture", """
       I was held for eight months in a branch of military intelligence in Hama. Interrogators beat the soles
       of our feet and hung men from their wrists. Thirty of us shared a cell meant for six. When they let me
       go I could not walk properly for weeks, and I still wake at the sound of keys."""),
    _e("e-ariha-school-basement", "Letters by candlelight", "2018-09", "ariha",
       "schooling education airstrikes", """
       I teach the first grade in Ariha. When the aircraft came back we moved lessons into a basement and the
       pupils learned their letters by candlelight. A little girl asked me why the planes hated schools. Half
       of my class left for the camps that winter."""),
    _e("e-urem-barrel-bombs", "The whistle and the second of silence", "2014-06", "urem-al-kubra",
       "barrel-bombs civilian-casualties", """
       Helicopters dropped barrel bombs on Urem al-Kubra almost every day that summer. You heard the rotor,
       then a whistle, then nothing for one second. A barrel fell on my uncle's house and flattened three
       floors. We pulled his children out of the dust with our hands."""),
    _e("e-jisr-bomblets", "Toys in the wheat", "2015-05", "jisr-al-shughur", "cluster-munitions", """
       After the battle for Jisr al-Shughur the fields were full of small bomblets from cluster munitions. A
       shepherd boy picked one up thinking it was a toy and lost his hand. The civil defence marked the
       unexploded submunitions with red paint so that farmers would not plough near them."""),
    _e("e-bab-al-hawa-trucks", "The last open gate", "2020-07", "bab-al-hawa-crossing",
       "cross-border-aid humanitarian-aid", """
       I drove a truck of flour and medicine through the Bab al-Hawa crossing. Once the other crossings were
       closed, everything for the north had to pass through that one gate. The line of lorries stretched for
       kilometres and some of the food spoiled in the heat while we waited for papers."""),
    _e("e-saraqib-women-march", "Our faces in scarves", "2011-06", "saraqib", "womens-protest", """
       The women of Saraqib marched on their own one evening. We wrapped our faces in scarves so that the
       informers would not know us, and my grandmother led the chants. Our husbands and sons watched from
       the rooftops to warn us if the security forces came."""),
    _e("e-binnish-council", "A council with no salary", "2017-10", "binnish", "local-councils civil-society", """
       I served on the local council of Binnish. We collected rubbish, repaired the water pumps and argued
       with the armed groups about taxes on fuel. With no salary and no state behind us, the council ran on
       donations and patience."""),
    _e("e-idlib-radio", "Music on the morning news", "2018-02", "idlib", "media-activism armed-group-rule", """
       We ran a small radio station from a flat in Idlib. Each morning we read the news of strikes, road
       closures and the price of bread. Armed men raided the studio twice because we played music between
       the bulletins; we hid the mixer in a washing machine."""),
    _e("e-darat-izza-olives", "Picking before the drones", "2019-10", "darat-izza", "daily-life fear", """
       Autumn is the olive harvest. In Darat Izza my father refused to leave his orchards even when drones
       circled above the hills. We picked at dawn and ran for the trees whenever we heard an engine. That
       year the oil was bitter, or perhaps it was only us."""),
    _e("e-atmeh-camp-clinic", "A boy who drew only aeroplanes", "2021-03", "atmeh-camps", "camps health-care", """
       In the camp clinic I counselled children who woke screaming every night. A boy of seven drew nothing
       but aeroplanes and houses with no roofs. There was one psychologist for eleven thousand people, so we
       taught mothers to run the sessions themselves."""),
    _e("e-afrin-flight-2018", "Carrying my father on a chair", "2018-03", "afrin", "displacement ground-offensive", """
       We fled Afrin when the Turkish-backed forces entered the town. The cars had no fuel, so we walked
       towards Tal Rifaat carrying my father on a kitchen chair between two of us. We were displaced for the
       first time; our neighbours from Aleppo had already been displaced twice."""),
    _e("e-azaz-school-reopened", "Lessons on cardboard", "2017-09", "azaz", "education schooling", """
       When the school in Azaz opened its doors again after the fighting we had no desks and no books.
       Teachers wrote the lessons on pieces of cardboard. The children were so hungry to learn that they came
       even on holidays, and the older ones taught the younger."""),
    _e("e-maarat-vegetable-market", "Tomatoes among the crates", "2019-07-22", "maarat-al-numan",
       "markets airstrikes civilian-casualties", """
       The vegetable market of Maarat al-Numan was struck at midday, when it was most crowded. I sold
       tomatoes there from a wooden stall. Dozens of people died among the crates and the torn awnings. The
       market never opened again; the traders moved to the roadside."""),
    _e("e-atarib-winter-clothes", "Buying coats for winter", "2017-11", "atarib", "markets airstrikes", """
       The market in Atarib was bombed while people were buying winter clothes for their children. I had just
       paid for a red coat for my son. The shop owner died behind his counter. Since then I cannot walk past
       a clothes shop without my heart racing."""),
    _e("e-hama-square", "The square by the river", "2011-07", "hama", "protest", """
       That summer hundreds of thousands of us filled the square in Hama, singing and carrying olive
       branches. For a few weeks the security forces kept away from the city, and we believed the
       demonstrations had won something that could not be taken back."""),
    _e("e-dana-distribution", "Distribution day", "2020-02", "dana", "humanitarian-aid camps", """
       On distribution day at the warehouse in Dana the families queued from dawn for food baskets, blankets
       and heating fuel. Widows were served first. I kept the lists, and every month the lists grew longer
       than the baskets."""),
    _e("e-khan-shaykhun-falls", "The town emptied in a week", "2019-08", "khan-shaykhun",
       "ground-offensive displacement", """
       The government offensive reached Khan Shaykhun in the last weeks of summer. Artillery fell on the
       southern roads day and night, and in one week the town emptied. We took the goats and left the
       furniture; my mother locked the door and kept the key."""),
    _a("a-binnish-protest", "جمعة في بنش", "2011-08", "binnish", "protest", """
       كنّا نخرج في المظاهرات كلَّ يوم جمعة من الجامع الكبير في بنش. نهتف للحرية ونحمل الأعلام واللافتات
       التي كتبها الشباب في الليل. في إحدى الجمعات أطلق الأمن النار على المتظاهرين فجُرح ابن جيراننا في
       ساقه، ومع ذلك خرجنا في الجمعة التالية."""),
    _a("a-saraqib-barrels", "شتاء البراميل", "2014-02", "saraqib", "barrel-bombs", """
       ألقت المروحيات البراميل المتفجرة على سراقب طوال ذلك الشتاء. سقط برميلٌ على بيت جارنا فهدمه فوق رؤوس
       ساكنيه، ولم نستطع إخراج أحدٍ منهم حتى الصباح. صرنا نعرف صوت المروحية قبل أن نراها."""),
    _a("a-idlib-disappearance", "لا أحد يعترف بأخذه", "2012-05", "idlib", "enforced-disappearance detention", """
       اعتُقل زوجي على حاجز في مدينة إدلب، ومنذ ذلك اليوم لا نعرف عنه شيئاً. أنكرت الفروع الأمنية وجوده
       عندها، ودفعنا المال لسماسرة وعدونا بخبر عنه. هذا هو الإخفاء القسري: أن يغيب إنسان ولا يعترف أحدٌ
       بأخذه."""),
    _a("a-atmeh-tents", "خيمة بين أشجار الزيتون", "2019-12", "atmeh-camps", "camps displacement", """
       نزحنا إلى مخيمات أطمة ونصبنا خيمتنا بين أشجار الزيتون. في الشتاء غرقت الخيام بالمطر ومرض الأطفال من
       البرد، وكان أصغرهم طفلاً رضيعاً لم يكمل شهره الثالث. كنا نحرق الثياب القديمة لنتدفأ."""),
    _a("a-kafr-nabl-school", "التلاميذ في القبو", "2016-10", "kafr-nabl", "schooling education airstrikes", """
       أنا معلّمة في مدرسة بكفرنبل. قُصفت المدرسة صباحاً والتلاميذ في الصفوف، فجمعناهم في القبو وبقينا
       هناك حتى المساء. استُشهد تلميذ من الصف الرابع، وفي اليوم التالي جاء زملاؤه وجلسوا عند مقعده
       الفارغ."""),
    _a("a-maarat-hospital", "غرفة العمليات في القبو", "2019-05", "maarat-al-numan", "attacks-on-health-care", """
       كنت طبيباً في مستشفى معرة النعمان حين استهدفته الطائرات ثلاث مرات في أسبوع واحد. خرجت غرفة العمليات
       عن الخدمة فنقلنا المرضى والأجهزة إلى القبو، وعملنا على ضوء المولّدة. الممرضات لم يغادرن."""),
    _a("a-khan-shaykhun-sarin", "رائحة غريبة في الصباح", "2017-04", "khan-shaykhun",
       "chemical-attacks civilian-casualties", """
       في صباح ذلك اليوم استيقظنا على رائحة غريبة في خان شيخون. رأيت الأطفال يختنقون والزبد يخرج من
       أفواههم، وحملنا من استطعنا إلى المستشفى. قالوا لنا بعد ذلك إنه غاز السارين."""),
    _a("a-idlib-white-helmets", "نرفع الركام بأيدينا", "2018-01", "idlib", "civil-defence rescue", """
       تطوعت في الدفاع المدني في إدلب، ويسمّينا الناس الخوذ البيضاء. نرفع الركام بأيدينا ونبحث عن
       الأحياء تحته، وأحياناً نسمع صوت طفل فنحفر ساعات حتى نصل إليه."""),
    _a("a-atarib-second-strike", "الضربة الثانية", "2016-09", "atarib", "double-tap-strikes", """
       ضربت الطائرة السوق في الأتارب، وحين هرع الناس لإسعاف الجرحى عادت وضربت المكان نفسه مرةً ثانية.
       قُتل في الضربة الثانية من جاؤوا للإنقاذ، ومنهم أخي."""),
    _a("a-idlib-women-detainees", "أمهات المعتقلين", "2013-03", "idlib", "womens-protest detention", """
       خرجت النساء في مظاهرة نسائية في إدلب للمطالبة بالإفراج عن المعتقلين. حملت كل واحدة صورة ابنها أو
       زوجها، ووقفنا صامتات أمام المحكمة حتى فرّقتنا الشرطة."""),
    _a("a-salqin-bread", "ثمن ربطة الخبز", "2020-05", "salqin", "daily-life markets", """
       في سلقين ارتفع سعر ربطة الخبز ثلاث مرات في شهر واحد بعد انهيار الليرة. صار الناس يشترون نصف ربطة،
       والفرّان يبيع بالدين لمن يعرفهم."""),
    _a("a-ariha-bomblets", "القنيبلات في كروم التين", "2019-08", "ariha", "cluster-munitions", """
       سقطت القنابل العنقودية على أطراف أريحا وتناثرت القنيبلات في كروم التين. منعنا الأولاد من الخروج
       إلى الحقول حتى جاء فريق إزالة الألغام وجمع ما لم ينفجر."""),
    _a("a-jisr-flight", "الطريق إلى الحدود", "2015-04", "jisr-al-shughur", "displacement", """
       نزحنا من جسر الشغور مع بداية المعارك، ومشينا على الطريق الجبلي نحو الحدود. حملت أمي الخبز
       والأوراق الرسمية في كيس واحد، وتركنا كل شيء آخر."""),
    _a("a-sarmada-council", "المجلس المحلي في سرمدا", "2018-06", "sarmada", "local-councils humanitarian-aid", """
       عملت في المجلس المحلي في سرمدا. كنا نوزّع المساعدات على العائلات النازحة ونصلح شبكة المياه،
       ونتفاوض مع المنظمات على كل كيس طحين."""),
    _a("a-aleppo-prison", "سنة في السجن", "2014-01", "aleppo", "torture detention", """
       قضيت سنة في سجن بحلب. كانوا يعذبوننا بالكهرباء ويعلّقوننا من أيدينا، وكان المعتقلون ينامون
       بالتناوب لأن الزنزانة لا تتسع لهم جميعاً."""),
    _a("a-urem-children", "الطفلان", "2014-07", "urem-al-kubra", "barrel-bombs civilian-casualties", """
       فقدت طفلين من أطفالي حين سقط برميل على حارتنا في أورم الكبرى. كانا يلعبان أمام الباب. ما زلت أحتفظ
       بحذاء الصغير في خزانتي."""),
    _a("a-kafr-nabl-radio", "إذاعة من الطابق الثاني", "2014-08", "kafr-nabl", "media-activism", """
       عملت في إذاعة محلية في كفرنبل، نبثّ الأخبار وأسعار الخبز ومواعيد توزيع المساعدات. كنا نقرأ أسماء
       الشهداء كل مساء، ونغني للأطفال في الصباح."""),
    _a("a-dana-market", "سوق الدانا", "2021-08", "dana", "markets airstrikes", """
       قُصف سوق الدانا في الصيف وكان مزدحماً بالباعة والمتسوقين. احترقت البسطات واختلطت الخضار بالزجاج،
       وحمل الشباب الجرحى على عربات الخضار."""),
)


def _front_matter(account: Account) -> str:
    from tests.support.builder import testimony_text  # the one builder of test collections
    return testimony_text(account.id, title=account.title, body=account.body, language=account.language,
                          identity="named", name="Narrator", places=account.places, themes=account.themes,
                          event_date=account.event_date)


def write_collection(root: Path) -> Path:
    """The judged collection as a content directory, with the sample gazetteer and theme vocabulary."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("collection.yaml", "places.yaml", "themes.yaml"):
        (root / name).write_text((ROOT / "testimonies" / name).read_text(encoding="utf-8"), encoding="utf-8")
    for account in ACCOUNTS:
        path = root / account.language / f"{account.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_front_matter(account), encoding="utf-8")
    return root
