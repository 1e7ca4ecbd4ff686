"""Cell values as Excel readers return them -> the domain's types, with the reason when not."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache

from xlsxwriter.utility import xl_col_to_name

from addin.domain.issues import Code
from addin.domain.labels import COUNT_TEXT_RULE, DATE_CELL_RULE
from addin.domain.legacy import detect_and_convert
from addin.domain.text import clean
from addin.domain.typed_numbers import MAX_COUNT, digit_text, text_count

_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:[.,\s]\d{3})+$")  # "1.234", never "0.001"
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
# What a reader returns for a cell formatted as a date or a time (the number typed is under it).
DATE_TYPES = (dt.date, dt.time, dt.timedelta)


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (XlsxWriter's own helper, remembered per column)."""
    name: str = _column_name(index)
    return name


_column_name = lru_cache(maxsize=None)(xl_col_to_name)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_number(value: object) -> tuple[float | None, Code | None]:
    """A number from a cell: native numbers, or text such as "15", "15,5", "1.234"."""
    if type(value) is float and -MAX_COUNT <= value <= MAX_COUNT:
        return value, None  # the common case, decided as the general path below would (NaN fails)
    if is_blank(value):
        return None, None
    if isinstance(value, bool) or isinstance(value, DATE_TYPES):
        return None, Code.NOT_A_NUMBER
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = clean(value).replace("\u00a0", "")
        if _GROUPED.match(text):
            number = float(re.sub(r"[.,\s]", "", text))
        elif _NUMBER.match(text):
            try:
                exact = Decimal(text.replace(",", "."))
            except ArithmeticError:  # an exponent beyond what any number type holds
                return None, Code.NOT_A_NUMBER
            number = float(exact)
            if number.is_integer() and exact != exact.to_integral_value():
                # "1e-400" or "1.00000000000000000001": a fraction that the float rounds to a
                # whole number (0 votes, 1 vote); never count it as one.
                return None, Code.NOT_AN_INTEGER
        else:
            return None, Code.NOT_A_NUMBER
    if not math.isfinite(number) or abs(number) > MAX_COUNT:
        return None, Code.NOT_A_NUMBER
    return number, None


def to_count(value: object) -> tuple[int | None, Code | None]:
    """A whole number ≥ 0, or the issue code saying why the cell is not one."""
    # Fast paths for what readers return most (a float or int already a count), with the same
    # result as the general path; anything else (text, NaN, negative, fraction) goes that way.
    if type(value) is float:
        if 0.0 <= value <= MAX_COUNT and value.is_integer():
            return int(value), None
    elif type(value) is int and 0 <= value <= MAX_COUNT:
        return value, None
    elif value is None or value == "":  # an empty cell (calamine gives "")
        return None, None
    if isinstance(value, str):
        return text_count(value)
    number, code = to_number(value)
    if number is None:
        return None, code
    if number != int(number):
        return None, Code.NOT_AN_INTEGER
    if number < 0:
        return None, Code.NEGATIVE_NUMBER
    return int(number), None


def count_why(value: object, code: Code | None, rule: str = COUNT_TEXT_RULE) -> str:
    """The reason to add to a count's issue (issues.make_issue's `why`): for not_a_number of
    text that is not digits-only and TRUE/FALSE, how to type it (`rule`: a count's "chỉ gõ các
    chữ số 0–9…"; a score's, scores_reader.points_why); for a cell formatted as a date or a
    time, that its format is the problem (labels.DATE_CELL_RULE); nothing for a number or
    digits too large (above MAX_COUNT), or another code. The template's count_error tells the
    same cases apart (1 with the reason, 4 without)."""
    if code is not Code.NOT_A_NUMBER:
        return ""
    if isinstance(value, str):
        return "" if digit_text(value) else rule
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ""
    if isinstance(value, DATE_TYPES):
        return DATE_CELL_RULE
    return rule


def to_text(value: object) -> tuple[str, str | None]:
    """Cell -> clean Unicode text, and the legacy encoding it was converted from, if any."""
    if type(value) is str:  # the common case first; the same result as the general path
        return _text_of(value) if value.strip() else ("", None)
    if is_blank(value):
        return "", None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else
                value.isoformat(sep=" ")), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return _text_of(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _text_of(raw: str) -> tuple[str, str | None]:
    # Cached: titles, ranks, positions and units repeat down every sheet.
    return detect_and_convert(clean(raw))
