"""Numbers, shares, comparisons and dates written the Vietnamese way, for people to read.

Vietnamese writing groups thousands with "." and separates decimals with ","; a percentage
takes a space before "%" ("36,36 %"); a rule reads "từ 70 % trở lên", never ">= 70%"; a date is
dd/mm/yyyy. JSON and other machine outputs keep their own formats: these are for text a person
reads (CLI lines, messages, printed pages).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from addin.domain.rules import Rules

Number = int | float | Fraction | Decimal

THOUSANDS = "."
DECIMAL_MARK = ","


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))  # the float as written, not its binary expansion
    return Decimal(value)


def number(value: Number, decimals: int = 0, *, trim: bool = False) -> str:
    """48000 → "48.000"; 36.364 with 2 decimals → "36,36" (half-up, as the engine rounds).

    `trim` drops trailing zeros of the fraction ("70,00" → "70", "12,50" → "12,5").
    """
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if trim:
        fraction = fraction.rstrip("0")
    text = THOUSANDS.join(groups) + (DECIMAL_MARK + fraction if fraction else "")
    return sign + text


def percent(value: Number, decimals: int = 2, *, trim: bool = True) -> str:
    """A value already in percent: 36.36 → "36,36 %", 70.0 → "70 %"."""
    return f"{number(value, decimals, trim=trim)} %"


def share(ratio: Fraction, decimals: int = 2, *, trim: bool = True) -> str:
    """A ratio as a percentage: 7/10 → "70 %", 2/3 → "66,67 %"."""
    return percent(ratio * 100, decimals, trim=trim)


def ratio(value: Fraction) -> str:
    """A rules-book ratio as written in Vietnamese: 7/10 → "70 %", 1/8 → "12,5 %", 2/3 → "2/3"
    (a share with no short decimal form stays a fraction, as the texts write a quorum)."""
    pct = value * 100
    if (pct * 100).denominator == 1:
        return percent(pct, 2)
    return f"{value.numerator}/{value.denominator}"


# How a rule's comparison reads in a sentence.
_COMPARISONS = {
    ">=": "từ {value} trở lên",
    ">": "trên {value}",
    "<=": "không quá {value}",
    "<": "dưới {value}",
    "==": "đúng {value}",
}


def compared(comparison: str, value: str) -> str:
    """">=" and "70 %" → "từ 70 % trở lên"; ">" → "trên 50 %"; "<=" → "không quá 25 %"."""
    return _COMPARISONS.get(comparison, comparison + " {value}").format(value=value)


def threshold(comparison: str, ratio: Fraction, decimals: int = 2) -> str:
    """A vote threshold in words: ">=", 7/10 → "từ 70 % trở lên"."""
    return compared(comparison, share(ratio, decimals))


def count(n: int, noun: str) -> str:
    """48000, "cá nhân" → "48.000 cá nhân" (Vietnamese nouns take no plural)."""
    return f"{number(n)} {noun}"


def day(value: date) -> str:
    """date(2024, 12, 5) → "05/12/2024"."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


_DAY = re.compile(r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")


def parse_day(text: str) -> date | None:
    """A day as people type it: "15/12/2024", "5/1/2025", "15-12-2024", "15.12.2024", or ISO
    "2024-12-15". None when it is not a real date ("hom-qua", "31/02/2024", "12/2024")."""
    match = _DAY.fullmatch(text)
    if match:
        d, m, y = (int(g) for g in match.groups())
    else:
        match = _ISO.fullmatch(text)
        if not match:
            return None
        y, m, d = (int(g) for g in match.groups())
    try:
        return date(y, m, d)
    except ValueError:
        return None


# Words for the rules book's keys, where a person reads them (rules show, messages).
ROUNDING_WORDS = {"floor": "làm tròn xuống", "half_up": "làm tròn đến số gần nhất",
                  "ceil": "làm tròn lên"}
BASE_WORDS = {"headcount": "quân số", "subunits": "số đầu mối",
              "titles": "số danh hiệu được tính", "none": "không có cơ sở tính"}
DENOMINATOR_WORDS = {"present": "số có mặt", "members": "tổng số thành viên"}


def words(vocabulary: Mapping[str, str], key: str) -> str:
    """The Vietnamese words for a rules-book key, the key itself when it has none yet."""
    return vocabulary.get(key, key)


def rules_book_name(rules: Rules, modified_by: str | None = None) -> str:
    """The rules book as every page and sheet names it, composed here only: its label and
    version ("Quân đội nhân dân Việt Nam (mặc định), phiên bản 2026.1"); its code name only when
    a rules file leaves the label blank; "có sửa đổi theo tdkt-rules.toml" when a rules file
    changed a rule and kept the default's label (Rules.modified_by, or `modified_by` where the
    caller names the file more fully: `tdkt rules show` gives its path)."""
    name = f"{rules.label.strip() or rules.name}, phiên bản {rules.version}"
    by = rules.modified_by if modified_by is None or not rules.modified_by else modified_by
    return f"{name}, có sửa đổi theo {by}" if by else name


def title_name(rules: Rules, code: str) -> str:
    """A title by its name ("Chiến sĩ thi đua cơ sở") rather than its code ("CSTDCS")."""
    title = rules.titles.get(code)
    return title.name if title is not None else code

