"""Places and themes edited in the browser: `/curate/vocabulary/<places|themes>`, add and edit (rename).

Each change goes through `archive.store.vocabulary_editing` (the checks of `archive check`, references
rewritten on a rename: a save reads every valid testimony's file again, one at a time, the one curator
action that reads them all), is written under the content lock, takes effect at once (the search
indexes rebuild, as they do whenever places.yaml or themes.yaml change), then becomes one git
commit and one audit entry (action `vocabulary`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from archive.store import history, vocabulary_editing as ve
from archive.errors import ArchiveError
from archive.loader import file_hash
from archive.store.saving import locked
from archive.vocabulary import PLACE_RANK

from ..i18n import gettext as _
from .blueprint import bp, current_curator, log
from .publish import PublishIncomplete, publish_change
from .reading import catalogue, valid_files, vocabularies

__all__ = ["vocabulary", "vocabulary_list", "vocabulary_new", "vocabulary_edit"]

KINDS = {"places": "place", "themes": "theme"}


def _kind(kinds: str) -> str:
    if kinds not in KINDS:
        abort(404)
    return KINDS[kinds]


def _labels(kind: str) -> dict[str, tuple[str, str]]:
    """Each field's label and hint."""
    labels = {"id": (_("Id"), _("Lower-case letters, digits and single hyphens. Changing it rewrites every testimony "
                                "that uses it."))}
    if kind == "place":
        return labels | {
            "name": (_("Name"), ""),
            "name_ar": (_("Arabic name"), ""),
            "aliases": (_("Other names and spellings"), _("One per line.")),
            "type": (_("Type"), ""),
            "parent": (_("Inside (the enclosing place)"), _("Its id or any of its names; empty for none.")),
            "coordinates": (_("Coordinates"), _("Latitude, longitude, e.g. 35.86, 36.80; empty for none.")),
        }
    return labels | {
        "label": (_("Label"), ""),
        "label_ar": (_("Arabic label"), ""),
        "broader": (_("Broader theme"), _("Its id or label; empty for none.")),
        "description": (_("Description"), ""),
    }


def _version(kind: str) -> str:
    return file_hash((Path(vocabularies().root) / ve.FILES[kind]).read_bytes())


@bp.get("/vocabulary", endpoint="vocabulary")
def vocabulary() -> Response:
    """The places first."""
    return redirect(url_for("curate.vocabulary_list", kinds="places"), 303)


@bp.get("/vocabulary/<any(places, themes):kinds>", endpoint="vocabulary_list")
def vocabulary_list(kinds: str) -> tuple[str, int]:
    """Every place or theme, with a link to edit it."""
    kind = _kind(kinds)
    words = vocabularies()
    entries = list(words.places if kind == "place" else words.themes)
    uses = catalogue().uses(kind)  # as the curator index's last run found the files
    return render_template("curate/vocabulary_list.html", kind=kind, kinds=kinds, entries=entries, uses=uses), 200


def _form(kind: str, kinds: str, values: Mapping[str, str], *, old_id: str | None, errors: Mapping[str, Any],
          version: str, status: int = 200) -> tuple[str, int]:
    return render_template("curate/vocabulary_form.html", kind=kind, kinds=kinds, values=values, old_id=old_id,
                           errors=errors, version=version, labels=_labels(kind), types=list(PLACE_RANK)), status


def _save(kind: str, kinds: str, old_id: str | None) -> Response | tuple[str, int]:
    names = ve.PLACE_FIELDS if kind == "place" else ve.THEME_FIELDS
    values = {name: request.form.get(name, "") for name in names}
    opened = request.form.get("version", "")
    words = vocabularies()
    if opened != _version(kind):
        message = _("The file changed since you opened this form; nothing was saved. Open the form again.")
        return _form(kind, kinds, values, old_id=old_id, errors={"_form": [message]}, version=opened, status=409)
    try:
        plan = ve.plan_change(words, kind, old_id, values, valid_files())
    except ArchiveError as error:
        return _form(kind, kinds, values, old_id=old_id, errors={"_form": [str(error)]}, version=opened, status=409)
    if not plan.ok:
        return _form(kind, kinds, values, old_id=old_id, errors=plan.errors, version=opened, status=400)
    try:
        paths = ve.write_change(plan, words.root)
    except ArchiveError as error:
        return _form(kind, kinds, values, old_id=old_id, errors={"_form": [str(error)]}, version=opened, status=409)
    what = (f"rename {kind} {old_id} to {plan.entry_id}" if plan.renamed
            else f"{'add' if old_id is None else 'edit'} {kind} {plan.entry_id}")
    # The audit entry first, on disk before publishing and git (as a testimony save does), so a worker
    # killed in between never leaves the change without it; git's outcome follows as a `commit` entry.
    after = file_hash(plan.text.encode("utf-8"))
    log("vocabulary", before=plan.version, after=after,
        detail=what + (f"; {len(plan.rewrites)} testimonies rewritten" if plan.rewrites else ""))
    warnings = []
    try:
        publish_change(paths)
    except PublishIncomplete as error:
        warnings.append(str(error))
    with locked(words.root):
        try:
            commit = history.commit_files(paths, curator=current_curator(), message=what)
        except history.HistoryError as error:
            log("commit", after=after, detail=f"{what}; git failed")
            warnings.append(_("The file was saved, but git could not record it: %(error)s", error=str(error)))
        else:
            if commit:
                log("commit", after=after, detail=f"{what}; commit {commit[:12]}")
    flash(_("The place %(id)s was saved.", id=plan.entry_id) if kind == "place"
          else _("The theme %(id)s was saved.", id=plan.entry_id))
    if plan.renamed:
        flash(_("Every reference to %(old)s now names %(new)s.", old=old_id, new=plan.entry_id))
    for warning in warnings:
        flash(warning)
    return redirect(url_for("curate.vocabulary_list", kinds=kinds), 303)


@bp.route("/vocabulary/<any(places, themes):kinds>/new", methods=["GET", "POST"], endpoint="vocabulary_new")
def vocabulary_new(kinds: str) -> Response | tuple[str, int]:
    """Add a place or a theme."""
    kind = _kind(kinds)
    if request.method == "POST":
        return _save(kind, kinds, None)
    return _form(kind, kinds, ve.values_of(kind, None), old_id=None, errors={}, version=_version(kind))


@bp.route("/vocabulary/<any(places, themes):kinds>/<entry_id>/edit", methods=["GET", "POST"], endpoint="vocabulary_edit")
def vocabulary_edit(kinds: str, entry_id: str) -> Response | tuple[str, int]:
    """Change a place or a theme, its id included."""
    kind = _kind(kinds)
    words = vocabularies()
    entry = (words.places if kind == "place" else words.themes).get(entry_id)
    if entry is None:
        abort(404)
    if request.method == "POST":
        return _save(kind, kinds, entry_id)
    return _form(kind, kinds, ve.values_of(kind, entry), old_id=entry_id, errors={}, version=_version(kind))
