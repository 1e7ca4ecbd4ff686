"""The history jobs (contracts.md §7): import, show, eligible, period report, and the streak
check that `validate`, `consolidate` and `report` run with `--db`. Each returns data, never
prints (the CLI front is addin/cli_history.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from addin.app import EXIT_ERRORS, EXIT_NOTHING, EXIT_OK
from addin.domain.errors import TdktError
from addin.domain.history_model import (
    EligibleRow,
    HistoryView,
    ImportedFile,
    ImportResult,
    ImportState,
    PeriodFiles,
    PeriodReportResult,
    PersonTitles,
    Replacement,
    SubjectKind,
    TitleHeld,
    UnitFile,
)
from addin.domain.issues import Code, Issue, info_issue, make_issue
from addin.domain.models import UnitWorkbook
from addin.domain.periods import Period, PeriodKind, parse_period
from addin.domain.persons import PersonRef, name_key, service_key
from addin.domain.rules import Rules
from addin.domain.streaks import StreakHistory, eligible
from addin.domain.text import fold
from addin.domain.validation import validate_unit
from addin.io import history_db as hdb
from addin.io.folders import subfolders, workbook_files
from addin.io.reader import read_inputs, unreadable
from addin.io.sandbox import TIME_LIMIT, WorkerLost, shared_pool


class MissingDatabase(TdktError, ValueError):
    """--db names a file that does not exist (a read-only job never creates one)."""


# ----------------------------------------------------------------------------------------------
def history_files(paths: list[str]) -> list[tuple[Path, str]]:
    """Workbooks of the given files and folders; a folder of cluster folders counts too."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        found.extend(workbook_files([given]))
        if Path(given).is_dir():
            found.extend(workbook_files([str(sub) for sub in subfolders(given)]))
    return found


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _file_entry(book: UnitWorkbook, status: ImportState, period: Period | None) -> ImportedFile:
    return ImportedFile(path=book.path, unit=book.info.unit or None,
                        period=period.label if period else (book.info.period or None),
                        status=status, sha256=book.sha256 or None,
                        individuals=len(book.individuals), collectives=len(book.collectives))


def _prepare_book(book: UnitWorkbook, rules: Rules
                  ) -> tuple[ImportedFile, list[Issue], hdb.PreparedBook | None]:
    """Validate one book and keep what the database stores, or say why it cannot go in."""
    if not book.readable:
        return _file_entry(book, ImportState.UNREADABLE, None), list(book.issues), None
    if book.skipped:  # a copy its cluster report left out: never replaces the unit's data
        return _file_entry(book, ImportState.SKIPPED, None), list(book.issues), None
    book = validate_unit(book, rules).book  # the computed result of every row is what is stored
    period = parse_period(book.info.period)
    if book.info.unit and period is not None:
        return _file_entry(book, ImportState.IMPORTED, period), [], hdb.prepare(book, period)
    if period is None and book.info.period:
        issue = info_issue(Code.PERIOD_UNPARSED, f'"{book.info.period}"', book.info, "period",
                           file=book.path)
    else:
        field = "Kỳ báo cáo" if book.info.unit else "Đơn vị"
        issue = make_issue(Code.MISSING_VALUE, f'"{field}" (không nhập được)', file=book.path,
                           sheet=book.info.sheet)
    return _file_entry(book, ImportState.SKIPPED, period), [issue], None


def _prepare_file(real: Path, shown: str, rules: Rules
                  ) -> list[tuple[ImportedFile, list[Issue], hdb.PreparedBook | None]]:
    """Read, validate and slim one file (in a contained reading worker: only slim rows travel
    back). A tdkt cluster report gives the unit books it holds (addin.io.report_input, the
    same reading as consolidate's)."""
    return [_prepare_book(one, rules) for one in read_inputs(real, shown)]


# Files per round of the reading workers: the rows of one round are written before the next
# is read, so memory holds one round of slim rows, not the whole import.
ROUND = 64


def _prepare_all(files: list[tuple[Path, str]], rules: Rules
                 ) -> Iterator[tuple[ImportedFile, list[Issue], hdb.PreparedBook | None]]:
    """The prepared files, in order. Each file is read in the reading workers of
    addin/io/sandbox.py (memory and time limits: a hostile file costs only itself)."""
    workers = max(1, min(os.cpu_count() or 1, len(files)))
    for first in range(0, len(files), ROUND):
        chunk = files[first:first + ROUND]
        tasks = [(_prepare_file, (real, shown, rules)) for real, shown in chunk]
        for (real, shown), result in zip(chunk, shared_pool().run(tasks, workers, TIME_LIMIT),
                                         strict=True):
            if isinstance(result, WorkerLost):
                lost = unreadable(shown, str(result), _sha256(real) or "")
                yield _file_entry(lost, ImportState.UNREADABLE, None), list(lost.issues), None
            else:
                yield from result


def import_paths(paths: list[str], db: str, rules: Rules, at: dt.datetime | None = None
                 ) -> ImportResult:
    """Unit workbooks, cluster folders and cluster reports → the database, in one transaction.
    A file already in force (same SHA-256) is not even read again. The import is recorded at
    `at`, else at the wall clock (`tdkt history import`: the audit trail's real time)."""
    files = history_files(paths)
    if not files:
        return ImportResult((), (), db, EXIT_NOTHING)
    conn = hdb.connect(db)
    try:
        hashes = {shown: _sha256(real) for real, shown in files}
        known = hdb.known_hashes(conn, [h for h in hashes.values() if h])
        entries: list[ImportedFile] = []
        issues: list[Issue] = []
        to_read = []
        for real, shown in files:
            if hashes[shown] in known:
                entries.append(ImportedFile(shown, None, None, ImportState.UNCHANGED,
                                            hashes[shown], None, None))
            else:
                to_read.append((real, shown))
        by_path: dict[str, int] = {}  # a prepared book's place in entries

        def prepared() -> Iterator[hdb.PreparedBook]:
            # Written as the readers deliver them: reading and writing overlap, and only one
            # batch of slim rows is in memory at a time.
            for entry, found, book in _prepare_all(to_read, rules):
                entries.append(entry)
                issues.extend(found)
                if book is not None:
                    by_path[book.path] = len(entries) - 1
                    yield book

        summary = hdb.import_books(conn, prepared(), at) if to_read else hdb.ImportSummary()
    finally:
        conn.close()
    for done in summary.files:
        place = by_path[done.path]
        entries[place] = replace(entries[place], status=ImportState(done.status),
                                 replaced=done.replaced)
    issues.extend(summary.issues)
    failed = any(e.status.failed for e in entries)
    return ImportResult(tuple(entries), tuple(issues), db, EXIT_ERRORS if failed else EXIT_OK)


# ----------------------------------------------------------------------------------------------
def open_existing(db: str) -> sqlite3.Connection:
    if not Path(db).is_file():
        raise MissingDatabase(f"chưa có cơ sở dữ liệu lịch sử {db} (chạy tdkt history import)")
    return hdb.connect(db, readonly=True)


def streak_history(books: list[UnitWorkbook], rules: Rules, db: str) -> StreakHistory:
    """What the database proves about the people of these workbooks who declare a streak."""
    refs = [PersonRef(n.name, b.info.unit, n.service_no, n.birth_year)
            for b in books for n in b.individuals if n.streak is not None]
    conn = open_existing(db)
    try:
        return hdb.streak_history(conn, refs, rules)
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------------
def eligible_list(db: str, year: int, rules: Rules) -> tuple[EligibleRow, ...]:
    """Who may be proposed in `year` for the next title of each chain, with the proof."""
    conn = open_existing(db)
    try:
        people, persons = hdb.person_records(conn)
        groups, collectives = hdb.collective_records(conn)
    finally:
        conn.close()
    rows: list[EligibleRow] = []
    for kind, records, subjects in (("individual", people, persons),
                                    ("collective", groups, collectives)):
        chains = tuple(c for c in rules.chains if c.kind == kind)
        for found in eligible(records, chains, year):
            who = subjects[found.subject]
            rows.append(EligibleRow(
                kind=SubjectKind(kind), name=who.name, unit=who.unit,
                service_no=who.service_no or None, birth_year=who.birth_year,
                chain=found.chain.id, requires=found.chain.requires, award=found.chain.award,
                award_name=found.chain.award_name, years=tuple(found.years),
                source=found.chain.source, verified=found.chain.verified))
    rows.sort(key=lambda r: (r.kind, r.chain, r.unit, r.name, r.service_no or ""))
    return tuple(rows)


# ----------------------------------------------------------------------------------------------
def show(db: str, unit: str | None, person: str | None) -> HistoryView:
    """What the database holds: periods and units, or one unit's files, or a person's titles."""
    conn = open_existing(db)
    try:
        periods = tuple(
            PeriodFiles(label, n) for label, n in conn.execute(
                "SELECT p.label, COUNT(*) FROM imports i JOIN periods p ON p.id = i.period_id "
                "WHERE i.active = 1 GROUP BY p.id ORDER BY p.year_from, p.year_to, p.kind"))
        where, args = ("WHERE u.key = ?", [fold(unit)]) if unit else ("", [])
        units = tuple(
            UnitFile(name, label, path, sha, bool(active), at)
            for name, label, path, sha, active, at in conn.execute(
                "SELECT u.name, p.label, i.path, i.sha256, i.active, i.imported_at FROM imports i "
                "JOIN units u ON u.id = i.unit_id JOIN periods p ON p.id = i.period_id "
                f"{where} ORDER BY u.key, p.year_from, p.kind, i.active DESC, i.id", args))
        replacements = tuple(
            Replacement(name, label, old, new, at)
            for name, label, old, new, at in conn.execute(
                "SELECT u.name, p.label, o.path, n.path, r.replaced_at FROM replacements r "
                "JOIN imports o ON o.id = r.old_import_id JOIN imports n ON n.id = r.new_import_id "
                "JOIN units u ON u.id = o.unit_id JOIN periods p ON p.id = o.period_id "
                f"{where} ORDER BY r.id", args))
        return HistoryView(db, hdb.schema_version(conn), periods, units, replacements,
                           _person_titles(conn, person) if person else None)
    finally:
        conn.close()


def _person_titles(conn: sqlite3.Connection, text: str) -> tuple[PersonTitles, ...]:
    rows = conn.execute(
        "SELECT id, name, COALESCE(service_no, ''), birth_year FROM persons "
        "WHERE name_key = ? OR service_no = ? ORDER BY id",
        (name_key(text), service_key(text) or None)).fetchall()
    people = []
    for pid, name, service, birth in rows:
        titles = tuple(TitleHeld(label, unit, title, bool(passed))
                       for label, unit, title, passed in conn.execute(
                      "SELECT p.label, u.name, COALESCE(n.title, n.title_text), n.passed "
                      "FROM nominations n JOIN imports i ON i.id = n.import_id AND i.active = 1 "
                      "JOIN periods p ON p.id = i.period_id JOIN units u ON u.id = i.unit_id "
                      "WHERE n.person_id = ? ORDER BY p.year_from, p.kind", (pid,)))
        people.append(PersonTitles(name, service or None, birth, titles))
    return tuple(people)


# ----------------------------------------------------------------------------------------------
def period_report(db: str, first: int, last: int, cluster: str | None, out: str, rules: Rules
                  ) -> PeriodReportResult:
    """The period workbook from the database: a five-year congress report, or one year (with
    its 6-month report) when first == last."""
    from addin.io.period_report import PeriodData, columns_for, period_report_bytes, period_title
    from addin.io.rank_history import rank_rows
    from addin.io.xlsx_common import write_atomic

    conn = open_existing(db)
    try:
        kinds: set[PeriodKind] = {"year"}
        if first == last:
            kinds |= {k for (k,) in conn.execute(
                "SELECT DISTINCT kind FROM periods WHERE year_from = ? AND year_to = ?",
                (first, first)) if k in ("h1", "h2")}
        columns, previous = columns_for(first, last, kinds)
        wanted = sorted({k for _, k in columns})
        lo = min(y for y, _ in previous)
        counts = hdb.report_counts(conn, lo, last, wanted, cluster)
        ranks = rank_rows(conn, first, last, cluster)
        commendations = hdb.report_commendations(conn, first, last, wanted, cluster)
        congress = rules.congress
        people: list[tuple[int, str, str, str, int | None, int]] = []
        groups: list[tuple[int, str, str, str, int | None, int]] = []
        if congress is not None:
            people = hdb.report_held(conn, first, last, _and_above(congress.individual_title,
                                                                   rules), "individual", cluster)
            groups = hdb.report_held(conn, first, last, _and_above(congress.collective_title,
                                                                   rules), "collective", cluster)
    finally:
        conn.close()
    span = last - first + 1
    need = min(congress.min_individual_years, span) if congress else span
    data = PeriodData(first, last, cluster, columns, previous, counts, commendations, people,
                      groups, need, ranks)
    content, figures = period_report_bytes(data, rules)
    write_atomic(out, content)
    return PeriodReportResult(period=period_title(first, last), output=out, figures=figures)


def _and_above(code: str, rules: Rules) -> list[str]:
    """A title and the higher ones of its kind (a person is listed under the highest)."""
    base = rules.title(code)
    return [c for c, t in rules.titles.items() if t.kind == base.kind and t.order >= base.order]
