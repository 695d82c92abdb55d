"""A testimony's past versions, read from the git history that curator saves make (archive.store.history).

`versions_of(path)` lists the commits that changed the file, newest first, with the author, the
time, the commit message and the file's version (the first 12 hex digits of the SHA-256 of its
bytes, as `loader.file_hash`) at each; `text_at(path, commit)` is the file's text at one of them.
`reasons(entries)` matches the audit log's entries to commits: by the commit named in an entry's
detail, else by the version it saved — the reason for a change is kept there, never in git.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .history import TIMEOUT, HistoryError, repository_of
from ..loader import file_hash

__all__ = ["Version", "versions_of", "text_at", "texts_at", "reasons", "COMMIT", "LIMIT"]

COMMIT = re.compile(r"[0-9a-f]{40}")
LIMIT = 500  # versions listed at most; older ones stay in git
_SEP = "\x1f"
_DETAIL_COMMIT = re.compile(r"commit ([0-9a-f]{12})")


@dataclass(frozen=True)
class Version:
    """One commit that changed the file."""

    commit: str
    author: str
    time: str  # ISO 8601, the author's date
    subject: str
    version: str | None  # the file's version after this commit; None when the commit deleted it

    @property
    def short(self) -> str:
        return self.commit[:12]


def _where(path: Path) -> tuple[Path, str] | None:
    repo = repository_of(path.parent)
    if repo is None:
        return None
    return repo, os.path.relpath(path.resolve(), repo.resolve())


def _run(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                                timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryError(f"git could not be run: {error}") from error
    if result.returncode != 0:
        words = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git {args[0]} failed: {words[-1] if words else 'exit ' + str(result.returncode)}")
    return result.stdout


def _blobs(repo: Path, names: list[str]) -> list[bytes | None]:
    """The objects `commit:path` in one `git cat-file --batch` run; None for a missing one."""
    if not names:
        return []
    out = _run(repo, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode("utf-8"))
    found: list[bytes | None] = []
    position = 0
    for _ in names:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) != 3 or header[1] != b"blob":
            found.append(None)
            continue
        size = int(header[2])
        found.append(out[position:position + size])
        position += size + 1
    return found


def versions_of(path: Path, limit: int = LIMIT) -> list[Version] | None:
    """The commits that changed this file, newest first; None when the content is not in git."""
    where = _where(path)
    if where is None:
        return None
    repo, relative = where
    try:
        log = _run(repo, "log", f"--max-count={limit}", f"--format=%H{_SEP}%an{_SEP}%aI{_SEP}%s", "--", relative)
    except HistoryError:
        return []  # a repository with no commit yet
    rows = [line.split(_SEP) for line in log.decode("utf-8", "replace").splitlines() if line.count(_SEP) == 3]
    blobs = _blobs(repo, [f"{row[0]}:{relative}" for row in rows])
    return [Version(commit, author, time, subject, file_hash(blob) if blob is not None else None)
            for (commit, author, time, subject), blob in zip(rows, blobs)]


def text_at(path: Path, commit: str) -> str | None:
    """The file's text at one commit of its history (a full 40-hex id), or None if it did not exist then."""
    where = _where(path)
    if where is None or not COMMIT.fullmatch(commit):
        return None
    repo, relative = where
    blob = _blobs(repo, [f"{commit}:{relative}"])[0]
    return None if blob is None else blob.decode("utf-8", "replace")


def texts_at(path: Path, commits: list[str]) -> list[str | None]:
    """`text_at` for several commits, in one git run."""
    where = _where(path)
    if where is None:
        return [None] * len(commits)
    repo, relative = where
    good = [c for c in commits if COMMIT.fullmatch(c)]
    found = dict(zip(good, _blobs(repo, [f"{c}:{relative}" for c in good])))
    return [None if found.get(c) is None else found[c].decode("utf-8", "replace") for c in commits]  # type: ignore[union-attr]


def reasons(entries: Iterable[dict[str, Any]], versions: list[Version]) -> dict[str, dict[str, Any]]:
    """The audit entry that says why each commit was made (by commit id).

    A save's entry names the version it saved; the `commit` entry that follows it links that
    version to its commit. An import's or a vocabulary change's entry names its commit in its
    detail. A version is matched by its commit first, else by the version it saved.
    """
    by_commit: dict[str, dict[str, Any]] = {}
    by_version: dict[str, dict[str, Any]] = {}
    version_of_commit: dict[str, str] = {}
    for entry in entries:
        match = _DETAIL_COMMIT.search(str(entry.get("detail") or ""))
        if entry.get("action") == "commit":
            if match and entry.get("version_after"):
                version_of_commit[match.group(1)] = str(entry["version_after"])
            continue
        if match:
            by_commit[match.group(1)] = entry
        if entry.get("version_after"):
            by_version[str(entry["version_after"])] = entry
    found = {}
    for v in versions:
        saved = version_of_commit.get(v.short) or v.version
        entry = by_commit.get(v.short) or (by_version.get(saved) if saved else None)
        if entry is not None:
            found[v.commit] = entry
    return found
