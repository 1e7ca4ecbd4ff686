"""Declared sheets, labels and the report layout they give, read back from real .xlsx files
(the PDF checks are in test_print_pages.py)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from addin import app
from addin.domain import labels as L
from addin.domain.cluster import consolidate
from addin.io.reader import read_unit_workbook
from addin.io.report import ISSUE_COLUMNS, ReportMeta, cluster_report_bytes
from addin.io.rollup import ClusterSummary, rollup_bytes
from addin.io.sheet_spec import (
    LINE_PT,
    Column,
    Styled,
    wrapped_lines,
    write_header_band,
    write_table,
)
from addin.io.xlsx_common import Styles
from tests.conftest import INFO_ROWS, person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row, top_texts


def test_wrapped_lines_follow_words_and_break_long_ones():
    assert wrapped_lines("Phó Chỉ huy trưởng Ban CHQS", 14) == 3  # 14 characters a line
    assert wrapped_lines("Đạt", 5) == 1
    assert wrapped_lines("a" * 30, 10) == 4  # a path or a code breaks anywhere
    assert wrapped_lines("một\nhai", 40) == 2


def test_characters_and_printed_points_wrap_by_one_rule():
    """wrapped_lines (characters: the bulk rows' heights) and fitted_lines (printed points:
    notes) were two copies of the greedy wrap; both are greedy_lines with their measure."""
    from addin.io.sheet_spec import (
        RowSizer,
        fitted_lines,
        greedy_lines,
        line_chars,
        row_height,
        text_pt,
    )

    def by_chars(text: str, capacity: int) -> int:
        return greedy_lines(text, capacity, len, 1, lambda word, width: int(width))

    assert line_chars(5.6) == 5 and line_chars(1.0) == 1  # one character a line at least
    assert wrapped_lines("ab cd", 5.6) == by_chars("ab cd", 5) == 1  # exactly full
    assert wrapped_lines("ab cde", 5.6) == 2
    assert by_chars("abc  \n\nde fghijklmnop q", 5) == 6  # blank line; 5 a line, "q" after
    space, n = text_pt(" "), text_pt("n")
    assert fitted_lines("nn nn", 4 * n + space) == 1  # exactly full, in points
    assert fitted_lines("nn nnn", 4 * n + space) == 2
    assert fitted_lines("n" * 11, 5 * n) == 3  # a long word: 5 a line
    texts = ["Phó Chỉ huy trưởng Ban CHQS huyện Krông Ana", "Đạt", "a" * 40, "một\nhai ba",
             "Trung đội 2, Đại đội 3, Tiểu đoàn 4"]
    columns = [Column(str(i), "x", w, wrap=True) for i, w in enumerate((9, 15, 16, 12, 20))]
    sizer = RowSizer(columns)
    for shift in range(len(texts)):
        row = texts[shift:] + texts[:shift]
        assert sizer.height(row) == row_height(zip(row, [c.width for c in columns], strict=True))


def test_date_line_is_the_official_form():
    assert L.date_line("5/1/2025") == "……, ngày 05 tháng 01 năm 2025"
    assert L.date_line("20/11/2026", "Đắk Lắk") == "Đắk Lắk, ngày 20 tháng 11 năm 2026"
    assert L.date_line("") == "……, ngày …… tháng …… năm ……"
    assert L.date_key("02/12/2024") > L.date_key("30/11/2024")  # type: ignore[operator]


def test_a_declared_table_writes_headers_widths_styles_and_heights():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("T")
    columns = (Column("seq", "STT", 5, "center"), Column("text", "Nội dung", 20, wrap=True),
               Column("n", "Số", 8, "int"),
               Column("extra", "Cột thêm", 12))  # adding a column: one line
    long = "một nội dung dài cần xuống dòng ba lần trong cột hẹp này"
    last = write_table(sheet, styles, 2, columns, [[1, long, 7, Styled("Vượt", "bad")],
                                                   [2, "ngắn", None, ""]])
    workbook.close()
    assert last == 4
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["T"]
    assert [c.value for c in sheet[3]] == ["STT", "Nội dung", "Số", "Cột thêm"]
    assert sheet.column_dimensions["B"].width > 20 and sheet["B4"].alignment.wrap_text
    assert sheet.row_dimensions[4].height >= 3 * LINE_PT  # three lines of wrapped text
    assert sheet.row_dimensions[5].height is None  # one line: the default height
    assert sheet["C4"].number_format == "0" and sheet["D4"].fill.fgColor.rgb.endswith("FFC7CE")



def test_a_grouped_header_is_a_band_of_two_rows():
    """Columns without a group span both rows; a run of one group has the group's text merged
    over it (a lone column of a group is one cell, not a merge) and its own headers below."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("T")
    columns = (Column("seq", "STT", 5, "int"), Column("name", "Danh hiệu", 30),
               Column("a1", "2023", 7, "int", group="Số đạt"),
               Column("a2", "2024", 7, "int", group="Số đạt"),
               Column("at", "Cộng", 7, "total", group="Số đạt"),
               Column("b1", "Cả năm", 11, "int", group="Ghi chú"))
    assert write_header_band(sheet, styles, 3, columns) == 5
    workbook.close()
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["T"]
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A4:A5", "B4:B5", "C4:E4"]
    assert [c.value for c in sheet[4]] == ["STT", "Danh hiệu", "Số đạt", None, None, "Ghi chú"]
    assert [c.value for c in sheet[5]] == [None, None, "2023", "2024", "Cộng", "Cả năm"]
    assert sheet["C4"].font.b and sheet["E5"].font.b
    spans = [(d.min, d.max, d.width) for d in sheet.column_dimensions.values() if d.min]
    widths = [next(w for lo, hi, w in spans if lo <= i <= hi) for i in range(1, 7)]
    assert widths == pytest.approx([5, 30, 7, 7, 7, 11], abs=0.75)

def _two_units(tmp_path: Path) -> list:
    books = []
    for i, unit in enumerate(("Ban CHQS huyện Ea Kar", "Ban CHQS huyện Lắk")):
        info = [r if r[0] != "Đơn vị" else ["Đơn vị", unit] for r in INFO_ROWS]
        people = [person(name=f"Người {i}-{k}", seq=k, agree=11 if k == 3 else 8)
                  for k in (1, 2, 3)]
        path = write_openpyxl(tmp_path / f"u{i}.xlsx", unit_sheets(people, info=info))
        books.append(read_unit_workbook(path))
    return books


def test_stt_runs_through_the_sheet_and_issues_name_their_unit(tmp_path, rules):
    books = _two_units(tmp_path)
    result = consolidate(books, rules)
    meta = ReportMeta("Cụm thi đua số 3", "Năm 2024", "02/12/2024", "quan-doi")
    wb = openpyxl.load_workbook(io.BytesIO(cluster_report_bytes(result, rules, meta)))
    people = wb["Cá nhân"]
    top = header_row(people, "STT")
    assert [people.cell(r, 1).value for r in range(top + 1, top + 7)] == [1, 2, 3, 4, 5, 6]
    issues = wb["Kiểm tra"]
    top = header_row(issues, "STT")
    header = [c.value for c in issues[top]]
    assert header[:3] == ["STT", "Đơn vị", "Tệp"] and len(header) == len(ISSUE_COLUMNS)
    units = {issues.cell(r, 2).value for r in range(top + 1, issues.max_row + 1)
             if issues.cell(r, 7).value == "agree_exceeds_present"}
    assert units == {"Ban CHQS huyện Ea Kar", "Ban CHQS huyện Lắk"}
    texts = top_texts(wb["Tổng hợp"])
    assert L.NATION in texts and "CỤM THI ĐUA SỐ 3" in texts
    assert "……, ngày 02 tháng 12 năm 2024" in texts
    summary = [str(c.value) for row in wb["Tổng hợp"].iter_rows() for c in row if c.value]
    assert L.PREPARER in summary and L.CHAIR in summary


def test_the_rollup_is_dated_by_its_clusters_and_names_its_titles(tmp_path, rules):
    books = _two_units(tmp_path)
    summaries = []
    for name, date in (("cum-1", "30/11/2024"), ("cum-2", "02/12/2024")):
        result = consolidate(books, rules)
        meta = app.meta_for(result, rules, date)
        summaries.append(ClusterSummary.of(name, f"{name}.xlsx", result, rules, meta))
    wb = openpyxl.load_workbook(io.BytesIO(rollup_bytes(summaries, rules, None)))
    texts = top_texts(wb["Các cụm"])
    assert "……, ngày 02 tháng 12 năm 2024" in texts  # the latest of the clusters' dates
    assert not any("2 cụm" in t for t in texts)
    by_title = wb["Theo danh hiệu"]
    heads = [c.value for c in by_title[header_row(by_title, "Cụm thi đua")] if c.value]
    assert heads[:2] == ["Cụm thi đua", rules.title("CSTT").name]
    assert not any("đề nghị" in str(h) for h in heads)  # no "CSTT đề nghị"


def test_a_header_band_grows_for_wrapped_texts():
    """A period label wider than its column wraps, and the row is written tall enough for it
    (neither LibreOffice nor Excel grows a row by itself); short texts keep the default."""
    def heights(columns):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("T")
        write_header_band(sheet, Styles(workbook), 0, columns)
        workbook.close()
        read = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["T"]
        return [read.row_dimensions[r].height for r in (1, 2)]

    short = (Column("seq", "STT", 5), Column("y1", "2023", 7, group="Số đạt"),
             Column("y2", "2024", 7, group="Số đạt"))
    assert heights(short) == [None, None]
    long = (Column("seq", "STT", 5), Column("h1", "6 tháng đầu năm 2024", 11, group="Kỳ"),
            Column("h2", "Cả năm 2024", 11, group="Kỳ"))
    top, below = heights(long)
    assert top is None and below >= 2 * 15  # "6 tháng đầu năm 2024": two lines in 11
    spanning = (Column("name", "Đơn vị đề nghị khen thưởng theo năm", 8),
                Column("y1", "2023", 7, group="Số"))
    top, below = heights(spanning)
    assert (top or 15) + below >= 4 * 15  # five words in a column of 8 need four lines


def test_a_note_is_sized_from_its_printed_width():
    """The quota note's head (192 characters) prints on one line across "Hạn mức" (169 width
    units): the old estimate (1.1 characters a unit) gave it two lines of 15 pt."""
    from addin.domain import labels as L
    from addin.io.report import QUOTA_COLUMNS
    from addin.io.sheet_spec import NOTE_LINE_PT, ROW_PAD_PT, fitted_lines, note_height

    widths = [c.width for c in QUOTA_COLUMNS]
    head = L.quota_counts_head(L.SHEET_SUMMARY)
    assert note_height(head, widths) is None  # one line: the default row
    assert note_height(head + " " + head, widths) == 2 * NOTE_LINE_PT + ROW_PAD_PT
    assert fitted_lines("a\nb", 100.0) == 2
    assert fitted_lines("x" * 60, 50.0) == 7  # 9 of 5.5 pt a line: a long word breaks anywhere


def test_a_summary_of_too_many_titles_for_8_pt_keeps_its_narrowest_pairs(rules):
    """Fitted to the page width in every case (contracts.md §5): 4 titles keep pairs 8 wide at
    90 %; the blank template's 15 take the narrowest pairs, 6 wide, and print at 48 % (5.3 pt:
    below the 8 pt minimum, which no column width reaches with 36 columns)."""
    from addin.io.page_blocks import print_scale
    from addin.io.report import SUMMARY_FIXED, SUMMARY_PAIR_MIN, SUMMARY_TAIL, summary_columns
    from addin.io.sheet_spec import MIN_PRINT_SCALE

    every = list(rules.titles.values())
    for titles, pair, scale in ((every[:4], 8, 0.9), (every, SUMMARY_PAIR_MIN, 0.48)):
        columns = summary_columns(titles)
        assert len(columns) == len(SUMMARY_FIXED) + 2 * len(titles) + len(SUMMARY_TAIL)
        assert {c.width for c in columns if c.group} == {pair}
        assert print_scale([c.width for c in columns]) == scale
    assert 0.48 < MIN_PRINT_SCALE
