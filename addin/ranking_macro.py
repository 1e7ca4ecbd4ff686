"""Ribbon "Xếp hạng cụm": rank the units of a chosen cluster folder from inside Excel.

The covenant is the active workbook's "Giao ước" sheet when it has one (the cluster template
the chair keeps), else the cluster folder's tdkt-rules.toml. The result goes to a sheet of the
active workbook; the computation is the engine's (addin.domain.scoring), as in the report.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Any

from addin.domain import labels as L
from addin.domain.cluster import consolidate
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.rules import Rules, RulesError
from addin.domain.scoring import Ranking
from addin.io.covenant_file import cluster_rules
from addin.io.covenant_sheet import find_covenant_sheet
from addin.io.folders import read_all, workbook_files
from addin.io.ranking_report import HEADERS
from addin.workbooks import BookPort, as_text_cell

RANKING_SHEET = "Kết quả xếp hạng"
HEADER = list(HEADERS)  # the report's "Xếp hạng" columns
WIDTHS: dict[int, float] = {1: 6, 2: 30, 3: 10, 4: 10, 5: 10, 6: 30, 7: 14, 8: 40, 9: 28}


def _points(value: Fraction | None) -> Any:
    return None if value is None else float(value)


def rank_folder(port: BookPort, folder: str | Path, rules: Rules | None = None) -> Ranking | None:
    """Write the ranking of `folder`'s units into RANKING_SHEET of the open workbook. A broken
    covenant is written there as a message (None returned), never raised into Excel."""
    folder = Path(folder)
    rows: list[list[Any]] = [["XẾP HẠNG THI ĐUA CỦA CỤM"], [f"Thư mục: {folder}"]]
    try:
        rules = rules or cluster_rules(None, folder)
        covenant = find_covenant_sheet(port.sheet_names(), port.values)
    except RulesError as exc:
        rows.append([f"Lỗi giao ước thi đua: {exc}"])
        port.replace_sheet(RANKING_SHEET, [[as_text_cell(v) for v in r] for r in rows], [],
                           WIDTHS)
        return None
    if covenant is not None:
        rules = dataclasses.replace(rules, covenant=covenant)
        rows.append([f"Giao ước: trang “Giao ước” của sổ này ({covenant.name})"])
    elif rules.covenant is not None:
        rows.append([f"Giao ước: {rules.covenant.name} (tdkt-rules.toml)"])
    result = consolidate(read_all(workbook_files([str(folder)]), rules=rules), rules)
    ranking = cluster_ranking(result.counted_books, rules)
    rows += [[], HEADER]
    for unit in ranking.units:
        proposal = unit.proposal + (L.BY_VOTE if unit.proposal and unit.vote_needed else "")
        rows.append([unit.rank, unit.unit, _points(unit.self_total), _points(unit.cluster_total),
                     _points(unit.used_total), unit.tie_note, proposal, unit.reason,
                     unit.suy_ton])
    rows.append([])
    rows += [[note] for note in ranking.notes]
    if ranking.next_chair:
        rows.append([f"Cụm trưởng năm tới (theo thứ tự luân phiên): {ranking.next_chair}"])
    port.replace_sheet(RANKING_SHEET, [[as_text_cell(v) for v in r] for r in rows], [], WIDTHS)
    return ranking
