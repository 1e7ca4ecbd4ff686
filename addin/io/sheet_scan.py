"""One streaming pass over a worksheet part before the native reader sees it: how large a grid
its cells span, and which cells hold Excel errors (#REF!, #DIV/0!…), which value readers
silently turn into blanks.

The native reader allocates the whole grid from the largest row and column it meets (one cell at
XFD1048576 is 17 billion cells) and reserves memory from the declared `<dimension>`, so both are
read here the way an XML parser reads them: any namespace prefix, any attribute order, any
whitespace, rows and cells with or without their `r` reference. Anything that cannot be placed
on Excel's grid is refused. This is the first guard; the reader also runs in a worker process
with memory and time limits (addin.io.sandbox), so a file that gets past it still cannot take a
run down.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import IO
from xml.parsers import expat

from addin.io.cells import column_letter

# A sheet's cells as a dense grid (what the parser allocates): a large unit has ~50,000.
MAX_SHEET_CELLS = 5_000_000
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
MAX_SHEET_BYTES = 256 * 1024 * 1024  # what a sheet part may inflate to, counted as it is read
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_ROW = re.compile(r"[1-9][0-9]{0,6}")


class UnsafeWorkbook(Exception):
    """The file must not be parsed; the message (Vietnamese) says why."""


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


class _Scan:
    """Expat callbacks; positions follow the reader's rules (a row or cell without `r` is the
    one after the previous)."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.error_at: tuple[int, int] | None = None
        self.value: list[str] | None = None
        self.errors: dict[tuple[int, str], str] = {}

    def refuse(self, why: str) -> UnsafeWorkbook:
        return UnsafeWorkbook(f'trang "{self.sheet}" {why}')

    def too_large(self) -> UnsafeWorkbook:
        return self.refuse(f"có kích thước bất thường ({self.max_row:,} dòng × "
                           f"{self.max_col:,} cột, {self.cells:,} ô)")

    def ref(self, text: str) -> tuple[int, int]:
        match = _REF.fullmatch(text)
        if match is None:
            raise self.refuse(f'có tham chiếu ô không hợp lệ ("{text[:20]}")')
        row, col = int(match.group(2)), _column_number(match.group(1))
        if row > EXCEL_ROWS or col > EXCEL_COLUMNS:
            raise self.refuse(f'có ô nằm ngoài bảng tính Excel ("{text}")')
        return row, col

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]  # "namespace-uri local" with the separator below
        if local == "c":
            self.cell(attrs)
        elif local == "v":
            if self.error_at is not None:
                self.value = []
        elif local == "row":
            given = attrs.get("r")
            if given is None:
                self.row += 1
            elif _ROW.fullmatch(given) and int(given) <= EXCEL_ROWS:
                self.row = int(given)
            else:
                raise self.refuse(f'có số dòng không hợp lệ ("{given[:20]}")')
            self.col = 0
        elif local == "dimension":
            self.dimension(attrs.get("ref", ""))

    def cell(self, attrs: dict[str, str]) -> None:
        given = attrs.get("r")
        if given is None:
            row, col = max(self.row, 1), self.col + 1
            if col > EXCEL_COLUMNS:
                raise self.refuse("có dòng nhiều ô hơn số cột của Excel")
        else:
            row, col = self.ref(given)
        self.col = col
        self.cells += 1
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        if self.max_row * self.max_col > MAX_SHEET_CELLS or self.cells > MAX_SHEET_CELLS:
            raise self.too_large()
        self.error_at = (row, col) if attrs.get("t") == "e" else None

    def dimension(self, ref: str) -> None:
        corners = [self.ref(part) for part in ref.split(":")] if ref else []
        if len(corners) > 2:
            raise self.refuse(f'khai báo vùng dữ liệu không hợp lệ ("{ref[:30]}")')
        # The reader reserves room for the declared range before it reads a cell.
        if corners and corners[-1][0] * corners[-1][1] > MAX_SHEET_CELLS:
            raise self.refuse(f'khai báo vùng dữ liệu quá lớn ("{ref[:30]}")')

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "v" and self.value is not None and self.error_at is not None:
            row, col = self.error_at
            self.errors[(row, column_letter(col - 1))] = "".join(self.value)[:64] or "#ERROR"
            self.value = None
        elif local == "c":
            if self.error_at is not None and (self.error_at[0], column_letter(
                    self.error_at[1] - 1)) not in self.errors:
                row, col = self.error_at
                self.errors[(row, column_letter(col - 1))] = "#ERROR"
            self.error_at = None
            self.value = None


def _no_dtd(*_args: object) -> None:
    raise UnsafeWorkbook("khai báo DTD/thực thể XML (không an toàn)")


# The fast path: what Excel, openpyxl and XlsxWriter write (every cell's reference first, in
# double quotes, no prefixed cell/row elements, no DTD, comment or CDATA). Its regular
# expressions run in C; anything they do not fully account for goes to the parser above.
_ANY_CELL = re.compile(rb"<c[\s/>]")
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[\s/>]')
# Where _ANY_CELL matches and _PLAIN_CELL does not. Both match wherever their text stands (a
# match holds one "<", at its start, so matches never hide one another): _ODD_CELL finds
# nothing exactly when the two find as many cells, and it builds no list.
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"[\s/>])[\s/>]')
# An r attribute: white space, "r", "=" (rb"\sr\s*=", written with the literal first so that
# the regular-expression engine jumps from "r" to "r" instead of trying every byte).
_ANY_R = re.compile(rb"r(?<=\sr)\s*=")
# An r attribute that does not open a cell or a row: once every cell and row is plain (each
# holds exactly one _ANY_R match, right after "<c " or "<row "), _ANY_R matches as many times
# as there are cells and rows exactly when _ODD_R finds nothing.
_ODD_R = re.compile(rb"r(?<=\sr)(?<!<c r)(?<!<row r)\s*=")
# Every row element and, where it is plain (r first, double quotes), its number (b"" where not).
_ROWS = re.compile(rb'<row(?=[\s/>])(?: r="([1-9][0-9]{0,6})"(?=[\s/>]))?')
_PREFIXED = re.compile(rb"</?[A-Za-z_][\w.\-]*:(?:c|row|dimension)[\s/>]")
# A necessary part of _PREFIXED, found ten times faster (a literal first): when it finds
# nothing, neither can _PREFIXED.
_PREFIXED_HINT = re.compile(rb":(?:c|row|dimension)[\s/>]")
# Every dimension element and, where it is plain (ref first, double quotes), its ref followed
# by the closing quote (b"" where not plain).
_DIMENSIONS = re.compile(rb'<dimension(?=[\s/>])(?: ref="([^"]*"))?')
_ERROR_CELL = re.compile(rb't="e"')  # a regular expression finds it sooner than `in`


# A cell that is not plain (_ODD_CELL's), or is plain but lies beyond a number of row digits
# (the key) or has three letters (past ZZ): one search for both, where most sheets have none.
_NOT_NEAR = {d: re.compile(rb'<c(?! r="[A-Z]{1,2}[1-9][0-9]{0,%d}"[\s/>])[\s/>]' % (d - 1))
             for d in range(1, 7)}
_TWO_LETTERS = re.compile(rb'<c r="[A-Z]{2}')
_CELL_OPENING = b'<c r="'


def _near_fits(xml: bytes, digits: int) -> bool:
    """Whether a sheet whose cells are all plain, with row numbers of at most `digits` digits
    and at most two column letters (_NOT_NEAR found none), provably fits the cell limits
    without listing its cells. Two-letter columns are looked for only where they could matter
    (a sheet of 1,000 rows or more); the cells are counted only where the part is long enough
    to hold too many (each one takes at least the bytes of its opening, and openings do not
    overlap)."""
    highest = 10**digits - 1
    columns = (702 if highest * 702 > MAX_SHEET_CELLS and _TWO_LETTERS.search(xml) else 26)
    return highest * columns <= MAX_SHEET_CELLS and (
        len(xml) <= len(_CELL_OPENING) * MAX_SHEET_CELLS
        or xml.count(_CELL_OPENING) <= MAX_SHEET_CELLS)


def _plain_scan(scan: _Scan, xml: bytes) -> bool:
    """Check a plainly written sheet with regular expressions; False when the sheet is not
    plain enough for them to be exact (the parser then decides). A plain sheet is accepted by
    bounds (its longest row number's digits, its columns' letters) without listing its cells;
    what the bounds cannot settle is counted exactly."""
    # "<!" (a DTD, comment or CDATA) cannot be there without "!", found at memchr's speed.
    if (b"!" in xml and b"<!" in xml) or _ERROR_CELL.search(xml) or (
            _PREFIXED_HINT.search(xml) and _PREFIXED.search(xml)):
        return False
    rows = _ROWS.findall(xml)
    if b"" in rows or any(len(r) == 7 and int(r) > EXCEL_ROWS for r in rows):
        return False  # a row without r, or with an odd one
    digits = max(map(len, rows), default=1)
    # Every cell plain and near: one search. Otherwise, a cell not plain is looked for apart
    # (a 7-digit row number may be past Excel's last row, a column past ZZ past XFD).
    near = digits <= 6 and not _NOT_NEAR[digits].search(xml)
    if not near and _ODD_CELL.search(xml):
        return False  # a cell without r, with r elsewhere or quoted otherwise
    if _ODD_R.search(xml):
        return False  # a second or unusual r attribute somewhere
    dimensions = _DIMENSIONS.findall(xml) if b"<dimension" in xml else []
    if b"" in dimensions:
        return False
    for ref in dimensions:
        scan.dimension(ref[:-1].decode("ascii", "replace"))
    if near and _near_fits(xml, digits):
        return True
    cells = _PLAIN_CELL.findall(xml)
    scan.cells = len(cells)
    # Distinct references first (in C): a sheet repeats a few hundred rows and columns.
    scan.max_row = max(map(int, set(map(itemgetter(1), cells))), default=0)
    scan.max_col = max(map(_column_number, {col.decode() for col in set(map(itemgetter(0), cells))}),
                       default=0)
    if scan.max_row > EXCEL_ROWS or scan.max_col > EXCEL_COLUMNS:
        raise scan.refuse("có ô nằm ngoài bảng tính Excel")
    if scan.max_row * scan.max_col > MAX_SHEET_CELLS or scan.cells > MAX_SHEET_CELLS:
        raise scan.too_large()
    return True


def scan_sheet_xml(sheet: str, stream: IO[bytes]) -> dict[tuple[int, str], str]:
    """Read a worksheet part once; raise UnsafeWorkbook if its grid is too large to hold, it
    places a cell off Excel's grid, declares a DTD, or is not XML. Returns its error cells:
    {(excel_row, column_letter): "#DIV/0!"}."""
    scan = _Scan(sheet)
    xml = stream.read(MAX_SHEET_BYTES + 1)
    if len(xml) > MAX_SHEET_BYTES:
        raise scan.refuse(f"quá lớn khi giải nén (> {MAX_SHEET_BYTES // 2**20} MB)")
    if _plain_scan(scan, xml):
        return {}
    return _parse_scan(sheet, xml)


def _parse_scan(sheet: str, xml: bytes) -> dict[tuple[int, str], str]:
    """The exact path: an XML parser, whatever the writer did."""
    scan = _Scan(sheet)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise scan.refuse(f"không phải XML hợp lệ (lỗi ở dòng {exc.lineno}, cột {exc.offset})"
                          ) from exc
    except UnsafeWorkbook as exc:
        if str(exc).startswith("khai báo DTD"):
            raise scan.refuse(str(exc)) from exc
        raise
    return scan.errors
