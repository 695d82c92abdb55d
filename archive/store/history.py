"""Git history for curator saves: when the content directory is in a git repository, each save is a commit.

The commit holds just the saved file, is authored by the curator and committed by whoever
the repository (or the server) is configured as. Its message names the action and the
testimony id only: a consent reason can say more about a narrator than a repository that
may be pushed or mirrored should hold, so reasons stay in the instance's audit log.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..errors import ArchiveError

__all__ = ["HistoryError", "repository_of", "commit_file", "commit_files", "message_for", "author_for"]

TIMEOUT = 30  # seconds; a save never waits longer than this on git
SERVER = ("Testimony archive", "archive@curators.invalid")  # the committer when git knows no one


class HistoryError(ArchiveError):
    """Git could not record a save; the save itself stands."""


def _git(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=TIMEOUT,
                          env=env, check=False)


def repository_of(folder: Path) -> Path | None:
    """The top of the git work tree the folder is in, or None when it is in none (or git is missing)."""
    try:
        result = _git(folder, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def author_for(curator: str) -> str:
    """`Name <name@curators.invalid>`, with nothing in it that could break git's author syntax."""
    name = re.sub(r"[<>\n\r\x00]", "", curator).strip() or "curator"
    local = re.sub(r"[^A-Za-z0-9._-]", "-", name).strip("-.") or "curator"
    return f"{name} <{local}@curators.invalid>"


def message_for(action: str, testimony_id: str) -> str:
    """The commit message: the action and the testimony id, e.g. 'withdraw t-0042'."""
    return f"{action} {testimony_id}"


def _environment(repo: Path) -> dict[str, str]:
    """The process environment, with the server as committer when git has no identity configured."""
    env = dict(os.environ)
    for key, value in (("user.name", SERVER[0]), ("user.email", SERVER[1])):
        variable = "GIT_COMMITTER_NAME" if key == "user.name" else "GIT_COMMITTER_EMAIL"
        if variable not in env and _git(repo, "config", key).returncode != 0:
            env[variable] = value
    return env


def commit_file(path: Path, *, curator: str, action: str, testimony_id: str) -> str | None:
    """Commit just this file, authored by the curator; the new commit's id, or None outside a repository.

    Raises `HistoryError` (with git's own words) when git fails; the caller keeps the save.
    """
    return commit_files([path], curator=curator, message=message_for(action, testimony_id))


def commit_files(paths: list[Path], *, curator: str, message: str) -> str | None:
    """Commit just these files (all in one repository) as one commit, authored by the curator.

    The new commit's id, or None outside a repository; `HistoryError` when git fails.
    """
    if not paths:
        return None
    repo = repository_of(paths[0].parent)
    if repo is None:
        return None
    env = _environment(repo)
    relative = [os.path.relpath(path.resolve(), repo.resolve()) for path in paths]
    try:
        steps = (("add", "--", *relative),
                 ("-c", "commit.gpgsign=false", "commit", "--quiet", "--no-edit", f"--author={author_for(curator)}",
                  "-m", message, "--only", "--", *relative),
                 ("rev-parse", "HEAD"))
        result = None
        for step in steps:
            result = _git(repo, *step, env=env)
            if result.returncode != 0:
                words = (result.stderr or result.stdout).strip().splitlines()
                raise HistoryError(f"git {step[0] if step[0] != '-c' else 'commit'} failed: "
                                   f"{words[-1] if words else 'exit ' + str(result.returncode)}")
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryError(f"git could not be run: {error}") from error
    return result.stdout.strip() if result else None
