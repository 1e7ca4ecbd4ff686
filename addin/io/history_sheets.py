"""The eligibility list (`tdkt history eligible -o F.xlsx`): one row per person or collective
and chain, with the years that prove it, as a sheet staff can filter."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from addin.domain import labels as L
from addin.io.page_blocks import PageHead, national_header
from addin.io.report import table_header
from addin.io.sheet_spec import row_height
from addin.io.xlsx_common import Styles, new_workbook, print_setup, write_number, write_text

SHEET = "Đủ điều kiện"
HEADERS = ("STT", "Loại", "Họ và tên / Tên tập thể", "Đơn vị", "Số hiệu quân nhân", "Năm sinh",
           "Được đề nghị", "Danh hiệu đã đạt liên tục", "Các năm chứng minh", "Căn cứ",
           "Kiểm chứng")
WIDTHS = (5, 9, 26, 26, 14, 8, 36, 16, 20, 50, 12)
KIND = {"individual": "Cá nhân", "collective": "Tập thể"}


def eligible_workbook_bytes(rows: Sequence[dict[str, Any]], year: int) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, f"Danh sách đủ điều kiện đề nghị năm {year}")
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(SHEET)
    header = national_header(sheet, styles, WIDTHS, PageHead(
        title=f"DANH SÁCH ĐỦ ĐIỀU KIỆN ĐỀ NGHỊ NĂM {year} (THEO DỮ LIỆU LỊCH SỬ)",
        lines=["Số năm liên tục tính các năm trước năm đề nghị; quy tắc ghi \"cần kiểm tra\" "
               "phải đối chiếu văn bản hiện hành"]))
    table_header(sheet, styles, header, HEADERS, WIDTHS)
    for i, r in enumerate(rows, start=1):
        row = header + i
        write_number(sheet, row, 0, i, styles.int)
        write_text(sheet, row, 1, KIND[r["kind"]], styles.cell)
        write_text(sheet, row, 2, r["name"], styles.cell_wrap)
        write_text(sheet, row, 3, r["unit"], styles.cell_wrap)
        write_text(sheet, row, 4, r["service_no"], styles.cell)
        write_number(sheet, row, 5, r["birth_year"], styles.int)
        write_text(sheet, row, 6, r["award_name"], styles.cell_wrap)
        write_text(sheet, row, 7, r["requires"], styles.cell)
        write_text(sheet, row, 8, ", ".join(str(y) for y in r["years"]), styles.cell)
        write_text(sheet, row, 9, r["source"], styles.cell_wrap)
        write_text(sheet, row, 10, (L.VERIFIED if r["verified"] else L.UNVERIFIED).lower(),
                   styles.cell)
        sheet.set_row(row, row_height((str(r[k]), WIDTHS[c]) for c, k in
                                      ((2, "name"), (3, "unit"), (6, "award_name"), (9, "source"))))
    sheet.autofilter(header, 0, header + max(len(rows), 1), len(HEADERS) - 1)
    sheet.freeze_panes(header + 1, 3)
    print_setup(sheet, header, header)
    workbook.close()
    return buffer.getvalue()
