"""Consent actions on one testimony: withdraw, restrict, embargo, publish, identity, place detail, and undo.

`curate.consent` asks for the change and a reason; withdrawing and restricting first show a
confirmation that says what the public will see, and take effect only once confirmed.
`curate.undo` puts back the consent the last change replaced (see `undo.py`), as a change of
its own: a reason, a save, a git commit and an audit entry, like any other.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import render_template, request
from werkzeug.wrappers import Response

from archive import consent
from archive.store import editing
from archive.errors import ArchiveError
from archive.store.saving import Conflict, replace_file

from ..gate import today
from ..i18n import gettext as _
from ..messages import message_text
from . import undo
from .blueprint import bp, current_curator, instance
from .forms import consent_form
from .testimonies import _conflict, _finish, _locate, _prepare, _save

__all__ = ["consent_action", "undo_change", "CONFIRM"]

CONFIRM = ("withdraw", "restrict")  # what takes the public's access away is confirmed first


@bp.route("/t/<testimony_id>/consent", methods=["GET", "POST"], endpoint="consent")
def consent_action(testimony_id: str) -> Response | tuple[str, int]:
    """Withdraw, restrict, embargo, publish, or change identity or place detail, with a required reason."""
    path, text, version = _locate(testimony_id)
    try:
        values = editing.values_from_text(text)
    except ArchiveError as error:
        return render_template("error.html", status=409, message=str(error)), 409
    if request.method == "GET":
        form = consent_form({"version": version, "identity": values["consent_identity"],
                             "narrator_name": values["narrator_name"],
                             "narrator_pseudonym": values["narrator_pseudonym"],
                             "place_detail": values["consent_place_detail"] or "exact"})
        return _consent_page(testimony_id, values, form, {})
    form = consent_form(request.form)
    action, reason = form.action.data or "", (form.reason.data or "").strip()
    changed, errors = editing.consent_values(
        values, action, today=today(), curator=current_curator(), embargo_until=form.embargo_until.data or "",
        identity=form.identity.data or "", place_detail=form.place_detail.data or "",
        name=form.narrator_name.data if action == "identity" else None,
        pseudonym=form.narrator_pseudonym.data if action == "identity" else None)
    problems: dict[str, list[Any]] = {k: [v] for k, v in errors.items()}
    if not reason:
        problems["reason"] = [_("Give the reason for this change; it is kept in the audit log.")]
    prepared = _prepare(changed, path, text)
    # A change that hides more is never blocked because the file then names what it hides (the
    # narrator in `recorded.by` or the id, a coarsened village in the text): refusing it would leave
    # the public seeing what the narrator asked to hide. Saved, the file fails the check, so nothing
    # of it is published until a curator fixes it; the curator is told so.
    failing = [p for p in prepared.problems if not p.warning]
    hidden_until_fixed = (not problems and bool(failing) and all(p.code.startswith("exposure.") for p in failing)
                          and consent.narrows(action, _consent_of(values), _consent_of(changed)))
    if not hidden_until_fixed:
        for name, messages in prepared.errors.items():
            problems.setdefault(name if name in form else editing.GENERAL, []).extend(messages)
    if problems:
        return _consent_page(testimony_id, values, form, problems, status=400)
    notes = [_("Until it passes the check, nothing of this testimony is public: %(problems)s",
               problems=" ".join(message_text(m) for ms in prepared.errors.values() for m in ms))
             ] if hidden_until_fixed else []
    stale = (form.version.data or "") != version  # refused at once (409): nothing to confirm
    if action in CONFIRM and request.form.get("confirmed") != "1" and not stale:
        return render_template("curate/confirm.html", testimony_id=testimony_id, action=action, reason=reason,
                               version=form.version.data or "", title=values.get("title") or testimony_id), 200
    return _apply(testimony_id, path, values, prepared.text, form.version.data or "", action, reason, notes)


def _consent_of(values: Mapping[str, str]) -> dict[str, str]:
    return {"access": values.get("consent_access") or "", "identity": values.get("consent_identity") or "",
            "place_detail": values.get("consent_place_detail") or ""}


def _apply(testimony_id: str, path: Any, before: Mapping[str, str], text: str, opened: str, action: str,
           reason: str, notes: list[str] | None = None) -> Response | tuple[str, int]:
    """Save a consent change, remember what it replaced (for the undo), and audit it."""
    try:
        after, warnings = _save(path, testimony_id, action, lambda: replace_file(path, text, opened), "consent",
                                before=opened, reason=reason)
    except Conflict as conflict:
        return _conflict(testimony_id, conflict)
    if action == "undo":
        undo.forget(instance(), testimony_id)
    else:
        undo.remember(instance(), testimony_id, before, after, action)
    return _finish(testimony_id, [*warnings, *(notes or [])], _done(action, testimony_id))


@bp.post("/t/<testimony_id>/undo", endpoint="undo")
def undo_change(testimony_id: str) -> Response | tuple[str, int]:
    """Put back the consent the last change replaced, while the file is still as that change left it."""
    path, text, version = _locate(testimony_id)
    offer = undo.offer(instance(), testimony_id, version)
    reason = (request.form.get("reason") or "").strip()
    if offer is None:
        message = _("There is no consent change to undo: the file has changed since, or was never changed here.")
        return render_template("error.html", status=409, message=message), 409
    values = editing.values_from_text(text)
    restored = {**values, **offer["values"], "consent_date": today().isoformat(),  # type: ignore[dict-item]
                "consent_recorded_by": current_curator()}
    prepared = _prepare(restored, path, text)
    if not reason or not prepared.ok:
        message = (_("Give the reason for this change; it is kept in the audit log.") if not reason else
                   _("The consent before the last change no longer passes the checks; change it by hand instead."))
        return render_template("error.html", status=400, message=message), 400
    return _apply(testimony_id, path, values, prepared.text, version, "undo", reason)


def _done(action: str, testimony_id: str) -> str:
    messages = {
        "withdraw": _("%(id)s is withdrawn: the public now gets only a notice that it was withdrawn at the "
                      "narrator's request, and it is gone from search.", id=testimony_id),
        "restrict": _("%(id)s is restricted: to the public it no longer exists, and it is gone from search.",
                      id=testimony_id),
        "embargo": _("%(id)s is under embargo: the public cannot see it until the embargo ends.", id=testimony_id),
        "publish": _("%(id)s is public, unless an embargo or its status still holds it back.", id=testimony_id),
        "identity": _("The narrator of %(id)s is now identified as chosen, everywhere.", id=testimony_id),
        "place-detail": _("The places of %(id)s are now shown at the chosen level, everywhere.", id=testimony_id),
        "undo": _("The last consent change to %(id)s was undone; its consent is as it was before.", id=testimony_id),
    }
    return messages.get(action, _("Consent of %(id)s was changed.", id=testimony_id))


def _consent_page(testimony_id: str, values: Mapping[str, str], form: Any, problems: Mapping[str, list[Any]],
                  status: int = 200) -> tuple[str, int]:
    return render_template("curate/consent.html", testimony_id=testimony_id, values=values, form=form,
                           errors=problems, title=values.get("title") or testimony_id), status
