"""Fetch axe-core for the accessibility tests, pinned and checked, without node.

`python tests/browser/fetch_axe.py` downloads the tarball named in axe-core.lock.json from
the npm registry, checks it against the lock file's sha512 `integrity`, and extracts
axe.min.js to <venv>/share/axe-core/<version>/axe.min.js (.venv/share/... for `make`; outside
git). A cached copy is reused; `make test` runs this first, and the test fixture calls
`ensure()` too, so a plain `pytest` fetches it as well.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

__all__ = ["LOCK", "CACHE", "AxeUnavailable", "lock", "cached_path", "ensure"]

HERE = Path(__file__).resolve().parent
LOCK = HERE / "axe-core.lock.json"
# The running virtualenv's share/ (the Makefile's .venv), else the user's cache folder.
CACHE = Path(sys.prefix) / "share" / "axe-core" if sys.prefix != sys.base_prefix else Path.home() / ".cache" / "axe-core"
TIMEOUT = 60  # seconds for the download


class AxeUnavailable(Exception):
    """axe-core could not be fetched or did not match its pinned integrity."""


def lock() -> dict[str, str]:
    """The pinned name, version, tarball URL, integrity and file inside the tarball."""
    return json.loads(LOCK.read_text(encoding="utf-8"))


def cached_path(cache: Path = CACHE) -> Path:
    """Where the pinned version's axe.min.js is kept."""
    return cache / lock()["version"] / "axe.min.js"


def _check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise AxeUnavailable(f"{LOCK.name}: integrity: expected a sha512-... value, got {integrity!r}.")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise AxeUnavailable(f"The downloaded axe-core tarball has integrity sha512-{actual}, "
                             f"not the {integrity} pinned in {LOCK.name}.")


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except OSError as error:
        raise AxeUnavailable(f"Could not download axe-core from {url}: {error}.") from error


def ensure(cache: Path = CACHE) -> Path:
    """The path of the pinned axe.min.js, downloading and checking it first if it is not cached."""
    target = cached_path(cache)
    if target.is_file():
        return target
    pinned = lock()
    data = _download(pinned["tarball"])
    _check_integrity(data, pinned["integrity"])
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        try:
            member = archive.extractfile(pinned["file"])
        except KeyError:
            member = None
        if member is None:
            raise AxeUnavailable(f"The axe-core tarball has no {pinned['file']}.")
        script = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".axe-", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(script)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)  # atomic: a concurrent run never reads half a file
    return target


def main() -> int:
    try:
        print(ensure())
    except AxeUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
