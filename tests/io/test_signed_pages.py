"""The pages a staff officer signs, printed through LibreOffice and read back from the PDF
(print review of session 6): each page's repeated header is its own table's, nothing a signer
reads prints below 8 pt, a note row is as tall as its text and no taller, and the sub-heading
names the rules book, not its code."""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from addin import app
from addin.domain import labels as L
from addin.domain.quotas import quota_counts_note
from addin.io.cluster_template import cluster_template_bytes
from addin.io.libreoffice import convert
from addin.io.xlsx_common import FONT, page_setup
from tests.conftest import needs_libreoffice
from tests.io.test_print_pages import DEMO, needs_poppler, pdf_pages, raw_text, squeezed

pytestmark = [pytest.mark.libreoffice, needs_libreoffice, needs_poppler]

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"([^<]*)</word>")
Word = tuple[float, float, float, float, str]  # x0, y0, x1, y1, text


def page_words(pdf: Path) -> list[list[Word]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [[(float(x0), float(y0), float(x1), float(y1), text)
             for x0, y0, x1, y1, text in _WORD.findall(page)]
            for page in out.split("<page ")[1:]]


def lines_of(words: list[Word]) -> list[tuple[float, float, str]]:
    """The page's lines, top to bottom: (top, bottom, text), words left to right."""
    by_top: dict[float, list[Word]] = {}
    for word in words:
        by_top.setdefault(round(word[1], 1), []).append(word)
    return [(top, max(w[3] for w in ws), " ".join(w[4] for w in sorted(ws)))
            for top, ws in sorted(by_top.items())]


def sheet_pages(pages: list[str], title: str) -> list[int]:
    """Indices of the pages of the sheet whose first page carries `title`."""
    first = next(i for i, page in enumerate(pages) if title in page)
    end = next((i for i in range(first + 1, len(pages)) if L.NATION in pages[i]), len(pages))
    return list(range(first, end))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's reports (cluster 3 and the roll-up), their workbooks and PDFs."""
    root = tmp_path_factory.mktemp("signed-pages")
    outdir = root / "ket-qua"
    app.report_root(str(DEMO), str(outdir), None, jobs=1, date="20/11/2026")
    found: dict[str, Path] = {}
    for name in ("cum-thi-dua-so-3", "tong-hop-cac-cum"):
        found[name] = outdir / f"{name}.xlsx"
        found[f"{name}.pdf"] = convert(outdir / f"{name}.xlsx", root / "pdf", "pdf")
    return found


@pytest.fixture(scope="module")
def eight_pt(tmp_path_factory: pytest.TempPathFactory) -> float:
    """The height poppler gives a word of Times New Roman 8 pt printed at 100 %."""
    path = tmp_path_factory.mktemp("eight-pt") / "co-chu-8.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("A")
    page_setup(sheet)
    sheet.write_string(0, 0, "Mẫu chữ tám điểm", workbook.add_format({"font_name": FONT,
                                                                     "font_size": 8}))
    workbook.close()
    words = page_words(convert(path, path.parent / "pdf", "pdf"))[0]
    return statistics.median(w[3] - w[1] for w in words if w[4] in ("Mẫu", "chữ", "tám"))


def test_every_page_of_the_commendations_repeats_its_own_tables_header(demo):
    """The detail table "CHI TIẾT THEO ĐƠN VỊ" runs to a second page: that page repeats the
    detail's header ("Ghi chú", "Đơn vị", "Tệp nguồn", "Dòng nguồn"), not the totals' ("Cách ghi trong
    tệp", "Mã hình thức"); page 1 starts with the national header, as every sheet does."""
    pdf = demo["cum-thi-dua-so-3.pdf"]
    pages = pdf_pages(pdf)
    shown = sheet_pages(pages, "TỔNG HỢP KHEN THƯỞNG TRONG KỲ")
    assert len(shown) >= 2, "the demo's detail table no longer runs to a second page"
    words = page_words(pdf)
    assert L.NATION in pages[shown[0]]
    for i in shown[1:]:
        head = squeezed(" ".join(text for *_, text in lines_of(words[i])[:4]))
        assert all(h in head for h in ("Ghichú", "Đơnvị", "Tệpnguồn", "Dòng")), head
        assert "Cáchghitrongtệp" not in head and "Mãhìnhthức" not in head, head


def _small_words(pdf: Path, least: float, pages: list[int] | None = None) -> list[tuple[int, str]]:
    words = page_words(pdf)
    return [(n + 1, w[4]) for n, page in enumerate(words) if pages is None or n in pages
            for w in page if w[3] - w[1] < least - 0.05]


def test_nothing_on_the_reports_prints_below_8_pt(demo, eight_pt):
    """"Cá nhân" and "Nguồn" printed at 6.5 pt once fitted to the page width (20 and 21
    columns): every word of the cluster report and of the roll-up now prints at 8 pt or more."""
    for name in ("cum-thi-dua-so-3", "tong-hop-cac-cum"):
        small = _small_words(demo[f"{name}.pdf"], eight_pt)
        assert small == [], (name, small[:10], len(small))


def test_the_blank_cluster_templates_summary_prints_one_page_wide(tmp_path, rules, eight_pt):
    """The template's "Tổng hợp" has a pair of columns for each of the 15 titles (36 columns):
    fitted to the page width as contracts.md §5 says, every title on one page, the pairs at
    their narrowest (6): the page prints at 48 %, its 11 pt text at 5.3 pt — below the 8 pt the
    reports keep (it printed at 5 pt with pairs 8 wide; session 6 printed it in two bands at
    a fixed scale, against the contract)."""
    path = tmp_path / "mau-cum.xlsx"
    path.write_bytes(cluster_template_bytes(rules))
    pdf = convert(path, tmp_path / "pdf", "pdf")
    pages = pdf_pages(pdf)
    summary = sheet_pages(pages, "BÁO CÁO TỔNG HỢP THI ĐUA, KHEN THƯỞNG CỦA CỤM")
    assert len(summary) == 1
    text = squeezed(subprocess.run(
        ["pdftotext", "-raw", "-f", str(summary[0] + 1), "-l", str(summary[0] + 1), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout)
    for title in rules.titles.values():  # every title's pair prints on the page
        assert squeezed(title.name) in text, title.name
    assert squeezed(L.CHAIR) in text
    words = page_words(pdf)[summary[0]]
    plain = [w[3] - w[1] for w in words if w[4] in ("Đề", "nghị", "Đạt")]  # the pairs' headers
    printed = 8 * statistics.median(plain) / eight_pt
    assert 4.9 < printed < 5.7, printed


def test_names_typed_into_the_blank_cluster_templates_lists_print(tmp_path, rules):
    """A chair fills the template's "Cá nhân" by hand: its print area ended at the header row
    (row 8), so the names typed in rows 9-13 never printed. They print now, and "Tệp nguồn"
    stays off the page."""
    path = tmp_path / "mau-cum.xlsx"
    path.write_bytes(cluster_template_bytes(rules))
    book = openpyxl.load_workbook(path)
    sheet = book["Cá nhân"]
    assert [c.value for c in sheet[8]][:2] == ["STT", "Họ và tên"]
    names = [f"Nguyễn Văn Thử{i}" for i in range(1, 6)]
    for r, name in enumerate(names, start=9):
        sheet.cell(r, 1, r - 8)
        sheet.cell(r, 2, name)
        sheet.cell(r, 19, f"/duong-dan/khong-in-{r}.xlsx")  # "Tệp nguồn": off the page
    book.save(path)
    pdf = convert(path, tmp_path / "pdf", "pdf")
    pages = pdf_pages(pdf)
    shown = sheet_pages(pages, "DANH SÁCH CÁ NHÂN ĐỀ NGHỊ")
    text = squeezed(" ".join(pages[i] for i in shown))
    assert all(squeezed(name) in text for name in names), text[-300:]
    assert "khong-in" not in text


def test_the_sub_heading_names_the_rules_book(demo, rules):
    name = f"{rules.label}, phiên bản {rules.version}"
    assert name == "Quân đội nhân dân Việt Nam (mặc định), phiên bản 2026.1"
    for key in ("cum-thi-dua-so-3.pdf", "tong-hop-cac-cum.pdf"):
        pages = pdf_pages(demo[key])
        firsts = [page for page in pages if L.NATION in page]
        assert firsts and all(squeezed(f"Bộ quy tắc: {name}") in squeezed(page)
                              for page in firsts), key
        assert "quan-doi" not in raw_text(demo[key])


def _note_gaps(pdf: Path, notes: list[str]) -> list[float]:
    """For each note but the last: the blank space under its last printed line, down to the
    next note's first line, in line heights (a row sized to its text leaves a fraction)."""
    words = page_words(pdf)
    page = next(i for i, ws in enumerate(words)
                if squeezed(notes[0])[:40] in squeezed(" ".join(w[4] for w in ws)))
    lines = lines_of(words[page])
    start = next(i for i, line in enumerate(lines) if squeezed(line[2]).startswith(
        squeezed(notes[0])[:20]))
    spans: list[tuple[float, float, float]] = []  # first top, last top, last bottom
    i = start
    for note in notes:
        wanted, got, first = squeezed(note), "", lines[i][0]
        while got != wanted:  # every line of the note printed, in order: nothing cut
            assert wanted.startswith(got + squeezed(lines[i][2])), (note, lines[i][2])
            got += squeezed(lines[i][2])
            i += 1
        spans.append((first, lines[i - 1][0], lines[i - 1][1]))
    height = statistics.median(bottom - top for top, bottom, _ in lines)
    return [(spans[k + 1][0] - spans[k][2]) / height for k in range(len(spans) - 1)]


def test_note_rows_are_as_tall_as_their_text(demo, rules):
    """"Hạn mức"'s note and the roll-up's: each note row holds its whole text and leaves no
    blank line under it (the rows were sized for ~10 % fewer characters a line and 15 pt a
    line: the first note printed one line in a row of two)."""
    for key, sheet, head in (("cum-thi-dua-so-3", "Hạn mức", L.SHEET_SUMMARY),
                             ("tong-hop-cac-cum", "Hạn mức các cụm", "Theo danh hiệu")):
        book = openpyxl.load_workbook(demo[key], read_only=True)
        first = L.quota_counts_head(head)
        notes = [str(row[0]) for row in book[sheet].iter_rows(values_only=True)
                 if row and isinstance(row[0], str)
                 and (row[0] == first or row[0].startswith("- "))]
        book.close()
        assert len(notes) >= 3 and notes[0] == first
        assert notes == quota_counts_note(rules, [n.split()[1] for n in notes[1:]], head)
        gaps = _note_gaps(demo[f"{key}.pdf"], notes)
        assert all(gap < 0.6 for gap in gaps), (key, gaps)


def test_the_period_report_names_the_rules_book(tmp_path, rules):
    """The period report's heading line said "bộ quy tắc quan-doi 2026.1" too."""
    from addin.io.period_report import PeriodData, columns_for, period_report_bytes

    columns, previous = columns_for(2020, 2024, {"year"})
    data = PeriodData(first=2020, last=2024, cluster="Cụm thi đua số 3", columns=columns,
                      previous=previous,
                      counts=[("Ban CHQS huyện Lắk", 2024, "year", "CSTT", 10, 8)],
                      commendations=[], model_people=[], model_groups=[], min_people_years=5)
    path = tmp_path / "dai-hoi.xlsx"
    path.write_bytes(period_report_bytes(data, rules)[0])
    pdf = convert(path, tmp_path / "pdf", "pdf")
    text = raw_text(pdf)
    assert squeezed(f"bộ quy tắc {rules.label}, phiên bản {rules.version}") in squeezed(text)
    assert "quan-doi" not in text


def test_a_summary_of_eight_titles_prints_on_one_page_width_at_8_pt(tmp_path, rules, eight_pt):
    """Eight titles proposed (16 columns of pairs): the pairs narrow to 6 ("Đề nghị" wraps) and
    the chart's labels grow, so the page still prints at 8 pt (it printed at 7 pt, the chart's
    labels at 6)."""
    from tests.conftest import collective, person, unit_sheets, write_openpyxl

    folder = tmp_path / "cum"
    folder.mkdir()
    people = [person(name=f"Người {i}", seq=i, title=title, initiative="Sáng kiến", streak=5)
              for i, title in enumerate(("Chiến sĩ tiên tiến", "Lao động tiên tiến",
                                         "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua toàn quân"), 1)]
    groups = [collective(name=f"Ban {i}", title=title)
              for i, title in enumerate(("Đơn vị tiên tiến", "Tập thể lao động tiên tiến",
                                         "Đơn vị Quyết thắng", "Tập thể lao động xuất sắc"), 1)]
    write_openpyxl(folder / "don-vi.xlsx", unit_sheets(people, groups))
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(folder), str(out), rules, date="20/11/2026")
    pdf = convert(out, tmp_path / "pdf", "pdf")
    pages = pdf_pages(pdf)
    summary = sheet_pages(pages, "BÁO CÁO TỔNG HỢP THI ĐUA, KHEN THƯỞNG CỦA CỤM")
    assert len(summary) == 1
    text = squeezed(pages[0])
    assert all(squeezed(name) in text for name in ("Tập thể lao động xuất sắc", L.CHAIR))
    assert _small_words(pdf, eight_pt, summary) == []
