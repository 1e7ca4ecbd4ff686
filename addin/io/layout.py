"""How unit workbooks look in the wild: sheet names and header texts -> field keys.

Canonical labels come from addin.domain.fields; this module adds the synonyms staff use.
Every text is compared folded (no diacritics, lower case, punctuation dropped).
"""

from __future__ import annotations

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.text import fold

SHEET_KEYS: dict[str, tuple[str, ...]] = {
    "info": (F.SHEET_INFO, "Thông tin chung", "Thông tin đơn vị"),
    "individuals": (F.SHEET_INDIVIDUALS, "Danh sách cá nhân", "DS cá nhân"),
    "collectives": (F.SHEET_COLLECTIVES, "Danh sách tập thể", "DS tập thể"),
    "commendations": (F.SHEET_COMMENDATIONS, "Khen thưởng khác"),
    "scores": ("Chấm điểm", "Bảng chấm điểm", "Chấm điểm thi đua", "Tự chấm điểm"),  # §8
}

INFO_SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": ("Tên đơn vị",),
    "cluster": ("Cụm", "Cụm thi đua số"),
    "period": ("Kỳ", "Kỳ báo cáo", "Thời gian", "Năm"),
    "headcount": ("Quân số đơn vị", "Tổng quân số"),
    "subunits": ("Đầu mối", "Số đầu mối trực thuộc", "Số tập thể trực thuộc"),
    "council": ("Thành viên Hội đồng", "Số thành viên HĐ", "Hội đồng thi đua"),
    "prepared_by": ("Người lập biểu", "Người báo cáo"),
    "prepared_on": ("Ngày báo cáo", "Ngày lập biểu"),
}

_COMMON: dict[str, tuple[str, ...]] = {
    "seq": ("TT", "Số TT", "Số thứ tự"),
    "title": ("Danh hiệu", "Danh hiệu thi đua", "Đề nghị danh hiệu", "Danh hiệu đề nghị xét tặng"),
    "members": ("Tổng số", "Tổng số TV", "Số thành viên", "Thành viên", "Tổng số thành viên HĐ",
                "Tổng số người"),
    "present": ("Có mặt", "Số người có mặt", "Số người dự họp", "Số dự họp", "Dự họp",
                "Số có mặt dự họp"),
    "agree": ("Phiếu đồng ý", "Số phiếu", "Đồng ý", "Số phiếu bầu", "Phiếu bầu"),
    "percent": ("Tỷ lệ", "Tỷ lệ %", "Tỉ lệ (%)", "Tỉ lệ", "Tỷ lệ phiếu", "Tỷ lệ phiếu (%)"),
    "result": ("Kết quả bình xét", "KQ"),
    "note": ("Ghi chú khác",),
}

INDIVIDUAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    **_COMMON,
    "full_name": ("Họ tên", "Họ và tên cá nhân", "Tên"),
    "rank": ("Cấp bậc hàm", "Quân hàm", "Cấp bậc chức vụ"),
    "position": ("Chức vụ đơn vị", "Chức danh"),
    "unit": ("Đơn vị công tác", "Đơn vị cá nhân"),
    "initiative": ("Sáng kiến", "Đề tài", "Sáng kiến đề tài", "Sáng kiến, giải pháp",
                   "Sáng kiến kinh nghiệm"),
    "streak": ("Số năm liên tục", "Năm liên tục", "Số năm liên tục đạt CSTĐCS"),
    "service_no": ("Số hiệu", "SHQN", "Số hiệu QN"),
    "birth_year": ("Năm sinh", "Sinh năm"),
}

COLLECTIVE_SYNONYMS: dict[str, tuple[str, ...]] = {
    **_COMMON,
    "name": ("Tập thể", "Tên đơn vị", "Đơn vị", "Tên tập thể đơn vị"),
    "headcount": ("Quân số đơn vị", "Tổng quân số"),
    "cstt": ("Số CSTT", "Đạt CSTT", "Số chiến sĩ tiên tiến", "Số đạt CSTT trở lên"),
    "cstdcs": ("Số CSTĐCS", "Đạt CSTĐCS", "Số chiến sĩ thi đua cơ sở"),
    "disciplined": ("Bị kỷ luật", "Số kỷ luật", "Kỷ luật"),
}

COMMENDATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": _COMMON["seq"],
    "form": ("Hình thức", "Hình thức khen", "Loại hình khen thưởng"),
    "kind": ("Loại khen thưởng", "Loại khen"),
    "level": ("Cấp", "Cấp khen thưởng"),
    "collectives": ("Tập thể", "Số lượng tập thể"),
    "individuals": ("Cá nhân", "Số lượng cá nhân"),
    "note": _COMMON["note"],
}

# Columns the product itself writes next to the contract's (template helpers): known, ignored.
HELPER_HEADERS = (L.TITLE_CODE, "Dòng quy tắc", "Mẫu số phiếu", "Lỗi số liệu")
# The proven streak beside the declared one (issue 14; needs the add-in, blank without it).
HISTORY_HEADER = "Số năm liên tục theo CSDL lịch sử"


def _index(labels: dict[str, str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, label in labels.items():
        for text in (label, *synonyms.get(key, ())):
            index.setdefault(fold(text), key)
    for text in (*HELPER_HEADERS, HISTORY_HEADER):
        index.setdefault(fold(text), "_helper")
    return index


SHEET_INDEX = {fold(name): key for key, names in SHEET_KEYS.items() for name in names}
INFO_INDEX = _index(F.INFO_LABELS, INFO_SYNONYMS)
TABLES: dict[str, tuple[dict[str, str], dict[str, str], tuple[str, ...]]] = {
    # key: (header index, canonical labels, required columns)
    "individuals": (_index(F.INDIVIDUAL_LABELS, INDIVIDUAL_SYNONYMS), F.INDIVIDUAL_LABELS,
                    F.INDIVIDUAL_REQUIRED),
    "collectives": (_index(F.COLLECTIVE_LABELS, COLLECTIVE_SYNONYMS), F.COLLECTIVE_LABELS,
                    F.COLLECTIVE_REQUIRED),
    "commendations": (_index(F.COMMENDATION_LABELS, COMMENDATION_SYNONYMS),
                      F.COMMENDATION_LABELS, F.COMMENDATION_REQUIRED),
}
CANONICAL_SHEET = {
    "info": F.SHEET_INFO,
    "individuals": F.SHEET_INDIVIDUALS,
    "collectives": F.SHEET_COLLECTIVES,
    "commendations": F.SHEET_COMMENDATIONS,
}
