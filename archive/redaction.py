"""The `[[redact: ...]]` syntax: where the passages are, and the text with each one replaced.

Which audience sees a passage is consent's decision (`archive.consent.redact`); this module only
knows the syntax. A passage runs to the first "]]"; an unclosed one runs to the end of the text,
so a typo never leaks.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["REDACTED", "hidden", "marked", "unclosed_redaction", "redacted_spans", "redacted_passages"]

REDACTED = "[redacted]"
_REDACTION = re.compile(r"\[\[\s*redact\s*:(.*?)(?:\]\]|\Z)", re.IGNORECASE | re.DOTALL)
_OPENING = re.compile(r"\[\[\s*redact\s*:", re.IGNORECASE)


def hidden(text: str) -> str:
    """The text with every passage replaced by `[redacted]`."""
    return _REDACTION.sub(REDACTED, text)


def marked(text: str, mark: Callable[[str], str]) -> str:
    """The text with every passage replaced by mark(passage as written, stripped)."""
    return _REDACTION.sub(lambda m: mark(m.group(1).strip()), text)


def unclosed_redaction(text: str) -> int | None:
    """The offset of a `[[redact:` that has no closing `]]`, if there is one."""
    for match in _OPENING.finditer(text):
        if "]]" not in text[match.end():]:
            return match.start()
        closing = text.index("]]", match.end())
        if _OPENING.search(text, match.end(), closing):
            return match.start()
    return None


def redacted_spans(text: str) -> list[tuple[int, int]]:
    """Where each `[[redact: ...]]` passage is in the text (an unclosed one runs to the end)."""
    return [match.span() for match in _REDACTION.finditer(text)]


def redacted_passages(text: str) -> list[str]:
    """The words of each redacted passage, as the curator wrote them."""
    return [match.group(1).strip() for match in _REDACTION.finditer(text) if match.group(1).strip()]
