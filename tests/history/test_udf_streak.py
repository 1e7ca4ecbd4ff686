"""TDKT_CHUOINAM (the proven streak in Excel) and its column in the unit template."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from addin import history_app as happ
from addin.domain.rules import Rules
from addin.io.layout import HISTORY_HEADER
from addin.io.libreoffice import convert
from addin.io.unit_template import unit_workbook_bytes
from addin.udfs import TDKT_CHUOINAM
from tests.conftest import needs_libreoffice
from tests.history.builders import P, unit_file


def test_without_a_database_the_cell_says_so(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("TDKT_DB", str(tmp_path / "khong-co.sqlite"))
    assert TDKT_CHUOINAM("Nguyễn Văn An", "CSTDTQ", "Năm 2024", "", "", "") == \
        "Chưa có cơ sở dữ liệu lịch sử (khong-co.sqlite)"
    assert TDKT_CHUOINAM([["A"], ["B"]], "CSTDTQ", "Năm 2024", "", "", "")[1][0].startswith(
        "Chưa có")
    assert not (tmp_path / "khong-co.sqlite").exists()


def test_proven_streak_of_each_row(tmp_path: Path, rules: Rules, monkeypatch) -> None:  # noqa: ANN001
    for y in (2022, 2023):
        unit_file(tmp_path / "in" / f"a-{y}.xlsx", "Đơn vị A", f"Năm {y}",
                  [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình", "CSTDCS"),
                   P("Trần Văn Hải", birth_year=1990), P("Trần Văn Hải", birth_year=1995)])
    unit_file(tmp_path / "in" / "a-2021.xlsx", "Đơn vị A", "Năm 2021",
              [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình", "CSTT")])
    db = tmp_path / "ls.sqlite"
    happ.import_paths([str(tmp_path / "in")], str(db), rules)
    before = db.stat().st_mtime_ns
    monkeypatch.setenv("TDKT_DB", str(db))
    assert TDKT_CHUOINAM("Nguyễn Văn An", "CSTĐ toàn quân", "Năm 2024", "SH-1", "",
                         "Đơn vị A") == 3
    names = [["Nguyễn Văn An"], ["Lê Văn Bình"], ["Trần Văn Hải"], ["Lê Văn Bình"], [""]]
    titles = [["CSTDTQ"], ["CSTDTQ"], ["CSTDTQ"], ["Chiến sĩ tiên tiến"], ["CSTDTQ"]]
    got = TDKT_CHUOINAM(names, titles, "Năm 2024", "", "", "Đơn vị A")
    assert got == [[3], [2], ["Trùng nhiều người: cần Số hiệu quân nhân hoặc Năm sinh"], [""],
                   [""]]
    # 2020 is not in the database: 3 is all the chain needs, older years do not matter; with
    # less than it needs, the cell says which year is missing.
    assert TDKT_CHUOINAM("Nguyễn Văn An", "BKBQP", "Năm 2024", "SH-1", "", "Đơn vị A") == ""
    assert TDKT_CHUOINAM("Nguyễn Văn An", "CSTDTQ", "Năm 2025", "SH-1", "", "Đơn vị A") == \
        "ít nhất 0 (chưa có dữ liệu năm 2024)"
    assert db.stat().st_mtime_ns == before  # read-only


def test_template_shows_the_proven_streak_column(tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "mau.xlsx"
    path.write_bytes(unit_workbook_bytes(rules))
    ws = openpyxl.load_workbook(path)["Cá nhân"]
    header = [c.value for c in ws[4]]
    col = header.index(HISTORY_HEADER) + 1
    formula = ws.cell(5, col).value
    # Period and unit found by their labels on "Thông tin", wherever staff moved the rows.
    assert formula.startswith("=IFERROR(TDKT_CHUOINAM(B5,F5,INDEX('Thông tin'!$B:$B,"
                              "MATCH(\"Kỳ báo cáo\",")
    assert "MATCH(\"Đơn vị\"," in formula
    assert not ws.column_dimensions[openpyxl.utils.get_column_letter(col)].hidden


@needs_libreoffice
@pytest.mark.libreoffice
def test_template_without_the_add_in_leaves_the_cell_blank(tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "mau.xlsx"
    path.write_bytes(unit_workbook_bytes(rules))
    recalculated = openpyxl.load_workbook(convert(path, tmp_path / "lo", "xlsx"), data_only=True)
    ws = recalculated["Cá nhân"]
    header = [c.value for c in ws[4]]
    col = header.index(HISTORY_HEADER) + 1
    assert {ws.cell(r, col).value for r in range(5, 12)} <= {None, ""}
