"""A cluster's consolidation: unit workbooks in, one validated and reconciled result out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING

from addin.domain.carried import judged_unit
from addin.domain.cluster_scope import Scope, cluster_key, out_of_scope
from addin.domain.issues import Code, Issue, has_errors, info_issue, make_issue
from addin.domain.judgement import carried_checks, stamped
from addin.domain.models import UnitWorkbook
from addin.domain.quotas import QuotaCheck, base_for, check_quota, count_for, sum_bases
from addin.domain.rules import Rules
from addin.domain.text import fold
from addin.domain.validation import (
    ValidatedUnit,
    duplicate_people,
    passed_by_title,
    quota_issue,
    validate_unit,
    with_issues,
)

if TYPE_CHECKING:
    from addin.domain.streaks import StreakHistory



class FileState(StrEnum):
    """A file's status in a consolidation (contracts.md §3 "status")."""

    OK = "ok"
    ERRORS = "errors"
    SKIPPED = "skipped"
    UNREADABLE = "unreadable"

    @property
    def counted(self) -> bool:
        return self in (FileState.OK, FileState.ERRORS)


@dataclass(frozen=True, slots=True)
class FileStatus:
    book: UnitWorkbook
    status: FileState
    issues: tuple[Issue, ...] = ()

    @property
    def counted(self) -> bool:
        return self.status.counted


@dataclass(frozen=True, slots=True)
class ClusterResult:
    files: tuple[FileStatus, ...]
    quota_checks: tuple[QuotaCheck, ...]
    cluster_issues: tuple[Issue, ...]  # not tied to one file (cluster quotas, the covenant)

    @property
    def counted_books(self) -> list[UnitWorkbook]:
        return [f.book for f in self.files if f.counted]

    @property
    def issues(self) -> list[Issue]:
        found: list[Issue] = []
        for f in self.files:
            found.extend(f.issues)
        return [*found, *self.cluster_issues]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.issues)

    def by_title(self, rules: Rules) -> dict[str, dict[str, int]]:
        noms = [nom for book in self.counted_books for nom in book.nominations]
        titles = list(map(attrgetter("title"), noms))  # counted in C: 22,000 records, 2 ms
        proposed = Counter(titles)
        passed = Counter(compress(titles, map(attrgetter("passed"), noms)))
        return {code: {"proposed": proposed[code], "passed": passed[code]}
                for code in rules.titles if proposed[code]}

    @property
    def cluster_name(self) -> str:
        if any(b.source_report for b in self.counted_books):
            return ""  # a higher level (reports of clusters): its name is the folder's
        return _most_common(b.info.cluster for b in self.counted_books)

    @property
    def period(self) -> str:
        return _most_common(b.info.period for b in self.counted_books)


def _most_common(values: Iterable[str]) -> str:
    counts: Counter[str] = Counter(v for v in values if v)
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def consolidate(books: list[UnitWorkbook], rules: Rules, history: StreakHistory | None = None,
                whole_cluster: bool = True, one_cluster: bool = False) -> ClusterResult:
    """Validate each unit, drop identical copies, flag clashes, check unit and cluster quotas
    (with `history`, declared streaks against the history database). `whole_cluster=False`
    (validating files, not consolidating a cluster) leaves out what only a cluster has: files of
    another cluster or period, cluster quotas. `one_cluster`: the books are one cluster's by
    contract (a subfolder of `tdkt report`), never a higher level of several (cluster_scope)."""
    files: list[FileStatus] = []
    quota_checks: list[QuotaCheck] = []
    seen_sha: dict[str, UnitWorkbook] = {}
    seen_unit: dict[tuple[str, str], UnitWorkbook] = {}
    scope = (out_of_scope(books, rules.folders.one_cluster_share, one_cluster) if whole_cluster
             else Scope())
    elsewhere = scope.strays
    # A unit's own file comes before the copy of it inside a cluster report, so that the copy
    # is the one left out when both are given.
    for book in sorted(books, key=lambda b: (bool(b.source_report), b.path)):
        if not book.readable:
            files.append(FileStatus(book, FileState.UNREADABLE, book.issues))
            continue
        if book.skipped:  # its report left it out as a copy (its issues say so)
            files.append(FileStatus(book, FileState.SKIPPED, book.issues))
            continue
        if id(book) in elsewhere:  # another cluster's or period's file: not counted here
            files.append(FileStatus(book, FileState.SKIPPED, (elsewhere[id(book)],)))
            continue
        key = (fold(book.info.unit), fold(book.info.period))
        twin = seen_sha.get(book.sha256) or (seen_unit.get(key) if all(key) else None)
        same_copy = twin is not None and twin.sha256 == book.sha256
        if (twin is not None and twin.source_report != book.source_report
                and not (same_copy and book.source_report and twin.source_report)):
            # A unit's own file and a report holding it, or two reports holding different
            # versions of it (the same copy in two reports is a duplicate_file below; two
            # units of one report were judged by that report's level, and are again here).
            issue = make_issue(
                Code.DUPLICATE_UNIT,
                f"{book.info.unit} — {book.info.period} (đã có ở {twin.path}; không tính lại)",
                file=book.path)
            files.append(FileStatus(book, FileState.SKIPPED, (issue,)))
            continue
        if book.sha256 in seen_sha:
            issue = make_issue(Code.DUPLICATE_FILE, seen_sha[book.sha256].path, file=book.path)
            files.append(FileStatus(book, FileState.SKIPPED, (issue,)))
            continue
        seen_sha[book.sha256] = book
        judged, checks = judge(book, rules, history)
        quota_checks.extend(replace(c, cluster=book.info.cluster or None) for c in checks)
        judged_below = bool(book.source_report) and key in seen_unit and (
            seen_unit[key].source_report == book.source_report)  # its duplicate_unit is carried
        if all(key) and key in seen_unit and not judged_below:
            judged = replace(judged, issues=(*judged.issues, info_issue(
                Code.DUPLICATE_UNIT,
                f"{book.info.unit} — {book.info.period} (đã có ở {seen_unit[key].path})",
                book.info, "unit", file=book.path)))
        elif all(key):
            seen_unit[key] = book
        files.append(FileStatus(judged, FileState.OK))
    counted = [f.book for f in files if f.status == FileState.OK]
    # Two units of one report were compared at that report's level (its issues are carried).
    judged_with = {id(n): b.source_report or b.path for b in counted for n in b.individuals}
    clashes = duplicate_people([n for b in counted for n in b.individuals], across_files_only=True,
                               scope_of=lambda n: judged_with[id(n)],
                               keys=[k for b in counted for k in _people(b)])
    files = [_settled(f, clashes) if f.status == FileState.OK else f for f in files]
    checks, cluster_issues = (cluster_quotas([f.book for f in files if f.counted], rules)
                               if whole_cluster else ([], []))
    return ClusterResult(tuple(files), (*quota_checks, *checks),
                         (*scope.notes, *cluster_issues))


def _people(book: UnitWorkbook) -> Sequence[tuple[str, str, str] | None]:
    """The identities its judgement gives the book's individuals (None for each, to be folded,
    where it has none for them)."""
    people = book.judgement.people if book.judgement is not None else ()
    return people if len(people) == len(book.individuals) else [None] * len(book.individuals)


def judge(book: UnitWorkbook, rules: Rules, history: StreakHistory | None = None
          ) -> ValidatedUnit:
    """A readable book judged once, marked with the rules book that judged it: a unit's own
    file validated, a unit out of a report as its level judged it (addin.domain.carried). A
    book already judged by `rules` (in a reading worker) is taken as it is."""
    checks = carried_checks(book, rules, history is not None)
    if checks is not None:
        return ValidatedUnit(book, checks)
    judged, checks = (judged_unit(book, rules) if book.source_report
                      else validate_unit(book, rules, history))
    return ValidatedUnit(stamped(judged, rules, history is not None, checks), checks)


def _settled(f: FileStatus, clashes: list[Issue]) -> FileStatus:
    """A counted file with the people it shares with earlier files flagged, and its status."""
    book = f.book
    mine = [i for i in clashes if i.file == book.path]
    if mine:
        book = replace(book, individuals=with_issues(book.individuals, mine))
    issues = book.all_issues()
    return FileStatus(book, FileState.ERRORS if has_errors(issues) else FileState.OK,
                      tuple(issues))


def cluster_groups(books: list[UnitWorkbook]) -> list[tuple[str, list[UnitWorkbook]]]:
    """(name, books) of each cluster: the folder's one, or, when units come out of reports,
    one per cluster they belong to — the report chain they came through and the cluster's name
    ("Cụm thi đua số 3" of two provinces are two clusters)."""
    if not any(b.source_report for b in books):
        return _groups_by_name(books)
    groups: dict[tuple[str, str], list[UnitWorkbook]] = {}
    for book in books:
        groups.setdefault((book.cluster_scope, fold(book.info.cluster)), []).append(book)
    return [(_most_common(b.info.cluster for b in group), group)
            for _, group in sorted(groups.items(), key=lambda kv: kv[0])]


def _groups_by_name(books: list[UnitWorkbook]) -> list[tuple[str, list[UnitWorkbook]]]:
    """Unit files only: one group per cluster they name ("Cụm TĐ 3" = "Cụm thi đua số 3"), a
    file naming none in the largest group — so a province consolidating several clusters' unit
    files directly keeps each cluster's limits its own, and one cluster's folder is one group."""
    named: dict[str, list[UnitWorkbook]] = {}
    unnamed: list[UnitWorkbook] = []
    for book in books:
        key = cluster_key(book.info.cluster) if book.info.cluster.strip() else ""
        (named.setdefault(key, []) if key else unnamed).append(book)
    if len(named) <= 1:
        return [(_most_common(b.info.cluster for b in books), books)]
    largest = max(sorted(named), key=lambda k: len(named[k]))
    named[largest] = named[largest] + unnamed
    return [(_most_common(b.info.cluster for b in group), group)
            for _, group in sorted(named.items())]


def cluster_quotas(books: list[UnitWorkbook], rules: Rules) -> tuple[list[QuotaCheck], list[Issue]]:
    """The cluster-scope quotas, per cluster (a per-cluster limit stays per cluster up the
    levels: two clusters' one flag each is not two flags of one cluster)."""
    checks: list[QuotaCheck] = []
    issues: list[Issue] = []
    for name, group in cluster_groups(books):
        by_book = [passed_by_title(b.nominations) for b in group]  # once per book, every rule
        passed: Counter[str] = Counter()
        for book_passed in by_book:
            passed.update(book_passed)
        for rule in rules.active_quotas("cluster"):
            bases = [base_for(rule, b.info.headcount, b.info.subunits, book_passed)
                     for b, book_passed in zip(group, by_book, strict=True)]
            base = sum_bases(bases) if rule.base != "none" else None
            check = replace(check_quota(rule, None, base, count_for(rule, passed)),
                            cluster=name or None)
            checks.append(check)
            if check.ok is False:
                issues.append(quota_issue(check, rules, file=None))
    return checks, issues
