"""Canonical field keys of the workbook contract and their Vietnamese labels (contracts.md §1).

The one place the canonical header texts live; io.layout adds the synonyms found in the wild.
"""

from __future__ import annotations

SHEET_INFO = "Thông tin"
SHEET_INDIVIDUALS = "Cá nhân"
SHEET_COLLECTIVES = "Tập thể"
SHEET_COMMENDATIONS = "Khen thưởng"

INFO_LABELS: dict[str, str] = {
    "unit": "Đơn vị",
    "cluster": "Cụm thi đua",
    "period": "Kỳ báo cáo",
    "headcount": "Quân số",
    "subunits": "Số đầu mối",
    "council": "Số thành viên Hội đồng",
    "prepared_by": "Người lập",
    "prepared_on": "Ngày lập",
}
INFO_REQUIRED = ("unit", "cluster", "period", "headcount")
INFO_INTEGERS = ("headcount", "subunits", "council")

# The title proposed and its vote: the same columns under the same headers on "Cá nhân" and
# "Tập thể".
TITLE_LABEL = "Danh hiệu đề nghị"
VOTE_LABELS: dict[str, str] = {
    "members": "Tổng số thành viên",
    "present": "Số có mặt",
    "agree": "Số phiếu đồng ý",
    "percent": "Tỷ lệ (%)",
    "result": "Kết quả",
}
INDIVIDUAL_LABELS: dict[str, str] = {
    "seq": "STT",
    "full_name": "Họ và tên",
    "rank": "Cấp bậc",
    "position": "Chức vụ",
    "unit": "Đơn vị",
    "title": TITLE_LABEL,
    **VOTE_LABELS,
    "initiative": "Sáng kiến, đề tài",
    "streak": "Số năm liên tục đạt",
    "note": "Ghi chú",
    # Optional person columns of official forms (contracts.md §6): identity across periods.
    "service_no": "Số hiệu quân nhân",
    "birth_year": "Năm sinh",
}
COLLECTIVE_LABELS: dict[str, str] = {
    "seq": "STT",
    "name": "Tên tập thể",
    "title": TITLE_LABEL,
    "headcount": "Quân số",
    "cstt": "Số đạt CSTT",
    "cstdcs": "Số đạt CSTĐCS",
    "disciplined": "Số bị kỷ luật",
    **VOTE_LABELS,
    "note": "Ghi chú",
}
COMMENDATION_LABELS: dict[str, str] = {
    "seq": "STT",
    "form": "Hình thức khen thưởng",
    "kind": "Loại",
    "level": "Cấp khen",
    "collectives": "Số tập thể",
    "individuals": "Số cá nhân",
    "note": "Ghi chú",
}
# Columns a sheet cannot do without (their absence is missing_column).
INDIVIDUAL_REQUIRED = ("full_name", "title", "members", "present", "agree")
COLLECTIVE_REQUIRED = ("name", "title", "members", "present", "agree")
COMMENDATION_REQUIRED = ("form",)
COUNT_FIELDS = ("members", "present", "agree", "streak", "headcount", "cstt", "cstdcs",
                "disciplined", "collectives", "individuals", "birth_year")

RESULT_PASSED = "Đạt"
RESULT_FAILED = "Không đạt"
COMMENDATION_KINDS = ("Thường xuyên", "Đột xuất", "Chuyên đề")
COMMENDATION_LEVELS = ("Đơn vị", "Khen cao")
