"""The rules book as typed, immutable data, parsed from a plain mapping (what TOML gives).

Parsing is pure: reading the TOML file and merging a user's override are done in addin.io.
A bad rules book raises RulesError naming the key, e.g. "titles.CSTT.vote: ...".
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

if TYPE_CHECKING:
    from addin.domain.covenant import Covenant
    from addin.domain.report_details import ReportDetails

from addin.domain.errors import TdktError
from addin.domain.spelling import clashes

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


class RulesError(TdktError, ValueError):
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

    def __hash__(self) -> int:
        # evaluate_vote's cache hashes the rule on every row; the generated hash went through
        # both Fractions (≈ 3 µs). Equal rules share an id, so hashing the id alone is sound.
        return hash(self.id)


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
    prefixes: tuple[str, ...] = ()  # "Cờ thi đua của Quân khu …": any text that starts so


@dataclass(frozen=True)
class Family:
    """Titles that exclude each other (one row per nominee, under the highest), lowest first;
    titles of different families are awarded alongside."""

    id: str
    name: str
    titles: tuple[str, ...]
    source: str
    verified: bool

    def at_or_above(self, code: str) -> tuple[str, ...]:
        return self.titles[self.titles.index(code):]


@dataclass(frozen=True)
class Form:
    """A commendation form ("hình thức khen thưởng") of the "Khen thưởng" sheet."""

    code: str
    name: str
    order: int
    level: str  # "Cấp khen": Đơn vị | Khen cao
    authority: str
    synonyms: tuple[str, ...]
    prefixes: tuple[str, ...]
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


@dataclass(frozen=True)
class Chain:
    """Holding `requires` `count` times in a row (every `every` years) lets one be proposed
    for `award` (a title code, or the name of a commendation form). Receiving a title of
    `restart_on` starts the count again (the cycle of domain.md "Time")."""

    id: str
    kind: Kind
    requires: str
    counts_as: tuple[str, ...]  # titles that count as holding `requires` (the higher ones)
    count: int
    every: int
    award: str
    award_name: str
    restart_on: tuple[str, ...]
    source: str
    verified: bool


@dataclass(frozen=True)
class Congress:
    """Who the period report lists as "điển hình tiên tiến"."""

    individual_title: str
    min_individual_years: int
    collective_title: str
    source: str
    verified: bool


@dataclass(frozen=True)
class FolderRule:
    """When a folder given to `tdkt consolidate` is one cluster (addin.domain.cluster_scope):
    a tool's convention, not a regulation, kept here with the numbers it decides on."""

    one_cluster_share: Fraction  # of the files naming a cluster, the most named one holds ≥ this
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
    folders: FolderRule
    display_verified: bool = True
    families: Mapping[str, Family] = field(default_factory=dict)
    forms: Mapping[str, Form] = field(default_factory=dict)
    chains: tuple[Chain, ...] = ()
    congress: Congress | None = None
    covenant: Covenant | None = None  # a cluster's [covenant] (contracts.md §8), if it has one
    report: ReportDetails = field(default_factory=lambda: _no_details())  # [bao_cao]
    # The rules file (its name) that changed a rule of the book but left its label: the label
    # is then the default's, and printed pages say the book was modified (vi.rules_book_name).
    modified_by: str = ""

    def title(self, code: str) -> Title:
        return self.titles[code]

    def family_of(self, code: str) -> Family:
        """The family of a title; a title in no family is a family of its own."""
        for family in self.families.values():
            if code in family.titles:
                return family
        return Family(code, self.titles[code].name, (code,), "", False)

    def active_quotas(self, scope: str) -> tuple[QuotaRule, ...]:
        return tuple(q for q in self.quotas if q.enabled and scope in q.scopes)


# ----------------------------------------------------------------------------------------------
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$|^\s*(\d+)\s*/\s*(\d+)\s*$")
# Bounds of the whole numbers a rules book may set (a count of people, of years, of decimals):
# far above any real value, low enough that nothing downstream overflows or stalls.
MAX_WHOLE = 10_000_000
MAX_YEARS = 100
MAX_DECIMALS = 10
_RATIO_HINT = 'cần một tỷ lệ như "70%" hoặc "2/3"'
_TYPE_NAMES = {bool: "true/false", int: "số nguyên", float: "số thực", str: "văn bản",
               list: "danh sách", dict: "bảng"}


def _kind_of(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def parse_ratio(value: object, key: str) -> Fraction:
    """'50%' -> 1/2, '2/3' -> 2/3, 70 -> 7/10 (a bare number is a percentage)."""
    if isinstance(value, bool):
        raise RulesError(f"{key}: {_RATIO_HINT}, nhận được {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RulesError(f"{key}: {value!r} không phải một số hữu hạn; {_RATIO_HINT}")
    if isinstance(value, int | float):
        result = Fraction(str(value)) / 100
    elif isinstance(value, str) and (m := _RATIO.match(value)):
        if m.group(1) is not None:
            result = Fraction(m.group(1)) / 100
        else:
            if int(m.group(3)) == 0:
                raise RulesError(f"{key}: mẫu số của {value!r} bằng 0")
            result = Fraction(int(m.group(2)), int(m.group(3)))
    else:
        raise RulesError(f"{key}: {_RATIO_HINT}, nhận được {value!r}")
    if not 0 <= result <= 1:
        raise RulesError(f"{key}: {value!r} nằm ngoài khoảng 0–100%")
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
    """Typed access to one table of the mapping, with key paths in every error.

    Every key the parser asks for (present or defaulted) is recorded; `check_unknown` then
    rejects any other key, naming the nearest known one ("treshold" -> "threshold"). A new
    key is therefore accepted just by reading it through these accessors.
    """

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise RulesError(f"{path}: cần một bảng, nhận được {_kind_of(data)}")
        self.data: Mapping[str, Any] = data
        self.path = path
        self.asked: set[str] = set()
        self.children: list[_Reader] = []

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        self.asked.add(name)
        return name in self.data

    def raw(self, name: str, default: Any = ...) -> Any:
        self.asked.add(name)
        if name in self.data:
            return self.data[name]
        if default is ...:
            raise RulesError(f"{self.key(name)}: thiếu khóa bắt buộc")
        return default

    def names(self) -> list[str]:
        """The keys of a table keyed by id ([votes], [titles], [abbreviations]): all known."""
        self.asked.update(self.data)
        return list(self.data)

    def text(self, name: str, default: Any = ...) -> str:
        value = self.raw(name, default)
        if not isinstance(value, str):
            raise RulesError(f"{self.key(name)}: cần văn bản, nhận được {value!r}")
        return value

    def flag(self, name: str, default: Any = ...) -> bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise RulesError(f"{self.key(name)}: cần true hoặc false, nhận được {value!r}")
        return value

    def integer(self, name: str, default: Any = ..., minimum: int = 0,
                maximum: int = MAX_WHOLE) -> int:
        value = self.raw(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not (
                minimum <= value <= maximum):
            raise RulesError(f"{self.key(name)}: cần một số nguyên từ {minimum} đến {maximum}, "
                             f"nhận được {value!r}")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: Any = ...) -> Any:
        value = self.raw(name, default)
        if value not in options:
            raise RulesError(f"{self.key(name)}: cần một trong các giá trị {', '.join(options)}; "
                             f"nhận được {value!r}")
        return value

    def ratio(self, name: str) -> Fraction:
        return parse_ratio(self.raw(name), self.key(name))

    def str_list(self, name: str, default: Any = ...) -> tuple[str, ...]:
        value = self.raw(name, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RulesError(f"{self.key(name)}: cần một danh sách văn bản, nhận được {value!r}")
        return tuple(value)

    def table(self, name: str, default: Any = ...) -> _Reader:
        child = _Reader(self.raw(name, default), self.key(name))
        self.children.append(child)
        return child

    def tables(self, name: str) -> list[_Reader]:
        """An array of tables ([[quotas]]), each read by its own reader."""
        value = self.raw(name, [])
        if not isinstance(value, list):
            raise RulesError(f"{self.key(name)}: cần một mảng bảng [[{name}]]")
        found = [_Reader(item, f"{self.key(name)}[{i}]") for i, item in enumerate(value)]
        self.children.extend(found)
        return found

    def check_unknown(self) -> None:
        """Reject keys nobody asked for: a misspelt override would otherwise do nothing."""
        for name in self.data:
            if name not in self.asked:
                near = difflib.get_close_matches(str(name), sorted(self.asked), n=1, cutoff=0.6)
                hint = f' (có phải "{near[0]}"?)' if near else ""
                raise RulesError(f"{self.key(str(name))}: khóa không có trong bộ quy tắc, "
                                 f"sẽ không có tác dụng{hint}")
        for child in self.children:
            child.check_unknown()


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
        raise RulesError(f"{reader.key('vote')}: không có quy tắc phiếu [votes.{vote_id}]")
    min_streak = reader.raw("min_streak", None)
    return Title(
        code=code,
        name=reader.text("name"),
        kind=reader.choice("kind", KINDS),
        order=reader.integer("order"),
        vote=votes[vote_id],
        synonyms=reader.str_list("synonyms", []),
        requires_initiative=reader.flag("requires_initiative", False),
        min_streak=None if min_streak is None else reader.integer("min_streak",
                                                                  maximum=MAX_YEARS),
        criteria=_criteria(reader.table("criteria")) if reader.has("criteria") else None,
        source=reader.text("source"),
        verified=reader.flag("verified"),
        prefixes=reader.str_list("prefixes", []),
    )


def _family(reader: _Reader, family_id: str, titles: Mapping[str, Title]) -> Family:
    codes = reader.str_list("titles")
    for code in codes:
        if code not in titles:
            raise RulesError(f"{reader.key('titles')}: không có danh hiệu mã {code!r}")
    if not codes or len(set(codes)) != len(codes):
        raise RulesError(f"{reader.key('titles')}: cần các mã danh hiệu khác nhau, "
                         f"nhận được {list(codes)!r}")
    return Family(id=family_id, name=reader.text("name"), titles=codes,
                  source=reader.text("source"), verified=reader.flag("verified"))


def _families(reader: _Reader, titles: Mapping[str, Title]) -> dict[str, Family]:
    families = {fid: _family(reader.table(fid), fid, titles) for fid in reader.names()}
    seen: dict[str, str] = {}
    for family in families.values():
        for code in family.titles:
            if code in seen:
                raise RulesError(f"{reader.key(family.id)}.titles: {code} đã thuộc "
                                 f"families.{seen[code]} (mỗi danh hiệu thuộc một nhóm)")
            seen[code] = family.id
    return families


def _form(reader: _Reader, code: str) -> Form:
    return Form(
        code=code,
        name=reader.text("name"),
        order=reader.integer("order"),
        level=reader.text("level"),
        authority=reader.text("authority", ""),
        synonyms=reader.str_list("synonyms", []),
        prefixes=reader.str_list("prefixes", []),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _quota(reader: _Reader, titles: Mapping[str, Title],
           families: Mapping[str, Family] | None = None) -> QuotaRule:
    def known(codes: tuple[str, ...], name: str) -> tuple[str, ...]:
        for code in codes:
            if code not in titles:
                raise RulesError(f"{reader.key(name)}: không có danh hiệu mã {code!r}")
        return codes

    has_share, has_count = reader.has("max"), reader.has("max_count")
    if has_share == has_count:
        raise RulesError(f"{reader.path}: cần đúng một trong hai khóa 'max' (tỷ lệ) hoặc "
                         "'max_count' (số lượng)")
    base = reader.choice("base", BASES, "none" if has_count else ...)
    if has_share and base == "none":
        raise RulesError(f"{reader.key('base')}: tỷ lệ 'max' cần có cơ sở tính (base)")
    base_titles = known(reader.str_list("base_titles", []), "base_titles")
    if base == "titles" and not base_titles:
        raise RulesError(f"{reader.key('base_titles')}: base \"titles\" cần base_titles")
    scopes = reader.str_list("scopes", list(SCOPES))
    for scope in scopes:
        if scope not in SCOPES:
            raise RulesError(f"{reader.key('scopes')}: phạm vi {scope!r} không hợp lệ "
                             f"(cần {', '.join(SCOPES)})")
    title = known((reader.text("title"),), "title")[0]
    # Without `counts`: the title and those above it in its family (domain.md, "Quotas").
    family = next((f for f in (families or {}).values() if title in f.titles), None)
    default_counts = list(family.at_or_above(title)) if family else [title]
    return QuotaRule(
        id=reader.text("id"),
        title=title,
        max_share=reader.ratio("max") if has_share else None,
        max_count=reader.integer("max_count") if has_count else None,
        base=base,
        base_titles=base_titles,
        counts=known(reader.str_list("counts", default_counts), "counts"),
        rounding=reader.choice("rounding", ROUNDINGS, "floor"),
        scopes=scopes,
        enabled=reader.flag("enabled", True),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _check_spellings(named: Mapping[str, tuple[str, ...]], table: str,
                     abbreviations: Mapping[str, str]) -> None:
    """A spelling that names two titles (or two forms) would be recognised as either: refused."""
    for spelling, code, other in clashes(named.items(), abbreviations):
        raise RulesError(f"{table}.{code}: cách viết {spelling!r} cũng chỉ {table}.{other}")


def _chain(reader: _Reader, titles: Mapping[str, Title]) -> Chain:
    def known(code: str, name: str) -> str:
        if code not in titles:
            raise RulesError(f"{reader.key(name)}: không có danh hiệu mã {code!r}")
        return code

    requires = known(reader.text("requires"), "requires")
    award = reader.text("award")
    return Chain(
        id=reader.text("id"),
        kind=titles[requires].kind,
        requires=requires,
        counts_as=tuple(known(c, "counts_as") for c in reader.str_list("counts_as", [requires])),
        count=reader.integer("count", minimum=1, maximum=MAX_YEARS),
        every=reader.integer("every", 1, minimum=1, maximum=MAX_YEARS),
        award=award,
        award_name=reader.text("award_name", titles[award].name if award in titles else award),
        restart_on=tuple(known(c, "restart_on") for c in reader.str_list("restart_on", [])),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _congress(reader: _Reader, titles: Mapping[str, Title]) -> Congress:
    for name in ("individual_title", "collective_title"):
        if reader.text(name) not in titles:
            raise RulesError(f"{reader.key(name)}: không có danh hiệu mã {reader.text(name)!r}")
    return Congress(
        individual_title=reader.text("individual_title"),
        min_individual_years=reader.integer("min_individual_years", minimum=1,
                                            maximum=MAX_YEARS),
        collective_title=reader.text("collective_title"),
        source=reader.text("source"),
        verified=reader.flag("verified"),
    )


def _folders(reader: _Reader) -> FolderRule:
    share = reader.ratio("one_cluster_share")
    if not 0 < share <= 1:
        raise RulesError(f"{reader.key('one_cluster_share')}: cần một tỷ lệ lớn hơn 0 và không "
                         f"quá 100%, nhận được {format_ratio(share)}")
    return FolderRule(share, reader.text("source"), reader.flag("verified"))


def rules_from_mapping(data: Mapping[str, Any]) -> Rules:
    """Build Rules from the merged TOML mapping; raise RulesError naming the bad key."""
    root = _Reader(data, "")
    book = root.table("book")
    display = root.table("display")
    votes_t = root.table("votes")
    votes = {vid: _vote(votes_t.table(vid), vid) for vid in votes_t.names()}
    titles_t = root.table("titles")
    titles = {code: _title(titles_t.table(code), code, votes) for code in titles_t.names()}
    if not titles:
        raise RulesError("titles: bộ quy tắc không có danh hiệu nào")
    abbreviations_t = root.table("abbreviations", {})
    abbreviations = {k: abbreviations_t.text(k) for k in abbreviations_t.names()}
    families = _families(root.table("families", {}), titles)
    forms_t = root.table("forms", {})
    forms = {code: _form(forms_t.table(code), code) for code in forms_t.names()}
    _check_spellings({c: (c, t.name, *t.synonyms, *t.prefixes) for c, t in titles.items()},
                     "titles", abbreviations)
    _check_spellings({c: (c, f.name, *f.synonyms, *f.prefixes) for c, f in forms.items()}, "forms",
                     abbreviations)
    quotas = tuple(_quota(q, titles, families) for q in root.tables("quotas"))
    ids = [q.id for q in quotas]
    if len(set(ids)) != len(ids):
        raise RulesError("quotas: hai hạn mức trùng id")
    chains = tuple(_chain(c, titles) for c in root.tables("chains"))
    if len({c.id for c in chains}) != len(chains):
        raise RulesError("chains: hai chuỗi danh hiệu trùng id")
    congress = _congress(root.table("congress"), titles) if root.has("congress") else None
    rules = Rules(
        name=book.text("name"),
        label=book.text("label"),
        version=book.text("version"),
        note=book.text("note", ""),
        percent_decimals=display.integer("percent_decimals", maximum=MAX_DECIMALS),
        display_source=display.text("source", ""),
        titles=dict(sorted(titles.items(), key=lambda kv: kv[1].order)),
        quotas=quotas,
        abbreviations=abbreviations,
        votes=votes,
        display_verified=display.flag("verified", True),
        families=families,
        forms=dict(sorted(forms.items(), key=lambda kv: kv[1].order)),
        chains=chains,
        congress=congress,
        covenant=_covenant(root),
        report=_report_details(root),
        folders=_folders(root.table("folders")),
    )
    root.check_unknown()  # after everything was read: what is left is unknown
    return rules


def _covenant(root: _Reader) -> Covenant | None:
    from addin.domain.covenant import covenant_from_reader  # covenant builds on this module

    return covenant_from_reader(root.table("covenant")) if root.has("covenant") else None


def _no_details() -> ReportDetails:
    from addin.domain.report_details import ReportDetails  # builds on this module

    return ReportDetails()


def _report_details(root: _Reader) -> ReportDetails:
    from addin.domain.report_details import TABLE, report_details_from_reader

    return report_details_from_reader(root.table(TABLE, {}))


def _is_id_list(value: object) -> TypeGuard[list[Mapping[str, Any]]]:
    return isinstance(value, list) and all(isinstance(v, Mapping) and "id" in v for v in value)


# The tables of a rules file that are the cluster's own, not rules of the book: its report's
# details and its covenant. An override that changes only these leaves the book as it is.
OWN_TABLES = ("bao_cao", "covenant")


def changes_rules(base: Mapping[str, Any], override: Mapping[str, Any]) -> bool:
    """Whether `override` changes a rule of the book `base` while leaving its label: the book
    printed under the default's label is then modified (a file that names its own book in
    [book] label, or changes only OWN_TABLES, is not)."""
    book = override.get("book")
    if isinstance(book, Mapping) and "label" in book:
        return False
    merged = merge(base, override)
    return any(merged.get(key) != base.get(key) for key in merged if key not in OWN_TABLES)


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
