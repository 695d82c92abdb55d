"""The audit log: one JSON line per curator action in `<instance>/audit.jsonl`.

Lines are appended under an exclusive flock and fsync'd (archive.store.files.append), so several
processes (gunicorn workers, the CLI) can write at once without tearing a line. The
log records ids, versions, names and the curator's reason — never a testimony's words.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from . import files

__all__ = ["FILE", "FIELDS", "ACTIONS", "append", "read", "parse_day"]

FILE = "audit.jsonl"
FIELDS = ("time", "curator", "action", "testimony", "version_before", "version_after", "reason", "address",
          "detail")
ACTIONS = ("sign-in", "sign-in-failed", "sign-out", "create", "edit", "consent", "commit", "curator-add",
           "curator-passwd", "curator-remove", "import", "revert", "vocabulary")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def append(instance: Path, *, action: str, curator: str | None, testimony: str | None = None,
           before: str | None = None, after: str | None = None, reason: str | None = None,
           address: str | None = None, detail: str | None = None) -> dict[str, Any]:
    """Append one entry and return it; safe across processes, on disk before it returns."""
    entry = {"time": _now(), "curator": curator, "action": action, "testimony": testimony,
             "version_before": before, "version_after": after, "reason": reason, "address": address,
             "detail": detail}
    files.append(Path(instance) / FILE, json.dumps(entry, ensure_ascii=False) + "\n", mode=0o600)
    return entry


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD day, or ValueError with a sentence."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a day written as YYYY-MM-DD.") from None


def _bound(value: dt.date | dt.datetime | str | None, end: bool) -> str | None:
    """A time string entries are compared with: `since` <= time < `until`.

    A day counts whole (until a day includes that day); a datetime is exact.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = parse_day(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if end:
            value += dt.timedelta(milliseconds=1)
        return value.isoformat(timespec="milliseconds") + "Z"
    day = value + dt.timedelta(days=1) if end else value
    return day.isoformat() + "T00:00:00.000Z"


def read(instance: Path, *, curator: str | None = None, action: str | None = None,
         testimony: str | None = None, since: dt.date | dt.datetime | str | None = None,
         until: dt.date | dt.datetime | str | None = None) -> list[dict[str, Any]]:
    """The entries that match every filter given, oldest first.

    `since` and `until` are days (both inclusive) or datetimes; a line that is not JSON
    (a crash mid-write on another system) is skipped rather than hiding the rest.
    """
    low, high = _bound(since, end=False), _bound(until, end=True)
    try:
        raw = (Path(instance) / FILE).read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for line in raw.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        time = str(entry.get("time") or "")
        if ((curator and entry.get("curator") != curator) or (action and entry.get("action") != action)
                or (testimony and entry.get("testimony") != testimony)
                or (low and time < low) or (high and time >= high)):
            continue
        entries.append({name: entry.get(name) for name in FIELDS})
    return entries
