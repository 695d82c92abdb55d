"""archive.store.history: each save a commit of just that file, authored by the curator."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from archive.store import history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository with no identity configured (as on a fresh server), content in a sub-folder."""
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git identity leaks in
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "repo"
    (root / "testimonies" / "en").mkdir(parents=True)
    git(root, "init", "--quiet")
    (root / "testimonies" / "en" / "t1.md").write_text("one\n")
    (root / "other.txt").write_text("other\n")
    git(root, "add", ".")
    git(root, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "start")
    return root


def test_a_save_is_a_commit_of_that_file_by_the_curator(repo):
    target = repo / "testimonies" / "en" / "t1.md"
    target.write_text("two\n")
    (repo / "other.txt").write_text("someone's unfinished work\n")
    git(repo, "add", "other.txt")  # staged by someone else: must not be swept into the curator's commit
    commit = history.commit_file(target, curator="amal", action="withdraw", testimony_id="t1")
    assert commit == git(repo, "rev-parse", "HEAD").strip()
    log = git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s")
    assert log.strip() == "amal <amal@curators.invalid>|Testimony archive <archive@curators.invalid>|withdraw t1"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["testimonies/en/t1.md"]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["other.txt"]  # still staged, not committed


def test_a_new_file_is_added_and_committed(repo):
    target = repo / "testimonies" / "ar" / "t2.md"
    target.parent.mkdir()
    target.write_text("new\n")
    history.commit_file(target, curator="Sami Q", action="create", testimony_id="t2")
    assert git(repo, "log", "-1", "--format=%an|%ae|%s").strip() == "Sami Q|Sami-Q@curators.invalid|create t2"


def test_outside_a_repository_nothing_happens(tmp_path):
    path = tmp_path / "t1.md"
    path.write_text("x\n")
    assert history.repository_of(tmp_path) is None
    assert history.commit_file(path, curator="amal", action="edit", testimony_id="t1") is None


def test_a_git_failure_is_reported_not_hidden(repo):
    target = repo / "testimonies" / "en" / "t1.md"
    target.write_text("three\n")
    (repo / ".git" / "index.lock").write_text("")  # another git process holds the index
    with pytest.raises(history.HistoryError, match="git add failed"):
        history.commit_file(target, curator="amal", action="edit", testimony_id="t1")
    assert target.read_text() == "three\n"  # the save itself stands


def test_author_names_cannot_break_the_author_syntax():
    assert history.author_for("a<b>\nc") == "abc <abc@curators.invalid>"
    assert history.message_for("restrict", "t-0042") == "restrict t-0042"
