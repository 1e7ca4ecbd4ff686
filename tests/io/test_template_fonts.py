"""Every written cell of the unit template prints in the report font (issue 13 leftover: the
check line on row 3 of "Cá nhân"/"Tập thể" had a format of its own with no font name, so it
printed in the default font rather than Times New Roman)."""

from __future__ import annotations

import io

import openpyxl

from addin.io.unit_template import unit_workbook_bytes
from addin.io.xlsx_common import FONT


def test_every_written_cell_of_the_unit_template_has_the_report_font(rules):
    book = openpyxl.load_workbook(io.BytesIO(unit_workbook_bytes(rules)))
    other = [f"{sheet.title}!{cell.coordinate}: {cell.font.name}"
             for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None and cell.font.name != FONT]
    assert other == []
    check_line = book["Cá nhân"]["A3"]
    assert check_line.value is not None and check_line.font.name == FONT  # the array formula
