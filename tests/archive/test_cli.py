"""The `archive` command line: help, configuration, `cite`, and the installed console script."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import click
import pytest

from archive.cli import cli
from archive.collection import load_collection
from archive.consent import public_version
from archive.config import resolve_config

REPO = Path(__file__).resolve().parents[2]
COMMANDS = sorted(cli.list_commands(click.Context(cli)))
CONFIGURABLE = ["check", "cite", "new"]


def installed_archive() -> str:
    """The console script installed beside the Python running the tests."""
    script = Path(sys.executable).parent / "archive"
    found = str(script) if script.exists() else shutil.which("archive")
    assert found, "the 'archive' console script is not installed; run 'make install'"
    return found


def run_installed(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    environment.update(env or {})
    return subprocess.run([installed_archive(), *map(str, args)], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=60, check=False)


# --- help --------------------------------------------------------------------------------------------


def test_the_group_lists_every_command(archive_cli: Callable[..., Any]) -> None:
    code, out, _ = archive_cli("--help")
    assert code == 0
    assert "testimony archive" in out
    for name in ["check", "cite", "new", *COMMANDS]:
        assert f"  {name} " in out


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(archive_cli: Callable[..., Any], name: str) -> None:
    code, out, err = archive_cli(name, "--help")
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: archive {name}")
    description = out.split("\n\n")[1].strip()
    assert len(description) > 15 and not description.startswith("Options:"), out
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help and command.help.strip()


@pytest.mark.parametrize("name", CONFIGURABLE)
def test_commands_take_content_and_instance(archive_cli: Callable[..., Any], name: str) -> None:
    _, out, _ = archive_cli(name, "--help")
    assert "--content DIRECTORY" in out and "--instance DIRECTORY" in out
    assert "ARCHIVE_CONTENT" in out and "ARCHIVE_INSTANCE" in out


def test_version(archive_cli: Callable[..., Any]) -> None:
    code, out, _ = archive_cli("--version")
    assert code == 0 and out.startswith("archive, version ")


def test_unknown_command_is_a_usage_error(archive_cli: Callable[..., Any]) -> None:
    code, _, err = archive_cli("chekc")
    assert code == 2
    assert "No such command 'chekc'" in err


# --- configuration ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "env", "content", "instance"),
    [
        ((None, None), {}, "testimonies", "instance"),
        ((None, None), {"ARCHIVE_CONTENT": "/c/env", "ARCHIVE_INSTANCE": "/i/env"}, "/c/env", "/i/env"),
        (("/c/flag", "/i/flag"), {"ARCHIVE_CONTENT": "/c/env", "ARCHIVE_INSTANCE": "/i/env"}, "/c/flag", "/i/flag"),
        (("/c/flag", None), {"ARCHIVE_INSTANCE": "/i/env"}, "/c/flag", "/i/env"),
        ((None, "/i/flag"), {"ARCHIVE_CONTENT": ""}, "testimonies", "/i/flag"),
    ],
)
def test_resolve_config(flags: tuple[str | None, str | None], env: dict[str, str], content: str,
                        instance: str) -> None:
    config = resolve_config(*flags, env=env)
    assert (config.content, config.instance) == (Path(content), Path(instance))


def test_instance_directory_is_created_on_first_use(tmp_path: Path) -> None:
    config = resolve_config(tmp_path / "c", tmp_path / "i" / "deeper", env={})
    assert not config.instance.exists()
    assert config.ensure_instance().is_dir()


@pytest.fixture
def good_and_bad(write_collection: Callable[..., Path], make_testimony: Callable[..., str],
                 tmp_path: Path) -> tuple[Path, Path]:
    good = write_collection({"en/t1.md": make_testimony("t1")}, root=tmp_path / "good")
    bad = write_collection({"en/t1.md": make_testimony("t1", {"themes": ["nope"]})}, root=tmp_path / "bad")
    return good, bad


def test_archive_content_is_honoured(archive_cli: Callable[..., Any], good_and_bad: tuple[Path, Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = good_and_bad
    monkeypatch.setenv("ARCHIVE_CONTENT", str(bad))
    code, out, _ = archive_cli("check")
    assert code == 1 and "unknown theme 'nope'" in out
    monkeypatch.setenv("ARCHIVE_CONTENT", str(good))
    assert archive_cli("check")[0] == 0


def test_the_content_flag_wins_over_the_environment(archive_cli: Callable[..., Any],
                                                    good_and_bad: tuple[Path, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = good_and_bad
    monkeypatch.setenv("ARCHIVE_CONTENT", str(bad))
    assert archive_cli("check", "--content", good)[0] == 0
    monkeypatch.setenv("ARCHIVE_CONTENT", str(good))
    assert archive_cli("check", "--content", bad)[0] == 1


def test_the_default_content_is_testimonies_in_the_working_directory(archive_cli: Callable[..., Any],
                                                                     write_collection: Callable[..., Path],
                                                                     make_testimony: Callable[..., str],
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_collection({"en/t1.md": make_testimony("t1", {"themes": ["nope"]})}, root=tmp_path / "testimonies")
    monkeypatch.chdir(tmp_path)
    code, out, _ = archive_cli("check")
    assert code == 1
    assert out.startswith("testimonies/en/t1.md:")


@pytest.mark.parametrize("command", [["check"], ["cite", "t1"], ["new", "--no-input", "--title", "T"]])
def test_a_missing_content_directory_is_one_sentence(archive_cli: Callable[..., Any], tmp_path: Path,
                                                     command: list[str]) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = archive_cli(*command, "--content", missing)
    assert code == 1
    assert out == ""
    assert err == (f"Error: The content directory '{missing}' does not exist; "
                   "pass --content or set ARCHIVE_CONTENT.\n")


def test_the_instance_flag_is_accepted_and_nothing_is_written_there_by_check(
        archive_cli: Callable[..., Any], good_and_bad: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    good, _ = good_and_bad
    monkeypatch.setenv("ARCHIVE_INSTANCE", str(tmp_path / "env-instance"))
    assert archive_cli("check", "--content", good, "--instance", tmp_path / "flag-instance")[0] == 0
    assert not (tmp_path / "env-instance").exists()


# --- archive cite -------------------------------------------------------------------------------------

NOT_FOUND = "Error: No public testimony has the id '{}'.\n"


@pytest.fixture
def citable(write_collection: Callable[..., Path], make_testimony: Callable[..., str]) -> Path:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    return write_collection({
        "en/public.md": make_testimony("public", {"consent.identity": "named", "narrator.name": "Ahmad Khalil",
                                                  "title": "The night of the strike"}),
        "en/hidden-name.md": make_testimony("hidden-name", {"narrator.name": "Ahmad Khalil"}),
        "en/restricted.md": make_testimony("restricted", {"consent.access": "restricted"}),
        "en/draft.md": make_testimony("draft", {"status": "draft"}),
        "en/embargoed.md": make_testimony("embargoed", {"consent.embargo_until": future}),
        "en/was-embargoed.md": make_testimony("was-embargoed", {"consent.embargo_until": past}),
        "en/withdrawn.md": make_testimony("withdrawn", {"consent.access": "withdrawn"}),
    })


def test_cite_a_public_testimony(archive_cli: Callable[..., Any], citable: Path) -> None:
    code, out, err = archive_cli("cite", "public", "--content", citable, "--accessed", "2026-01-02")
    assert (code, err) == (0, "")
    collection = load_collection(citable)
    version = public_version(collection.get("public"), collection.places)  # of the public form, not the file
    assert version != hashlib.sha256((citable / "en" / "public.md").read_bytes()).hexdigest()[:12]
    for part in ["Khalil", "The night of the strike", "Test Archive", "Test Publisher",
                 "https://archive.example.org/t/public", version, "2018", "2 January 2026"]:
        assert part in out


def test_cite_names_the_narrator_only_as_consent_allows(archive_cli: Callable[..., Any], citable: Path) -> None:
    for fmt in ["text", "bibtex", "ris", "csl-json"]:
        code, out, _ = archive_cli("cite", "hidden-name", "--content", citable, "--format", fmt)
        assert code == 0
        assert "Anonymous" in out and "Khalil" not in out


@pytest.mark.parametrize("fmt", ["text", "bibtex", "ris", "csl-json"])
def test_cite_in_every_format(archive_cli: Callable[..., Any], citable: Path, fmt: str) -> None:
    code, out, _ = archive_cli("cite", "public", "--content", citable, "--format", fmt)
    assert code == 0
    assert "https://archive.example.org/t/public" in out
    if fmt == "bibtex":
        assert out.lstrip().startswith("@")
    elif fmt == "ris":
        assert out.startswith("TY  - ") and "ER  - " in out
    elif fmt == "csl-json":
        [item] = json.loads(out)
        assert item["title"] == "The night of the strike"


def test_cite_an_embargo_that_has_ended(archive_cli: Callable[..., Any], citable: Path) -> None:
    assert archive_cli("cite", "was-embargoed", "--content", citable)[0] == 0


@pytest.mark.parametrize("hidden", ["restricted", "draft", "embargoed"])
def test_cite_refuses_what_the_public_cannot_see_exactly_like_an_unknown_id(
        archive_cli: Callable[..., Any], citable: Path, hidden: str) -> None:
    code, out, err = archive_cli("cite", hidden, "--content", citable)
    unknown_code, unknown_out, unknown_err = archive_cli("cite", "no-such-id", "--content", citable)
    assert (code, out, err) == (1, "", NOT_FOUND.format(hidden))
    assert (unknown_code, unknown_out, unknown_err) == (1, "", NOT_FOUND.format("no-such-id"))
    # the same sentence, whatever the id: no oracle for what exists behind the wall
    assert err.replace(hidden, "X") == unknown_err.replace("no-such-id", "X")


def test_cite_a_withdrawn_testimony(archive_cli: Callable[..., Any], citable: Path) -> None:
    code, out, err = archive_cli("cite", "withdrawn", "--content", citable)
    assert (code, out) == (1, "")
    assert err == "Error: Testimony 'withdrawn' was withdrawn at the narrator's request; it cannot be cited.\n"


def test_cite_an_unknown_format_is_a_usage_error(archive_cli: Callable[..., Any], citable: Path) -> None:
    code, out, err = archive_cli("cite", "public", "--content", citable, "--format", "xml")
    assert (code, out) == (2, "")
    assert "'xml' is not one of 'text', 'bibtex', 'ris', 'csl-json'" in err


def test_cite_without_collection_metadata(archive_cli: Callable[..., Any], write_collection: Callable[..., Path],
                                          make_testimony: Callable[..., str]) -> None:
    root = write_collection({"en/t1.md": make_testimony("t1")}, collection=None)
    code, out, err = archive_cli("cite", "t1", "--content", root)
    assert (code, out) == (1, "")
    assert "collection.yaml is missing or invalid" in err and err.count("\n") == 1


# --- the installed console script ---------------------------------------------------------------------


def test_installed_check_on_the_shipped_collection() -> None:
    result = run_installed("check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_installed_check_reports_problems_with_exit_1(write_collection: Callable[..., Path],
                                                      make_testimony: Callable[..., str], tmp_path: Path) -> None:
    write_collection({"en/t1.md": make_testimony("t1", {"themes": ["airstrike"]})})
    result = run_installed("check", cwd=tmp_path, env={"ARCHIVE_CONTENT": "content"})
    assert result.returncode == 1
    assert result.stdout.startswith("content/en/t1.md:16: themes[0]: unknown theme 'airstrike'; "
                                    "did you mean 'airstrikes'?")
    assert result.stderr == "1 problem in 1 file.\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["check", "--content", "nowhere"], 1, "Error: The content directory 'nowhere' does not exist"),
        (["cite", "no-such-id", "--content", str(REPO / "testimonies")], 1,
         "Error: No public testimony has the id 'no-such-id'."),
        (["new", "--no-input", "--content", str(REPO / "testimonies")], 2, "Error: Missing --title"),
        (["cite"], 2, "Error: Missing argument 'ID'."),
        (["frobnicate"], 2, "Error: No such command 'frobnicate'."),
    ],
)
def test_installed_errors_are_sentences_not_tracebacks(tmp_path: Path, args: list[str], code: int,
                                                       message: str) -> None:
    result = run_installed(*args, cwd=tmp_path)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert not list(tmp_path.iterdir()), "a failed command must leave nothing behind"
