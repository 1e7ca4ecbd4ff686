"""Printed pages, checked on the PDF LibreOffice prints (issue 13 §1): every cell value of a
sample appears whole (not cut by its column), no text prints over other text (rows as tall as
their wrapped text), the page count is what the data needs, and the official header and
signature blocks are there."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from addin import app
from addin.domain import labels as L
from addin.io.cluster_template import cluster_template_bytes
from addin.io.libreoffice import convert
from addin.io.report_chain import SCORE_DETAIL_SHEET
from addin.io.unit_template import UnitData, unit_workbook_bytes
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "workbooks" / "demo"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext (poppler-utils) is not installed")
pytestmark = [pytest.mark.libreoffice, needs_libreoffice, needs_poppler]

LONG_POSITION = "Phó Chỉ huy trưởng kiêm Tham mưu trưởng Ban Chỉ huy Quân sự"
LONG_UNIT = "Ban Chỉ huy Quân sự huyện Krông Pắc, tỉnh Đắk Lắk (đơn vị thí điểm)"
LONG_INITIATIVE = ("Sáng kiến cải tiến quy trình bảo quản, bảo dưỡng vũ khí trang bị kỹ thuật "
                   "trong mùa mưa ở địa bàn Tây Nguyên")
LONG_FOLDER = "thu-muc-bao-cao-thi-dua-khen-thuong-nam-2024-cua-cac-don-vi-trong-cum"


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def squeezed(text: str) -> str:
    """Whitespace removed: a wrapped value reads as one string again."""
    return re.sub(r"\s+", "", text)


def raw_text(pdf: Path) -> str:
    """The PDF's text in content order (the lines of one wrapped cell stay together)."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"([^<]*)</word>")


def overprinted(pdf: Path) -> list[tuple[int, str, str]]:
    """Words printed over other words (a row too short for its wrapped text, a cell spilling
    over its neighbour): (page, word, word), from the words' boxes."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    found = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        words = sorted((float(y0), float(x0), float(x1), float(y1), text)
                       for x0, y0, x1, y1, text in _WORD.findall(page))
        for i, (y0, x0, x1, y1, text) in enumerate(words):
            for y0b, x0b, x1b, y1b, other in words[i + 1:]:
                if y0b >= y1:  # sorted by top: nothing further down reaches this word
                    break
                # A word's box is taller than the line pitch: lines of one paragraph overlap
                # by ~15 % of their height; text printed over text overlaps by more.
                tall = min(y1 - y0, y1b - y0b)
                if min(x1, x1b) - max(x0, x0b) > 1.0 and min(y1, y1b) - y0b > 0.35 * tall:
                    found.append((number, text, other))
    return found


@pytest.fixture(scope="module")
def long_cluster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cluster with long positions, units, initiatives and a long folder path, and enough
    people to run over pages."""
    folder = tmp_path_factory.mktemp("print") / LONG_FOLDER / "cum-thi-dua-so-3"
    folder.mkdir(parents=True)
    people = []
    for i in range(1, 41):
        row = person(name=f"Nguyễn Văn Số {i}", seq=i, unit=LONG_UNIT if i % 2 else "",
                     initiative=LONG_INITIATIVE if i % 3 == 0 else "",
                     title="Chiến sĩ thi đua cơ sở" if i % 3 == 0 else "Chiến sĩ tiên tiến")
        row[3] = LONG_POSITION
        people.append(row)
    write_openpyxl(folder / "don-vi-co-ten-tep-rat-dai-de-kiem-tra-in-an.xlsx",
                   unit_sheets(people))
    return folder


def test_a_long_cluster_report_prints_every_value_whole(long_cluster, tmp_path, rules):
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(long_cluster), str(out), rules, date="20/11/2026")
    pdf = convert(out, tmp_path / "pdf", "pdf")
    text = squeezed(raw_text(pdf))
    path = str(long_cluster / "don-vi-co-ten-tep-rat-dai-de-kiem-tra-in-an.xlsx")
    for value in (LONG_POSITION, LONG_UNIT, LONG_INITIATIVE):
        # "Cá nhân" lists 40 people: each value on its every row
        assert text.count(squeezed(value)) >= 13, value
    # the path prints whole on "Nguồn" (and "Kiểm tra"); "Cá nhân" keeps it off the page (it
    # printed the sheet at 6 pt), in its cells for the next level
    assert text.count(squeezed(path)) >= 1, path
    assert overprinted(pdf) == []
    pages = pdf_pages(pdf)
    # 40 people of 3 lines each: a few pages of "Cá nhân", one per other sheet
    assert 8 <= len(pages) <= 16, len(pages)
    first = pages[0]
    for block in (L.NATION, L.MOTTO, "ngày 20 tháng 11 năm 2026", "CỤM THI ĐUA SỐ 3"):
        assert block in first, block
    # page 1 is full (table, chart): the signature block prints whole, on page 1 or 2 (it
    # used to print its headings on page 1 and its room to sign on a page of its own)
    assert any(L.PREPARER in page and L.CHAIR in page and L.SIGN_HINT in page
               for page in pages[:2])
    sheets = len(openpyxl.load_workbook(out, read_only=True).sheetnames)
    assert sum(L.NATION in page for page in pages) == sheets  # each sheet's first page
    # STT runs through the sheet; "Trang n/N" in every footer
    assert re.search(r"\b40\s+Nguyễn Văn Số 40", "\n".join(pages))
    assert all(f"/{len(pages)}" in page for page in pages)


def test_the_demo_reports_print_on_a_sensible_number_of_pages(tmp_path):
    outdir = tmp_path / "ket-qua"
    app.report_root(str(DEMO), str(outdir), None, jobs=1, date="20/11/2026")
    counts = {}
    for name in ("cum-thi-dua-so-3", "tong-hop-cac-cum"):
        pdf = convert(outdir / f"{name}.xlsx", tmp_path / "pdf", "pdf")
        assert overprinted(pdf) == [], name
        pages = pdf_pages(pdf)
        counts[name] = len(pages)
        assert L.NATION in pages[0] and any(L.PREPARER in page for page in pages[:2])
    # 5 units, 125 people: 8 printed sheets of a page each but "Cá nhân" (125 people: 5-6
    # pages, as the source paths wrap), "Tập thể" (1-2), "Khen thưởng" (1-2: its detail table
    # prints each line's source path whole), "Hạn mức" (~50 checks: 3 pages) and "Xếp hạng"
    # (1-2: the chart and the block move whole to a 2nd page when the table leaves no room);
    # "Điểm chấm đơn vị" (the score lines, for the next level) is hidden, not printed (it took
    # 6 of 20 pages)
    assert 14 <= counts["cum-thi-dua-so-3"] <= 18, counts
    cluster = pdf_pages(convert(outdir / "cum-thi-dua-so-3.xlsx", tmp_path / "pdf", "pdf"))
    book = openpyxl.load_workbook(outdir / "cum-thi-dua-so-3.xlsx", read_only=True)
    shown = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    book.close()
    assert hidden == [SCORE_DETAIL_SHEET]
    assert sum(L.NATION in page for page in cluster) == len(shown) == 8
    assert "ĐIỂMCHẤMCỦACÁCĐƠNVỊ" not in squeezed("".join(cluster))
    rollup = pdf_pages(convert(outdir / "tong-hop-cac-cum.xlsx", tmp_path / "pdf", "pdf"))
    assert len(rollup) == 4  # one page per sheet
    titles = squeezed("".join(rollup))
    assert squeezed("Chiến sĩ tiên tiến") in titles and "CSTTđềnghị" not in titles
    assert "ngày20tháng11năm2026" in titles and "2cụm" not in titles
    assert L.COMMANDER in rollup[0]


def test_the_blank_unit_template_prints_a_page_per_sheet(tmp_path, rules):
    path = tmp_path / "mau-don-vi.xlsx"
    path.write_bytes(unit_workbook_bytes(rules))
    pdf = convert(path, tmp_path / "pdf", "pdf")
    pages = pdf_pages(pdf)
    # Hướng dẫn, Thông tin, Cá nhân, Tập thể, Khen thưởng, Chấm điểm, Quy tắc (was 34 pages)
    assert len(pages) == 7, len(pages)
    assert overprinted(pdf) == []
    text = "\n".join(pages)
    # "Quy tắc" in words: no ">=", no 999999, no 0/1 columns (the formulas' twins are hidden)
    assert "999999" not in text and ">=" not in text and "(1/0)" not in text
    assert "từ 70 % số có mặt trở lên" in text
    guide = squeezed(pages[0])
    assert squeezed("Bộ quy tắc:") in guide and "Trang1/7" in guide  # the guide fits its page


def test_a_filled_unit_workbook_prints_its_people_whole(tmp_path, rules):
    people = [{"seq": i, "full_name": f"Trần Thị Số {i}", "rank": "Đại úy",
               "position": LONG_POSITION, "unit": LONG_UNIT, "title": "Chiến sĩ tiên tiến",
               "members": 10, "present": 9, "agree": 8} for i in range(1, 31)]
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(unit_workbook_bytes(rules, UnitData(individuals=people)))
    pdf = convert(path, tmp_path / "pdf", "pdf")
    text = squeezed(raw_text(pdf))
    assert text.count(squeezed(LONG_POSITION)) == 30 and text.count(squeezed(LONG_UNIT)) == 30
    assert "TrầnThịSố30" in text
    assert overprinted(pdf) == []


def test_the_blank_cluster_template_prints_a_page_per_sheet(tmp_path, rules):
    path = tmp_path / "mau-cum.xlsx"
    path.write_bytes(cluster_template_bytes(rules))
    pages = pdf_pages(convert(path, tmp_path / "pdf", "pdf"))
    assert len(pages) <= 10, len(pages)
    assert L.NATION in pages[0] and L.CHAIR in pages[0]
