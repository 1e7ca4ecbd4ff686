"""The roll-up workbook of `tdkt report`: one line per cluster, totals per title, and the
cluster-level quotas — built from compact summaries so 500k people never sit in one process."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain import vi_format as vi
from addin.domain.cluster import ClusterResult
from addin.domain.quotas import quota_counts_note
from addin.domain.rules import Rules, Title, format_ratio
from addin.io.leaders import LeaderLine, leader_line, write_leaders_sheet
from addin.io.page_blocks import Signers, signature_block
from addin.io.report import ReportMeta, header_block, shown_titles, sum_cell, title_pairs
from addin.io.sheet_spec import (
    HEADER_MIN_PT,
    Column,
    Styled,
    write_cells,
    write_header_band,
    write_notes,
    write_table,
)
from addin.io.xlsx_common import Styles, finish, new_workbook, print_setup, write_text


@dataclass
class ClusterSummary:
    name: str  # the cluster folder's name
    output: str
    cluster: str
    period: str
    units: int
    files: int
    unreadable: int
    individuals: int
    collectives: int
    errors: int
    warnings: int
    proposed: dict[str, int] = field(default_factory=dict)
    passed: dict[str, int] = field(default_factory=dict)
    quotas: list[tuple[str, str, int | None, str, int | None, int, bool | None]] = field(
        default_factory=list)  # (quota id, title, base, max, limit, counted, ok)
    leader: LeaderLine | None = None  # the cluster's leading unit (contracts.md §8)
    date: str = ""  # the date printed on the cluster's report (dd/mm/yyyy or "")

    @classmethod
    def of(cls, name: str, output: str, result: ClusterResult, rules: Rules, meta: ReportMeta
           ) -> ClusterSummary:
        books = result.counted_books
        by_title = result.by_title(rules)
        issues = result.issues
        return cls(
            name=name, output=output, cluster=meta.cluster, period=meta.period,
            units=len(books), files=len(result.files),
            unreadable=sum(1 for f in result.files if f.status == "unreadable"),
            individuals=sum(len(b.individuals) for b in books),
            collectives=sum(len(b.collectives) for b in books),
            errors=sum(1 for i in issues if i.severity == "error"),
            warnings=sum(1 for i in issues if i.severity == "warning"),
            proposed={k: v["proposed"] for k, v in by_title.items()},
            passed={k: v["passed"] for k, v in by_title.items()},
            quotas=[(c.quota_id, c.title, c.base,
                     format_ratio(c.max_share) if c.max_share is not None else
                     f"tối đa {c.max_count}", c.limit, c.counted, c.ok)
                    for c in result.quota_checks if c.unit is None],
            leader=leader_line(result, rules),
            date=meta.date,
        )


SHEET_BY_TITLE = "Theo danh hiệu"  # the roll-up's passes per title and cluster
CLUSTER_COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("cluster", F.INFO_LABELS["cluster"], 22, wrap=True),
    Column("folder", "Thư mục", 16, wrap=True), Column("units", "Số đơn vị", 8, "int"),
    Column("files", "Số tệp", 7, "int"), Column("unreadable", "Tệp không đọc được", 9, "int"),
    Column("individuals", "Cá nhân", 8, "int"), Column("collectives", "Tập thể", 8, "int"),
    Column("errors", "Số lỗi", 7, "int"), Column("warnings", "Số cảnh báo", 8, "int"),
    Column("output", "Tệp báo cáo", 30, wrap=True))
QUOTA_COLUMNS = (
    Column("cluster", F.INFO_LABELS["cluster"], 22, wrap=True), Column("quota", L.QUOTA_ID, 12),
    Column("title", L.TITLE, 24, wrap=True), Column("base", L.BASE, 9, "int"),
    Column("share", L.MAX_SHARE, 11, "center"), Column("limit", L.LIMIT, 9, "int"),
    Column("counted", L.COUNTED, 9, "int"), Column("verdict", L.RESULT, 14))
_COUNTS = ("units", "files", "unreadable", "individuals", "collectives", "errors", "warnings")
TITLE_PAIR_WIDTH = 8


def by_title_columns(titles: Sequence[Title]) -> tuple[Column, ...]:
    """The columns of "Theo danh hiệu": the cluster, then a pair per title shown."""
    return (Column("cluster", F.INFO_LABELS["cluster"], 26.0, wrap=True),
            *title_pairs(titles, TITLE_PAIR_WIDTH))


def rollup_date(summaries: list[ClusterSummary], given: str | None) -> str:
    """As given, else the latest of the clusters' report dates (never today's: same bytes)."""
    if given:
        return given
    dated = [(key, s.date) for s in summaries if (key := L.date_key(s.date)) is not None]
    return max(dated)[1] if dated else ""


def rollup_bytes(summaries: list[ClusterSummary], rules: Rules, date: str | None) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "Tổng hợp thi đua, khen thưởng các cụm")
    styles = Styles(workbook)
    periods = Counter(s.period for s in summaries if s.period)
    meta = ReportMeta(cluster="", period=periods.most_common(1)[0][0] if periods else "",
                      date=rollup_date(summaries, date),
                      rules_label=vi.rules_book_name(rules), details=rules.report)
    lines = [f"Kỳ báo cáo: {meta.period or '—'}   —   Số cụm thi đua: {len(summaries)}   —   "
             f"Bộ quy tắc: {meta.rules_label}"]
    titles = shown_titles(rules, (code for s in summaries for code, n in s.proposed.items() if n))
    signers = Signers.of(meta.details, L.COMMANDER)

    sheet = workbook.add_worksheet("Các cụm")
    widths = [c.width for c in CLUSTER_COLUMNS]
    header_row = header_block(sheet, styles, "TỔNG HỢP THI ĐUA, KHEN THƯỞNG CÁC CỤM", meta, widths,
                              lines)
    last = write_table(sheet, styles, header_row, CLUSTER_COLUMNS, (
        [i, s.cluster, s.name, *(getattr(s, name) for name in _COUNTS), s.output]
        for i, s in enumerate(summaries, start=1)))
    first = header_row + 1
    total_r = last + 1
    sheet.merge_range(total_r, 0, total_r, 2, L.TOTAL, styles.total_label)
    for c, name in enumerate(_COUNTS, start=3):
        sum_cell(sheet, total_r, c, first, last, sum(getattr(s, name) for s in summaries), styles)
    signature_block(sheet, styles, total_r + 2, widths, signers, (header_row, header_row))
    sheet.freeze_panes(first, 2)
    print_setup(sheet, header_row, header_row)

    sheet = workbook.add_worksheet(SHEET_BY_TITLE)
    columns = by_title_columns(titles)
    widths = [c.width for c in columns]
    top = header_block(sheet, styles, "SỐ ĐỀ NGHỊ VÀ SỐ ĐẠT THEO DANH HIỆU", meta, widths, lines)
    sub = top + 1
    first = write_header_band(sheet, styles, top, columns, min_top=HEADER_MIN_PT)
    for r, s in enumerate(summaries, start=first):
        write_cells(sheet, styles, r, columns, [s.cluster or s.name, *(
            counts.get(t.code, 0) for t in titles for counts in (s.proposed, s.passed))])
    last = first + len(summaries) - 1
    total_r = last + 1
    write_text(sheet, total_r, 0, L.TOTAL, styles.total_label)
    for c, column in enumerate(columns):
        if column.group:  # "proposed:CODE" / "passed:CODE" (report.title_pairs)
            kind, code = column.key.split(":", 1)
            sum_cell(sheet, total_r, c, first, last,
                     sum(getattr(s, kind).get(code, 0) for s in summaries), styles)
    signature_block(sheet, styles, total_r + 2, widths, signers, (top, sub))
    sheet.freeze_panes(first, 1)
    print_setup(sheet, top, sub)

    sheet = workbook.add_worksheet("Hạn mức các cụm")
    widths = [c.width for c in QUOTA_COLUMNS]
    header_row = header_block(sheet, styles, "HẠN MỨC XÉT TẶNG THEO CỤM", meta, widths, lines)
    last = write_table(sheet, styles, header_row, QUOTA_COLUMNS, (
        [s.cluster or s.name, quota_id, rules.title(code).name, base, share, limit, counted,
         Styled(L.QUOTA_VERDICT[ok], "bad" if ok is False else "cell")]
        for s in summaries for quota_id, code, base, share, limit, counted, ok in s.quotas))
    # "Đã đạt" counts a quota's family of titles, as on each cluster's "Hạn mức": said once here
    write_notes(sheet, styles, last + 2, quota_counts_note(
        rules, (quota_id for s in summaries for quota_id, *_ in s.quotas), SHEET_BY_TITLE), widths)
    print_setup(sheet, header_row, header_row)
    write_leaders_sheet(workbook, styles, [(s.cluster or s.name, s.leader) for s in summaries
                                           if s.leader is not None], meta)
    return finish(workbook, buffer)
