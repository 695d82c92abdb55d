"""The revert rule (archive.store.reverting): the old text under today's consent, narrator and redactions."""

from __future__ import annotations

import pytest

from archive.collection import load_collection
from archive.store.reverting import RevertRefused, prepare_revert, reverted_values


def texts(make_testimony):
    old = make_testimony("t1", {"title": "The old title", "narrator.name": "Samir Zqname",
                                "consent.identity": "named", "status": "published"},
                         body="We lived on Zqstreet Road.\n\nThe old second paragraph.\n")
    now = make_testimony("t1", {"title": "The new title", "consent.access": "restricted",
                                "consent.embargo_until": "2099-01-01", "consent.place_detail": "governorate",
                                "consent.note": "Asked by phone", "consent.identity": "pseudonymous",
                                "narrator.pseudonym": "Abu Omar", "narrator.name": "Samir Zqname",
                                "status": "draft"},
                         body="We lived on [[redact: Zqstreet Road]].\n\nThe new second paragraph.\n")
    return old, now


def test_the_old_text_comes_back_with_every_narrowing_of_today(make_testimony):
    old, now = texts(make_testimony)
    values = reverted_values(old, now)
    assert values["title"] == "The old title" and "The old second paragraph." in values["body"]
    assert (values["consent_access"], values["consent_embargo_until"], values["consent_place_detail"],
            values["consent_note"], values["consent_identity"]) == ("restricted", "2099-01-01", "governorate",
                                                                    "Asked by phone", "pseudonymous")
    assert values["narrator_pseudonym"] == "Abu Omar" and values["status"] == "draft"
    assert "We lived on [[redact: Zqstreet Road]]." in values["body"]


def test_a_redaction_made_in_a_version_since_is_kept_even_when_today_lacks_the_passage(make_testimony):
    old, now = texts(make_testimony)
    between = now
    today = make_testimony("t1", {"title": "The new title"}, body="Rewritten.\n")
    assert "Zqstreet" not in today
    values = reverted_values(old, today, since=[between])
    assert "[[redact: Zqstreet Road]]" in values["body"]


def test_a_passage_redacted_since_that_cannot_be_redacted_again_refuses(make_testimony, write_collection):
    old = make_testimony("t1", {"title": "Life on Zqstreet Road"})
    now = make_testimony("t1", {"title": "Life on [[redact: Zqstreet Road]]"})
    root = write_collection({"en/t1.md": now})
    collection = load_collection(root)
    with pytest.raises(RevertRefused, match=r"redacted since \(in title\)"):
        prepare_revert(old, now, places=collection.places, themes=collection.themes, ids={"t1": root / "en/t1.md"},
                       path=root / "en" / "t1.md", display="en/t1.md")
