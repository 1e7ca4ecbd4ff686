"""Rows of an official list form that are not nominations (contracts.md §6).

Units often fill the official form instead of the template: section rows inside the table
("I. CHIẾN SĨ THI ĐUA CƠ SỞ", "A. Khối cơ quan"), totals and subtotals with text ("Cộng mục I",
"Tổng cộng: 16 đồng chí"), a column-number row under the header, and a signature and notes
block under the table. This module only classifies a row; the reader decides what to do.

Recognition must never hide a real record: a total is recognised by its shape, compared with
diacritics ("Tống Công Thành" is a person, "Tổng cộng" is not), a total-shaped name on a row
that fills a nominee's own columns ("Tổng Toàn Thắng", Trung úy, Trợ lý…) is a person, and a row
that carries a count is otherwise always a record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from addin.domain import fields as F
from addin.domain.text import clean, fold
from addin.domain.typed_numbers import MAX_COUNT
from addin.io.cells import is_blank, to_number

RowKind = Literal["section", "total", "footer", "other"]

_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
# "I.", "II -", "A)", "1.", "a/": the numbering of a section row.
_SECTION_MARK = r"(?:[IVXLC]{1,6}|[A-ZĐa-zđ]|\d{1,2}(?:\.\d{1,2})?)"
# A letter takes only "." or ")" ("A. Khối cơ quan"): "Y-Bhăm Êban" is a name.
_SECTION_PREFIX = re.compile(r"^(?:(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})?)\s*[.):/\-–]"
                             r"|[A-ZĐa-zđ]\s*[.)])\s*(?=\S)")
_SECTION_ALONE = re.compile(rf"^{_SECTION_MARK}[.):/]?$")
# A section row naming a title usually says so ("Danh hiệu ...").
_SECTION_WORDS = ("danh hieu ",)
# Totals, compared on NFC lower-case text with diacritics: the word, then nothing, a colon, a
# number, a bracket or a section word ("Cộng mục I", "Tổng cộng: 16 đồng chí", "Cộng (1+2)").
_TOTAL_WORDS = "tổng cộng|cộng tổng|tổng số|tổng|cộng"
_TOTAL_TAIL = r"(?:$|\s*[:(\-–=]|\s+\d|\s+(?:mục|phần|khối|toàn|các|chung|cả)\b)"
_TOTAL = re.compile(rf"^(?:{_TOTAL_WORDS}){_TOTAL_TAIL}")
# The same typed without any diacritics: only the strict shapes (a bare word, a colon or a
# number after it), so that "Tong Cong Thanh" stays a person.
_TOTAL_ASCII = re.compile(r"^(?:tong cong|cong tong|tong so|cong)(?:$|\s*[:(\-–=]|\s+\d|\s+muc\b)")
_GRAND_TOTAL = re.compile(r"^(?:tổng cộng|cộng tổng|tổng số|tong cong|cong tong|tong so)")
# The signature, date and notes block under a table (compared folded): phrases that are never
# a person's name…
_FOOTER_STARTS = (
    "nguoi lap", "nguoi ke khai", "nguoi tong hop", "thu truong", "chi huy truong", "chinh uy",
    "chinh tri vien", "ky ghi ro", "ky ten", "ky va ghi", "ky dong dau", "xac nhan", "noi nhan",
    "ghi chu", "t m ", "k t ", "luu vt", "hoi dong thi dua", "danh sach nay co",
    "danh sach gom", "can bo lap",
)
# …and signers' titles that could also begin a name ("Trương Bân", "Chu Tịch…", "Lưu Văn…"):
# only when written in capitals, as forms print them ("TRƯỞNG BAN", "TM. BAN CHỈ HUY").
_FOOTER_CAPITALS = ("chu tich", "pho chu tich", "truong ban", "pho truong ban", "duyet",
                    "thay mat", "dai dien", "bang chu", "tm ", "kt ", "q ", "luu ")
_FOOTER_EXACT = {"luu", "tm", "kt", "nguoi lap bieu", "thu truong don vi"}
_DATE = re.compile(r"\bngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}\b|"
                   r"ngay\s+thang\s+nam\s*$")


def is_numbering_row(row: Sequence[Any]) -> bool:
    """A column-number row under a header: "1", "2", … or "(1)", "(2)", …"""
    filled = [v for v in row if not is_blank(v)]
    return len(filled) >= 3 and all(_NUMBERING.match(str(v).strip().removesuffix(".0"))
                                    for v in filled)


def row_text(row: Sequence[Any], limit: int = 160) -> str:
    """The text of a row as one line, to quote in an issue."""
    parts = [clean(v) for v in row if not is_blank(v)]
    text = " | ".join(p for p in parts if p)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_text(row: Sequence[Any]) -> bool:
    """Text someone typed: not a formula (a workbook read through openpyxl gives the
    template's formulas as their text)."""
    return any(isinstance(v, str) and v.strip() and not v.startswith("=") for v in row)


def first_text(row: Sequence[Any]) -> tuple[int, str] | None:
    for c, value in enumerate(row):
        if isinstance(value, str) and value.strip():
            return c, value
    return None


_TOTAL_FIRST = frozenset("tTcC")  # every total word starts so: most names are ruled out at once


def is_total(text: str) -> bool:
    if text.lstrip()[:1] not in _TOTAL_FIRST:
        return False
    lowered = clean(text).lower()
    if _TOTAL.match(lowered):
        return True
    return fold(lowered) == lowered.replace("  ", " ") and bool(_TOTAL_ASCII.match(lowered))


def is_grand_total(text: str) -> bool:
    return bool(_GRAND_TOTAL.match(clean(text).lower()))


def is_footer(text: str) -> bool:
    folded = fold(text)
    if not folded:
        return False
    if folded in _FOOTER_EXACT or _DATE.search(folded):
        return True
    if any(folded.startswith(start) for start in _FOOTER_STARTS):
        return True
    cleaned = clean(text)
    if cleaned == cleaned.upper() and folded.startswith(_FOOTER_CAPITALS):
        return True
    return cleaned.startswith("(") and folded.startswith(("ky", "da ky"))


@dataclass(frozen=True)
class Section:
    """A section row: its text without the numbering ("CHIẾN SĨ THI ĐUA CƠ SỞ")."""

    text: str
    column: int


def section_of(row: Sequence[Any], data_columns: Sequence[int]) -> Section | None:
    """A section row: one text (often merged across the table), numbered "I.", "A.", "1." or
    written as "Danh hiệu …", or a number-like mark in one cell and the text in the next; or a
    lone text in a column that holds no typed data (the STT column, a column outside the
    table). `data_columns`: the columns whose text belongs to a record (name, rank, title…)."""
    filled = [(c, v) for c, v in enumerate(row) if not is_blank(v)]
    if not filled or len(filled) > 2 or any(not isinstance(v, str) for _, v in filled):
        return None
    if len(filled) == 2:
        (c0, mark), (c1, text) = filled
        if _SECTION_ALONE.match(clean(mark)):
            return Section(clean(text), c1)
        return None
    column, value = filled[0]
    text = clean(value)
    prefix = _SECTION_PREFIX.match(text)
    if prefix:
        return Section(text[prefix.end():].strip(), column)
    if fold(text).startswith(_SECTION_WORDS) or column not in data_columns:
        return Section(text, column)
    return None


def count_columns(columns: dict[int, str]) -> list[int]:
    """The indices of a table's count columns (`columns`: index -> field key)."""
    return [c for c, key in columns.items() if key in F.COUNT_FIELDS]


def classify(row: Sequence[Any], columns: dict[int, str], in_footer: bool,
             counts: Sequence[int] | None = None) -> RowKind | None:
    """What a non-blank row under a table header is, when it is not a record (None: a record).

    `columns` maps the table's column indices to field keys; `counts`, when given, is
    count_columns(columns), computed once per table."""
    first = first_text(row)
    if first is None:
        return None  # numbers only: a record, or nothing (decided by the reader)
    if is_total(first[1]) and not _looks_like_record(row, columns, first[0]):
        return "total"
    size = len(row)
    for c in count_columns(columns) if counts is None else counts:
        if c < size:
            value = row[c]
            if type(value) is float and -MAX_COUNT <= value <= MAX_COUNT or (
                    to_number(value)[0] is not None):  # the first test: to_number's fast path
                return None  # a row carrying a count is a record, whatever else it says
    if in_footer or (columns.get(first[0]) not in _TEXT_FIELDS and is_footer(first[1])):
        return "footer"
    if section_of(row, data_columns(columns)) is not None:
        return "section"
    return None


# Columns only a nominee fills: a total row of a form never carries a rank, a position, a
# title, a birth year or a service number ("Tổng Toàn Thắng | Trung úy | Trợ lý" is a person).
_PERSON_FIELDS = ("rank", "position", "title", "birth_year", "service_no")


def _looks_like_record(row: Sequence[Any], columns: dict[int, str], text_column: int) -> bool:
    """A total-shaped text that is a nominee's name: the row fills a nominee's own columns, or
    it is numbered (an STT number) and the text stands in the name column. Totals carry at most
    summed counts beside their text ("Cộng mục I | 30 | 28 | 25")."""
    cell = {key: row[c] for c, key in columns.items() if c < len(row)}
    if any(not is_blank(cell.get(key)) for key in _PERSON_FIELDS):
        return True
    return (columns.get(text_column) in ("full_name", "name")
            and to_number(cell.get("seq"))[0] is not None)


# Data columns whose text may legitimately start like a footer line ("Ghi chú: …").
_TEXT_FIELDS = ("note", "initiative", "position", "rank", "unit", "title", "kind", "level")


def data_columns(columns: dict[int, str]) -> list[int]:
    """Columns whose text is part of a record (everything mapped but STT and the template's
    computed columns)."""
    return [c for c, key in columns.items() if key not in ("seq", "percent", "result")]
