"""Loading the rules book: the shipped TOML, merged with a user's override file."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from addin.domain.rules import Rules, RulesError, changes_rules, merge, rules_from_mapping
from addin.io.safe_files import describe, read_regular, shown

DEFAULT_BOOK = "quan-doi"
# A rules file with this name beside a workbook (or in a cluster folder) overrides the default.
LOCAL_RULES_NAME = "tdkt-rules.toml"
# A rules file is a few KB; anything far larger is not one.
MAX_RULES_BYTES = 1024 * 1024
_TOML_PLACE = re.compile(r"line (\d+), column (\d+)")


def default_mapping() -> dict[str, Any]:
    text = resources.files("addin").joinpath(f"rules/{DEFAULT_BOOK}.toml").read_text("utf-8")
    return tomllib.loads(text)


def read_override(path: str | Path) -> dict[str, Any]:
    name = shown(path)
    try:  # a FIFO or device named as the rules file is refused before it is opened
        data = read_regular(path, MAX_RULES_BYTES)
    except OSError as exc:
        raise RulesError(f"{name}: không đọc được tệp quy tắc ({describe(exc)})") from exc
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RulesError(f"{name}: tệp quy tắc không phải văn bản UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_PLACE.search(str(exc))
        place = f" ở dòng {where.group(1)}, cột {where.group(2)}" if where else ""
        cause = re.sub(r"\s*\(at [^)]*\)", "", str(exc)).strip()  # the place is said above
        raise RulesError(f"{name}: tệp quy tắc sai cú pháp TOML{place}"
                         + (f" (chi tiết kỹ thuật: {cause})" if cause else "")) from exc
    except RecursionError as exc:  # thousands of nested arrays
        raise RulesError(f"{name}: tệp quy tắc lồng nhau quá sâu") from exc


def load_rules(override: str | Path | None = None) -> Rules:
    """The effective rules: the shipped book, overridden key by key by `override` if given."""
    mapping = default_mapping()
    if override is not None:
        try:
            changes = read_override(override)
            rules = rules_from_mapping(merge(mapping, changes))
        except RulesError as exc:
            if str(exc).startswith(shown(override)):
                raise
            raise RulesError(f"{shown(override)}: {exc}") from exc
        return modified(rules, [Path(override).name] if changes_rules(mapping, changes) else [])
    return rules_from_mapping(mapping)


def modified(rules: Rules, files: list[str]) -> Rules:
    """`rules` marked as changed by these rules files (their names; none: as it is)."""
    return dataclasses.replace(rules, modified_by=", ".join(dict.fromkeys(files))) if files else rules


def rules_beside(path: str | Path) -> Path | None:
    """A local rules file next to a workbook or inside a folder, if there is one."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    candidate = folder / LOCAL_RULES_NAME
    try:
        # Anything by that name counts, even a FIFO or a broken link: reading it then says what
        # is wrong, rather than an override being ignored without a word.
        return candidate if os.path.lexists(candidate) and not candidate.is_dir() else None
    except OSError:  # a folder that may not be read: its problem is reported where it is read
        return None
