"""Issues: every problem found in the input, as data. Codes are stable (contracts.md §4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from addin.domain.labels import ERROR_PREFIX

if TYPE_CHECKING:
    from addin.domain.models import UnitInfo  # models imports Issue from here

Severity = Literal["error", "warning", "info"]


class Code(StrEnum):
    UNREADABLE_FILE = "unreadable_file"
    MISSING_SHEET = "missing_sheet"
    MISSING_COLUMN = "missing_column"
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    NEGATIVE_NUMBER = "negative_number"
    FORMULA_ERROR = "formula_error"
    AGREE_EXCEEDS_PRESENT = "agree_exceeds_present"
    PRESENT_EXCEEDS_MEMBERS = "present_exceeds_members"
    QUORUM_NOT_MET = "quorum_not_met"
    UNKNOWN_TITLE = "unknown_title"
    WRONG_TITLE_KIND = "wrong_title_kind"
    BELOW_THRESHOLD = "below_threshold"
    PREREQUISITE_MISSING = "prerequisite_missing"
    CRITERIA_NOT_MET = "criteria_not_met"
    QUOTA_EXCEEDED = "quota_exceeded"
    DUPLICATE_PERSON = "duplicate_person"
    DUPLICATE_FILE = "duplicate_file"
    DUPLICATE_UNIT = "duplicate_unit"
    PERCENT_MISMATCH = "percent_mismatch"
    LEGACY_ENCODING = "legacy_encoding"
    UNEXPECTED_COLUMN = "unexpected_column"
    # contracts.md §9
    SKIPPED_ROW = "skipped_row"
    RESULT_MISMATCH = "result_mismatch"
    STREAK_MISMATCH = "streak_mismatch"
    STREAK_UNVERIFIED = "streak_unverified"
    AMBIGUOUS_PERSON = "ambiguous_person"
    PERIOD_UNPARSED = "period_unparsed"
    WRONG_CLUSTER = "wrong_cluster"
    MIXED_PERIOD = "mixed_period"
    SCORE_EXCEEDS_MAX = "score_exceeds_max"
    NEGATIVE_SCORE = "negative_score"
    UNKNOWN_CRITERION = "unknown_criterion"
    MISSING_CRITERION = "missing_criterion"
    # issue 16: a commendation form the rules book does not know (kept as typed, counted)
    UNKNOWN_FORM = "unknown_form"
    # issue 13 §3: a consolidated folder gathering several clusters (a higher level), said aloud
    SEVERAL_CLUSTERS = "several_clusters"


SEVERITY: dict[Code, Severity] = {
    Code.BELOW_THRESHOLD: "warning",
    Code.DUPLICATE_PERSON: "warning",
    Code.DUPLICATE_FILE: "warning",
    Code.PERCENT_MISMATCH: "warning",
    Code.LEGACY_ENCODING: "warning",
    Code.UNEXPECTED_COLUMN: "info",
    Code.SKIPPED_ROW: "info",
    Code.RESULT_MISMATCH: "warning",
    Code.STREAK_UNVERIFIED: "info",
    Code.AMBIGUOUS_PERSON: "warning",
    Code.UNKNOWN_FORM: "warning",
    Code.SEVERAL_CLUSTERS: "info",
}

# Vietnamese message per code; `{detail}` carries the specifics.
MESSAGE: dict[Code, str] = {
    Code.UNREADABLE_FILE: "Không đọc được tệp: {detail}",
    Code.MISSING_SHEET: "Thiếu trang tính {detail}",
    Code.MISSING_COLUMN: "Thiếu cột {detail}",
    Code.MISSING_VALUE: "Chưa nhập {detail}",
    Code.NOT_A_NUMBER: "{detail} phải là số",
    Code.NOT_AN_INTEGER: "{detail} phải là số nguyên",
    Code.NEGATIVE_NUMBER: "{detail} không được âm",
    Code.FORMULA_ERROR: "Ô có lỗi công thức {detail}",
    Code.AGREE_EXCEEDS_PRESENT: "Số phiếu đồng ý lớn hơn {detail}",
    Code.PRESENT_EXCEEDS_MEMBERS: "Số có mặt lớn hơn tổng số thành viên {detail}",
    Code.QUORUM_NOT_MET: "Không đủ số thành viên dự họp theo quy định {detail}",
    Code.UNKNOWN_TITLE: "Danh hiệu không có trong quy tắc: {detail}",
    Code.WRONG_TITLE_KIND: "Sai loại danh hiệu: {detail}",
    Code.BELOW_THRESHOLD: "Tỷ lệ phiếu chưa đạt {detail}",
    Code.PREREQUISITE_MISSING: "Chưa đủ điều kiện: {detail}",
    Code.CRITERIA_NOT_MET: "Tập thể chưa đủ tiêu chuẩn: {detail}",
    Code.QUOTA_EXCEEDED: "Vượt tỷ lệ xét tặng: {detail}",
    Code.DUPLICATE_PERSON: "Cá nhân bị đề nghị trùng: {detail}",
    Code.DUPLICATE_FILE: "Tệp trùng nội dung với {detail} (chỉ tính một lần)",
    Code.DUPLICATE_UNIT: "Hai tệp khác nhau của cùng đơn vị và kỳ báo cáo: {detail}",
    Code.PERCENT_MISMATCH: "Tỷ lệ (%) trong tệp khác tỷ lệ tính lại {detail}",
    Code.LEGACY_ENCODING: "Văn bản gõ bằng bảng mã {detail} đã được chuyển sang Unicode",
    Code.UNEXPECTED_COLUMN: "Cột không thuộc mẫu, được bỏ qua: {detail}",
    Code.SKIPPED_ROW: "Dòng không phải đề nghị, được bỏ qua: {detail}",
    Code.RESULT_MISMATCH: "Kết quả ghi trong tệp khác kết quả tính lại {detail}",
    Code.STREAK_MISMATCH: "Số năm liên tục khai lớn hơn số năm có trong dữ liệu lịch sử {detail}",
    Code.STREAK_UNVERIFIED: "Chưa đủ dữ liệu lịch sử để kiểm tra số năm liên tục {detail}",
    Code.AMBIGUOUS_PERSON: "Dòng khớp với nhiều người trong dữ liệu lịch sử {detail}",
    Code.PERIOD_UNPARSED: "Không nhận ra kỳ báo cáo {detail}",
    Code.WRONG_CLUSTER: "Tệp ghi cụm thi đua khác, không tính vào cụm này: {detail}",
    Code.MIXED_PERIOD: "Tệp của kỳ báo cáo khác, không tính vào kỳ này: {detail}",
    Code.SCORE_EXCEEDS_MAX: "Điểm vượt điểm tối đa của tiêu chí {detail}",
    Code.NEGATIVE_SCORE: "Điểm không được âm {detail}",
    Code.UNKNOWN_CRITERION: "Tiêu chí không có trong giao ước thi đua: {detail}",
    Code.MISSING_CRITERION: "Thiếu tiêu chí của giao ước thi đua: {detail}",
    Code.UNKNOWN_FORM: "Hình thức khen thưởng không có trong danh mục, được tổng hợp theo đúng "
                       "cách ghi: {detail}",
    Code.SEVERAL_CLUSTERS: "Thư mục gồm {detail}: tổng hợp cấp trên, tính mọi tệp",
}


@dataclass(frozen=True, slots=True)
class Issue:
    code: Code
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based Excel row
    column: str | None = None  # Excel column letter

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": str(self.code),
            "severity": self.severity,
            "message": self.message,
        }


def make_issue(
    code: Code,
    detail: str = "",
    *,
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    why: str = "",
) -> Issue:
    """`why`: the reason in brackets after the sentence (labels.COUNT_TEXT_RULE)."""
    return Issue(code, SEVERITY.get(code, "error"), _sentence(code, detail, why), file, sheet,
                 row, column)


def _sentence(code: Code, detail: str, why: str) -> str:
    text = MESSAGE[code].format(detail=detail).strip()
    return f"{text.rstrip(':').strip()} ({why})" if why else text


def issue_text(code: Code, detail: str = "", why: str = "") -> str:
    """The issue's sentence as a cell shows it ("Lỗi: …"): the templates' in-sheet checks and
    the worksheet functions show the engine's own words, without a dangling colon."""
    return ERROR_PREFIX + _sentence(code, detail, why).rstrip(":").strip()


# A "Thông tin" row holds its label in column A and its value in column B (contracts.md §1).
INFO_VALUE_COLUMN = "B"


def info_issue(code: Code, detail: str, info: UnitInfo, key: str, *, file: str | None) -> Issue:
    """An issue on the value cell of the "Thông tin" row `key` when the reader found that row;
    on the sheet alone when it did not (a row that is not there has no cell to point at)."""
    row = info.rows.get(key)
    return make_issue(code, detail, file=file, sheet=info.sheet, row=row,
                      column=INFO_VALUE_COLUMN if row is not None else None)


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)
