"""The roll-up's "Đơn vị dẫn đầu" sheet: each cluster's leading unit, from its ranking."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.workbook import Workbook

from addin.domain.cluster import ClusterResult
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.covenant import format_points
from addin.domain.rules import Rules
from addin.io.report import ReportMeta, header_block, table_header
from addin.io.sheet_spec import row_height
from addin.io.xlsx_common import Styles, print_setup, write_number, write_text

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


def write_leaders_sheet(workbook: Workbook, styles: Styles, lines: list[tuple[str, LeaderLine]],
                        meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet(SHEET_LEADERS)
    headers = ["STT", "Cụm thi đua", "Đơn vị dẫn đầu", "Điểm xếp hạng", "Đề nghị", "Ghi chú",
               "Cụm trưởng năm tới"]
    widths = [5, 22, 24, 9, 11, 40, 22]
    header_row = header_block(sheet, styles, "ĐƠN VỊ DẪN ĐẦU CÁC CỤM THI ĐUA", meta, widths)
    table_header(sheet, styles, header_row, headers, widths)
    for r, (cluster, line) in enumerate(lines, start=header_row + 1):
        sheet.write_number(r, 0, r - header_row, styles.center)
        write_text(sheet, r, 1, cluster, styles.cell_wrap)
        write_text(sheet, r, 2, line.unit, styles.ok if line.unit else styles.cell_wrap)
        write_number(sheet, r, 3, line.score, styles.pct)
        write_text(sheet, r, 4, line.proposal, styles.cell)
        write_text(sheet, r, 5, line.note, styles.cell_wrap)
        write_text(sheet, r, 6, line.next_chair, styles.cell_wrap)
        sheet.set_row(r, row_height(zip((cluster, line.unit, line.note, line.next_chair),
                                        (widths[1], widths[2], widths[5], widths[6]),
                                        strict=True)))
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
