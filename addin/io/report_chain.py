"""What a cluster report carries so that the next level can read it as an input.

A higher command consolidates the clusters' reports, not the units' files (province → military
region, level by level). The report already lists every nomination with "Tệp nguồn" and "Dòng
nguồn"; this module adds what else the next level needs per unit: the unit's facts on "Nguồn"
(cluster, headcount, "Số đầu mối"…) and every commendation line with its source (a second
table on "Khen thưởng", under the totals). The sheets stay those of contracts.md §5;
addin.io.report_input reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.cluster import ClusterResult
from addin.domain.models import UnitWorkbook
from addin.domain.scoring import SCORE_LABELS
from addin.io.sheet_spec import HEADER_MIN_PT, row_height
from addin.io.xlsx_common import Styles, write_number, write_text

DETAIL_TITLE = "CHI TIẾT THEO ĐƠN VỊ"
SOURCE_FILE, SOURCE_ROW = "Tệp nguồn", "Dòng nguồn"
# Extra columns at the end of "Nguồn": one per fact of the unit's "Thông tin" the next level
# needs (the labels of contracts.md §1, so they read back through the same names).
UNIT_FACTS = ("cluster", "headcount", "subunits", "council", "prepared_by", "prepared_on")
DETAIL_COLUMNS = ("form", "kind", "level", "collectives", "individuals", "note")
# The units' score lines (addin.io.report_scores): the labels of contracts.md §8, and the words
# of the "Loại điểm" column the scores reader knows (addin.io.scores_reader.KINDS).
SCORE_DETAIL_SHEET = "Điểm chấm đơn vị"
SCORE_KIND_HEADER = "Loại điểm"
SCORE_KIND_WORDS = {"criterion": "TC", "bonus": "CG", "penalty": "TR"}


def score_detail_headers() -> list[str]:
    return ["STT", F.INFO_LABELS["unit"], SCORE_LABELS["code"], SCORE_LABELS["text"],
            SCORE_KIND_HEADER, SCORE_LABELS["max"], SCORE_LABELS["self"], SCORE_LABELS["cluster"],
            SCORE_LABELS["evidence"], SOURCE_FILE, SOURCE_ROW]


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


def write_commendation_detail(sheet: Worksheet, styles: Styles, result: ClusterResult,
                              title_row: int, widths: Sequence[float]) -> int:
    """Under the "Khen thưởng" totals: every commendation line of every counted unit, with the
    unit's name (its "Thông tin"), its source file and row (so the next level can count them
    per unit). `widths`: the sheet's column widths (the totals' above): headers and long texts
    (forms, units, paths) wrap in them, and each row is as tall as its wrapped text. Returns
    the table's header row (the row the sheet repeats on every page it runs to)."""
    headers = ["STT", *(F.COMMENDATION_LABELS[k] for k in DETAIL_COLUMNS), F.INFO_LABELS["unit"],
               SOURCE_FILE, SOURCE_ROW]
    sheet.write_string(title_row, 0, DETAIL_TITLE, styles.label)
    header_row = title_row + 1
    for c, text in enumerate(headers):
        sheet.write_string(header_row, c, text, styles.header)
    sheet.set_row(header_row, row_height(zip(headers, widths, strict=True), HEADER_MIN_PT))
    unit_c = 1 + len(DETAIL_COLUMNS)
    r = header_row
    for book in result.counted_books:
        for item in book.commendations:
            r += 1
            sheet.write_number(r, 0, r - header_row, styles.center)
            texts: list[tuple[object, float]] = []
            for c, key in enumerate(DETAIL_COLUMNS, start=1):
                value = getattr(item, key)
                if key in F.COUNT_FIELDS:
                    write_number(sheet, r, c, value, styles.int)
                else:
                    write_text(sheet, r, c, value, styles.cell_wrap)
                    texts.append((value, widths[c]))
            write_text(sheet, r, unit_c, book.info.unit, styles.cell_wrap)
            write_text(sheet, r, unit_c + 1, item.file, styles.cell_wrap)
            sheet.write_number(r, unit_c + 2, item.row, styles.int)
            texts += [(book.info.unit, widths[unit_c]), (item.file, widths[unit_c + 1])]
            height = row_height(texts)
            if height is not None:
                sheet.set_row(r, height)
    return header_row
