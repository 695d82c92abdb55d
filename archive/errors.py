"""The archive's errors and the problems `archive check` reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .messages import Message, english

__all__ = ["ArchiveError", "Problem", "problem", "from_message", "InvalidFile", "NotFound", "Gone"]


class ArchiveError(Exception):
    """Base class: a failure whose message is a sentence meant for a person."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, reported as `path:line: field: message`."""

    path: str
    line: int | None
    field: str
    message: str
    warning: bool = False
    # the message as data (archive/messages.py), for readers in other languages; not part of equality
    code: str = field(default="", compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> Message:
        """What is wrong, as a code and parameters (the English `message` is this, rendered)."""
        if self.code:
            return Message(self.code, self.params)
        return Message("field.invalid", {"detail": self.message})

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.warning else ""
        # one problem, one line: a line break inside a key or a value is shown escaped
        return f"{where}: {self.field or '-'}: {kind}{self.message}".translate(_LINE_BREAKS)


def problem(path: str, line: int | None, field_: str, code: str, /, *, warning: bool = False,
            **params: Any) -> Problem:
    """A problem by code (archive/messages.py), its English sentence made from the code's template."""
    return Problem(path, line, field_, english(Message(code, params)), warning, code, params)


def from_message(path: str, line: int | None, field_: str, message: Message, warning: bool = False) -> Problem:
    """A problem whose message is already a `Message` (such as a `DateError`'s)."""
    return Problem(path, line, field_, english(message), warning, message.code, message.params)


_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


class InvalidFile(ArchiveError):
    """A file that cannot be read as what it should be; carries its problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(ArchiveError):
    """No testimony with this id exists for this audience."""


class Gone(ArchiveError):
    """The testimony was withdrawn at the narrator's request."""
