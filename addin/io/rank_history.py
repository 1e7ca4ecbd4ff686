"""Each unit's cluster rank by year in the period report (`tdkt history report`): read from the
database's `scores` table (written by `consolidate|report --db`), one sheet."""

from __future__ import annotations

import sqlite3

from xlsxwriter.workbook import Workbook

from addin.domain.text import fold
from addin.io.xlsx_common import Styles, print_setup, write_number, write_text

SHEET_RANKS = "Xếp hạng theo năm"
RankRow = tuple[str, str, int, float | None, int | None]  # cluster, unit, year, score, rank


def rank_rows(conn: sqlite3.Connection, first: int, last: int, cluster: str | None
              ) -> list[RankRow]:
    """The annual ranks of the years first..last (of one cluster when given), sorted."""
    query = ("SELECT COALESCE(c.name, ''), u.name, p.year_from, s.score_used, s.rank "
             "FROM scores s JOIN units u ON u.id = s.unit_id "
             "JOIN periods p ON p.id = s.period_id LEFT JOIN clusters c ON c.id = s.cluster_id "
             "WHERE p.kind = 'year' AND p.year_from BETWEEN ? AND ?")
    params: list[object] = [first, last]
    if cluster:
        query += " AND c.key = ?"
        params.append(fold(cluster))
    rows = conn.execute(query + " ORDER BY 1, 2, 3", params).fetchall()
    return [(str(c), str(u), int(y), s, r) for c, u, y, s, r in rows]


def write_ranks_sheet(workbook: Workbook, styles: Styles, rows: list[RankRow], first: int,
                      last: int, heading: str) -> None:
    sheet = workbook.add_worksheet(SHEET_RANKS)
    years = list(range(first, last + 1))
    headers = ["Cụm thi đua", "Đơn vị"] + [f"{label} {y}" for y in years
                                           for label in ("Hạng", "Điểm")]
    sheet.merge_range(0, 0, 0, len(headers) - 1, "XẾP HẠNG THI ĐUA TRONG CỤM THEO NĂM",
                      styles.title)
    sheet.merge_range(1, 0, 1, len(headers) - 1, heading, styles.subtitle)
    header_row = 3
    for c, text in enumerate(headers):
        sheet.write_string(header_row, c, text, styles.header)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, len(headers) - 1, 8)
    table: dict[tuple[str, str], dict[int, tuple[float | None, int | None]]] = {}
    for cluster, unit, year, score, rank in rows:
        table.setdefault((cluster, unit), {})[year] = (score, rank)
    if not table:
        sheet.merge_range(header_row + 1, 0, header_row + 1, len(headers) - 1,
                          "Cơ sở dữ liệu chưa có điểm xếp hạng của các năm này (lập báo cáo cụm "
                          "bằng tdkt consolidate hoặc tdkt report với --db).", styles.wrap)
    for r, ((cluster, unit), by_year) in enumerate(sorted(table.items()), start=header_row + 1):
        write_text(sheet, r, 0, cluster, styles.cell)
        write_text(sheet, r, 1, unit, styles.cell)
        for i, year in enumerate(years):
            score, rank = by_year.get(year, (None, None))
            write_number(sheet, r, 2 + 2 * i, rank, styles.center if rank == 1 else styles.int)
            write_number(sheet, r, 3 + 2 * i, score, styles.cell)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
