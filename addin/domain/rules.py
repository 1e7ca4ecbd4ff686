"""The rules book as typed, immutable data, parsed from a plain mapping (what TOML gives).

Parsing is pure: reading the TOML file and merging a user's override are done in addin.io.
A bad rules book raises RulesError naming the key, e.g. "titles.CSTT.vote: ...".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

if TYPE_CHECKING:
    from addin.domain.covenant import Covenant

Comparison = Literal[">=", ">"]
Denominator = Literal["present", "members"]
Kind = Literal["individual", "collective"]
Rounding = Literal["floor", "half_up"]
Base = Literal["headcount", "subunits", "titles", "none"]

KINDS: tuple[Kind, ...] = ("individual", "collective")
COMPARISONS: tuple[Comparison, ...] = (">=", ">")
DENOMINATORS: tuple[Denominator, ...] = ("present", "members")
ROUNDINGS: tuple[Rounding, ...] = ("floor", "half_up")
BASES: tuple[Base, ...] = ("headcount", "subunits", "titles", "none")
SCOPES = ("unit", "cluster")


class RulesError(ValueError):
    """The rules book is unusable; the message names the offending key."""


@dataclass(frozen=True)
class VoteRule:
    id: str
    threshold: Fraction
    comparison: Comparison
    denominator: Denominator
    quorum: Fraction
    secret_ballot: bool
    source: str
    verified: bool


@dataclass(frozen=True)
class Criteria:
    """Conditions on a collective's members (DVTT, DVQT, ...)."""

    min_cstt_share: Fraction
    comparison: Comparison
    min_cstdcs: int
    max_disciplined: int | None
    source: str
    verified: bool


@dataclass(frozen=True)
class Title:
    code: str
    name: str
    kind: Kind
    order: int
    vote: VoteRule
    synonyms: tuple[str, ...]
    requires_initiative: bool
    min_streak: int | None
    criteria: Criteria | None
    source: str
    verified: bool


@dataclass(frozen=True)
class QuotaRule:
    id: str
    title: str
    max_share: Fraction | None  # "không quá X%" of the base
    max_count: int | None  # an absolute number (one flag per cluster)
    base: Base
    base_titles: tuple[str, ...]
    counts: tuple[str, ...]
    rounding: Rounding
    scopes: tuple[str, ...]
    enabled: bool
    source: str
    verified: bool


@dataclass(frozen=True, eq=False)  # identity hash: cached look-ups key on the book
class Rules:
    name: str
    label: str
    version: str
    note: str
    percent_decimals: int
    display_source: str
    titles: Mapping[str, Title]
    quotas: tuple[QuotaRule, ...]
    abbreviations: Mapping[str, str]
    votes: Mapping[str, VoteRule]
    covenant: Covenant | None = None  # a cluster's [covenant] (contracts.md §8), if it has one

    def title(self, code: str) -> Title:
        return self.titles[code]

    def active_quotas(self, scope: str) -> tuple[QuotaRule, ...]:
        return tuple(q for q in self.quotas if q.enabled and scope in q.scopes)


# ----------------------------------------------------------------------------------------------
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$|^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_ratio(value: object, key: str) -> Fraction:
    """'50%' -> 1/2, '2/3' -> 2/3, 70 -> 7/10 (a bare number is a percentage)."""
    if isinstance(value, bool):
        raise RulesError(f"{key}: expected a ratio such as \"70%\" or \"2/3\", got {value!r}")
    if isinstance(value, int | float):
        result = Fraction(str(value)) / 100
    elif isinstance(value, str) and (m := _RATIO.match(value)):
        if m.group(1) is not None:
            result = Fraction(m.group(1)) / 100
        else:
            if int(m.group(3)) == 0:
                raise RulesError(f"{key}: denominator of {value!r} is zero")
            result = Fraction(int(m.group(2)), int(m.group(3)))
    else:
        raise RulesError(f"{key}: expected a ratio such as \"70%\" or \"2/3\", got {value!r}")
    if not 0 <= result <= 1:
        raise RulesError(f"{key}: {value!r} is outside 0–100%")
    return result


def format_ratio(value: Fraction) -> str:
    """Inverse of parse_ratio for display: 7/10 -> '70%', 2/3 -> '2/3'."""
    pct = value * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    if (pct * 100).denominator == 1:
        return f"{float(pct):g}%"
    return f"{value.numerator}/{value.denominator}"


class _Reader:
    """Typed access to one table of the mapping, with key paths in every error."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise RulesError(f"{path}: expected a table, got {type(data).__name__}")
        self.data: Mapping[str, Any] = data
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str, default: Any = ...) -> Any:
        if name in self.data:
            return self.data[name]
        if default is ...:
            raise RulesError(f"{self.key(name)}: required key is missing")
        return default

    def text(self, name: str, default: Any = ...) -> str:
        value = self.raw(name, default)
        if not isinstance(value, str):
            raise RulesError(f"{self.key(name)}: expected text, got {value!r}")
        return value

    def flag(self, name: str, default: Any = ...) -> bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise RulesError(f"{self.key(name)}: expected true or false, got {value!r}")
        return value

    def integer(self, name: str, default: Any = ..., minimum: int = 0) -> int:
        value = self.raw(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise RulesError(f"{self.key(name)}: expected a whole number ≥ {minimum}, got {value!r}")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: Any = ...) -> Any:
        value = self.raw(name, default)
        if value not in options:
            raise RulesError(f"{self.key(name)}: expected one of {', '.join(options)}, got {value!r}")
        return value

    def ratio(self, name: str) -> Fraction:
        return parse_ratio(self.raw(name), self.key(name))

    def str_list(self, name: str, default: Any = ...) -> tuple[str, ...]:
        value = self.raw(name, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RulesError(f"{self.key(name)}: expected a list of texts, got {value!r}")
        return tuple(value)

    def table(self, name: str, default: Any = ...) -> _Reader:
        return _Reader(self.raw(name, default), self.key(name))


def _vote(reader: _Reader, vote_id: str) -> VoteRule:
    return VoteRule(
        id=vote_id,
        threshold=reader.ratio("threshold"),
        comparison=reader.choice("comparison", COMPARISONS),
        denominator=reader.choice("denominator", DENOMINATORS),
        quorum=reader.ratio("quorum"),
        secret_ballot=reader.flag("secret_ballot", False),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _criteria(reader: _Reader) -> Criteria:
    max_disc = reader.raw("max_disciplined", None)
    return Criteria(
        min_cstt_share=reader.ratio("min_cstt_share"),
        comparison=reader.choice("comparison", COMPARISONS, ">="),
        min_cstdcs=reader.integer("min_cstdcs", 0),
        max_disciplined=None if max_disc is None else reader.integer("max_disciplined"),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _title(reader: _Reader, code: str, votes: Mapping[str, VoteRule]) -> Title:
    vote_id = reader.text("vote")
    if vote_id not in votes:
        raise RulesError(f"{reader.key('vote')}: no vote rule [votes.{vote_id}]")
    min_streak = reader.raw("min_streak", None)
    return Title(
        code=code,
        name=reader.text("name"),
        kind=reader.choice("kind", KINDS),
        order=reader.integer("order"),
        vote=votes[vote_id],
        synonyms=reader.str_list("synonyms", []),
        requires_initiative=reader.flag("requires_initiative", False),
        min_streak=None if min_streak is None else reader.integer("min_streak"),
        criteria=_criteria(reader.table("criteria")) if reader.has("criteria") else None,
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _quota(reader: _Reader, titles: Mapping[str, Title]) -> QuotaRule:
    def known(codes: tuple[str, ...], name: str) -> tuple[str, ...]:
        for code in codes:
            if code not in titles:
                raise RulesError(f"{reader.key(name)}: unknown title code {code!r}")
        return codes

    has_share, has_count = reader.has("max"), reader.has("max_count")
    if has_share == has_count:
        raise RulesError(f"{reader.path}: give exactly one of 'max' (a ratio) or 'max_count'")
    base = reader.choice("base", BASES, "none" if has_count else ...)
    if has_share and base == "none":
        raise RulesError(f"{reader.key('base')}: a 'max' ratio needs a base")
    base_titles = known(reader.str_list("base_titles", []), "base_titles")
    if base == "titles" and not base_titles:
        raise RulesError(f"{reader.key('base_titles')}: base \"titles\" needs base_titles")
    scopes = reader.str_list("scopes", list(SCOPES))
    for scope in scopes:
        if scope not in SCOPES:
            raise RulesError(f"{reader.key('scopes')}: unknown scope {scope!r}")
    return QuotaRule(
        id=reader.text("id"),
        title=known((reader.text("title"),), "title")[0],
        max_share=reader.ratio("max") if has_share else None,
        max_count=reader.integer("max_count") if has_count else None,
        base=base,
        base_titles=base_titles,
        counts=known(reader.str_list("counts"), "counts"),
        rounding=reader.choice("rounding", ROUNDINGS, "floor"),
        scopes=scopes,
        enabled=reader.flag("enabled", True),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def rules_from_mapping(data: Mapping[str, Any]) -> Rules:
    """Build Rules from the merged TOML mapping; raise RulesError naming the bad key."""
    root = _Reader(data, "")
    book = root.table("book")
    display = root.table("display")
    votes_t = root.table("votes")
    votes = {vid: _vote(votes_t.table(vid), vid) for vid in votes_t.data}
    titles_t = root.table("titles")
    titles = {code: _title(titles_t.table(code), code, votes) for code in titles_t.data}
    if not titles:
        raise RulesError("titles: the rules book defines no title")
    abbreviations_t = root.table("abbreviations", {})
    abbreviations = {k: abbreviations_t.text(k) for k in abbreviations_t.data}
    quotas_raw = root.raw("quotas", [])
    if not isinstance(quotas_raw, list):
        raise RulesError("quotas: expected an array of tables [[quotas]]")
    quotas = tuple(_quota(_Reader(q, f"quotas[{i}]"), titles) for i, q in enumerate(quotas_raw))
    ids = [q.id for q in quotas]
    if len(set(ids)) != len(ids):
        raise RulesError("quotas: two quotas share the same id")
    return Rules(
        name=book.text("name"),
        label=book.text("label"),
        version=book.text("version"),
        note=book.text("note", ""),
        percent_decimals=display.integer("percent_decimals"),
        display_source=display.text("source", ""),
        titles=dict(sorted(titles.items(), key=lambda kv: kv[1].order)),
        quotas=quotas,
        abbreviations=abbreviations,
        votes=votes,
        covenant=_covenant(root),
    )


def _covenant(root: _Reader) -> Covenant | None:
    from addin.domain.covenant import covenant_from_reader  # covenant builds on this module

    return covenant_from_reader(root.table("covenant")) if root.has("covenant") else None


def _is_id_list(value: object) -> TypeGuard[list[Mapping[str, Any]]]:
    return isinstance(value, list) and all(isinstance(v, Mapping) and "id" in v for v in value)


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key; arrays of tables with an `id` ([[quotas]]) merge by
    id (a new id is appended); anything else is replaced."""
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = merge(current, value)
        elif _is_id_list(value) and _is_id_list(current):
            by_id = {item["id"]: dict(item) for item in current}
            for item in value:
                by_id[item["id"]] = merge(by_id.get(item["id"], {}), item)
            merged[key] = list(by_id.values())
        else:
            merged[key] = value
    return merged
