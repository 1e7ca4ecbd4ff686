"""The cell converters' fast paths (issue 12 performance) decide exactly as the general path:
every boundary a native float or int can cross, and the values that must not take them."""

from __future__ import annotations

import math

import pytest

from addin.domain.issues import Code
from addin.io.cells import MAX_COUNT, to_count, to_number, to_text


class _Str(str):
    """A str subclass: not the fast path's exact type, same answer."""


@pytest.mark.parametrize(("value", "expected"), [
    (0.0, (0, None)), (-0.0, (0, None)), (15.0, (15, None)), (float(MAX_COUNT), (MAX_COUNT, None)),
    (MAX_COUNT + 1.0, (None, Code.NOT_A_NUMBER)), (15.5, (None, Code.NOT_AN_INTEGER)),
    (-1.0, (None, Code.NEGATIVE_NUMBER)), (-0.5, (None, Code.NOT_AN_INTEGER)),
    (math.nan, (None, Code.NOT_A_NUMBER)), (math.inf, (None, Code.NOT_A_NUMBER)),
    (-math.inf, (None, Code.NOT_A_NUMBER)), (0, (0, None)), (7, (7, None)),
    (MAX_COUNT, (MAX_COUNT, None)), (MAX_COUNT + 1, (None, Code.NOT_A_NUMBER)),
    (-3, (None, Code.NEGATIVE_NUMBER)), (True, (None, Code.NOT_A_NUMBER)),
    (False, (None, Code.NOT_A_NUMBER)), (None, (None, None)), ("", (None, None)),
    ("  ", (None, None)),
    ("15", (15, None)), (" 15\u00a0", (15, None)), ("1.234", (None, Code.NOT_A_NUMBER)),
    ("15,0", (None, Code.NOT_A_NUMBER)), ("abc", (None, Code.NOT_A_NUMBER)),
])
def test_to_count_at_every_boundary(value: object, expected: tuple[object, object]) -> None:
    got = to_count(value)
    assert got == expected
    assert type(got[0]) is type(expected[0])  # an int, never a float that equals one


@pytest.mark.parametrize(("value", "expected"), [
    (66.67, (66.67, None)), (-2.5, (-2.5, None)), (float(MAX_COUNT), (float(MAX_COUNT), None)),
    (-float(MAX_COUNT), (-float(MAX_COUNT), None)), (MAX_COUNT + 0.5, (None, Code.NOT_A_NUMBER)),
    (math.nan, (None, Code.NOT_A_NUMBER)), (math.inf, (None, Code.NOT_A_NUMBER)),
    (5, (5.0, None)), (True, (None, Code.NOT_A_NUMBER)), (None, (None, None)),
    ("15,5", (15.5, None)),
])
def test_to_number_at_every_boundary(value: object, expected: tuple[object, object]) -> None:
    got = to_number(value)
    assert got == expected
    assert type(got[0]) is type(expected[0])


@pytest.mark.parametrize(("value", "expected"), [
    ("Nguyễn Văn A", ("Nguyễn Văn A", None)), ("  Trung   sĩ \u00a0", ("Trung sĩ", None)),
    ("Nguye\u0302\u0303n", ("Nguyễn", None)), ("", ("", None)), (" \n ", ("", None)),
    ("Hoµng", ("Hoàng", "TCVN3")), (_Str(" Lê "), ("Lê", None)), (None, ("", None)),
    (3.0, ("3", None)), (3.5, ("3.5", None)), (True, ("TRUE", None)), (12, ("12", None)),
])
def test_to_text_of_native_text_and_the_rest(value: object, expected: tuple[str, object]) -> None:
    assert to_text(value) == expected
