"""Curator pages in headless Chromium: an Arabic account added end to end and withdrawn after the
confirmation; every curator page free of axe violations in both languages; the Arabic forms on a
390 px phone and a 1280 px desktop (screenshots saved, nothing spilling sideways)."""

from __future__ import annotations

import pytest

from .page_checks import no_horizontal_overflow, page_language
from .test_browser_axe import RUN_AXE, TAGS, describe
from .test_curate_flow import _tab, curate_server  # noqa: F401  (fixture)

from tests.support.curators import PASSWORD


def _signed_in(chromium, base: str, problems: list[str], lang: str, width: int = 1280):
    context, page = _tab(chromium, base, problems)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.goto(f"/curate/sign-in?lang={lang}")
    page.locator("#signin-name").fill("amal")
    page.locator("#signin-password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/curate/")
    return context, page


def test_an_arabic_account_added_published_and_withdrawn_with_confirmation(chromium, curate_server):
    base, _ = curate_server
    problems: list[str] = []
    context, curator = _signed_in(chromium, base, problems, "ar")
    public_context, public = _tab(chromium, base, problems)
    try:
        curator.goto("/curate/new")
        assert page_language(curator) == ("ar", "rtl")
        for field, value in {"title": "ليلة الغارة على المطحنة", "event_date": "آذار ٢٠١٩",
                             "recorded_date": "٢٠١٩", "recorded_by": "أمل", "narrator_pseudonym": "أم زقطحين",
                             "content_warnings": "قصف",
                             "body": "توقفت زقمطحنة عن العمل. كان ذلك في [[redact: زقزقاقمخفي]]."}.items():
            curator.locator(f"#{field}").fill(value)
        curator.locator("#places").fill("سراقب")
        curator.locator("#themes").fill("الغارات الجوية")
        curator.locator("#consent_identity").select_option("pseudonymous")
        curator.locator("button[name=preview]").click()
        assert curator.locator("#language").input_value() == "ar"  # guessed from the script
        new_id = curator.locator("#id").input_value()
        assert new_id.startswith("lyl")  # transliterated from the title, editable before the first save
        preview = curator.locator("section.preview.public").inner_text()
        assert "زقمطحنة" in preview and "زقزقاقمخفي" not in preview
        curator.locator("button[name=save][value=publish]").click()
        curator.wait_for_url(f"**/curate/t/{new_id}")
        assert public.goto(f"/t/{new_id}").status == 200 and "أم زقطحين" in public.inner_text("main")
        assert curator.locator("h1").inner_text().startswith("ليلة الغارة على المطحنة")

        curator.goto(f"/curate/t/{new_id}/consent")
        curator.locator("input[name=action][value=withdraw]").check()
        curator.locator("#reason").fill("طلبت الراوية ذلك بالهاتف")
        curator.locator(".consent-form button[type=submit]").click()
        assert "ما سيراه الجمهور" in curator.inner_text("main")  # the confirmation, in Arabic
        assert public.goto(f"/t/{new_id}").status == 200  # not yet
        curator.get_by_role("button", name="نعم، اسحبها الآن").click()
        curator.wait_for_url(f"**/curate/t/{new_id}")
        assert public.goto(f"/t/{new_id}").status == 410 and "زقمطحنة" not in public.content()
        history = curator.locator("table.history").inner_text()
        assert "غيّر الموافقة (مسحوبة)" in history and "withdraw" not in history
    finally:
        context.close()
        public_context.close()
    assert not problems, "\n".join(problems)


# Every curator page; "form errors" is the new form after a submit with problems, "confirm" the confirmation.
PAGES = ["sign-in", "dashboard", "new", "form errors", "testimony", "edit", "consent", "confirm", "audit"]


def _open(page, name: str, lang: str) -> None:
    if name == "sign-in":
        page.context.clear_cookies()
        page.goto(f"/curate/sign-in?lang={lang}")
    elif name == "dashboard":
        page.goto("/curate/")
    elif name == "new":
        page.goto("/curate/new")
    elif name == "form errors":
        page.goto("/curate/new")
        page.locator("#title").fill("خبز" if lang == "ar" else "Bread")
        page.locator("#event_date").fill("2019-02-30")
        page.locator("#places").fill("سراقبب")
        page.locator("button[name=save][value=draft]").click()
        assert page.locator(".error-summary").count() == 1
    elif name in ("testimony", "edit", "consent"):
        page.goto("/curate/t/pseudo-account" + {"testimony": "", "edit": "/edit", "consent": "/consent"}[name])
    elif name == "confirm":
        page.goto("/curate/t/open-account/consent")
        page.locator("input[name=action][value=restrict]").check()
        page.locator("#reason").fill("r")
        page.locator(".consent-form button[type=submit]").click()
        assert page.locator("section.confirm").count() == 1
    else:
        page.goto("/curate/audit")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_curator_page_has_no_axe_violations(chromium, curate_server, axe_source, lang):
    base, _ = curate_server
    problems: list[str] = []
    context, page = _signed_in(chromium, base, problems, lang)
    failures = []
    try:
        for name in PAGES:
            _open(page, name, lang)
            assert page_language(page)[0] == lang, name
            page.evaluate(axe_source)
            violations = page.evaluate(RUN_AXE, TAGS)
            if violations:
                failures.append(describe(f"curator {name}", lang, violations))
            if name == "sign-in":
                context.close()
                context, page = _signed_in(chromium, base, problems, lang)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_arabic_curator_forms_fit_a_phone_and_a_desktop(chromium, curate_server, screenshots_dir, width):
    base, _ = curate_server
    problems: list[str] = []
    context, page = _signed_in(chromium, base, problems, "ar", width=width)
    spills = []
    try:
        for name in ("dashboard", "form errors", "testimony", "consent", "confirm"):
            _open(page, name, "ar")
            page.screenshot(path=str(screenshots_dir / f"curate-{name.replace(' ', '-')}-ar-{width}.png"),
                            full_page=True)
            spills += [f"{name}: {s}" for s in no_horizontal_overflow(page)]
        if width == 390:
            edit = page.goto("/curate/") and page.locator("ul.row-actions").first
            boxes = [a.bounding_box() for a in edit.locator("a").all()]
            assert len(boxes) == 2 and all(boxes), "the Edit and Consent links are two separate targets"
            apart = abs(boxes[0]["x"] - boxes[1]["x"]) >= boxes[0]["width"] or boxes[0]["y"] != boxes[1]["y"]
            assert apart, boxes
    finally:
        context.close()
    assert not spills, "; ".join(spills)
    assert not problems, "\n".join(problems)
