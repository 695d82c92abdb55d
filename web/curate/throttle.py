"""Sign-in attempts, counted in a small SQLite table shared by every worker process.

Checking the limits and recording the attempt are one step: `begin` runs both in one
`BEGIN IMMEDIATE` transaction, so parallel attempts (in any worker) are counted one after
another and none slips past a limit while another is still checking its password. An
attempt counts as a failure from the moment it begins; `succeeded` takes it back.

The limits, within a sliding window (15 minutes by default):

- `account_limit` failures of one account from one address lock that account *from that
  address* only;
- `address_limit` failures from one address (any accounts) lock that address;
- `total_limit` failures of one account from every address together (guessing spread over
  many addresses) lock that account from every address it has never signed in from; the
  addresses it signed in from in the last `known_days` days can still sign in.

So one address can lock out itself, never the other curators. Keys are HMACs under the
instance's secret key: a name typed into the form (perhaps a password typed into the wrong
field) or an address is never stored, nor can it be found again by hashing guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FILE", "Throttle"]

FILE = "signin-failures.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, account TEXT NOT NULL, address TEXT NOT NULL,"
    " pair TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS attempts_account ON attempts (account, at)",
    "CREATE INDEX IF NOT EXISTS attempts_address ON attempts (address, at)",
    "CREATE INDEX IF NOT EXISTS attempts_pair ON attempts (pair, at)",
    "CREATE TABLE IF NOT EXISTS known (pair TEXT PRIMARY KEY, at REAL NOT NULL)",
)




@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins per account from one address, per address, and per account from everywhere."""

    path: Path
    account_limit: int = 5
    address_limit: int = 20
    total_limit: int = 50
    window: float = 15 * 60
    known_days: float = 90
    secret: bytes = b""  # the instance's secret key: the stored hashes cannot be matched against guesses

    def _key(self, kind: str, *values: str) -> str:
        message = "\0".join((kind, *values)).encode("utf-8", "surrogatepass")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def __post_init__(self) -> None:
        """Create the file, private from the start, once (when the app is made, before any thread runs).

        Never later: closing any descriptor of the file would drop the POSIX locks SQLite holds on
        it in other threads of this process (gunicorn's gthread workers), and corrupt their work.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError:  # a read-only instance: the public site still starts; sign-in fails when tried
            pass

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        for statement in _SCHEMA:
            connection.execute(statement)
        return connection

    def _wait(self, db: sqlite3.Connection, column: str, key: str, limit: int, now: float) -> float:
        """Seconds until fewer than `limit` failures under `key` are left in the window."""
        rows = db.execute(f"SELECT at FROM attempts WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT ?",
                          (key, now - self.window, limit)).fetchall()
        return rows[-1][0] + self.window - now if len(rows) >= limit else 0.0

    def begin(self, account: str, address: str, now: float | None = None) -> tuple[int, int | None]:
        """(seconds to wait, None) when a limit holds; else (0, attempt id), the attempt counted as failed."""
        now = time.time() if now is None else now
        keys = {"account": self._key("account", account), "address": self._key("address", address),
                "pair": self._key("pair", account, address)}
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")  # the write lock, before counting: one attempt at a time
            try:
                db.execute("DELETE FROM attempts WHERE at <= ?", (now - self.window,))
                wait = max(self._wait(db, "pair", keys["pair"], self.account_limit, now),
                           self._wait(db, "address", keys["address"], self.address_limit, now))
                known = db.execute("SELECT 1 FROM known WHERE pair = ? AND at > ?",
                                   (keys["pair"], now - self.known_days * 86400)).fetchone()
                if known is None:
                    wait = max(wait, self._wait(db, "account", keys["account"], self.total_limit, now))
                attempt = None
                if wait <= 0:
                    attempt = db.execute("INSERT INTO attempts (account, address, pair, at) VALUES (?, ?, ?, ?)",
                                         (keys["account"], keys["address"], keys["pair"], now)).lastrowid
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return (max(1, math.ceil(wait)), None) if wait > 0 else (0, attempt)

    def succeeded(self, attempt: int, account: str, address: str, now: float | None = None) -> None:
        """The attempt was right: it is no failure, and this address is now known for this account."""
        now = time.time() if now is None else now
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM attempts WHERE id = ?", (attempt,))
            db.execute("INSERT OR REPLACE INTO known (pair, at) VALUES (?, ?)",
                       (self._key("pair", account, address), now))
            db.execute("DELETE FROM known WHERE at <= ?", (now - self.known_days * 86400,))
            db.execute("COMMIT")
