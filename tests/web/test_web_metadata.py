"""Embedded metadata as reference managers read it: extruct, Highwire tags, COinS, the Arabic citation.

Pages come from the Flask test client over the consent-table collection (tests/support/consent_table.py).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import extruct
import pytest
from lxml import html as lxml_html

from tests.support import builder
from tests.support.consent_table import ROW_BY_NAME


BASE = "https://archive.example.org"
SYNTAXES = ["json-ld", "opengraph", "dublincore", "rdfa", "microdata"]


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def head_meta(text: str) -> dict[str, list[str]]:
    """Every <meta name=...> of the page, as name -> contents in order."""
    found: dict[str, list[str]] = {}
    for meta in lxml_html.fromstring(text).xpath("//head/meta[@name]"):
        found.setdefault(meta.get("name"), []).append(meta.get("content"))
    return found


def extracted(text: str, path: str) -> dict:
    return extruct.extract(text, base_url=BASE + path, syntaxes=SYNTAXES, uniform=True)


def test_extruct_finds_every_kind_of_metadata_on_a_public_page(web_client) -> None:
    text = page(web_client, "/t/open-account")
    data = extracted(text, "/t/open-account")
    (ld,) = data["json-ld"]
    assert ld["@type"] == "Article" and ld["@id"] == f"{BASE}/t/open-account"
    assert ld["name"] == "An account of the market (open-account)"
    assert ld["author"] == {"@type": "Person", "name": "Layla Haddad"}
    assert ld["temporalCoverage"] == "2018-08" and ld["dateCreated"] == "2018-09"
    assert ld["inLanguage"] == "en" and ld["license"] == "CC-BY-NC-4.0"
    assert len(ld["version"]) == 12
    assert ld["isPartOf"] == {"@type": "Collection", "name": "Web Test Archive", "url": f"{BASE}/"}
    assert [p["name"] for p in ld["contentLocation"]] == ["Saraqib"]
    assert ld["contentLocation"][0]["geo"]["latitude"] == 35.8625
    assert ld["keywords"] == ["Airstrikes"]
    (og,) = data["opengraph"]
    assert og["og:title"] == ld["name"] and og["og:url"] == f"{BASE}/t/open-account"
    assert og["@type"] == "article"
    assert any("http://ogp.me/ns#title" in item for item in data["rdfa"])
    (dc,) = data["dublincore"]
    elements = {e["name"]: e["content"] for e in dc["elements"] if e["name"].startswith("DC.")}
    assert elements["DC.title"] == ld["name"] and elements["DC.creator"] == "Haddad, Layla"
    assert elements["DC.date"] == "2018-09" and elements["DC.identifier"] == f"{BASE}/t/open-account"
    assert elements["DC.language"] == "en"


def test_highwire_tags_name_what_the_citation_names(web_client) -> None:
    meta = head_meta(page(web_client, "/t/open-account"))
    assert meta["citation_title"] == ["An account of the market (open-account)"]
    assert meta["citation_author"] == ["Haddad, Layla"]
    assert meta["citation_date"] == ["2018/09"]  # the recording date, as the citation gives it
    assert meta["citation_publisher"] == ["Web Test Publisher"]
    assert meta["citation_language"] == ["en"]
    assert meta["citation_public_url"] == [f"{BASE}/t/open-account"]
    assert meta["citation_abstract"] == ["A morning at the bakery when the aircraft came back."]
    assert meta["citation_keywords"] == ["Airstrikes"]
    assert meta["description"] == meta["citation_abstract"]


def test_alternate_links_lead_to_the_citation_files(web_client) -> None:
    tree = lxml_html.fromstring(page(web_client, "/t/open-account"))
    links = {link.get("type"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate'][@type]")}
    expected = {"application/x-bibtex": "bib", "application/x-research-info-systems": "ris",
                "application/vnd.citationstyles.csl+json": "json"}
    for kind, ext in expected.items():
        assert links[kind] == f"/t/open-account/cite.{ext}"
        response = web_client.get(links[kind])
        assert response.status_code == 200 and "open-account" in response.get_data(as_text=True)


def test_an_anonymous_narrator_is_named_as_the_citation_names_them(web_client) -> None:
    text = page(web_client, "/t/anon-account")
    meta = head_meta(text)
    assert meta["citation_author"] == ["Anonymous"]
    assert "DC.creator" not in meta
    (ld,) = extracted(text, "/t/anon-account")["json-ld"]
    assert "author" not in ld
    assert "zqanonname" not in text.lower()


def test_a_pseudonym_is_the_author(web_client) -> None:
    text = page(web_client, "/t/pseudo-account")
    assert head_meta(text)["citation_author"] == ["Umm Karim"]
    (ld,) = extracted(text, "/t/pseudo-account")["json-ld"]
    assert ld["author"]["name"] == "Umm Karim"
    assert "zqpseudoname" not in text.lower()


def test_content_location_is_the_public_place_level(web_client) -> None:
    text = page(web_client, "/t/coarse-account")
    (ld,) = extracted(text, "/t/coarse-account")["json-ld"]
    assert [p["name"] for p in ld["contentLocation"]] == ["Idlib Governorate"]
    assert head_meta(text)["DC.coverage"] == ["Idlib Governorate", "2018-08"]
    assert "zqsecretvillage" not in text.lower()


def test_redacted_words_stay_out_of_the_metadata(web_client) -> None:
    text = page(web_client, "/t/redacted-account")
    assert head_meta(text)["citation_title"] == ["A night in [redacted]"]
    assert "zqredacted" not in text.lower()


def test_a_hidden_page_has_no_metadata(web_client) -> None:
    for row in ("restricted", "withdrawn", "draft", "embargoed"):
        response = web_client.get(f"/t/{ROW_BY_NAME[row].id}")
        assert response.status_code in (404, 410)
        body = response.get_data(as_text=True)
        assert "citation_" not in body and "application/ld+json" not in body


def test_search_results_carry_coins_for_zotero(web_client) -> None:
    text = page(web_client, "/search?q=bakery&per_page=100")
    tree = lxml_html.fromstring(text)
    spans = tree.xpath("//ol[@class='hits']/li/span[@class='Z3988']")
    results = tree.xpath("//ol[@class='hits']/li//h3/a/@href")
    assert len(spans) == len(results) >= 5
    found = {}
    for span in spans:
        fields = parse_qs(span.get("title"))
        assert fields["ctx_ver"] == ["Z39.88-2004"] and fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
        found[fields["rft.identifier"][0]] = fields
    assert sorted(found) == sorted(BASE + href for href in results)
    open_account = found[f"{BASE}/t/open-account"]
    assert open_account["rft.title"] == ["An account of the market (open-account)"]
    assert open_account["rft.creator"] == ["Haddad, Layla"] and open_account["rft.date"] == ["2018-09"]
    assert "rft.creator" not in found[f"{BASE}/t/anon-account"]
    lowered = text.lower()
    assert not [m for m in ("zqanonname", "zqpseudoname", "zqsecretvillage", "zqredacted") if m in lowered]


@pytest.mark.parametrize("tid", ["open-account", "open-account-ar"])
def test_the_arabic_interface_cites_in_arabic_with_isolated_names(web_client, tid: str) -> None:
    text = page(web_client, f"/t/{tid}?lang=ar")
    (pre,) = lxml_html.fromstring(text).xpath("//pre[@id='cite-text']")
    assert (pre.get("lang"), pre.get("dir")) == ("ar", "rtl")
    isolated = [bdi.text_content() for bdi in pre.xpath("bdi")]
    title = ROW_BY_NAME["public" if tid == "open-account" else "public translation"].front["title"]
    assert isolated[:2] == ["Haddad, Layla", title]
    assert "Web Test Archive" in isolated and f"{BASE}/t/{tid}" in isolated
    plain = pre.text_content()
    assert "سُجّلت في أيلول 2018." in plain and "تاريخ الاطلاع" in plain and "Recorded" not in plain
    assert web_client.get(f"/t/{tid}/cite.txt?lang=ar").get_data(as_text=True) == plain
    english = page(web_client, f"/t/{tid}?lang=en")
    assert "Recorded September 2018." in lxml_html.fromstring(english).xpath("//pre[@id='cite-text']")[0].text_content()
    for ext in ("bib", "ris", "json"):  # the structured formats do not change with the interface
        assert (web_client.get(f"/t/{tid}/cite.{ext}?lang=ar").get_data()
                == web_client.get(f"/t/{tid}/cite.{ext}?lang=en").get_data())


def test_json_ld_cannot_close_its_script_element(web_fresh_site) -> None:
    from tests.support import consent_table

    row = consent_table.Row("odd", "odd-account", builder.fields(
        "odd-account", "consent", title="</script><b>not markup</b> & more"))
    app, _, _ = web_fresh_site(rows=(row,))
    text = page(app.test_client(), "/t/odd-account")
    head = text[:text.index("</head>")]
    assert head.count("</script>") == 2  # the JSON-LD's own and copy.js's, nothing from the title
    (ld,) = extracted(text, "/t/odd-account")["json-ld"]
    assert ld["name"] == "</script><b>not markup</b> & more"
