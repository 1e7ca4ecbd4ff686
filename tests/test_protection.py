"""Sheet protection (issue 10, point 7): the unit template protects its sheets without allowing
cell formatting, and Excel refuses to colour a cell there. The file-based book refuses it the
same way, so "Kiểm tra" is tested against the rule Excel applies."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.macros import CHECK_SHEET, MARK_COLORS, check_workbook
from addin.workbooks import FileBook, ProtectedSheetError

ROOT = Path(__file__).resolve().parents[1]
EA_KAR = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3" / "ban-chqs-ea-kar.xlsx"
PERSONS = "Cá nhân"
OPTIONS = ("sheet", "objects", "scenarios", "formatCells", "formatColumns", "formatRows",
           "insertColumns", "insertRows", "insertHyperlinks", "deleteColumns", "deleteRows",
           "selectLockedCells", "selectUnlockedCells", "sort", "autoFilter", "pivotTables",
           "password")


def protection(book: openpyxl.Workbook) -> dict[str, tuple]:
    return {ws.title: tuple(getattr(ws.protection, o) for o in OPTIONS) for ws in book.worksheets
            if ws.title != CHECK_SHEET}


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    path = tmp_path / "ea-kar.xlsx"
    shutil.copy(EA_KAR, path)
    return path


def test_the_template_forbids_formatting_and_the_file_book_enforces_it(unit):
    book = FileBook(unit)
    assert book.book[PERSONS].protection.sheet and book.book[PERSONS].protection.formatCells
    with pytest.raises(ProtectedSheetError):
        book.set_color(PERSONS, "I9", "#FF0000")
    before = protection(book.book)
    with book.formatting(PERSONS) as allowed:
        assert allowed
        book.set_color(PERSONS, "I9", "#FF0000")
    assert protection(book.book) == before  # same options, put back
    with pytest.raises(ProtectedSheetError):
        book.set_color(PERSONS, "I9", None)


def test_check_colours_protected_sheets_and_keeps_their_protection(unit):
    before = protection(openpyxl.load_workbook(unit))
    book = FileBook(unit)
    issues = check_workbook(book)
    assert issues and book.cell_color(PERSONS, "I9") == MARK_COLORS["error"]
    book.save()
    saved = openpyxl.load_workbook(unit)
    assert protection(saved) == before
    assert saved[PERSONS]["I9"].fill.fgColor.rgb.endswith(MARK_COLORS["error"][1:])
    # a second run restores the colours through the same protection
    again = FileBook(unit)
    check_workbook(again)
    assert protection(again.book) == before


def test_a_password_protected_sheet_is_listed_not_coloured(unit):
    book = FileBook(unit)
    book.book[PERSONS].protection.password = "bí mật"
    before = protection(book.book)
    issues = check_workbook(book)
    assert issues
    assert book.cell_color(PERSONS, "I9") != MARK_COLORS["error"]
    assert protection(book.book) == before
    notes = [row for row in book.values(CHECK_SHEET) if row[1] == PERSONS and row[0] in ("", None)]
    assert len(notes) == 1 and "bảo vệ bằng mật khẩu" in notes[0][5]


def test_a_sheet_that_allows_formatting_is_left_alone(unit):
    book = FileBook(unit)
    book.book[PERSONS].protection.formatCells = False
    before = protection(book.book)
    with book.formatting(PERSONS) as allowed:
        assert allowed and book.book[PERSONS].protection.sheet  # still protected
        book.set_color(PERSONS, "A1", "#00FF00")
    assert protection(book.book) == before
