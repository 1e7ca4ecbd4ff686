"""Shared pieces of every workbook tdkt writes: formats, print set-up, safe text, atomic save."""

from __future__ import annotations

import datetime as dt
import glob
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

FONT = "Times New Roman"
# Excel refuses a file whose cell holds more characters than this.
EXCEL_MAX_TEXT = 32_767
TRUNCATED = "…[cắt bớt]"


def fit_text(text: str) -> str:
    """Crafted inputs can carry longer texts than Excel allows in a cell; cut them visibly."""
    if len(text) <= EXCEL_MAX_TEXT:
        return text
    return text[: EXCEL_MAX_TEXT - len(TRUNCATED)] + TRUNCATED
# A fixed creation time keeps outputs byte-identical for identical inputs.
FIXED_CREATED = dt.datetime(2000, 1, 1)
A4 = 9


def new_workbook(buffer: io.BytesIO, title: str) -> Workbook:
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    workbook.set_properties({"title": title, "author": "tdkt", "created": FIXED_CREATED,
                             "comments": "Tạo bởi tdkt"})
    workbook.formats[0].set_font_name(FONT)
    return workbook


class Styles:
    """The handful of formats every sheet uses, created once per workbook."""

    def __init__(self, workbook: Workbook) -> None:
        def fmt(**props: Any) -> Format:
            return workbook.add_format({"font_name": FONT, "font_size": 11, **props})

        border = {"border": 1, "valign": "vcenter"}
        self.title = fmt(bold=True, font_size=14, align="center", valign="vcenter")
        self.subtitle = fmt(italic=True, align="center")
        self.label = fmt(bold=True)
        self.text = fmt()
        self.wrap = fmt(text_wrap=True, valign="top")
        self.header = fmt(bold=True, text_wrap=True, align="center", bg_color="#DDEBF7", **border)
        self.cell = fmt(**border)
        self.cell_wrap = fmt(text_wrap=True, **border)
        self.int = fmt(num_format="0", **border)
        self.pct = fmt(num_format="0.00", **border)
        self.center = fmt(align="center", **border)
        self.input = fmt(locked=False, bg_color="#FFF2CC", **border)
        self.input_int = fmt(locked=False, num_format="0", bg_color="#FFF2CC", **border)
        self.input_date = fmt(locked=False, num_format="dd/mm/yyyy", bg_color="#FFF2CC",
                              **border)
        self.formula = fmt(bg_color="#F2F2F2", **border)
        self.formula_pct = fmt(num_format="0.00", bg_color="#F2F2F2", **border)
        self.formula_int = fmt(num_format="0", bg_color="#F2F2F2", **border)
        self.total = fmt(bold=True, num_format="0", bg_color="#E2EFDA", **border)
        self.total_label = fmt(bold=True, bg_color="#E2EFDA", **border)
        self.error = fmt(bg_color="#F8CBAD", **border)
        self.warning = fmt(bg_color="#FFE699", **border)
        self.ok = fmt(bg_color="#C6EFCE", **border)
        self.bad = fmt(bg_color="#FFC7CE", **border)


def print_setup(sheet: Worksheet, header_first: int, header_last: int) -> None:
    """A4 landscape, header rows repeated, one page wide (contracts.md §5)."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.repeat_rows(header_first, header_last)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C&\"Times New Roman\"Trang &P/&N")


def write_text(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None = None
               ) -> None:
    """User text is always written as a string cell: '=SUM(A1)' stays text, never a formula."""
    text = "" if value is None else str(value)
    if text == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, fit_text(text), fmt)


def write_number(sheet: Worksheet, row: int, col: int, value: float | int | None,
                 fmt: Format | None = None) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def finish(workbook: Workbook, buffer: io.BytesIO) -> bytes:
    workbook.close()
    return buffer.getvalue()


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename over it:
    a crash leaves the old file or the new one, never half of one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.part"):  # left by a kill
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
