"""Shared pieces of every workbook tdkt writes: formats, print set-up, safe text, atomic save."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import stat
import time
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain import labels as L
from addin.io.cells import to_number

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
# In every output tdkt writes (its "comments" property): tdkt overwrites only such files.
TDKT_MARK = "Tạo bởi tdkt"
# Templates carry another mark: staff fill them in (Excel keeps the properties when they save),
# so a file that began as a template is never "a tdkt output" that may be replaced.
TEMPLATE_MARK = "Mẫu của tdkt (để điền số liệu)"
# Sheets of the workbooks staff fill in (unit workbook; the cluster template's covenant): a file
# holding one is theirs, whatever its properties say (templates of earlier versions carried
# TDKT_MARK too).
FILLED_SHEETS = (F.SHEET_INFO, L.SHEET_COVENANT)
# The keywords property of every output; LibreOffice's PDF export carries it as /Keywords.
PDF_KEYWORD = "tdkt"


def new_workbook(buffer: io.BytesIO, title: str, template: bool = False) -> Workbook:
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    properties = {"title": title, "author": "tdkt", "created": FIXED_CREATED,
                  "comments": TEMPLATE_MARK if template else TDKT_MARK}
    if not template:  # LibreOffice copies keywords into the PDF it prints: see pdf_by_tdkt
        properties["keywords"] = PDF_KEYWORD
    workbook.set_properties(properties)
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
        self.input_wrap = fmt(locked=False, bg_color="#FFF2CC", text_wrap=True, **border)
        self.input_int = fmt(locked=False, num_format="0", bg_color="#FFF2CC", **border)
        self.formula = fmt(bg_color="#F2F2F2", **border)
        self.formula_wrap = fmt(bg_color="#F2F2F2", text_wrap=True, **border)
        self.formula_pct = fmt(num_format="0.00", bg_color="#F2F2F2", **border)
        self.formula_int = fmt(num_format="0", bg_color="#F2F2F2", **border)
        self.total = fmt(bold=True, num_format="0", bg_color="#E2EFDA", **border)
        self.total_label = fmt(bold=True, bg_color="#E2EFDA", **border)
        self.error = fmt(bg_color="#F8CBAD", **border)
        self.warning = fmt(bg_color="#FFE699", **border)
        self.warning_wrap = fmt(bg_color="#FFE699", text_wrap=True, **border)
        self.ok = fmt(bg_color="#C6EFCE", **border)
        self.bad = fmt(bg_color="#FFC7CE", **border)
        self.bad_wrap = fmt(bg_color="#FFC7CE", text_wrap=True, **border)
        # The national header and signature blocks of printed pages (addin.io.page_blocks).
        self.page_bold = fmt(bold=True, align="center", valign="vcenter", text_wrap=True)
        self.page_italic = fmt(italic=True, align="center", valign="vcenter", text_wrap=True)
        self.page_name = fmt(bold=True, align="center", valign="bottom", text_wrap=True)
        self.page_title = fmt(bold=True, font_size=13, align="center", valign="vcenter",
                              text_wrap=True)


def page_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide, the margins and the "Trang x/y" footer of every printed
    sheet (a sheet with no table header to repeat, e.g. a sheet of charts, uses this alone)."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C&\"Times New Roman\"Trang &P/&N")


def print_setup(sheet: Worksheet, header_first: int, header_last: int) -> None:
    """A4 landscape, header rows repeated, one page wide (contracts.md §5)."""
    page_setup(sheet)
    sheet.repeat_rows(header_first, header_last)


# A sheet written without rows (the lists of the blank cluster template) prints this many rows
# under its header: what a chair types there prints, and the empty pages after it do not (Excel
# and LibreOffice leave out blank pages at the end of a print area). So the number costs nothing
# and only has to pass any list typed by hand. Another fact than unit_template.COUNTED_LAST_ROW,
# the same number by chance: that one is the last row the unit template's formulas read, bounded
# by their cost. Nothing counts the rows of these lists; and the blank unit template prints
# only PRINT_BLANK_ROWS rows, as LibreOffice prints every row of an area that holds a formula.
OPEN_PRINT_ROWS = 10_000


def print_columns(sheet: Worksheet, header_row: int, last_row: int, last_col: int) -> None:
    """Print columns A to `last_col` only: the columns after it are for the screen and the next
    level, not for the page. Down to `last_row`, or, when the sheet has no rows under its header
    (`last_row` <= `header_row`), OPEN_PRINT_ROWS rows under it for the rows typed there. (A
    range of whole columns would do, but openpyxl drops one when it opens the file.)"""
    bottom = last_row if last_row > header_row else header_row + OPEN_PRINT_ROWS
    sheet.print_area(0, 0, bottom, last_col)


def write_text(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None = None
               ) -> None:
    """User text is always written as a string cell: '=SUM(A1)' stays text, never a formula."""
    text = "" if value is None else str(value)
    if text == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, fit_text(text), fmt)


def write_as_typed(sheet: Worksheet, row: int, col: int, value: object, fmt: Format) -> None:
    """A value staff typed where a number belongs, kept as it was: a number stays a number, text
    stays text ("15" typed as text, "mười"), nothing stays blank — so the checks see it."""
    number, _ = to_number(value)
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif number is not None and not isinstance(value, str):
        sheet.write_number(row, col, number, fmt)
    else:
        write_text(sheet, row, col, value, fmt)


def write_number(sheet: Worksheet, row: int, col: int, value: float | int | None,
                 fmt: Format | None = None) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def finish(workbook: Workbook, buffer: io.BytesIO) -> bytes:
    workbook.close()
    return buffer.getvalue()


# Temporary files of write_atomic: ".<target name>.<random>.tdkt-part" beside the target. Only
# files of exactly this form, older than STALE_AFTER (a kill, a power cut), are ever removed:
# a younger one may belong to another run writing the same output right now.
_TEMP_SUFFIX = ".tdkt-part"
STALE_AFTER = 15 * 60  # seconds; writing a report takes seconds
_TEMP_TOKEN = re.compile(r"[0-9a-f]{16}")


def _remove_stale(target: Path) -> None:
    prefix = f".{target.name}."
    now = time.time()
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)):
            continue
        if not _TEMP_TOKEN.fullmatch(name[len(prefix):-len(_TEMP_SUFFIX)]):
            continue
        path = target.parent / name
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER:
                path.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename over it:
    a crash leaves the old file or the new one, never half of one. Concurrent writers of the
    same target each use their own temporary file; the last rename wins whole."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)  # keep an existing file's permissions
    except OSError:
        mode = None
    tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}{_TEMP_SUFFIX}"
    # 0o666 filtered by the process umask in the kernel: no umask() call, no race with threads.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:  # owns fd from here: closed on every path
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def written_by_tdkt(path: str | Path) -> bool:
    """Whether an existing file is an output tdkt wrote (its properties carry TDKT_MARK) and not
    a workbook staff fill in (a template, a unit workbook, a cluster template)."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = [package.getinfo(n) for n in ("docProps/core.xml", "xl/workbook.xml")]
            if any(info.file_size > 1024 * 1024 for info in parts):
                return False
            core, book = (package.read(info) for info in parts)
            if TDKT_MARK.encode() not in core:
                return False
            return not any(f'name="{name}"'.encode() in book for name in FILLED_SHEETS)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError):
        return False
