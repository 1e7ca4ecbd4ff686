"""Streaks proven from history, declared streaks checked, and who is eligible for the next
title of a chain (domain.md "Time"). History comes in as plain data — no SQL here.

A streak counts the years before the proposal year, walking back `every` years at a time while
the year holds the chain's title. It stops at a year without the title (proven: that is the
streak), at a year the history does not hold at all (not enough data: "không đủ dữ liệu", never
0), or at the last award of the chain's cycle (`restart_on`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from addin.domain.issues import Code, Issue, info_issue, make_issue
from addin.domain.models import Nomination, UnitWorkbook
from addin.domain.periods import parse_period
from addin.domain.persons import Match, PersonIndex, PersonRef, unit_key
from addin.domain.rules import Chain, Rules, Title


@dataclass(frozen=True)
class Record:
    """One person's or collective's history: year -> titles held (passed in the annual
    report), and the years whose annual report of their unit(s) the history holds."""

    years: Mapping[int, frozenset[str]]
    covered: frozenset[int]


@dataclass(frozen=True)
class Streak:
    count: int
    years: tuple[int, ...]  # the years that prove it, latest first
    complete: bool  # False: stopped on a year the history does not hold
    missing: int | None = None  # that year
    broken_at: int | None = None  # the year without the title
    restarted_at: int | None = None  # the year of the last award of the cycle


def proven_streak(record: Record, chain: Chain, year: int, limit: int | None = None) -> Streak:
    """The streak of `chain.requires` proven for a proposal in `year` (`limit`: stop there)."""
    restarts = [y for y, held in record.years.items() if y < year and held & set(chain.restart_on)]
    last_restart = max(restarts) if restarts else None
    held_years: list[int] = []
    y = year - 1
    while limit is None or len(held_years) < limit:
        if last_restart is not None and y <= last_restart:
            return Streak(len(held_years), tuple(held_years), True, restarted_at=last_restart)
        if y not in record.covered and y not in record.years:
            return Streak(len(held_years), tuple(held_years), False, missing=y)
        if not record.years.get(y, frozenset()) & set(chain.counts_as):
            return Streak(len(held_years), tuple(held_years), True, broken_at=y)
        held_years.append(y)
        y -= chain.every
    return Streak(len(held_years), tuple(held_years), True)


def chain_for(title: str, rules: Rules) -> Chain | None:
    """The chain that leads to a title (whose declared streak it checks)."""
    return next((c for c in rules.chains if c.award == title), None)


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in sorted(years)) or "không năm nào"


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StreakHistory:
    """What the history database holds about the persons of the rows being checked."""

    index: PersonIndex
    records: Mapping[int, Record]
    # unit key -> years of its annual reports held; a person's record is covered by the years
    # of every unit they were recorded in
    unit_years: Mapping[str, frozenset[int]]
    rules: Rules

    def proven(self, ref: PersonRef, chain: Chain, year: int, limit: int | None = None
               ) -> tuple[Match, Streak | None]:
        """The streak the history proves for the person `ref` names (None: ambiguous). Someone
        the history does not know has held nothing in the years their unit's reports cover."""
        match = self.index.match(ref)
        if match.ambiguous:
            return match, None
        unit_covered = self.unit_years.get(unit_key(ref.unit), frozenset())
        if match.person_id is not None:
            record = self.records.get(match.person_id, Record({}, frozenset()))
            for unit in self.index.people[match.person_id].unit_keys:
                unit_covered = unit_covered | self.unit_years.get(unit, frozenset())
            record = Record(record.years, record.covered | unit_covered)
        else:
            record = Record({}, unit_covered)
        return match, proven_streak(record, chain, year, limit)

    def for_book(self, book: UnitWorkbook) -> tuple[BookStreaks | None, list[Issue]]:
        """The checker for one workbook's rows, or the reason there is none."""
        period = parse_period(book.info.period)
        if period is None:
            if not book.info.period:
                return None, []  # missing_value already says so
            issue = info_issue(Code.PERIOD_UNPARSED, f'"{book.info.period}"', book.info, "period",
                               file=book.path)
            return None, [issue]
        if period.kind == "span":
            return None, []
        return BookStreaks(self, period.start, book.info.unit), []


@dataclass(frozen=True)
class BookStreaks:
    history: StreakHistory
    year: int
    unit: str

    def check(self, nom: Nomination, title: Title) -> list[Issue]:
        """Issues for the declared streak of one row (none when it is proven)."""
        chain = chain_for(title.code, self.history.rules)
        if chain is None or nom.streak is None:
            return []
        column = nom.columns.get("streak")
        ref = PersonRef(nom.name, self.unit, nom.service_no, nom.birth_year)
        match, streak = self.history.proven(ref, chain, self.year, limit=nom.streak)
        if streak is None:
            return [make_issue(Code.AMBIGUOUS_PERSON,
                               f"({nom.name}: {len(match.candidates)} người cùng tên, năm sinh, "
                               f"đơn vị; cần ghi Số hiệu quân nhân hoặc Năm sinh)",
                               file=nom.file, sheet=nom.sheet, row=nom.row,
                               column=nom.columns.get("full_name"))]
        if nom.streak <= streak.count:
            return []
        required = self.history.rules.title(chain.requires).name
        found = (f"khai {nom.streak} năm {required}, dữ liệu có {streak.count}: "
                 f"{_years(streak.years)}")
        if streak.complete:
            if streak.restarted_at is not None:
                why = f"tính lại từ sau năm {streak.restarted_at} (đã được tặng)"
            elif match.person_id is None:
                why = f"không có tên trong báo cáo năm {streak.broken_at} của đơn vị"
            else:
                why = f"năm {streak.broken_at} không đạt"
            return [make_issue(Code.STREAK_MISMATCH, f"({found}; {why})", file=nom.file,
                               sheet=nom.sheet, row=nom.row, column=column)]
        return [make_issue(Code.STREAK_UNVERIFIED,
                           f"({found}; chưa có báo cáo năm {streak.missing})", file=nom.file,
                           sheet=nom.sheet, row=nom.row, column=column)]


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Eligibility:
    subject: int  # a person id or a collective id
    chain: Chain
    years: tuple[int, ...]  # the years that prove it, oldest first


def eligible(records: Mapping[int, Record], chains: tuple[Chain, ...], year: int
             ) -> list[Eligibility]:
    """Everyone whose history proves the streak of a chain for a proposal in `year`, in
    (chain, subject) order."""
    found: list[Eligibility] = []
    for chain in chains:
        for subject in sorted(records):
            streak = proven_streak(records[subject], chain, year, limit=chain.count)
            if streak.count >= chain.count:
                found.append(Eligibility(subject, chain, tuple(sorted(streak.years))))
    return found
