"""The oai_dc XML Schema for the OAI-PMH tests, from a pinned PyPI package, checked by its hash.

No registry package ships OAI-PMH.xsd itself (we looked: Sickle, oaipmh-scythe, oaipmh, oai-repo
and others), so the envelope is checked rule by rule with lxml in tests/web/test_oai.py. The oai_dc
schema and the DCMI simple Dublin Core schema it imports ship in the sdist of
core-oaipmh-provider-app (NIST's curator core OAI-PMH provider), pinned here by version and
sha256 and fetched with pip (`pip download --require-hashes`), like tests/browser/fetch_axe.py
does for axe-core. The files are kept in <venv>/share/oai-xsd/<version>/ (outside git).

simpledc imports the W3C schema of the xml: namespace (for xml:lang) from the web; the
resolver below answers that import with the one attribute it uses, so nothing is downloaded.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from lxml import etree

__all__ = ["PACKAGE", "VERSION", "SHA256", "ensure", "oai_dc_schema", "XsdUnavailable"]

PACKAGE = "core-oaipmh-provider-app"
VERSION = "2.23.0"
SHA256 = "4df9ca2de912d3cbb73ed2b8d55de18c3bb23a95bf900a767cc8d6d1dfddd038"
INSIDE = f"core_oaipmh_provider_app-{VERSION}/core_oaipmh_provider_app/static/core_oaipmh_provider_app/xsd/"
FILES = ("oai_dc.xsd", "simpledc20021212.xsd")
CACHE = (Path(sys.prefix) / "share" / "oai-xsd" if sys.prefix != sys.base_prefix
         else Path.home() / ".cache" / "oai-xsd") / VERSION
SIMPLEDC_URL = "http://dublincore.org/schemas/xmls/simpledc20021212.xsd"
XML_XSD_URL = "http://www.w3.org/2001/03/xml.xsd"
XML_NAMESPACE_SCHEMA = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang" type="xs:language"/>
</xs:schema>
"""


class XsdUnavailable(Exception):
    """The pinned package could not be fetched, or did not hold the schemas."""


def ensure(cache: Path = CACHE) -> Path:
    """The folder holding oai_dc.xsd and simpledc20021212.xsd, fetching the pinned sdist first if needed."""
    if all((cache / name).is_file() for name in FILES):
        return cache
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        requirements.write_text(f"{PACKAGE}=={VERSION} --hash=sha256:{SHA256}\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
                               ":all:", "--require-hashes", "-r", str(requirements),
                               "-d", folder], capture_output=True, text=True, timeout=300, check=False)
        archives = list(Path(folder).glob("*.tar.gz"))
        if done.returncode != 0 or len(archives) != 1:
            raise XsdUnavailable(f"pip could not download {PACKAGE}=={VERSION}: {done.stderr.strip()[-500:]}")
        cache.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archives[0]) as archive:
            for name in FILES:
                member = archive.extractfile(INSIDE + name)
                if member is None:
                    raise XsdUnavailable(f"{PACKAGE} {VERSION} has no {name}.")
                (cache / name).write_bytes(member.read())
    return cache


class _Local(etree.Resolver):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, url, public_id, context):  # type: ignore[no-untyped-def]
        if url == SIMPLEDC_URL:
            return self.resolve_filename(str(self.folder / "simpledc20021212.xsd"), context)
        if url == XML_XSD_URL:
            return self.resolve_string(XML_NAMESPACE_SCHEMA, context)
        return None


def oai_dc_schema(folder: Path | None = None) -> etree.XMLSchema:
    """The oai_dc schema, its imports answered locally."""
    folder = folder or ensure()
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local(folder))
    return etree.XMLSchema(etree.parse(str(folder / "oai_dc.xsd"), parser))
