"""A tdkt cluster report (what `tdkt consolidate` writes) read back as the unit workbooks it was
made from, so `tdkt history import` takes it like the unit files themselves.

Its "Nguồn" sheet names every unit file with its unit, period and SHA-256; every row of "Cá nhân"
and "Tập thể" names its "Tệp nguồn". A unit book rebuilt from the report carries the SHA-256 of
the unit's own file: importing the report and the unit files is the same import, once.
Commendations are summed across units in a report, so they cannot be given back to a unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import python_calamine

from addin.domain.models import UnitInfo, UnitWorkbook
from addin.domain.text import clean, fold
from addin.io.cells import is_blank
from addin.io.reader import read_table

_CLUSTER_LINE = re.compile(r"Cụm thi đua:\s*(.*?)\s+—\s+Kỳ báo cáo:")
SOURCES, INDIVIDUALS, COLLECTIVES = "nguon", "ca nhan", "tap the"
_REPORT_SHEETS = {"tong hop", SOURCES, INDIVIDUALS, COLLECTIVES}
_NOT_COUNTED = fold("Không tính")


def _header_row(rows: list[list[Any]], wanted: str) -> int | None:
    for r, row in enumerate(rows[:15]):
        if any(fold(v) == fold(wanted) for v in row if isinstance(v, str)):
            return r
    return None


def read_cluster_report(path: str | Path, shown: str) -> list[UnitWorkbook] | None:
    """The unit books inside a cluster report, or None when the file is not one."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # not a workbook: the unit reader has said so already
        return None
    names = {fold(n): n for n in workbook.sheet_names}
    if not _REPORT_SHEETS <= set(names):
        return None

    def load(key: str) -> list[list[Any]]:
        rows: list[list[Any]] = workbook.get_sheet_by_name(names[key]).to_python(
            skip_empty_area=False)
        return rows

    sources = load(SOURCES)
    top = _header_row(sources, "SHA-256")
    if top is None:
        return None
    head = [fold(v) for v in sources[top]]
    col: Callable[[str], int] = lambda label: head.index(fold(label))  # noqa: E731
    cluster = ""
    for row in sources[:top]:
        for value in row:
            if isinstance(value, str) and (m := _CLUSTER_LINE.search(value)):
                cluster = "" if m.group(1) == "—" else clean(m.group(1))
    books: dict[str, UnitWorkbook] = {}
    for row in sources[top + 1:]:
        if len(row) <= col("Đối chiếu") or is_blank(row[col("Tệp")]):
            continue
        if fold(row[col("Đối chiếu")]) == _NOT_COUNTED:
            continue  # a duplicate or unreadable file: not in the report's rows
        source = clean(row[col("Tệp")])
        books[source] = UnitWorkbook(
            path=f"{shown}#{source}", sha256=clean(row[col("SHA-256")]),
            info=UnitInfo(unit=clean(row[col("Đơn vị")]), cluster=cluster,
                          period=clean(row[col("Kỳ báo cáo")])))
    for key, kind in ((INDIVIDUALS, "individual"), (COLLECTIVES, "collective")):
        rows = load(key)
        header = _header_row(rows, "Tệp nguồn")
        if header is None:
            continue
        source_c = [fold(v) for v in rows[header]].index(fold("Tệp nguồn"))
        by_source: dict[str, list[list[Any]]] = {}
        for row in rows[header + 1:]:
            if len(row) > source_c and not is_blank(row[source_c]):
                by_source.setdefault(clean(row[source_c]), []).append(row)
        for source, own in by_source.items():
            book = books.get(source)
            if book is None:
                continue
            part = read_table([rows[header], *own], kind, file=book.path, sheet=names[key])
            book.individuals.extend(part.individuals)
            book.collectives.extend(part.collectives)
    return [books[k] for k in sorted(books)]
