"""Vietnamese number, share, comparison and date formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from addin.domain import labels as L
from addin.domain import vi_format as vi


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0, 0, "0"), (7, 0, "7"), (999, 0, "999"), (1000, 0, "1.000"), (48000, 0, "48.000"),
    (1234567, 0, "1.234.567"), (-1200, 0, "-1.200"), (36.364, 2, "36,36"),
    (36.365, 2, "36,37"),  # half-up on the written value, not binary 36.36499…
    (Fraction(2, 3) * 100, 2, "66,67"), (Decimal("1234.5"), 1, "1.234,5"), (0.5, 0, "1"),
    (2.5, 0, "3"), (12345.678, 2, "12.345,68"), (-0.001, 2, "0,00"),
])
def test_number(value, decimals, expected):
    assert vi.number(value, decimals) == expected


def test_number_trim():
    assert vi.number(70.0, 2, trim=True) == "70"
    assert vi.number(12.5, 2, trim=True) == "12,5"
    assert vi.number(12.5, 2) == "12,50"


def test_percent_and_share():
    assert vi.percent(36.36) == "36,36 %"
    assert vi.percent(70.0) == "70 %"
    assert vi.percent(70.0, trim=False) == "70,00 %"
    assert vi.share(Fraction(7, 10)) == "70 %"
    assert vi.share(Fraction(2, 3)) == "66,67 %"
    assert vi.share(Fraction(1, 3), 0) == "33 %"


def test_comparisons_in_words():
    assert vi.threshold(">=", Fraction(7, 10)) == "từ 70 % trở lên"
    assert vi.threshold(">", Fraction(1, 2)) == "trên 50 %"
    assert vi.compared("<=", vi.share(Fraction(1, 4))) == "không quá 25 %"
    assert vi.compared("<", "3") == "dưới 3"


def test_counts_and_days():
    assert vi.count(48000, "cá nhân") == "48.000 cá nhân"
    assert vi.day(date(2024, 12, 5)) == "05/12/2024"
    # The dateline of a document is written by one function (labels.date_line), from the day.
    assert not hasattr(vi, "long_day")
    assert L.date_line(vi.day(date(2024, 12, 5)), "Đắk Lắk") == "Đắk Lắk, ngày 05 tháng 12 năm 2024"


@pytest.mark.parametrize(("text", "expected"), [
    ("15/12/2024", date(2024, 12, 15)), ("5/1/2025", date(2025, 1, 5)),
    (" 15-12-2024 ", date(2024, 12, 15)), ("15.12.2024", date(2024, 12, 15)),
    ("2024-12-15", date(2024, 12, 15)), ("29/02/2024", date(2024, 2, 29)),
    ("hom-qua", None), ("31/02/2024", None), ("12/2024", None), ("", None),
    ("15/13/2024", None), ("2024-15-12", None), ("15/12/24", None), ("1/1/2024 x", None),
])
def test_parse_day(text, expected):
    assert vi.parse_day(text) == expected


def test_words_and_title_names(rules):
    assert vi.words(vi.ROUNDING_WORDS, "floor") == "làm tròn xuống"
    assert vi.words(vi.BASE_WORDS, "headcount") == "quân số"
    assert vi.words(vi.BASE_WORDS, "new_key") == "new_key"
    assert vi.title_name(rules, "CSTDCS") == rules.titles["CSTDCS"].name
    assert vi.title_name(rules, "CSTDCS") != "CSTDCS"
    assert vi.title_name(rules, "XYZ") == "XYZ"


def test_rules_book_ratios():
    assert vi.ratio(Fraction(7, 10)) == "70 %"
    assert vi.ratio(Fraction(1, 8)) == "12,5 %"
    assert vi.ratio(Fraction(2, 3)) == "2/3"
    assert vi.ratio(Fraction(1, 1)) == "100 %"

