"""OAI-PMH 2.0 at /oai: a real harvester (Sickle over HTTP), the protocol's rules, datestamps and consent.

The collection is the consent table of tests/support/consent_table.py. The oai_dc part of every record is
validated against the oai_dc XSD from a pinned package (tests/web/oai_schema.py); no registry package
ships OAI-PMH.xsd, so the envelope's rules are checked here with lxml, one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from typing import Iterator
from urllib.parse import urlencode

import pytest
from lxml import etree
from sickle import Sickle, oaiexceptions
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.support import builder, consent_table
from tests.support.consent_table import ROW_BY_NAME, VISIBLE
from tests.web import oai_schema


OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS = {"o": OAI, "oai_dc": OAI_DC, "dc": "http://purl.org/dc/elements/1.1/"}
PREFIX = "oai:archive.example.org:"
PUBLIC_IDS = {row.id for row in VISIBLE}
WITHDRAWN = ROW_BY_NAME["withdrawn"].id
NEVER = {ROW_BY_NAME[name].id for name in ("restricted", "embargoed", "draft")}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
VERB_CHILDREN = {"Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords"}


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from web import create_app

    base = tmp_path_factory.mktemp("oai")
    content = consent_table.write(base / "content")
    builder.build_index(content, base / "instance")
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(base / "instance"),
                       "TESTING": True, "ARCHIVE_OAI_PAGE_SIZE": 3})


@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:
    """/oai served over real HTTP on a free loopback port, for Sickle."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, name="oai-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/oai"
    finally:
        httpd.shutdown()
        thread.join(10)
        httpd.server_close()


@pytest.fixture(scope="module")
def dc_schema() -> etree.XMLSchema:
    return oai_schema.oai_dc_schema()


def oai(client, **args: str) -> etree._Element:
    response = client.get("/oai?" + urlencode(args))
    assert response.status_code == 200 and response.content_type == "text/xml; charset=utf-8"
    return etree.fromstring(response.get_data())


def error_code(root: etree._Element) -> str | None:
    errors = root.findall("o:error", NS)
    return errors[0].get("code") if errors else None


def check_envelope(root: etree._Element) -> None:
    """The rules of OAI-PMH.xsd that matter, checked by hand (no package ships that schema)."""
    assert root.tag == f"{{{OAI}}}OAI-PMH"
    children = [etree.QName(c).localname for c in root]
    assert children[:2] == ["responseDate", "request"]
    assert STAMP.match(root.findtext("o:responseDate", namespaces=NS))
    rest = children[2:]
    assert (rest and set(rest) == {"error"}) or (len(rest) == 1 and rest[0] in VERB_CHILDREN), rest
    if rest == ["error"] or set(rest) == {"error"}:
        codes = {"badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat", "idDoesNotExist",
                 "noRecordsMatch", "noMetadataFormats", "noSetHierarchy"}
        assert all(e.get("code") in codes for e in root.findall("o:error", NS))
    for header in root.iter(f"{{{OAI}}}header"):
        names = [etree.QName(c).localname for c in header]
        assert names[:2] == ["identifier", "datestamp"] and set(names[2:]) <= {"setSpec"}
        assert STAMP.match(header.findtext("o:datestamp", namespaces=NS))
        assert header.get("status") in (None, "deleted")
        if header.get("status") == "deleted":
            assert names == ["identifier", "datestamp"]  # only the id and the datestamp
        for spec in header.findall("o:setSpec", NS):
            assert SET_SPEC.match(spec.text)
    for record in root.iter(f"{{{OAI}}}record"):
        names = [etree.QName(c).localname for c in record]
        deleted = record.find("o:header", NS).get("status") == "deleted"
        assert names == (["header"] if deleted else ["header", "metadata"])


# --- a real harvester -----------------------------------------------------------------------------------------

def test_sickle_harvests_every_public_testimony_and_the_withdrawn_one_as_deleted(server) -> None:
    sickle = Sickle(server, max_retries=0, timeout=30)
    identify = sickle.Identify()
    assert (identify.protocolVersion, identify.deletedRecord, identify.granularity) == (
        "2.0", "persistent", "YYYY-MM-DDThh:mm:ssZ")
    assert identify.baseURL == "https://archive.example.org/oai" and identify.repositoryName == "Web Test Archive"
    harvested = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    ids = [r.header.identifier.removeprefix(PREFIX) for r in harvested]
    assert len(ids) == len(set(ids)) and len(ids) > 3  # several pages (3 a page), nothing twice
    live = {r.header.identifier.removeprefix(PREFIX): r for r in harvested if not r.deleted}
    gone = {r.header.identifier.removeprefix(PREFIX) for r in harvested if r.deleted}
    assert set(live) == PUBLIC_IDS and not gone  # withdrawn before any harvest: never named
    assert not (NEVER | {WITHDRAWN}) & set(ids)
    for testimony_id, record in live.items():
        assert record.metadata["identifier"] == [f"https://archive.example.org/t/{testimony_id}"]
        assert record.metadata["language"] == [ROW_BY_NAME_BY_ID[testimony_id].front.get("language", "en")]
    assert live["open-account"].metadata["title"] == ["An account of the market (open-account)"]
    assert live["open-account"].metadata["creator"] == ["Haddad, Layla"]
    assert "creator" not in live["anon-account"].metadata
    assert live["redacted-account"].metadata["title"] == ["A night in [redacted]"]
    assert {h.identifier.removeprefix(PREFIX) for h in sickle.ListIdentifiers(
        metadataPrefix="oai_dc", ignore_deleted=False)} == set(ids)


ROW_BY_NAME_BY_ID = {row.id: row for row in consent_table.ROWS}


def test_sickle_reads_sets_formats_and_single_records(server) -> None:
    sickle = Sickle(server, max_retries=0, timeout=30)
    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert sets["place:syria:idlib-governorate:idlib-district:saraqib"] == "Saraqib"
    assert sets["theme:violence:airstrikes"] == "Airstrikes" and sets["place"] == "Places"
    assert not any("zqsecretvillage" in spec for spec in sets)
    governorate = {h.identifier.removeprefix(PREFIX)
                   for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="place:syria:idlib-governorate")}
    assert governorate == PUBLIC_IDS  # coarse-account is in the governorate, the others in Saraqib below it
    saraqib = {h.identifier.removeprefix(PREFIX) for h in sickle.ListIdentifiers(
        metadataPrefix="oai_dc", set="place:syria:idlib-governorate:idlib-district:saraqib")}
    assert saraqib == PUBLIC_IDS - {"coarse-account"}
    (fmt,) = list(sickle.ListMetadataFormats())
    assert fmt.metadataPrefix == "oai_dc"
    record = sickle.GetRecord(identifier=PREFIX + "pseudo-account", metadataPrefix="oai_dc")
    assert record.metadata["creator"] == ["Umm Karim"]
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        sickle.GetRecord(identifier=PREFIX + ROW_BY_NAME["restricted"].id, metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        sickle.GetRecord(identifier=PREFIX + "open-account", metadataPrefix="marc21")


# --- the protocol's rules ---------------------------------------------------------------------------------------

def harvest(client, verb: str = "ListRecords", **args: str) -> list[etree._Element]:
    """Every response of a list request, following resumption tokens by hand."""
    pages = [oai(client, verb=verb, metadataPrefix="oai_dc", **args)]
    while (token := pages[-1].find(f"o:{verb}/o:resumptionToken", NS)) is not None and token.text:
        pages.append(oai(client, verb=verb, resumptionToken=token.text))
    return pages


def test_every_response_keeps_the_envelope_rules_and_oai_dc_is_valid(app, dc_schema) -> None:
    client = app.test_client()
    responses = harvest(client) + harvest(client, "ListIdentifiers") + [
        oai(client, verb=v) for v in ("Identify", "ListSets", "ListMetadataFormats")]
    responses.append(oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + "open-account"))
    records = 0
    for root in responses:
        check_envelope(root)
        for dc in root.iter(f"{{{OAI_DC}}}dc"):
            assert dc_schema.validate(dc), dc_schema.error_log.last_error
            records += 1
    assert records == len(PUBLIC_IDS) + 1  # the list and the one GetRecord
    known_bad = etree.fromstring(f'<oai_dc:dc xmlns:oai_dc="{OAI_DC}" xmlns:dc="{NS["dc"]}"><dc:narrator>x'
                                 "</dc:narrator></oai_dc:dc>")
    assert not dc_schema.validate(known_bad)  # the schema does check


def test_resumption_tokens_page_through_with_cursor_and_size(app) -> None:
    pages = harvest(app.test_client())
    tokens = [p.find("o:ListRecords/o:resumptionToken", NS) for p in pages]
    total = len(PUBLIC_IDS)
    assert len(pages) == -(-total // 3)
    assert [t.get("cursor") for t in tokens] == [str(3 * i) for i in range(len(pages))]
    assert {t.get("completeListSize") for t in tokens} == {str(total)}
    assert not tokens[-1].text and all(t.text for t in tokens[:-1])  # the last response's token is empty


@pytest.mark.parametrize("args, code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2020-01-01T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-01", "until": "2020-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": PREFIX + "no-such-testimony"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "open-account"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": PREFIX + "nothing"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "place:nowhere"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "eyJzZXQiOjF9"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
])
def test_errors_carry_the_protocols_codes(app, args: dict[str, str], code: str) -> None:
    root = oai(app.test_client(), **args)
    check_envelope(root)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert not root.find("o:request", NS).attrib  # no arguments echoed when they were not legal


def test_a_repeated_argument_is_a_bad_argument(app) -> None:
    root = etree.fromstring(app.test_client().get("/oai?verb=Identify&verb=Identify").get_data())
    assert error_code(root) == "badArgument"


def test_post_works_like_get(app) -> None:
    response = app.test_client().post("/oai", data={"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                                    "identifier": PREFIX + "open-account"})
    assert etree.fromstring(response.get_data()).find(".//dc:title", NS).text.endswith("(open-account)")


def test_no_public_record_means_no_set_hierarchy(web_fresh_site) -> None:
    app, _, _ = web_fresh_site(rows=(ROW_BY_NAME["restricted"],))
    client = app.test_client()
    assert error_code(oai(client, verb="ListSets")) == "noSetHierarchy"
    assert error_code(oai(client, verb="ListRecords", metadataPrefix="oai_dc")) == "noRecordsMatch"


# --- consent ----------------------------------------------------------------------------------------------------

def without_moment(root: etree._Element) -> bytes:
    root = copy.deepcopy(root)
    root.find("o:responseDate", NS).text = ""
    return etree.tostring(root)


@pytest.mark.parametrize("row", ["restricted", "embargoed", "draft", "withdrawn"])
def test_a_hidden_id_answers_exactly_as_an_unknown_one(app, row: str) -> None:
    client = app.test_client()
    for verb, extra in (("GetRecord", {"metadataPrefix": "oai_dc"}), ("ListMetadataFormats", {})):
        hidden = oai(client, verb=verb, identifier=PREFIX + ROW_BY_NAME[row].id, **extra)
        unknown = oai(client, verb=verb, identifier=PREFIX + "no-such-testimony", **extra)
        assert error_code(hidden) == "idDoesNotExist"
        assert without_moment(hidden).replace(ROW_BY_NAME[row].id.encode(), b"ID") == \
            without_moment(unknown).replace(b"no-such-testimony", b"ID")


def test_a_harvested_then_withdrawn_record_is_only_an_id_and_a_datestamp(web_fresh_site) -> None:
    app, content, _ = web_fresh_site()
    client = app.test_client()
    row = ROW_BY_NAME["pseudonymous"]
    before = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + row.id)
    assert b"Umm Karim" in etree.tostring(before)  # positive control: the public record names the pseudonym
    front = builder.fields(row.id, "consent", **{**_flat(row.front), "consent.access": "withdrawn"})
    (content / "en" / f"{row.id}.md").write_text(builder.render(front, row.body), encoding="utf-8")
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + row.id)
    check_envelope(root)
    (record,) = root.iter(f"{{{OAI}}}record")
    text = etree.tostring(record, encoding="unicode").lower()
    assert record.find("o:header", NS).get("status") == "deleted" and record.find("o:metadata", NS) is None
    assert "umm karim" not in text and "zqpseudoname" not in text and "market" not in text
    listed = harvest(client, "ListIdentifiers")
    deleted = [h.findtext("o:identifier", namespaces=NS) for p in listed for h in p.iter(f"{{{OAI}}}header")
               if h.get("status") == "deleted"]
    assert deleted == [PREFIX + row.id]  # and the withdrawn-before-any-harvest one is never named
    saraqib = harvest(client, "ListIdentifiers", set="place:syria:idlib-governorate:idlib-district:saraqib")
    assert row.id not in b"".join(etree.tostring(p) for p in saraqib).decode()  # in no set any more


def test_datestamps_follow_the_public_form(web_fresh_site) -> None:
    app, content, _ = web_fresh_site()
    clock = {"now": dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)}
    app.config["ARCHIVE_OAI_NOW"] = lambda: clock["now"]
    client = app.test_client()

    def stamps(**args: str) -> dict[str, tuple[str, str | None]]:
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **args)
        if error_code(root) == "noRecordsMatch":
            return {}
        return {h.findtext("o:identifier", namespaces=NS).removeprefix(PREFIX):
                (h.findtext("o:datestamp", namespaces=NS), h.get("status")) for h in root.iter(f"{{{OAI}}}header")}

    def rewrite(name: str, **changes: object) -> None:
        row = ROW_BY_NAME[name]
        front = builder.fields(row.id, "consent", **{**_flat(row.front), **changes})
        (content / "en" / f"{row.id}.md").write_text(builder.render(front, row.body), encoding="utf-8")

    first = stamps()
    assert set(first) == PUBLIC_IDS
    assert {s for s, _ in first.values()} == {"2026-01-01T09:00:00Z"}
    assert oai(client, verb="Identify").findtext("o:Identify/o:earliestDatestamp", namespaces=NS) == \
        "2026-01-01T09:00:00Z"

    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("public", title="A new public title")
    assert stamps(**{"from": "2026-01-02"}) == {"open-account": ("2026-01-02T09:00:00Z", None)}
    assert "open-account" not in stamps(until="2026-01-01T23:59:59Z")

    clock["now"] = dt.datetime(2026, 1, 3, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("pseudonymous", **{"consent.access": "withdrawn"})
    rewrite("anonymous", **{"consent.access": "restricted"})  # 404 like an unknown id: gone from every list
    assert stamps(**{"from": "2026-01-03"}) == {"pseudo-account": ("2026-01-03T09:00:00Z", "deleted")}
    everything = stamps()
    assert "anon-account" not in everything and not NEVER & set(everything)

    clock["now"] = dt.datetime(2026, 1, 4, 9, 0, tzinfo=dt.timezone.utc)
    rewrite("anonymous")  # public again, unchanged: a new datestamp, so a harvester that never saw it does
    assert stamps(**{"from": "2026-01-04"}) == {"anon-account": ("2026-01-04T09:00:00Z", None)}


def test_an_edit_the_public_cannot_see_does_not_move_the_datestamp(web_fresh_site) -> None:
    app, content, _ = web_fresh_site()
    clock = {"now": dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)}
    app.config["ARCHIVE_OAI_NOW"] = lambda: clock["now"]
    client = app.test_client()
    assert error_code(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")) is None
    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    row = ROW_BY_NAME["note"]
    front = builder.fields(row.id, "consent", **{**_flat(row.front), "consent.note": "zqnoteword changed for curators"})
    (content / "en" / f"{row.id}.md").write_text(builder.render(front, row.body), encoding="utf-8")
    changed = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2026-01-02"})
    assert error_code(changed) == "noRecordsMatch"


def _flat(front: dict, prefix: str = "") -> dict[str, object]:
    """A testimony's front matter as the dotted keys consent_table.fields takes."""
    flat: dict[str, object] = {}
    for key, value in front.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_touching_a_file_without_changing_it_does_not_move_the_datestamp(web_fresh_site) -> None:
    """Datestamps follow what a harvester receives, never a file's modification time."""
    import os

    app, content, _ = web_fresh_site()
    clock = {"now": dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)}
    app.config["ARCHIVE_OAI_NOW"] = lambda: clock["now"]
    client = app.test_client()
    assert error_code(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")) is None
    clock["now"] = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    path = content / "en" / "open-account.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    assert app.extensions["archive_site"].reload()  # the files were read again
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2026-01-02"})
    assert error_code(root) == "noRecordsMatch"


def test_a_duplicated_id_never_appears(web_fresh_site) -> None:
    """Two files with one id publish neither (docs/format.md): OAI-PMH answers it as an unknown id."""
    row = ROW_BY_NAME["public"]
    copy_front = builder.fields(row.id, "consent", title="The other copy")
    extra = {f"elsewhere/{row.id}.md": builder.render(copy_front, row.body)}
    app, _, _ = web_fresh_site(extra=extra)
    client = app.test_client()
    listed = b"".join(etree.tostring(p) for p in harvest(client, "ListIdentifiers"))
    assert f"{PREFIX}{row.id}<".encode() not in listed and b"pseudo-account" in listed
    hidden = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + row.id)
    unknown = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=PREFIX + "no-such-testimony")
    assert without_moment(hidden).replace(row.id.encode(), b"ID") == \
        without_moment(unknown).replace(b"no-such-testimony", b"ID")
