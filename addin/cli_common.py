"""What every command shares with the history commands: the rules book it judges by and its
JSON. Kept out of addin.cli so that addin.cli_history needs nothing from it (and `python -m
addin.cli` runs: the history group imports no half-made copy of the module running it)."""

from __future__ import annotations

import json
from typing import Any

import click

from addin.cli_errors import UsageProblem
from addin.domain.rules import Rules, RulesError
from addin.io.rules_file import load_rules, rules_beside
from addin.io.safe_files import shown


def rules_for(path: str | None, near: str | None = None) -> Rules:
    """The effective rules: --rules, else a tdkt-rules.toml beside the input, else the book."""
    chosen = path or (str(found) if near and (found := rules_beside(near)) else None)
    try:
        return load_rules(chosen)
    except RulesError as exc:
        raise UsageProblem(f"Bộ quy tắc không dùng được: {exc}") from exc


def emit_json(data: dict[str, Any]) -> None:
    click.echo(shown(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)))
