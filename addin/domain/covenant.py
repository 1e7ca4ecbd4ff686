"""The cluster covenant ("giao ước thi đua") as typed, immutable data (contracts.md §8).

Parsed from the `[covenant]` table of a cluster's tdkt-rules.toml, or from the same mapping
read off a "Giao ước" sheet: both go through covenant_from_mapping, so they cannot disagree.
Keys are read through the rules book's reader (it records which keys exist); a bad covenant
raises RulesError naming the key, in Vietnamese where the check is the covenant's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from addin.domain.issues import make_issue
from addin.domain.labels import SCORE_TEXT_RULE
from addin.domain.rules import RulesError, VoteRule, _Reader, _vote
from addin.domain.text import fold
from addin.domain.typed_numbers import digit_text, text_count

CriterionKind = Literal["criterion", "bonus", "penalty"]
CRITERION_KINDS: tuple[CriterionKind, ...] = ("criterion", "bonus", "penalty")
KIND_LABEL: dict[CriterionKind, str] = {"criterion": "Tiêu chí", "bonus": "Điểm cộng",
                                        "penalty": "Điểm trừ"}
# Tie-break steps after the score used: higher score on one criterion, fewer penalty points,
# more passed "Đơn vị Quyết thắng" nominations, then the conference votes.
TIE_CRITERION = "criterion:"
TIE_PENALTY = "penalty"
TIE_DVQT = "dvqt"
TIE_VOTE = "vote"
DVQT_CODE = "DVQT"  # the title the "dvqt" step counts (code of the rules book)
TIE_LABEL = {TIE_PENALTY: "ít điểm trừ hơn", TIE_DVQT: "nhiều kết quả Đơn vị Quyết thắng hơn",
             TIE_VOTE: "biểu quyết tại hội nghị"}
MAX_SCORE = Fraction(10_000)  # a covenant maximum above this is a typing accident


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    max: Fraction
    group: str
    kind: CriterionKind


@dataclass(frozen=True)
class Proposal:
    """How many units the cluster may propose for one award, and from what score."""

    award: str  # "Cờ thi đua" / "Bằng khen"
    count: int
    min_score: Fraction


@dataclass(frozen=True)
class Ballot:
    """The conference's suy tôn vote, when it has been held: votes per unit name."""

    members: int
    present: int
    votes: Mapping[str, int]

    def votes_for(self, unit: str) -> int | None:
        key = fold(unit)
        for name, count in self.votes.items():
            if fold(name) == key:
                return count
        return None


@dataclass(frozen=True)
class Covenant:
    name: str
    sample: bool  # the shipped example: every cluster must replace it with its own
    source: str
    verified: bool
    step: Fraction  # scores are multiples of this (0.5)
    criteria: tuple[Criterion, ...]  # every row, bonus and penalty rows included
    bonus_cap: Fraction
    penalty_cap: Fraction
    tie_break: tuple[str, ...]
    flag: Proposal  # Cờ thi đua
    merit: Proposal  # Bằng khen
    suy_ton: VoteRule
    rotation: tuple[str, ...]  # chair order
    chair: str  # this year's chair ("Cụm trưởng")
    ballot: Ballot | None

    def criterion(self, code: str) -> Criterion | None:
        key = fold(code)
        return next((c for c in self.criteria if fold(c.code) == key), None)

    def criterion_label(self, code: str) -> str:
        """A criterion as a reader knows it: its text, its code in brackets ("“Lãnh đạo, chỉ
        đạo…” (TC01)"); the code alone when the covenant has no such row."""
        found = self.criterion(code)
        return f"“{found.text}” ({found.code})" if found is not None and found.text else code

    def of_kind(self, kind: CriterionKind) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == kind)

    @property
    def base_max(self) -> Fraction:
        return sum((c.max for c in self.of_kind("criterion")), Fraction(0))

    def next_chair(self) -> str | None:
        """The unit after this year's chair in the rotation (wrapping round)."""
        if not self.rotation or not self.chair:
            return None
        names = [fold(n) for n in self.rotation]
        here = names.index(fold(self.chair))
        return self.rotation[(here + 1) % len(self.rotation)]


# ----------------------------------------------------------------------------------------------
def _score(reader: _Reader, name: str, default: Any = ..., positive: bool = False) -> Fraction:
    """A number of points (whole or decimal) ≥ 0, exactly (7.5 -> 15/2). Typed as text (a TOML
    string, a "Giao ước" cell formatted as Text), points are read by the rule of a count or a
    score typed as text (typed_numbers.text_count: digits 0-9 only); any other text ("1.000",
    "7,5", "1e1") is refused with not_a_number's sentence and reason, as a score is."""
    value = reader.raw(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RulesError(f"{reader.key(name)}: phải là số điểm, không phải {value!r}")
    if isinstance(value, str):
        whole, code = text_count(value)
        if code is not None and not digit_text(value):
            raise RulesError(f"{reader.key(name)}: " + make_issue(
                code, f'"{value.strip()}"', why=SCORE_TEXT_RULE).message)
        if whole is None and code is None:  # blank
            raise RulesError(f"{reader.key(name)}: phải là số điểm, không phải {value!r}")
        number = Fraction(whole if whole is not None else MAX_SCORE + 1)  # digits, too large
    else:
        try:
            number = Fraction(str(value))
        except (ValueError, ZeroDivisionError):  # NaN, infinity
            raise RulesError(f"{reader.key(name)}: phải là số điểm, không phải {value!r}"
                             ) from None
    if number < 0 or number > MAX_SCORE or (positive and number == 0):
        bound = "> 0" if positive else "≥ 0"
        raise RulesError(f"{reader.key(name)}: số điểm phải {bound} và ≤ {MAX_SCORE}, "
                         f"không phải {value!r}")
    return number


def _criterion(reader: _Reader, step: Fraction) -> Criterion:
    maximum = _score(reader, "max", positive=True)
    if (maximum / step).denominator != 1:
        raise RulesError(f"{reader.key('max')}: điểm tối đa {maximum} không chia hết cho bước "
                         f"điểm {step}")
    code = reader.text("code").strip()
    if not code:
        raise RulesError(f"{reader.key('code')}: mã tiêu chí bị bỏ trống")
    return Criterion(code=code, text=reader.text("text"), max=maximum,
                     group=reader.text("group", ""),
                     kind=reader.choice("kind", CRITERION_KINDS, "criterion"))


def _proposal(reader: _Reader, award: str) -> Proposal:
    return Proposal(award=award, count=reader.integer("count"),
                    min_score=_score(reader, "min_score", 0))


def _tie_break(reader: _Reader, criteria: tuple[Criterion, ...]) -> tuple[str, ...]:
    steps = reader.str_list("tie_break", [TIE_VOTE])
    codes = {fold(c.code): c.code for c in criteria}
    out: list[str] = []
    for i, step in enumerate(steps):
        where = f"{reader.key('tie_break')}[{i}]"
        if step.startswith(TIE_CRITERION):
            code = codes.get(fold(step[len(TIE_CRITERION):]))
            if code is None:
                raise RulesError(f"{where}: không có tiêu chí {step[len(TIE_CRITERION):]!r} "
                                 "trong giao ước")
            step = TIE_CRITERION + code
        elif step not in (TIE_PENALTY, TIE_DVQT, TIE_VOTE):
            raise RulesError(f"{where}: phải là \"criterion:<mã tiêu chí>\", \"{TIE_PENALTY}\", "
                             f"\"{TIE_DVQT}\" hoặc \"{TIE_VOTE}\", không phải {step!r}")
        if step == TIE_VOTE and i != len(steps) - 1:
            raise RulesError(f"{where}: \"{TIE_VOTE}\" (biểu quyết) phải là bước cuối cùng")
        if step in out:
            raise RulesError(f"{where}: bước {step!r} bị lặp")
        out.append(step)
    return tuple(out)


def _ballot(reader: _Reader) -> Ballot:
    votes_t = reader.table("votes")
    votes = {name: votes_t.integer(name) for name in votes_t.names()}
    members, present = reader.integer("members"), reader.integer("present")
    if present > members:
        raise RulesError(f"{reader.key('present')}: số có mặt ({present}) lớn hơn tổng số "
                         f"đại biểu ({members})")
    for name, count in votes.items():
        if count > present:
            raise RulesError(f"{votes_t.key(name)}: số phiếu ({count}) lớn hơn số có mặt "
                             f"({present})")
    return Ballot(members=members, present=present, votes=votes)


def covenant_from_reader(reader: _Reader) -> Covenant:
    step = _score(reader, "step", 1, positive=True)
    items = reader.tables("criteria")  # each criterion's keys are checked like the rest
    if not items:
        raise RulesError(f"{reader.key('criteria')}: giao ước phải có ít nhất một tiêu chí "
                         "([[covenant.criteria]])")
    criteria = tuple(_criterion(item, step) for item in items)
    seen: set[str] = set()
    for i, c in enumerate(criteria):
        if fold(c.code) in seen:
            raise RulesError(f"{reader.key('criteria')}[{i}].code: mã tiêu chí {c.code!r} bị lặp")
        seen.add(fold(c.code))
    if not any(c.kind == "criterion" for c in criteria):
        raise RulesError(f"{reader.key('criteria')}: giao ước không có tiêu chí chấm điểm nào "
                         "(chỉ có điểm cộng/điểm trừ)")
    rotation = reader.str_list("rotation", [])
    chair = reader.text("chair", "")
    if chair and rotation and fold(chair) not in {fold(n) for n in rotation}:
        raise RulesError(f"{reader.key('chair')}: cụm trưởng {chair!r} không có trong thứ tự "
                         "luân phiên (rotation)")
    if len({fold(n) for n in rotation}) != len(rotation):
        raise RulesError(f"{reader.key('rotation')}: một đơn vị xuất hiện hai lần")
    covenant = Covenant(
        name=reader.text("name"),
        sample=reader.flag("sample", False),
        source=reader.text("source"),
        verified=reader.flag("verified"),
        step=step,
        criteria=criteria,
        bonus_cap=_score(reader, "bonus_cap", 0),
        penalty_cap=_score(reader, "penalty_cap", 0),
        tie_break=_tie_break(reader, criteria),
        flag=_proposal(reader.table("flag"), "Cờ thi đua"),
        merit=_proposal(reader.table("merit"), "Bằng khen"),
        suy_ton=_vote(reader.table("suy_ton"), "suy_ton"),
        rotation=rotation,
        chair=chair,
        ballot=_ballot(reader.table("ballot")) if reader.has("ballot") else None,
    )
    caps: tuple[tuple[str, CriterionKind, Fraction], ...] = (
        ("bonus_cap", "bonus", covenant.bonus_cap), ("penalty_cap", "penalty", covenant.penalty_cap))
    for key, kind, cap in caps:
        if covenant.of_kind(kind) and cap == 0:
            raise RulesError(f"{reader.key(key)}: giao ước có {KIND_LABEL[kind].lower()} nhưng "
                             "chưa ghi mức tối đa")
    return covenant


def covenant_from_mapping(data: Mapping[str, Any], path: str = "covenant") -> Covenant:
    """A covenant from the mapping of a `[covenant]` table; RulesError names the bad key."""
    reader = _Reader(data, path)
    covenant = covenant_from_reader(reader)
    reader.check_unknown()  # a misspelt key would otherwise do nothing
    return covenant


def format_points(value: Fraction) -> str:
    """Points as staff write them: 7.5 -> "7,5", 10 -> "10"."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
