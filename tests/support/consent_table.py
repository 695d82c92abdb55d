"""A small collection for the web tests: one testimony per row of the consent table in docs/format.md.

Every hidden thing carries a unique marker word ("zq..."); the tests assert that no
marker ever reaches a response body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import builder


BODY = ("The bakery queue formed before dawn, as it did every morning.\n\n"
        "Then the aircraft came back over the market and everyone ran.\n\n"
        "We counted the neighbours that evening.\n")


@dataclass(frozen=True)
class Row:
    """One consent row: the testimony, what the public should meet, and the words it must never see."""

    name: str
    id: str
    front: dict[str, Any]
    body: str = BODY
    expect: str = "visible"  # visible | 404 | 410
    markers: tuple[str, ...] = ()
    # Routes that list the gazetteer may name a place the testimony itself must not reveal.
    vocabulary_marker: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _hidden(tid: str, word: str, **changes: Any) -> dict[str, Any]:
    return builder.fields(tid, "consent", title=f"Zq{word}title account", summary=f"zq{word}summary",
                  **{"narrator.name": f"Zq{word}narrator", "narrator.description": f"zq{word}description"},
                  **changes)


def _hidden_body(word: str) -> str:
    return f"The zq{word}body of this account.\n\nThe bakery queue and the market.\n"


ROWS: tuple[Row, ...] = (
    Row("public", "open-account", builder.fields("open-account", "consent", content_warnings=["death"])),
    Row("restricted", "closed-zqrestrictedid", _hidden("closed-zqrestrictedid", "restricted",
                                                      **{"consent.access": "restricted"}),
        _hidden_body("restricted"), "404",
        ("closed-zqrestrictedid", "zqrestrictedtitle", "zqrestrictedsummary", "zqrestrictednarrator",
         "zqrestricteddescription", "zqrestrictedbody")),
    Row("embargoed", "later-zqembargoid", _hidden("later-zqembargoid", "embargo",
                                                  **{"consent.embargo_until": "2999-01-01"}),
        _hidden_body("embargo"), "404",
        ("later-zqembargoid", "zqembargotitle", "zqembargosummary", "zqembargonarrator", "zqembargobody")),
    Row("embargo passed", "past-embargo", builder.fields("past-embargo", "consent", **{"consent.embargo_until": "2001-01-01"})),
    Row("draft", "draft-zqdraftid", _hidden("draft-zqdraftid", "draft", status="draft",
                                            translation_of="open-account", language="ar"),
        _hidden_body("draft"), "404",
        ("draft-zqdraftid", "zqdrafttitle", "zqdraftsummary", "zqdraftnarrator", "zqdraftbody")),
    Row("withdrawn", "gone-zqwithdrawnid", _hidden("gone-zqwithdrawnid", "withdrawn",
                                                   **{"consent.access": "withdrawn"}),
        _hidden_body("withdrawn"), "410",
        ("zqwithdrawntitle", "zqwithdrawnsummary", "zqwithdrawnnarrator", "zqwithdrawnbody")),
    Row("anonymous", "anon-account", builder.fields("anon-account", "consent", **{"consent.identity": "anonymous",
                                                               "narrator.name": "Zqanonname Person"}),
        markers=("zqanonname",)),
    Row("pseudonymous", "pseudo-account", builder.fields("pseudo-account", "consent", **{"consent.identity": "pseudonymous",
                                                                     "narrator.name": "Zqpseudoname Real",
                                                                     "narrator.pseudonym": "Umm Karim"}),
        markers=("zqpseudoname",)),
    Row("place detail", "coarse-account", builder.fields("coarse-account", "consent", places=["zqsecretvillage"],
                                                 **{"consent.place_detail": "governorate"}),
        markers=("zqsecretvillage",), vocabulary_marker=True),
    Row("redacted", "redacted-account", builder.fields("redacted-account", "consent",
                                               title="A night in [[redact: Zqredactedtitle]]"),
        "The shelling hit [[redact: zqredactedword Street]] at dawn.\n\nThe bakery queue and the market.\n",
        markers=("zqredactedword", "zqredactedtitle")),
    Row("note", "noted-account", builder.fields("noted-account", "consent", **{"consent.note": "zqnoteword for curators"}),
        markers=("zqnoteword",)),
    Row("translation of a hidden original", "hidden-original-ar",
        builder.fields("hidden-original-ar", "consent", language="ar", title="يوم القصف في سراقب",
               translation_of="closed-zqrestrictedid"),
        "خرجنا إلى المخبز قبل الفجر.\n\nثم عادت الطائرات.\n"),
    Row("public translation", "open-account-ar",
        builder.fields("open-account-ar", "consent", language="ar", title="رواية السوق", translation_of="open-account"),
        "خرجنا إلى المخبز قبل الفجر.\n"),
)

ROW_BY_NAME = {row.name: row for row in ROWS}

# A public testimony with every kind of hidden part, and a restricted one beside it (the version tests).
SUBJECT, ELSEWHERE = "subject-account", "elsewhere-zqrestrictedid"
SUBJECT_BODY = ("The bakery queue formed before dawn, as it did every morning.\n\n"
                "Then [[redact: zqpassageword Street]] was hit and everyone ran.\n")


def hidden_parts_rows() -> tuple[Row, ...]:
    """SUBJECT: anonymous (name 'Zqhiddenname'), a note, redacted words in the body and recorded.by; ELSEWHERE: restricted."""
    subject = builder.fields(SUBJECT, "consent", **{
        "consent.identity": "anonymous", "narrator.name": "Zqhiddenname Person",
        "consent.note": "zqnoteword for curators", "recorded.by": "Field team [[redact: Zqrecorderword]]"})
    return (Row("subject", SUBJECT, subject, SUBJECT_BODY),
            Row("elsewhere", ELSEWHERE, builder.fields(ELSEWHERE, "consent", **{"consent.access": "restricted"}), BODY, "404"))


def edit(content: Path, tid: str, old: str, new: str) -> None:
    """Replace the first `old` in the file of `tid` (which must contain it)."""
    path = next(content.rglob(f"{tid}.md"))
    text = path.read_text("utf-8")
    assert old in text, (old, tid)
    path.write_text(text.replace(old, new, 1), "utf-8")
HIDDEN = tuple(r for r in ROWS if r.expect != "visible")
VISIBLE = tuple(r for r in ROWS if r.expect == "visible")
ALL_MARKERS = tuple(m for r in ROWS for m in r.markers)


def write(root: Path, rows: tuple[Row, ...] = ROWS, extra: dict[str, str] | None = None) -> Path:
    """The content directory with these rows (and any extra files), ready to serve."""
    files = {name: text for row in rows for name, text in builder.written(row.front, row.body).items()}
    return builder.write_collection(root, {**files, **(extra or {})}, vocabulary="consent")
