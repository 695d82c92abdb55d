"""The words curators read for the values a file holds (access, identity, status...) and for history actions.

A file says `identity: pseudonymous`; an Arabic curator reads «باسم مستعار». Values the archive
does not know (a hand-edited file) are shown as written, isolated in `<bdi>`.
"""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup

from ..i18n import N_, gettext as _

__all__ = ["VALUE_LABELS", "ACTION_LABELS", "CONSENT_ACTION_LABELS", "value_label", "history_action", "init_app"]

VALUE_LABELS: dict[str, dict[str, str]] = {
    "access": {"public": N_("Public"), "restricted": N_("Restricted"), "withdrawn": N_("Withdrawn")},
    "identity": {"named": N_("Named"), "pseudonymous": N_("Pseudonymous"), "anonymous": N_("Anonymous")},
    "place_detail": {"exact": N_("Exact"), "district": N_("District"), "governorate": N_("Governorate"),
                     "country": N_("Country")},
    "status": {"published": N_("Published"), "draft": N_("Draft")},
    "state": {"public": N_("Public"), "restricted": N_("Restricted"), "embargoed": N_("Embargoed"),
              "draft": N_("Draft"), "withdrawn": N_("Withdrawn")},
}
# What a file holds when a field is left out: FORMAT.md's defaults.
DEFAULTS = {"status": "published", "place_detail": "exact"}

ACTION_LABELS = {"sign-in": N_("Signed in"), "sign-in-failed": N_("Failed sign-in"), "sign-out": N_("Signed out"),
                 "create": N_("Added a testimony"), "edit": N_("Edited a testimony"),
                 "consent": N_("Changed consent"), "commit": N_("Recorded in git"),
                 "curator-add": N_("Curator account added"),
                 "curator-passwd": N_("Curator password changed"),
                 "curator-remove": N_("Curator account removed"), "import": N_("Imported testimonies"),
                 "revert": N_("Reverted a testimony"), "vocabulary": N_("Changed places or themes")}
CONSENT_ACTION_LABELS = {"withdraw": N_("withdrawn"), "restrict": N_("restricted"), "embargo": N_("embargoed"),
                         "publish": N_("published"), "identity": N_("identity changed"),
                         "place-detail": N_("place detail changed"), "undo": N_("last change undone"),
                         "edit": N_("in the form")}


def value_label(kind: str, value: str | None) -> Markup:
    """A file's value for `kind` in the reader's words; the default when the file leaves it out."""
    value = value or DEFAULTS.get(kind, "")
    label = VALUE_LABELS.get(kind, {}).get(value)
    if label is None:
        return Markup("<bdi>%s</bdi>") % value
    return Markup("%s") % _(label)


def history_action(entry: Mapping[str, Any]) -> Markup:
    """An audit entry's action as a sentence: "Changed consent (withdrawn)", never the raw keyword."""
    action = str(entry.get("action") or "")
    label = _(ACTION_LABELS[action]) if action in ACTION_LABELS else action
    detail = str(entry.get("detail") or "").split(";")[0].strip()
    if action == "consent" and detail in CONSENT_ACTION_LABELS:
        return Markup("%s (%s)") % (label, _(CONSENT_ACTION_LABELS[detail]))
    return Markup("%s") % label


def init_app(app: Any) -> None:
    app.jinja_env.globals.update(value_label=value_label, history_action=history_action)
