"""Reporting periods: "Kỳ báo cáo" text → kind and years (domain.md "Periods").

"6 tháng đầu năm 2024" (sơ kết), "6 tháng cuối năm 2024", "Năm 2024" (tổng kết) and
"Giai đoạn 2019–2024" (the five-year congress) are recognised however they are typed: without
diacritics, in capitals, with "Sơ kết"/"Tổng kết" in front, a dash or a slash between years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from addin.domain.text import fold

PeriodKind = Literal["h1", "h2", "year", "span"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("h1", "h2", "year", "span")
KIND_LABEL: dict[PeriodKind, str] = {"h1": "6 tháng đầu năm", "h2": "6 tháng cuối năm",
                                     "year": "Năm", "span": "Giai đoạn"}

_YEAR = r"((?:19|20)\d\d)"
_H1 = re.compile(rf"\b(?:6|sau) thang dau(?: nam)? {_YEAR}\b")
_H2 = re.compile(rf"\b(?:6|sau) thang cuoi(?: nam)? {_YEAR}\b")
_SPAN = re.compile(rf"\b(?:giai doan |nhiem ky )?{_YEAR} (?:den |toi )?{_YEAR}\b")
_YEAR_ONLY = re.compile(rf"^(?:(?:bao cao )?(?:so ket |tong ket )?(?:cong tac )?(?:thi dua )?"
                        rf"(?:khen thuong )?)?(?:nam )?{_YEAR}$")


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period; ordered by first year, then kind (h1 < h2 < year < span)."""

    start: int
    end: int
    kind: PeriodKind

    @property
    def label(self) -> str:
        if self.kind == "span":
            return f"Giai đoạn {self.start}–{self.end}"
        return f"{KIND_LABEL[self.kind]} {self.start}"



def parse_period(text: object) -> Period | None:
    """The period named by `text`, or None when it is not recognisable."""
    folded = fold(text)
    if not folded:
        return None
    if m := _H1.search(folded):
        return Period(int(m.group(1)), int(m.group(1)), "h1")
    if m := _H2.search(folded):
        return Period(int(m.group(1)), int(m.group(1)), "h2")
    if m := _SPAN.search(folded):
        first, last = int(m.group(1)), int(m.group(2))
        if first < last:
            return Period(first, last, "span")
        if first == last:
            return Period(first, first, "year")
        return None
    if m := _YEAR_ONLY.match(folded):
        return Period(int(m.group(1)), int(m.group(1)), "year")
    return None
