"""Declared sheets: a table is a list of columns (key, header, width, style, wrap), written by one
function that also sizes each row for its wrapped text. Columns may share a group: their header
is then a band of two rows (write_header_band), the group over its columns' own headers.

Neither LibreOffice nor Excel grows a row written with a height for wrapped text, and
LibreOffice does not grow one written without (its cells then print over their neighbours), so
heights are computed here from the text and the column width.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from addin.io.xlsx_common import Styles, write_number, write_text

# Times New Roman 11: a line is 15 pt; a column of width w holds about 1.1·w characters of
# Vietnamese text (narrower than the "0" Excel measures widths by); a little slack per row.
LINE_PT = 15.0
ROW_PAD_PT = 3.0
CHARS_PER_UNIT = 1.1
HEADER_MIN_PT = 32.0
MAX_ROW_PT = 409.0  # Excel's largest row height

# Notes across a whole table (write_notes) are sized from the text's real width instead: the
# advance widths of Times New Roman (and of Liberation Serif, its metric twin LibreOffice prints
# with), in thousandths of an em, of the characters in "!"…"~" order, then a few others. A
# Vietnamese letter is as wide as its base letter but ơ, ư (and Ư). Unknown characters count a
# full em (never too narrow).
_EM_ASCII = (333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
             500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667,
             667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556,
             611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500,
             444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500,
             500, 722, 500, 500, 444, 480, 200, 480, 541)
_EM: dict[str, int] = {" ": 250, **{chr(33 + i): w for i, w in enumerate(_EM_ASCII)},
                       "đ": 500, "Đ": 722, "ơ": 529, "ư": 542, "Ư": 776, "“": 444, "”": 444,
                       "‘": 333, "’": 333, "–": 500, "—": 1000, "…": 1000, "•": 350, "›": 333}
# Excel lays a column of width w out as 7w + 5 pixels of the default font (LibreOffice a little
# wider): the narrower of the two, less the cell's margins, is the width text wraps in.
NOTE_LINE_PT = 12.75  # a line of Times New Roman 11 (LibreOffice: 12.2)
NOTE_MARGIN_PT = 6.0
FONT_PT = 11.0
PX_PER_WIDTH, PADDING_PX = 7, 5  # Excel: a column of width w is 7w + 5 pixels
PT_PER_PX = 0.75
# LibreOffice prints a column of width w (Excel's characters) as w + 5/7 characters (the 5 px of
# padding) of the default font's digit width: Times New Roman 11's digit is half an em, 5.5 pt
# (measured on the demo's PDFs: 144 width units in 14 columns print at 90 %, 159 in 9 at 84 %).
PT_PER_WIDTH, PADDING_WIDTH = FONT_PT / 2, PADDING_PX / PX_PER_WIDTH
# Nothing a signer reads prints smaller: a sheet of FONT_PT prints at this scale at least (a
# whole percent, as fit-to-width scales), a chart's labels are sized to print at it.
MIN_PRINTED_PT = 8.0
MIN_PRINT_SCALE = math.ceil(100 * MIN_PRINTED_PT / FONT_PT) / 100  # 73 %


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: float
    style: str = "cell"  # an attribute of xlsx_common.Styles
    wrap: bool = False  # long text wraps inside the column (the row grows)
    group: str = ""  # a header over adjacent columns of the same group (write_header_band)


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with a style of its own (a verdict coloured by its outcome)."""

    value: object
    style: str


def greedy_lines(text: str, width: float, measure: Callable[[str], float], space: float,
                 cut: Callable[[str, float], int]) -> int:
    """Lines `text` takes in a line `width` wide, wrapped as a spreadsheet wraps it: at each line
    break of the text, and at spaces, greedily (a word goes on the line when it fits there, after
    a `space`); a word too long for a line breaks anywhere, `cut(word, width)` of its characters
    a line. `measure` is a text's width, in the unit of `width` (characters, or printed points).
    The one line-breaking rule of wrapped_lines (the bulk rows' heights: a hot path, with plain
    len) and fitted_lines (notes, in points)."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used: float = 0  # the width of the current line
        for word in paragraph.split():
            size = measure(word)
            if used and used + space + size <= width:
                used += space + size
                continue
            if used:
                lines += 1
            while size > width:  # a path or a long code breaks anywhere
                word = word[cut(word, width):]
                size = measure(word)
                lines += 1
            used = size
    return lines


@cache  # a few widths, asked for every row: looked up, not computed
def line_chars(width: float) -> int:
    """The characters a line of a column `width` wide holds (CHARS_PER_UNIT a width unit, less
    one unit of the cell's margins; one at least)."""
    return max(1, int((width - 1) * CHARS_PER_UNIT))


def _cut_chars(word: str, capacity: float) -> int:
    return int(capacity)  # a whole line of characters


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` wide, counted in characters (line_chars)."""
    return greedy_lines(text, line_chars(width), len, 1, _cut_chars)


def text_pt(text: str, size: float = FONT_PT) -> float:
    """The printed width of `text` in Times New Roman `size`."""
    total = 0
    for ch in text:
        em = _EM.get(ch)
        if em is None:
            em = _EM.get(unicodedata.normalize("NFD", ch)[:1], 1000)
        total += em
    return total * size / 1000


def column_pt(widths: Sequence[float]) -> float:
    """The width text wraps in across columns of these widths (Excel's layout, the narrower)."""
    return sum(PT_PER_PX * (PX_PER_WIDTH * w + PADDING_PX) for w in widths) - NOTE_MARGIN_PT


def _cut_points(word: str, width_pt: float) -> int:
    """The characters of `word` that fill a line of `width_pt` (one at least)."""
    cut = len(word)
    while cut > 1 and text_pt(word[:cut]) > width_pt:
        cut -= 1
    return cut


def fitted_lines(text: str, width_pt: float) -> int:
    """Lines `text` takes in `width_pt`, measured in printed points (text_pt)."""
    return greedy_lines(text, width_pt, text_pt, text_pt(" "), _cut_points)


def note_height(text: str, widths: Sequence[float]) -> float | None:
    """The height of a note row across columns of these widths; None when one line holds it."""
    lines = fitted_lines(text, column_pt(widths))
    return None if lines <= 1 else min(MAX_ROW_PT, NOTE_LINE_PT * lines + ROW_PAD_PT)


def row_height(cells: Iterable[tuple[object, float]], minimum: float = 0.0) -> float | None:
    """The height a row of wrapped cells (value, column width) needs; None when one line does
    (and no minimum is asked), so the row keeps the sheet's default height."""
    lines = max((wrapped_lines(str(v), w) for v, w in cells if isinstance(v, str) and v),
                default=1)
    if lines <= 1 and not minimum:
        return None
    return lines_height(lines, minimum)


def lines_height(lines: int, minimum: float = 0.0) -> float:
    """The height of a row of `lines` lines of wrapped text (Excel's largest at most)."""
    return min(MAX_ROW_PT, max(minimum, LINE_PT * lines + ROW_PAD_PT))


def set_widths(sheet: Worksheet, columns: Sequence[Column], first_col: int = 0) -> None:
    for c, column in enumerate(columns, start=first_col):
        sheet.set_column(c, c, column.width)


def write_header(sheet: Worksheet, styles: Styles, row: int, columns: Sequence[Column],
                 first_col: int = 0) -> None:
    set_widths(sheet, columns, first_col)
    for c, column in enumerate(columns, start=first_col):
        sheet.write_string(row, c, column.header, styles.header)
    sheet.set_row(row, row_height(((c.header, c.width) for c in columns), HEADER_MIN_PT))


def write_header_band(sheet: Worksheet, styles: Styles, row: int, columns: Sequence[Column],
                      first_col: int = 0, min_top: float = 0.0) -> int:
    """A header of two rows: a column of no group spans both; each run of adjacent columns of
    one group has the group's text merged over it and the columns' own headers below. Returns
    the first row under the band. Rows grow for wrapped texts ("6 tháng đầu năm 2024" in a
    column of 11), as `write_header`'s: a group's text in its run's width, the headers below in
    their columns', and a header spanning both rows in the two together. `min_top`: the least
    height of the band's first row (the summaries' title names: HEADER_MIN_PT)."""
    set_widths(sheet, columns, first_col)
    top: list[tuple[object, float]] = []
    below: list[tuple[object, float]] = []
    spanning: list[tuple[object, float]] = []
    c = first_col
    for group, run in groupby(columns, key=lambda column: column.group):
        members = list(run)
        if not group:
            for column in members:
                sheet.merge_range(row, c, row + 1, c, column.header, styles.header)
                spanning.append((column.header, column.width))
                c += 1
            continue
        top.append((group, sum(m.width for m in members)))
        below.extend((m.header, m.width) for m in members)
        if len(members) > 1:
            sheet.merge_range(row, c, row, c + len(members) - 1, group, styles.header)
        else:  # one cell is not a merge (XlsxWriter refuses it)
            sheet.write_string(row, c, group, styles.header)
        for column in members:
            sheet.write_string(row + 1, c, column.header, styles.header)
            c += 1
    top_pt = row_height(top, min_top) or LINE_PT
    below_pt = row_height(below) or LINE_PT
    both_pt = row_height(spanning) or LINE_PT
    below_pt = min(MAX_ROW_PT, max(below_pt, both_pt - top_pt))  # the spanning headers fit too
    if top_pt != LINE_PT:
        sheet.set_row(row, top_pt)
    if below_pt != LINE_PT:
        sheet.set_row(row + 1, below_pt)
    return row + 2


def cell_format(styles: Styles, column: Column, style: str | None = None) -> Format:
    fmt: Format = getattr(styles, style or ("cell_wrap" if column.wrap else column.style))
    return fmt


def write_cells(sheet: Worksheet, styles: Styles, row: int, columns: Sequence[Column],
                values: Sequence[object], first_col: int = 0, min_height: float = 0.0) -> None:
    """One row of a declared table; its height follows its wrapped columns (at least
    `min_height` when one is given)."""
    wrapped: list[tuple[object, float]] = []
    for c, (column, given) in enumerate(zip(columns, values, strict=True), start=first_col):
        value, style = (given.value, given.style) if isinstance(given, Styled) else (given, None)
        fmt = cell_format(styles, column, style)
        if isinstance(value, bool) or not isinstance(value, int | float) and value is not None:
            write_text(sheet, row, c, value, fmt)
            if column.wrap:
                wrapped.append((str(value), column.width))
        else:
            write_number(sheet, row, c, value, fmt)
    height = row_height(wrapped, min_height)
    if height is not None:
        sheet.set_row(row, height)


def write_table(sheet: Worksheet, styles: Styles, header_row: int, columns: Sequence[Column],
                rows: Iterable[Sequence[object]]) -> int:
    """Header and rows; returns the last row written (the header's when there is none)."""
    write_header(sheet, styles, header_row, columns)
    row = header_row
    for values in rows:
        row += 1
        write_cells(sheet, styles, row, columns, values)
    return row


def write_notes(sheet: Worksheet, styles: Styles, row: int, texts: Sequence[str],
                widths: Sequence[float]) -> int:
    """Notes under a table, each across its width, each row as tall as its wrapped text (from
    the text's printed width: no blank line under it, nothing cut); returns the row after the
    last (`row` itself when there is none)."""
    for text in texts:
        sheet.merge_range(row, 0, row, len(widths) - 1, text, styles.wrap)
        height = note_height(text, widths)
        if height is not None:
            sheet.set_row(row, height)
        row += 1
    return row


def put_to_use(formats: Iterable[Format]) -> None:
    """Give formats their style index now: rows spliced in after the workbook closes
    (addin.io.fast_rows) can only use formats XlsxWriter wrote. `_get_xf_index` is what every
    XlsxWriter write calls (an internal, like the style indices fast_rows reads)."""
    for fmt in formats:
        fmt._get_xf_index()


class RowSizer:
    """Heights of many rows of one declared table, fast enough for the bulk sheets (500,000
    rows): only the wrapped columns are looked at, a text shorter than its column's line is
    one line without splitting it, and repeated texts (units, titles, files) are sized once."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self._wrapped = [(i, line_chars(c.width)) for i, c in enumerate(columns) if c.wrap]
        self._seen: dict[tuple[str, int], int] = {}

    def height(self, values: Sequence[object]) -> float | None:
        lines = 1
        for i, capacity in self._wrapped:
            text = values[i]
            if isinstance(text, str) and len(text) > capacity:
                key = (text, capacity)
                found = self._seen.get(key)
                if found is None:
                    if len(self._seen) > 100_000:  # personal texts do not repeat: bound memory
                        self._seen.clear()
                    found = self._seen[key] = greedy_lines(text, capacity, len, 1, _cut_chars)
                lines = max(lines, found)
        return None if lines <= 1 else lines_height(lines)
