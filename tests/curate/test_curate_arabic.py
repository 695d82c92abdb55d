"""The curator interface in Arabic: labels and values in the reader's words, typed values isolated in <bdi>,
dates typed with Arabic month names and digits saved in the FORMAT.md form."""

from __future__ import annotations

import re

import pytest

from tests.curate.test_curate_consent import act
from tests.curate.test_curate_edit import NEW, post_new
from tests.support.curators import csrf_token



@pytest.fixture
def arabic(curate_site):
    curate_site.client.set_cookie("lang", "ar")
    return curate_site


def _dd(html: str, label: str) -> str:
    return html.split(f"<dt>{label}</dt><dd", 1)[1].split("</dd>", 1)[0]


def test_consent_values_are_arabic_words_not_file_keywords(arabic):
    html = arabic.client.get("/curate/t/pseudo-account").get_data(as_text=True)
    assert "باسم مستعار" in _dd(html, "الهوية") and "pseudonymous" not in _dd(html, "الهوية")
    assert ">Umm Karim</bdi>" in html  # the pseudonym, as typed, isolated
    html = arabic.client.get("/curate/t/coarse-account/consent").get_data(as_text=True)
    assert "محافظة" in _dd(html, "دقة المكان") and "governorate" not in _dd(html, "دقة المكان")
    assert "منشورة" in _dd(html, "الوضع")


def test_redaction_marks_are_labelled_in_arabic(arabic):
    html = arabic.client.get("/curate/t/redacted-account").get_data(as_text=True)
    assert '<span class="vh">محجوب عن الجمهور:</span>' in html and "Redacted for the public" not in html


def test_pages_are_headed_by_the_title(arabic):
    html = arabic.client.get("/curate/t/open-account-ar").get_data(as_text=True)
    assert "<title>رواية السوق" in html
    assert "<h1><span>رواية السوق</span>" in html  # Arabic on an Arabic page: the page's lang holds
    arabic.client.set_cookie("lang", "en")
    html = arabic.client.get("/curate/t/open-account-ar").get_data(as_text=True)
    assert '<h1><span lang="ar" dir="rtl">رواية السوق</span>' in html  # Arabic on an English page is marked
    arabic.client.set_cookie("lang", "ar")
    assert "<title>الموافقة على الشهادة رواية السوق" in arabic.client.get(
        "/curate/t/open-account-ar/consent").get_data(as_text=True)


def test_history_names_actions_in_arabic(arabic):
    assert act(arabic, action="restrict", reason="طلب الراوي").status_code == 303
    html = arabic.client.get("/curate/t/open-account").get_data(as_text=True)
    history = html.split('class="history"', 1)[1]
    assert "غيّر الموافقة (مقيّدة)" in history and "restrict" not in history
    arabic.client.set_cookie("lang", "en")
    history = arabic.client.get("/curate/t/open-account").get_data(as_text=True).split('class="history"', 1)[1]
    assert "Changed consent (restricted)" in history and '<td lang="ar" dir="rtl">طلب الراوي</td>' in history


@pytest.mark.parametrize("typed, saved", [("١٢ أيلول ٢٠١٩", "2019-09-12"), ("آذار 2019", "2019-03"),
                                          ("March 3, 2019", "2019-03-03"),
                                          ("كانون الأول ٢٠١٩ / شباط ٢٠٢٠", "2019-12/2020-02")])
def test_dates_typed_with_month_names_and_arabic_digits_are_saved_in_the_format(arabic, typed, saved):
    response = post_new(arabic, save="1", event_date=typed, consent_date="١ آذار ٢٠٢٠")
    assert response.status_code == 303, response.get_data(as_text=True)
    text = (arabic.content / "en" / f"{NEW['id']}.md").read_text(encoding="utf-8")
    assert f'event_date: "{saved}"' in text, text
    assert 'date: "2020-03-01"' in text


def test_a_new_arabic_account_gets_its_id_from_the_title_and_its_language_from_the_script(arabic):
    from archive.text import id_from_title
    data = {**NEW, "id": "", "language": "", "title": "ليلة الغارة على سراقب", "body": "خرجنا قبل الفجر.\r\n"}
    preview = arabic.client.post("/curate/new", data={**data, "preview": "1",
                                                      "csrf_token": csrf_token(arabic.client, "/curate/new")})
    html = preview.get_data(as_text=True)
    expected = id_from_title(data["title"])
    assert expected and re.search(rf'id="id" name="id" type="text" value="{expected}"', html), expected
    assert re.search(r'id="language" name="language" type="text" value="ar"', html)
    assert post_new(arabic, save="draft", **{k: v for k, v in data.items() if k != "csrf_token"}).status_code == 303
    assert (arabic.content / "ar" / f"{expected}.md").is_file()


def test_an_arabic_account_marked_english_gets_a_warning(curate_site):
    html = post_new(curate_site, preview="1", language="en", body="خرجنا قبل الفجر إلى المخبز.\r\n"
                    ).get_data(as_text=True)
    block = html.split('id="language-field"', 1)[1].split('<div class="field', 1)[0]
    assert 'id="language-warnings"' in block and "written in Arabic script" in block
