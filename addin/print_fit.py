"""The "Kiểm tra" macro's print step: each table prints all its filled rows.

A unit table's print area is fixed when the template is built (LibreOffice ignores a print
area given by a formula), so rows typed below it would not print. "Kiểm tra" sets each table's
print area to its filled rows (the header and the check line above them stay in it) and moves
the sheet-local name the check line compares with, so the warning goes away with the cause.
"""

from __future__ import annotations

from addin.domain.models import UnitWorkbook
from addin.io.print_area import PRINT_END, widened
from addin.workbooks import BookPort


def _column_number(letters: str) -> int:
    """0-based column of "A", "N", "AB"."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def fit_print_areas(port: BookPort, book: UnitWorkbook) -> None:
    last_rows: dict[str, int] = {}
    last_cols: dict[str, int] = {}
    for nom in book.nominations:
        last_rows[nom.sheet] = max(last_rows.get(nom.sheet, 0), nom.row)
        columns = [_column_number(c) for c in nom.columns.values()]
        last_cols[nom.sheet] = max([last_cols.get(nom.sheet, 0), *columns])
    for sheet, last_row in sorted(last_rows.items()):
        cells = widened(port.print_area(sheet), last_row, last_cols[sheet])
        port.set_print_area(sheet, cells, PRINT_END)
