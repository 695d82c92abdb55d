"""Failed sign-ins, counted per account and per address in a small SQLite table.

The table lives in the instance directory, so every gunicorn worker shares the count.
Keys are hashes: a name typed into the sign-in form (perhaps a password typed in the
wrong field) is never stored as it was typed.
"""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FILE", "Throttle"]

FILE = "signin-failures.sqlite"


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Throttle:
    """`limit` failures within `window` seconds lock an account, `address_limit` an address."""

    path: Path
    account_limit: int = 5
    address_limit: int = 20
    window: float = 15 * 60

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))  # private from the start
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
        connection.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")
        return connection

    def retry_after(self, account: str, address: str, now: float | None = None) -> int:
        """Seconds until this account may try again from this address; 0 when it may now."""
        now = time.time() if now is None else now
        wait = 0.0
        with closing(self._connect()) as db:
            for key, limit in ((_key("account", account), self.account_limit),
                               (_key("address", address), self.address_limit)):
                rows = db.execute("SELECT at FROM failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                                  (key, now - self.window, limit)).fetchall()
                if len(rows) >= limit:  # allowed again when the limit-th latest failure leaves the window
                    wait = max(wait, rows[-1][0] + self.window - now)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def failed(self, account: str, address: str, now: float | None = None) -> None:
        """Count one failed sign-in against both the account and the address."""
        now = time.time() if now is None else now
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM failures WHERE at <= ?", (now - self.window,))
            db.executemany("INSERT INTO failures (key, at) VALUES (?, ?)",
                           ((_key("account", account), now), (_key("address", address), now)))
            db.execute("COMMIT")
