"""Where the content and the instance live: flags first, then the environment, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

__all__ = ["Config", "resolve_config"]


@dataclass(frozen=True)
class Config:
    content: Path
    instance: Path

    def ensure_instance(self) -> Path:
        """The instance directory, created on first use."""
        self.instance.mkdir(parents=True, exist_ok=True)
        return self.instance


def resolve_config(content: str | os.PathLike[str] | None = None,
                   instance: str | os.PathLike[str] | None = None,
                   env: Mapping[str, str] | None = None) -> Config:
    """The configuration: explicit values win over ARCHIVE_CONTENT / ARCHIVE_INSTANCE, then ./testimonies and ./instance."""
    env = os.environ if env is None else env
    return Config(
        content=Path(content or env.get("ARCHIVE_CONTENT") or "testimonies"),
        instance=Path(instance or env.get("ARCHIVE_INSTANCE") or "instance"),
    )
