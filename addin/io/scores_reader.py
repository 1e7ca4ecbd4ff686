"""Reading a unit's "Chấm điểm" sheet (contracts.md §8) into domain score lines.

Same tolerance as the other tables (addin.io.reader): the header row is found by its texts,
in any case, with or without diacritics, with synonyms; title rows above it, group headings,
and the total block under it (Tổng điểm, Điểm cộng, Điểm trừ…) are not criteria. Numbers come
back exact (Fraction of the decimal written: 7.5 -> 15/2), so 0.5 steps add up exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from addin.domain.covenant import CriterionKind
from addin.domain.issues import Code, make_issue
from addin.domain.labels import SCORE_TEXT_RULE, score_detail
from addin.domain.scoring import (
    SCORE_LABELS,
    SCORE_REQUIRED,
    ScoreDraft,
    ScoreLine,
    ScoreSheet,
)
from addin.domain.text import fold
from addin.domain.typed_numbers import text_count
from addin.io.cells import column_letter, count_why, is_blank, to_number, to_text
from addin.io.layout import HELPER_HEADERS
from addin.io.reader import _find_header

SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("Mã", "Mã TC", "Mã số", "Mã tiêu chí chấm điểm", "Ký hiệu"),
    "text": ("Nội dung", "Tiêu chí", "Nội dung chấm điểm", "Tiêu chí chấm điểm",
             "Nội dung thi đua"),
    "max": ("Điểm chuẩn", "Thang điểm", "Điểm tối đa", "Điểm tối đa của tiêu chí", "Điểm TĐ"),
    "self": ("Tự chấm", "Điểm tự đánh giá", "Đơn vị tự chấm", "Điểm đơn vị tự chấm"),
    "cluster": ("Cụm chấm", "Điểm cụm", "Điểm thẩm định", "Điểm cụm thẩm định",
                "Điểm cụm thống nhất"),
    "evidence": ("Minh chứng", "Tài liệu minh chứng", "Căn cứ", "Ghi chú, minh chứng"),
}
NUMBERS = ("max", "self", "cluster")
# The template's hidden "Loại điểm" column: which rows add, which subtract (without a covenant).
KIND_HEADER = "Loại điểm"
_KIND_WORDS: tuple[tuple[str, CriterionKind], ...] = (
    ("TC", "criterion"), ("Tiêu chí", "criterion"), ("CG", "bonus"), ("Điểm cộng", "bonus"),
    ("Cộng", "bonus"), ("TR", "penalty"), ("Điểm trừ", "penalty"), ("Trừ", "penalty"))
KINDS: dict[str, CriterionKind] = {fold(k): v for k, v in _KIND_WORDS}
# Rows without a criterion code whose label starts so: the total block of the sheet.
SUMMARY_WORDS = tuple(fold(w) for w in ("Tổng", "Cộng", "Điểm cộng", "Điểm trừ", "Xếp loại",
                                        "Điểm xếp hạng", "Điểm dùng"))


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, label in SCORE_LABELS.items():
        for text in (label, *SYNONYMS.get(key, ())):
            index.setdefault(fold(text), key)
    index[fold(KIND_HEADER)] = "kind"
    for text in HELPER_HEADERS:
        index.setdefault(fold(text), "_helper")
    return index


INDEX = _index()


def to_points(value: object) -> tuple[Fraction | None, Code | None]:
    """A score from a cell, exactly: a number (7.5 -> 15/2), or text of digits 0-9 only once
    the spaces, non-breaking spaces and line breaks around them are dropped ("8", " 8 "); None
    when blank. Any other text is not_a_number: "8,5" and "8.5" hang on the PC's decimal mark,
    "1.000" on its grouping, "1e1" on the spreadsheet. The templates' totals read text as here
    (template_formulas.points_number), so the sheet and the report never disagree."""
    if isinstance(value, str):  # the rule of a count typed as text: digits 0-9 only
        whole, code = text_count(value)
        return (None if whole is None else Fraction(whole)), code
    number, code = to_number(value)
    if number is None:
        return None, code
    return Fraction(Decimal(repr(number))), None


def points_why(value: object, code: Code | None) -> str:
    """The reason after a score's not_a_number: a count's (cells.count_why), with a score's
    way to type it (labels.SCORE_TEXT_RULE: decimals are typed as numbers)."""
    return count_why(value, code, SCORE_TEXT_RULE)


def read_scores(rows: list[list[Any]], file: str, sheet: str,
                errors: Mapping[tuple[int, str], str] | None = None,
                text_of: Callable[[Any, int, str], str] | None = None) -> ScoreSheet:
    """The score lines of one sheet given as rows of values (header row included)."""
    result = ScoreDraft(file=file, sheet=sheet)
    errors = errors or {}

    def text(value: Any, row: int, column: str) -> str:
        return text_of(value, row, column) if text_of else to_text(value)[0]

    found = _find_header(rows, INDEX, SCORE_REQUIRED)
    if found is None:
        for key in SCORE_REQUIRED:
            result.issues.append(make_issue(Code.MISSING_COLUMN, f'"{SCORE_LABELS[key]}"',
                                            file=file, sheet=sheet))
        return result.freeze()
    header_r, mapping, _unknown = found
    for key in SCORE_REQUIRED:
        if key not in mapping.values():
            result.issues.append(make_issue(Code.MISSING_COLUMN, f'"{SCORE_LABELS[key]}"',
                                            file=file, sheet=sheet, row=header_r + 1))
    columns = {k: column_letter(c) for c, k in mapping.items()}
    for r in range(header_r + 1, len(rows)):
        row, excel_row = rows[r], r + 1
        values = {k: row[c] if c < len(row) else None for c, k in mapping.items()}
        if all(is_blank(v) for k, v in values.items() if k != "kind"):
            continue
        code = text(values.get("code"), excel_row, columns.get("code", ""))
        label = text(values.get("text"), excel_row, columns.get("text", ""))
        numbers_blank = all(is_blank(values.get(k)) and (excel_row, columns.get(k)) not in errors
                            for k in NUMBERS)
        if not code:
            first = fold(label or next((str(v) for v in row if isinstance(v, str)), ""))
            if first.startswith(SUMMARY_WORDS) or numbers_blank:
                continue  # the total block, or a group heading
        elif not label and numbers_blank:
            continue  # a group heading typed in the code column ("I. Nhiệm vụ quân sự")
        invalid: set[str] = set()
        points: dict[str, Fraction | None] = {}
        for key in NUMBERS:
            if key not in columns:
                points[key] = None
                continue
            column = columns[key]
            if (excel_row, column) in errors:
                result.issues.append(make_issue(Code.FORMULA_ERROR, errors[(excel_row, column)],
                                                file=file, sheet=sheet, row=excel_row,
                                                column=column))
                invalid.add(key)
                points[key] = None
                continue
            value, problem = to_points(values.get(key))
            if problem is not None:
                result.issues.append(make_issue(problem, score_detail(SCORE_LABELS[key]), file=file,
                                                sheet=sheet, row=excel_row, column=column,
                                                why=points_why(values.get(key), problem)))
                invalid.add(key)
            points[key] = value
        result.lines.append(ScoreLine(
            row=excel_row, code=code, text=label, max=points["max"],
            self_score=points["self"], cluster_score=points["cluster"],
            evidence=text(values.get("evidence"), excel_row, columns.get("evidence", "")),
            kind=KINDS.get(fold(to_text(values.get("kind"))[0])),
            columns=columns, invalid=frozenset(invalid)))
    return result.freeze()
