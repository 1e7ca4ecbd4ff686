"""The reader on real .xlsx files, written by openpyxl and by xlsxwriter, in every drift."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from addin.domain.legacy import encode_tcvn3, encode_vni
from addin.io.reader import read_unit_workbook
from tests.conftest import (
    COL_HEADER,
    IND_HEADER,
    INFO_ROWS,
    collective,
    person,
    unit_sheets,
    write_openpyxl,
    write_xlsxwriter,
)


def issue_codes(book) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(str(i.code), i.sheet, i.row, i.column) for i in book.all_issues()]


def test_contract_layout(tmp_path, writer):
    path = writer(tmp_path / "u.xlsx", unit_sheets([person(), person(name="Trần B", seq=2)],
                                                   [collective()]))
    book = read_unit_workbook(path)
    assert book.readable and book.issues == ()
    assert book.info.unit == "Ban CHQS huyện Ea Kar" and book.info.headcount == 60
    assert [p.name for p in book.individuals] == ["Nguyễn Văn Hùng", "Trần B"]
    assert [p.row for p in book.individuals] == [5, 6]  # header on row 4
    first = book.individuals[0]
    assert (first.members, first.present, first.agree, first.rank) == (10, 10, 8, "Trung sĩ")
    assert first.columns["agree"] == "I"
    assert book.collectives[0].cstt == 15 and book.commendations[0].individuals == 5
    assert book.rows_read == 4


def test_headers_drift(tmp_path, writer):
    """Other case, no diacritics, synonyms, line breaks, reordered and extra columns, header
    not on row 1, merged title."""
    header = ["TT", "HỌ TÊN", "Danh hieu de nghi", "Phiếu đồng ý", "Số\ncó   mặt",
              "tong so thanh vien", "Tỷ lệ %", "Cột lạ", "Cap bac"]
    rows = [["BÁO CÁO"], ["(kèm theo công văn)"], [], [], header,
            [1, "Lê Văn Tám", "CSTT", 7, 9, 9, None, "x", "Binh nhất"]]
    sheets = unit_sheets()
    sheets["Cá nhân"] = rows
    path = writer(tmp_path / "drift.xlsx", sheets)
    if writer is write_openpyxl:
        write_openpyxl(path, sheets, merged={"Cá nhân": ["A1:I1"]})
    book = read_unit_workbook(path)
    p = book.individuals[0]
    assert (p.name, p.title_text, p.agree, p.present, p.members, p.rank, p.row) == (
        "Lê Văn Tám", "CSTT", 7, 9, 9, "Binh nhất", 6)
    assert issue_codes(book) == [("unexpected_column", "Cá nhân", 5, "H")]


def test_sheet_names_compared_without_case_or_diacritics(tmp_path, writer):
    sheets = unit_sheets([person()])
    renamed = {"THONG TIN": sheets["Thông tin"], "ca nhan": sheets["Cá nhân"],
               "TẬP THỂ": sheets["Tập thể"]}
    book = read_unit_workbook(writer(tmp_path / "s.xlsx", renamed))
    assert book.issues == () and len(book.individuals) == 1 and book.commendations == ()


def test_blank_total_numbering_rows_and_text_numbers(tmp_path, writer):
    numbering = [f"({i})" for i in range(1, 15)]
    rows = [IND_HEADER, numbering, person(members="15", present="12", agree="9"), [], [],
            person(name="Phạm C", seq=2), ["Cộng", None, None, None, None, None, 25, 22, 17],
            [None, "Người lập biểu"], ]
    sheets = unit_sheets()
    sheets["Cá nhân"] = rows
    book = read_unit_workbook(writer(tmp_path / "b.xlsx", sheets))
    assert [(p.name, p.members, p.row) for p in book.individuals] == [
        ("Nguyễn Văn Hùng", 15, 3), ("Phạm C", 10, 6)]
    # The total and the signature line are not people; each is listed, quoting its text.
    assert [(i.code, i.row, i.column) for i in book.issues if i.code == "skipped_row"] == [
        ("skipped_row", 7, "A"), ("skipped_row", 8, "B")]


def test_nfd_and_legacy_text(tmp_path, writer):
    nfd = unicodedata.normalize("NFD", "Hoàng Thị Thuỷ")
    sheets = unit_sheets([person(name=nfd), person(name=encode_tcvn3("Nguyễn Văn Hùng")),
                          person(name=encode_vni("Phạm Đức Thắng")),
                          person(name="x", title=encode_tcvn3("Chiến sĩ tiên tiến"))])
    book = read_unit_workbook(writer(tmp_path / "l.xlsx", sheets))
    assert [p.name for p in book.individuals] == ["Hoàng Thị Thuỷ", "Nguyễn Văn Hùng",
                                                  "Phạm Đức Thắng", "x"]
    assert book.individuals[3].title_text == "Chiến sĩ tiên tiến"
    legacy = [(i.code, i.row, i.column) for i in book.issues]
    assert legacy == [("legacy_encoding", 6, "B"), ("legacy_encoding", 7, "B"),
                      ("legacy_encoding", 8, "F")]
    assert all(i.severity == "warning" for i in book.issues)


@pytest.mark.parametrize("value,code", [
    ("mười", "not_a_number"), (7.5, "not_an_integer"), (-3, "negative_number"),
    (True, "not_a_number"), ("1e99", "not_a_number"),
])
def test_bad_counts(tmp_path, writer, value, code):
    book = read_unit_workbook(writer(tmp_path / "n.xlsx", unit_sheets([person(agree=value)])))
    assert issue_codes(book) == [(code, "Cá nhân", 5, "I")]
    assert book.individuals[0].agree is None and "agree" in book.individuals[0].invalid


def test_text_counts_read_only_as_every_locale_reads_them(tmp_path):
    """A count stored as text is read when it is digits only (spaces around them allowed):
    " 1234 " is 1234 everywhere. "1.234" (a thousand and more in vi-VN, 1.234 in en-US) and
    "12,0" hang on the spreadsheet's locale, which the template's formulas cannot know: the
    reader refuses them on their cells, as the sheet does, instead of guessing (session 6)."""
    info = [r if r[0] != "Quân số" else ["Quân số", "\u00a01234 "] for r in INFO_ROWS]
    path = write_openpyxl(tmp_path / "t.xlsx", unit_sheets([person(members="12")], info=info))
    book = read_unit_workbook(path)
    assert book.info.headcount == 1234 and book.individuals[0].members == 12
    info = [r if r[0] != "Quân số" else ["Quân số", "1.234"] for r in INFO_ROWS]
    path = write_openpyxl(tmp_path / "d.xlsx", unit_sheets([person(members="12,0")], info=info))
    book = read_unit_workbook(path)
    assert book.info.headcount is None and book.individuals[0].members is None
    assert issue_codes(book) == [("not_a_number", "Thông tin", 4, "B"),
                                 ("not_a_number", "Cá nhân", 5, "G")]


def test_formula_errors_are_reported_where_they_are(tmp_path):
    sheets = unit_sheets([person(agree="=1/0"), person(members="=NA()", seq=2)])
    book = read_unit_workbook(write_xlsxwriter(tmp_path / "e.xlsx", sheets))
    # xlsxwriter caches 0 for formulas; give the cells real error values as Excel would
    patched = tmp_path / "e2.xlsx"
    with zipfile.ZipFile(tmp_path / "e.xlsx") as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b'<c r="I5" s="0"><f>1/0</f><v>0</v></c>',
                                    b'<c r="I5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                data = data.replace(b'<c r="G6"><f>NA()</f><v>0</v></c>',
                                    b'<c r="G6" t="e"><f>NA()</f><v>#N/A</v></c>')
                data = data.replace(b'<c r="I5"><f>1/0</f><v>0</v></c>',
                                    b'<c r="I5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
            dst.writestr(item, data)
    book = read_unit_workbook(patched)
    found = [(str(i.code), i.row, i.column, i.message) for i in book.all_issues()]
    assert [f[:3] for f in found] == [("formula_error", 5, "I"), ("formula_error", 6, "G")]
    assert "#DIV/0!" in found[0][3] and "#N/A" in found[1][3]


def test_missing_sheet_and_columns(tmp_path, writer):
    sheets = unit_sheets([person()])
    del sheets["Tập thể"]
    sheets["Cá nhân"] = [["STT", "Họ và tên", "Danh hiệu đề nghị", "Ghi chú"], [1, "A", "CSTT", ""]]
    book = read_unit_workbook(writer(tmp_path / "m.xlsx", sheets))
    found = sorted(issue_codes(book))
    assert ("missing_sheet", "Tập thể", None, None) in found
    assert [f for f in found if f[0] == "missing_column"] == [
        ("missing_column", "Cá nhân", 1, None)] * 3


def test_hidden_copy_of_a_sheet_does_not_win(tmp_path):
    sheets = {"Cá nhân (cũ)": [IND_HEADER, person(name="Cũ")], **unit_sheets([person(name="Mới")])}
    sheets["ca nhan"] = sheets.pop("Cá nhân (cũ)")
    path = write_openpyxl(tmp_path / "h.xlsx", {"ca nhan": sheets["ca nhan"],
                                                **unit_sheets([person(name="Mới")])},
                          hidden=["ca nhan"])
    book = read_unit_workbook(path)
    assert [p.name for p in book.individuals] == ["Mới"]


@pytest.mark.parametrize("content,reason", [
    (b"this is not a workbook", "không phải tệp Excel"),
    (b"PK\x03\x04broken zip", "hỏng"),
    (b"", "không phải tệp Excel"),
])
def test_unreadable_files(tmp_path, content, reason):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    book = read_unit_workbook(path)
    assert not book.readable
    assert [str(i.code) for i in book.issues] == ["unreadable_file"]
    assert reason in book.issues[0].message


def test_truncated_workbook(tmp_path):
    good = write_openpyxl(tmp_path / "g.xlsx", unit_sheets([person()]))
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    book = read_unit_workbook(cut)
    assert not book.readable and str(book.issues[0].code) == "unreadable_file"


def test_missing_file(tmp_path):
    book = read_unit_workbook(tmp_path / "none.xlsx", "none.xlsx")
    assert not book.readable and book.issues[0].file == "none.xlsx"


def test_collective_sheet(tmp_path, writer):
    sheets = unit_sheets([], [collective(), collective(name="Ban Chính trị", cstt="mười")])
    book = read_unit_workbook(writer(tmp_path / "c.xlsx", sheets))
    assert [c.name for c in book.collectives] == ["Ban Tham mưu", "Ban Chính trị"]
    assert issue_codes(book) == [("not_a_number", "Tập thể", 6, "E")]
    assert COL_HEADER[4] == "Số đạt CSTT"


def test_input_file_is_not_modified(tmp_path):
    path = write_openpyxl(tmp_path / "u.xlsx", unit_sheets([person()]))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_unit_workbook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_sha256_is_of_the_bytes(tmp_path):
    import hashlib

    path = write_openpyxl(tmp_path / "u.xlsx", unit_sheets([person()]))
    assert read_unit_workbook(path).sha256 == hashlib.sha256(Path(path).read_bytes()).hexdigest()
