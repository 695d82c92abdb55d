"""Consent actions on the curator form: withdraw, restrict, embargo, publish, identity, place detail.

Each is a change to the form's values (archive.store.form); what consent *means* for each audience
stays in `archive.consent`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Mapping

from ..messages import Message
from .form import FIELD_NAMES, Values, normalise

__all__ = ["CONSENT_ACTIONS", "consent_values"]

CONSENT_ACTIONS = ("withdraw", "restrict", "embargo", "publish", "identity", "place-detail")


def consent_values(values: Mapping[str, str], action: str, *, today: dt.date, curator: str,
                   embargo_until: str = "", identity: str = "", name: str | None = None,
                   pseudonym: str | None = None, place_detail: str = "") -> tuple[Values, dict[str, Message]]:
    """The values after a consent action, and problems by field (the action's own inputs).

    Every action records itself in the file as docs/format.md asks: `consent.date` becomes today and
    `consent.recorded_by` the curator who recorded the change.
    """
    new = dict(values)
    problems: dict[str, Message] = {}
    if action == "withdraw":
        new["consent_access"] = "withdrawn"
    elif action == "restrict":
        new["consent_access"] = "restricted"
    elif action == "embargo":
        day = embargo_until.strip()
        try:
            if dt.date.fromisoformat(day) <= today or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                problems["embargo_until"] = Message("consent.embargo-future")
        except ValueError:
            problems["embargo_until"] = Message("consent.embargo-form", {"value": day})
        new["consent_embargo_until"] = day
    elif action == "publish":
        new.update(consent_access="public", consent_embargo_until="")
        if normalise("status", values.get("status")) == "draft":
            new["status"] = "published"
    elif action == "identity":
        new["consent_identity"] = identity.strip()
        if name is not None:
            new["narrator_name"] = name
        if pseudonym is not None:
            new["narrator_pseudonym"] = pseudonym
    elif action == "place-detail":
        detail = place_detail.strip()
        new["consent_place_detail"] = "" if detail == "exact" and not values.get("consent_place_detail") else detail
    else:
        problems["action"] = Message("consent.action", {"action": action, "actions": ", ".join(CONSENT_ACTIONS)})
    unchanged = all(normalise(k, new.get(k)) == normalise(k, values.get(k)) for k in FIELD_NAMES)
    if unchanged and not problems:
        problems["action"] = Message("consent.unchanged")
    new.update(consent_date=today.isoformat(), consent_recorded_by=curator)
    return new, problems
