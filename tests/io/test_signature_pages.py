"""The signature block prints on its table's page when it fits there, and moves to the next page
whole when it does not (review of session 5: the demo's "Tổng hợp" and "Xếp hạng" printed the
block alone on a page of its own, under a repeated table header, though the page before had
room): checked on the PDF LibreOffice prints."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from addin import app
from addin.demo import write_demo
from addin.domain import labels as L
from addin.io.libreoffice import convert
from addin.io.page_blocks import PageHead, Signers, national_header, print_scale, signature_block
from addin.io.sheet_spec import Column, write_table
from addin.io.xlsx_common import Styles, finish, new_workbook, print_setup
from tests.conftest import needs_libreoffice
from tests.io.test_print_pages import needs_poppler, overprinted, pdf_pages, squeezed

pytestmark = [pytest.mark.libreoffice, needs_libreoffice, needs_poppler]

SIGNER, PREPARER = "Đại tá Nguyễn Văn An", "Thiếu tá Lê Thị Bình"
BODY_BOTTOM_PT = 595.3 - 0.6 * 72  # A4 landscape, 0.6" bottom margin
BLOCK_PT = 15 + 15 + 15 + 54  # the blank row above, two lines, the room to sign


def test_the_demo_reports_print_the_signature_on_the_tables_page(tmp_path, rules):
    """The reports `tdkt demo` writes (ket-qua/bao-cao/cum-thi-dua-so-3.xlsx, -so-5.xlsx)."""
    write_demo(tmp_path / "cac-cum", rules)
    outdir = tmp_path / "ket-qua"
    app.report_root(str(tmp_path / "cac-cum"), str(outdir), None, jobs=1)
    for name in ("cum-thi-dua-so-3", "cum-thi-dua-so-5"):
        pdf = convert(outdir / f"{name}.xlsx", tmp_path / "pdf", "pdf")
        pages = pdf_pages(pdf)
        assert overprinted(pdf) == [], name  # (a chart cut by a page end ran under the header)
        # "Tổng hợp" is page 1: its table, the chart and the block all on it
        assert L.TOTAL in pages[0] and L.PREPARER in pages[0] and L.CHAIR in pages[0], name
        assert L.PREPARER not in pages[1], name
        if name == "cum-thi-dua-so-5":  # "Xếp hạng": three units, the chart, the block
            ranking = [i for i, p in enumerate(pages) if "XẾP HẠNG THI ĐUA CỦA CỤM" in p]
            assert len(ranking) == 1
            page = pages[ranking[0]]
            assert "Ban CHQS huyện Ea Súp" in page and L.PREPARER in page and L.SIGN_HINT in page
            assert L.PREPARER not in pages[ranking[0] + 1]
        # the charts print whole, each on one page (LibreOffice cuts a chart at a page end)
        for chart in ("Số đề nghị và số đạt theo danh hiệu", "Điểm xếp hạng của các đơn vị"):
            shown = [page for page in pages if chart in page]
            assert len(shown) == 1, (name, chart)
            # on "Xếp hạng" of cluster 3 the chart moves to the next page with the block
            assert L.PREPARER in shown[0] and squeezed("Ban CHQS huyện") in squeezed(shown[0])


COLUMNS = {"narrow": (Column("seq", "STT", 5, "center"), Column("text", "Nội dung", 40),
                      Column("n", "Số", 20, "int"), Column("m", "Ghi chú", 20)),
           "wide": (Column("seq", "STT", 5, "center"), Column("text", "Nội dung", 80),
                    Column("n", "Số", 60, "int"), Column("m", "Ghi chú", 60))}

def _sheets(kind: str, sizes: range) -> bytes:
    """One sheet per table size: a header, a table of `n` rows (its last row marked), the block."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "signature pages")
    styles = Styles(workbook)
    columns = COLUMNS[kind]
    widths = [c.width for c in columns]
    for n in sizes:
        sheet = workbook.add_worksheet(f"{kind} {n}")
        header_row = national_header(sheet, styles, widths, PageHead(title=f"BẢNG THỬ SỐ {n}"))
        rows = [[i, f"Dòng {i}" if i < n else f"Dòngcuối{n}", i, ""] for i in range(1, n + 1)]
        last = write_table(sheet, styles, header_row, columns, rows)
        signature_block(sheet, styles, last + 2, widths, Signers(name=SIGNER, preparer=PREPARER),
                        (header_row, header_row))
        print_setup(sheet, header_row, header_row)
    return finish(workbook, buffer)


_WORD = re.compile(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)'
                   r"</word>")


@pytest.mark.parametrize(("kind", "sizes"), [("narrow", range(12, 58)),
                                             ("wide", range(24, 48))])
def test_a_signature_block_stays_with_its_table_unless_it_does_not_fit(tmp_path, kind, sizes):
    """Tables of every length around one and two page ends (the 2nd page under a repeated
    header): the block is never split, and it leaves its table's page only when the page
    could not hold it."""
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(_sheets(kind, sizes))
    pdf = convert(path, tmp_path / "pdf", "pdf")
    pages = pdf_pages(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("<page ")[1:]
    assert len(boxes) == len(pages)
    scale = print_scale([c.width for c in COLUMNS[kind]])
    stayed = moved = 0
    for n in sizes:
        last_page = next(i for i, p in enumerate(pages) if f"Dòngcuối{n}" in squeezed(p))
        block = next(i for i in range(last_page, len(pages)) if L.PREPARER in pages[i])
        page = pages[block]
        # whole: the headings, the hints and both names on one page
        assert L.SIGN_HINT in page and SIGNER in page and PREPARER in page, n
        if block == last_page:
            stayed += 1
            continue
        moved += 1
        assert block == last_page + 1, n
        # it moved: the page of the table's last row had no room for it
        bottom = max(float(y) for y, word in _WORD.findall(boxes[last_page])
                     if word == f"Dòngcuối{n}")
        assert bottom + BLOCK_PT * scale > BODY_BOTTOM_PT - 8, (n, bottom)
    assert stayed and moved  # the sizes cross a page end
