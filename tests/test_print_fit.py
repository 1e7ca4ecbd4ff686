"""The print area "Kiểm tra" sets, without LibreOffice (the printed result is in
tests/io/test_print_area.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from addin.io.print_area import PRINT_END, widened
from addin.macros import check_workbook
from tests.file_book import FileBook

ROOT = Path(__file__).resolve().parents[1]
EA_KAR = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3" / "ban-chqs-ea-kar.xlsx"


def test_widened_keeps_the_columns_first_row_and_blank_rows_of_the_current_area():
    assert widened("$A$1:$N$19", 43, 99) == "$A$1:$N$43"
    assert widened("'Cá nhân'!$B$2:$M$19", 7, 99) == "$B$2:$M$19"  # never shorter
    assert widened(None, 12, 13) == "$A$1:$N$12"  # no area: the table's own columns
    assert widened("$A:$N", 12, 13) == "$A$1:$N$12"  # not a block of cells: start afresh


def test_check_leaves_a_filled_workbook_printing_its_rows(tmp_path):
    path = tmp_path / "ea-kar.xlsx"
    shutil.copy(EA_KAR, path)
    before = {s: openpyxl.load_workbook(path)[s].print_area for s in ("Cá nhân", "Tập thể")}
    book = FileBook(path)
    check_workbook(book)
    book.save()
    after = openpyxl.load_workbook(path)
    for sheet, area in before.items():
        assert after[sheet].print_area == area  # tdkt wrote it for exactly these rows
        assert after[sheet].defined_names[PRINT_END].attr_text == area
