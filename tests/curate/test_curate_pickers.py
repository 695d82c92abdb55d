"""Place and theme pickers: a <datalist> of every entry by any name, one box per entry that works without
JavaScript; names the form does not know get suggestions by name (never ids)."""

from __future__ import annotations

import re
from pathlib import Path

from archive.collection import load_collection
from archive.store.editing import resolve_names

from tests.curate.test_curate_edit import NEW
from tests.support.curators import csrf_token

SHIPPED = Path(__file__).resolve().parents[2] / "testimonies"


def test_the_form_offers_every_place_and_theme_by_name_with_its_arabic_name_kind_and_governorate(curate_site):
    html = curate_site.client.get("/curate/new").get_data(as_text=True)
    places = html.split('<datalist id="places-options">', 1)[1].split("</datalist>", 1)[0]
    assert '<option value="Saraqib" label="Saraqib — سراقب (city, Idlib Governorate)">' in places
    assert 'list="places-options"' in html and 'list="themes-options"' in html
    assert re.search(r'<input type="text" name="places" value="" list="places-options"[^>]*id="places"', html)
    curate_site.client.set_cookie("lang", "ar")
    html = curate_site.client.get("/curate/new").get_data(as_text=True)
    assert '<option value="سراقب" label="Saraqib — سراقب (مدينة، محافظة إدلب)">' in html \
        or '<option value="سراقب" label="Saraqib — سراقب (مدينة, محافظة إدلب)">' in html


def test_one_box_per_entry_is_read_as_the_list(curate_site):
    data = {**NEW, "places": ["سراقب", "", "Idlib District"], "themes": ["Airstrikes", "Displacement", ""],
            "save": "draft", "csrf_token": csrf_token(curate_site.client, "/curate/new")}
    assert curate_site.client.post("/curate/new", data=data).status_code == 303
    text = (curate_site.content / "en" / "new-account.md").read_text(encoding="utf-8")
    assert "places: [saraqib, idlib-district]" in text and "themes: [airstrikes, displacement]" in text


def test_names_curators_type_resolve_or_get_suggestions_by_name():
    collection = load_collection(SHIPPED)
    assert resolve_names("ريف إدلب", collection.places, "place") == (["idlib-governorate"], [])
    _, (maarat,) = resolve_names("Maarat", collection.places, "place")
    assert "Maarat al-Numan — معرة النعمان" in str(maarat) and "maarat-al-numan" not in str(maarat)
    assert resolve_names("bombing", collection.themes, "theme") == (["airstrikes"], []), "a theme alias"
    _, (shelling,) = resolve_names("قصف", collection.themes, "theme")
    assert "Airstrikes — الغارات الجوية" in str(shelling) and "airstrikes" not in str(shelling)
