"""Where a cluster's covenant comes from: the shipped sample, and a cluster folder's own
tdkt-rules.toml layered over the rules given on the command line."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from addin.domain.covenant import Covenant, covenant_from_mapping
from addin.domain.rules import Rules, RulesError, merge, rules_from_mapping
from addin.io.rules_file import default_mapping, read_override, rules_beside

SAMPLE_FILE = "giao-uoc-mau.toml"


def sample_text() -> str:
    return resources.files("addin").joinpath(f"rules/{SAMPLE_FILE}").read_text("utf-8")


def sample_mapping() -> dict[str, Any]:
    """The `[covenant]` table of the shipped sample (a copy: callers may change it)."""
    data: dict[str, Any] = tomllib.loads(sample_text())["covenant"]
    return data


def sample_covenant() -> Covenant:
    return covenant_from_mapping(sample_mapping())


def cluster_rules(rules_path: str | None, folder: str | Path) -> Rules:
    """The rules of one cluster of `tdkt report`: the default book, the file given with --rules
    (or found beside the root), then the cluster folder's own tdkt-rules.toml (its covenant)."""
    mapping = default_mapping()
    layers = [p for p in (rules_path, rules_beside(folder)) if p is not None]
    seen: set[Path] = set()
    for layer in layers:
        path = Path(layer).resolve()
        if path in seen:
            continue
        seen.add(path)
        try:
            mapping = merge(mapping, read_override(layer))
            rules_from_mapping(mapping)
        except RulesError as exc:
            if str(exc).startswith(str(layer)):
                raise
            raise RulesError(f"{layer}: {exc}") from exc
    return rules_from_mapping(mapping)


def covenant_or_sample(rules: Rules) -> tuple[Covenant, bool]:
    """The covenant to pre-fill a template with (the rules' own, else the shipped sample), and
    whether it is a sample the sheet must say so about."""
    covenant = rules.covenant if rules.covenant is not None else sample_covenant()
    return covenant, covenant.sample
