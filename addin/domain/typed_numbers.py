"""A number typed or pasted as text: the digits-only rule of counts, scores and covenant points.

Every spreadsheet reads text of digits 0-9 the same way in every locale, so the templates'
formulas (addin.io.template_formulas) decide it as here. Any other text is not_a_number: "1.000"
is a thousand in vi-VN and one in en-US, "10,0" and "7,5" hang on the decimal mark, "1e3", "+10"
and full-width digits on the spreadsheet and its language; a number the sheets could read
differently is refused, not guessed. Pure: the cell readers (addin.io.cells, scores_reader) and
the covenant (addin.domain.covenant) call these functions, never a copy of them.
"""

from __future__ import annotations

from addin.domain.issues import Code

# The largest count or score a cell may hold (typed as a number or as digits text): anything
# above is a typing slip (a pasted phone number, a date's serial typed twice), not a number of
# people or of points. The engine (addin.io.cells.to_number, text_count) and the templates'
# formulas (template_formulas.count_error, points_error) take it from here.
MAX_COUNT = 10_000_000
# What the templates' formulas take as space around a text count (template_formulas.
# spaces_trimmed: TRIM after SUBSTITUTE of non-breaking spaces and line breaks).
COUNT_SPACES = " \u00a0\n"
_COUNT_DIGITS = len(str(MAX_COUNT))


def text_count(value: str) -> tuple[int | None, Code | None]:
    """A count typed or pasted as text: digits 0-9 only, once the spaces, non-breaking spaces
    and line breaks around them are dropped ("10", " 10 ", "0010"), at most MAX_COUNT; None
    when blank. Any other text is not_a_number. Scores typed as text follow the same rule
    (addin.io.scores_reader.to_points), and so do the points of a covenant
    (addin.domain.covenant)."""
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
