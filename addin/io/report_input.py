"""A cluster report read as an input: it expands into the unit workbooks it contains.

tdkt's own cluster summary (contracts.md §5) is recognised by its sheets, not by its name. Each
unit counted in it becomes one UnitWorkbook again, with the path "cum-3.xlsx › cum-3/ea-kar.xlsx"
(the report as given, then the "Tệp nguồn" it recorded), the unit's rows at their original
"Dòng nguồn", its facts from "Nguồn" and its commendation lines from the per-unit table of
"Khen thưởng".
The rest of the pipeline is unchanged, so a province report consolidates at the military region
exactly as the units would, and the provenance chain grows one link per level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from addin.domain import fields as F
from addin.domain.issues import Code, make_issue
from addin.domain.models import UnitDraft, UnitInfo, UnitWorkbook
from addin.domain.text import fold
from addin.io.cells import to_count, to_text
from addin.io.report_chain import DETAIL_TITLE, SOURCE_FILE, SOURCE_ROW, UNIT_FACTS

CHAIN = " › "
SOURCES_SHEET, SUMMARY_SHEET = "Nguồn", "Tổng hợp"
# A workbook with these sheets and no "Thông tin" is a cluster report.
_REPORT_SHEETS = {fold(n) for n in (SUMMARY_SHEET, SOURCES_SHEET, F.SHEET_INDIVIDUALS,
                                    F.SHEET_COLLECTIVES)}
_COUNTED = {fold("Hợp lệ"), fold("Có lỗi")}
_UNREADABLE = fold("Không đọc được")
_HEADER_SCAN = 12


def is_cluster_report(sheet_names: list[str]) -> bool:
    folded = {fold(n) for n in sheet_names}
    return _REPORT_SHEETS <= folded and fold(F.SHEET_INFO) not in folded


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
    sources = load(by_fold[fold(SOURCES_SHEET)])
    found = _header(sources, "SHA-256")
    if found is None:
        return [_broken(shown, digest, f'trang "{SOURCES_SHEET}" không có dòng tiêu đề')]
    header_r, cols = found
    fact_cols = {key: cols.get(fold(F.INFO_LABELS[key])) for key in UNIT_FACTS}
    for row in sources[header_r + 1:]:
        path = to_text(_cell(row, cols.get(fold("Tệp"))))[0]
        status = fold(_cell(row, cols.get(fold("Tình trạng"))))
        if not path or (status not in _COUNTED and status != _UNREADABLE):
            continue  # a copy the report already skipped
        book = UnitDraft(path=f"{shown}{CHAIN}{path}",
                         sha256=to_text(_cell(row, cols.get(fold("SHA-256"))))[0],
                         source_report=shown)
        if status == _UNREADABLE:
            book.readable = False
            book.issues.append(make_issue(Code.UNREADABLE_FILE, f"(theo báo cáo {shown})",
                                          file=book.path))
            books[path] = book
            continue
        facts: dict[str, Any] = {
            key: to_count(_cell(row, column))[0] if key in F.INFO_INTEGERS
            else to_text(_cell(row, column))[0] for key, column in fact_cols.items()}
        facts["unit"] = to_text(_cell(row, cols.get(fold("Đơn vị"))))[0]
        facts["period"] = to_text(_cell(row, cols.get(fold("Kỳ báo cáo"))))[0]
        book.info = UnitInfo(**facts)
        books[path] = book
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
    for book in books.values():
        book.rows_read = len(book.individuals) + len(book.collectives) + len(book.commendations)
    return [book.freeze() for book in books.values()]


def _distribute(rows: list[list[Any]], key: str, read: UnitWorkbook,
                books: dict[str, UnitDraft]) -> None:
    """Give each record read from a report's table back to its unit, at its original row."""
    found = _header(rows, SOURCE_FILE)
    if found is None:
        return
    _, cols = found
    file_c, row_c = cols.get(fold(SOURCE_FILE)), cols.get(fold(SOURCE_ROW))
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
            book.commendations.append(replace(record, file=book.path, row=row,
                                              sheet=F.SHEET_COMMENDATIONS))
            continue
        # Validated again at this level; the unit's own columns are not in the report.
        record = replace(record, file=book.path, row=row, issues=(), columns={},
                         invalid=frozenset())
        (book.individuals if key == "individuals" else book.collectives).append(record)


def _broken(shown: str, digest: str, reason: str) -> UnitWorkbook:
    return UnitWorkbook(path=shown, sha256=digest, readable=False,
                        issues=(make_issue(Code.UNREADABLE_FILE, reason, file=shown),))

