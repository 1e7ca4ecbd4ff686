"""A nominee whose name reads like a total ("Tổng Toàn Thắng", "Cộng Chung Hiếu") is a person,
counted and judged, while the real totals of the forms stay totals (contracts.md §6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.domain.cluster import consolidate
from addin.io.reader import read_unit_workbook
from tests.conftest import person, unit_sheets, write_openpyxl

NAMES = ("Tổng Toàn Thắng", "Cộng Chung Hiếu", "Tổng Cả Minh", "Tổng Các Vinh",
         "Cộng Phần Hòa", "Tổng Khối An")


def _row(seq: int, name: str) -> list[object]:
    return [seq, name, "Trung úy", "Trợ lý", "Ban", "Chiến sĩ tiên tiến", 10, 10, 9]


def test_validate_counts_a_nominee_named_like_a_total(tmp_path: Path):
    path = write_openpyxl(tmp_path / "u.xlsx", unit_sheets([person(), _row(2, NAMES[0])]))
    result = CliRunner().invoke(cli, ["validate", str(path), "--json"])
    report = json.loads(result.output)
    assert report["totals"]["individuals"] == 2
    assert not [i for i in report["issues"] if i["code"] == "skipped_row"]


@pytest.mark.parametrize("name", NAMES)
def test_a_total_shaped_name_with_a_rank_is_read(tmp_path: Path, name: str):
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx",
                                             unit_sheets([_row(1, name)])))
    assert [n.name for n in book.individuals] == [name]


def test_a_numbered_name_without_rank_is_a_person(tmp_path: Path, rules):
    # Only an STT number, the name and its vote (no rank, position or title): still a person,
    # whose missing title stays an error.
    row = [1, "Tổng Toàn Thắng", None, None, None, None, 10, 9, 8]
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", unit_sheets([row])))
    assert [n.name for n in book.individuals] == ["Tổng Toàn Thắng"]
    assert not [i for i in book.issues if i.code == "skipped_row"]
    judged = consolidate([book], rules).files[0].book
    assert "missing_value" in {str(i.code) for i in judged.individuals[0].issues}


@pytest.mark.parametrize("total", [
    ["Tổng cộng: 16 đồng chí"], ["Cộng mục I", None, None, None, None, None, 30, 28, 25],
    ["Tổng số: 05 đồng chí"], ["Tổng cộng", None, None, None, None, None, 20, 20, 17],
    ["Cộng toàn đơn vị", None, None, None, None, None, 20, 20, 17],
    [None, "Tổng cộng", None, None, None, None, 20, 20, 17],
])
def test_real_totals_stay_totals(tmp_path: Path, total: list[object]):
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", unit_sheets(
        [person(seq=1), person(name="Lê Văn Bình", seq=2), total])))
    assert len(book.individuals) == 2
    assert [i.code for i in book.issues if i.code == "skipped_row"] == ["skipped_row"]


def test_kiemtra_judges_a_nominee_named_like_a_total(rules):
    from addin.worksheet_functions import check_table

    table = [["STT", "Họ và tên", "Cấp bậc", "Danh hiệu đề nghị", "Tổng số thành viên",
              "Số có mặt", "Số phiếu đồng ý"],
             [1, "Tổng Toàn Thắng", "Trung úy", "Chiến sĩ tiên tiến", 10, 10, 12],
             ["Tổng cộng", None, None, None, 10, 10, 12]]
    assert check_table(table, rules) == [["Số phiếu đồng ý lớn hơn số có mặt (12 > 10)"], [""]]
