"""Sheet protection (issue 10, point 7): the unit template protects its sheets without allowing
cell formatting, and Excel refuses to colour a cell there. The file-based book refuses it the
same way, so "Kiểm tra" is tested against the rule Excel applies."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.macros import CHECK_SHEET, MARK_COLORS, check_workbook
from tests.file_book import FileBook, ProtectedSheetError

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


# Worksheet.Protect's parameters in order (Excel VBA reference); the COM call is positional.
PROTECT_PARAMETERS = ("Password", "DrawingObjects", "Contents", "Scenarios", "UserInterfaceOnly",
                      "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
                      "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
                      "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting",
                      "AllowFiltering", "AllowUsingPivotTables")


class ComProtection:
    def __init__(self, **allow: bool) -> None:
        for name in PROTECT_PARAMETERS[5:]:
            setattr(self, name, allow.get(name, False))


class ComWorksheet:
    """Stands in for Excel's COM Worksheet, which cannot run here: it keeps the state
    Worksheet.Protect sets and refuses to unprotect without the password, as Excel does."""

    def __init__(self, password: str = "", **allow: bool) -> None:
        self.password = password
        self.ProtectContents, self.ProtectDrawingObjects, self.ProtectScenarios = True, True, False
        self.ProtectionMode, self.EnableSelection = False, 1  # xlUnlockedCells
        self.Protection = ComProtection(**allow)
        self.calls: list[str] = []

    def Unprotect(self, password: str = "") -> None:
        if password != self.password:
            raise RuntimeError("The password you supplied is not correct.")
        self.calls.append("Unprotect")
        self.ProtectContents = False
        self.EnableSelection = 0

    def Protect(self, *args: object) -> None:
        self.calls.append("Protect")
        given = dict(zip(PROTECT_PARAMETERS, args, strict=True))
        self.ProtectContents = given["Contents"]
        self.ProtectDrawingObjects, self.ProtectScenarios = given["DrawingObjects"], given["Scenarios"]
        self.ProtectionMode = given["UserInterfaceOnly"]
        self.Protection = ComProtection(**{k: v for k, v in given.items() if k.startswith("Allow")})

    def state(self) -> dict[str, object]:
        return {**{k: v for k, v in vars(self).items() if k not in ("Protection", "calls")},
                **vars(self.Protection)}


class _Sheet:
    def __init__(self, api: ComWorksheet) -> None:
        self.api = api


class _Book:
    def __init__(self, api: ComWorksheet) -> None:
        self.sheets = {PERSONS: _Sheet(api)}


def test_excel_protection_is_put_back_with_the_same_options():
    from addin.macros import XlwingsBook

    api = ComWorksheet(AllowFormattingColumns=True, AllowSorting=True, AllowFiltering=True)
    before = api.state()
    with XlwingsBook(_Book(api)).formatting(PERSONS) as allowed:
        assert allowed and not api.ProtectContents
    assert api.calls == ["Unprotect", "Protect"] and api.state() == before


def test_excel_sheet_with_a_password_or_allowing_formatting_is_not_touched():
    from addin.macros import XlwingsBook

    locked = ComWorksheet(password="bí mật")
    with XlwingsBook(_Book(locked)).formatting(PERSONS) as allowed:
        assert not allowed
    open_to_format = ComWorksheet(AllowFormattingCells=True)
    with XlwingsBook(_Book(open_to_format)).formatting(PERSONS) as allowed:
        assert allowed
    assert locked.calls == [] and open_to_format.calls == []
