"""What a cluster report carries so that the next level can read it as an input.

A higher command consolidates the clusters' reports, not the units' files (province → military
region, level by level). The report already lists every nomination with "Tệp nguồn" and "Dòng
nguồn"; this module adds what else the next level needs per unit: the unit's facts on "Nguồn"
(cluster, headcount, "Số đầu mối"…) and every commendation line with its source
("Chi tiết khen thưởng"). addin.io.report_input reads them back.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.cluster import ClusterResult
from addin.domain.models import UnitWorkbook
from addin.io.xlsx_common import Styles, print_setup, write_number, write_text

DETAIL_SHEET = "Chi tiết khen thưởng"
SOURCE_FILE, SOURCE_ROW = "Tệp nguồn", "Dòng nguồn"
# Extra columns at the end of "Nguồn": one per fact of the unit's "Thông tin" the next level
# needs (the labels of contracts.md §1, so they read back through the same names).
UNIT_FACTS = ("cluster", "headcount", "subunits", "council", "prepared_by", "prepared_on")
DETAIL_COLUMNS = ("form", "kind", "level", "collectives", "individuals", "note")


def unit_fact_headers() -> list[str]:
    return [F.INFO_LABELS[key] for key in UNIT_FACTS]


def write_unit_facts(sheet: Worksheet, styles: Styles, row: int, first_col: int,
                     book: UnitWorkbook) -> None:
    for c, key in enumerate(UNIT_FACTS, start=first_col):
        value = getattr(book.info, key)
        if key in F.INFO_INTEGERS:
            write_number(sheet, row, c, value, styles.int)
        else:
            write_text(sheet, row, c, value, styles.cell)


def commendation_detail_sheet(workbook: Workbook, styles: Styles, result: ClusterResult,
                              header: Callable[[Worksheet, str, int], None]) -> None:
    """Every commendation line of every counted unit, with its source file and row."""
    sheet = workbook.add_worksheet(DETAIL_SHEET)
    headers = ["STT", *(F.COMMENDATION_LABELS[k] for k in DETAIL_COLUMNS), SOURCE_FILE,
               SOURCE_ROW]
    header_row = 4
    header(sheet, "CHI TIẾT KHEN THƯỞNG THEO ĐƠN VỊ", len(headers))
    for c, (text, width) in enumerate(zip(headers, [5, 40, 14, 12, 11, 11, 20, 30, 8],
                                          strict=True)):
        sheet.write_string(header_row, c, text, styles.header)
        sheet.set_column(c, c, width)
    r = header_row
    for book in result.counted_books:
        for item in book.commendations:
            r += 1
            sheet.write_number(r, 0, r - header_row, styles.center)
            for c, key in enumerate(DETAIL_COLUMNS, start=1):
                value = getattr(item, key)
                if key in F.COUNT_FIELDS:
                    write_number(sheet, r, c, value, styles.int)
                else:
                    write_text(sheet, r, c, value, styles.cell)
            write_text(sheet, r, len(headers) - 2, item.file, styles.cell)
            sheet.write_number(r, len(headers) - 1, item.row, styles.int)
    print_setup(sheet, header_row, header_row)
