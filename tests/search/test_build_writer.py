"""A full build's writer (search/build_writer.py) writes the same segment files as Whoosh's own writer."""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from archive.consent import Audience
from search.build_writer import BuildWriter
from search.codec import ArchiveCodec
from search.documents import facet_keys, public_form_key
from search.schema import schema_for

WORDS = ("the bombing of the school in Idlib market bakery hospital siege families shelter water "
         "القصف على المدرسة في إِدْلِب والأطفال مخيمات الطائرات 2013 2019م don't Ma'arrat").split()


def _documents(count: int, seed: int, curator: bool) -> list[dict]:
    rnd = random.Random(seed)
    documents = []
    for n in range(count):
        body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 120)))
        if n == 3:  # character offsets past 65,535: wide integers
            body = "word " * 14_000 + "siege siege"
        if n % 7 == 0:
            body += "\n\nA second_paragraph, with (punctuation) and \u201cquotes\u201d."
        places, themes = ["idlib", "saraqib"][: n % 3], ["airstrikes"] if n % 2 else []
        document = {
            "id": f"t{n:04d}", "title": f"Account {n} of the bombing", "summary": "" if n % 5 else "The market.",
            "body": body, "narrator": "Layla Haddad" if n % 4 else "", "place_names": "Idlib\nإدلب" if places else "",
            "places": " ".join(places), "themes": " ".join(themes), "language": "ar" if n % 3 == 0 else "en",
            "years": "2013 2014" if n % 2 else "2019", "event_start": 20130101 + n, "event_end": 20140101 + n,
            "facets": facet_keys(places, themes, "en", [2013]), "meta": ("Layla", "2013", tuple(places), (), "en"),
            "pubform": public_form_key(f"t{n:04d}", f"v{n}"),
        }
        if curator:
            document.update(state="public" if n % 3 else "withdrawn", changed=1_700_000_000 + n)
            document["facets"] += b" s:public"
        documents.append(document)
    return documents


def _segment_files(directory, writer_class, documents) -> dict[str, bytes]:
    ix = whoosh_index.open_dir(str(directory))
    if writer_class is BuildWriter:
        writer = BuildWriter(ix)
    else:
        writer = SegmentWriter(ix, _lk=False, limitmb=1, codec=ArchiveCodec(), compound=False)  # spills runs
    for document in documents:
        writer.add_document(**document)
    segment = writer._finalize_segment()
    name = segment.segment_id()
    return {p.name.replace(name, "SEGMENT"): p.read_bytes() for p in directory.iterdir() if name in p.name}


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.CURATOR])
def test_the_build_writer_writes_whooshs_files_byte_for_byte(tmp_path, audience):
    documents = _documents(300, seed=7, curator=audience is Audience.CURATOR)
    found = {}
    for writer_class in (SegmentWriter, BuildWriter):
        directory = tmp_path / writer_class.__name__
        directory.mkdir()
        whoosh_index.create_in(str(directory), schema_for(audience))
        found[writer_class] = _segment_files(directory, writer_class, documents)
    ours, whooshs = found[BuildWriter], found[SegmentWriter]
    assert sorted(ours) == sorted(whooshs) and len(ours) > 5
    assert [name for name in ours if ours[name] != whooshs[name]] == []


def test_the_build_writer_refuses_what_it_does_not_write(tmp_path):
    whoosh_index.create_in(str(tmp_path), schema_for(Audience.PUBLIC))
    writer = BuildWriter(whoosh_index.open_dir(str(tmp_path)))
    with pytest.raises(ValueError, match="_body_boost"):
        writer.add_document(id="t1", body="text", _body_boost=2.0)
    writer._close_segment()
