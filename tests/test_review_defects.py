"""Defects found in review (issue 9): each test here failed on the code before its fix."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli
from tests.conftest import person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row, top_texts


def _run_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def _cluster(folder: Path, unit: str) -> None:
    folder.mkdir(parents=True)
    info = [["Đơn vị", unit], ["Cụm thi đua", folder.name], ["Kỳ báo cáo", "Năm 2024"],
            ["Quân số", 60], ["Số đầu mối", 5]]
    write_openpyxl(folder / "u.xlsx", unit_sheets([person(agree=8)], info=info))


def test_report_uses_the_rules_file_inside_a_cluster_folder(tmp_path):
    root = tmp_path / "root"
    _cluster(root / "cum-a", "Ban CHQS huyện Ea Kar")
    _cluster(root / "cum-b", "Ban CHQS huyện Lắk")
    (root / "cum-a" / "tdkt-rules.toml").write_text('[votes.basic]\nthreshold = "90%"\n',
                                                     encoding="utf-8")
    code, data = _run_json("report", str(root), "-o", str(tmp_path / "out"))
    below = [i for i in data["issues"] if i["code"] == "below_threshold"]
    # 8 of 10 passes the book's 50% but not cum-a's own 90%.
    assert [Path(i["file"]).parent.name for i in below] == ["cum-a"]
    assert data["by_title"]["CSTT"] == {"proposed": 2, "passed": 1}
    assert code == 0  # a warning only


def test_kiemtra_finds_the_table_kind_by_its_header(rules):
    from addin.worksheet_functions import check_table

    # A collective table whose headers never say "tập thể".
    collectives = [["STT", "Tên đơn vị", "Danh hiệu", "Quân số", "Số đạt CSTT", "Số đạt CSTĐCS",
                    "Số bị kỷ luật", "Tổng số thành viên", "Số có mặt", "Số phiếu đồng ý"],
                   [1, "Đại đội 1", "Đơn vị tiên tiến", 20, 15, 1, 0, 10, 10, 9],
                   [2, "Đại đội 2", "Đơn vị tiên tiến", 20, 15, 1, 0, 10, 10, 11]]
    assert check_table(collectives, rules) == [[""], ["Số phiếu đồng ý lớn hơn số có mặt (11 > 10)"]]
    # A people table with "tập thể" in a header of its own.
    people = [["STT", "Họ và tên", "Cấp bậc", "Danh hiệu đề nghị", "Tổng số thành viên",
               "Số có mặt", "Số phiếu đồng ý", "Ghi chú (tập thể bình xét)"],
              [1, "Nguyễn Văn An", "Trung sĩ", "Chiến sĩ tiên tiến", 10, 10, 8, ""]]
    assert check_table(people, rules) == [[""]]


def _report_sheets(books, rules):
    import io

    import openpyxl

    from addin.app import meta_for
    from addin.domain.cluster import consolidate
    from addin.io.report import cluster_report_bytes

    result = consolidate(books, rules)
    data = cluster_report_bytes(result, rules, meta_for(result, rules, None))
    return openpyxl.load_workbook(io.BytesIO(data))


def _sources_row(wb, path: str) -> dict:
    sheet = wb["Nguồn"]
    top = header_row(sheet, "STT")
    header = [c.value for c in sheet[top]]
    for row in sheet.iter_rows(min_row=top + 1, values_only=True):
        if row[1] == path:
            return dict(zip(header, row, strict=True))
    raise AssertionError(path)


def test_reconciliation_compares_rows_seen_with_rows_written(tmp_path, rules):
    from addin.io.reader import read_unit_workbook

    rows = [["STT", "Họ và tên", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
             "Số phiếu đồng ý"], ["I. CHIẾN SĨ TIÊN TIẾN"], [1, "Nguyễn Văn An", None, 10, 10, 8],
            [2, "Trần Văn Bình", None, 10, 10, 9], ["Cộng", None, None, 20, 20, 17],
            [None, "NGƯỜI LẬP BIỂU"]]
    sheets = unit_sheets()
    sheets["Cá nhân"] = rows
    path = write_openpyxl(tmp_path / "a.xlsx", sheets)
    good = read_unit_workbook(path)
    wb = _report_sheets([good], rules)
    row = _sources_row(wb, str(path))
    # 5 rows with content on "Cá nhân" + 1 commendation line; 3 of them are not records.
    assert (row["Số dòng đọc"], row["Dòng trong báo cáo"], row["Dòng bỏ qua"],
            row["Đối chiếu"]) == (6, 3, 3, "Khớp")
    assert not any("KHÔNG KHỚP" in t for t in top_texts(wb["Tổng hợp"]))

    # A record the report does not write under its file (here: attributed to another file)
    # must show up as a mismatch, not be counted from the same list on both sides.
    lost = read_unit_workbook(path)
    lost = replace(lost, individuals=(replace(lost.individuals[0], file="elsewhere.xlsx"),
                                      *lost.individuals[1:]))
    wb = _report_sheets([lost], rules)
    assert _sources_row(wb, str(path))["Đối chiếu"] == "KHÔNG KHỚP"
    assert any("KHÔNG KHỚP" in t for t in top_texts(wb["Tổng hợp"]))


def test_formula_error_in_khen_thuong_is_one_issue(tmp_path):
    import xlsxwriter

    from addin.io.reader import read_unit_workbook

    sheets = unit_sheets([person()])
    path = tmp_path / "k.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    ws = wb.get_worksheet_by_name("Khen thưởng")
    ws.write_formula(2, 0, "=VLOOKUP(1,Z1:Z2,2,0)", None, "#N/A")  # the form: an error
    ws.write_number(2, 3, 1)
    wb.close()
    book = read_unit_workbook(path)
    found = [(str(i.code), i.sheet, i.row, i.column) for i in book.all_issues()]
    assert found == [("formula_error", "Khen thưởng", 3, "A")]


def test_the_workbooks_own_result_is_compared(tmp_path, rules):
    from addin.domain.cluster import consolidate
    from addin.io.reader import read_unit_workbook

    rows = [person(seq=1, agree=8), person(name="Trần B", seq=2, agree=3),
            person(name="Lê C", seq=3, agree=9), person(name="Phạm D", seq=4, agree=2)]
    rows[0][10] = "Đạt"  # right
    rows[1][10] = "Đạt"  # wrong: 3 of 10 is below 50%
    rows[2][10] = "KHONG DAT"  # wrong, typed without diacritics
    rows[3][10] = "Không đạt (không đủ phiếu)"  # right, with a remark
    book = read_unit_workbook(write_openpyxl(tmp_path / "r.xlsx", unit_sheets(rows)))
    result = consolidate([book], rules)
    found = [(i.row, i.column, i.severity) for i in result.issues if i.code == "result_mismatch"]
    assert found == [(6, "K", "warning"), (7, "K", "warning")]


def test_macro_summary_text_has_no_literal_apostrophe(tmp_path):
    import shutil

    import openpyxl

    from addin.io.rules_file import load_rules
    from addin.macros import SUMMARY_SHEET, write_summary
    from tests.file_book import FileBook

    demo = Path(__file__).resolve().parents[1] / "workbooks" / "demo" / "cum-thi-dua-so-3"
    path = tmp_path / "s.xlsx"
    shutil.copy(demo / "ban-chqs-ea-kar.xlsx", path)
    override = tmp_path / "r.toml"
    override.write_text('[titles.LDTT]\nname = "-Lao động tiên tiến (thử)"\n', encoding="utf-8")
    book = FileBook(path)
    write_summary(book, load_rules(override))
    book.save()
    sheet = openpyxl.load_workbook(path)[SUMMARY_SHEET]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value and "(thử)" in str(c.value))
    assert cell.value == "-Lao động tiên tiến (thử)" and cell.data_type == "s"


def test_fast_rows_carry_their_styles(tmp_path, rules):
    from addin.io.reader import read_unit_workbook

    people = [person(seq=1, agree=8), person(name="Trần B", seq=2, agree=3),
              person(name="Lê C", seq=3, agree=11)]
    book = read_unit_workbook(write_openpyxl(tmp_path / "s.xlsx", unit_sheets(people)))
    sheet = _report_sheets([book], rules)["Cá nhân"]
    top = header_row(sheet, "STT")
    header = [c.value for c in sheet[top]]
    result_c, status_c = header.index("Kết quả") + 1, header.index("Tình trạng") + 1

    def fill(row: int, col: int) -> str:
        return sheet.cell(row, col).fill.fgColor.rgb[-6:]

    rows = (top + 1, top + 2, top + 3)
    assert [sheet.cell(r, result_c).value for r in rows] == ["Đạt", "Không đạt", "Không đạt"]
    assert [fill(r, result_c) for r in rows] == ["C6EFCE", "FFC7CE", "FFC7CE"]
    assert [sheet.cell(r, status_c).value for r in rows] == [None, "Cảnh báo", "Lỗi"]
    assert [fill(r, status_c) for r in rows[1:]] == ["FFE699", "F8CBAD"]
    name = sheet.cell(top + 1, 2)
    assert name.border.left.style == "thin" and name.font.name == "Times New Roman"


def test_a_name_that_folds_like_a_total_is_a_person_in_kiemtra(rules):
    from addin.worksheet_functions import check_table

    table = [["STT", "Họ và tên", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
              "Số phiếu đồng ý"],
             [1, "Tống Công Thành", "Chiến sĩ tiên tiến", 10, 10, 12],
             [2, "Tong Cong Minh", "Chiến sĩ tiên tiến", 10, 10, 8],
             ["Tổng cộng", None, None, 20, 20, 20]]
    assert check_table(table, rules) == [["Số phiếu đồng ý lớn hơn số có mặt (12 > 10)"], [""],
                                         [""]]


def test_kiemtra_reads_an_official_form_range(rules):
    from addin.worksheet_functions import check_table

    table = [["STT", "Họ và tên", "Tổng số", "Có mặt", "Đồng ý", "Sáng kiến, đề tài"],
             ["I. CHIẾN SĨ THI ĐUA CƠ SỞ", None, None, None, None, None],
             [1, "Nguyễn Văn An", 10, 10, 8, "Sáng kiến A"],
             [2, "Trần Văn Bình", 10, 10, 8, None],
             ["Cộng", None, 20, 20, 16, None]]
    messages = check_table(table, rules)
    assert messages[0] == [""] and messages[1] == [""] and messages[3] == [""]
    assert "sáng kiến" in messages[2][0]  # CSTĐCS from the section needs an initiative
