"""Curator accounts: names and scrypt password hashes in `<instance>/curators.json`.

The file lives in the instance directory (never in the content), is written atomically
(temporary file + rename) with mode 0600, and changes are serialised across processes
with a lock file. Each account carries a random `epoch`; changing the password or
removing the account changes it, which ends every session signed in with the old one.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from werkzeug.security import check_password_hash, generate_password_hash

from . import files
from ..errors import ArchiveError

__all__ = ["Curator", "CuratorError", "FILE", "MIN_PASSWORD", "MAX_PASSWORD", "normalise_name", "check_name",
           "check_password", "load", "get", "add", "set_password", "remove", "end_sessions", "verify", "same_epoch"]

FILE = "curators.json"
LOCK = "curators.lock"
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_NAME = 40
_NAME = re.compile(r"[^\W_][\w.-]*")  # letters (any script) and digits, then also . _ -
_METHOD = "scrypt"  # werkzeug's scrypt: n=2**15, r=8, p=1, 16-character salt
_DUMMY: list[str] = []


class CuratorError(ArchiveError):
    """A curator account cannot be added, changed or removed as asked; the message says why."""


@dataclass(frozen=True)
class Curator:
    name: str
    password_hash: str
    epoch: str
    created: str
    changed: str


def normalise_name(name: str) -> str:
    """The name as it is stored and compared: NFC, trimmed, lower case."""
    return unicodedata.normalize("NFC", name).strip().lower()


def check_name(name: str) -> str:
    """The normalised name, or CuratorError saying what is wrong with it."""
    name = normalise_name(name)
    if not name:
        raise CuratorError("A curator name is needed.")
    if len(name) > MAX_NAME:
        raise CuratorError(f"The curator name is too long: at most {MAX_NAME} characters, please.")
    if not _NAME.fullmatch(name):
        raise CuratorError(f"The curator name '{name}' may hold only letters, digits, '.', '_' and '-', "
                           f"and must start with a letter or digit.")
    return name


def check_password(password: str) -> str:
    """The password, or CuratorError when it is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise CuratorError(f"The password is too short: use at least {MIN_PASSWORD} characters "
                           f"(a few words are easy to remember).")
    if len(password) > MAX_PASSWORD:
        raise CuratorError(f"The password is too long: at most {MAX_PASSWORD} characters, please.")
    return password


def _path(instance: Path) -> Path:
    return Path(instance) / FILE


def _read(instance: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_path(instance).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CuratorError(f"{_path(instance)} cannot be read: {exc}.") from None
    accounts = data.get("curators") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        raise CuratorError(f"{_path(instance)} is not a curator file (no 'curators' mapping).")
    return accounts


def load(instance: Path) -> dict[str, Curator]:
    """Every account, by name (an empty mapping when there is no file yet)."""
    return {name: Curator(name, fields["hash"], fields["epoch"], fields.get("created", ""),
                          fields.get("changed", ""))
            for name, fields in _read(instance).items()}


def get(instance: Path, name: str) -> Curator | None:
    return load(instance).get(normalise_name(name))


@contextmanager
def _locked(instance: Path) -> Iterator[dict[str, dict[str, str]]]:
    """The accounts, for changing: other writers wait; the result is saved atomically."""
    instance = Path(instance)
    instance.mkdir(parents=True, exist_ok=True)
    with files.locked(instance / LOCK):
        accounts = _read(instance)
        yield accounts
        _write(instance, accounts)


def _write(instance: Path, accounts: dict[str, dict[str, str]]) -> None:
    text = json.dumps({"version": 1, "curators": dict(sorted(accounts.items()))}, ensure_ascii=False, indent=2)
    files.replace(_path(instance), text + "\n", mode=0o600)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _record(password: str, created: str | None = None) -> dict[str, str]:
    now = _now()
    return {"hash": generate_password_hash(check_password(password), method=_METHOD),
            "epoch": secrets.token_urlsafe(12), "created": created or now, "changed": now}


def add(instance: Path, name: str, password: str) -> Curator:
    """Create an account; CuratorError for a bad name, a weak password or a name already taken."""
    name = check_name(name)
    check_password(password)
    with _locked(instance) as accounts:
        if name in accounts:
            raise CuratorError(f"A curator named '{name}' already exists; use 'archive curator passwd {name}' "
                               f"to change the password.")
        accounts[name] = _record(password)
        fields = accounts[name]
    return Curator(name, fields["hash"], fields["epoch"], fields["created"], fields["changed"])


def set_password(instance: Path, name: str, password: str) -> Curator:
    """Change a password; every session signed in with the old one ends."""
    name = normalise_name(name)
    check_password(password)
    with _locked(instance) as accounts:
        if name not in accounts:
            raise CuratorError(f"There is no curator named '{name}'; see 'archive curator list'.")
        accounts[name] = _record(password, accounts[name].get("created"))
        fields = accounts[name]
    return Curator(name, fields["hash"], fields["epoch"], fields["created"], fields["changed"])


def remove(instance: Path, name: str) -> None:
    """Remove an account; its sessions end at their next request."""
    name = normalise_name(name)
    with _locked(instance) as accounts:
        if name not in accounts:
            raise CuratorError(f"There is no curator named '{name}'; see 'archive curator list'.")
        del accounts[name]


def end_sessions(instance: Path, name: str) -> None:
    """Give the account a new epoch: every session signed in so far ends (a no-op for no account)."""
    with _locked(instance) as accounts:
        if normalise_name(name) in accounts:
            accounts[normalise_name(name)]["epoch"] = secrets.token_urlsafe(12)


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(generate_password_hash(secrets.token_urlsafe(16), method=_METHOD))
    return _DUMMY[0]


def verify(instance: Path, name: str, password: str) -> Curator | None:
    """The account when name and password match, else None.

    An unknown name costs the same scrypt work as a wrong password, so timing does not
    tell which names exist.
    """
    curator = get(instance, name) if len(name) <= 4 * MAX_NAME else None
    password = password[:MAX_PASSWORD + 1]
    if curator is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(curator.password_hash, password):
        return None
    return curator


def same_epoch(curator: Curator, epoch: object) -> bool:
    """Whether a session's epoch is this account's current one (constant-time)."""
    return isinstance(epoch, str) and hmac.compare_digest(curator.epoch.encode(), epoch.encode())
