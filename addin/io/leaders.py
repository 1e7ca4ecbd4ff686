"""The roll-up's "Đơn vị dẫn đầu" sheet: each cluster's leading unit, from its ranking."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.workbook import Workbook

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.cluster import ClusterResult
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.covenant import format_points
from addin.domain.rules import Rules
from addin.io.report import ReportMeta, header_block
from addin.io.sheet_spec import Column, Styled, write_table
from addin.io.xlsx_common import Styles, print_setup

SHEET_LEADERS = "Đơn vị dẫn đầu"


@dataclass(frozen=True)
class LeaderLine:
    unit: str  # "" when no unit leads (no scores, or a tie left to the vote)
    score: float | None
    proposal: str
    note: str
    next_chair: str


def leader_line(result: ClusterResult, rules: Rules) -> LeaderLine:
    ranking = cluster_ranking(result.counted_books, rules)
    leader = ranking.leader
    next_chair = ranking.next_chair or ""
    if leader is not None:
        assert leader.used_total is not None
        note = leader.suy_ton or leader.reason
        return LeaderLine(leader.unit, float(leader.used_total), leader.proposal, note, next_chair)
    firsts = [u for u in ranking.units if u.rank == 1]
    if firsts:
        names = ", ".join(u.unit for u in firsts)
        points = format_points(firsts[0].used_total) if firsts[0].used_total is not None else ""
        return LeaderLine("", None, "", f"Đồng hạng 1 ({points} điểm): {names} — hội nghị "
                          "biểu quyết", next_chair)
    return LeaderLine("", None, "", "Chưa có bảng chấm điểm hợp lệ", next_chair)


# The roll-up's table of leaders, declared (addin.io.sheet_spec).
COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("cluster", F.INFO_LABELS["cluster"], 22, wrap=True),
    Column("unit", "Đơn vị dẫn đầu", 24, wrap=True), Column("score", "Điểm xếp hạng", 9, "pct"),
    Column("proposal", L.PROPOSED, 11), Column("note", "Ghi chú", 40, wrap=True),
    Column("next_chair", "Cụm trưởng năm tới", 22, wrap=True))


def write_leaders_sheet(workbook: Workbook, styles: Styles, lines: list[tuple[str, LeaderLine]],
                        meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet(SHEET_LEADERS)
    header_row = header_block(sheet, styles, "ĐƠN VỊ DẪN ĐẦU CÁC CỤM THI ĐUA", meta,
                              [c.width for c in COLUMNS])
    write_table(sheet, styles, header_row, COLUMNS, (
        [i, cluster, Styled(line.unit, "ok") if line.unit else line.unit, line.score,
         line.proposal, line.note, line.next_chair]
        for i, (cluster, line) in enumerate(lines, start=1)))
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
