"""Reverting a testimony to an old version, subject to today's consent.

The rule (docs/curators.md, "History and revert"): a revert takes the old version's text and
fields, except that

1. **consent is today's**: the whole `consent` block (access, identity, date, recorded_by,
   embargo_until, place_detail, note) comes from the current file — a withdrawal, a restriction,
   an embargo, an anonymisation or a coarsening made since stays;
2. **who the narrator is, is today's**: the whole `narrator` block (name, pseudonym,
   description) comes from the current file;
3. **a draft stays a draft**: `status` is `draft` when either version is a draft;
4. **redactions made since stay**: every passage redacted (`[[redact: ...]]`) anywhere in the
   current file, or in any version saved after the one brought back (even if a later edit
   removed the passage), is redacted again wherever its words appear in the old body; if the public
   would still read one of them anywhere in the result (the title, the summary, a passage that
   reads differently in the old text), the revert is refused, naming the field;
5. the result must pass every check of `archive check` (a hidden name that appears in the old
   text, a place that today's `place_detail` cannot coarsen, ...), else the revert is refused
   with the problems.

Consent itself is changed only through the consent actions; a revert never widens it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import editing
from ..consent import public_texts, redacted_passages, redacted_spans
from ..errors import ArchiveError
from ..text import fold

__all__ = ["RevertRefused", "TODAYS", "reverted_values", "prepare_revert"]

# The form fields a revert always takes from the current file.
TODAYS = tuple(f.name for f in editing.FIELDS if f.path[0] in ("consent", "narrator"))


class RevertRefused(ArchiveError):
    """The old version cannot be brought back without showing what today's consent hides.

    `kind` is "checks" (problems, listed in `detail`), "redacted" (the fields, in `detail`) or "same".
    """

    def __init__(self, kind: str, detail: str, message: str):
        self.kind, self.detail = kind, detail
        super().__init__(message)


def _redact_again(body: str, passages: list[str]) -> str:
    """The body with each passage's words (any spacing) redacted wherever they stand outside a redaction."""
    for passage in sorted(set(passages), key=len, reverse=True):
        pattern = re.compile(r"\s+".join(re.escape(word) for word in passage.split()))
        spans = redacted_spans(body)
        pieces, last = [], 0
        for match in pattern.finditer(body):
            if any(start <= match.start() < end or start < match.end() <= end for start, end in spans):
                continue
            pieces += [body[last:match.start()], f"[[redact: {match.group(0)}]]"]
            last = match.end()
        body = "".join(pieces) + body[last:]
    return body


def _passages(current_text: str, since: Iterable[str | None]) -> list[str]:
    found = redacted_passages(current_text)
    for text in since:
        found += redacted_passages(text or "")
    return list(dict.fromkeys(found))


def reverted_values(old_text: str, current_text: str, since: Iterable[str | None] = ()) -> editing.Values:
    """The form values of the revert: the old version's, with today's consent, narrator and redactions."""
    old = editing.values_from_text(old_text)
    today = editing.values_from_text(current_text)
    values = dict(old)
    for name in TODAYS:
        values[name] = today[name]
    values["id"] = today["id"]
    if "draft" in (editing.normalise("status", old["status"]), editing.normalise("status", today["status"])):
        values["status"] = "draft"
    values["body"] = _redact_again(old["body"], _passages(current_text, since))
    return values


def _still_shown(testimony: Any, passages: list[str]) -> list[str]:
    """The fields where the public would read words redacted today."""
    public = {name: fold(text) for name, text in public_texts(testimony).items()}
    found = []
    for passage in passages:
        folded = fold(passage)
        if len(folded) < 3:
            continue
        found += [name for name, text in public.items() if folded in text and name not in found]
    return found


def prepare_revert(old_text: str, current_text: str, *, places: Any, themes: Any, ids: Mapping[str, Path],
                   path: Path, display: str, since: Iterable[str | None] = ()) -> editing.Prepared:
    """The checked text of the revert, or `RevertRefused` saying why it cannot be done.

    `since` are the texts of the versions saved after the old one (for the redactions made since).
    """
    since = list(since)
    values = reverted_values(old_text, current_text, since)
    prepared = editing.prepare(values, places=places, themes=themes, ids=ids, path=path, display=display,
                               original=old_text)
    errors = [p for p in prepared.problems if not p.warning]
    if errors:
        listed = "; ".join(f"{p.field}: {p.message}" for p in errors[:5])
        raise RevertRefused("checks", listed, f"This version cannot be brought back under today's consent: "
                                              f"{listed}. Edit the testimony instead.")
    shown = _still_shown(prepared.testimony, _passages(current_text, since))
    if shown:
        raise RevertRefused("redacted", ", ".join(shown), "This version shows words that have been redacted since "
                            f"(in {', '.join(shown)}); it cannot be brought back. Edit the testimony instead.")
    if prepared.text == current_text:
        raise RevertRefused("same", "", "Under today's consent this version is the same as the current one; "
                                        "nothing to revert.")
    return prepared
