"""archive/cli/__init__.py is the one place that lists every `archive` command and where it lives."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import click

from archive.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parents[2]
TABLE = (REPO / "archive" / "cli" / "__init__.py").read_text("utf-8")


def _group_commands() -> dict[str, click.Command]:
    context = click.Context(cli)
    return {name: cli.get_command(context, name) for name in cli.list_commands(context)}


def test_the_table_names_every_command_of_the_group_and_nothing_else() -> None:
    assert sorted(COMMANDS) == sorted(_group_commands())


def test_each_command_lives_where_the_table_says() -> None:
    for name, command in _group_commands().items():
        module, _, attribute = COMMANDS[name].partition(":")
        assert getattr(importlib.import_module(module), attribute) is command, name


def test_the_docstring_table_lists_each_command_with_its_file() -> None:
    for name, target in COMMANDS.items():
        path = target.partition(":")[0].replace(".", "/") + ".py"
        assert (REPO / path).is_file(), path
        assert any(line.split()[:3] == ["archive", name, path] for line in TABLE.splitlines()), (name, path)


def test_commands_of_the_other_layers_are_exactly_the_entry_points() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    entry_points = project["project"]["entry-points"]["archive.commands"]
    others = {name: target for name, target in COMMANDS.items() if not target.startswith("archive.")}
    assert entry_points == others
