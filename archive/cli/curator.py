"""`archive curator add|passwd|remove|list`: curator accounts in the instance directory.

A password comes from a hidden prompt, asked twice, when standard input is a terminal,
or else from the first line of standard input (for scripts). Every change is written
to the audit log, attributed to the user running the command.
"""

from __future__ import annotations

import sys
from typing import Callable

import click

from ..config import Config
from ..store import audit, curators
from .support import config_options, fail, os_user

__all__ = ["curator"]


def _password(prompt: str) -> str:
    """The new password: prompted twice on a terminal, else one line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        while True:
            password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
            try:
                return curators.check_password(password)
            except curators.CuratorError as exc:
                click.echo(f"Error: {exc}", err=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise fail("No password was given: type it at the prompt, or pass it as one line on standard input.")
    return line.rstrip("\r\n")


def _run(action: str, config: Config, name: str, change: Callable[[], object]) -> None:
    """Make the change, then record it in the audit log (detail: the account's name)."""
    try:
        change()
    except curators.CuratorError as exc:
        raise fail(str(exc)) from None
    audit.append(config.instance, action=action, curator=os_user(), detail=curators.normalise_name(name))


def _with_password(action: str, config: Config, name: str, prompt: str, change: Callable[[str], object],
                   done: str) -> None:
    """Ask for the password, make the change with it, record it, and say what was done."""
    password = _password(prompt)
    _run(action, config, name, lambda: change(password))
    click.echo(done, err=True)


@click.group()
def curator() -> None:
    """Curator accounts: who may sign in at /curate to add, edit and change consent."""


@curator.command()
@click.argument("name")
@config_options
def add(name: str, config: Config) -> None:
    """Create the account NAME (password from a prompt, or one line of standard input)."""
    try:
        name = curators.check_name(name)
        if curators.get(config.instance, name) is not None:
            raise curators.CuratorError(f"A curator named '{name}' already exists; use "
                                        f"'archive curator passwd {name}' to change the password.")
    except curators.CuratorError as exc:
        raise fail(str(exc)) from None
    _with_password("curator-add", config, name, f"Password for {name} (at least {curators.MIN_PASSWORD} characters)",
                   lambda password: curators.add(config.instance, name, password),
                   f"Curator '{name}' added to {config.instance}; they can sign in at /curate/sign-in.")


@curator.command()
@click.argument("name")
@config_options
def passwd(name: str, config: Config) -> None:
    """Change the password of NAME; their open sessions end."""
    if curators.get(config.instance, name) is None:
        raise fail(f"There is no curator named '{curators.normalise_name(name)}'; see 'archive curator list'.")
    _with_password("curator-passwd", config, name, f"New password for {curators.normalise_name(name)}",
                   lambda password: curators.set_password(config.instance, name, password),
                   f"Password of '{curators.normalise_name(name)}' changed; their open sessions have ended.")


@curator.command()
@click.argument("name")
@config_options
def remove(name: str, config: Config) -> None:
    """Remove the account NAME; their open sessions end (the audit log keeps their entries)."""
    _run("curator-remove", config, name, lambda: curators.remove(config.instance, name))
    click.echo(f"Curator '{curators.normalise_name(name)}' removed; their open sessions have ended.", err=True)


@curator.command("list")
@config_options
def list_(config: Config) -> None:
    """Print every curator account: name, created, password last changed."""
    try:
        accounts = curators.load(config.instance)
    except curators.CuratorError as exc:
        raise fail(str(exc)) from None
    for account in accounts.values():
        click.echo(f"{account.name}\tcreated {account.created}\tpassword changed {account.changed}")
    if not accounts:
        click.echo(f"No curator accounts in {config.instance} yet; create one with 'archive curator add NAME'.",
                   err=True)
