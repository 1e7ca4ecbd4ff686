"""Ranges Python callers (and the remote engine) can pass that Excel never does: ragged rows,
cells mixed with rows, nested lists. Every answer is Vietnamese, never Python's own text."""

from __future__ import annotations

import pytest

from addin.udfs import (
    TDKT_CHUANHOA,
    TDKT_DANHHIEU,
    TDKT_HANMUC,
    TDKT_KETQUA,
    TDKT_KIEMTRA,
    TDKT_TYLE,
)
from addin.worksheet_functions import MSG_RAGGED

RAGGED = [[1, 2], [3]]
MIXED = [[1, 2], 3]
NESTED = [[1, [2]]]
HEADER = ["Họ và tên", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
          "Số phiếu đồng ý"]


def _texts(value):
    if isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value


CALLS = {
    "tyle-ragged": lambda: TDKT_TYLE(RAGGED, 10),
    "tyle-ragged-both": lambda: TDKT_TYLE(RAGGED, [[10, 10], [10]]),
    "tyle-mixed": lambda: TDKT_TYLE(MIXED, 10),
    "tyle-nested": lambda: TDKT_TYLE(NESTED, 10),
    "ketqua-ragged": lambda: TDKT_KETQUA([["CSTT"], ["CSTT", "CSTT"]], 10, 10, 9),
    "hanmuc-ragged": lambda: TDKT_HANMUC("CSTT", RAGGED),
    "danhhieu-ragged": lambda: TDKT_DANHHIEU([["CSTT", "LĐTT"], ["CSTĐCS"]]),
    "chuanhoa-mixed": lambda: TDKT_CHUANHOA(MIXED),
    "kiemtra-ragged-rows": lambda: TDKT_KIEMTRA([HEADER, ["Nguyễn Văn A", "CSTT"],
                                                 ["Lê B", "CSTT", 10, 10, 9, "thừa"]]),
    "kiemtra-cells-not-rows": lambda: TDKT_KIEMTRA(["Họ và tên", "Danh hiệu đề nghị"]),
    "kiemtra-mixed": lambda: TDKT_KIEMTRA([HEADER, "Nguyễn Văn A"]),
}


@pytest.mark.parametrize("name", CALLS)
def test_odd_ranges_get_vietnamese_answers(name):
    result = CALLS[name]()
    for text in _texts(result):
        for english in ("list index", "out of range", "object", "Error", "NoneType", "not "):
            assert english not in text, (name, text)


def test_a_ragged_range_says_so():
    assert TDKT_TYLE(RAGGED, 10) == MSG_RAGGED
    assert TDKT_TYLE(MIXED, 10) == MSG_RAGGED
    assert TDKT_TYLE([1, 2], 10) == [[10.0, 20.0]]  # a flat list is one row
