"""The cluster report's "Xếp hạng" sheet (contracts.md §8): per unit self score, cluster score,
score used, rank, the proposal earned and why, the suy tôn result, the chair for next year, and
a bar chart of the scores — printable as the page the chair hands out at the conference."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.cluster import ClusterResult
from addin.domain.cluster_ranking import cluster_ranking
from addin.domain.covenant import format_points
from addin.domain.rules import Rules
from addin.domain.scoring import Ranked, Ranking
from addin.io.page_blocks import Signers, keep_together, signature_block
from addin.io.report import CHART_ROW_PX, ReportMeta, header_block
from addin.io.sheet_spec import Column, Styled, write_cells, write_header, write_notes
from addin.io.xlsx_common import Styles, print_setup

if TYPE_CHECKING:  # the live sheets are the cluster template's: reports start without them
    from addin.io.live_ranking import LiveRanking

SHEET_RANKING = "Xếp hạng"
COLUMNS = (
    Column("rank", "Hạng", 6, "center"), Column("unit", F.INFO_LABELS["unit"], 30, wrap=True),
    Column("self", L.SCORE_SELF, 9), Column("cluster", L.SCORE_CLUSTER, 9),
    Column("used", "Điểm xếp hạng", 9),  # General format: 98 and 98.5
    Column("tie", "Bằng điểm", 26, wrap=True), Column("proposal", L.PROPOSED, 12, wrap=True),
    Column("reason", "Căn cứ đề nghị", 34, wrap=True), Column("suy_ton", "Suy tôn", 24, wrap=True))
HEADERS = tuple(c.header for c in COLUMNS)
WIDTHS = tuple(c.width for c in COLUMNS)
# the chart's labels: printed at the sheet's fit-to-width scale (84 %), 10 pt reads as 8.4 pt
CHART_FONT_PT = 10
ROW_MIN_PT = 18.0  # a ranking row, even of one line, is a little taller than the default


def _points(value: Fraction | None) -> float | None:
    return None if value is None else float(value)  # 0.5 steps: exact in binary


def ranking_sheets(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                   meta: ReportMeta, live: LiveRanking | None) -> None:
    """The report's computed "Xếp hạng"; the template's "Giao ước" and live ranking instead."""
    if live is None:
        write_ranking_sheet(workbook, styles, result, rules, meta)
    else:
        from addin.io.live_ranking import write_live_sheets

        write_live_sheets(workbook, styles, live)


def write_ranking_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                        meta: ReportMeta) -> Ranking:
    ranking = cluster_ranking(result.counted_books, rules)
    sheet = workbook.add_worksheet(SHEET_RANKING)
    covenant = ranking.covenant
    if covenant is None:
        line = "Giao ước: chưa có (điểm tối đa theo từng bảng điểm; bằng điểm thì đồng hạng)"
    else:
        line = (f"Giao ước: {covenant.name}{' (MẪU)' if covenant.sample else ''} — tiêu chí "
                f"{format_points(covenant.base_max)} điểm, cộng tối đa "
                f"{format_points(covenant.bonus_cap)}, trừ tối đa "
                f"{format_points(covenant.penalty_cap)}; đề nghị {covenant.flag.count} Cờ thi đua "
                f"(từ {format_points(covenant.flag.min_score)} điểm), {covenant.merit.count} "
                f"Bằng khen (từ {format_points(covenant.merit.min_score)} điểm)")
    header_row = header_block(
        sheet, styles, "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA CỦA CỤM", meta, WIDTHS,
        [f"Kỳ báo cáo: {meta.period or '—'}   —   Bộ quy tắc: {meta.rules_label}", line])
    write_header(sheet, styles, header_row, COLUMNS)
    first = header_row + 1
    for r, unit in enumerate(ranking.units, start=first):
        write_cells(sheet, styles, r, COLUMNS, _row(unit), min_height=ROW_MIN_PT)
    last = first + len(ranking.units) - 1
    r = max(last, header_row) + 2
    lines = list(ranking.notes)
    if not ranking.units:
        lines.insert(0, "Cụm chưa có tệp nào của đơn vị: chưa xếp hạng.")
    if covenant is not None:
        if ranking.chair:
            lines.append(f"Cụm trưởng năm nay: {ranking.chair}.")
        if ranking.next_chair:
            lines.append(f"Cụm trưởng năm tới (theo thứ tự luân phiên): {ranking.next_chair}.")
        elif not covenant.rotation:
            lines.append("Giao ước chưa ghi thứ tự luân phiên Cụm trưởng.")
        if covenant.ballot is None:
            lines.append("Kết quả suy tôn: chưa nhập số phiếu của hội nghị.")
    r = write_notes(sheet, styles, r, lines, WIDTHS)
    chart_rows = _chart(workbook, sheet, first, ranking, r + 1, header_row)
    signature_block(sheet, styles, r + 2 + chart_rows, WIDTHS, Signers.of(meta.details, L.CHAIR),
                    (header_row, header_row))
    sheet.freeze_panes(first, 2)
    print_setup(sheet, header_row, header_row)
    return ranking


def _row(unit: Ranked) -> list[object]:
    """A unit's ranking row; a tie the conference votes on stands out (its proposal too)."""
    vote = "warning_wrap" if unit.vote_needed else None
    proposal = unit.proposal + (L.BY_VOTE if unit.proposal and unit.vote_needed else "")
    earned = "ok" if unit.proposal else None  # a flag or a merit earned by the score
    return [unit.rank, unit.unit, _points(unit.self_total), _points(unit.cluster_total),
            _points(unit.used_total), Styled(unit.tie_note, vote or "cell_wrap"),
            Styled(proposal, vote or earned or "cell_wrap"), unit.reason, unit.suy_ton]


def _chart(workbook: Workbook, sheet: Worksheet, first: int, ranking: Ranking, anchor: int,
           header_row: int) -> int:
    """The scores' bar chart at `anchor`; returns the rows it covers."""
    scored = [u for u in ranking.units if u.used_total is not None]
    if not scored:
        return 0
    chart = workbook.add_chart({"type": "bar"})
    end = first + len(scored) - 1  # ranked units come first
    chart.add_series({
        "name": "Điểm xếp hạng",
        "categories": [SHEET_RANKING, first, 1, end, 1],
        "values": [SHEET_RANKING, first, 4, end, 4],
        "data_labels": {"value": True, "font": {"name": "Times New Roman", "size": CHART_FONT_PT}},
        "fill": {"color": "#4472C4"},
    })
    chart.set_title({"name": "Điểm xếp hạng của các đơn vị",
                     "name_font": {"name": "Times New Roman", "size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "num_font": {"name": "Times New Roman", "size": CHART_FONT_PT}})
    top = ranking.covenant.base_max + ranking.covenant.bonus_cap if ranking.covenant else None
    chart.set_x_axis({"min": 0, "num_font": {"name": "Times New Roman", "size": CHART_FONT_PT},
                      **({"max": float(top)} if top else {})})
    height = 60 + 36 * len(scored)
    chart.set_size({"width": 820, "height": height})
    sheet.insert_chart(anchor, 1, chart)
    rows = -(-height // CHART_ROW_PX)
    # the chart whole on one page, with the blank row above it
    keep_together(sheet, anchor - 1, anchor + rows - 1, WIDTHS, (header_row, header_row))
    return rows
