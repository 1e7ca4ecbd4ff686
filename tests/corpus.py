"""A corpus of broken and hostile unit workbooks, generated (small, deterministic in content).

    python -m tests.corpus DIR     # write the corpus to DIR to look at it

Each entry names the file, how it is made, and what tdkt must say about it: the issue codes
expected, or that it is read and counted.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import xlsxwriter

from tests.conftest import (
    IND_HEADER,
    TextLiteral,
    person,
    unit_sheets,
    write_openpyxl,
    write_xlsxwriter,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    codes: frozenset[str]  # issue codes the file must produce (at least these)
    counted: int | None  # individuals counted from it; None when the file is unreadable
    hashed: bool = True  # a regular file (FIFOs, links to devices are never read, not even here)
    message: str = ""  # what the unreadable_file message must say


def _good(path: Path, people: int = 2) -> Path:
    rows = [person(name=f"Người {i}", seq=i + 1) for i in range(people)]
    return write_openpyxl(path, unit_sheets(rows))


def _patch(path: Path, part: str, transform: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of an .xlsx package in place."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, transform(data) if info.filename == part else data)
    path.write_bytes(out.getvalue())


def _without_declaration(xml: bytes) -> bytes:
    return re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)


PEOPLE_SHEET = "xl/worksheets/sheet2.xml"  # "Cá nhân", the second sheet of unit_sheets()


def truncated(path: Path) -> None:
    data = _good(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def csv_named_xlsx(path: Path) -> None:
    path.write_text("STT,Họ và tên,Danh hiệu\n1,Nguyễn Văn A,CSTT\n", encoding="utf-8")


def encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _good(path.with_suffix(".plain.xlsx"))
    out = io.BytesIO()
    with plain.open("rb") as handle:
        OOXMLFile(handle).encrypt("matkhau", out)
    plain.unlink()
    path.write_bytes(out.getvalue())


def xls_named_xlsx(path: Path) -> None:
    shutil.copy(FIXTURES / "unit-legacy.xls", path)  # a real BIFF8 file saved by LibreOffice


def empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def headers_only(path: Path) -> None:
    write_openpyxl(path, unit_sheets([], [], info=[["Đơn vị", None]]))


def merged_over_data(path: Path) -> None:
    sheets = unit_sheets([person(name="Trên"), person(name="Dưới", seq=2)], title_rows=3)
    write_openpyxl(path, sheets, merged={"Cá nhân": ["B5:B6"]})


def blank_rows_then_one(path: Path) -> None:
    sheets = unit_sheets([])
    sheets["Cá nhân"] = [IND_HEADER] + [[] for _ in range(10_000)] + [person(name="Cuối cùng")]
    # openpyxl would not write empty rows: give them a blank string cell far to the right
    for row in sheets["Cá nhân"][1:-1]:
        row.extend([None] * 20 + [" "])
    write_openpyxl(path, sheets)


def dates_booleans_huge(path: Path) -> None:
    rows = [person(name="Ngày", present=dt.datetime(2024, 5, 1)),
            person(name="Đúng sai", seq=2, agree=True),
            person(name="Số lớn", seq=3, members=10**15)]
    write_openpyxl(path, unit_sheets(rows))


def emoji_and_scripts(path: Path) -> None:
    rows = [person(name="Nguyễn 🎖️ Văn Anh"), person(name="Иван Петров", seq=2),
            person(name="王小明", seq=3), person(name="Y Bih Niê", seq=4),
            person(name=TextLiteral("=1+1"), seq=5), person(name=TextLiteral("+84 912"), seq=6),
            person(name=TextLiteral("-Lê"), seq=7), person(name=TextLiteral("@Trần"), seq=8)]
    write_openpyxl(path, unit_sheets(rows))


def _good_with_shared_strings(path: Path) -> None:
    rows = [person(name=f"Người {i}", seq=i + 1) for i in range(2)]
    write_xlsxwriter(path, unit_sheets(rows))  # XlsxWriter keeps text in sharedStrings.xml


def long_text(path: Path) -> None:
    _good_with_shared_strings(path)
    long_name = "Nguyễn " * 8_000  # 56,000 characters: more than Excel allows in a cell
    _patch(path, "xl/sharedStrings.xml",
           lambda xml: xml.replace("Người 0".encode(), long_name.encode(), 1))


def zip_bomb(path: Path) -> None:
    _good(path)
    padding = b" " * (40 * 1024 * 1024)  # 40 MiB of blanks deflate to ~40 KiB
    _patch(path, PEOPLE_SHEET, lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>", 1))


XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')


def external_entity(path: Path) -> None:
    _good_with_shared_strings(path)
    _patch(path, "xl/sharedStrings.xml", lambda xml: XXE + _without_declaration(xml).replace(
        "Người 0".encode(), b"&xxe;", 1))


def billion_laughs(path: Path) -> None:
    _good(path)
    _patch(path, "xl/workbook.xml", lambda xml: LAUGHS + _without_declaration(xml))


def entity_in_sheet(path: Path) -> None:
    _good(path)
    _patch(path, PEOPLE_SHEET, lambda xml: LAUGHS + _without_declaration(xml))


def absurd_dimension(path: Path) -> None:
    _good(path)

    def far_cell(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                           b"</row></sheetData>")

    _patch(path, PEOPLE_SHEET, far_cell)


def absurd_dimension_reordered(path: Path) -> None:
    """The same far cell, with its reference not as the first attribute."""
    _good(path)
    _patch(path, PEOPLE_SHEET, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c t="n" r="XFD1048576"><v>1</v></c></row>'
        b"</sheetData>"))


def relationship_escape(path: Path) -> None:
    """Sheet relationships that point outside the package: read as nothing, never as a file."""
    _good(path)
    _patch(path, "xl/_rels/workbook.xml.rels", lambda xml: re.sub(
        rb'Target="[^"]*sheet2\.xml"', b'Target="../../../../../../etc/passwd" '
        b'TargetMode="External"', xml))


def macro_workbook(path: Path) -> None:
    vba = path.parent / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Sub AutoOpen()")
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in unit_sheets([person(name="Có macro")]).items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    wb.add_vba_project(str(vba))
    wb.close()
    vba.unlink()


def not_a_zip_at_all(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 4)


# -- round two (issue 11): the sheet-extent check, read the way an XML parser reads -------------
def _far_cells(cells: bytes, row: bytes = b'<row r="1048576">') -> Callable[[Path], None]:
    """A good workbook whose people sheet ends with `cells` in `row`."""
    def make(path: Path) -> None:
        _good(path)
        _patch(path, PEOPLE_SHEET, lambda xml: xml.replace(
            b"</sheetData>", row + cells + b"</row></sheetData>"))
    return make


NS_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
tab_before_reference = _far_cells(b'<c\tr="XFD1048576"><v>1</v></c>')
newline_in_cell_tag = _far_cells(b'<c\n t="n"\n r="XFD1048576"\n><v>1</v></c>')
namespaced_cell = _far_cells(b'<x:c xmlns:x="' + NS_MAIN + b'" r="XFD1048576"><x:v>1</x:v></x:c>')
single_quoted_reference = _far_cells(b"<c r='XFD1048576'><v>1</v></c>")
cells_without_reference = _far_cells(b"<c><v>1</v></c>" * 300)  # columns A..KN of row 1048576
eight_digit_row = _far_cells(b'<c r="N99999999"><v>1</v></c>', b'<row r="99999999">')
lowercase_reference = _far_cells(b'<c r="xfd1048576"><v>1</v></c>')
# Rows without r follow the previous one: this one is past Excel's last row.
row_past_the_grid = _far_cells(b"<c><v>1</v></c>", b'<row r="1048576"></row><row>')


def declared_dimension_only(path: Path) -> None:
    """No far cell at all, only a declared extent (the reader may reserve room for it)."""
    _good(path)
    _patch(path, PEOPLE_SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                                  b'<dimension ref="A1:XFD1048576"/>', xml))


def dtd_after_padding(path: Path) -> None:
    """A DTD after 8 KB of comment: past the 4 KB head a quick check would look at."""
    _good(path)
    padded = LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b" " * 8192 + b"-->\n<!DOCTYPE", 1)
    _patch(path, PEOPLE_SHEET, lambda xml: padded + _without_declaration(xml))


def undefined_entity(path: Path) -> None:
    _good(path)
    _patch(path, PEOPLE_SHEET, lambda xml: xml.replace(b"</sheetData>",
                                                       b"<row><c><v>&xxe;</v></c></row></sheetData>"))


def malformed_sheet(path: Path) -> None:
    _good(path)
    _patch(path, PEOPLE_SHEET, lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>"))


def shared_string_count_bomb(path: Path) -> None:
    """Passes every check made before reading; the native reader then tries to reserve 96 GB
    for the declared string count and aborts its process (exit 134 on the old main)."""
    _good_with_shared_strings(path)
    _patch(path, "xl/sharedStrings.xml", lambda xml: re.sub(
        rb'uniqueCount="\d+"', b'uniqueCount="4000000000"',
        re.sub(rb' count="\d+"', b' count="4000000000"', xml)))


# -- not regular files, never opened ------------------------------------------------------------
def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def link_loop(path: Path) -> None:
    path.symlink_to(path.name)


def folder_named_like_a_workbook(path: Path) -> None:
    path.mkdir()


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


# -- silent losses --------------------------------------------------------------------------------
def xlsb(path: Path) -> None:
    """An Excel binary workbook (content is irrelevant: the kind is listed, never skipped)."""
    _good(path.with_suffix(".tmp.xlsx")).rename(path)


def _counts_as_text(*values: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        rows = [person(name=f"Số {i}", seq=i + 1, agree=TextLiteral(v))
                for i, v in enumerate(values)]
        write_openpyxl(path, unit_sheets(rows))
    return make


tiny_exponent = _counts_as_text("1e-400")  # the float is 0.0: it used to count as 0 votes
fraction_rounding_to_whole = _counts_as_text("8.00000000000000000001")
huge_exponent = _counts_as_text("1e400")
exponent_past_any_number = _counts_as_text("1e99999999999999999999999999")


def non_utf8_name(path: Path) -> None:
    _good(path)


def _unreadable(name: str, make: Callable[[Path], None], message: str, hashed: bool = True
                ) -> Case:
    return Case(name, make, frozenset({"unreadable_file"}), None, hashed, message)


CASES: tuple[Case, ...] = (
    _unreadable("truncated.xlsx", truncated, "hỏng"),
    _unreadable("csv-named.xlsx", csv_named_xlsx, "không phải tệp Excel"),
    _unreadable("encrypted.xlsx", encrypted, "mật khẩu"),
    _unreadable("binary-noise.xlsx", not_a_zip_at_all, "không phải tệp Excel"),
    Case("xls-named.xlsx", xls_named_xlsx, frozenset(), 2),
    Case("empty.xlsx", empty_workbook, frozenset({"missing_sheet"}), 0),
    Case("headers-only.xlsx", headers_only, frozenset({"missing_value"}), 0),
    Case("merged-over-data.xlsx", merged_over_data, frozenset({"missing_value"}), 2),
    Case("blank-rows-then-one.xlsx", blank_rows_then_one, frozenset(), 1),
    Case("dates-booleans-huge.xlsx", dates_booleans_huge, frozenset({"not_a_number"}), 3),
    Case("emoji-scripts.xlsx", emoji_and_scripts, frozenset(), 8),
    Case("long-text.xlsx", long_text, frozenset(), 2),
    _unreadable("zip-bomb.xlsx", zip_bomb, "bom nén"),
    _unreadable("xxe.xlsx", external_entity, "không an toàn"),
    _unreadable("billion-laughs.xlsx", billion_laughs, "không an toàn"),
    _unreadable("entity-in-sheet.xlsx", entity_in_sheet, "DTD"),
    _unreadable("absurd-dimension.xlsx", absurd_dimension, "kích thước bất thường"),
    _unreadable("absurd-dimension-reordered.xlsx", absurd_dimension_reordered,
                "kích thước bất thường"),
    Case("relationship-escape.xlsx", relationship_escape, frozenset({"unreadable_file"}), 0),
    Case("macro.xlsm", macro_workbook, frozenset(), 1),
    # round two (issue 11)
    _unreadable("tab-before-reference.xlsx", tab_before_reference, "kích thước bất thường"),
    _unreadable("newline-in-cell-tag.xlsx", newline_in_cell_tag, "kích thước bất thường"),
    _unreadable("namespaced-cell.xlsx", namespaced_cell, "kích thước bất thường"),
    _unreadable("single-quoted-reference.xlsx", single_quoted_reference, "kích thước bất thường"),
    _unreadable("cells-without-reference.xlsx", cells_without_reference, "kích thước bất thường"),
    _unreadable("eight-digit-row.xlsx", eight_digit_row, "số dòng không hợp lệ"),
    _unreadable("lowercase-reference.xlsx", lowercase_reference, "tham chiếu ô không hợp lệ"),
    _unreadable("row-past-the-grid.xlsx", row_past_the_grid, "kích thước bất thường"),
    _unreadable("declared-dimension.xlsx", declared_dimension_only, "vùng dữ liệu quá lớn"),
    _unreadable("dtd-after-padding.xlsx", dtd_after_padding, "DTD"),
    _unreadable("undefined-entity.xlsx", undefined_entity, "không phải XML hợp lệ"),
    _unreadable("malformed-sheet.xlsx", malformed_sheet, "không phải XML hợp lệ"),
    _unreadable("shared-string-count-bomb.xlsx", shared_string_count_bomb, "trình đọc bị dừng bất thường"),
    _unreadable("fifo.xlsx", fifo, "không phải tệp thông thường", hashed=False),
    _unreadable("link-to-device.xlsx", link_to_device, "không phải tệp thông thường", hashed=False),
    _unreadable("link-loop.xlsx", link_loop, "liên kết", hashed=False),
    _unreadable("folder.xlsx", folder_named_like_a_workbook, "thư mục", hashed=False),
    _unreadable("zero-bytes.xlsx", zero_bytes, "không phải tệp Excel"),
    _unreadable("binary.xlsb", xlsb, ".xlsb"),
    # Text counts are digits only (cells.to_count, session 6): neither is read as 0 or 8 votes.
    Case("tiny-exponent.xlsx", tiny_exponent, frozenset({"not_a_number"}), 1),
    Case("fraction-rounding-to-whole.xlsx", fraction_rounding_to_whole,
         frozenset({"not_a_number"}), 1),
    Case("huge-exponent.xlsx", huge_exponent, frozenset({"not_a_number"}), 1),
    Case("exponent-past-any-number.xlsx", exponent_past_any_number,
         frozenset({"not_a_number"}), 1),
    Case("bad-byte-\udcff-name.xlsx", non_utf8_name, frozenset(), 2),  # byte 0xFF in the name
)


def build(folder: Path) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        case.make(folder / case.name)
    return {case.name: case for case in CASES}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-corpus")
    build(target)
    print(f"wrote {len(CASES)} files to {target}")
