"""OAI-PMH reads a view only for a record it writes, or whose public form is new to the datestamp ledger; the
datestamps stay what they were, a translation's link to its original follows the original's consent, and a withdrawn
testimony whose file is deleted answers as an unknown id."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.support import builder
from tests.support.consent_table import ROW_BY_NAME, VISIBLE
from tests.web.test_listing_reads import asked  # noqa: F401 (a fixture)
from tests.web.test_oai import NS, OAI, PREFIX, _flat, check_envelope, error_code, oai
from web.oai_records import LEDGER_NAME

ORIGINAL, TRANSLATION = ROW_BY_NAME["public"].id, ROW_BY_NAME["public translation"].id
RELATION = f"https://archive.example.org/t/{ORIGINAL}"


@pytest.fixture
def fresh(web_fresh_site):
    app, content, instance = web_fresh_site()
    clock = {"now": dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)}
    app.config["ARCHIVE_OAI_NOW"] = lambda: clock["now"]
    app.config["ARCHIVE_OAI_PAGE_SIZE"] = 3

    def rewrite(name: str, **changes: object) -> None:
        row = ROW_BY_NAME[name]
        front = builder.fields(row.id, "consent", **{**_flat(row.front), **changes})
        (content / "en" / f"{row.id}.md").write_text(builder.render(front, row.body), encoding="utf-8")

    return app.test_client(), clock, rewrite, instance


def stamps(client) -> dict[str, str]:
    found, args = {}, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        root = oai(client, **args)
        check_envelope(root)
        for header in root.iter(f"{{{OAI}}}header"):
            found[header.findtext("o:identifier", namespaces=NS).removeprefix(PREFIX)] = \
                header.findtext("o:datestamp", namespaces=NS)
        token = root.findtext(".//o:resumptionToken", namespaces=NS)
        if not token:
            return found
        args = {"verb": "ListIdentifiers", "resumptionToken": token}


def relations(client, testimony_id: str) -> list[str]:
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + testimony_id)
    return [e.text for e in root.iter("{http://purl.org/dc/elements/1.1/}relation")]


def test_a_new_public_set_reads_only_the_views_whose_public_form_changed(fresh, asked):
    client, clock, rewrite, _ = fresh
    first = stamps(client)
    assert set(first) == {row.id for row in VISIBLE} and set(asked) == set(first)  # the control: all read once
    asked.clear()
    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("anonymous", title="A new public title")
    second = stamps(client)
    assert asked == ["anon-account"]  # and the datestamp ledger holds the rest
    assert second == {**first, "anon-account": "2026-01-02T09:00:00Z"}


def test_a_page_of_records_reads_only_its_own_views(fresh, asked):
    client, _, _, _ = fresh
    stamps(client)
    asked.clear()
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    written = [h.findtext("o:identifier", namespaces=NS).removeprefix(PREFIX) for h in root.iter(f"{{{OAI}}}header")]
    assert len(written) == 3 and root.findtext(".//o:resumptionToken", namespaces=NS)
    assert len(root.findall(".//o:metadata", NS)) == 3
    originals = {ORIGINAL} if TRANSLATION in written else set()  # dc:relation asks whether it is public
    assert set(asked) == set(written) | originals


def test_a_ledger_without_what_fingerprints_were_made_from_keeps_its_datestamps(fresh, asked):
    client, clock, _, instance = fresh
    first = stamps(client)
    path = instance / LEDGER_NAME
    ledger = json.loads(path.read_text(encoding="utf-8"))
    assert all("k" in entry for entry in ledger.values())
    path.write_text(json.dumps({i: {"f": e["f"], "d": e["d"]} for i, e in ledger.items()}), encoding="utf-8")
    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    app = client.application
    app.extensions["archive_site"]._public = None  # a new public set, as after any change
    asked.clear()
    assert stamps(client) == first and set(asked) == set(first)  # each read once more, then known again
    assert all("k" in entry for entry in json.loads(path.read_text(encoding="utf-8")).values())


def test_a_translation_links_its_original_only_while_the_original_is_public(fresh):
    client, clock, rewrite, _ = fresh
    assert relations(client, TRANSLATION) == [RELATION]  # the positive control
    first = stamps(client)
    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("public", **{"consent.access": "restricted"})
    assert relations(client, TRANSLATION) == []
    hidden = stamps(client)
    assert ORIGINAL not in hidden and hidden[TRANSLATION] == "2026-01-02T09:00:00Z"  # what harvesters get moved
    assert error_code(oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + ORIGINAL)) == \
        "idDoesNotExist"
    clock["now"] = dt.datetime(2026, 1, 3, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("public")
    assert relations(client, TRANSLATION) == [RELATION]
    again = stamps(client)
    assert again[TRANSLATION] == again[ORIGINAL] == "2026-01-03T09:00:00Z"
    assert {i: s for i, s in again.items() if i not in (TRANSLATION, ORIGINAL)} == \
        {i: s for i, s in first.items() if i not in (TRANSLATION, ORIGINAL)}


def test_a_withdrawn_testimony_whose_file_is_deleted_answers_404_and_leaves_the_lists(fresh):
    client, clock, rewrite, instance = fresh
    row = ROW_BY_NAME["pseudonymous"]
    stamps(client)  # harvested while public
    rewrite("pseudonymous", **{"consent.access": "withdrawn"})
    content = instance.parent / "content"
    builder.build_index(content, instance)  # the catalogue lists it among the ids that answer 410
    assert client.get(f"/t/{row.id}").status_code == 410  # the positive control: a deleted record while it is there
    deleted = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + row.id)
    assert deleted.find(".//o:header", NS).get("status") == "deleted"
    (content / "en" / f"{row.id}.md").unlink()
    for update in (False, True):  # as the watcher sees it, then once the indexer has run
        if update:
            builder.build_index(content, instance)
        assert client.get(f"/t/{row.id}").status_code == 404
        assert row.id not in stamps(client)
        assert error_code(oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + row.id)) == \
            "idDoesNotExist"
