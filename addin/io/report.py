"""The cluster summary workbook (contracts.md §5), written with XlsxWriter.

Every formula is written with the value Python computed, so readers that do not recalculate
(calamine, openpyxl data_only, another tdkt run) see the same numbers Excel will show.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.cluster import ClusterResult
from addin.domain.commendation_forms import group_commendations
from addin.domain.issues import Issue
from addin.domain.models import Nomination
from addin.domain.quotas import QuotaCheck
from addin.domain.rules import Rules, Title, format_ratio
from addin.io.cells import column_letter
from addin.io.fast_rows import BulkRows, splice_rows
from addin.io.live_ranking import LiveRanking
from addin.io.report_chain import (
    UNIT_FACTS,
    unit_fact_headers,
    write_commendation_detail,
    write_unit_facts,
)
from addin.io.xlsx_common import (
    Styles,
    finish,
    new_workbook,
    print_setup,
    write_number,
    write_text,
)

SEVERITY_LABEL = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
STATUS_LABEL = {"ok": "Hợp lệ", "errors": "Có lỗi", "skipped": "Bỏ qua (trùng)",
                "unreadable": "Không đọc được"}


@dataclass(frozen=True)
class ReportMeta:
    cluster: str
    period: str
    date: str
    rules_label: str


def _row_status(nom: Nomination) -> str:
    severities = {i.severity for i in nom.issues}
    if "error" in severities:
        return "Lỗi"
    if "warning" in severities:
        return "Cảnh báo"
    return ""


def header_block(sheet: Worksheet, styles: Styles, title: str, meta: ReportMeta, width: int
                  ) -> None:
    sheet.merge_range(0, 0, 0, width - 1, title, styles.title)
    line = f"Cụm thi đua: {meta.cluster or '—'}   —   Kỳ báo cáo: {meta.period or '—'}"
    sheet.merge_range(1, 0, 1, width - 1, line, styles.subtitle)
    sheet.merge_range(2, 0, 2, width - 1,
                      f"Ngày lập: {meta.date or '—'}   —   Bộ quy tắc: {meta.rules_label}",
                      styles.subtitle)


def table_header(sheet: Worksheet, styles: Styles, row: int, headers: Sequence[str],
                  widths: Sequence[int]) -> None:
    sheet.set_row(row, 32)
    for c, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(row, c, header, styles.header)
        sheet.set_column(c, c, width)


def shown_titles(rules: Rules, proposed: Iterable[str]) -> list[Title]:
    """The titles given columns in a summary: those proposed, in catalogue order (the catalogue
    holds ~15 titles; two columns each for all would not print); every title when none is
    (the blank cluster template)."""
    codes = set(proposed)
    return [t for t in rules.titles.values() if t.code in codes] or list(rules.titles.values())


def _written_by_file(bulks: Sequence[BulkRows], result: ClusterResult) -> Counter[str]:
    """Rows this report writes per source file, counted on the rows themselves (the "Tệp
    nguồn" cell of each nomination row, each commendation line), not on the reader's lists.
    `bulks`: the "Cá nhân" rows, then the "Tập thể" rows."""
    written: Counter[str] = Counter()
    for kind, bulk in zip(("individual", "collective"), bulks, strict=True):
        file_c = [h for h, _ in NOMINATION_COLUMNS[kind]].index("Tệp nguồn")
        for values, _ in bulk.rows:
            written[str(values[file_c])] += 1
    for book in result.counted_books:
        written.update(item.file for item in book.commendations)
    return written


def _summary_sheet(sheet: Worksheet, workbook: Workbook, styles: Styles, result: ClusterResult,
                   rules: Rules, meta: ReportMeta, written_by_file: Counter[str]) -> None:
    books = result.counted_books
    titles = shown_titles(rules, (n.title for b in books for n in b.nominations if n.title))
    fixed = ["STT", "Đơn vị", "Tệp nguồn", "Quân số"]
    width = len(fixed) + 2 * len(titles) + 2
    header_block(sheet, styles, "BÁO CÁO TỔNG HỢP THI ĐUA, KHEN THƯỞNG CỦA CỤM", meta, width)
    # Rows seen in the sheets (records and listed skipped rows) against rows written here.
    seen = sum(b.rows_read for b in books)
    skipped = sum(b.rows_skipped for b in books)
    written = sum(written_by_file[b.path] for b in books)
    sheet.merge_range(3, 0, 3, width - 1,
                      f"Đối chiếu: {seen} dòng có nội dung đọc từ {len(books)} tệp = {written} "
                      f"dòng trong báo cáo + {skipped} dòng không phải đề nghị (xem Kiểm tra)"
                      + ("" if seen == written + skipped else "  (KHÔNG KHỚP)"), styles.subtitle)
    top, sub = 5, 6
    for c, header in enumerate(fixed):
        sheet.merge_range(top, c, sub, c, header, styles.header)
    for i, title in enumerate(titles):
        c = len(fixed) + 2 * i
        sheet.merge_range(top, c, top, c + 1, title.name, styles.header)
        sheet.write_string(sub, c, "Đề nghị", styles.header)
        sheet.write_string(sub, c + 1, "Đạt", styles.header)
    quota_c = len(fixed) + 2 * len(titles)
    sheet.merge_range(top, quota_c, sub, quota_c, "Hạn mức", styles.header)
    sheet.merge_range(top, quota_c + 1, sub, quota_c + 1, "Số lỗi", styles.header)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 22)
    sheet.set_column(3, width - 1, 8)
    sheet.set_column(quota_c, quota_c, 14)
    sheet.set_row(top, 45)
    quota_by_unit: dict[str, list[QuotaCheck]] = {}
    for check in result.quota_checks:
        if check.unit is not None:
            quota_by_unit.setdefault(check.unit, []).append(check)
    first = sub + 1
    totals = [0] * (2 * len(titles))
    for r, book in enumerate(books, start=first):
        sheet.write_number(r, 0, r - first + 1, styles.center)
        write_text(sheet, r, 1, book.info.unit, styles.cell)
        write_text(sheet, r, 2, Path(book.path).name, styles.cell)
        write_number(sheet, r, 3, book.info.headcount, styles.int)
        proposed: Counter[str] = Counter(n.title for n in book.nominations if n.title)
        passed: Counter[str] = Counter(n.title for n in book.nominations if n.passed and n.title)
        for i, title in enumerate(titles):
            c = len(fixed) + 2 * i
            sheet.write_number(r, c, proposed[title.code], styles.int)
            sheet.write_number(r, c + 1, passed[title.code], styles.int)
            totals[2 * i] += proposed[title.code]
            totals[2 * i + 1] += passed[title.code]
        checks = quota_by_unit.get(book.info.unit, [])
        over = [c.quota_id for c in checks if c.ok is False]
        unknown = any(c.ok is None and c.counted for c in checks)
        status = ("Vượt: " + ", ".join(over)) if over else ("Chưa đủ số liệu" if unknown else
                                                            "Trong hạn mức")
        sheet.write_string(r, quota_c, status, styles.bad if over else styles.cell)
        errors = sum(1 for i in book.all_issues() if i.severity == "error")
        sheet.write_number(r, quota_c + 1, errors, styles.error if errors else styles.int)
    last = first + len(books) - 1
    total_r = last + 1
    sheet.merge_range(total_r, 0, total_r, 2, "Tổng cộng", styles.total_label)
    headcount_total = sum(b.info.headcount or 0 for b in books)
    sum_cell(sheet, total_r, 3, first, last, headcount_total, styles)
    for i in range(2 * len(titles)):
        sum_cell(sheet, total_r, len(fixed) + i, first, last, totals[i], styles)
    cluster_over = [c.quota_id for c in result.quota_checks if c.unit is None and c.ok is False]
    sheet.write_string(total_r, quota_c, ("Vượt: " + ", ".join(cluster_over)) if cluster_over
                       else "Trong hạn mức", styles.total_label)
    sum_cell(sheet, total_r, quota_c + 1, first, last,
         sum(1 for b in books for i in b.all_issues() if i.severity == "error"), styles)
    _chart(workbook, sheet, titles, fixed, first, last, total_r + 2)
    sheet.freeze_panes(first, 2)
    print_setup(sheet, top, sub)


def sum_cell(sheet: Worksheet, row: int, col: int, first: int, last: int, value: int,
         styles: Styles) -> None:
    letter = column_letter(col)
    if last < first:
        sheet.write_formula(row, col, "=0", styles.total, 0)
    else:
        sheet.write_formula(row, col, f"=SUM({letter}{first + 1}:{letter}{last + 1})",
                            styles.total, value)


def _chart(workbook: Workbook, sheet: Worksheet, titles: Sequence[Title], fixed: Sequence[str],
           first: int, last: int, anchor_row: int) -> None:
    if last < first:
        return
    chart = workbook.add_chart({"type": "column"})
    for i, title in enumerate(titles):
        c = len(fixed) + 2 * i + 1
        chart.add_series({
            "name": title.name,
            "categories": ["Tổng hợp", first, 1, last, 1],
            "values": ["Tổng hợp", first, c, last, c],
        })
    chart.set_title({"name": "Số danh hiệu đạt theo đơn vị",
                     "name_font": {"name": "Times New Roman", "size": 12}})
    chart.set_legend({"position": "bottom", "font": {"name": "Times New Roman", "size": 8}})
    chart.set_x_axis({"num_font": {"name": "Times New Roman"}})
    chart.set_size({"width": 900, "height": 360})
    sheet.insert_chart(anchor_row, 1, chart)


NOMINATION_COLUMNS = {
    "individual": [("STT", 5), ("Họ và tên", 24), ("Cấp bậc", 11), ("Chức vụ", 14),
                   ("Đơn vị", 18), ("Danh hiệu đề nghị", 24), ("Mã danh hiệu", 9),
                   ("Tổng số thành viên", 10), ("Số có mặt", 9), ("Số phiếu đồng ý", 10),
                   ("Tỷ lệ (%)", 9), ("Kết quả", 10), ("Sáng kiến, đề tài", 24),
                   ("Số năm liên tục đạt", 9), ("Ghi chú", 16),
                   # identity across levels and periods (contracts.md §6)
                   ("Số hiệu quân nhân", 12), ("Năm sinh", 7), ("Tình trạng", 10),
                   ("Tệp nguồn", 22), ("Dòng nguồn", 8)],
    "collective": [("STT", 5), ("Tên tập thể", 26), ("Đơn vị báo cáo", 18),
                   ("Danh hiệu đề nghị", 24), ("Mã danh hiệu", 9), ("Quân số", 8),
                   ("Số đạt CSTT", 8), ("Số đạt CSTĐCS", 8), ("Số bị kỷ luật", 8),
                   ("Tổng số thành viên", 10), ("Số có mặt", 9), ("Số phiếu đồng ý", 10),
                   ("Tỷ lệ (%)", 9), ("Kết quả", 10), ("Ghi chú", 16), ("Tình trạng", 10),
                   ("Tệp nguồn", 22), ("Dòng nguồn", 8)],
}


def _seq(text: str) -> object:
    return int(text) if text.isdigit() and len(text) < 10 else text


def _nomination_values(nom: Nomination, unit: str) -> list[object]:
    result = F.RESULT_PASSED if nom.passed else F.RESULT_FAILED
    if nom.kind == "individual":
        return [_seq(nom.seq), nom.name, nom.rank, nom.position, nom.unit, nom.title_text,
                nom.title or "", nom.members, nom.present, nom.agree, nom.percent, result,
                nom.initiative, nom.streak, nom.note, nom.service_no, nom.birth_year,
                _row_status(nom), nom.file, nom.row]
    return [_seq(nom.seq), nom.name, unit, nom.title_text, nom.title or "", nom.headcount, nom.cstt,
            nom.cstdcs, nom.disciplined, nom.members, nom.present, nom.agree, nom.percent,
            result, nom.note, _row_status(nom), nom.file, nom.row]


def _nominations_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, kind: str,
                       meta: ReportMeta) -> BulkRows:
    """Header, legend and column headers through XlsxWriter; the rows come back as BulkRows
    (spliced in after close: see addin.io.fast_rows)."""
    name = F.SHEET_INDIVIDUALS if kind == "individual" else F.SHEET_COLLECTIVES
    sheet = workbook.add_worksheet(name)
    columns = NOMINATION_COLUMNS[kind]
    title = ("DANH SÁCH CÁ NHÂN ĐỀ NGHỊ" if kind == "individual" else
             "DANH SÁCH TẬP THỂ ĐỀ NGHỊ")
    header_block(sheet, styles, title, meta, len(columns))
    # The legend also puts every row format to use, so XlsxWriter gives each its style index.
    legend = (("Chú thích:", styles.label), (F.RESULT_PASSED, styles.ok),
              (F.RESULT_FAILED, styles.bad), ("Có lỗi", styles.error),
              ("Cảnh báo", styles.warning), ("Hợp lệ", styles.cell))
    for c, (text, fmt) in enumerate(legend):
        sheet.write_string(3, c, text, fmt)
    header_row = 4
    table_header(sheet, styles, header_row, [h for h, _ in columns], [w for _, w in columns])
    bulk = BulkRows(sheet_index=len(workbook.worksheets()) - 1, first_row=header_row + 1,
                    width=len(columns))
    labels = [h for h, _ in columns]
    result_c, status_c = labels.index("Kết quả"), labels.index("Tình trạng")
    status_formats = {"Lỗi": styles.error, "Cảnh báo": styles.warning, "": styles.cell}
    row_styles: dict[tuple[bool, str], tuple[Format, ...]] = {}
    for passed in (True, False):
        for status, status_format in status_formats.items():
            formats = [styles.cell] * len(columns)
            formats[result_c] = styles.ok if passed else styles.bad
            formats[status_c] = status_format
            row_styles[(passed, status)] = tuple(formats)
    for book in result.counted_books:
        noms = book.individuals if kind == "individual" else book.collectives
        for nom in noms:
            values = _nomination_values(nom, book.info.unit)
            bulk.rows.append((values, row_styles[(nom.passed, str(values[status_c]))]))
    if bulk.rows:
        sheet.autofilter(header_row, 0, bulk.last_row, len(columns) - 1)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
    return bulk


def _commendations_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                         meta: ReportMeta) -> None:
    """Totals by the recognised form (catalogue order), kind and level; a form the rules book
    does not know is a group of its own, as typed, after the catalogue's."""
    sheet = workbook.add_worksheet(F.SHEET_COMMENDATIONS)
    headers = ["STT", "Hình thức khen thưởng", "Loại", "Cấp khen", "Số tập thể", "Số cá nhân",
               "Số đơn vị báo cáo", "Mã hình thức", "Cách ghi trong tệp"]
    header_block(sheet, styles, "TỔNG HỢP KHEN THƯỞNG TRONG KỲ", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers, [5, 40, 14, 12, 11, 11, 11, 10, 40])
    groups = group_commendations(result.counted_books, rules)
    first = header_row + 1
    for r, group in enumerate(groups, start=first):
        sheet.write_number(r, 0, r - first + 1, styles.center)
        for c, text in enumerate((group.form, group.kind, group.level), start=1):
            write_text(sheet, r, c, text, styles.cell)
        sheet.write_number(r, 4, group.collectives, styles.int)
        sheet.write_number(r, 5, group.individuals, styles.int)
        sheet.write_number(r, 6, len(group.files), styles.int)
        write_text(sheet, r, 7, group.code or "?", styles.center if group.code else styles.warning)
        write_text(sheet, r, 8, "; ".join(sorted(group.typed)), styles.cell_wrap)
    last = first + len(groups) - 1
    total_r = last + 1
    sheet.merge_range(total_r, 0, total_r, 3, "Tổng cộng", styles.total_label)
    sum_cell(sheet, total_r, 4, first, last, sum(g.collectives for g in groups), styles)
    sum_cell(sheet, total_r, 5, first, last, sum(g.individuals for g in groups), styles)
    for c in (6, 7, 8):
        sheet.write_blank(total_r, c, None, styles.total)
    write_commendation_detail(sheet, styles, result, total_r + 3)
    print_setup(sheet, header_row, header_row)


def _quota_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                 meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet("Hạn mức")
    headers = ["STT", "Đơn vị", "Danh hiệu", "Mã hạn mức", "Tỷ lệ tối đa", "Số cơ sở",
               "Hạn mức", "Đã đạt", "Còn được đề nghị", "Kết quả", "Nguồn",
               "Cụm thi đua"]  # a per-cluster limit stays per cluster up the levels
    header_block(sheet, styles, "KIỂM TRA TỶ LỆ XÉT TẶNG (HẠN MỨC)", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers, [5, 24, 24, 14, 11, 9, 9, 9, 11, 14, 50, 20])
    checks = [c for c in result.quota_checks if c.unit is not None] + [
        c for c in result.quota_checks if c.unit is None]
    sources = {q.id: q for q in rules.quotas}
    for r, check in enumerate(checks, start=header_row + 1):
        quota = sources[check.quota_id]
        sheet.write_number(r, 0, r - header_row, styles.center)
        write_text(sheet, r, 1, check.unit if check.unit is not None else "TOÀN CỤM",
                   styles.cell if check.unit is not None else styles.total_label)
        write_text(sheet, r, 2, rules.title(check.title).name, styles.cell)
        write_text(sheet, r, 3, check.quota_id, styles.cell)
        share = (format_ratio(check.max_share) if check.max_share is not None
                 else f"tối đa {check.max_count}")
        write_text(sheet, r, 4, share, styles.center)
        write_number(sheet, r, 5, check.base, styles.int)
        write_number(sheet, r, 6, check.limit, styles.int)
        sheet.write_number(r, 7, check.counted, styles.int)
        write_number(sheet, r, 8, check.headroom, styles.int)
        verdict = {True: "Trong hạn mức", False: "Vượt", None: "Chưa tính được"}[check.ok]
        sheet.write_string(r, 9, verdict, styles.bad if check.ok is False else styles.cell)
        note = quota.source + ("" if quota.verified else " — cần kiểm tra")
        write_text(sheet, r, 10, note, styles.cell_wrap)
        write_text(sheet, r, 11, check.cluster, styles.cell)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)


def _issues_sheet(workbook: Workbook, styles: Styles, issues: Sequence[Issue],
                  meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet("Kiểm tra")
    headers = ["STT", "Tệp", "Trang", "Dòng", "Cột", "Mã lỗi", "Mức độ", "Nội dung"]
    header_block(sheet, styles, "KẾT QUẢ KIỂM TRA SỐ LIỆU", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers, [5, 26, 12, 7, 6, 22, 10, 70])
    for r, issue in enumerate(issues, start=header_row + 1):
        fmt = {"error": styles.error, "warning": styles.warning}.get(issue.severity, styles.cell)
        sheet.write_number(r, 0, r - header_row, styles.center)
        write_text(sheet, r, 1, issue.file or "(toàn cụm)", styles.cell)
        write_text(sheet, r, 2, issue.sheet, styles.cell)
        write_number(sheet, r, 3, issue.row, styles.int)
        write_text(sheet, r, 4, issue.column, styles.center)
        write_text(sheet, r, 5, str(issue.code), styles.cell)
        write_text(sheet, r, 6, SEVERITY_LABEL[issue.severity], fmt)
        write_text(sheet, r, 7, issue.message, styles.cell_wrap)
    if issues:
        sheet.autofilter(header_row, 0, header_row + len(issues), len(headers) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    print_setup(sheet, header_row, header_row)


def _sources_sheet(workbook: Workbook, styles: Styles, result: ClusterResult,
                   meta: ReportMeta, written_by_file: Counter[str]) -> None:
    sheet = workbook.add_worksheet("Nguồn")
    headers = ["STT", "Tệp", "Đơn vị", "Kỳ báo cáo", "SHA-256", "Số dòng đọc", "Cá nhân",
               "Tập thể", "Khen thưởng", "Dòng trong báo cáo", "Đối chiếu", "Tình trạng",
               "Số lỗi", "Số cảnh báo", "Dòng bỏ qua"]
    facts_c = len(headers)
    headers += unit_fact_headers()  # what the next level reads back (addin.io.report_chain)
    header_block(sheet, styles, "CÁC TỆP ĐÃ ĐỌC", meta, len(headers))
    header_row = 4
    table_header(sheet, styles, header_row, headers,
                  [5, 28, 20, 16, 66, 9, 9, 9, 9, 10, 10, 14, 8, 10, 9]
                  + [14] * len(UNIT_FACTS))
    for r, status in enumerate(result.files, start=header_row + 1):
        book = status.book
        counted = status.counted
        written = written_by_file[book.path] if counted else 0
        sheet.write_number(r, 0, r - header_row, styles.center)
        write_text(sheet, r, 1, book.path, styles.cell)
        write_text(sheet, r, 2, book.info.unit, styles.cell)
        write_text(sheet, r, 3, book.info.period, styles.cell)
        write_text(sheet, r, 4, book.sha256, styles.cell)
        sheet.write_number(r, 5, book.rows_read, styles.int)
        sheet.write_number(r, 6, len(book.individuals), styles.int)
        sheet.write_number(r, 7, len(book.collectives), styles.int)
        sheet.write_number(r, 8, len(book.commendations), styles.int)
        sheet.write_number(r, 9, written, styles.int)
        if counted:
            match = written + book.rows_skipped == book.rows_read
            sheet.write_string(r, 10, "Khớp" if match else "KHÔNG KHỚP",
                               styles.ok if match else styles.bad)
        else:
            sheet.write_string(r, 10, "Không tính", styles.cell)
        sheet.write_string(r, 11, STATUS_LABEL[status.status],
                           styles.cell if status.status == "ok" else styles.warning)
        sheet.write_number(r, 12, sum(1 for i in status.issues if i.severity == "error"),
                           styles.int)
        sheet.write_number(r, 13, sum(1 for i in status.issues if i.severity == "warning"),
                           styles.int)
        sheet.write_number(r, 14, book.rows_skipped, styles.int)
        write_unit_facts(sheet, styles, r, facts_c, book)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)


def cluster_report_bytes(result: ClusterResult, rules: Rules, meta: ReportMeta,
                         live: LiveRanking | None = None) -> bytes:
    """The cluster summary workbook as .xlsx bytes: same inputs, same bytes. `live`: the
    template's "Giao ước" and live ranking instead of the computed "Xếp hạng"."""
    buffer = io.BytesIO()
    title = ("Mẫu báo cáo tổng hợp thi đua, khen thưởng của cụm" if live is not None
             else f"Báo cáo tổng hợp thi đua — {meta.cluster} — {meta.period}")
    workbook = new_workbook(buffer, title, template=live is not None)
    styles = Styles(workbook)
    summary = workbook.add_worksheet("Tổng hợp")  # first sheet; filled once rows are known
    bulks = [_nominations_sheet(workbook, styles, result, "individual", meta),
             _nominations_sheet(workbook, styles, result, "collective", meta)]
    written = _written_by_file(bulks, result)
    _summary_sheet(summary, workbook, styles, result, rules, meta, written)
    _commendations_sheet(workbook, styles, result, rules, meta)
    _quota_sheet(workbook, styles, result, rules, meta)
    from addin.io.ranking_report import ranking_sheets  # "Xếp hạng" (§8) builds on this module

    ranking_sheets(workbook, styles, result, rules, meta, live)
    _issues_sheet(workbook, styles, result.issues, meta)
    _sources_sheet(workbook, styles, result, meta, written)
    from addin.io.report_scores import write_score_detail  # builds on this module

    write_score_detail(workbook, styles, result, meta)  # the units' scores, for the next level
    return splice_rows(finish(workbook, buffer), bulks)
