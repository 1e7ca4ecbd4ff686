"""The cluster report's "Điểm chấm đơn vị" sheet: every score line of every counted unit's
"Chấm điểm" (contracts.md §8), with its source file and row.

"Xếp hạng" shows the ranking; this sheet keeps what it was computed from, so that the next level,
reading the report as an input (addin.io.report_input), ranks the units on the same scores and
under its own covenant, as it would from the units' files.
"""

from __future__ import annotations

from fractions import Fraction

from xlsxwriter.workbook import Workbook

from addin.domain.cluster import ClusterResult
from addin.io.report import ReportMeta, header_block, table_header
from addin.io.report_chain import SCORE_DETAIL_SHEET, SCORE_KIND_WORDS, score_detail_headers
from addin.io.xlsx_common import Styles, print_setup, write_number, write_text

WIDTHS = (5, 26, 10, 36, 8, 9, 9, 9, 24, 30, 8)


def _points(value: Fraction | None) -> float | None:
    return None if value is None else float(value)  # 0.5 steps: exact in binary


def write_score_detail(workbook: Workbook, styles: Styles, result: ClusterResult,
                       meta: ReportMeta) -> None:
    """The sheet, when a counted unit has a "Chấm điểm" sheet (none otherwise)."""
    books = [b for b in result.counted_books if b.scores is not None]
    if not books:
        return
    sheet = workbook.add_worksheet(SCORE_DETAIL_SHEET)
    headers = score_detail_headers()
    header_block(sheet, styles, "ĐIỂM CHẤM CỦA CÁC ĐƠN VỊ (CHI TIẾT)", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers, WIDTHS)
    r = header_row
    for book in books:
        assert book.scores is not None
        for line in book.scores.lines:
            r += 1
            sheet.write_number(r, 0, r - header_row, styles.center)
            write_text(sheet, r, 1, book.info.unit, styles.cell)
            write_text(sheet, r, 2, line.code, styles.cell)
            write_text(sheet, r, 3, line.text, styles.cell)
            write_text(sheet, r, 4, SCORE_KIND_WORDS.get(line.kind or "", ""), styles.center)
            for c, value in ((5, line.max), (6, line.self_score), (7, line.cluster_score)):
                write_number(sheet, r, c, _points(value), styles.cell)
            write_text(sheet, r, 8, line.evidence, styles.cell)
            write_text(sheet, r, 9, book.path, styles.cell)
            sheet.write_number(r, 10, line.row, styles.int)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
