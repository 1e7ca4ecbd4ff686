"""Loading the rules book: the shipped TOML, merged with a user's override file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from addin.domain.rules import Rules, RulesError, merge, rules_from_mapping

DEFAULT_BOOK = "quan-doi"
# A rules file with this name beside a workbook (or in a cluster folder) overrides the default.
LOCAL_RULES_NAME = "tdkt-rules.toml"


def default_mapping() -> dict[str, Any]:
    text = resources.files("addin").joinpath(f"rules/{DEFAULT_BOOK}.toml").read_text("utf-8")
    return tomllib.loads(text)


def read_override(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RulesError(f"{p}: cannot read the rules file ({exc.strerror or exc})") from exc
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RulesError(f"{p}: the rules file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{p}: not valid TOML ({exc})") from exc


def load_rules(override: str | Path | None = None) -> Rules:
    """The effective rules: the shipped book, overridden key by key by `override` if given."""
    mapping = default_mapping()
    if override is not None:
        try:
            return rules_from_mapping(merge(mapping, read_override(override)))
        except RulesError as exc:
            if str(exc).startswith(str(override)):
                raise
            raise RulesError(f"{override}: {exc}") from exc
    return rules_from_mapping(mapping)


def rules_beside(path: str | Path) -> Path | None:
    """A local rules file next to a workbook or inside a folder, if there is one."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    candidate = folder / LOCAL_RULES_NAME
    return candidate if candidate.is_file() else None
