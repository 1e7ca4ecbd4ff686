"""Rows typed below the template's fixed print area (issue 13 §1/§3): the sheet's check line
says so, on screen and on the printed page, and the add-in's "Kiểm tra" widens the area so every
row prints. Recalculated and printed by LibreOffice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.domain import labels as L
from addin.io.libreoffice import convert
from addin.io.print_area import PRINT_END
from addin.io.unit_template import INDIVIDUAL_COLUMNS, PRINT_BLANK_ROWS, UnitData, unit_workbook_bytes
from addin.macros import check_workbook
from tests.conftest import needs_libreoffice
from tests.file_book import FileBook
from tests.io.test_print_pages import raw_text, squeezed

pytestmark = [pytest.mark.libreoffice, needs_libreoffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None,
                                 reason="pdftotext (poppler-utils) is not installed")]

FIRST = 5  # first data row (Excel)
TYPED = 20
NAME, TITLE = (INDIVIDUAL_COLUMNS.index(k) + 1 for k in ("full_name", "title"))
PEOPLE = [{"seq": i, "full_name": f"Lê Văn Số {i}", "title": "Chiến sĩ tiên tiến",
           "members": 10, "present": 10, "agree": 8} for i in range(1, TYPED + 1)]


def _typed_in_excel(path: Path, rules) -> Path:
    """The blank template with 20 people typed as values, as staff would in Excel."""
    path.write_bytes(unit_workbook_bytes(rules))
    book = openpyxl.load_workbook(path)
    sheet = book["Cá nhân"]
    for r, person in enumerate(PEOPLE, start=FIRST):
        for key, value in person.items():
            sheet.cell(r, INDIVIDUAL_COLUMNS.index(key) + 1, value)
    book.save(path)
    return path


def _names(printed: str) -> set[int]:
    """Numbers of the people on the printed pages (the next cell is the title, not a digit)."""
    return {int(n) for n in re.findall(r"LêVănSố(\d+)", printed)}


def _check_line(path: Path, tmp_path: Path) -> str:
    recalculated = openpyxl.load_workbook(convert(path, tmp_path / "lo", "xlsx"), data_only=True)
    return str(recalculated["Cá nhân"]["A3"].value or "")


def test_rows_typed_below_the_print_area_are_named_on_the_sheet_and_the_page(tmp_path, rules):
    path = _typed_in_excel(tmp_path / "don-vi.xlsx", rules)
    outside = TYPED - PRINT_BLANK_ROWS
    check = _check_line(path, tmp_path)
    assert f"⚠ {outside} {L.ROWS_OUTSIDE_PRINT}" in check, check

    printed = squeezed(raw_text(convert(path, tmp_path / "pdf", "pdf")))
    assert squeezed(f"{outside} {L.ROWS_OUTSIDE_PRINT}") in printed
    assert _names(printed) == set(range(1, PRINT_BLANK_ROWS + 1))  # the rest is cut off


def test_a_template_filled_by_tdkt_prints_its_rows_and_says_nothing(tmp_path, rules):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(unit_workbook_bytes(rules, UnitData(individuals=PEOPLE)))
    assert L.ROWS_OUTSIDE_PRINT not in _check_line(path, tmp_path)


def test_check_widens_the_print_area_and_every_name_prints(tmp_path, rules):
    path = _typed_in_excel(tmp_path / "don-vi.xlsx", rules)
    book = FileBook(path)
    check_workbook(book, rules)
    book.save()

    sheet = openpyxl.load_workbook(path)["Cá nhân"]
    last = FIRST + TYPED - 1
    assert sheet.print_area == f"'Cá nhân'!$A$1:$N${last}"  # header and check line kept
    assert sheet.defined_names[PRINT_END].attr_text == f"'Cá nhân'!$A$1:$N${last}"
    assert L.ROWS_OUTSIDE_PRINT not in _check_line(path, tmp_path)

    printed = squeezed(raw_text(convert(path, tmp_path / "pdf", "pdf")))
    assert _names(printed) == set(range(1, TYPED + 1))
    assert squeezed(L.ROWS_OUTSIDE_PRINT) not in printed
