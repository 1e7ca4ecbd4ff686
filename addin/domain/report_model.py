"""The typed result of validate, consolidate and report: one Report object for every front.

The JSON of contracts.md §3 is one serialisation of it (`to_json`), the cluster workbook another
(addin.io.report, from the same ClusterResult); the CLI, the macros and the tests read the
fields instead of digging in dicts. Several clusters (`tdkt report`) merge into one Report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from addin.domain.cluster import ClusterResult, FileState
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.cluster_scope import cluster_key
from addin.domain.issues import Issue
from addin.domain.quotas import QuotaCheck
from addin.domain.rules import Rules
from addin.domain.scoring import Ranked


def _as_json(record: Any) -> dict[str, Any]:
    """A flat record as a JSON object: its fields in declaration order (the contract's order)."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, FileState) else value


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file as contracts.md §3 lists it (fields in the contract's order)."""

    path: str
    unit: str | None
    period: str | None
    status: FileState
    sha256: str | None
    individuals: int
    collectives: int

    def to_json(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class Totals:
    files: int = 0
    individuals: int = 0
    collectives: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.files + other.files, self.individuals + other.individuals,
                      self.collectives + other.collectives)

    def to_json(self) -> dict[str, int]:
        return {"files": self.files, "individuals": self.individuals,
                "collectives": self.collectives}


@dataclass(frozen=True, slots=True)
class TitleCount:
    proposed: int
    passed: int


@dataclass(frozen=True, slots=True)
class QuotaLine:
    """One quota check as reported: `unit` None for the whole cluster (fields in the JSON's
    order)."""

    cluster: str | None
    unit: str | None
    title: str
    quota: str
    base: int | None
    max_pct: float | None
    max_count: int | None
    limit: int | None
    counted: int
    ok: bool | None

    def to_json(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class ClusterOutput:
    name: str
    output: str


@dataclass(frozen=True, slots=True)
class Report:
    """What a job found and wrote. `clusters` and `rollup` only for `tdkt report`; `rankings`
    holds each cluster's covenant ranking (not part of the JSON contract)."""

    files: tuple[FileEntry, ...] = ()
    totals: Totals = Totals()
    # In catalogue order, the titles proposed only.
    by_title: Mapping[str, TitleCount] = field(default_factory=dict)
    quotas: tuple[QuotaLine, ...] = ()
    issues: tuple[Issue, ...] = ()
    output: str | None = None
    rankings: tuple[Ranked, ...] = ()
    clusters: tuple[ClusterOutput, ...] | None = None
    empty_clusters: tuple[str, ...] | None = None  # cluster folders with no workbook at all
    rollup: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def severities(self) -> set[str]:
        return {i.severity for i in self.issues}

    @classmethod
    def of(cls, result: ClusterResult, rules: Rules, output: str | None = None,
           extra_issues: Iterable[Issue] = ()) -> Report:
        """One consolidated cluster (or validated set of files)."""
        files = tuple(FileEntry(
            path=f.book.path, unit=f.book.info.unit or None, period=f.book.info.period or None,
            status=f.status, sha256=f.book.sha256 or None,
            individuals=len(f.book.individuals), collectives=len(f.book.collectives))
            for f in result.files)
        counted = [f for f in files if f.status.counted]
        cluster = result.cluster_name
        quotas = tuple(QuotaLine(
            cluster=_line_cluster(c, cluster), unit=c.unit, title=c.title, quota=c.quota_id, base=c.base,
            max_pct=None if c.max_share is None else float(c.max_share * 100),
            max_count=c.max_count, limit=c.limit, counted=c.counted, ok=c.ok)
            for c in result.quota_checks)
        by_title = {code: TitleCount(n["proposed"], n["passed"])
                    for code, n in result.by_title(rules).items()}
        rankings = (cluster_ranking(result.counted_books, rules).units
                    if any(b.scores is not None for b in result.counted_books) else ())
        return cls(files=files,
                   totals=Totals(len(files), sum(f.individuals for f in counted),
                                 sum(f.collectives for f in counted)),
                   by_title=by_title, quotas=quotas,
                   issues=(*result.issues, *extra_issues), output=output, rankings=rankings)

    @classmethod
    def merge(cls, parts: Sequence[Report], rules: Rules, output: str | None = None,
              extra_issues: Iterable[Issue] = ()) -> Report:
        """Several reports as one (the clusters of `tdkt report`): lists concatenated, totals
        and per-title counts added up."""
        proposed: Counter[str] = Counter()
        passed: Counter[str] = Counter()
        for part in parts:
            for code, count in part.by_title.items():
                proposed[code] += count.proposed
                passed[code] += count.passed
        by_title = {code: TitleCount(proposed[code], passed[code])
                    for code in rules.titles if proposed[code]}
        return cls(files=tuple(f for p in parts for f in p.files),
                   totals=sum((p.totals for p in parts), Totals()),
                   by_title=by_title,
                   quotas=tuple(q for p in parts for q in p.quotas),
                   issues=(*(i for p in parts for i in p.issues), *extra_issues),
                   output=output, rankings=tuple(r for p in parts for r in p.rankings))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of contracts.md §3 (key order as it has always been)."""
        data: dict[str, Any] = {
            "files": [f.to_json() for f in self.files],
            "totals": self.totals.to_json(),
            "by_title": {code: {"proposed": n.proposed, "passed": n.passed}
                         for code, n in self.by_title.items()},
            "quotas": [q.to_json() for q in self.quotas],
            "issues": [i.as_dict() for i in self.issues],
            "output": self.output,
        }
        if self.clusters is not None:
            data["clusters"] = [{"name": c.name, "output": c.output} for c in self.clusters]
        if self.empty_clusters is not None:
            data["empty_clusters"] = list(self.empty_clusters)
        if self.rollup is not None:
            data["rollup"] = self.rollup
        return data


def _line_cluster(check: QuotaCheck, folder_cluster: str) -> str | None:
    """The cluster a quota line is for: the check's own (reports of several clusters, a unit
    of another cluster at a higher level), written as the folder's cluster when it is the same
    one typed differently ("CỤM THI ĐUA SỐ 3" in a "Cụm thi đua số 3" folder)."""
    own = check.cluster
    if own and (not folder_cluster or cluster_key(own) != cluster_key(folder_cluster)):
        return own
    return folder_cluster or own or None
