"""A testimony's history in the browser: every version with who, when, why and what changed; any old
version; and a revert to it as a new, audited save under today's consent (archive.store.reverting).

`curate.history` (/curate/t/<id>/history), `curate.version` (/curate/t/<id>/history/<commit>) and
`curate.revert` (POST /curate/t/<id>/history/<commit>/revert). Versions come from git
(archive.store.versions), reasons from the audit log; values the public is kept from are marked.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response

from archive import consent, diffs
from archive.store import audit, reverting, versions
from archive.errors import ArchiveError
from archive.store.history import HistoryError
from archive.store.saving import Conflict, replace_file

from ..i18n import gettext as _
from .blueprint import bp, instance
from .preview import _clean, _marker, curator_text, names
from .reading import taken_ids, vocabularies
from .testimonies import _checked_view, _conflict, _display, _finish, _locate, _save

__all__ = ["history", "version", "revert"]


def hidden_label(reason: str | None) -> str:
    """Why the public is kept from a value, in the curator's language."""
    labels = {
        "consent": _("Consent: never shown to the public"),
        "name": _("Hidden from the public: the narrator is not named"),
        "pseudonym": _("Hidden from the public: the narrator is anonymous"),
        "places": _("Exact places are hidden from the public (place detail)"),
        "redacted": _("Holds a passage redacted for the public"),
    }
    return labels.get(reason or "", "")


def marked(text: str | None) -> Markup:
    """A line of the file, escaped, its redacted passages marked as on the curator's view."""
    return curator_text(consent.redact(_clean(text or ""), consent.Audience.CURATOR, mark=_marker))


def _entries(testimony_id: str) -> list[dict[str, Any]]:
    return audit.read(instance(), testimony=testimony_id) + audit.read(instance(), action="import")


def _history(testimony_id: str) -> tuple[Any, str, str, list[versions.Version] | None, str | None]:
    path, text, version = _locate(testimony_id)
    try:
        found = versions.versions_of(path)
    except HistoryError as error:
        return path, text, version, [], str(error)
    return path, text, version, found, None


def _refusal(error: reverting.RevertRefused) -> str:
    if error.kind == "checks":
        return _("This version cannot be brought back under today's consent: %(problems)s. "
                 "Edit the testimony instead.", problems=error.detail)
    if error.kind == "redacted":
        return _("This version shows words that have been redacted since (in %(fields)s); it cannot be "
                 "brought back. Edit the testimony instead.", fields=error.detail)
    return _("Under today's consent this version is the same as the current one; nothing to revert.")


@bp.get("/t/<testimony_id>/history", endpoint="history")
def history(testimony_id: str) -> tuple[str, int]:
    """Every version, newest first: who, when, why, and what changed from the one before."""
    path, text, version, found, problem = _history(testimony_id)
    rows = []
    if found:
        texts = versions.texts_at(path, [v.commit for v in found])
        why = versions.reasons(_entries(testimony_id), found)
        for index, v in enumerate(found):
            older = texts[index + 1] if index + 1 < len(texts) else None
            change = diffs.diff_texts(older, texts[index]) if texts[index] is not None else None
            rows.append({"version": v, "entry": why.get(v.commit), "diff": change, "current": v.version == version})
    return render_template("curate/history.html", testimony_id=testimony_id, rows=rows, in_git=found is not None,
                           problem=problem, version=version, hidden_label=hidden_label, marked=marked), 200


def _old(testimony_id: str, commit: str) -> tuple[Any, str, str, versions.Version, str, list[versions.Version]]:
    """The file now and the version asked for; 404 unless the commit is one of this file's versions."""
    path, text, version = _locate(testimony_id)
    try:
        found = versions.versions_of(path) or []
    except HistoryError:
        found = []
    chosen = next((v for v in found if v.commit == commit), None)
    old = versions.text_at(path, commit) if chosen is not None else None
    if chosen is None or old is None:
        abort(404)
    return path, text, version, chosen, old, found


def _version_page(testimony_id: str, commit: str, *, refused: str | None = None, reason: str = "",
                  status: int = 200) -> tuple[str, int]:
    path, text, version, chosen, old, found = _old(testimony_id, commit)
    index = found.index(chosen)
    older = versions.text_at(path, found[index + 1].commit) if index + 1 < len(found) else None
    view, body = _checked_view(old, path)[1:]
    entry = versions.reasons(_entries(testimony_id), [chosen]).get(chosen.commit)
    return render_template(
        "curate/version.html", testimony_id=testimony_id, chosen=chosen, entry=entry, old=old, view=view, body=body,
        collection=vocabularies(), names=names, curator_text=curator_text, version=version,
        is_current=chosen.version == version, changes=diffs.diff_texts(older, old),
        against_now=diffs.diff_texts(old, text), refused=refused, reason=reason, hidden_label=hidden_label,
        marked=marked), status


@bp.get("/t/<testimony_id>/history/<commit>", endpoint="version")
def version(testimony_id: str, commit: str) -> tuple[str, int]:
    """One old version as curators see it, what it changed, how it differs from today, and a revert form."""
    return _version_page(testimony_id, commit)


@bp.post("/t/<testimony_id>/history/<commit>/revert", endpoint="revert")
def revert(testimony_id: str, commit: str) -> Response | tuple[str, int]:
    """Bring the old version back as a new save, under today's consent; refused with a reason otherwise."""
    path, text, version, chosen, old, found = _old(testimony_id, commit)
    reason = (request.form.get("reason") or "").strip()
    opened = request.form.get("version", "")
    if not reason:
        return _version_page(testimony_id, commit, status=400,
                             refused=_("Give the reason for this revert; it is kept in the audit log."))
    if opened != version:
        return _version_page(testimony_id, commit, status=409, reason=reason,
                             refused=_("The testimony has changed since you opened this page; read it again "
                                       "before reverting."))
    words = vocabularies()
    try:
        prepared = reverting.prepare_revert(old, text, places=words.places, themes=words.themes,
                                            ids=taken_ids(), path=path, display=_display(path),
                                            since=versions.texts_at(path, [v.commit for v in found[:found.index(chosen)]]))
    except reverting.RevertRefused as error:
        return _version_page(testimony_id, commit, status=409, reason=reason, refused=_refusal(error))
    except ArchiveError as error:  # the old front matter cannot be read by the form
        return _version_page(testimony_id, commit, status=409, reason=reason, refused=str(error))
    try:
        warnings = _save(path, testimony_id, "revert", lambda: replace_file(path, prepared.text, opened), "revert",
                         detail=f"revert to {chosen.short}", before=opened, reason=reason)[1]
    except Conflict as conflict:
        return _conflict(testimony_id, conflict)
    return _finish(testimony_id, warnings, _("%(id)s is back to the version of %(time)s, under today's consent.",
                                             id=testimony_id, time=chosen.time))
