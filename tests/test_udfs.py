"""The Excel functions as plain Python: single values, ranges, and the engine's edge cases."""

from __future__ import annotations

import inspect
import typing

import pytest

from addin import udfs
from addin.udfs import (
    TDKT_CHUANHOA,
    TDKT_DANHHIEU,
    TDKT_HANMUC,
    TDKT_HINHTHUC,
    TDKT_KETQUA,
    TDKT_KIEMTRA,
    TDKT_TYLE,
)


def test_every_udf_has_a_docstring_and_imports_on_linux():
    declared = {name for name, fn in vars(udfs).items() if name.startswith("TDKT_") and callable(fn)}
    assert {fn.__name__ for fn in udfs.UDFS} == declared  # UDFS lists every function, once
    assert len(udfs.UDFS) == len(declared)
    for fn in udfs.UDFS:
        assert fn.__name__.startswith("TDKT_")
        assert fn.__doc__ and len(fn.__doc__.strip()) > 10
        hints = typing.get_type_hints(fn)
        assert set(inspect.signature(fn).parameters) - {"caller"} <= set(hints)


def test_tyle():
    assert TDKT_TYLE(7, 10) == 70.0
    assert TDKT_TYLE(2, 3) == 66.67
    assert TDKT_TYLE(1, 8) == 12.5
    assert TDKT_TYLE("7", "10") == 70.0
    assert TDKT_TYLE([[7], [5], [9]], [[10], [10], [0]]) == [[70.0], [50.0], ["Lỗi: mẫu số bằng 0"]]
    assert TDKT_TYLE([[7, 8]], 10) == [[70.0, 80.0]]  # a single value is repeated over a range
    assert TDKT_TYLE([[1], [2]], [[1, 2]]).startswith("Lỗi")  # shapes differ
    assert TDKT_TYLE("bảy", 10).startswith("Lỗi")
    assert TDKT_TYLE(11, 10).startswith("Lỗi")
    assert TDKT_TYLE(None, 10) == 'Lỗi: Chưa nhập "Số phiếu đồng ý"'
    assert TDKT_TYLE(11, 10) == "Lỗi: Số phiếu đồng ý lớn hơn mẫu số"


@pytest.mark.parametrize("title,members,present,agree,expected", [
    ("Chiến sĩ tiên tiến", 10, 10, 5, "Đạt"),           # exactly 50%
    ("CSTT", 10, 10, 4, "Không đạt"),
    ("CSTĐCS", 10, 10, 7, "Đạt"),                       # exactly 70%
    ("CSTĐ cơ sở", 10, 10, 6, "Không đạt"),
    ("Chiến sỹ tiên tiến", 9, 6, 6, "Đạt"),             # quorum exactly 2/3
    ("CSTT", 9, 5, 5, "Không đạt (không đủ túc số)"),
    ("CSTĐ toàn quân", 11, 9, 9, "Không đạt"),          # 9/11 of all members < 90%
    ("CSTĐ toàn quân", 10, 10, 9, "Đạt"),
    ("CSTT", 10, 7, 8, "Lỗi: Số phiếu đồng ý lớn hơn số có mặt"),
    ("CSTĐ toàn quân", 10, 10, 11, "Lỗi: Số phiếu đồng ý lớn hơn tổng số thành viên"),
    ("CSTT", 10, 11, 8, "Lỗi: Số có mặt lớn hơn tổng số thành viên"),
    ("CSTT", 10, 10, 7.5, 'Lỗi: "Số phiếu đồng ý" phải là số nguyên'),
    ("CSTT", 10, -1, 0, 'Lỗi: "Số có mặt" không được âm'),
    ("CSTT", None, 10, 8, 'Lỗi: Chưa nhập "Tổng số thành viên"'),
    ("Huân chương", 10, 10, 8, "Lỗi: không rõ danh hiệu"),
    ("", 10, 10, 8, ""),
])
def test_ketqua(title, members, present, agree, expected):
    assert TDKT_KETQUA(title, members, present, agree) == expected


def test_vote_errors_are_the_engines_sentences_as_the_templates_show_them():
    """The cell says what validation and the in-sheet checks say, not a sentence of its own."""
    from addin.domain.issues import Code, issue_text

    assert TDKT_KETQUA("CSTT", 10, 11, 8) == issue_text(Code.PRESENT_EXCEEDS_MEMBERS)
    assert TDKT_KETQUA("CSTT", 10, 7, 8) == issue_text(Code.AGREE_EXCEEDS_PRESENT, "số có mặt")


def test_a_count_typed_as_refused_text_says_why():
    """"10,0" typed as text: the cell says how to type a count, in the engine's words (one
    sentence: issues.issue_text with labels.COUNT_TEXT_RULE); a count too large does not."""
    why = "(chỉ gõ các chữ số 0–9, không dấu chấm, dấu phẩy)"
    assert TDKT_KETQUA("CSTT", 10, "10,0", 8) == f'Lỗi: "Số có mặt" phải là số {why}'
    assert TDKT_KETQUA("CSTT", "1.000", 10, 8) == f'Lỗi: "Tổng số thành viên" phải là số {why}'
    assert TDKT_KETQUA("CSTT", 10, 10, "20000000") == 'Lỗi: "Số phiếu đồng ý" phải là số'
    assert TDKT_KETQUA("CSTT", 10, " 10 ", 8) == "Đạt"


def test_ketqua_on_ranges():
    assert TDKT_KETQUA([["CSTT"], ["CSTĐCS"]], 10, 10, [[5], [6]]) == [["Đạt"], ["Không đạt"]]


def test_hanmuc():
    assert TDKT_HANMUC("CSTT", 57) == 22          # floor(57 × 40%)
    assert TDKT_HANMUC("Chiến sĩ thi đua cơ sở", 57) == 5
    assert TDKT_HANMUC("ĐVQT", 12) == 2
    assert TDKT_HANMUC("Cờ thi đua", 999) == 1
    assert TDKT_HANMUC([["CSTT"], ["LĐTT"]], [[100], [100]]) == [[40], [70]]
    assert TDKT_HANMUC("CSTT", -5).startswith("Lỗi")
    assert TDKT_HANMUC("xyz", 5) == "Lỗi: không rõ danh hiệu"
    assert TDKT_HANMUC("Đơn vị tiên tiến", 5) == "Lỗi: danh hiệu không có tỷ lệ xét tặng"


def test_hinhthuc_names_the_catalogue_form():
    assert TDKT_HINHTHUC([["BK BQP"], ["Huân chương Chiến công hạng Ba"], ["GK"], [None]]) == [
        ["Bằng khen của Bộ trưởng Bộ Quốc phòng"], ["Huân chương"], ["Giấy khen"], [""]]
    assert TDKT_HINHTHUC("Bằng khen") == "Không có trong danh mục hình thức khen thưởng"


def test_danhhieu_and_chuanhoa():
    assert TDKT_DANHHIEU("cstđcs") == "Chiến sĩ thi đua cơ sở"
    assert TDKT_DANHHIEU([["CSTT"], ["dvqt"], [None]]) == [["Chiến sĩ tiên tiến"],
                                                          ["Đơn vị Quyết thắng"], [""]]
    assert TDKT_DANHHIEU("abc") == "Lỗi: không rõ danh hiệu"
    assert TDKT_DANHHIEU([["Cờ TĐ BQP"], ["ĐVHLG"], ["VMTD MMTB"], ["Cờ thi đua"]]) == [
        ["Cờ thi đua của Bộ Quốc phòng"], ["Đơn vị huấn luyện giỏi"],
        ["Đơn vị vững mạnh toàn diện “Mẫu mực, tiêu biểu”"],
        ["Cờ thi đua cấp quân khu, quân chủng, tổng cục"]]
    assert TDKT_CHUANHOA("  NguyÔn   V¨n Hïng ") == "Nguyễn Văn Hùng"
    assert TDKT_CHUANHOA("Phaïm Ñöùc Thaéng") == "Phạm Đức Thắng"
    assert TDKT_CHUANHOA([["Hoa\u0300ng"], [15.0], [None]]) == [["Hoàng"], ["15"], [""]]


HEADER = ["STT", "Họ và tên", "Cấp bậc", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
          "Số phiếu đồng ý", "Sáng kiến, đề tài"]


def test_kiemtra_gives_one_message_per_row():
    table = [HEADER,
             [1, "Nguyễn Văn A", "Trung sĩ", "CSTT", 10, 10, 8, None],
             [2, "Trần B", "Hạ sĩ", "CSTT", 10, 7, 8, None],
             [3, None, None, None, None, None, None, None],
             [4, "Lê C", "Thiếu úy", "CSTĐCS", 10, 10, 9, None],
             [5, "Nguyễn Văn A", "Trung sĩ", "CSTT", 10, 10, 8, None]]
    result = TDKT_KIEMTRA(table)
    assert len(result) == 5 and all(len(r) == 1 for r in result)
    assert result[0] == [""] and result[2] == [""]
    assert "lớn hơn số có mặt" in result[1][0]
    assert "sáng kiến" in result[3][0]
    assert "trùng" in result[4][0]


def test_kiemtra_collectives_and_bad_tables():
    table = [["Tên tập thể", "Danh hiệu đề nghị", "Quân số", "Số đạt CSTT", "Số đạt CSTĐCS",
              "Tổng số thành viên", "Số có mặt", "Số phiếu đồng ý"],
             ["Ban Tham mưu", "Đơn vị Quyết thắng", 20, 13, 1, 10, 10, 8]]
    assert "CSTT" in TDKT_KIEMTRA(table)[0][0]
    assert TDKT_KIEMTRA([["a", "b"], [1, 2]])[0][0].startswith("Lỗi")
    assert TDKT_KIEMTRA("x")[0][0].startswith("Lỗi")


def test_rules_file_beside_the_workbook_overrides(tmp_path):
    (tmp_path / "tdkt-rules.toml").write_text('[votes.basic]\nthreshold = "60%"\n',
                                              encoding="utf-8")

    class Book:
        fullname = str(tmp_path / "so.xlsx")

    class Sheet:
        book = Book()

    class Caller:
        sheet = Sheet()

    assert TDKT_KETQUA("CSTT", 10, 10, 5) == "Đạt"
    assert TDKT_KETQUA("CSTT", 10, 10, 5, caller=Caller()) == "Không đạt"
    (tmp_path / "tdkt-rules.toml").write_text("[votes.basic\n", encoding="utf-8")
    import os
    os.utime(tmp_path / "tdkt-rules.toml", (1, 1))
    assert TDKT_KETQUA("CSTT", 10, 10, 5, caller=Caller()).startswith("Lỗi")


def test_an_unexpected_failure_reads_vietnamese_first_with_the_cause_after():
    """Issue 13 §2: not "không tính được (OperationalError)" but the sentence, then the
    technical cause marked as such (addin.io.causes)."""
    import sqlite3

    def locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    assert udfs._safely(locked) == ("Lỗi: không tính được (chi tiết kỹ thuật: OperationalError: "
                                    "database is locked)")
