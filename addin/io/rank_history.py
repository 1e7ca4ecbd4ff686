"""Each unit's cluster rank by year in the period report (`tdkt history report`): read from the
database's `scores` table (written by `consolidate|report --db`), one sheet."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.text import fold
from addin.io.sheet_spec import Column, Styled, row_height, write_cells, write_header
from addin.io.xlsx_common import Styles, print_setup

SHEET_RANKS = "Xếp hạng theo năm"
RankRow = tuple[str, str, int, float | None, int | None]  # cluster, unit, year, score, rank
RANKS_TITLE = "XẾP HẠNG THI ĐUA TRONG CỤM THEO NĂM"
# Writes the page's header block (title, width in columns) and returns the first free row.
PageHeader = Callable[[Worksheet, str, int], int]


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


def rank_columns(years: list[int]) -> tuple[Column, ...]:
    """The sheet's columns, declared (addin.io.sheet_spec): a rank and a score per year."""
    return (Column("cluster", F.INFO_LABELS["cluster"], 22, wrap=True),
            Column("unit", F.INFO_LABELS["unit"], 30, wrap=True),
            *(Column(f"{key}{y}", f"{label} {y}", 8, style) for y in years
              for key, label, style in (("rank", "Hạng", "int"), ("score", "Điểm", "cell"))))


def no_ranks_text(heading: str) -> str:
    """What the printed sheet says when no rank is stored for the period: to staff, in words
    (no command line on a signed page)."""
    return (f"Chưa có điểm và thứ hạng thi đua nào được lưu cho {heading}: điểm và thứ hạng "
            "của các đơn vị được lưu khi báo cáo tổng hợp của cụm được lập có ghi vào cơ sở dữ "
            "liệu lịch sử.")


def write_ranks_sheet(workbook: Workbook, styles: Styles, rows: list[RankRow], first: int,
                      last: int, heading: str, page_header: PageHeader | None = None) -> None:
    """`page_header` writes the national header block the other sheets of the report carry;
    without it the sheet has a plain title and `heading` under it."""
    sheet = workbook.add_worksheet(SHEET_RANKS)
    years = list(range(first, last + 1))
    columns = rank_columns(years)
    headers = [c.header for c in columns]
    if page_header is not None:
        header_row = page_header(sheet, RANKS_TITLE, len(headers))
    else:
        sheet.merge_range(0, 0, 0, len(headers) - 1, RANKS_TITLE, styles.title)
        sheet.merge_range(1, 0, 1, len(headers) - 1, heading, styles.subtitle)
        header_row = 3
    write_header(sheet, styles, header_row, columns)
    table: dict[tuple[str, str], dict[int, tuple[float | None, int | None]]] = {}
    for cluster, unit, year, score, rank in rows:
        table.setdefault((cluster, unit), {})[year] = (score, rank)
    if not table:
        text = no_ranks_text(heading)
        sheet.merge_range(header_row + 1, 0, header_row + 1, len(headers) - 1, text, styles.wrap)
        sheet.set_row(header_row + 1, row_height([(text, sum(c.width for c in columns))]))
    for r, ((cluster, unit), by_year) in enumerate(sorted(table.items()), start=header_row + 1):
        values: list[object] = [cluster, unit]
        for year in years:
            score, rank = by_year.get(year, (None, None))
            values += [Styled(rank, "center") if rank == 1 else rank, score]  # the leader stands out
        write_cells(sheet, styles, r, columns, values)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
