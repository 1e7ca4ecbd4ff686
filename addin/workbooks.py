"""A small interface to an open workbook, so that the macros run the same code inside Excel
(xlwings, addin.macros.XlwingsBook) and headless on a file in the tests (tests/file_book.py,
over openpyxl: a test-only dependency)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

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
