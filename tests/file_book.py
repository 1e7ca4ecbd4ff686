"""BookPort over an .xlsx file (openpyxl), for the tests: the macros run headless on a real file
the same way they run in Excel through xlwings (addin.workbooks.BookPort)."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from addin.io.cells import column_letter
from addin.io.xlsx_common import write_atomic
from addin.workbooks import Color, Link


class ProtectedSheetError(RuntimeError):
    """Formatting a cell of a protected sheet that does not allow it: Excel refuses it (a COM
    error), so the file-based book refuses it too, and tests catch the macro that tries."""


class FileBook:
    """BookPort over an .xlsx file (openpyxl). Changes are written on save(), atomically."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self.book = openpyxl.load_workbook(self._path)

    @property
    def path(self) -> str:
        return str(self._path)

    def sheet_names(self) -> list[tuple[str, bool]]:
        return [(ws.title, ws.sheet_state == "visible") for ws in self.book.worksheets]

    def values(self, sheet: str) -> list[list[Any]]:
        return [list(row) for row in self.book[sheet].iter_rows(values_only=True)]

    def replace_sheet(self, sheet: str, rows: list[list[Any]], links: list[Link],
                      widths: dict[int, float], hidden: tuple[int, ...] = ()) -> None:
        if sheet in self.book.sheetnames:
            index = self.book.sheetnames.index(sheet)
            self.book.remove(self.book[sheet])
            ws = self.book.create_sheet(sheet, index)
        else:
            ws = self.book.create_sheet(sheet)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even "=…"
        for link in links:
            cell = ws.cell(link.row, link.column)
            cell.hyperlink = f"#{link.target}"
            cell.value = link.text
            cell.style = "Hyperlink"
        for c, width in widths.items():
            ws.column_dimensions[column_letter(c - 1)].width = width
        for c in hidden:
            ws.column_dimensions[column_letter(c - 1)].hidden = True

    def cell_color(self, sheet: str, cell: str) -> Color:
        fill = self.book[sheet][cell].fill
        if fill is None or fill.fill_type != "solid":
            return None
        rgb = fill.fgColor.rgb if isinstance(fill.fgColor.rgb, str) else None
        return f"#{rgb[-6:]}" if rgb else None

    def set_color(self, sheet: str, cell: str, color: Color) -> None:
        protection = self.book[sheet].protection
        if protection.sheet and protection.formatCells:  # formatCells: "formatting is locked"
            raise ProtectedSheetError(f"{sheet}!{cell}: trang được bảo vệ, không cho định dạng ô")
        target = self.book[sheet][cell]
        if color is None:
            target.fill = PatternFill(fill_type=None)
        else:
            hex6 = color.lstrip("#")
            target.fill = PatternFill(fill_type="solid", fgColor="FF" + hex6, bgColor="FF" + hex6)

    def print_area(self, sheet: str) -> str | None:
        found = self.book[sheet].print_area  # "'Cá nhân'!$A$1:$N$19", or None
        return found.split("!")[-1] if isinstance(found, str) else None

    def set_print_area(self, sheet: str, cells: str, name: str) -> None:
        ws = self.book[sheet]
        ws.print_area = cells
        ws.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{cells}")

    @contextmanager
    def formatting(self, sheet: str) -> Iterator[bool]:
        ws = self.book[sheet]
        protection = ws.protection
        if not (protection.sheet and protection.formatCells):
            yield True
            return
        if protection.password:  # Excel would ask for it; the macro must not guess
            yield False
            return
        saved = copy.copy(protection)
        protection.sheet = False
        try:
            yield True
        finally:
            ws.protection = saved

    def save(self, path: str | Path | None = None) -> None:
        buffer = io.BytesIO()
        self.book.save(buffer)
        write_atomic(path or self._path, buffer.getvalue())
