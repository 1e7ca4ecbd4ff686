"""The eligibility list (`tdkt history eligible -o F.xlsx`): one row per person or collective
and chain, with the years that prove it, as a sheet staff can filter."""

from __future__ import annotations

import io
from collections.abc import Sequence

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.history_model import EligibleRow, SubjectKind
from addin.domain.rules import Rules
from addin.domain.vi_format import title_name
from addin.io.page_blocks import PageHead, national_header
from addin.io.sheet_spec import Column, write_table
from addin.io.xlsx_common import Styles, new_workbook, print_setup

SHEET = "Đủ điều kiện"
COLUMNS = (
    Column("seq", "STT", 5, "int"), Column("kind", "Loại", 9),
    Column("name", "Họ và tên / Tên tập thể", 26, wrap=True),
    Column("unit", F.INFO_LABELS["unit"], 26, wrap=True),
    Column("service_no", F.INDIVIDUAL_LABELS["service_no"], 14),
    Column("birth_year", F.INDIVIDUAL_LABELS["birth_year"], 8, "int"),
    Column("award_name", "Được đề nghị", 36, wrap=True),
    Column("requires", "Danh hiệu đã đạt liên tục", 18, wrap=True),
    Column("years", "Các năm chứng minh", 20),
    Column("source", "Căn cứ", 50, wrap=True), Column("verified", "Kiểm chứng", 12))
HEADERS = tuple(c.header for c in COLUMNS)
WIDTHS = tuple(c.width for c in COLUMNS)
KIND = {SubjectKind.INDIVIDUAL: F.SHEET_INDIVIDUALS, SubjectKind.COLLECTIVE: F.SHEET_COLLECTIVES}


def _values(i: int, r: EligibleRow, rules: Rules) -> list[object]:
    # the title held, by its name in the rules book (the row and its JSON keep the code)
    return [i, KIND[r.kind], r.name, r.unit, r.service_no, r.birth_year, r.award_name,
            title_name(rules, r.requires), ", ".join(str(y) for y in r.years), r.source,
            (L.VERIFIED if r.verified else L.UNVERIFIED).lower()]


def eligible_workbook_bytes(rows: Sequence[EligibleRow], year: int, rules: Rules) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, f"Danh sách đủ điều kiện đề nghị năm {year}")
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(SHEET)
    header = national_header(sheet, styles, WIDTHS, PageHead(
        title=f"DANH SÁCH ĐỦ ĐIỀU KIỆN ĐỀ NGHỊ NĂM {year} (THEO DỮ LIỆU LỊCH SỬ)",
        lines=["Số năm liên tục tính các năm trước năm đề nghị; quy tắc ghi \"cần kiểm tra\" "
               "phải đối chiếu văn bản hiện hành"]))
    write_table(sheet, styles, header, COLUMNS,
                (_values(i, r, rules) for i, r in enumerate(rows, start=1)))
    sheet.autofilter(header, 0, header + max(len(rows), 1), len(COLUMNS) - 1)
    sheet.freeze_panes(header + 1, 3)
    print_setup(sheet, header, header)
    workbook.close()
    return buffer.getvalue()
