"""From a public view to an index document: the text without its markup, ids with their ancestors."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.collection import load_collection
from archive.consent import Audience, view
from search.documents import document_for, plain_text

from tests.support import builder



@pytest.mark.parametrize("markdown, text", [
    ("**Idlib** and _Saraqib_", "Idlib and Saraqib"),
    ("# A heading\n\nA paragraph\nover two lines.", "A heading\n\nA paragraph over two lines."),
    ("> quoted\n> text", "quoted text"),
    ("- one\n- two\n1. three", "one two three"),
    ("[the city](https://example.org/idlib \"t\") and ![a map](map.png)", "the city and a map"),
    ("<span class=\"x\">tagged</span> <!-- hidden -->", "tagged"),
    ("`<script>alert(1)</script>`", "<script>alert(1)</script>"),
    ("```\ncode **as is**\n```", "code **as is**"),
    ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
    ("\\*not emphasis\\* and snake_case_word", "*not emphasis* and snake_case_word"),
    ("---\n\nafter a rule", "after a rule"),
    ("", ""),
])
def test_plain_text(markdown, text):
    assert plain_text(markdown) == text


def test_a_document_is_the_public_view(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "t1": dict(title="Story", identity="anonymous", name="Hidden Person", places=("saraqib",),
                   place_detail="governorate", themes=("barrel-bombs",), event_date="2019-12/2020-02",
                   body="The **officer** [[redact: Secret Name]] came.", summary="In *short*."),
    })
    collection = load_collection(content)
    testimony = collection.get("t1")
    public = view(testimony, Audience.PUBLIC, today=dt.date(2024, 1, 1), places=collection.places)
    document = document_for(public, collection.places, collection.themes)
    assert document["body"] == "The officer [redacted] came." and document["summary"] == "In short."
    assert document["narrator"] == "Anonymous"
    assert document["places"] == "idlib-governorate syria"
    assert "Saraqib" not in document["place_names"] and "Idlib Governorate" in document["place_names"]
    assert document["themes"] == "barrel-bombs airstrikes violence"
    assert (document["event_start"], document["event_end"], document["years"]) == (20191201, 20200229, "2019 2020")
    assert "Hidden" not in repr(document) and "Secret" not in repr(document)

    curator = view(testimony, Audience.CURATOR, today=dt.date(2024, 1, 1), places=collection.places)
    with pytest.raises(ValueError):
        document_for(curator, collection.places, collection.themes)
