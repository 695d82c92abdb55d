"""The instance's secret: signs curator sessions and keys every hash the index keeps of hidden things.

It lives in `<instance>/secret_key` (outside the index folder), random, mode 0600, made on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from . import files

__all__ = ["SECRET_FILE", "load_secret", "keyed_hash"]

SECRET_FILE = "secret_key"


def load_secret(instance: Path) -> bytes:
    """`<instance>/secret_key`, created (random, mode 0600) on first run.

    The key is created atomically and never over an existing one (archive.store.files.create):
    concurrent workers all end up reading the same complete key.
    """
    path = Path(instance) / SECRET_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        files.create(path, secrets.token_hex(32), mode=0o600)
    except FileExistsError:
        pass  # another worker was first: use its key
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds too short a secret key; delete it and a new one is made.")
    return key


def keyed_hash(secret: bytes, purpose: str, text: str, length: int = 24) -> str:
    """HMAC-SHA256 of `text` under a key derived from the secret for one purpose: no one without the
    secret can test a guess against it."""
    key = hmac.new(secret, purpose.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
