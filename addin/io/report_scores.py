"""The cluster report's "Điểm chấm đơn vị" sheet: every score line of every counted unit's
"Chấm điểm" (contracts.md §8), with its source file and row.

"Xếp hạng" shows the ranking; this sheet keeps what it was computed from, so that the next level,
reading the report as an input (addin.io.report_input), ranks the units on the same scores and
under its own covenant, as it would from the units' files. The sheet is hidden: it is not
printed (6 pages of the demo's 20), and a reader finds it all the same.
"""

from __future__ import annotations

from fractions import Fraction

from xlsxwriter.workbook import Workbook

from addin.domain.cluster import ClusterResult
from addin.io.report import ReportMeta, header_block
from addin.io.report_chain import SCORE_DETAIL_SHEET, SCORE_KIND_WORDS, score_detail_headers
from addin.io.sheet_spec import Column, write_table
from addin.io.xlsx_common import Styles, print_setup

# (width, style, wrap) of each header of score_detail_headers(), in order: long texts wrap
LAYOUT = ((5, "center", False), (18, "cell", True), (8, "cell", False), (32, "cell", True),
          (6, "center", False), (7, "cell", False), (7, "cell", False), (7, "cell", False),
          (22, "cell", True), (36, "cell", True), (7, "int", False))
WIDTHS = tuple(width for width, _, _ in LAYOUT)


def _points(value: Fraction | None) -> float | None:
    return None if value is None else float(value)  # 0.5 steps: exact in binary


def write_score_detail(workbook: Workbook, styles: Styles, result: ClusterResult,
                       meta: ReportMeta) -> None:
    """The sheet, when a counted unit has a "Chấm điểm" sheet (none otherwise)."""
    books = [b for b in result.counted_books if b.scores is not None]
    if not books:
        return
    sheet = workbook.add_worksheet(SCORE_DETAIL_SHEET)
    columns = [Column(h, h, w, style, wrap)
               for h, (w, style, wrap) in zip(score_detail_headers(), LAYOUT, strict=True)]
    header_row = header_block(sheet, styles, "ĐIỂM CHẤM CỦA CÁC ĐƠN VỊ (CHI TIẾT)", meta, WIDTHS)
    rows = ([book.info.unit, line.code, line.text, SCORE_KIND_WORDS.get(line.kind or "", ""),
             _points(line.max), _points(line.self_score), _points(line.cluster_score),
             line.evidence, book.path, line.row]
            for book in books if book.scores is not None for line in book.scores.lines)
    write_table(sheet, styles, header_row, columns,
                ([i, *values] for i, values in enumerate(rows, start=1)))
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
    # Carried for the next level (report_input reads hidden sheets), not for the chair to sign:
    # hidden, so the printed report holds only its pages ("Bỏ ẩn trang" shows it in Excel).
    sheet.hide()
