"""The typed results of the history jobs (contracts.md §7): import, show, eligible and the
period report. The CLI and the tests read their fields; `to_json()` is the JSON that
`tdkt history … --json` has always printed (same keys, same order)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from addin.domain.issues import Issue
from addin.domain.report_model import Report


def _as_json(record: Any) -> dict[str, Any]:
    """A flat record as a JSON object: its fields in declaration order (the JSON's order)."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


# ----------------------------------------------------------------------------------------------
class ImportState(StrEnum):
    """What an import did with one file."""

    IMPORTED = "imported"
    REPLACED = "replaced"  # imported, and the unit's earlier file for that period left force
    UNCHANGED = "unchanged"  # the same bytes are already in force: not even read again
    UNREADABLE = "unreadable"
    SKIPPED = "skipped"  # read, but cannot go in (no unit or period, a copy a report left out)

    @property
    def failed(self) -> bool:
        return self in (ImportState.UNREADABLE, ImportState.SKIPPED)


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One file of an import (fields in the JSON's order). The counts are None for a file
    that was not read again."""

    path: str
    unit: str | None
    period: str | None
    status: ImportState
    sha256: str | None
    individuals: int | None
    collectives: int | None
    replaced: str | None = None  # the path of the file it took the place of

    def to_json(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """`tdkt history import`: every file in the order given, the problems, the database."""

    files: tuple[ImportedFile, ...]
    issues: tuple[Issue, ...]
    db: str
    exit_code: int  # not in the JSON: the process's exit status

    @property
    def failed(self) -> bool:
        return any(f.status.failed for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files],
                "issues": [i.as_dict() for i in self.issues], "db": self.db}


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PeriodFiles:
    period: str
    files: int  # files in force for that period


@dataclass(frozen=True, slots=True)
class UnitFile:
    unit: str
    period: str
    file: str
    sha256: str
    in_force: bool
    imported_at: str


@dataclass(frozen=True, slots=True)
class Replacement:
    unit: str
    period: str
    old: str
    new: str
    at: str


@dataclass(frozen=True, slots=True)
class TitleHeld:
    period: str
    unit: str
    title: str
    passed: bool


@dataclass(frozen=True, slots=True)
class PersonTitles:
    name: str
    service_no: str | None
    birth_year: int | None
    titles: tuple[TitleHeld, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "service_no": self.service_no, "birth_year": self.birth_year,
                "titles": [_as_json(t) for t in self.titles]}


@dataclass(frozen=True, slots=True)
class HistoryView:
    """`tdkt history show`: periods, the units' files (or one unit's), the replacements, and
    the titles of the people matching --person (None when none was asked)."""

    db: str
    schema_version: int
    periods: tuple[PeriodFiles, ...]
    units: tuple[UnitFile, ...]
    replacements: tuple[Replacement, ...]
    persons: tuple[PersonTitles, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "db": self.db, "schema_version": self.schema_version,
            "periods": [_as_json(p) for p in self.periods],
            "units": [_as_json(u) for u in self.units],
            "replacements": [_as_json(r) for r in self.replacements]}
        if self.persons is not None:
            data["persons"] = [p.to_json() for p in self.persons]
        return data


# ----------------------------------------------------------------------------------------------
class SubjectKind(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


@dataclass(frozen=True, slots=True)
class EligibleRow:
    """One person or collective who may be proposed for the next title of a chain, with the
    years that prove it and the rule's source (fields in the JSON's order)."""

    kind: SubjectKind
    name: str
    unit: str
    service_no: str | None
    birth_year: int | None
    chain: str
    requires: str
    award: str
    award_name: str
    years: tuple[int, ...]
    source: str
    verified: bool

    def to_json(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class EligibleList:
    """`tdkt history eligible`: the rows for `year`, and the workbook written (if any)."""

    year: int
    rows: tuple[EligibleRow, ...]
    output: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "eligible": [r.to_json() for r in self.rows],
                "output": self.output}


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """What a period workbook holds, counted while it is written."""

    nominations: int  # proposals in the report's columns
    units: int
    model_people: int  # "điển hình tiên tiến" found
    model_collectives: int
    ranked_units: int  # units with a cluster score or rank in "Xếp hạng theo năm"


@dataclass(frozen=True, slots=True)
class PeriodReportResult:
    """`tdkt history report`: what was written and what it holds."""

    period: str  # "giai đoạn 2019–2024" or "năm 2024"
    output: str
    figures: PeriodFigures

    def to_json(self) -> dict[str, Any]:
        # One flat object, as before the figures had a type of their own.
        return {"period": self.period, "output": self.output, **_as_json(self.figures)}


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DemoHistory:
    """What `tdkt demo` did with its five years of history: the database and how many files went
    in, the cluster reports made with it (their scores and ranks kept with 2024), the inflated
    streak claims found, who is eligible in 2024, the congress report written and what it
    holds."""

    db: str
    files: int
    consolidated: Report  # cluster 3 alone (`tdkt consolidate … --db`)
    rolled: Report  # both clusters and their roll-up (`tdkt report … --db`)
    claims: tuple[Issue, ...]  # the streak_mismatch issues of the 2023 check
    eligible: tuple[EligibleRow, ...]
    report: str
    figures: PeriodFigures  # of the congress report
