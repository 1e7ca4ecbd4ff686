"""A cluster report read as an input: it expands into the unit workbooks it contains.

tdkt's own cluster summary (contracts.md §5) is recognised by its sheets, not by its name. Each
unit listed in it becomes one UnitWorkbook again, with the path "cum-3.xlsx › cum-3/ea-kar.xlsx"
(the report as given, then the "Tệp nguồn" it recorded), the unit's rows at their original
"Dòng nguồn", its facts from "Nguồn", its commendation lines from the per-unit table of
"Khen thưởng" and its score lines from "Điểm chấm đơn vị" (addin.io.report_scores).
Nothing the unit's level found is lost: each record keeps its verdict ("Mã danh hiệu",
"Kết quả"), every issue of "Kiểm tra" comes back on its unit with its sheet, row and column, and
the copies that level left out stay out (addin.domain.carried counts them so). The provenance
chain grows one link per level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.issues import SEVERITY, Code, Issue, make_issue
from addin.domain.models import Commendation, Nomination, UnitDraft, UnitInfo, UnitWorkbook, judged
from addin.domain.scoring import SHEET_SCORES, ScoreDraft
from addin.domain.text import fold
from addin.io.cells import to_count, to_text
from addin.io.layout import SHEET_INDEX
from addin.io.report_chain import (
    DETAIL_TITLE,
    SCORE_DETAIL_SHEET,
    SOURCE_FILE,
    SOURCE_ROW,
    UNIT_FACTS,
)

CHAIN = " › "
# The report's sheets and columns are found by the names its writer (addin.io.report) gives
# them: addin.domain.labels (L.SHEET_*, L.TITLE_CODE, L.ROWS_READ, ...) and fields.
_COUNTED = {fold(L.FILE_STATUS["ok"]), fold(L.FILE_STATUS["errors"])}
_UNREADABLE = fold(L.FILE_STATUS["unreadable"])
_SKIPPED = fold(L.FILE_STATUS["skipped"])
# Found once per column of a sheet (at its first row): the sheet's issue, not a record's.
_SHEET_LEVEL = {Code.LEGACY_ENCODING}
# What reading a "Chấm điểm" sheet finds (its validity at the next level depends on them).
_SCORE_READING = {Code.FORMULA_ERROR, Code.NOT_A_NUMBER, Code.MISSING_COLUMN}
_HEADER_SCAN = 12


def is_cluster_report(sheet_names: list[str]) -> bool:
    """A workbook with the report's sheets and no "Thông tin" is a cluster report."""
    folded = {fold(n) for n in sheet_names}
    report_sheets = {fold(n) for n in (L.SHEET_SUMMARY, L.SHEET_SOURCES, F.SHEET_INDIVIDUALS,
                                       F.SHEET_COLLECTIVES)}
    return report_sheets <= folded and fold(F.SHEET_INFO) not in folded


def _header(rows: list[list[Any]], must: str) -> tuple[int, dict[str, int]] | None:
    """(row index, folded header text -> column) of the row holding `must`."""
    for r, row in enumerate(rows[:_HEADER_SCAN]):
        texts = {fold(v): c for c, v in enumerate(row) if isinstance(v, str) and v.strip()}
        if fold(must) in texts:
            return r, texts
    return None


def _cell(row: list[Any], column: int | None) -> Any:
    return row[column] if column is not None and column < len(row) else None


TableReader = Callable[[list[list[Any]], str, str, str], UnitWorkbook]


def expand_report(shown: str, digest: str, sheet_names: list[str],
                  load: Callable[[str], list[list[Any]]], read_table: TableReader
                  ) -> list[UnitWorkbook]:
    """The unit workbooks a cluster report contains (see the module's docstring).
    `read_table(rows, key, file, sheet)` is the reader's own reading of one table."""
    by_fold = {fold(n): n for n in sheet_names}
    books: dict[str, UnitDraft] = {}
    sources = load(by_fold[fold(L.SHEET_SOURCES)])
    found = _header(sources, L.DIGEST)
    if found is None:
        return [_broken(shown, digest, f'trang "{L.SHEET_SOURCES}" không có dòng tiêu đề')]
    header_r, cols = found
    fact_cols = {key: cols.get(fold(F.INFO_LABELS[key])) for key in UNIT_FACTS}
    rows_read: dict[str, int] = {}
    for row in sources[header_r + 1:]:
        path = to_text(_cell(row, cols.get(fold(L.FILE))))[0]
        status = fold(_cell(row, cols.get(fold(L.FILE_STATE))))
        if not path or status not in _COUNTED | {_UNREADABLE, _SKIPPED}:
            continue
        chained = f"{shown}{CHAIN}{path}"
        book = UnitDraft(path=chained,
                         sha256=to_text(_cell(row, cols.get(fold(L.DIGEST))))[0],
                         source_report=shown, cluster_scope=chained.rsplit(CHAIN, 1)[0],
                         readable=status != _UNREADABLE, skipped=status == _SKIPPED)
        books[path] = book
        facts: dict[str, Any] = {
            key: to_count(_cell(row, column))[0] if key in F.INFO_INTEGERS
            else to_text(_cell(row, column))[0] for key, column in fact_cols.items()}
        for key in ("unit", "period"):
            facts[key] = to_text(_cell(row, cols.get(fold(F.INFO_LABELS[key]))))[0]
        book.info = UnitInfo(**facts)
        # The level below's reconciliation (rows seen = rows written + rows skipped) holds here.
        read = to_count(_cell(row, cols.get(fold(L.ROWS_READ))))[0]
        book.rows_skipped = to_count(_cell(row, cols.get(fold(L.ROWS_SKIPPED))))[0] or 0
        if read is not None:
            rows_read[path] = read
    carried = _carried_issues(load(by_fold[fold(L.SHEET_ISSUES)]), books) if fold(
        L.SHEET_ISSUES) in by_fold else {}
    tables = (("individuals", F.SHEET_INDIVIDUALS), ("collectives", F.SHEET_COLLECTIVES),
              ("commendations", F.SHEET_COMMENDATIONS))
    for key, sheet in tables:
        if fold(sheet) not in by_fold:
            continue
        rows = load(by_fold[fold(sheet)])
        if key == "commendations":  # the per-unit table under the totals
            rows = rows[next((r + 1 for r, row in enumerate(rows)
                              if row and fold(row[0]) == fold(DETAIL_TITLE)), len(rows)):]
        _distribute(rows, key, read_table(rows, key, shown, sheet), books)
    scores = (_distribute_scores(load(by_fold[fold(SCORE_DETAIL_SHEET)]), books)
              if fold(SCORE_DETAIL_SHEET) in by_fold else {})
    for path, book in books.items():
        book.rows_read = rows_read.get(path, len(book.individuals) + len(book.collectives)
                                       + len(book.commendations))
        _attach(book, carried.get(path, []), scores.get(path))
        if path in scores:
            book.scores = scores[path].freeze()
        if not book.readable and not book.issues:
            book.issues.append(make_issue(Code.UNREADABLE_FILE, f"(theo báo cáo {shown})",
                                          file=book.path))
    return [book.freeze() for book in books.values()]


def _carried_issues(rows: list[list[Any]], books: dict[str, UnitDraft]
                    ) -> dict[str, list[Issue]]:
    """The issues of "Kiểm tra" per unit file, as the unit's level raised them (the cluster's
    own issues, "(toàn cụm)", are this level's to find again)."""
    found = _header(rows, L.ISSUE_CODE)
    if found is None:
        return {}
    header_r, cols = found
    by_file: dict[str, list[Issue]] = {}
    for row in rows[header_r + 1:]:
        path = to_text(_cell(row, cols.get(fold(L.FILE))))[0]
        book = books.get(path)
        try:
            code = Code(to_text(_cell(row, cols.get(fold(L.ISSUE_CODE))))[0])
        except ValueError:
            continue  # not a row of the table (or a code of another tdkt version)
        if book is None:
            continue
        column = to_text(_cell(row, cols.get(fold(L.COLUMN))))[0]
        by_file.setdefault(path, []).append(Issue(
            code, SEVERITY.get(code, "error"),  # a code's severity is fixed (contracts.md §4)
            to_text(_cell(row, cols.get(fold(L.MESSAGE))))[0], file=book.path,
            sheet=to_text(_cell(row, cols.get(fold(L.SHEET))))[0] or None,
            row=to_count(_cell(row, cols.get(fold(L.ROW))))[0], column=column or None))
    return by_file


def _attach(book: UnitDraft, issues: list[Issue], scores: ScoreDraft | None) -> None:
    """Each carried issue where its level had it: on the record of its sheet and row, else on
    the workbook (and a "Chấm điểm" reading problem on the score sheet too, which it voids)."""
    records: dict[tuple[str, int], tuple[list[Nomination], int]] = {
        (kind, nom.row): (noms, i) for kind, noms in (("individuals", book.individuals),
                                                      ("collectives", book.collectives))
        for i, nom in enumerate(noms)}
    for issue in issues:
        kind = SHEET_INDEX.get(fold(issue.sheet or ""), "")
        at = records.get((kind, issue.row or 0))
        if at is not None and issue.code not in _SHEET_LEVEL:
            noms, i = at
            noms[i] = judged(noms[i], issues=(*noms[i].issues, issue))
            continue
        book.issues.append(issue)
        if kind == "scores" and scores is not None and issue.code in _SCORE_READING:
            scores.issues.append(issue)


def _distribute(rows: list[list[Any]], key: str, read: UnitWorkbook,
                books: dict[str, UnitDraft]) -> None:
    """Give each record read from a report's table back to its unit, at its original row."""
    found = _header(rows, SOURCE_FILE)
    if found is None:
        return
    _, cols = found
    file_c, row_c = cols.get(fold(SOURCE_FILE)), cols.get(fold(SOURCE_ROW))
    code_c = cols.get(fold(L.TITLE_CODE))
    records: tuple[Any, ...] = (read.individuals if key == "individuals" else
                                read.collectives if key == "collectives" else read.commendations)
    for record in records:
        source = rows[record.row - 1]
        book = books.get(to_text(_cell(source, file_c))[0])
        if book is None or not book.readable:
            continue
        original_row = to_count(_cell(source, row_c))[0]
        row = original_row if original_row is not None else record.row
        if key == "commendations":
            item: Commendation = replace(record, file=book.path, row=row,
                                         sheet=F.SHEET_COMMENDATIONS)
            book.commendations.append(item)
            continue
        # Judged at its level: the verdict is the report's, its issues come from "Kiểm tra"
        # (the report's own columns and computed cells are not the unit's).
        passed = fold(record.result_given) == fold(F.RESULT_PASSED)
        record = judged(record, file=book.path, row=row,
                        title=to_text(_cell(source, code_c))[0] or None,
                        percent=record.percent_given, passed=passed, reached=passed,
                        percent_given=None, result_given="", issues=(), columns={},
                        invalid=frozenset())
        (book.individuals if key == "individuals" else book.collectives).append(record)


def _distribute_scores(rows: list[list[Any]], books: dict[str, UnitDraft]
                       ) -> dict[str, ScoreDraft]:
    """Each unit's score lines back on a "Chấm điểm" sheet of its own, at their original rows
    (keyed as `books`)."""
    from addin.io.scores_reader import read_scores  # it builds on the reader, which imports us

    found = _header(rows, SOURCE_FILE)
    if found is None:
        return {}
    _, cols = found
    file_c, row_c = cols.get(fold(SOURCE_FILE)), cols.get(fold(SOURCE_ROW))
    drafts: dict[str, ScoreDraft] = {}
    for line in read_scores(rows, "", SCORE_DETAIL_SHEET).lines:
        source = rows[line.row - 1]
        key = to_text(_cell(source, file_c))[0]
        book = books.get(key)
        if book is None or not book.readable or book.skipped:
            continue
        draft = drafts.setdefault(key, ScoreDraft(file=book.path, sheet=SHEET_SCORES))
        original_row = to_count(_cell(source, row_c))[0]
        draft.lines.append(replace(line, row=original_row or line.row, columns={}))
    return drafts


def _broken(shown: str, digest: str, reason: str) -> UnitWorkbook:
    return UnitWorkbook(path=shown, sha256=digest, readable=False,
                        issues=(make_issue(Code.UNREADABLE_FILE, reason, file=shown),))

