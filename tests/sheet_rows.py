"""Finding rows in the printed reports: tables sit under the national header block, so tests
look their header row up by its text instead of counting rows."""

from __future__ import annotations

from typing import Any


def header_row(sheet: Any, text: str, column: int = 1) -> int:
    """1-based row whose cell in `column` (1-based) holds `text`, within the first 20 rows."""
    for r in range(1, 21):
        if sheet.cell(r, column).value == text:
            return r
    raise AssertionError(f"no row with {text!r} in column {column} of {sheet.title}")


def top_texts(sheet: Any, rows: int = 10) -> list[str]:
    """Every text of the first rows (the header block)."""
    return [str(c.value) for row in sheet.iter_rows(max_row=rows) for c in row
            if c.value is not None]


def swap_info_rows(info: Any) -> None:
    """Staff reorder "Thông tin" (contracts.md §1: rows in any order): unit <-> headcount,
    period <-> subunits, label and value together."""
    rows = {info.cell(r, 1).value: r for r in range(1, 12) if info.cell(r, 1).value}
    for a, b in (("Đơn vị", "Quân số"), ("Kỳ báo cáo", "Số đầu mối")):
        for c in (1, 2):
            first, second = info.cell(rows[a], c), info.cell(rows[b], c)
            first.value, second.value = second.value, first.value
