"""The embargo clock: an embargo ending on a day holds until that day starts."""

from __future__ import annotations

import datetime as dt

__all__ = ["embargoed", "next_change"]


def embargoed(embargo_until: dt.date | None, day: dt.date) -> bool:
    """True when an embargo ending on `embargo_until` still holds on `day` (it ends at that day's start)."""
    return embargo_until is not None and day < embargo_until


def next_change(embargo_until: dt.date | None, today: dt.date) -> dt.date | None:
    """The first day after `today` on which the clock alone changes what the public sees, if any."""
    return embargo_until if embargoed(embargo_until, today) else None
