"""`archive curator add|passwd|remove|list` and the account store behind them (archive/store/curators.py)."""

from __future__ import annotations

import io
import json
import multiprocessing
import stat
import sys

import pytest

from archive.store import audit, curators

PASSWORD = "a long enough secret"


@pytest.fixture
def curator_cli(archive_cli, monkeypatch, tmp_path):
    """curator_cli("add", "amal", stdin="secret\\n") -> (code, out, err) with --instance tmp_path/instance."""
    instance = tmp_path / "instance"

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return archive_cli("curator", *args, "--instance", instance)

    run.instance = instance  # type: ignore[attr-defined]
    return run


def test_add_stores_a_scrypt_hash_in_the_instance_dir_with_mode_0600(curator_cli):
    code, out, err = curator_cli("add", "amal", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Curator 'amal' added" in err
    path = curator_cli.instance / "curators.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["curators"]["amal"]
    assert stored["hash"].startswith("scrypt:")
    assert curators.verify(curator_cli.instance, "amal", PASSWORD) is not None
    assert curators.verify(curator_cli.instance, "amal", PASSWORD + "x") is None
    assert not list(curator_cli.instance.glob(".curators-*")), "no temporary file is left behind"


def test_add_refuses_a_duplicate_a_bad_name_and_a_short_password(curator_cli):
    assert curator_cli("add", "amal", stdin=PASSWORD + "\n")[0] == 0
    code, _, err = curator_cli("add", "AMAL", stdin=PASSWORD + "\n")
    assert code == 1 and "already exists" in err and "archive curator passwd amal" in err
    code, _, err = curator_cli("add", "bad name", stdin=PASSWORD + "\n")
    assert code == 1 and "may hold only letters, digits" in err
    code, _, err = curator_cli("add", ".x", stdin=PASSWORD + "\n")
    assert code == 1 and "must start with a letter or digit" in err
    code, _, err = curator_cli("add", "x" * 41, stdin=PASSWORD + "\n")
    assert code == 1 and "too long" in err
    code, _, err = curator_cli("add", "basel", stdin="short\n")
    assert code == 1 and "too short" in err and "at least 12 characters" in err
    code, _, err = curator_cli("add", "basel", stdin="")
    assert code == 1 and "No password was given" in err
    for message in err.strip().splitlines():
        assert message.startswith("Error: ")
    assert list(curators.load(curator_cli.instance)) == ["amal"]


def test_names_are_normalised_and_may_be_arabic(curator_cli):
    assert curator_cli("add", "  Huda.K ", stdin=PASSWORD + "\n")[0] == 0
    assert curator_cli("add", "أمل", stdin=PASSWORD + "\n")[0] == 0
    code, out, _ = curator_cli("list")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["huda.k", "أمل"]
    assert curators.verify(curator_cli.instance, "HUDA.k", PASSWORD) is not None


def test_passwd_changes_the_hash_and_the_epoch(curator_cli):
    curator_cli("add", "amal", stdin=PASSWORD + "\n")
    before = curators.get(curator_cli.instance, "amal")
    code, _, err = curator_cli("passwd", "amal", stdin="another long secret\n")
    assert code == 0, err
    after = curators.get(curator_cli.instance, "amal")
    assert after.epoch != before.epoch and after.created == before.created
    assert curators.verify(curator_cli.instance, "amal", PASSWORD) is None
    assert curators.verify(curator_cli.instance, "amal", "another long secret") is not None
    code, _, err = curator_cli("passwd", "nobody", stdin="another long secret\n")
    assert (code, err.strip()) == (1, "Error: There is no curator named 'nobody'; see 'archive curator list'.")
    code, _, err = curator_cli("passwd", "amal", stdin="short\n")
    assert code == 1 and "too short" in err


def test_remove_and_list(curator_cli):
    code, out, err = curator_cli("list")
    assert (code, out) == (0, "") and "No curator accounts" in err
    curator_cli("add", "amal", stdin=PASSWORD + "\n")
    curator_cli("add", "basel", stdin=PASSWORD + "\n")
    assert curator_cli("remove", "amal")[0] == 0
    code, out, _ = curator_cli("list")
    assert out.startswith("basel\tcreated ") and "amal" not in out
    code, _, err = curator_cli("remove", "amal")
    assert code == 1 and "There is no curator named 'amal'" in err


def test_every_account_change_is_audited_by_the_os_user(curator_cli):
    curator_cli("add", "amal", stdin=PASSWORD + "\n")
    curator_cli("passwd", "amal", stdin="another long secret\n")
    curator_cli("remove", "amal")
    curator_cli("add", "bad name", stdin=PASSWORD + "\n")  # refused: not logged
    entries = audit.read(curator_cli.instance)
    assert [(e["action"], e["detail"]) for e in entries] == [
        ("curator-add", "amal"), ("curator-passwd", "amal"), ("curator-remove", "amal")]
    assert all(PASSWORD not in json.dumps(e) for e in entries)
    import getpass
    assert {e["curator"] for e in entries} == {getpass.getuser()}


def test_the_prompt_asks_twice_and_again_after_a_short_password(archive_cli, monkeypatch, tmp_path):
    answers = iter(["short", "short", PASSWORD, "a typo", PASSWORD, PASSWORD])
    prompts: list[str] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    import click.termui

    def fake_hidden_prompt(text: str) -> str:
        prompts.append(text)
        return next(answers)

    monkeypatch.setattr(click.termui, "hidden_prompt_func", fake_hidden_prompt)
    monkeypatch.setattr(sys, "stdin", Terminal())
    code, out, err = archive_cli("curator", "add", "amal", "--instance", tmp_path)
    assert code == 0, err
    assert len(prompts) == 6 and "Repeat for confirmation" in prompts[1]
    assert "too short" in err and "do not match" in out + err
    assert curators.verify(tmp_path, "amal", PASSWORD) is not None


def _add(instance, name):  # in another process
    curators.add(instance, name, PASSWORD)


def test_concurrent_adds_lose_no_account(tmp_path):
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_add, args=(tmp_path, f"curator{n}")) for n in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert sorted(curators.load(tmp_path)) == [f"curator{n}" for n in range(4)]


def test_a_damaged_file_is_one_sentence(curator_cli):
    curator_cli.instance.mkdir(parents=True)
    (curator_cli.instance / "curators.json").write_text("{not json", encoding="utf-8")
    code, _, err = curator_cli("list")
    assert code == 1 and "curators.json cannot be read" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["add", "passwd", "remove", "list"])
def test_every_curator_command_has_help(archive_cli, command):
    code, out, err = archive_cli("curator", command, "--help")
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: archive curator {command}") and "--instance DIRECTORY" in out
    assert len(out.split("\n\n")[1].strip()) > 15
