"""OAI-PMH 2.0 at /oai: the six verbs, oai_dc, sets, from/until, resumption tokens and the error codes.

Written here rather than with oai-repo (four more dependencies around a per-identifier callback
interface) or pyoai (last released 2022): the protocol is small, and every record comes from
web.oai_records, which asks only the public gate. Hidden ids answer exactly as unknown ones do.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from typing import Any, Mapping
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, request, url_for

from .gate import site
from .metadata import dublin_core
from .oai_records import Record, list_sets, records

__all__ = ["bp", "PAGE_SIZE", "OAI_NS", "OAI_DC_NS", "DC_NS"]

bp = Blueprint("oai", __name__)

PAGE_SIZE = 100  # records (or headers) per response; ARCHIVE_OAI_PAGE_SIZE overrides it
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# verb -> (required arguments, optional arguments); resumptionToken is exclusive where allowed
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

for _prefix, _uri in (("oai_dc", OAI_DC_NS), ("dc", DC_NS), ("xsi", XSI_NS)):
    ET.register_namespace(_prefix, _uri)


class OAIError(Exception):
    """One of the protocol's errors: its code and a sentence for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _sub(parent: ET.Element, tag: str, text: str | None = None, ns: str = OAI_NS, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _base() -> str:
    return site().info.base_url.rstrip("/") or request.url_root.rstrip("/")


def _repository_id() -> str:
    return urlsplit(_base()).hostname or "localhost"


def identifier(testimony_id: str) -> str:
    """'oai:archive.example.org:<id>' (the oai-identifier scheme, with the host of base_url)."""
    return f"oai:{_repository_id()}:{testimony_id}"


def _find(oai_id: str) -> Record:
    prefix = f"oai:{_repository_id()}:"
    wanted = oai_id[len(prefix):] if oai_id.startswith(prefix) else None
    for record in records():
        if record.id == wanted and (record.deleted or record.view() is not None):
            return record
    raise OAIError("idDoesNotExist", "No record has that identifier.")  # unknown and hidden alike


def _arguments() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    if any(len(source.getlist(key)) > 1 for key in source):
        raise OAIError("badArgument", "Each argument may be given only once.")
    return {key: source[key] for key in source}


def _check(verb: str, args: Mapping[str, str]) -> None:
    required, optional = VERBS[verb]
    given = set(args) - {"verb"}
    if "resumptionToken" in given and "resumptionToken" in optional:
        if given != {"resumptionToken"}:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument.")
        return
    if unknown := sorted(given - required - optional):
        raise OAIError("badArgument", f"{verb} does not take the argument '{unknown[0]}'.")
    if missing := sorted(required - given):
        raise OAIError("badArgument", f"{verb} needs the argument '{missing[0]}'.")


def _moment(text: str, end: bool) -> tuple[dt.datetime, str]:
    if _DAY.match(text):
        day = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
        return (day + dt.timedelta(days=1, seconds=-1) if end else day), "day"
    if _SECOND.match(text):
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc), "second"
    raise ValueError(text)


def _selection(args: Mapping[str, str]) -> dict[str, Any]:
    """The list request (from a first request or a resumption token), checked."""
    records()  # the ledger first: what changed up to now is stamped no later than the cutoff below
    if "resumptionToken" in args:
        return _read_token(args["resumptionToken"])
    if args["metadataPrefix"] != "oai_dc":
        raise OAIError("cannotDisseminateFormat", "The only metadata format is oai_dc.")
    chosen = {"set": args.get("set"), "from": args.get("from"), "until": args.get("until"),
              "cutoff": _stamp(dt.datetime.now(dt.timezone.utc)), "after": None}
    try:
        bounds = [_moment(args[k], k == "until") for k in ("from", "until") if k in args]
    except ValueError:
        raise OAIError("badArgument", "from and until are dates: YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.") from None
    if len(bounds) == 2 and (bounds[0][1] != bounds[1][1] or bounds[0][0] > bounds[1][0]):
        raise OAIError("badArgument", "from and until must have the same granularity, from not after until.")
    return chosen


def _token(chosen: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(chosen, separators=(",", ":")).encode()).decode().rstrip("=")


def _read_token(token: str) -> dict[str, Any]:
    try:
        chosen = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        assert isinstance(chosen, dict) and set(chosen) == {"set", "from", "until", "cutoff", "after"}
        assert all(chosen[k] is None or isinstance(chosen[k], str) for k in ("set", "from", "until"))
        _moment(chosen["cutoff"], False)
        for key in ("from", "until"):
            if chosen[key] is not None:
                _moment(chosen[key], key == "until")
        after = chosen["after"]
        assert isinstance(after, list) and len(after) == 2 and all(isinstance(x, str) for x in after)
        _moment(after[0], False)
    except (AssertionError, ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise OAIError("badResumptionToken", "The resumption token is not one this repository gave.") from None
    return chosen


def _matching(chosen: dict[str, Any]) -> list[Record]:
    low = _moment(chosen["from"], False)[0] if chosen["from"] else None
    high = min(_moment(chosen["until"], True)[0], _moment(chosen["cutoff"], False)[0]) if chosen["until"] \
        else _moment(chosen["cutoff"], False)[0]
    found = [r for r in records() if (low is None or r.datestamp >= low) and r.datestamp <= high
             and (chosen["set"] is None or chosen["set"] in r.sets)]
    if not found:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    return found


def _page_size() -> int:
    return int(current_app.config.get("ARCHIVE_OAI_PAGE_SIZE") or PAGE_SIZE)


def _header(parent: ET.Element, record: Record) -> None:
    header = _sub(parent, "header", **({"status": "deleted"} if record.deleted else {}))
    _sub(header, "identifier", identifier(record.id))
    _sub(header, "datestamp", _stamp(record.datestamp))
    if not record.deleted:
        for spec in record.sets:
            _sub(header, "setSpec", spec)


def _record(parent: ET.Element, record: Record) -> None:
    """A record with its oai_dc, its view read now; one no longer public in this public set is left out (it
    changed since the list was made, so its new datestamp puts it in the next harvest)."""
    view = record.view()
    if view is None and not record.deleted:
        return
    element = _sub(parent, "record")
    _header(element, record)
    if view is None:
        return
    dc = _sub(_sub(element, "metadata"), "dc", ns=OAI_DC_NS, **{f"{{{XSI_NS}}}schemaLocation": DC_SCHEMA})
    for name, value in dublin_core(view):
        attrs = {f"{{{XML_NS}}}lang": view.language} if name in ("title", "description") else {}
        _sub(dc, name, value, ns=DC_NS, **attrs)


def _list(parent: ET.Element, args: Mapping[str, str], with_metadata: bool) -> None:
    chosen = _selection(args)
    found = _matching(chosen)
    start = 0
    if chosen["after"]:
        mark = (chosen["after"][0], chosen["after"][1])
        start = sum(1 for r in found if (_stamp(r.datestamp), r.id) <= mark)
    page = found[start:start + _page_size()]
    if not page:  # what followed the token has since changed: it is in the next harvest
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    for record in page:
        (_record if with_metadata else _header)(parent, record)
    if start or start + len(page) < len(found):
        last = page[-1]
        more = start + len(page) < len(found)
        token = _token({**chosen, "after": [_stamp(last.datestamp), last.id]}) if more else None
        _sub(parent, "resumptionToken", token, completeListSize=str(len(found)), cursor=str(start))


def _identify(parent: ET.Element) -> None:
    info = site().info
    _sub(parent, "repositoryName", info.title)
    _sub(parent, "baseURL", _base() + url_for("oai.endpoint"))
    _sub(parent, "protocolVersion", "2.0")
    _sub(parent, "adminEmail", current_app.config.get("ARCHIVE_OAI_ADMIN_EMAIL") or f"webmaster@{_repository_id()}")
    earliest = min((r.datestamp for r in records()), default=dt.datetime.now(dt.timezone.utc))
    _sub(parent, "earliestDatestamp", _stamp(earliest))
    _sub(parent, "deletedRecord", "persistent")
    _sub(parent, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def _answer(verb: str, args: Mapping[str, str], parent: ET.Element) -> None:
    if verb == "Identify":
        _identify(parent)
    elif verb == "ListMetadataFormats":
        if "identifier" in args:
            _find(args["identifier"])
        fmt = _sub(parent, "metadataFormat")
        _sub(fmt, "metadataPrefix", "oai_dc")
        _sub(fmt, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
        _sub(fmt, "metadataNamespace", OAI_DC_NS)
    elif verb == "ListSets":
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "The resumption token is not one this repository gave.")
        if not list_sets():
            raise OAIError("noSetHierarchy", "No set holds a public record yet.")
        for spec, name in list_sets():
            entry = _sub(parent, "set")
            _sub(entry, "setSpec", spec)
            _sub(entry, "setName", name)
    elif verb == "GetRecord":
        if args["metadataPrefix"] != "oai_dc":
            raise OAIError("cannotDisseminateFormat", "The only metadata format is oai_dc.")
        _record(parent, _find(args["identifier"]))
    else:
        _list(parent, args, with_metadata=verb == "ListRecords")


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    root = ET.Element(f"{{{OAI_NS}}}OAI-PMH", {f"{{{XSI_NS}}}schemaLocation": SCHEMA})
    _sub(root, "responseDate", _stamp(dt.datetime.now(dt.timezone.utc)))
    echo = _sub(root, "request", _base() + url_for("oai.endpoint"))
    try:
        args = _arguments()
        verb = args.get("verb", "")
        if verb not in VERBS:
            raise OAIError("badVerb", "The verb is missing, or is not one of OAI-PMH's six.")
        _check(verb, args)
        for key, value in args.items():
            echo.set(key, _NOT_XML.sub("", value))
        body = ET.Element(f"{{{OAI_NS}}}{verb}")
        _answer(verb, args, body)
        if len(body):
            root.append(body)
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            echo.attrib.clear()  # the request's arguments are echoed only when they were all legal
        _sub(root, "error", error.message, code=error.code)
    ET.register_namespace("", OAI_NS)  # as web.feeds does for its own; any prefix would be as valid
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(xml, content_type="text/xml; charset=utf-8")
