"""The cluster summary workbook (contracts.md §5), written with XlsxWriter.

Every formula is written with the value Python computed, so readers that do not recalculate
(calamine, openpyxl data_only, another tdkt run) see the same numbers Excel will show.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.cluster import ClusterResult
from addin.domain.commendation_forms import group_commendations
from addin.domain.models import Nomination
from addin.domain.quotas import QuotaCheck, quota_counts_note
from addin.domain.report_details import ReportDetails
from addin.domain.rules import Rules, Title, format_ratio
from addin.io.fast_rows import BulkRows, deflate_ahead, index_sheet_formats, splice_rows
from addin.io.page_blocks import (
    PageHead,
    Signers,
    keep_together,
    keep_with_next,
    national_header,
    print_scale,
    signature_block,
)
from addin.io.report_chain import (
    SOURCE_FILE,
    SOURCE_ROW,
    unit_fact_headers,
    write_commendation_detail,
    write_unit_facts,
)
from addin.io.sheet_spec import (
    HEADER_MIN_PT,
    MIN_PRINT_SCALE,
    MIN_PRINTED_PT,
    PX_PER_WIDTH,
    Column,
    RowSizer,
    Styled,
    cell_format,
    put_to_use,
    row_height,
    write_cells,
    write_header,
    write_header_band,
    write_notes,
    write_table,
)
from addin.io.xlsx_common import (
    FONT,
    Styles,
    finish,
    new_workbook,
    print_columns,
    print_setup,
    write_text,
)

if TYPE_CHECKING:  # the cluster template's live sheets: reports start without them
    from addin.io.live_ranking import LiveRanking

SEVERITY_LABEL = L.SEVERITY  # kept for callers; the texts live in addin.domain.labels
STATUS_LABEL = L.FILE_STATUS


@dataclass(frozen=True)
class ReportMeta:
    cluster: str
    period: str
    date: str
    rules_label: str
    details: ReportDetails = ReportDetails()  # [bao_cao]: issuer, place, signers


def _row_status(nom: Nomination) -> str:
    severities = {i.severity for i in nom.issues}
    if "error" in severities:
        return L.SEVERITY["error"]
    if "warning" in severities:
        return L.SEVERITY["warning"]
    return ""


def header_block(sheet: Worksheet, styles: Styles, title: str, meta: ReportMeta,
                 widths: Sequence[float], lines: Sequence[str] | None = None,
                 issuer: str | None = None) -> int:
    """The national header, the title and its lines; returns the first free row."""
    if lines is None:
        lines = [f"Kỳ báo cáo: {meta.period or '—'}   —   Bộ quy tắc: {meta.rules_label}"]
    given = meta.details.issuer or meta.cluster
    head = PageHead(title=title, lines=lines, date=meta.date, place=meta.details.place,
                    issuer=given if issuer is None else issuer)
    return national_header(sheet, styles, widths, head)


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
        file_c = [c.key for c in NOMINATION_COLUMNS[kind]].index("file")
        for values, _ in bulk.rows:
            written[str(values[file_c])] += 1
    for book in result.counted_books:
        written.update(item.file for item in book.commendations)
    return written


SUMMARY_FIXED = (Column("seq", "STT", 5, "center"), Column("unit", F.INFO_LABELS["unit"], 24,
                 wrap=True), Column("file", SOURCE_FILE, 20, wrap=True),
                 Column("headcount", F.INFO_LABELS["headcount"], 8, "int"))
SUMMARY_PAIR_WIDTH = 8  # each title's "Đề nghị" and "Đạt" columns
SUMMARY_PAIR_MIN = 6
SUMMARY_TAIL = (Column("quota", L.LIMIT, 16, wrap=True), Column("errors", "Số lỗi", 7, "int"))
# "Tổng cộng" spans the columns before the first summed one; these are summed in its row.
SUMMARY_SUMMED = ("headcount", "errors")
CHART_PX_PER_UNIT = PX_PER_WIDTH  # a column width unit in pixels (Times New Roman 11)
CHART_ROW_PX = 20
# 9 rows: with the table of 5 units above it and the signature block below, page 1 holds all
CHART_HEIGHT_PX = 180
CHART_LABEL_PT = 9  # printed at 90 % (the demo's 4 titles): 8.1 pt


def title_pairs(titles: Iterable[Title], width: float) -> tuple[Column, ...]:
    """Two columns per title, "Đề nghị" and "Đạt" (keys "proposed:CODE", "passed:CODE"), under
    the title's name: a group of write_header_band."""
    return tuple(Column(f"{key}:{t.code}", header, width, "int", group=t.name)
                 for t in titles for key, header in (("proposed", L.PROPOSED),
                                                     ("passed", L.PASSED)))


def summary_columns(titles: Sequence[Title]) -> tuple[Column, ...]:
    """The columns of "Tổng hợp": the fixed ones, a pair per title shown, then the tail. The
    pairs narrow (8, 7, then 6 wide: "Đề nghị" wraps) when that keeps the page, fitted to its
    width (contracts.md §5), at MIN_PRINTED_PT; with more titles than 6 wide holds so (the
    blank template's 15), they are 6 wide and the page prints smaller."""
    fixed = [c.width for c in (*SUMMARY_FIXED, *SUMMARY_TAIL)]
    width = next((w for w in range(SUMMARY_PAIR_WIDTH, SUMMARY_PAIR_MIN - 1, -1)
                  if print_scale([*fixed, *[float(w)] * (2 * len(titles))]) >= MIN_PRINT_SCALE),
                 SUMMARY_PAIR_MIN)
    return (*SUMMARY_FIXED, *title_pairs(titles, width), *SUMMARY_TAIL)


def _summary_sheet(sheet: Worksheet, workbook: Workbook, styles: Styles, result: ClusterResult,
                   rules: Rules, meta: ReportMeta, written_by_file: Counter[str]) -> None:
    books = result.counted_books
    titles = shown_titles(rules, (n.title for b in books for n in b.nominations if n.title))
    fixed = SUMMARY_FIXED
    columns = summary_columns(titles)
    keys = [c.key for c in columns]
    widths = [c.width for c in columns]
    # Rows seen in the sheets (records and listed skipped rows) against rows written here.
    seen = sum(b.rows_read for b in books)
    skipped = sum(b.rows_skipped for b in books)
    written = sum(written_by_file[b.path] for b in books)
    reconciliation = (f"Đối chiếu: {seen} dòng có nội dung đọc từ {len(books)} tệp = {written} "
                      f"dòng trong báo cáo + {skipped} dòng không phải đề nghị (xem Kiểm tra)"
                      + ("" if seen == written + skipped else "  (KHÔNG KHỚP)"))
    top = header_block(sheet, styles, "BÁO CÁO TỔNG HỢP THI ĐUA, KHEN THƯỞNG CỦA CỤM", meta,
                       widths, [f"Kỳ báo cáo: {meta.period or '—'}   —   Bộ quy tắc: "
                                f"{meta.rules_label}", reconciliation])
    sub = top + 1
    first = write_header_band(sheet, styles, top, columns, min_top=HEADER_MIN_PT)
    quota_by_unit: dict[str, list[QuotaCheck]] = {}
    for check in result.quota_checks:
        if check.unit is not None:
            quota_by_unit.setdefault(check.unit, []).append(check)
    sums: dict[str, int] = dict.fromkeys(
        (c.key for c in columns if c.group or c.key in SUMMARY_SUMMED), 0)
    for r, book in enumerate(books, start=first):
        checks = quota_by_unit.get(book.info.unit, [])
        over = over_names(rules, checks)
        unknown = any(c.ok is None and c.counted for c in checks)
        status = ((L.QUOTA_OVER_PREFIX + ", ".join(over)) if over else
                  (L.QUOTA_UNKNOWN if unknown else L.QUOTA_VERDICT[True]))
        errors = sum(1 for i in book.all_issues() if i.severity == "error")
        proposed: Counter[str] = Counter(n.title for n in book.nominations if n.title)
        passed: Counter[str] = Counter(n.title for n in book.nominations if n.passed and n.title)
        values: dict[str, object] = {
            "seq": r - first + 1, "unit": book.info.unit, "file": Path(book.path).name,
            "headcount": book.info.headcount,
            **{f"proposed:{t.code}": proposed[t.code] for t in titles},
            **{f"passed:{t.code}": passed[t.code] for t in titles},
            "quota": Styled(status, "bad_wrap") if over else status,
            "errors": Styled(errors, "error") if errors else errors}
        write_cells(sheet, styles, r, columns, [values[key] for key in keys])
        for key in sums:
            sums[key] += _plain_count(values[key])
    last = first + len(books) - 1
    total_r = last + 1
    summed = [key for key in keys if key in sums]
    sheet.merge_range(total_r, 0, total_r, keys.index(summed[0]) - 1, L.TOTAL,
                      styles.total_label)
    cluster_over = over_names(rules, [c for c in result.quota_checks if c.unit is None])
    cluster_status = ((L.QUOTA_OVER_PREFIX + ", ".join(cluster_over)) if cluster_over
                      else L.QUOTA_VERDICT[True])
    for c, key in enumerate(keys):
        if key in sums:
            sum_cell(sheet, total_r, c, first, last, sums[key], styles)
        elif key == "quota":
            sheet.write_string(total_r, c, cluster_status,
                               styles.bad_wrap if cluster_over else styles.total_label)
            if cluster_over:  # title names are long: the row grows to show them whole
                sheet.set_row(total_r, row_height([(cluster_status, columns[c].width)]))
    totals = [sums[c.key] for c in columns if c.group]  # per title: proposed, passed
    row = _chart(workbook, sheet, styles, titles, len(fixed), total_r, totals, widths,
                 total_r + 2, (top, sub), chart_label_pt(print_scale(widths)))
    signature_block(sheet, styles, row + 1, widths, Signers.of(meta.details, L.CHAIR), (top, sub))
    sheet.freeze_panes(first, 2)
    print_setup(sheet, top, sub)


def _plain_count(value: object) -> int:
    """The number of a summed cell's value (its style aside)."""
    given = value.value if isinstance(value, Styled) else value
    return given if isinstance(given, int) else 0


def over_names(rules: Rules, checks: Iterable[QuotaCheck]) -> list[str]:
    """The titles whose quota is exceeded, by name, once each (a title may have two quotas)."""
    return list(dict.fromkeys(rules.title(c.title).name for c in checks if c.ok is False))


def sum_cell(sheet: Worksheet, row: int, col: int, first: int, last: int, value: int,
             styles: Styles) -> None:
    if last < first:
        sheet.write_formula(row, col, "=0", styles.total, 0)
    else:  # always a range, one row too (the bytes of a one-unit cluster stay as they were)
        sheet.write_formula(row, col, f"=SUM({xl_rowcol_to_cell(first, col)}:"
                                      f"{xl_rowcol_to_cell(last, col)})", styles.total, value)


def chart_label_pt(scale: float) -> int:
    """The size of a chart's labels that prints at MIN_PRINTED_PT at least at this print scale.
    A print scale is a whole percent (print_scale, as a fit-to-width scale is), so the size is
    worked out exactly in hundredths: 8 pt at 80 % is 10 pt, where 8 / 0.8 in floating point
    is 10.000000000000002 and would round up to 11."""
    percent = round(100 * scale)
    return max(CHART_LABEL_PT, math.ceil(Fraction(MIN_PRINTED_PT) * 100 / percent))


def _chart(workbook: Workbook, sheet: Worksheet, styles: Styles, titles: Sequence[Title],
           first_col: int,
           total_r: int, totals: Sequence[int], widths: Sequence[float], anchor_row: int,
           header_rows: tuple[int, int], label_pt: int = CHART_LABEL_PT) -> int:
    """Proposed and passed per title (two series, one bar pair per title nominated), from a
    small table of the total row; returns the first row under the chart."""
    shown = [i for i, _ in enumerate(titles) if totals[2 * i]]
    if not shown:
        return anchor_row
    sheet.write_string(anchor_row, 1, L.TITLE, styles.header)
    sheet.write_string(anchor_row, 2, L.PROPOSED, styles.header)
    sheet.write_string(anchor_row, 3, L.PASSED, styles.header)
    for r, i in enumerate(shown, start=anchor_row + 1):
        title = titles[i]
        write_text(sheet, r, 1, title.name, styles.cell_wrap)
        for offset in (0, 1):
            c = first_col + 2 * i + offset
            sheet.write_formula(r, 2 + offset, "=" + xl_rowcol_to_cell(total_r, c),
                                styles.int, totals[2 * i + offset])
        sheet.set_row(r, row_height([(title.name, widths[1])]))
    end = anchor_row + len(shown)
    chart = workbook.add_chart({"type": "column"})
    for offset, name in enumerate((L.PROPOSED, L.PASSED)):
        chart.add_series({
            "name": name,
            "categories": [L.SHEET_SUMMARY, anchor_row + 1, 1, end, 1],
            "values": [L.SHEET_SUMMARY, anchor_row + 1, 2 + offset, end, 2 + offset],
            "data_labels": {"value": True, "font": {"name": FONT, "size": label_pt}},
        })
    chart.set_title({"name": "Số đề nghị và số đạt theo danh hiệu",
                     "name_font": {"name": FONT, "size": 12}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": label_pt}})
    chart.set_x_axis({"num_font": {"name": FONT, "size": label_pt}})
    chart.set_y_axis({"min": 0, "num_font": {"name": FONT, "size": label_pt}})
    # beside the table of columns 1-3, as wide as the rest of the page's columns
    width_px = int(sum(widths[4:]) * CHART_PX_PER_UNIT)
    height_px = CHART_HEIGHT_PX
    chart.set_size({"width": max(360, min(760, width_px)), "height": height_px})
    sheet.insert_chart(anchor_row, 4, chart, {"x_offset": 10})
    below = max(end + 1, anchor_row + -(-height_px // CHART_ROW_PX))
    # its table and the chart on one page, with the blank row above (a chart starting right at
    # a page break prints its top edge at the foot of the page before)
    keep_together(sheet, anchor_row - 1, below - 1, widths, header_rows)
    return below


def _column(key: str, header: str, width: float, style: str = "cell", wrap: bool = False
            ) -> Column:
    return Column(key, header, width, style, wrap)


_I, _C = F.INDIVIDUAL_LABELS, F.COLLECTIVE_LABELS
SOURCE_PATH_WIDTH = 60  # not printed, not wrapped: a path shows whole on the screen
# The nomination sheets: the unit workbook's fields under the reader's own header texts, then
# identity and provenance (contracts.md §5, §6). Adding a column is one line here and one value
# in _nomination_values.
NOMINATION_COLUMNS: dict[str, tuple[Column, ...]] = {
    "individual": (
        _column("seq", _I["seq"], 4, "center"), _column("full_name", _I["full_name"], 15, wrap=True),
        _column("rank", _I["rank"], 9, wrap=True), _column("position", _I["position"], 13, wrap=True),
        _column("unit", _I["unit"], 16, wrap=True), _column("title", _I["title"], 15, wrap=True),
        _column("code", L.TITLE_CODE, 8), _column("members", _I["members"], 7, "int"),
        _column("present", _I["present"], 7, "int"), _column("agree", _I["agree"], 7, "int"),
        _column("percent", _I["percent"], 7, "pct"), _column("result", _I["result"], 9),
        _column("initiative", _I["initiative"], 17, wrap=True),
        _column("streak", _I["streak"], 7, "int"), _column("note", _I["note"], 12, wrap=True),
        _column("service_no", _I["service_no"], 10, wrap=True),
        _column("birth_year", _I["birth_year"], 6, "int"), _column("status", L.FILE_STATE, 8),
        _column("file", SOURCE_FILE, SOURCE_PATH_WIDTH), _column("row", SOURCE_ROW, 7, "int")),
    "collective": (
        _column("seq", _C["seq"], 5, "center"), _column("name", _C["name"], 24, wrap=True),
        _column("unit", "Đơn vị báo cáo", 18, wrap=True), _column("title", _C["title"], 20, wrap=True),
        _column("code", L.TITLE_CODE, 9), _column("headcount", _C["headcount"], 8, "int"),
        _column("cstt", _C["cstt"], 8, "int"), _column("cstdcs", _C["cstdcs"], 8, "int"),
        _column("disciplined", _C["disciplined"], 8, "int"),
        _column("members", _C["members"], 8, "int"), _column("present", _C["present"], 7, "int"),
        _column("agree", _C["agree"], 8, "int"), _column("percent", _C["percent"], 7, "pct"),
        _column("result", _C["result"], 9), _column("note", _C["note"], 14, wrap=True),
        _column("status", L.FILE_STATE, 9), _column("file", SOURCE_FILE, SOURCE_PATH_WIDTH),
        _column("row", SOURCE_ROW, 7, "int")),
}
# The nomination sheets print up to "Tình trạng": "Tệp nguồn" (a full path, for the next level
# and for the screen, where it shows whole in a wide column) and "Dòng nguồn" stay off the page,
# which would otherwise print at 6 pt (each file's path is on "Nguồn" and "Kiểm tra").
LAST_PRINTED_NOMINATION_COLUMN = "status"


def _nomination_values(nom: Nomination, unit: str, seq: int) -> list[object]:
    """One row; STT runs through the whole sheet (the unit's own numbering restarts per unit,
    and "Dòng nguồn" already points at the row in the unit's file)."""
    result = F.RESULT_PASSED if nom.passed else F.RESULT_FAILED
    if nom.kind == "individual":
        return [seq, nom.name, nom.rank, nom.position, nom.unit, nom.title_text,
                nom.title or "", nom.members, nom.present, nom.agree, nom.percent, result,
                nom.initiative, nom.streak, nom.note, nom.service_no, nom.birth_year,
                _row_status(nom), nom.file, nom.row]
    return [seq, nom.name, unit, nom.title_text, nom.title or "", nom.headcount, nom.cstt,
            nom.cstdcs, nom.disciplined, nom.members, nom.present, nom.agree, nom.percent,
            result, nom.note, _row_status(nom), nom.file, nom.row]


def _nominations_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, kind: str,
                       meta: ReportMeta) -> BulkRows:
    """Header, legend and column headers through XlsxWriter; the rows come back as BulkRows
    (spliced in after close: see addin.io.fast_rows)."""
    name = F.SHEET_INDIVIDUALS if kind == "individual" else F.SHEET_COLLECTIVES
    sheet = workbook.add_worksheet(name)
    columns = NOMINATION_COLUMNS[kind]
    keys = [c.key for c in columns]
    printed = keys.index(LAST_PRINTED_NOMINATION_COLUMN)
    widths = [c.width for c in columns[:printed + 1]]  # the header spans the printed page
    title = ("DANH SÁCH CÁ NHÂN ĐỀ NGHỊ" if kind == "individual" else
             "DANH SÁCH TẬP THỂ ĐỀ NGHỊ")
    legend_row = header_block(sheet, styles, title, meta, widths) - 1
    # The legend also puts every row format to use, so XlsxWriter gives each its style index.
    legend = (("Chú thích:", styles.label), (F.RESULT_PASSED, styles.ok),
              (F.RESULT_FAILED, styles.bad), (L.FILE_STATUS["errors"], styles.error),
              (L.SEVERITY["warning"], styles.warning), (L.FILE_STATUS["ok"], styles.cell))
    for c, (text, fmt) in enumerate(legend, start=1):  # STT is too narrow for "Chú thích:"
        sheet.write_string(legend_row, c, text, fmt)
    put_to_use(cell_format(styles, c) for c in columns)
    header_row = legend_row + 1
    write_header(sheet, styles, header_row, columns)
    bulk = BulkRows(sheet_index=len(workbook.worksheets()) - 1, first_row=header_row + 1,
                    width=len(columns))
    result_c, status_c = keys.index("result"), keys.index("status")
    status_formats = {L.SEVERITY["error"]: styles.error, L.SEVERITY["warning"]: styles.warning,
                      "": None}
    row_styles: dict[tuple[bool, str], tuple[Format, ...]] = {}
    for passed in (True, False):
        for status, status_format in status_formats.items():
            formats = [cell_format(styles, c) for c in columns]
            formats[result_c] = styles.ok if passed else styles.bad
            if status_format is not None:
                formats[status_c] = status_format
            row_styles[(passed, status)] = tuple(formats)
    # Every row format has its style index before the rows are made: a large sheet's rows are
    # made in a forked child while the other sheets are still being written (fast_rows).
    put_to_use(f for formats in row_styles.values() for f in formats)
    seq = 0
    sizer = RowSizer(columns)
    for book in result.counted_books:
        noms = book.individuals if kind == "individual" else book.collectives
        for nom in noms:
            seq += 1
            values = _nomination_values(nom, book.info.unit, seq)
            height = sizer.height(values)
            if height is not None:
                bulk.heights[len(bulk.rows)] = height
            bulk.rows.append((values, row_styles[(nom.passed, str(values[status_c]))]))
    if bulk.rows:
        sheet.autofilter(header_row, 0, bulk.last_row, len(columns) - 1)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
    print_columns(sheet, header_row, bulk.last_row, printed)
    index_sheet_formats(sheet)
    return bulk


COMMENDATION_COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("form", F.COMMENDATION_LABELS["form"], 34, wrap=True),
    Column("kind", F.COMMENDATION_LABELS["kind"], 13), Column("level", F.COMMENDATION_LABELS["level"], 11),
    Column("collectives", F.COMMENDATION_LABELS["collectives"], 9, "int"),
    Column("individuals", F.COMMENDATION_LABELS["individuals"], 9, "int"),
    Column("units", "Số đơn vị báo cáo", 10, "int"),
    # the detail table under the totals (addin.io.report_chain) has the unit's name here,
    # "Tệp nguồn" (a full path, wrapped) under "Mã hình thức" and "Dòng nguồn" in a column
    # of its own
    Column("typed", "Cách ghi trong tệp", 24, wrap=True), Column("code", "Mã hình thức", 36, "center"),
    Column("detail_row", "", 8))


def _commendations_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                         meta: ReportMeta) -> None:
    """Totals by the recognised form (catalogue order), kind and level; a form the rules book
    does not know is a group of its own, as typed, after the catalogue's."""
    sheet = workbook.add_worksheet(F.SHEET_COMMENDATIONS)
    columns = COMMENDATION_COLUMNS
    header_row = header_block(sheet, styles, "TỔNG HỢP KHEN THƯỞNG TRONG KỲ", meta,
                              [c.width for c in columns])
    groups = group_commendations(result.counted_books, rules)
    totals = columns[:-1]  # the last column is the detail table's "Dòng nguồn"
    rows = [[i, g.form, g.kind, g.level, g.collectives, g.individuals, len(g.files),
             "; ".join(sorted(g.typed)), g.code if g.code else Styled("?", "warning")]
            for i, g in enumerate(groups, start=1)]
    last = write_table(sheet, styles, header_row, totals, rows)
    sheet.set_column(len(totals), len(totals), columns[-1].width)
    first = header_row + 1
    total_r = last + 1
    sheet.merge_range(total_r, 0, total_r, 3, L.TOTAL, styles.total_label)
    sum_cell(sheet, total_r, 4, first, last, sum(g.collectives for g in groups), styles)
    sum_cell(sheet, total_r, 5, first, last, sum(g.individuals for g in groups), styles)
    for c in (6, 7, 8):
        sheet.write_blank(total_r, c, None, styles.total)
    widths = [c.width for c in columns]
    detail_title = total_r + 3
    detail_header = write_commendation_detail(sheet, styles, result, detail_title, widths)
    # The detail table runs over pages, the totals rarely: the detail's header is the one
    # repeated (a page prints it only after the row itself, so page 1 keeps the totals' own);
    # its caption and header stay with its first line.
    keep_with_next(sheet, detail_title, detail_header + 1, widths,
                   (detail_header, detail_header))
    print_setup(sheet, detail_header, detail_header)


QUOTA_COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("unit", F.INFO_LABELS["unit"], 22, wrap=True),
    Column("title", L.TITLE, 22, wrap=True), Column("quota", L.QUOTA_ID, 11),
    Column("share", L.MAX_SHARE, 10, "center"), Column("base", L.BASE, 8, "int"),
    Column("limit", L.LIMIT, 8, "int"), Column("counted", L.COUNTED, 8, "int"),
    Column("headroom", L.HEADROOM, 10, "int"), Column("verdict", L.RESULT, 13),
    Column("source", L.SOURCE, 36, wrap=True),
    # a per-cluster limit stays per cluster up the levels (addin.io.report_input)
    Column("cluster", F.INFO_LABELS["cluster"], 16, wrap=True))


def _quota_sheet(workbook: Workbook, styles: Styles, result: ClusterResult, rules: Rules,
                 meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet(L.SHEET_QUOTAS)
    columns = QUOTA_COLUMNS
    widths = [c.width for c in columns]
    header_row = header_block(sheet, styles, "KIỂM TRA TỶ LỆ XÉT TẶNG (HẠN MỨC)", meta, widths)
    checks = [c for c in result.quota_checks if c.unit is not None] + [
        c for c in result.quota_checks if c.unit is None]
    sources = {q.id: q for q in rules.quotas}
    rows = []
    for i, check in enumerate(checks, start=1):
        quota = sources[check.quota_id]
        share = (format_ratio(check.max_share) if check.max_share is not None
                 else f"tối đa {check.max_count}")
        rows.append([
            i, check.unit if check.unit is not None else Styled(L.CLUSTER_WIDE, "total_label"),
            rules.title(check.title).name, check.quota_id, share, check.base, check.limit,
            check.counted, check.headroom,
            Styled(L.QUOTA_VERDICT[check.ok], "bad" if check.ok is False else "cell"),
            quota.source + ("" if quota.verified else f" — {L.TO_CHECK}"), check.cluster])
    last = write_table(sheet, styles, header_row, columns, rows)
    row = write_notes(sheet, styles, last + 2, quota_counts_note(
        rules, (c.quota_id for c in checks)), widths)
    signature_block(sheet, styles, row + 1 if row > last + 2 else row, widths,
                    Signers.of(meta.details, L.CHAIR), (header_row, header_row))
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)


ISSUE_COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("unit", F.INFO_LABELS["unit"], 18, wrap=True),
    Column("file", L.FILE, 24, wrap=True), Column("sheet", L.SHEET, 10, wrap=True),
    Column("row", L.ROW, 6, "int"), Column("column", L.COLUMN, 5, "center"),
    Column("code", L.ISSUE_CODE, 20, wrap=True), Column("severity", L.SEVERITY_HEADER, 9),
    Column("message", L.MESSAGE, 56, wrap=True))


def _issues_sheet(workbook: Workbook, styles: Styles, result: ClusterResult,
                  meta: ReportMeta) -> None:
    sheet = workbook.add_worksheet(L.SHEET_ISSUES)
    columns = ISSUE_COLUMNS
    header_row = header_block(sheet, styles, "KẾT QUẢ KIỂM TRA SỐ LIỆU", meta,
                              [c.width for c in columns])
    unit_of = {f.book.path: f.book.info.unit for f in result.files}
    issues = result.issues
    severity_style = {"error": "error", "warning": "warning"}
    rows = [[i, unit_of.get(issue.file or "", ""), issue.file or L.WHOLE_CLUSTER_FILE,
             issue.sheet, issue.row, issue.column, str(issue.code),
             Styled(L.SEVERITY[issue.severity], severity_style.get(issue.severity, "cell")),
             issue.message] for i, issue in enumerate(issues, start=1)]
    write_table(sheet, styles, header_row, columns, rows)
    if issues:
        sheet.autofilter(header_row, 0, header_row + len(issues), len(columns) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    print_setup(sheet, header_row, header_row)


SOURCE_COLUMNS = (
    Column("seq", "STT", 5, "center"), Column("file", L.FILE, 24, wrap=True),
    Column("unit", F.INFO_LABELS["unit"], 18, wrap=True),
    Column("period", F.INFO_LABELS["period"], 12, wrap=True),
    Column("sha256", L.DIGEST, 18, wrap=True), Column("rows_read", L.ROWS_READ, 7, "int"),
    Column("individuals", F.SHEET_INDIVIDUALS, 7, "int"),
    Column("collectives", F.SHEET_COLLECTIVES, 7, "int"),
    Column("commendations", F.SHEET_COMMENDATIONS, 8, "int"),
    Column("written", "Dòng trong báo cáo", 8, "int"), Column("match", "Đối chiếu", 9),
    Column("status", L.FILE_STATE, 11, wrap=True), Column("errors", "Số lỗi", 6, "int"),
    Column("warnings", "Số cảnh báo", 7, "int"), Column("skipped", L.ROWS_SKIPPED, 7, "int"))


# The facts' columns (written by addin.io.report_chain in cells that do not wrap).
FACT_WIDTH = {F.INFO_LABELS["cluster"]: 18, F.INFO_LABELS["prepared_by"]: 18,
              F.INFO_LABELS["prepared_on"]: 11}


def _sources_sheet(workbook: Workbook, styles: Styles, result: ClusterResult,
                   meta: ReportMeta, written_by_file: Counter[str]) -> None:
    sheet = workbook.add_worksheet(L.SHEET_SOURCES)
    # then what the next level reads back (addin.io.report_chain)
    columns = SOURCE_COLUMNS + tuple(Column(h, h, FACT_WIDTH.get(h, 9)) for h in unit_fact_headers())
    header_row = header_block(sheet, styles, "CÁC TỆP ĐÃ ĐỌC", meta,
                              [c.width for c in SOURCE_COLUMNS])  # the printed columns
    write_header(sheet, styles, header_row, columns)
    facts_c = len(SOURCE_COLUMNS)
    for r, status in enumerate(result.files, start=header_row + 1):
        book = status.book
        counted = status.counted
        written = written_by_file[book.path] if counted else 0
        if counted:
            agrees = written + book.rows_skipped == book.rows_read
            match = Styled(L.MATCH if agrees else L.MISMATCH, "ok" if agrees else "bad")
        else:
            match = Styled(L.NOT_COUNTED, "cell")
        write_cells(sheet, styles, r, SOURCE_COLUMNS, [
            r - header_row, book.path, book.info.unit, book.info.period, book.sha256,
            book.rows_read, len(book.individuals), len(book.collectives),
            len(book.commendations), written, match,
            Styled(L.FILE_STATUS[status.status], "cell" if status.status == "ok" else "warning"),
            sum(1 for i in status.issues if i.severity == "error"),
            sum(1 for i in status.issues if i.severity == "warning"), book.rows_skipped])
        write_unit_facts(sheet, styles, r, facts_c, book)
    sheet.freeze_panes(header_row + 1, 2)
    print_setup(sheet, header_row, header_row)
    # The unit facts are the next level's to read back, not the signer's: they stay off the
    # page, which prints the files' own columns at 9 pt (all 21 printed at 6.5 pt).
    print_columns(sheet, header_row, header_row + len(result.files), facts_c - 1)


def cluster_report_bytes(result: ClusterResult, rules: Rules, meta: ReportMeta,
                         live: LiveRanking | None = None, ahead: bool = True) -> bytes:
    """The cluster summary workbook as .xlsx bytes: same inputs, same bytes. `live`: the
    template's "Giao ước" and live ranking instead of the computed "Xếp hạng". `ahead`: a
    large report's rows may be made in a forked child meanwhile (no gain where every core is
    busy with other clusters)."""
    buffer = io.BytesIO()
    title = ("Mẫu báo cáo tổng hợp thi đua, khen thưởng của cụm" if live is not None
             else f"Báo cáo tổng hợp thi đua — {meta.cluster} — {meta.period}")
    workbook = new_workbook(buffer, title, template=live is not None)
    styles = Styles(workbook)
    summary = workbook.add_worksheet(L.SHEET_SUMMARY)  # first sheet; filled once rows are known
    bulks = [_nominations_sheet(workbook, styles, result, "individual", meta),
             _nominations_sheet(workbook, styles, result, "collective", meta)]
    # A large report's rows are made and deflated in a forked child meanwhile (fast_rows).
    with deflate_ahead(workbook, bulks if ahead else ()) as early:
        written = _written_by_file(bulks, result)
        _summary_sheet(summary, workbook, styles, result, rules, meta, written)
        _commendations_sheet(workbook, styles, result, rules, meta)
        _quota_sheet(workbook, styles, result, rules, meta)
        from addin.io.ranking_report import ranking_sheets  # "Xếp hạng" (§8) builds on this

        ranking_sheets(workbook, styles, result, rules, meta, live)
        _issues_sheet(workbook, styles, result, meta)
        _sources_sheet(workbook, styles, result, meta, written)
        from addin.io.report_scores import write_score_detail  # builds on this module

        write_score_detail(workbook, styles, result, meta)  # the units' scores, for the next level
        return splice_rows(finish(workbook, buffer), bulks, early)
