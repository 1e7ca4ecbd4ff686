"""A cell shows an engine issue as "Lỗi: " + the issue's own sentence (issue_text, in the
domain): the templates' in-sheet checks and the worksheet functions use the same words."""

from addin.domain.issues import Code, issue_text, make_issue


def test_a_cell_shows_the_issues_sentence_after_the_error_prefix() -> None:
    detail = '"Số phiếu đồng ý"'
    assert issue_text(Code.MISSING_VALUE, detail) == 'Lỗi: Chưa nhập "Số phiếu đồng ý"'
    assert issue_text(Code.MISSING_VALUE, detail) == "Lỗi: " + make_issue(
        Code.MISSING_VALUE, detail).message


def test_without_a_detail_no_colon_or_space_is_left_dangling() -> None:
    assert issue_text(Code.UNKNOWN_TITLE) == "Lỗi: Danh hiệu không có trong quy tắc"
    assert issue_text(Code.PRESENT_EXCEEDS_MEMBERS) == "Lỗi: Số có mặt lớn hơn tổng số thành viên"
