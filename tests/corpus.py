"""A corpus of broken and hostile unit workbooks, generated (small, deterministic in content).

    python -m tests.corpus DIR     # write the corpus to DIR to look at it

Each entry names the file, how it is made, and what tdkt must say about it: the issue codes
expected, or that it is read and counted.
"""

from __future__ import annotations

import datetime as dt
import io
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


CASES: tuple[Case, ...] = (
    Case("truncated.xlsx", truncated, frozenset({"unreadable_file"}), None),
    Case("csv-named.xlsx", csv_named_xlsx, frozenset({"unreadable_file"}), None),
    Case("encrypted.xlsx", encrypted, frozenset({"unreadable_file"}), None),
    Case("binary-noise.xlsx", not_a_zip_at_all, frozenset({"unreadable_file"}), None),
    Case("xls-named.xlsx", xls_named_xlsx, frozenset(), 2),
    Case("empty.xlsx", empty_workbook, frozenset({"missing_sheet"}), 0),
    Case("headers-only.xlsx", headers_only, frozenset({"missing_value"}), 0),
    Case("merged-over-data.xlsx", merged_over_data, frozenset({"missing_value"}), 2),
    Case("blank-rows-then-one.xlsx", blank_rows_then_one, frozenset(), 1),
    Case("dates-booleans-huge.xlsx", dates_booleans_huge, frozenset({"not_a_number"}), 3),
    Case("emoji-scripts.xlsx", emoji_and_scripts, frozenset(), 8),
    Case("long-text.xlsx", long_text, frozenset(), 2),
    Case("zip-bomb.xlsx", zip_bomb, frozenset({"unreadable_file"}), None),
    Case("xxe.xlsx", external_entity, frozenset({"unreadable_file"}), None),
    Case("billion-laughs.xlsx", billion_laughs, frozenset({"unreadable_file"}), None),
    Case("entity-in-sheet.xlsx", entity_in_sheet, frozenset({"unreadable_file"}), None),
    Case("absurd-dimension.xlsx", absurd_dimension, frozenset({"unreadable_file"}), None),
    Case("absurd-dimension-reordered.xlsx", absurd_dimension_reordered,
         frozenset({"unreadable_file"}), None),
    Case("relationship-escape.xlsx", relationship_escape, frozenset({"unreadable_file"}), 0),
    Case("macro.xlsm", macro_workbook, frozenset(), 1),
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
