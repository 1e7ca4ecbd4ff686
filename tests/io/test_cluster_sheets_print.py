"""The cluster report's sheets read and print whole (review of session 5): the "Khen thưởng"
detail table names each row's unit and prints its source file whole; "Hạn mức" says which titles
each quota counts; a tie note on "Xếp hạng" names its criterion; the templates print their headers whole."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from addin import app
from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.quotas import quota_counts_note
from addin.io.cluster_template import cluster_template_bytes
from addin.io.libreoffice import convert
from addin.io.report_chain import DETAIL_TITLE, SOURCE_FILE, SOURCE_ROW
from addin.io.rules_file import load_rules
from addin.io.unit_template import unit_workbook_bytes
from tests.conftest import needs_libreoffice
from tests.io.test_print_pages import (
    DEMO,
    needs_poppler,
    overprinted,
    pdf_pages,
    raw_text,
    squeezed,
)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cluster-sheets") / "ket-qua"
    app.report_root(str(DEMO), str(outdir), None, jobs=1, date="20/11/2026")
    return outdir / "cum-thi-dua-so-3.xlsx"


def _detail(path: Path) -> tuple[list[object], list[tuple[object, ...]], float | None]:
    """The "CHI TIẾT THEO ĐƠN VỊ" table: headers, rows, and the header row's height."""
    sheet = openpyxl.load_workbook(path)[F.SHEET_COMMENDATIONS]
    rows = list(sheet.iter_rows(values_only=True))
    title = next(r for r, row in enumerate(rows) if row[0] == DETAIL_TITLE)
    headers = list(rows[title + 1])
    return headers, rows[title + 2:], sheet.row_dimensions[title + 2].height


def test_the_commendation_detail_names_each_rows_unit(demo_report):
    headers, rows, height = _detail(demo_report)
    unit_c, file_c = headers.index(F.INFO_LABELS["unit"]), headers.index(SOURCE_FILE)
    assert headers.index(SOURCE_ROW) == file_c + 1
    units = {Path(str(r[file_c])).name: r[unit_c] for r in rows}
    book = openpyxl.load_workbook(DEMO / "cum-thi-dua-so-3" / "ban-chqs-ea-kar.xlsx",
                                  read_only=True)
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row}
    assert units["ban-chqs-ea-kar.xlsx"] == info[F.INFO_LABELS["unit"]]
    assert len(set(units.values())) == 5  # the five units of cluster 3
    # "Số cá nhân", "Dòng nguồn" take two lines in their columns: the header row is that tall
    assert height is not None and height >= 30


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_the_commendation_detail_prints_units_and_files_whole(demo_report, tmp_path):
    headers, rows, _ = _detail(demo_report)
    unit_c, file_c = headers.index(F.INFO_LABELS["unit"]), headers.index(SOURCE_FILE)
    pdf = convert(demo_report, tmp_path / "pdf", "pdf")
    text = squeezed(raw_text(pdf))
    for row in rows:
        assert squeezed(str(row[file_c])) in text, row[file_c]
        assert squeezed(str(row[unit_c])) in text, row[unit_c]
    assert overprinted(pdf) == []


def _notes(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Hạn mức"]
    return [str(row[0]) for row in sheet.iter_rows(values_only=True)
            if row and isinstance(row[0], str) and (row[0].startswith("- ")
                                                   or row[0] == L.QUOTA_COUNTS_NOTE)]


def test_the_quota_sheet_says_which_titles_each_quota_counts(demo_report, rules):
    """"Đã đạt" of CSTT counts CSTĐCS holders too (a family of the rules book): a note under
    the table says so, a line per quota of the table, from the rules book."""
    notes = _notes(demo_report)
    assert notes[0] == L.QUOTA_COUNTS_NOTE and notes.count(L.QUOTA_COUNTS_NOTE) == 1
    sheet = openpyxl.load_workbook(demo_report, read_only=True)["Hạn mức"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "STT")
    quota_c = header.index("Mã hạn mức")
    shown = {row[quota_c] for row in sheet.iter_rows(values_only=True)
             if row and isinstance(row[0], int)}
    assert len(notes) == 1 + len(shown)
    quota = next(q for q in rules.quotas if q.id == "CSTT")
    line = next(n for n in notes if n.startswith("- CSTT "))
    for code in quota.counts:  # CSTT, CSTDCS and the higher ones, by name
        assert rules.title(code).name in line
    assert rules.title("CSTDCS").name in line


def test_the_quota_note_follows_the_rules_book(rules):
    quota = next(q for q in rules.quotas if q.id == "CSTT")
    narrowed = replace(rules, quotas=tuple(replace(q, counts=("CSTT",)) if q is quota else q
                                          for q in rules.quotas))
    line = next(n for n in quota_counts_note(narrowed, ["CSTT"]) if n.startswith("- CSTT "))
    assert line == L.quota_counts_line("CSTT", rules.title("CSTT").name,
                                       [rules.title("CSTT").name])
    assert quota_counts_note(rules, []) == []


def test_a_tie_note_names_the_criterion_not_its_code(demo_report):
    """The demo's cluster 3 breaks a tie on TC01: the note prints the criterion's text (from
    the covenant of the cluster's rules file), its code in brackets."""
    covenant = load_rules(DEMO / "cum-thi-dua-so-3" / "tdkt-rules.toml").covenant
    assert covenant is not None
    criterion = covenant.criterion("TC01")
    assert criterion is not None
    sheet = openpyxl.load_workbook(demo_report, read_only=True)["Xếp hạng"]
    notes = [str(v) for row in sheet.iter_rows(values_only=True) for v in row
             if isinstance(v, str) and "phân định theo điểm tiêu chí" in v]
    assert notes
    for note in notes:
        assert f"“{criterion.text}” (TC01)" in note, note


_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_the_templates_print_their_headers_whole(tmp_path, rules):
    """The cluster template's live "Xếp hạng" printed "Điểm cộn" in its "Loại điểm" row; the
    unit template's "Còn được đề nghị" (Thông tin, page 2) ran into the quota line below."""
    cluster = tmp_path / "mau-cum.xlsx"
    cluster.write_bytes(cluster_template_bytes(rules))
    pages = pdf_pages(convert(cluster, tmp_path / "pdf", "pdf"))
    live = next(page for page in pages if "Loại điểm" in page)
    assert "cộng" in live and not re.search(r"cộn(?!g)", live)
    unit = tmp_path / "mau-don-vi.xlsx"
    unit.write_bytes(unit_workbook_bytes(rules))
    pdf = convert(unit, tmp_path / "pdf", "pdf")
    page = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w
             in _BOX.findall(page)]
    head = next(w for w in words if w[4] == "Còn")
    tail = next(w for w in words if w[4] == "nghị" and w[1] > head[1] and w[0] >= head[0] - 5)
    label = next(w for w in words if w[4] == "Hạn" and w[0] < 100)  # "Hạn mức xét tặng…"
    below = min(w[1] for w in words if w[0] < 100 and w[1] > label[3])  # the first quota line
    assert tail[3] <= below + 0.5, (tail, below)  # the header's last line above the next row


def test_the_roll_up_quota_sheet_says_which_titles_each_quota_counts(demo_report, rules):
    """The roll-up's "Hạn mức các cụm" has the same "Đã đạt" column: the same note, once, a
    line per quota it lists (review of session 5)."""
    sheet = openpyxl.load_workbook(demo_report.parent / "tong-hop-cac-cum.xlsx",
                                   read_only=True)["Hạn mức các cụm"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    header = next(row for row in rows if "Mã hạn mức" in row)
    listed = {row[header.index("Mã hạn mức")] for row in rows[rows.index(header) + 1:]
              if row[1] is not None and not str(row[0]).startswith(("- ", "Ghi chú"))}
    head = L.quota_counts_head("Theo danh hiệu")  # the roll-up's passes per title
    notes = [str(row[0]) for row in rows if str(row[0]).startswith("- ") or row[0] == head]
    assert notes == quota_counts_note(rules, listed, "Theo danh hiệu")
    assert notes and notes[0] == head
