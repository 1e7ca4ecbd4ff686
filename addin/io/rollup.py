"""The roll-up workbook of `tdkt report`: one line per cluster, totals per title, and the
cluster-level quotas — built from compact summaries so 500k people never sit in one process."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

from addin.domain.cluster import ClusterResult
from addin.domain.rules import Rules, format_ratio
from addin.io.leaders import LeaderLine, leader_line, write_leaders_sheet
from addin.io.report import ReportMeta, header_block, shown_titles, sum_cell, table_header
from addin.io.xlsx_common import Styles, finish, new_workbook, print_setup, write_number, write_text


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
        )


def rollup_bytes(summaries: list[ClusterSummary], rules: Rules, date: str | None) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "Tổng hợp thi đua, khen thưởng các cụm")
    styles = Styles(workbook)
    periods = Counter(s.period for s in summaries if s.period)
    meta = ReportMeta(cluster=f"{len(summaries)} cụm",
                      period=periods.most_common(1)[0][0] if periods else "",
                      date=date or "", rules_label=f"{rules.name} {rules.version}")
    titles = shown_titles(rules, (code for s in summaries for code, n in s.proposed.items() if n))

    sheet = workbook.add_worksheet("Các cụm")
    headers = ["STT", "Cụm thi đua", "Thư mục", "Số đơn vị", "Số tệp", "Tệp không đọc được",
               "Cá nhân", "Tập thể", "Số lỗi", "Số cảnh báo", "Tệp báo cáo"]
    header_block(sheet, styles, "TỔNG HỢP THI ĐUA, KHEN THƯỞNG CÁC CỤM", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers, [5, 26, 18, 9, 8, 10, 9, 9, 8, 9, 40])
    first = header_row + 1
    for r, s in enumerate(summaries, start=first):
        sheet.write_number(r, 0, r - header_row, styles.center)
        write_text(sheet, r, 1, s.cluster, styles.cell)
        write_text(sheet, r, 2, s.name, styles.cell)
        for c, value in enumerate((s.units, s.files, s.unreadable, s.individuals, s.collectives,
                                   s.errors, s.warnings), start=3):
            sheet.write_number(r, c, value, styles.int)
        write_text(sheet, r, 10, s.output, styles.cell)
    last = first + len(summaries) - 1
    total_r = last + 1
    sheet.merge_range(total_r, 0, total_r, 2, "Tổng cộng", styles.total_label)
    fields = ("units", "files", "unreadable", "individuals", "collectives", "errors", "warnings")
    for c, name in enumerate(fields, start=3):
        sum_cell(sheet, total_r, c, first, last, sum(getattr(s, name) for s in summaries), styles)
    sheet.freeze_panes(first, 2)
    print_setup(sheet, header_row, header_row)

    sheet = workbook.add_worksheet("Theo danh hiệu")
    headers = ["Cụm thi đua"] + [h for t in titles for h in (f"{t.code} đề nghị", f"{t.code} đạt")]
    header_block(sheet, styles, "SỐ ĐỀ NGHỊ VÀ SỐ ĐẠT THEO DANH HIỆU", meta, len(headers))
    table_header(sheet, styles, header_row, headers, [26] + [9] * (len(headers) - 1))
    for r, s in enumerate(summaries, start=first):
        write_text(sheet, r, 0, s.cluster or s.name, styles.cell)
        for i, t in enumerate(titles):
            sheet.write_number(r, 1 + 2 * i, s.proposed.get(t.code, 0), styles.int)
            sheet.write_number(r, 2 + 2 * i, s.passed.get(t.code, 0), styles.int)
    write_text(sheet, total_r, 0, "Tổng cộng", styles.total_label)
    for i, t in enumerate(titles):
        sum_cell(sheet, total_r, 1 + 2 * i, first, last,
             sum(s.proposed.get(t.code, 0) for s in summaries), styles)
        sum_cell(sheet, total_r, 2 + 2 * i, first, last,
             sum(s.passed.get(t.code, 0) for s in summaries), styles)
    sheet.freeze_panes(first, 1)
    print_setup(sheet, header_row, header_row)

    sheet = workbook.add_worksheet("Hạn mức các cụm")
    headers = ["Cụm thi đua", "Mã hạn mức", "Danh hiệu", "Số cơ sở", "Tỷ lệ tối đa", "Hạn mức",
               "Đã đạt", "Kết quả"]
    header_block(sheet, styles, "HẠN MỨC XÉT TẶNG THEO CỤM", meta, len(headers))
    table_header(sheet, styles, header_row, headers, [26, 14, 26, 9, 11, 9, 9, 14])
    r = first
    for s in summaries:
        for quota_id, code, base, share, limit, counted, ok in s.quotas:
            write_text(sheet, r, 0, s.cluster or s.name, styles.cell)
            write_text(sheet, r, 1, quota_id, styles.cell)
            write_text(sheet, r, 2, rules.title(code).name, styles.cell)
            write_number(sheet, r, 3, base, styles.int)
            write_text(sheet, r, 4, share, styles.center)
            write_number(sheet, r, 5, limit, styles.int)
            sheet.write_number(r, 6, counted, styles.int)
            verdict = {True: "Trong hạn mức", False: "Vượt", None: "Chưa tính được"}[ok]
            sheet.write_string(r, 7, verdict, styles.bad if ok is False else styles.cell)
            r += 1
    print_setup(sheet, header_row, header_row)
    write_leaders_sheet(workbook, styles, [(s.cluster or s.name, s.leader) for s in summaries
                                           if s.leader is not None], meta)
    return finish(workbook, buffer)
