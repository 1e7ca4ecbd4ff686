"""Defects found in review (issue 9): each test here failed on the code before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli
from tests.conftest import person, unit_sheets, write_openpyxl


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
    header = [c.value for c in sheet[5]]
    for row in sheet.iter_rows(min_row=6, values_only=True):
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
    assert "KHÔNG KHỚP" not in wb["Tổng hợp"]["A4"].value

    # A record the report does not write under its file (here: attributed to another file)
    # must show up as a mismatch, not be counted from the same list on both sides.
    lost = read_unit_workbook(path)
    lost.individuals[0].file = "elsewhere.xlsx"
    wb = _report_sheets([lost], rules)
    assert _sources_row(wb, str(path))["Đối chiếu"] == "KHÔNG KHỚP"
    assert "KHÔNG KHỚP" in wb["Tổng hợp"]["A4"].value
