"""The undo of a testimony's last consent change: what its consent was before, kept until the file changes again.

Each consent change records the consent fields it replaced, in the instance directory (curators
only, never the content), with the file version it produced. The undo is offered while the file
is still that version; taking it is a consent change of its own, with a reason, in the audit log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from archive.errors import ArchiveError
from archive.store.saving import create_file, current_version, locked, replace_file

__all__ = ["FIELDS", "remember", "offer", "forget"]

# What a consent change may alter, and so what an undo puts back (consent.date and recorded_by are new).
FIELDS = ("consent_access", "consent_identity", "consent_embargo_until", "consent_place_detail",
          "narrator_name", "narrator_pseudonym", "status")


def _path(instance: Path, testimony_id: str) -> Path:
    return Path(instance) / "undo" / f"{testimony_id}.json"


def remember(instance: Path, testimony_id: str, before: Mapping[str, str], after: str, action: str) -> None:
    """Keep the consent fields as they were before a change that produced file version `after`."""
    path = _path(instance, testimony_id)
    text = json.dumps({"after": after, "action": action, "values": {k: before.get(k, "") for k in FIELDS}},
                      ensure_ascii=False)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with locked(path.parent):
        existing = current_version(path)
        if existing is None:
            create_file(path, text)
        else:
            replace_file(path, text, existing)
        path.chmod(0o600)  # it may hold a narrator's name


def offer(instance: Path, testimony_id: str, version: str) -> dict[str, object] | None:
    """The undo that applies to the file at `version` ({"action", "values"}), or None."""
    try:
        record = json.loads(_path(instance, testimony_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("after") != version or not isinstance(record.get("values"), dict):
        return None
    return {"action": str(record.get("action", "")), "values": record["values"]}


def forget(instance: Path, testimony_id: str) -> None:
    try:
        _path(instance, testimony_id).unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise ArchiveError(f"The undo record of {testimony_id} could not be removed: {error.strerror}.") from None
