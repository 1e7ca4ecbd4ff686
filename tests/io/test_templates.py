"""The unit template: structure (openpyxl), determinism, and real recalculation in LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from addin.domain.validation import validate_unit
from addin.io.cluster_template import cluster_template_bytes
from addin.io.libreoffice import convert
from addin.io.reader import read_unit_workbook
from addin.io.template_formulas import ERROR_PREFIX, engine_result
from addin.io.unit_template import (
    COUNTED_LAST_ROW,
    TEMPLATE_ROWS,
    UnitData,
    unit_workbook_bytes,
)
from tests.conftest import needs_libreoffice

ROOT = Path(__file__).resolve().parents[2]


def test_committed_templates_match_the_code(rules):
    assert (ROOT / "templates" / "mau-don-vi.xlsx").read_bytes() == unit_workbook_bytes(rules), (
        "templates/ drifted: run python scripts/build_templates.py")
    assert (ROOT / "templates" / "mau-cum.xlsx").read_bytes() == cluster_template_bytes(rules)


def test_same_bytes_every_run(rules):
    assert unit_workbook_bytes(rules) == unit_workbook_bytes(rules)


@pytest.fixture(scope="module")
def template(tmp_path_factory, rules) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("t") / "unit.xlsx"
    path.write_bytes(unit_workbook_bytes(rules))
    return openpyxl.load_workbook(path)


def test_sheets_and_headers(template):
    assert template.sheetnames == ["Hướng dẫn", "Thông tin", "Cá nhân", "Tập thể", "Khen thưởng",
                                   "Chấm điểm", "Quy tắc", "Danh mục"]
    assert template["Danh mục"].sheet_state == "hidden"
    headers = [c.value for c in template["Cá nhân"][4]][:14]
    assert headers == ["STT", "Họ và tên", "Cấp bậc", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị",
                       "Tổng số thành viên", "Số có mặt", "Số phiếu đồng ý", "Tỷ lệ (%)",
                       "Kết quả", "Sáng kiến, đề tài", "Số năm liên tục đạt", "Ghi chú"]
    assert [c.value for c in template["Thông tin"]["A"][2:10]] == [
        "Đơn vị", "Cụm thi đua", "Kỳ báo cáo", "Quân số", "Số đầu mối",
        "Số thành viên Hội đồng", "Người lập", "Ngày lập"]


def test_dropdowns_and_whole_number_validation(template):
    sheet = template["Cá nhân"]
    rules_by_range = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    # The entry rules reach past the prefilled rows, to the last row the totals read.
    title = rules_by_range[f"F5:F{COUNTED_LAST_ROW}"]
    assert title.type == "list" and "Danh mục" in title.formula1
    assert title.errorTitle and title.error and title.showErrorMessage
    members = rules_by_range[f"G5:G{COUNTED_LAST_ROW}"]
    assert members.type == "whole" and members.operator == "greaterThanOrEqual"
    assert "số nguyên" in members.error
    agree = rules_by_range[f"I5:I{COUNTED_LAST_ROW}"]  # bounded by the present (or members)
    assert agree.type == "custom" and "H5" in agree.formula1 and "số nguyên" in agree.error
    ranks = rules_by_range[f"C5:C{COUNTED_LAST_ROW}"]
    assert ranks.type == "list" and ranks.errorStyle == "information"
    kinds = {str(dv.sqref): dv for dv in template["Khen thưởng"].data_validations.dataValidation}
    assert any(dv.type == "list" for dv in kinds.values())


def test_live_formulas_locked_inputs_unlocked(template):
    sheet = template["Cá nhân"]
    assert sheet.protection.sheet and not sheet.protection.password
    last = 4 + TEMPLATE_ROWS
    for row in (5, last):
        assert str(sheet[f"J{row}"].value).startswith("=") and sheet[f"J{row}"].protection.locked
        assert str(sheet[f"K{row}"].value).startswith("=") and sheet[f"K{row}"].protection.locked
        assert not sheet[f"B{row}"].protection.locked and not sheet[f"I{row}"].protection.locked
    assert "QT_TH_NUM" in sheet["K5"].value and "QT_Q_NUM" in sheet["K5"].value
    assert sheet.freeze_panes == "C5"
    assert "QT_TH_NUM" in template.defined_names


def test_print_ready(template):
    for name in ("Thông tin", "Cá nhân", "Tập thể", "Khen thưởng"):
        sheet = template[name]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (1 is the OOXML default, so it may be omitted), any number of pages tall
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert template["Cá nhân"].print_title_rows == "$1:$4"
    assert template["Cá nhân"]["B4"].font.name == "Times New Roman"


EDGE_PEOPLE = [
    dict(full_name="Đúng 50%", title="Chiến sĩ tiên tiến", members=10, present=10, agree=5),
    dict(full_name="Dưới 50%", title="Chiến sĩ tiên tiến", members=10, present=10, agree=4),
    dict(full_name="Đúng 70%", title="Chiến sĩ thi đua cơ sở", members=10, present=10, agree=7,
         initiative="Sáng kiến A"),
    dict(full_name="Dưới 70%", title="Chiến sĩ thi đua cơ sở", members=10, present=10, agree=6,
         initiative="Sáng kiến A"),
    dict(full_name="Thiếu sáng kiến", title="Chiến sĩ thi đua cơ sở", members=10, present=10,
         agree=9),
    dict(full_name="Túc số đúng 2/3", title="Chiến sĩ tiên tiến", members=9, present=6, agree=6),
    dict(full_name="Túc số dưới 2/3", title="Chiến sĩ tiên tiến", members=9, present=5, agree=5),
    dict(full_name="Toàn quân 9/11", title="Chiến sĩ thi đua toàn quân", members=11, present=9,
         agree=9, initiative="x", streak=3),
    dict(full_name="Toàn quân 90%", title="Chiến sĩ thi đua toàn quân", members=10, present=10,
         agree=9, initiative="x", streak=3),
    dict(full_name="Toàn quân 89.9%", title="Chiến sĩ thi đua toàn quân", members=1000,
         present=1000, agree=899, initiative="x", streak=3),
    dict(full_name="Toàn quân vắng trả lời viết", title="Chiến sĩ thi đua toàn quân",
         members=10, present=8, agree=9, initiative="x", streak=3),
    dict(full_name="Thiếu năm liên tục", title="Chiến sĩ thi đua toàn quân", members=10,
         present=10, agree=10, initiative="x", streak=2),
    dict(full_name="Đồng ý > có mặt", title="Chiến sĩ tiên tiến", members=10, present=7, agree=8),
    dict(full_name="Có mặt > tổng số", title="Chiến sĩ tiên tiến", members=10, present=11,
         agree=9),
    dict(full_name="Gõ mã", title="CSTT", members=10, present=10, agree=6),
    dict(full_name="Chiến sỹ", title="Chiến sỹ tiên tiến", members=10, present=10, agree=6),
    dict(full_name="Không ai có mặt", title="Chiến sĩ tiên tiến", members=10, present=0, agree=0),
    dict(full_name="Lao động", title="Lao động tiên tiến", members=12, present=12, agree=7),
    dict(full_name="Sai loại", title="Đơn vị tiên tiến", members=10, present=10, agree=9),
    dict(full_name="1/3", title="Chiến sĩ tiên tiến", members=3, present=3, agree=1),
]
EDGE_COLLECTIVES = [
    dict(name="ĐVQT đúng 70%", title="Đơn vị Quyết thắng", headcount=20, cstt=14, cstdcs=1,
         disciplined=0, members=10, present=10, agree=7),
    dict(name="ĐVQT 65%", title="Đơn vị Quyết thắng", headcount=20, cstt=13, cstdcs=1,
         disciplined=0, members=10, present=10, agree=10),
    dict(name="ĐVQT không CSTĐCS", title="Đơn vị Quyết thắng", headcount=20, cstt=18, cstdcs=0,
         disciplined=0, members=10, present=10, agree=10),
    dict(name="ĐVTT đúng 50%", title="Đơn vị tiên tiến", headcount=20, cstt=10, members=10,
         present=10, agree=10),
    dict(name="ĐVTT 55%", title="Đơn vị tiên tiến", headcount=20, cstt=11, members=10,
         present=10, agree=5),
    dict(name="ĐVTT kỷ luật", title="Đơn vị tiên tiến", headcount=20, cstt=15, disciplined=1,
         members=10, present=10, agree=10),
]


@needs_libreoffice
def test_libreoffice_recalculates_like_the_engine(tmp_path, rules):
    data = UnitData(info={"unit": "Đơn vị thử", "cluster": "Cụm 1", "period": "Năm 2024",
                          "headcount": 57, "subunits": 6},
                    individuals=EDGE_PEOPLE, collectives=EDGE_COLLECTIVES)
    source = tmp_path / "edges.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, data, cached=False))  # nothing precomputed
    book = read_unit_workbook(source)
    book, found = validate_unit(book, rules)
    checks = {c.quota_id: c for c in found}
    recalculated = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)
    for sheet_name, noms, pct_col, result_col in (
        ("Cá nhân", book.individuals, "J", "K"), ("Tập thể", book.collectives, "K", "L")):
        sheet = recalculated[sheet_name]
        assert len(noms) == len(EDGE_PEOPLE if sheet_name == "Cá nhân" else EDGE_COLLECTIVES)
        for nom in noms:
            # Đạt / Không đạt as the engine decides; "Lỗi: …" where it reports an impossible count
            shown = str(sheet[f"{result_col}{nom.row}"].value)
            expected = engine_result(nom)
            if expected.startswith(ERROR_PREFIX):
                assert shown.startswith(ERROR_PREFIX), nom.name
            else:
                assert shown == expected, nom.name
            shown = sheet[f"{pct_col}{nom.row}"].value
            if nom.percent is None:
                assert shown in (None, ""), nom.name
            else:
                assert shown == pytest.approx(nom.percent, abs=1e-9), nom.name
    info = recalculated["Thông tin"]
    lines = {str(r[0].value): r for r in info.iter_rows(min_row=12, max_row=20) if r[0].value}
    for quota_id in ("CSTT", "LDTT", "CSTDCS", "DVQT"):
        row = next(r for label, r in lines.items() if label.endswith(f"({quota_id})"))
        check = checks[quota_id]
        assert (row[4].value, row[5].value, row[6].value) == (check.limit, check.counted,
                                                              check.headroom), quota_id


@needs_libreoffice
def test_template_renders_to_pdf_with_vietnamese_text(tmp_path, rules):
    source = tmp_path / "mau.xlsx"
    source.write_bytes(unit_workbook_bytes(rules))
    pdf = convert(source, tmp_path / "pdf", "pdf")
    assert pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "HƯỚNG DẪN NHẬP MẪU" in text
        assert "Chiến sĩ thi đua cơ sở" in text
        assert "Danh hiệu đề nghị" in text
