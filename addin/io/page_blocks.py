"""The national header and the signature block of every printed report, written here once.

Header (top of the sheet): the issuing unit on the left; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
"Độc lập - Tự do - Hạnh phúc" and "…, ngày dd tháng mm năm yyyy" on the right; then the title
and its explaining lines across the page. Signature (under the table): "NGƯỜI LẬP BIỂU" on the
left, the signer's role ("CỤM TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ") on the right, room to sign, and the
names when they are known. Blocks span the table's columns, split where the column widths
reach about 40 % of the page, so they print inside the width the table fits to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from addin.domain import labels as L
from addin.domain.report_details import ReportDetails
from addin.io.sheet_spec import PADDING_WIDTH, PT_PER_PX, PT_PER_WIDTH, row_height
from addin.io.xlsx_common import Styles

LEFT_SHARE = 0.4  # of the table's width, for the issuing unit and the preparer
SIGN_ROOM_PT = 54.0  # blank space to sign in
# The printable A4 landscape page inside print_setup's margins (0.5" sides, 0.6" top/bottom),
# in points; a column prints PT_PER_WIDTH a width unit plus its padding (sheet_spec).
# Fit-to-width scales by a whole percent, rounded down.
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 769.9, 508.9
BLOCK_SLACK_PT = 6.0  # the estimate's margin of error near the block (printed points)


@dataclass(frozen=True, slots=True)
class PageHead:
    title: str
    lines: Sequence[str] = ()  # italic lines under the title (period, rules book…)
    issuer: str = ""  # the issuing unit, upper-cased on the page; dots when not known
    date: str = ""  # dd/mm/yyyy; dots when not known
    place: str = ""


@dataclass(frozen=True, slots=True)
class Signers:
    role: str = L.CHAIR  # the right-hand signer
    hint: str = L.SIGN_STAMP_HINT
    name: str = ""
    preparer: str = ""

    @classmethod
    def of(cls, details: ReportDetails, role: str) -> Signers:
        """The signers a rules file's [bao_cao] names; `role` where it names none."""
        return cls(role=details.signer_role.upper() or role, name=details.signer,
                   preparer=details.preparer)


def _split(widths: Sequence[float]) -> int:
    """Index of the first column of the right-hand half."""
    if len(widths) < 2:
        return len(widths)
    total, run = sum(widths), 0.0
    for c, width in enumerate(widths[:-1]):
        run += width
        if run >= LEFT_SHARE * total:
            return c + 1
    return len(widths) - 1


def _span(sheet: Worksheet, row: int, first: int, last: int, text: str, fmt: Format) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    elif last == first:
        sheet.write_string(row, first, text, fmt)


def _width(widths: Sequence[float], first: int, last: int) -> float:
    return sum(widths[first:last + 1]) or 10.0


def national_header(sheet: Worksheet, styles: Styles, widths: Sequence[float], head: PageHead
                    ) -> int:
    """Write the header block from row 0; return the first free row (after a blank one)."""
    split, last = _split(widths), len(widths) - 1
    left_w, right_w = _width(widths, 0, split - 1), _width(widths, split, last)
    issuer = head.issuer.strip().upper() or L.UNNAMED_ISSUER
    rows = [((issuer, styles.page_bold), (L.NATION, styles.page_bold)),
            (("", None), (L.MOTTO, styles.page_bold)),
            (("", None), (L.date_line(head.date, head.place), styles.page_italic))]
    for r, ((left, left_fmt), (right, right_fmt)) in enumerate(rows):
        if left and left_fmt is not None and split > 0:
            _span(sheet, r, 0, split - 1, left, left_fmt)
        _span(sheet, r, split, last, right, right_fmt)
        sheet.set_row(r, row_height([(left, left_w * 0.9), (right, right_w * 0.9)], 17.0))
    row = len(rows) + 1
    full = _width(widths, 0, last)
    _span(sheet, row, 0, last, head.title, styles.page_title)
    sheet.set_row(row, row_height([(head.title, full * 0.8)], 20.0))
    for text in head.lines:
        row += 1
        _span(sheet, row, 0, last, text, styles.page_italic)
        sheet.set_row(row, row_height([(text, full)]))
    return row + 2


def print_scale(widths: Sequence[float]) -> float:
    """The scale LibreOffice prints a sheet of these column widths at, fitted one page wide."""
    table = sum((w + PADDING_WIDTH) * PT_PER_WIDTH for w in widths)
    if table <= PAGE_WIDTH_PT:
        return 1.0
    return max(10, int(100 * PAGE_WIDTH_PT / table)) / 100


def _row_pt(sheet: Worksheet, row: int) -> float:
    info = sheet.row_info.get(row)  # XlsxWriter keeps row heights in pixels
    if info is not None and info.hidden:
        return 0.0
    pixels = info.height if info is not None and info.height is not None else None
    return PT_PER_PX * float(sheet.default_row_height if pixels is None else pixels)


def keep_together(sheet: Worksheet, first: int, last: int, widths: Sequence[float],
                  header_rows: tuple[int, int] | None) -> None:
    """Break the page before `first` when rows first..last would straddle a page end, and only
    then: the rows are laid out as LibreOffice prints them (the sheet one page wide, at
    `print_scale`; `header_rows` repeated at the top of every page after the first). An
    estimate from the rows' set heights (a row LibreOffice grows itself is not counted), with a
    few points to spare: good enough to keep a signature block whole and with its table, and a
    chart (an image over rows, which LibreOffice would cut at the page end) whole."""
    page = PAGE_HEIGHT_PT / print_scale(widths)  # in the sheet's own points
    slack = BLOCK_SLACK_PT / print_scale(widths)
    repeated = (0.0 if header_rows is None else
                sum(_row_pt(sheet, r) for r in range(header_rows[0], header_rows[1] + 1)))
    breaks = set(sheet.hbreaks)
    used = 0.0
    for r in range(last + 1):
        height = _row_pt(sheet, r)
        in_block = first <= r <= last
        if r in breaks or used + height > page - (slack if in_block else 0.0):
            if in_block:  # the page ends in (or just at) the block: it starts the next page
                sheet.set_h_pagebreaks(sorted(breaks | {first}))
                return
            used = repeated if header_rows is not None and r > header_rows[1] else 0.0
        used += height


def keep_with_next(sheet: Worksheet, first: int, last: int, widths: Sequence[float],
                   header_rows: tuple[int, int] | None = None) -> None:
    """Keep rows first..last on one page (a table's caption with its first rows, so that a
    caption is never left alone at the foot of a page)."""
    keep_together(sheet, first, last, widths, header_rows)


def signature_block(sheet: Worksheet, styles: Styles, row: int, widths: Sequence[float],
                    signers: Signers, header_rows: tuple[int, int] | None = None) -> int:
    """Write the signature block from `row` (leave a blank row above it); return the row after.
    `header_rows`: the table's header, repeated on every printed page (print_setup's)."""
    split, last = _split(widths), len(widths) - 1
    lines = ((L.PREPARER, signers.role, styles.page_bold),
             (L.SIGN_HINT, signers.hint, styles.page_italic))
    for r, (left, right, fmt) in enumerate(lines, start=row):
        if split > 0:
            _span(sheet, r, 0, split - 1, left, fmt)
        _span(sheet, r, split, last, right, fmt)
    # The names sit at the foot of the room to sign: the block is as tall with names as
    # without, so a page that held the blank block holds the named one (no name alone on a
    # page of its own).
    names = row + len(lines)
    sheet.set_row(names, SIGN_ROOM_PT)
    if signers.preparer and split > 0:
        _span(sheet, names, 0, split - 1, signers.preparer, styles.page_name)
    if signers.name:
        _span(sheet, names, split, last, signers.name, styles.page_name)
    keep_together(sheet, row, names, widths, header_rows)
    return names + 1
