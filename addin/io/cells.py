"""Cell values as Excel readers return them -> the domain's types, with the reason when not."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache

from xlsxwriter.utility import xl_col_to_name

from addin.domain.issues import Code
from addin.domain.labels import COUNT_TEXT_RULE
from addin.domain.legacy import detect_and_convert
from addin.domain.text import clean

# Vote counts and headcounts above this are typing accidents, not numbers of people.
MAX_COUNT = 10_000_000
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:[.,\s]\d{3})+$")  # "1.234", never "0.001"
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
# What the templates' formulas take as space around a text count (template_formulas.
# spaces_trimmed: TRIM after SUBSTITUTE of non-breaking spaces and line breaks).
COUNT_SPACES = " \u00a0\n"
_COUNT_DIGITS = len(str(MAX_COUNT))


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
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
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


def text_count(value: str) -> tuple[int | None, Code | None]:
    """A count typed or pasted as text: digits 0-9 only, once the spaces, non-breaking spaces
    and line breaks around them are dropped ("10", " 10 ", "0010"). Every spreadsheet reads
    those the same way in every locale, so the templates' formulas decide them as here. Any
    other text is not_a_number: "1.000" is a thousand in vi-VN and one in en-US, "10,0" and
    "7,5" hang on the decimal mark, "1e3", "+10" and full-width digits on the spreadsheet and
    its language; a count the sheets could read differently is refused, not guessed. Scores
    typed as text follow the same rule (addin.io.scores_reader.to_points)."""
    text = value.strip(COUNT_SPACES)
    if not text:
        return None, None
    if not _digits_only(text) or len(text.lstrip("0")) > _COUNT_DIGITS:
        return None, Code.NOT_A_NUMBER
    number = int(text)
    return (number, None) if number <= MAX_COUNT else (None, Code.NOT_A_NUMBER)


def _digits_only(text: str) -> bool:
    return text.isascii() and text.isdigit()


def digit_text(value: str) -> bool:
    """Whether text reads as a number by text_count's rule (however large)."""
    return _digits_only(value.strip(COUNT_SPACES))


def count_why(value: object, code: Code | None) -> str:
    """The reason to add to a count's issue (issues.make_issue's `why`): for not_a_number of
    text that is not digits-only, TRUE/FALSE or a date, "chỉ gõ các chữ số 0–9…"; nothing for
    a number or digits too large (above MAX_COUNT), or another code. The template's
    count_error tells the same cases apart (1 with the reason, 4 without)."""
    if code is not Code.NOT_A_NUMBER:
        return ""
    if isinstance(value, str):
        return "" if digit_text(value) else COUNT_TEXT_RULE
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ""
    return COUNT_TEXT_RULE


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
