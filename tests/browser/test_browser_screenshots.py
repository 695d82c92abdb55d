"""Full-page screenshots of the main pages, in English and Arabic, on a phone and a desktop.

They are saved to screenshots/ (outside git) for a person to look at; the test itself checks
what a machine can: nothing spills sideways out of a 390 px screen, and the Arabic layout is
mirrored (the site title sits on the right).
"""

from __future__ import annotations

import pytest

from .page_checks import no_horizontal_overflow, page_language

from tests.support.reading_collection import PLACE, TESTIMONY, THEME


PAGES = {
    "home": "/",
    "search": "/search?q=bakery",  # with its timeline
    "testimony": f"/t/{TESTIMONY}",
    "places": "/places",  # the map
    "place": f"/places/{PLACE}",  # the map around one place
    "theme": f"/themes/{THEME}",  # a timeline by year
}
WIDTHS = [390, 1280]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_screenshot(open_tab, screenshots_dir, page_name, lang, width):
    tab = open_tab(width=width, height=844 if width < 600 else 900)
    path = PAGES[page_name]
    tab.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
    if tab.locator("details.account").count():
        tab.locator("details.account > summary").click()  # show the account, not only its warning
    tab.screenshot(path=str(screenshots_dir / f"{page_name}-{lang}-{width}.png"), full_page=True)

    assert page_language(tab) == (lang, "rtl" if lang == "ar" else "ltr")
    assert not no_horizontal_overflow(tab), f"{page_name} ({lang}) at {width} px: " + "; ".join(
        no_horizontal_overflow(tab))
    title = tab.locator("header .site-title").bounding_box()
    main = tab.locator("main").bounding_box()
    assert title is not None and main is not None
    if lang == "ar":
        assert title["x"] + title["width"] > main["x"] + main["width"] - 40, "the Arabic header is not mirrored"
    else:
        assert title["x"] < main["x"] + 40
