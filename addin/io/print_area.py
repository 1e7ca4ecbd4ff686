"""Where a unit table's printed block ends, and the rows typed below it.

The template prints a fixed block of rows (LibreOffice prints every formula row and ignores a
print area given by a formula). A sheet-local name holds the same range as the print area, so
the sheet's check line can count the rows a print would leave out, and the add-in's "Kiểm tra",
which widens the print area to the filled rows, moves the name with it. The name refers to a
range, not a number, so inserting or deleting rows moves it as Excel moves the print area.
"""

from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

PRINT_END = "TDKT_VUNG_IN"  # sheet-local: the range the sheet's print area covers

_AREA = re.compile(r"^(?:.*!)?\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$")


def area(last_row: int, last_col: int) -> str:
    """"$A$1:$N$19": from the first cell to Excel row `last_row` and 0-based column `last_col`."""
    # Always a range (xl_range_abs gives a single cell for one): the print-end check parses it.
    return f"$A$1:{xl_rowcol_to_cell(last_row - 1, last_col, row_abs=True, col_abs=True)}"


def refers_to(sheet: str, cells: str) -> str:
    return f"='{sheet}'!{cells}"


def define_print_end(workbook: Workbook, sheet: str, cells: str) -> None:
    workbook.define_name(f"'{sheet}'!{PRINT_END}", refers_to(sheet, cells))


def rows_outside(title: str, name: str) -> str:
    """Array expression: rows of the two column ranges (same rows) with a title or a name that
    lie below the printed block."""
    below = f"(ROW({title})>MAX(ROW({PRINT_END})))"
    filled = f'((TRIM({title})<>"")+(TRIM({name})<>"")>0)'
    return f"IFERROR(SUM({below}*{filled}),0)"


def widened(current: str | None, last_row: int, last_col: int) -> str:
    """The print area reaching down to Excel row `last_row` at least: the current area's
    columns, first row (the header and the check line) and blank rows to write in by hand are
    kept; without an area, from A1 to column `last_col`."""
    found = _AREA.match(current.replace("'", "")) if current else None
    if found is None:
        return area(last_row, last_col)
    first_col, first_row, end_col, end_row = found.groups()
    return f"${first_col}${first_row}:${end_col}${max(last_row, int(end_row))}"
