"""Every Vietnamese label, header and verdict text of the printed reports, written once.

Field headers that name a field of the unit workbook come from addin.domain.fields (the same
texts the reader recognises); this module holds the rest: severities, statuses, quota verdicts,
the national header and the signature block of official pages.
"""

from __future__ import annotations

import re

SEVERITY = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
# Before the sentence of a failure: in a cell ("Lỗi: mẫu số bằng 0"), a macro box, the CLI.
ERROR_PREFIX = f"{SEVERITY['error']}: "
# Why a number typed or pasted as text is refused, after "… phải là số" (addin.io.cells): a count
# is read from digits 0-9 only; a score too, as its decimals hang on the PC's decimal mark.
COUNT_TEXT_RULE = "chỉ gõ các chữ số 0–9, không dấu chấm, dấu phẩy"
SCORE_TEXT_RULE = ("ô dạng văn bản chỉ nhận các chữ số 0–9; điểm lẻ gõ dạng số, "
                   "không định dạng Văn bản")
# Why a count or a score in a cell formatted as a date (or a time) is refused: the digits typed
# are right, the cell's format turned them into a date (addin.io.cells.count_why).
DATE_CELL_RULE = "ô đang định dạng ngày tháng: chọn ô, Định dạng → Số"
# A score the engine refuses is named by its column, in every output that says so: the report
# and `tdkt validate` ("Điểm tự chấm" of the unit's "Chấm điểm"), the unit template's totals, the
# cluster template's live "Xếp hạng" (its cells are the cluster's scores) and the add-in's
# TDKT_DIEM, which adds the criterion's code (score_detail).
SCORE_SELF, SCORE_CLUSTER = "Điểm tự chấm", "Điểm cụm chấm"


def score_detail(column: str, criterion: str = "") -> str:
    """The detail of a refused score's not_a_number: '"Điểm tự chấm"', or with the criterion
    '"Điểm tự chấm" của tiêu chí TC01'."""
    return f'"{column}"' + (f" của tiêu chí {criterion}" if criterion else "")


# A file's status in a consolidation (the "Nguồn" sheet; report_input reads two of them back).
FILE_STATUS = {"ok": "Hợp lệ", "errors": "Có lỗi", "skipped": "Bỏ qua (trùng)",
               "unreadable": "Không đọc được"}
# A quota check's verdict: within the limit, over it, or not computable (a base is missing).
QUOTA_VERDICT: dict[bool | None, str] = {True: "Trong hạn mức", False: "Vượt",
                                         None: "Chưa tính được"}
QUOTA_OVER_PREFIX = "Vượt: "
QUOTA_UNKNOWN = "Chưa đủ số liệu"
# Under a quota table: what its "Đã đạt" counts, a line per quota (quota_counts_line).
def quota_counts_head(sheet: str) -> str:
    """The first line of the note; `sheet`: where the same title's "Đạt" is shown."""
    return ("Ghi chú: “Đã đạt” của mỗi hạn mức đếm người đạt danh hiệu của hạn mức và người "
            "đạt danh hiệu cao hơn cùng nhóm (theo bộ quy tắc), nên có thể lớn hơn số đạt của "
            f"danh hiệu đó ở trang “{sheet}”:")




def quota_counts_line(quota_id: str, title: str, counted: list[str]) -> str:
    """One quota's line of QUOTA_COUNTS_NOTE: "- CSTT (Chiến sĩ tiên tiến): đếm A, B"."""
    return f"- {quota_id} ({title}): đếm {', '.join(counted)}"


CLUSTER_WIDE = "TOÀN CỤM"
WHOLE_CLUSTER = "Toàn cụm"  # where an issue belongs to no one file (the CLI's listing)
WHOLE_CLUSTER_FILE = "(toàn cụm)"
TOTAL = "Tổng cộng"
PROPOSED, PASSED = "Đề nghị", "Đạt"
BY_VOTE = " (biểu quyết)"  # after a ranking proposal the conference still has to vote on
CODE, TITLE, MAX_SHARE, BASE, LIMIT, COUNTED, HEADROOM, RESULT = (
    "Mã", "Danh hiệu", "Tỷ lệ tối đa", "Số cơ sở", "Hạn mức", "Đã đạt", "Còn được đề nghị",
    "Kết quả")  # headers of a quota table
QUOTA_ID = "Mã hạn mức"
SOURCE = "Nguồn"  # the text a rule or a quota comes from (a column of "Hạn mức")
# The sheets of the cluster summary (contracts.md §5) that are not a unit workbook's (those are
# addin.domain.fields.SHEET_*): the report writes them, the report reader recognises them.
SHEET_SUMMARY, SHEET_ISSUES, SHEET_SOURCES = "Tổng hợp", "Kiểm tra", "Nguồn"
QUOTA_COUNTS_NOTE = quota_counts_head(SHEET_SUMMARY)  # under a cluster's "Hạn mức"
SHEET_QUOTAS = "Hạn mức"
SHEET_COVENANT = "Giao ước"  # the cluster template's covenant (addin.io.covenant_sheet)
# The code of the title a record was judged on: a column of the report's nomination sheets (the
# next level reads it back) and a helper column of the unit template.
TITLE_CODE = "Mã danh hiệu"
# Columns of "Nguồn": the reconciliation (rows seen = rows written + rows skipped) read back.
ROWS_READ, ROWS_SKIPPED = "Số dòng đọc", "Dòng bỏ qua"
DIGEST = "SHA-256"  # the file's fingerprint, also the column by which the reader finds the header
# Headers of an issue list and of the files of a consolidation (the report writes them, the
# report reader finds its columns by them, the "Kiểm tra" macro shares them).
FILE, FILE_STATE, ISSUE_CODE, SEVERITY_HEADER, MESSAGE = (
    "Tệp", "Tình trạng", "Mã lỗi", "Mức độ", "Nội dung")
SHEET, ROW, COLUMN = "Trang", "Dòng", "Cột"
NO_LIMIT = "không giới hạn"  # shown where the rules book sets no upper bound
TO_CHECK = "cần kiểm tra"
VERIFIED, UNVERIFIED = "Đã kiểm chứng", "Cần kiểm tra"
MATCH, MISMATCH, NOT_COUNTED = "Khớp", "KHÔNG KHỚP", "Không tính"

# The national header of an official page (Nghị định 30/2020/NĐ-CP, thể thức văn bản).
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
UNNAMED_ISSUER = "……………………"  # filled in by hand when the issuing unit is not known
PLACE_BLANK = "……"

# The signature block.
PREPARER = "NGƯỜI LẬP BIỂU"
CHAIR = "CỤM TRƯỞNG"
COMMANDER = "THỦ TRƯỞNG ĐƠN VỊ"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
SIGN_STAMP_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"

_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")


def date_line(date: str, place: str = "") -> str:
    """"Đắk Lắk, ngày 20 tháng 11 năm 2026" from "20/11/2026"; dots to fill by hand where the
    place or the date is not known."""
    where = place.strip() or PLACE_BLANK
    found = _DATE.fullmatch(date or "")
    if found is None:
        return f"{where}, ngày …… tháng …… năm ……"
    day, month, year = found.groups()
    return f"{where}, ngày {int(day):02d} tháng {int(month):02d} năm {year}"


def date_key(date: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a dd/mm/yyyy date, to pick the latest; None when not a date."""
    found = _DATE.fullmatch(date or "")
    if found is None:
        return None
    day, month, year = (int(x) for x in found.groups())
    return year, month, day

# The check line of a unit table (the template's row 3), when rows a print leaves out exist.
ROWS_OUTSIDE_PRINT = ("dòng nằm ngoài vùng in — chạy Kiểm tra (add-in) hoặc Bố trí Trang › "
                      "Vùng In › Xóa Vùng In trước khi in")

# The history database's file name where neither --db nor $TDKT_DB names one (contracts.md §7).
HISTORY_DB_NAME = "tdkt-lich-su.sqlite"
