"""The collection the browser and HTML tests look at: a small archive with Arabic names and labels.

Hand-written accounts (content warnings, several paragraphs, an Arabic translation, a
withdrawn one for the 410 page) and generated ones (every account that mentions bread has a content warning and three
paragraphs or more), so that a search for "bread" fills
more than one page of 20 results and a search for "bakery" fills several pages of 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support import builder


__all__ = ["write", "BREAD_TOTAL", "BAKERY_TOTAL", "TESTIMONY", "ARABIC", "WITHDRAWN",
           "PLACE", "THEME", "MISSING"]

TESTIMONY = "market-morning"  # content warnings, five paragraphs, an Arabic translation
ARABIC = "market-morning-ar"
WITHDRAWN = "withdrawn-account"
PLACE = "saraqib"
THEME = "daily-life"
MISSING = "no-such-testimony"

MARKET_BODY = """\
The bakery queue formed before dawn, as it did every morning, and we stood in it with our bread cards.

My brother held our place while I went back for the second card; the street was still dark and cold.

Then the aircraft came back over the market. Everyone ran towards the walls of the old mosque, and the bakery window broke behind us.

We counted the neighbours that evening. Two families from our street did not come home, and the bakery stayed closed for a week.

When it opened again the queue was longer than before, because people came from the villages as well.
"""

MARKET_BODY_AR = """\
اصطففنا أمام المخبز قبل الفجر كما في كل صباح، وكانت معنا بطاقات الخبز.

ثم عادت الطائرات فوق السوق، وركض الجميع نحو جدران الجامع القديم.

عددنا الجيران في ذلك المساء، ولم تعد عائلتان من شارعنا إلى البيت.
"""


def _front(tid: str, *, access: str = "public", identity: str = "named", **changes: Any) -> dict[str, Any]:
    """The builder's "reading" preset; `access` and `identity` are the consent's."""
    return builder.fields(tid, "reading", **{"consent.access": access, "consent.identity": identity, **changes})


HANDWRITTEN: tuple[tuple[dict[str, Any], str], ...] = (
    (_front(TESTIMONY, title="The morning the aircraft came back to the market",
            content_warnings=["death", "injury"], summary="A bakery queue in Saraqib on the morning of an airstrike.",
            contributors=[{"name": "Sara Ali", "role": "translator"}]),
     MARKET_BODY),
    (_front(ARABIC, title="صباح عادت فيه الطائرات إلى السوق", language="ar", translation_of=TESTIMONY,
            narrator={"name": "Layla Haddad", "description": "خبازة من البلدة"},
            content_warnings=["موت"], summary="طابور المخبز في سراقب صباح الغارة."),
     MARKET_BODY_AR),
    (_front("road-north", title="The road north from Ma'arrat al-Nu'man", places=["maarrat-al-numan"],
            themes=["displacement"], event_date="2019-12/2020-02", identity="anonymous",
            narrator={"description": "A teacher and mother of three"},
            summary="Leaving the city in winter with a bakery's last bread.", content_warnings=["hunger"]),
     "We left before the bakery closed for good, with a sack of bread and the children's school books.\n\n"
     "The road to the border was full of cars and tractors; it took two days to reach the camps.\n\n"
     "At Atmeh we shared one tent with my sister's family until the spring.\n"),
    (_front("school-shelter", title="A school used as a shelter", places=["idlib"],
            themes=["airstrikes", "displacement"], event_date="2016-05", content_warnings=["children"],
            narrator={"name": "Omar Khatib", "pseudonym": "Abu Sami", "description": "A school caretaker"},
            identity="pseudonymous"),
     "The classrooms became bedrooms for forty families, and the yard became the bakery queue.\n\n"
     "We painted the windows blue so that the light would not show at night.\n"),
    (_front("camp-winter", title="Winter in Atmeh camp", places=["atmeh-camp"], themes=["displacement"],
            event_date="2020-01", content_warnings=["cold", "illness"]),
     "Snow came through the tent roof. The bakery van came every second day with bread.\n\n"
     "The children made a game of counting the trucks.\n\n"
     "In February the clinic tent ran out of medicine for coughs.\n"),
    (_front(WITHDRAWN, title="A withdrawn account", access="withdrawn"), "Nothing of this may be shown.\n"),
)

FILLER_PLACES = ("idlib", "saraqib", "maarrat-al-numan", "atmeh-camp")
FILLER_COUNT = 20


def _filler(n: int) -> tuple[dict[str, Any], str]:
    place = FILLER_PLACES[n % len(FILLER_PLACES)]
    year = 2012 + n % 9
    front = _front(f"bread-{n:02d}", title=f"Bread and work in {year}, account {n}", places=[place],
                   themes=[THEME] if n % 3 else [THEME, "displacement"], event_date=f"{year}-{n % 12 + 1:02d}",
                   identity="anonymous", narrator={"description": f"A resident, interviewed in {year + 1}"},
                   summary=f"How a family found bread and work in {year}.", content_warnings=["hunger"])
    body = (f"In {year} we baked our own bread when flour could be found, and sold what was left.\n\n"
            f"The market opened for two hours each morning; account {n} of the daily-life series.\n\n"
            "Some weeks there was no flour at all, and we ate what the neighbours could spare.\n")
    return front, body


def _all() -> list[tuple[dict[str, Any], str]]:
    return [*HANDWRITTEN, *(_filler(n) for n in range(1, FILLER_COUNT + 1))]


# Public accounts that mention bread (every filler, the market, the road, the camp) and the bakery.
BREAD_TOTAL = FILLER_COUNT + 3
BAKERY_TOTAL = 4


def write(root: Path) -> Path:
    """The content directory, ready to index and serve."""
    files = {name: text for front, body in _all() for name, text in builder.written(front, body).items()}
    return builder.write_collection(root, files, vocabulary="reading")
