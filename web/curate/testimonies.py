"""Adding and editing testimonies, consent actions, and the curator's view of one testimony.

`curate.new`, `curate.edit`, `curate.consent`, `curate.testimony`. Every save is checked
by `archive.store.editing` (the same checks as `archive check`), written by `archive.store.saving`
(atomic, locked, refused over a newer version), written to the audit log at once (before
anything else runs), made public by `publish_change`, and committed by `archive.store.history`
when the content is in git (git's outcome goes to the audit log too).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path
from typing import Any, Callable, Mapping

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from archive.store import audit, editing, history
from archive.consent import State, TestimonyView
from archive.errors import ArchiveError, Problem
from archive.loader import file_hash
from archive.store.saving import Conflict, create_file, locked, replace_file

from ..gate import today
from ..i18n import gettext as _
from ..render import RenderedBody
from .blueprint import bp, current_curator, instance, log
from .forms import GROUPS, REQUIRED, testimony_form
from . import undo
from .pickers import place_options, theme_options
from .preview import curator_text, curator_view, names, preview
from .publish import PublishIncomplete, publish_change
from .reading import locate, taken_ids, vocabularies

__all__ = ["new", "edit", "testimony"]

logger = logging.getLogger("archive.curate")
FORM_LIMIT = 4 * 1024 * 1024  # a long account posted in full, with its front matter
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EDITORS = frozenset({"curate.new", "curate.edit", "curate.consent"})


@bp.before_app_request
def _allow_long_accounts() -> None:
    """Testimony forms may post more than the site's small default limit (set before CSRF reads the form)."""
    if request.endpoint in _EDITORS:
        request.max_content_length = int(current_app.config.get("ARCHIVE_CURATE_MAX_CONTENT_LENGTH", FORM_LIMIT))


def _root() -> Path:
    return Path(current_app.config["ARCHIVE_CONTENT"])


def _locate(testimony_id: str) -> tuple[Path, str, str]:
    """The testimony's file, its text and its version; 404 when no file has that id."""
    path = locate(testimony_id)
    if path is None:
        abort(404)
    data = path.read_bytes()
    return path, data.decode("utf-8", "replace"), file_hash(data)


def _display(path: Path) -> str:
    return path.relative_to(_root()).as_posix()


def _posted() -> dict[str, str]:
    """The form's values; the button pressed decides the status ("Save draft" or "Save and publish")."""
    values = {name: request.form.get(name, "") for name in editing.FIELD_NAMES}
    for name in ("places", "themes"):  # the pickers send one value per box
        values[name] = "\n".join(v for v in request.form.getlist(name) if v.strip())
    chosen = {"draft": "draft", "publish": "published"}.get(request.form.get("save", ""))
    if chosen:
        values["status"] = chosen
    return values


def _prepare(values: Mapping[str, str], path: Path, original: str | None) -> editing.Prepared:
    words = vocabularies()
    return editing.prepare(values, places=words.places, themes=words.themes,
                           ids=taken_ids(), path=path, display=_display(path), original=original)


def _form_page(values: Mapping[str, str], *, version: str = "", testimony_id: str | None = None,
               prepared: editing.Prepared | None = None, show_preview: bool = False, status: int = 200,
               notice: str | None = None) -> tuple[str, int]:
    shown = None
    if show_preview and prepared is not None and prepared.testimony is not None:
        shown = preview(prepared.testimony, today=today(), places=vocabularies().places)
    return render_template(
        "curate/form.html", form=testimony_form(values, version), groups=GROUPS, required=REQUIRED,
        testimony_id=testimony_id, errors=prepared.errors if prepared else {},
        warnings=prepared.warnings if prepared else {}, preview=shown, show_preview=show_preview,
        collection=vocabularies(), names=names, curator_text=curator_text, notice=notice,
        title=values.get("title") or testimony_id,
        pickers={"places": place_options(vocabularies().places),
                 "themes": theme_options(vocabularies().themes)}), status


def _commit(path: Path, action: str, testimony_id: str, after: str) -> str | None:
    """Commit to git, and say so in the audit log; a warning when git fails (which never undoes a save)."""
    try:
        commit = history.commit_file(path, curator=current_curator(), action=action, testimony_id=testimony_id)
    except history.HistoryError as error:
        logger.warning("a curator's save could not be committed to git (its id is in the audit log): %s", error)
        log("commit", testimony=testimony_id, after=after, detail=f"{action}; git failed")
        return _("The file was saved, but git could not record it: %(error)s", error=str(error))
    if commit:
        log("commit", testimony=testimony_id, after=after, detail=f"{action}; commit {commit[:12]}")
    return None


def _publish(path: Path) -> str | None:
    try:
        publish_change([path])
    except PublishIncomplete as error:
        logger.warning("a curator's save is not yet in every index (its id is in the audit log): %s", error)
        return str(error)
    return None


def _save(path: Path, testimony_id: str, action: str, write: Callable[[], str], entry: str,
          detail: str | None = None, **fields: Any) -> tuple[str, list[str]]:
    """Write and audit under the content lock, publish at once, then commit to git: (the version written,
    the warnings for the curator).

    The audit entry (`entry`, with `fields`) is on disk, fsync'd, right after the file is written
    and before anything else runs, so a worker killed during publishing or git (or git failing)
    never leaves a save without its entry; git's outcome follows as a `commit` entry.
    Publishing comes before git, so a withdrawal leaves public search (totals and facet counts
    included) without waiting for git or its hooks. `write` may raise Conflict or ArchiveError.
    """
    with locked(_root()):
        after = write()
        try:
            log(entry, testimony=testimony_id, after=after, detail=detail or action, **fields)
        except BaseException:  # the audit log cannot be written: the file is, so publish it even so
            _publish(path)
            raise
    warnings = [_publish(path)]
    with locked(_root()):  # one git commit at a time, as one write at a time
        warnings.append(_commit(path, action, testimony_id, after))
    return after, [w for w in warnings if w]


def _create(path: Path, text: str, testimony_id: str) -> str:
    """Write a new file (under the lock): refused if its id was taken meanwhile, in any folder."""
    if testimony_id in editing.existing_ids(_root()):
        raise ArchiveError(_("A testimony with the id '%(id)s' already exists; choose another id.", id=testimony_id))
    return create_file(path, text)


def _finish(testimony_id: str, warnings: list[str], done: str) -> Response:
    """After a save: tell the curator, and go to the testimony's page."""
    flash(done)
    for warning in warnings:
        flash(warning)
    return redirect(url_for("curate.testimony", testimony_id=testimony_id), 303)


def _title(text: str, testimony_id: str) -> str:
    """The testimony's title as the file gives it (even a file with problems), else its id."""
    try:
        return editing.values_from_text(text).get("title") or testimony_id
    except ArchiveError:
        return testimony_id


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int]:
    """A form for a new testimony; Preview shows it, Save writes `<language>/<id>.md` if it is valid."""
    if request.method == "GET":
        return _form_page(editing.blank_values(today(), current_curator()))
    values = editing.complete(_posted())  # the id from the title, the language from the script
    path = editing.new_path(_root(), values)
    prepared = _prepare(values, path, None)
    if "preview" in request.form or not prepared.ok:
        return _form_page(values, prepared=prepared, show_preview=True, status=200 if prepared.ok else 400)
    testimony_id = prepared.values["id"]
    if not _SLUG.fullmatch(testimony_id) or not path.resolve().is_relative_to(_root().resolve()):
        abort(400)  # the validator has already refused such an id; never write outside the collection
    try:
        warnings = _save(path, testimony_id, "create", lambda: _create(path, prepared.text, testimony_id), "create")[1]
    except ArchiveError as error:
        prepared = editing.Prepared(prepared.values, prepared.text, prepared.problems, {"id": [str(error)]})
        return _form_page(values, prepared=prepared, status=409)
    return _finish(testimony_id, warnings, _("Testimony %(id)s was added.", id=testimony_id))


@bp.route("/t/<testimony_id>/edit", methods=["GET", "POST"])
def edit(testimony_id: str) -> Response | tuple[str, int]:
    """The same form over an existing file; refused (nothing lost) when the file changed since it was opened."""
    path, text, version = _locate(testimony_id)
    if request.method == "GET":
        try:
            return _form_page(editing.values_from_text(text), version=version, testimony_id=testimony_id)
        except ArchiveError as error:
            return render_template("error.html", status=409, message=str(error)), 409
    values = {**_posted(), "id": testimony_id}
    opened = request.form.get("version", "")
    reason = request.form.get("consent_reason", "").strip()
    try:
        prepared = _prepare(values, path, text)
        before = editing.values_from_text(text)
    except ArchiveError as error:  # the file on disk became unreadable to the form meanwhile
        return render_template("error.html", status=409, message=str(error)), 409
    consent_changed = any(prepared.values[k] != before[k] for k in undo.FIELDS if k != "status")
    if consent_changed and not reason and "preview" not in request.form:
        errors = {**prepared.errors, "consent_reason": [_("Give the reason for this change; it is kept in the "
                                                           "audit log.")]}
        prepared = dataclasses.replace(prepared, errors=errors, testimony=None)
    values["consent_reason"] = reason
    if "preview" in request.form or not prepared.ok or (consent_changed and not reason):
        notice = _conflict_notice(opened, version)
        return _form_page(values, version=opened, testimony_id=testimony_id, prepared=prepared, show_preview=True,
                          status=200 if prepared.ok and not prepared.errors else 400, notice=notice)
    if prepared.text == text and opened == version:
        flash(_("Nothing was changed, so nothing was saved."))
        return redirect(url_for("curate.testimony", testimony_id=testimony_id), 303)
    try:
        after, warnings = _save(path, testimony_id, "edit", lambda: replace_file(path, prepared.text, opened),
                                "consent" if consent_changed else "edit", before=opened,
                                **({"reason": reason} if consent_changed else {}))
    except Conflict as conflict:
        return _conflict(testimony_id, conflict)
    if consent_changed:
        undo.remember(instance(), testimony_id, before, after, "edit")
    return _finish(testimony_id, warnings, _("Your changes to %(id)s were saved.", id=testimony_id))


def _conflict_notice(opened: str, version: str) -> str | None:
    if opened and opened != version:
        return _("The file has changed since you opened this form; saving will be refused. "
                 "Copy your text, then open the form again.")
    return None


def _conflict(testimony_id: str, conflict: Conflict) -> tuple[str, int]:
    """Both versions side by side, the curator's in a text area to copy; nothing was written."""
    return render_template("curate/conflict.html", testimony_id=testimony_id, conflict=conflict), 409


def _checked_view(text: str, path: Path) -> tuple[list[Problem], TestimonyView | None, RenderedBody | None]:
    """The file's text checked as `archive check` does, and the curator's view of it when it is valid."""
    words = vocabularies()
    found, problems = editing.validate(text, path, _display(path), words.places, words.themes, taken_ids())
    if found is None:
        return problems, None, None
    view, body = curator_view(found, today=today(), places=words.places)
    return problems, view, body


@bp.get("/t/<testimony_id>")
def testimony(testimony_id: str) -> tuple[str, int]:
    """The curator's view: every field, redactions marked, consent and its note, state, and its audit history."""
    path, text, version = _locate(testimony_id)
    problems, view, body = _checked_view(text, path)
    entries = [e for e in audit.read(instance(), testimony=testimony_id) if e.get("action") in ("create", "edit",
                                                                                                 "consent", "revert")]
    return render_template("curate/testimony.html", testimony_id=testimony_id, view=view, body=body,
                           problems=[p for p in problems if not p.warning], version=version, file=_display(path),
                           history=list(reversed(entries)), collection=vocabularies(), names=names,
                           title=view.title if view else _title(text, testimony_id),
                           undo_offer=undo.offer(instance(), testimony_id, version),
                           curator_text=curator_text, public=view is not None and view.state is State.PUBLIC), 200
