"""A small interface to an open workbook, so that the macros run the same code inside Excel
(xlwings) and headless on a file (openpyxl): tests, and `tdkt`, use the file one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from addin.io.cells import column_letter
from addin.io.xlsx_common import write_atomic

Color = str | None  # "#RRGGBB", or None for no fill

# A leading =, +, - or @ would make Excel read user text as a formula; the apostrophe prefix
# tells Excel "text" and is not part of the value.
FORMULA_LEADS = ("=", "+", "-", "@")


def as_text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Link:
    row: int  # 1-based, in the sheet being written
    column: int  # 1-based
    target: str  # e.g. "'Cá nhân'!I6"
    text: str


class BookPort(Protocol):
    @property
    def path(self) -> str: ...

    def sheet_names(self) -> list[tuple[str, bool]]: ...

    def values(self, sheet: str) -> list[list[Any]]: ...

    def replace_sheet(self, sheet: str, rows: list[list[Any]], links: list[Link],
                      widths: dict[int, float], hidden: tuple[int, ...] = ()) -> None: ...

    def cell_color(self, sheet: str, cell: str) -> Color: ...

    def set_color(self, sheet: str, cell: str, color: Color) -> None: ...

    def print_area(self, sheet: str) -> str | None:
        """The sheet's print area as an A1 range ("$A$1:$N$19"), None when it has none."""
        ...

    def set_print_area(self, sheet: str, cells: str, name: str) -> None:
        """Print `cells` of the sheet, and point its sheet-local `name` at them too."""
        ...

    def formatting(self, sheet: str) -> AbstractContextManager[bool]:
        """Inside the block, cells of `sheet` can be coloured: a protection that forbids
        formatting is lifted and put back with the same options on exit. Yields False when it
        cannot be lifted (a password tdkt does not know)."""
        ...


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
        import io

        buffer = io.BytesIO()
        self.book.save(buffer)
        write_atomic(path or self._path, buffer.getvalue())
