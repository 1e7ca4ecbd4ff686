"""Where a cluster's covenant comes from: the shipped sample, and a cluster folder's own
tdkt-rules.toml layered over the rules given on the command line."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from addin.domain import labels as L
from addin.domain.covenant import KIND_LABEL, Covenant, covenant_from_mapping, format_points
from addin.domain.issues import Code, Issue, make_issue
from addin.domain.rules import (
    Rules,
    RulesError,
    changes_rules,
    format_ratio,
    merge,
    rules_from_mapping,
)
from addin.io.rules_file import default_mapping, load_rules, modified, read_override, rules_beside

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
    changed: list[str] = []  # the files that changed a rule of the book (rules_book_name)
    for layer in layers:
        path = Path(layer).resolve()
        if path in seen:
            continue
        seen.add(path)
        try:
            override = read_override(layer)
            if changes_rules(mapping, override):
                changed.append(Path(layer).name)
            mapping = merge(mapping, override)
            rules_from_mapping(mapping)
        except RulesError as exc:
            if str(exc).startswith(str(layer)):
                raise
            raise RulesError(f"{layer}: {exc}") from exc
    return modified(rules_from_mapping(mapping), changed)


def cluster_rules_checked(rules_path: str | None, folder: str | Path
                          ) -> tuple[Rules, list[Issue]]:
    """cluster_rules for one cluster among many: a broken tdkt-rules.toml in the cluster's folder
    is an issue of that cluster (its report is made without it), not the end of the run."""
    try:
        return cluster_rules(rules_path, folder), []
    except RulesError as exc:
        local = rules_beside(folder)
        if local is None:
            raise  # the rules given for every cluster are broken: the caller refuses early
        issue = make_issue(Code.UNREADABLE_FILE, f"tệp quy tắc/giao ước của cụm bị sai, không "
                           f"dùng: {exc}", file=str(local))
        same = rules_path is not None and Path(rules_path).resolve() == local.resolve()
        return load_rules(None if same else rules_path), [issue]


def covenant_or_sample(rules: Rules) -> tuple[Covenant, bool]:
    """The covenant to pre-fill a template with (the rules' own, else the shipped sample), and
    whether it is a sample the sheet must say so about."""
    covenant = rules.covenant if rules.covenant is not None else sample_covenant()
    return covenant, covenant.sample


def _points(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def covenant_json(covenant: Covenant | None) -> dict[str, Any] | None:
    """The covenant for `tdkt rules show --json` (None: the rules have none)."""
    if covenant is None:
        return None
    return {
        "name": covenant.name, "sample": covenant.sample, "source": covenant.source,
        "verified": covenant.verified, "step": _points(covenant.step),
        "bonus_cap": _points(covenant.bonus_cap), "penalty_cap": _points(covenant.penalty_cap),
        "tie_break": list(covenant.tie_break),
        "flag": {"count": covenant.flag.count, "min_score": _points(covenant.flag.min_score)},
        "merit": {"count": covenant.merit.count, "min_score": _points(covenant.merit.min_score)},
        "suy_ton": {"threshold": format_ratio(covenant.suy_ton.threshold),
                    "comparison": covenant.suy_ton.comparison,
                    "denominator": covenant.suy_ton.denominator,
                    "quorum": format_ratio(covenant.suy_ton.quorum)},
        "rotation": list(covenant.rotation), "chair": covenant.chair or None,
        "next_chair": covenant.next_chair(),
        "criteria": [{"code": c.code, "text": c.text, "max": _points(c.max), "group": c.group,
                      "kind": c.kind} for c in covenant.criteria],
    }


def covenant_lines(covenant: Covenant | None) -> list[str]:
    """The covenant for `tdkt rules show` (human text, Vietnamese)."""
    if covenant is None:
        return ["", "Giao ước thi đua: chưa có (mục [covenant] trong tdkt-rules.toml của cụm)."]
    mark = L.VERIFIED.lower() if covenant.verified else L.TO_CHECK.upper()
    lines = ["", f"Giao ước thi đua: {covenant.name}" + (" (MẪU)" if covenant.sample else ""),
             f"  nguồn: {covenant.source} [{mark}]",
             f"  bước {format_points(covenant.step)}; điểm cộng tối đa "
             f"{format_points(covenant.bonus_cap)}, điểm trừ tối đa "
             f"{format_points(covenant.penalty_cap)}; bằng điểm: {', '.join(covenant.tie_break)}",
             f"  Cờ thi đua: {covenant.flag.count} (từ {format_points(covenant.flag.min_score)} "
             f"điểm); Bằng khen: {covenant.merit.count} (từ "
             f"{format_points(covenant.merit.min_score)} điểm)"]
    for c in covenant.criteria:
        lines.append(f"  {c.code:<6} {format_points(c.max):>5}  {KIND_LABEL[c.kind]:<9} {c.text}")
    if covenant.chair:
        lines.append(f"  Cụm trưởng năm nay: {covenant.chair}; năm tới: "
                     f"{covenant.next_chair() or '—'}")
    return lines
