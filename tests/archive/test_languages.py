"""archive.languages: the one language fallback, and no other module writing its own."""

from __future__ import annotations

import re
from pathlib import Path

from archive.languages import Localised, in_language, localised

REPO = Path(__file__).resolve().parents[2]
NAMES = {"ar": "إدلب", "fr": ""}


def test_a_given_text_is_used_and_says_its_language() -> None:
    assert localised(NAMES, "Idlib", "ar", "en") == Localised("إدلب", "ar")
    assert in_language(NAMES, "Idlib", "ar") == "إدلب"


def test_a_missing_or_empty_text_falls_back_to_the_default_in_the_default_language() -> None:
    assert localised(NAMES, "Idlib", "de", "en") == Localised("Idlib", "en")
    assert localised(NAMES, "Idlib", "fr", "en") == Localised("Idlib", "en")
    assert in_language(NAMES, "Idlib", None) == "Idlib"
    assert in_language({}, None, "ar") is None


def test_no_other_module_writes_the_fallback_again() -> None:
    # `texts.get(language) or default`, and the `*_in(language)` methods the model once had
    by_language = re.compile(r"\.get\((?:\w+\.)?(?:language|lang)\b.*?\)\s*or\b"
                             r"|\b(?:name|label|title|description|publisher)_in\(")
    assert by_language.search('return translated.get(language or current_language()) or default')
    assert by_language.search('found.append((theme.labels.get(view.language) or theme.label)')
    home = REPO / "archive" / "languages.py"
    modules = [path for layer in ("archive", "search", "web") for path in (REPO / layer).rglob("*.py") if path != home]
    found = [f"{path.relative_to(REPO)}:{n}" for path in modules
             for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if by_language.search(line)]
    assert found == []
