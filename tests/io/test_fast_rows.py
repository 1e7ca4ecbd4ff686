"""The fast sheet writer (addin.io.fast_rows) fails loudly and its rows carry XlsxWriter's styles:
read back with openpyxl (bold header, number formats, fills, widths, the used range)."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from importlib import metadata

import openpyxl
import pytest
import xlsxwriter

from addin.domain.cluster import consolidate
from addin.io.fast_rows import HANDOFF_SECONDS, BulkRows, SpliceError, splice_rows
from addin.io.reader import read_unit_workbook
from addin.io.report import NOMINATION_COLUMNS, ReportMeta, cluster_report_bytes
from addin.io.xlsx_common import Styles, finish, new_workbook
from tests.conftest import person, unit_sheets, write_openpyxl


def _book(bulk_formats: str = "written", rows: int = 3) -> tuple[bytes, BulkRows]:
    """One sheet: a bold header through XlsxWriter, then bulk rows of text, int and percent."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "thử")
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("Bảng")
    for c, (header, width) in enumerate((("Tên", 20), ("Số", 8), ("Tỷ lệ (%)", 9))):
        sheet.write_string(0, c, header, styles.header)
        sheet.set_column(c, c, width)
    formats = (styles.cell, styles.int, styles.pct)
    if bulk_formats == "written":  # the report's legend does this: each format used once
        for c, fmt in enumerate(formats):
            sheet.write_blank(1, c, None, fmt)
    bulk = BulkRows(sheet_index=0, first_row=2, width=3)
    for r in range(rows):
        bulk.rows.append(([f"Người {r} <&>", r * 10, 66.666666], formats))
    return finish(workbook, buffer), bulk


def test_bulk_rows_carry_the_styles_xlsxwriter_assigned():
    package, bulk = _book()
    wb = openpyxl.load_workbook(io.BytesIO(splice_rows(package, [bulk])))
    ws = wb["Bảng"]
    assert ws["A1"].font.b and ws["A1"].value == "Tên"
    assert ws["A3"].value == "Người 0 <&>" and ws["B5"].value == 20
    assert ws["B4"].number_format == "0" and ws["C4"].number_format == "0.00"
    assert ws["A5"].border.left.style == "thin"
    assert [ws.column_dimensions[c].width for c in "ABC"] == pytest.approx([20.71, 8.71, 9.71],
                                                                        abs=0.01)
    assert ws.dimensions == "A1:C5"


def test_a_format_xlsxwriter_never_wrote_is_refused_not_defaulted():
    package, bulk = _book(bulk_formats="unused")
    with pytest.raises(SpliceError, match="format never written"):
        splice_rows(package, [bulk])


def test_rows_of_the_wrong_width_and_overlapping_rows_are_refused():
    package, bulk = _book()
    bulk.rows.append((["thiếu"], bulk.rows[0][1]))
    with pytest.raises(SpliceError, match="1 values"):
        splice_rows(package, [bulk])
    package, bulk = _book()
    bulk.first_row = 1  # XlsxWriter already wrote row 2
    with pytest.raises(SpliceError, match="at or below"):
        splice_rows(package, [bulk])
    package, bulk = _book()
    bulk.sheet_index = 5
    with pytest.raises(SpliceError, match="no such sheet part"):
        splice_rows(package, [bulk])


def test_sheet_xml_not_in_the_expected_shape_is_refused():
    package, bulk = _book()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<dimension", b"<dimensionX", 1)
            target.writestr(info, data)
    with pytest.raises(SpliceError, match="not the XML"):
        splice_rows(out.getvalue(), [bulk])


def test_report_nomination_sheets_read_back_with_their_styles(tmp_path, rules):
    people = [person(name=f"Người {i}", seq=i + 1, agree=8 if i % 2 else 3) for i in range(4)]
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", unit_sheets(people)))
    result = consolidate([book], rules)
    data = cluster_report_bytes(result, rules, ReportMeta("Cụm", "Năm 2024", "01/01/2025", "r"))
    ws = openpyxl.load_workbook(io.BytesIO(data))["Cá nhân"]
    columns = NOMINATION_COLUMNS["individual"]
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == columns[0].header)
    assert [ws.cell(header, c + 1).value for c in range(len(columns))] == [
        c.header for c in columns]
    assert all(ws.cell(header, c + 1).font.b for c in range(len(columns)))
    # adjacent columns of one width are one <col min max> (openpyxl keys it by the first)
    width_of = {n: d.width for d in ws.column_dimensions.values() for n in range(d.min, d.max + 1)}
    widths = [width_of[c + 1] for c in range(len(columns))]
    assert widths == pytest.approx([c.width + 0.71 for c in columns], abs=0.01)
    result_c = [c.header for c in columns].index("Kết quả") + 1
    rows = range(header + 1, header + 5)  # the bulk rows, spliced after XlsxWriter's header
    fills = {ws.cell(r, result_c).value: ws.cell(r, result_c).fill.fgColor.rgb for r in rows}
    assert fills == {"Đạt": "FFC6EFCE", "Không đạt": "FFFFC7CE"}
    assert [ws.cell(r, 2).value for r in rows] == [f"Người {i}" for i in range(4)]
    assert ws.dimensions == f"A1:{ws.cell(header, len(columns)).column_letter}{header + 4}"


def test_xlsxwriter_is_the_version_fast_rows_was_checked_against():
    """Upgrading XlsxWriter: re-run these tests, then move the pin in pyproject.toml."""
    assert metadata.version("xlsxwriter") == xlsxwriter.__version__ == "3.3.1"


def written_whole(package: bytes, bulk: BulkRows) -> bytes:
    """The package as one `writestr` per part gives it (the bulk sheet made in one piece, at the
    bulk sheets' level)."""
    from addin.io import fast_rows

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = fast_rows._around(data, bulk)
                target.writestr(info, head + bulk.xml() + tail, compress_type=info.compress_type,
                                compresslevel=fast_rows.BULK_DEFLATE_LEVEL)
            else:
                target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()


def test_streamed_sheet_is_the_package_writestr_would_write():
    """The bulk sheet is deflated a chunk at a time in a second thread: the package must be
    byte for byte what one `writestr` of the whole sheet gives (several chunks here)."""
    from addin.io import fast_rows

    package, bulk = _book(rows=2 * fast_rows.CHUNK_ROWS + 7)
    assert len(list(bulk.xml_chunks())) == 3
    spliced = splice_rows(package, [bulk])
    assert spliced == written_whole(package, bulk)
    with zipfile.ZipFile(io.BytesIO(spliced)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<row ") == 2 * fast_rows.CHUNK_ROWS + 7 + 2
    assert b'<dimension ref="A1:C2009"/>' in sheet


class _Probed(BulkRows):
    """Bulk rows that note the interpreter's switch interval while their XML is made."""

    seen: list[float]

    def xml_chunks(self, rows_per_chunk: int = 1000):  # type: ignore[override]
        self.seen.append(sys.getswitchinterval())
        yield from BulkRows.xml_chunks(self, rows_per_chunk)


def test_the_deflating_thread_gets_the_interpreter_quickly_and_the_interval_comes_back():
    package, plain = _book(rows=50)
    probed = _Probed(plain.sheet_index, plain.first_row, plain.width, plain.rows)
    probed.seen = []
    before = sys.getswitchinterval()
    assert splice_rows(package, [probed]) == splice_rows(package, [plain])  # same bytes
    assert probed.seen == [pytest.approx(HANDOFF_SECONDS)]
    assert sys.getswitchinterval() == before


def test_splices_that_overlap_put_the_interval_back_after_the_last_one():
    """Two splices in two threads, the first ending while the second still streams: the
    interval stays low until the second ends, then is what it was before either began."""
    from addin.io.fast_rows import _quick_handoff

    before = sys.getswitchinterval()
    first, second = _quick_handoff(), _quick_handoff()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(HANDOFF_SECONDS)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


def test_the_bulk_sheet_is_deflated_at_its_level_and_the_other_parts_at_zlibs_default():
    """BULK_DEFLATE_LEVEL (issue 12: the deflating is the part of a report no second core can
    share) applies to the bulk sheets only; each entry's data is zlib's raw deflate of the
    part at its level."""
    from addin.io import fast_rows

    package, bulk = _book(rows=300)
    spliced = splice_rows(package, [bulk])
    with zipfile.ZipFile(io.BytesIO(spliced)) as book:
        for info in book.infolist():
            with book.open(info) as entry:
                xml = entry.read()
            # the local header: 30 bytes, then the name and the extra field of its own lengths
            name_length, extra_length = struct.unpack_from("<HH", spliced, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            raw = spliced[start:start + info.compress_size]
            level = fast_rows.BULK_DEFLATE_LEVEL if info.filename.endswith("sheet1.xml") else 6
            compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
            assert raw == compressor.compress(xml) + compressor.flush(), info.filename
