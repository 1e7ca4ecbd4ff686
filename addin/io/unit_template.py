"""The unit template (mẫu đơn vị): a workbook a staff officer fills in with no Python at all.

Vietnamese labels, dropdowns from a hidden list sheet, whole-number validation, and live
formulas for "Tỷ lệ (%)" and "Kết quả" that read each title's rule from the "Quy tắc" sheet
(written from the rules book) and decide in integer arithmetic, as the engine does. Quota lines
on "Thông tin" show each limit and the headroom left. The same writer, given data, produces
filled unit workbooks (the demo cluster and test fixtures).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain import vi_format as vi
from addin.domain.issues import Issue, make_issue
from addin.domain.models import Nomination
from addin.domain.rules import Rules, Title, format_ratio
from addin.domain.rules_text import title_conditions
from addin.domain.spellings import lookup_spellings, prefix_spellings
from addin.domain.validation import validate_nomination
from addin.io.cells import column_letter, count_why, to_count, to_text
from addin.io.covenant_file import covenant_or_sample
from addin.io.layout import HELPER_HEADERS, HISTORY_HEADER
from addin.io.print_area import area, define_print_end, rows_outside
from addin.io.scores_template import write_scores_sheet
from addin.io.sheet_spec import HEADER_MIN_PT, row_height
from addin.io.template_formulas import (
    ERROR_PREFIX,
    KIND_LABEL,
    Refs,
    count_error,
    count_errors,
    count_names,
    count_value,
    engine_result,
    literal,
    match_key,
    no_text,
    passed_count,
    row_result,
    spaces_trimmed,
    vote_denominator,
)
from addin.io.xlsx_common import FONT, Styles, finish, new_workbook, print_setup, write_as_typed, write_text

TEMPLATE_ROWS = 600  # data rows prefilled with formulas: enough for a large unit
# Last Excel row the totals, checks and entry rules cover: rows staff add below the prefilled
# ones count without formulas (a line on the sheet says when a row lies beyond it). Far more
# people than a unit has, and bounded by cost: every title's total is an array formula over rows
# 4 to this one, recalculated whatever is filled. (xlsx_common.OPEN_PRINT_ROWS, how far the blank
# cluster template's lists print, is another fact of the same size: nothing recalculates it.)
COUNTED_LAST_ROW = 10_000
# The helper column holding the row's count_errors ("Lỗi số liệu"): the totals read it too.
COUNTS_HELPER = len(HELPER_HEADERS) - 1  # the last helper (_row_formulas checks it)
# Rows a blank table prints (a filled one prints its rows): LibreOffice prints every row that
# holds a formula and ignores a print area defined by a formula, so the area is fixed here.
PRINT_BLANK_ROWS = 15
GUIDE_WIDTH = 92  # one A4 portrait page wide
INFO_WIDTHS = (30, 34, 13, 13, 13, 13, 13)  # "Thông tin": labels, values, the quota lines
HEADER_ROW = 3  # 0-based: the header is on Excel row 4, under a title, a unit line, a blank
RULES_SHEET = "Quy tắc"
LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"

RANKS = ("Binh nhì", "Binh nhất", "Hạ sĩ", "Trung sĩ", "Thượng sĩ", "Thiếu úy", "Trung úy",
         "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá", "Thượng tá", "Đại tá", "Thiếu tướng",
         "Trung tướng", "Thượng tướng", "Đại tướng", "QNCN", "CNQP", "VCQP", "CCQP", "LĐHĐ")

INDIVIDUAL_COLUMNS = ("seq", "full_name", "rank", "position", "unit", "title", "members",
                      "present", "agree", "percent", "result", "initiative", "streak", "note")
COLLECTIVE_COLUMNS = ("seq", "name", "title", "headcount", "cstt", "cstdcs", "disciplined",
                      "members", "present", "agree", "percent", "result", "note")
COMMENDATION_COLUMNS = ("seq", "form", "kind", "level", "collectives", "individuals", "note")
COLUMN_WIDTHS = {"seq": 5, "full_name": 24, "name": 28, "rank": 11, "position": 14, "unit": 16,
                 "title": 24, "members": 10, "present": 9, "agree": 10, "percent": 9,
                 "result": 10, "initiative": 28, "streak": 10, "note": 18, "headcount": 9,
                 "cstt": 9, "cstdcs": 9, "disciplined": 9, "form": 34, "kind": 14,
                 "level": 12, "collectives": 10, "individuals": 10}

# Columns of the "Quy tắc" sheet: (key, header). A person reads a title's name, kind and
# conditions in words; the formulas read the code and the integer twins of each rule (exact
# arithmetic), kept after them, hidden and not printed. Formulas reach every column by its
# defined name (rule_name), so the order is free.
RULE_COLUMNS = (
    ("name", "Danh hiệu"), ("kind", "Loại"), ("conditions", "Điều kiện xét tặng"),
    ("source", "Nguồn"), ("verified", "Kiểm chứng"),
    ("code", "Mã"), ("th_num", "Ngưỡng (tử)"), ("th_den", "Ngưỡng (mẫu)"),
    ("strict", "Trên hẳn (1/0)"), ("of_members", "Mẫu số là tổng số (1/0)"),
    ("q_num", "Túc số (tử)"), ("q_den", "Túc số (mẫu)"), ("initiative", "Cần sáng kiến (1/0)"),
    ("streak", "Số năm liên tục tối thiểu"), ("has_criteria", "Có tiêu chuẩn tập thể (1/0)"),
    ("c_num", "Tỷ lệ CSTT (tử)"), ("c_den", "Tỷ lệ CSTT (mẫu)"),
    ("c_strict", "CSTT trên hẳn (1/0)"), ("c_cstdcs", "CSTĐCS tối thiểu"),
    ("c_disc", "Kỷ luật tối đa"),
)
_RULE_COL = {key: i for i, (key, _) in enumerate(RULE_COLUMNS)}
# "No upper bound" as the formulas compare it (a count never reaches it); shown as the words.
NO_LIMIT = 999_999
_RULE_SHOWN = ("name", "kind", "conditions", "source", "verified")
_RULE_HIDDEN = tuple(key for key, _ in RULE_COLUMNS if key not in _RULE_SHOWN)
_RULE_WIDTH = {"name": 22, "kind": 8, "conditions": 64, "source": 44, "verified": 13}
_RULE_WRAP = ("name", "conditions", "source", "verified")


def rule_name(key: str) -> str:
    """Defined name of a column of the rules sheet, e.g. QT_TH_NUM."""
    return f"QT_{key.upper()}"


@dataclass
class UnitData:
    """Values to put in a filled unit workbook (raw: text where staff typed text)."""

    info: Mapping[str, Any] = field(default_factory=dict)
    individuals: Sequence[Mapping[str, Any]] = ()
    collectives: Sequence[Mapping[str, Any]] = ()
    commendations: Sequence[Mapping[str, Any]] = ()
    scores: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> self, cluster…


def _rule_row(rules: Rules, title: Title) -> dict[str, Any]:
    vote, criteria = title.vote, title.criteria
    return {
        "code": title.code, "name": title.name, "kind": KIND_LABEL[title.kind],
        "conditions": title_conditions(rules, title),
        "th_num": vote.threshold.numerator, "th_den": vote.threshold.denominator,
        "strict": int(vote.comparison == ">"), "of_members": int(vote.denominator == "members"),
        "q_num": vote.quorum.numerator, "q_den": vote.quorum.denominator,
        "initiative": int(title.requires_initiative), "streak": title.min_streak or 0,
        "has_criteria": int(criteria is not None),
        "c_num": criteria.min_cstt_share.numerator if criteria else 0,
        "c_den": criteria.min_cstt_share.denominator if criteria else 1,
        "c_strict": int(criteria.comparison == ">") if criteria else 0,
        "c_cstdcs": criteria.min_cstdcs if criteria else 0,
        "c_disc": (criteria.max_disciplined if criteria and criteria.max_disciplined is not None
                   else NO_LIMIT),
        "source": title.vote.source, "verified": L.VERIFIED if vote.verified else L.UNVERIFIED,
    }


def _write_rules_sheet(workbook: Workbook, styles: Styles, rules: Rules) -> None:
    sheet = workbook.add_worksheet(RULES_SHEET)
    no_limit = workbook.add_format({"font_name": FONT, "border": 1, "valign": "vcenter",
                                    "num_format": f'[>={NO_LIMIT}]"{L.NO_LIMIT}";0'})
    end = len(RULE_COLUMNS) - 1  # across every column: the hidden ones take no width
    sheet.merge_range(0, 0, 0, end, f"QUY TẮC BÌNH XÉT — {vi.rules_book_name(rules)}",
                      styles.title)
    sheet.merge_range(1, 0, 1, end, "Trang này được tạo từ bộ quy tắc; không sửa tay. Các cột "
                      "ẩn bên phải ghi cùng quy tắc dưới dạng số nguyên để công thức tính chính "
                      "xác.", styles.subtitle)
    widths = []
    for c, (key, header) in enumerate(RULE_COLUMNS):
        sheet.write_string(3, c, header, styles.header)
        width = _RULE_WIDTH.get(key, 9)
        sheet.set_column(c, c, width, None, {"hidden": key in _RULE_HIDDEN})
        widths.append(0 if key in _RULE_HIDDEN else width)
    sheet.set_row(3, row_height(((h, w) for (_, h), w in zip(RULE_COLUMNS, widths, strict=True)
                                 if w), 32.0))
    titles = list(rules.titles.values())
    for r, title in enumerate(titles, start=4):
        values = _rule_row(rules, title)
        for key, c in _RULE_COL.items():
            value = values[key]
            if isinstance(value, int):
                sheet.write_number(r, c, value, no_limit if key == "c_disc" else styles.cell)
            else:
                sheet.write_string(r, c, str(value), styles.cell_wrap)
        sheet.set_row(r, row_height((str(values[k]), _RULE_WIDTH[k]) for k in _RULE_WRAP))
    first, last = 5, 4 + len(titles)
    for key, c in _RULE_COL.items():
        col = column_letter(c)
        workbook.define_name(rule_name(key), f"='{RULES_SHEET}'!${col}${first}:${col}${last}")
    sheet.freeze_panes(4, 1)
    sheet.protect("", {"format_columns": True})
    print_setup(sheet, 3, 3)
    sheet.fit_to_pages(1, 1)  # a reference page: every title on one sheet of paper


def _list_values(rules: Rules) -> dict[str, list[str]]:
    """Dropdown lists, one column each on the hidden list sheet."""
    return {
        "individual": [t.name for t in rules.titles.values() if t.kind == "individual"],
        "collective": [t.name for t in rules.titles.values() if t.kind == "collective"],
        "rank": list(RANKS),
        "kind": list(F.COMMENDATION_KINDS),
        "level": list(F.COMMENDATION_LEVELS),
        "form": [f.name for f in rules.forms.values()],
    }


def _list_refs(lists: dict[str, list[str]]) -> dict[str, str]:
    refs = {}
    for c, (key, values) in enumerate(lists.items()):
        col = column_letter(c)
        refs[key] = f"='{LISTS_SHEET}'!${col}$2:${col}${len(values) + 1}"
    return refs


@dataclass(frozen=True)
class _Lookup:
    """Where the hidden list sheet keeps the title spellings (one block per title), the
    prefixes, and the count of passing rows per title that the quota lines add up."""

    spellings: list[tuple[str, str]]
    prefixes: list[tuple[str, str]]
    column: int  # first column: spelling, code, (blank), prefix, code, (blank), title, passed

    def ref(self, offset: int, first: int, last: int) -> str:
        col = column_letter(self.column + offset)
        return f"'{LISTS_SHEET}'!${col}${first + 2}:${col}${last + 2}"

    def block(self, pairs: list[tuple[str, str]], offset: int, code: str) -> str | None:
        rows = [i for i, (_, c) in enumerate(pairs) if c == code]
        return self.ref(offset, rows[0], rows[-1]) if rows else None

    def passed_cell(self, rules: Rules, code: str) -> str:
        row = list(rules.titles).index(code) + 2
        return f"'{LISTS_SHEET}'!${column_letter(self.column + 7)}${row}"


def _lookup(rules: Rules, lists: dict[str, list[str]]) -> _Lookup:
    return _Lookup(lookup_spellings(rules), prefix_spellings(rules), len(lists) + 1)


def _is_title(lookup: _Lookup, code: str, title: str) -> str:
    """Per row of `title` (a cell or a column range): 1 when the sheet reads it as `code`,
    an exact spelling first, else a prefix ("Cờ thi đua của Quân khu 5") — as the engine."""
    exact = lookup.block(lookup.spellings, 0, code)
    found = f"ISNUMBER(MATCH({match_key(title)},{exact},0))" if exact else "0"
    prefixes = lookup.block(lookup.prefixes, 3, code)
    if prefixes:
        found += (f'+ISNA(MATCH({match_key(title)},QT_SPELLING,0))*(MMULT(--(LEFT('
                  f'{spaces_trimmed(title)}&" ",TRANSPOSE(LEN({prefixes}))+1)=TRANSPOSE('
                  f'{prefixes}&" ")),ROW({prefixes})^0)>0)')
    return f"({found})"


def _is_any_title(lookup: _Lookup, title: str) -> str:
    """Per row: 1 when the sheet reads the text as some title."""
    found = f"ISNUMBER(MATCH({match_key(title)},QT_SPELLING,0))"
    if lookup.prefixes:
        found += (f'+(MMULT(--(LEFT({spaces_trimmed(title)}&" ",TRANSPOSE(LEN(QT_PREFIX))+1)='
                  f'TRANSPOSE(QT_PREFIX&" ")),ROW(QT_PREFIX)^0)>0)')
    return f"({found})"


def _table_of(kind: str) -> tuple[str, Sequence[str]]:
    return ((F.SHEET_INDIVIDUALS, INDIVIDUAL_COLUMNS) if kind == "individual"
            else (F.SHEET_COLLECTIVES, COLLECTIVE_COLUMNS))


def _column_refs(kind: str) -> Refs:
    """The data columns of a table as ranges, from its header row to COUNTED_LAST_ROW: a row
    inserted anywhere below the header is inside them."""
    sheet, columns = _table_of(kind)

    def cell(key: str) -> str:
        col = column_letter(columns.index(key))
        return f"'{sheet}'!${col}${HEADER_ROW + 1}:${col}${COUNTED_LAST_ROW}"

    return Refs(kind, columns, cell, lambda key: key, named=True)


def title_passed_formula(rules: Rules, lookup: _Lookup, code: str) -> str:
    """Array formula: how many rows of the title's sheet name `code` and pass, read from the
    raw columns (a row without formulas counts too)."""
    kind = rules.title(code).kind
    columns = _column_refs(kind)
    where = f"MATCH({literal(code)},QT_CODE,0)"
    sheet, _ = _table_of(kind)
    check = column_letter(len(columns.columns) + COUNTS_HELPER)
    refs = Refs(kind, columns.columns, columns.cell,
                lambda key: f"INDEX({rule_name(key)},{where})", named=True,
                checked=f"'{sheet}'!${check}${HEADER_ROW + 1}:${check}${COUNTED_LAST_ROW}")
    return passed_count(refs, _is_title(lookup, code, columns.cell("title")))


def _write_lists_sheet(workbook: Workbook, lists: dict[str, list[str]], rules: Rules,
                       lookup: _Lookup) -> None:
    sheet = workbook.add_worksheet(LISTS_SHEET)
    for c, (key, values) in enumerate(lists.items()):
        sheet.write_string(0, c, key)
        for r, value in enumerate(values, start=1):
            sheet.write_string(r, c, value)
    first = lookup.column
    columns = (("spelling", "code", lookup.spellings, "QT_SPELLING"),
               ("prefix", "code", lookup.prefixes, "QT_PREFIX"))
    for offset, (head, code_head, pairs, name) in zip((0, 3), columns, strict=True):
        sheet.write_string(0, first + offset, head)
        sheet.write_string(0, first + offset + 1, code_head)
        for r, (spelling, code) in enumerate(pairs, start=1):
            sheet.write_string(r, first + offset, spelling)
            sheet.write_string(r, first + offset + 1, code)
        if pairs:
            workbook.define_name(name, "=" + lookup.ref(offset, 0, len(pairs) - 1))
            workbook.define_name(f"{name}_CODE", "=" + lookup.ref(offset + 1, 0, len(pairs) - 1))
    sheet.write_string(0, first + 6, "title")
    sheet.write_string(0, first + 7, "passed")
    for r, code in enumerate(rules.titles, start=1):
        sheet.write_string(r, first + 6, code)
        sheet.write_array_formula(r, first + 7, r, first + 7,
                                  "{" + title_passed_formula(rules, lookup, code) + "}", None, 0)
    sheet.hide()
    sheet.protect("")


def _write_guide(workbook: Workbook, styles: Styles, rules: Rules) -> None:
    sheet = workbook.add_worksheet(GUIDE_SHEET)
    sheet.set_column(0, 0, GUIDE_WIDTH)
    lines = [
        ("HƯỚNG DẪN NHẬP MẪU BÁO CÁO THI ĐUA, KHEN THƯỞNG CỦA ĐƠN VỊ", styles.title),
        ("", None),
        ("1. Trang “Thông tin”: nhập tên đơn vị, cụm thi đua, kỳ báo cáo (vd. “Năm 2024”, "
         "“6 tháng đầu năm 2024”), quân số và số đầu mối. Các dòng hạn mức bên dưới tự tính số "
         "được đề nghị tối đa và số còn được đề nghị.", styles.wrap),
        ("2. Trang “Cá nhân”: mỗi người một dòng, chọn danh hiệu trong danh sách. Nhập tổng số "
         "thành viên Hội đồng, số có mặt và số phiếu đồng ý (số nguyên). Cột “Tỷ lệ (%)” và "
         "“Kết quả” tự tính theo quy tắc của danh hiệu (trang “Quy tắc”).", styles.wrap),
        ("3. Chiến sĩ thi đua cơ sở trở lên phải ghi sáng kiến, đề tài. Chiến sĩ thi đua toàn "
         "quân, toàn quốc phải ghi số năm liên tục đạt danh hiệu trước đó.", styles.wrap),
        ("4. Trang “Tập thể”: mỗi tập thể một dòng; nhập quân số, số đạt CSTT trở lên, số đạt "
         "CSTĐCS, số bị kỷ luật từ cảnh cáo trở lên và kết quả bỏ phiếu. Danh hiệu xét cùng "
         "(vd. Đơn vị Quyết thắng và Đơn vị huấn luyện giỏi) ghi mỗi danh hiệu một dòng.",
         styles.wrap),
        ("5. Trang “Khen thưởng”: các hình thức khen thưởng đã thực hiện trong kỳ, số tập thể "
         "và số cá nhân được khen.", styles.wrap),
        ("6. Chỉ nhập vào ô màu vàng. Ô màu xám là công thức, đã được khóa (bảo vệ trang không "
         "đặt mật khẩu). Không đổi tên trang, không xóa dòng tiêu đề.", styles.wrap),
        ("7. “Kết quả” = Đạt khi: đủ túc số dự họp, số phiếu đồng ý đạt ngưỡng của danh hiệu "
         "(tính chính xác, không làm tròn), số liệu hợp lệ và đủ điều kiện của danh hiệu. Tỷ lệ "
         "hiển thị làm tròn 2 chữ số thập phân.", styles.wrap),
        ("8. Trang “Chấm điểm”: chấm từng tiêu chí theo giao ước thi đua của cụm (ô màu vàng, "
         "từ 0 đến điểm tối đa, theo bước điểm của giao ước); điểm trừ ghi số dương. Tổng điểm "
         "tự tính, điểm cộng và điểm trừ không vượt mức tối đa.", styles.wrap),
        (f"9. Khi in: mỗi danh sách in sẵn {PRINT_BLANK_ROWS} dòng trống; mẫu do tdkt điền in "
         "đúng các dòng đã có. Nhập nhiều dòng hơn thì dòng 3 của trang (cả trên bản in) báo "
         "“N dòng nằm ngoài vùng in”: bấm Kiểm tra (thẻ TĐKT) để vùng in gồm đủ danh sách, "
         "hoặc chọn Page Layout › Print Area › Clear Print Area (Bố trí Trang › Vùng In › Xóa "
         "Vùng In) trước khi in. Chỉ Kiểm tra tắt dòng báo; đã xóa vùng in thì vẫn in đủ.",
         styles.wrap),
        (f"Bộ quy tắc: {vi.rules_book_name(rules)}. {rules.note}", styles.wrap),
    ]
    for r, (text, fmt) in enumerate(lines):
        if text:
            sheet.write_string(r, 0, text, fmt)
            sheet.set_row(r, row_height([(text, GUIDE_WIDTH * (0.8 if r == 0 else 1.0))]))
    sheet.protect("")
    print_setup(sheet, 0, 0)
    sheet.set_portrait()


def _write_info(workbook: Workbook, styles: Styles, rules: Rules, data: UnitData,
                lookup: _Lookup) -> None:
    sheet = workbook.add_worksheet(F.SHEET_INFO)
    for c, width in enumerate(INFO_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.merge_range(0, 0, 0, 6, "THÔNG TIN BÁO CÁO THI ĐUA, KHEN THƯỞNG", styles.title)
    info_rows: dict[str, int] = {}
    for r, (key, label) in enumerate(F.INFO_LABELS.items(), start=2):
        info_rows[key] = r
        sheet.write_string(r, 0, label, styles.label)
        value = data.info.get(key)
        if key in F.INFO_INTEGERS:
            number, _ = to_count(value)
            if value is None or value == "":
                sheet.write_blank(r, 1, None, styles.input_int)
            elif number is None:
                sheet.write_string(r, 1, str(value), styles.input_int)
            else:
                sheet.write_number(r, 1, number, styles.input_int)
            sheet.data_validation(r, 1, r, 1, {
                "validate": "integer", "criteria": ">=", "value": 0,
                "input_title": label, "input_message": "Nhập số nguyên ≥ 0",
                "error_title": "Số không hợp lệ", "error_message": f"{label} phải là số nguyên ≥ 0."})
        else:
            write_text(sheet, r, 1, value, styles.input)
    sheet.data_validation(info_rows["period"], 1, info_rows["period"], 1, {
        "validate": "any", "input_title": "Kỳ báo cáo",
        "input_message": "Vd.: Năm 2024; 6 tháng đầu năm 2024; Giai đoạn 2019–2024"})
    _write_quota_lines(sheet, styles, rules, len(F.INFO_LABELS) + 3, lookup)
    sheet.protect("", {"format_columns": True})
    print_setup(sheet, 0, 0)


def _passed_sum(rules: Rules, lookup: _Lookup, codes: Sequence[str]) -> str:
    """Passing rows of the titles, from the per-title counts over the raw columns."""
    return "+".join(lookup.passed_cell(rules, code) for code in codes) or "0"


def _write_quota_lines(sheet: Worksheet, styles: Styles, rules: Rules, start: int,
                       lookup: _Lookup) -> None:
    headers = ("Hạn mức xét tặng (tự tính)", L.MAX_SHARE, "Cơ sở tính", L.BASE, L.LIMIT,
               L.COUNTED, L.HEADROOM)
    for c, header in enumerate(headers):
        sheet.write_string(start, c, header, styles.header)
    # "Còn được đề nghị" takes two lines in its column: the row grows for it
    sheet.set_row(start, row_height(zip(headers, INFO_WIDTHS, strict=True), HEADER_MIN_PT))
    quotas = rules.active_quotas("unit")
    for r, quota in enumerate(quotas, start=start + 1):
        title = rules.title(quota.title)
        sheet.write_string(r, 0, f"{title.name} ({quota.id})", styles.cell)
        sheet.write_string(r, 1, format_ratio(quota.max_share) if quota.max_share is not None
                           else f"tối đa {quota.max_count}", styles.center)
        if quota.base in ("headcount", "subunits"):
            base_label = F.INFO_LABELS[quota.base]
            value = info_value(quota.base)
            # As the reader takes "Quân số": a count, or text of digits only; else no base.
            base_formula = (f'=IFERROR(IF(({count_error(value)}>0)+({no_text(value)}),"",'
                            f'{count_value(value)}),"")')
        elif quota.base == "titles":
            base_label = "Số đạt " + ", ".join(quota.base_titles)
            base_formula = "=" + _passed_sum(rules, lookup, quota.base_titles)
        else:
            base_label, base_formula = "—", '=""'
        sheet.write_string(r, 2, base_label, styles.cell)
        sheet.write_formula(r, 3, base_formula, styles.formula_int, "")
        excel_r = r + 1
        if quota.max_count is not None:
            limit = f"={quota.max_count}"
        else:
            assert quota.max_share is not None
            num, den = quota.max_share.numerator, quota.max_share.denominator
            core = f"D{excel_r}*{num}/{den}"
            rounded = f"ROUND({core},0)" if quota.rounding == "half_up" else f"INT({core})"
            limit = f'=IF(D{excel_r}="","",{rounded})'
        sheet.write_formula(r, 4, limit, styles.formula_int, "")
        sheet.write_formula(r, 5, "=" + _passed_sum(rules, lookup, quota.counts),
                            styles.formula_int, 0)
        sheet.write_formula(r, 6, f'=IF(E{excel_r}="","",E{excel_r}-F{excel_r})',
                            styles.formula_int, "")
    sheet.conditional_format(start + 1, 6, start + len(quotas), 6, {
        "type": "cell", "criteria": "<", "value": 0, "format": styles.bad})


# ----------------------------------------------------------------------------------------------
def info_value(key: str) -> str:
    """A "Thông tin" value found by its label in column A, wherever staff moved the row."""
    sheet = F.SHEET_INFO
    return (f"INDEX('{sheet}'!$B:$B,MATCH(\"{F.INFO_LABELS[key]}\",'{sheet}'!$A:$A,0))")


def _row_formulas(kind: str, columns: Sequence[str], n: int, lookup: _Lookup) -> dict[str, str]:
    """Formulas of one data row (Excel row n): helper code, rule row, denominator, share, result.

    The result is template_formulas.row_result, the same checks the totals count with; it
    mirrors addin.domain.validation.validate_nomination: the engine and the sheet must agree.
    """
    col = {key: column_letter(i) for i, key in enumerate(columns)}
    helper = len(columns)
    code, rrow, den, counts = (column_letter(helper + i) for i in range(len(HELPER_HEADERS)))
    assert counts == column_letter(helper + COUNTS_HELPER)

    def q(key: str) -> str:
        return f"INDEX({rule_name(key)},{rrow}{n})"

    t, a = f"{col['title']}{n}", f"{col['agree']}{n}"
    by_prefix = (f'LOOKUP(2,1/(LEFT({spaces_trimmed(t)}&" ",LEN(QT_PREFIX)+1)=QT_PREFIX&" "),'
                 f"QT_PREFIX_CODE)" if lookup.prefixes else '"?"')
    refs = Refs(kind, columns, lambda key: f"{col[key]}{n}", q, f"{den}{n}")
    formulas = {
        "_code": f'=IF({spaces_trimmed(t)}="","",IFERROR(INDEX(QT_SPELLING_CODE,'
                 f'MATCH({match_key(t)},QT_SPELLING,0)),IFERROR({by_prefix},"?")))',
        "_row": f'=IFERROR(MATCH({code}{n},QT_CODE,0),0)',
        "_den": f'=IF({rrow}{n}=0,"",{vote_denominator(refs)})',
        "_counts": count_errors(refs),
        "percent": f'=IF(OR({t}="",{rrow}{n}=0),"",IF(OR({q("kind")}<>"{KIND_LABEL[kind]}",'
                   f'NOT(ISNUMBER({den}{n})),N({den}{n})<=0),"",'
                   f'ROUND({count_value(a)}/{den}{n}*100,2)))',
    }
    formulas["result"] = row_result(refs, f"{rrow}{n}>0", f'{q("kind")}="{KIND_LABEL[kind]}"', t,
                                     f"{counts}{n}")
    return formulas


def _engine_values(kind: str, values: Mapping[str, Any], rules: Rules) -> tuple[Any, str]:
    """Cached values for the formula cells, computed by the engine (so readers that do not
    recalculate see the right numbers)."""
    given: dict[str, Any] = {}
    issues: list[Issue] = []
    invalid: set[str] = set()
    for key, value in values.items():
        if key in F.COUNT_FIELDS:
            number, problem = to_count(value)
            given[key] = number
            if problem:  # as the reader reports it
                labels = F.INDIVIDUAL_LABELS if kind == "individual" else F.COLLECTIVE_LABELS
                issues.append(make_issue(problem, f'"{labels.get(key, key)}"',
                                         why=count_why(value, problem)))
                invalid.add(key)
        elif key in ("full_name", "name"):
            given["name"] = to_text(value)[0]
        elif key == "title":
            given["title_text"] = to_text(value)[0]
        elif key in ("initiative",):
            given["initiative"] = to_text(value)[0]
    if not given.get("title_text"):
        return "", ""
    nom = validate_nomination(Nomination(kind=kind, file="", sheet="", row=0,  # type: ignore[arg-type]
                                         issues=tuple(issues), invalid=frozenset(invalid),
                                         **given), rules)
    percent = "" if nom.percent is None else nom.percent
    return percent, engine_result(nom)


# Text columns whose long values wrap inside the cell (printed whole, never cut).
WRAPPED_INPUTS = ("full_name", "name", "rank", "position", "unit", "title", "initiative", "note",
                  "form")


def _write_value(sheet: Worksheet, r: int, c: int, key: str, value: Any, styles: Styles) -> None:
    # A count's cell has no number format of its own (styles.input, General, not input_int's
    # "0"): TRUE typed in it keeps its boolean format in LibreOffice, so the row's count check
    # (template_formulas.count_error, ISLOGICAL) refuses it as Excel and the engine do; under
    # "0" LibreOffice stores it as the number 1 and no formula tells it apart. (General also
    # shows a 7,5 typed as 7,5, not as 8.) The blank count cells of _write_table likewise.
    if key in F.COUNT_FIELDS:
        write_as_typed(sheet, r, c, value, styles.input)
    elif key == "seq":
        write_as_typed(sheet, r, c, value, styles.input_int)
    else:
        write_text(sheet, r, c, value, styles.input_wrap if key in WRAPPED_INPUTS else styles.input)


def _write_table(workbook: Workbook, styles: Styles, rules: Rules, sheet_name: str, title: str,
                 kind: str | None, columns: Sequence[str], labels: Mapping[str, str],
                 rows: Sequence[Mapping[str, Any]], lists: dict[str, str], cached: bool,
                 lookup: _Lookup) -> None:
    sheet = workbook.add_worksheet(sheet_name)
    last_col = len(columns) - 1
    sheet.merge_range(0, 0, 0, last_col, title, styles.title)
    sheet.merge_range(1, 0, 1, last_col, "", styles.subtitle)
    sheet.write_formula(1, 0, f'="Đơn vị: "&IFERROR({info_value("unit")},"")&"  —  Kỳ: "'
                        f'&IFERROR({info_value("period")},"")',
                        styles.subtitle, "")
    sheet.set_row(HEADER_ROW, 32)
    for c, key in enumerate(columns):
        sheet.write_string(HEADER_ROW, c, labels[key], styles.header)
        sheet.set_column(c, c, COLUMN_WIDTHS.get(key, 12))
    formula_keys = ("percent", "result")
    if kind:
        for i, header in enumerate(HELPER_HEADERS):
            sheet.write_string(HEADER_ROW, len(columns) + i, header, styles.header)
        sheet.set_column(len(columns), len(columns) + len(HELPER_HEADERS) - 1, 10, None,
                         {"hidden": True})
    first = HEADER_ROW + 1
    n_rows = max(TEMPLATE_ROWS, len(rows))
    for i in range(n_rows):
        r = first + i
        values = rows[i] if i < len(rows) else {}
        for c, key in enumerate(columns):
            if kind and key in formula_keys:
                continue
            if key in values:
                _write_value(sheet, r, c, key, values[key], styles)
            else:
                sheet.write_blank(r, c, None, styles.input if key in F.COUNT_FIELDS
                                  else styles.input_wrap if key in WRAPPED_INPUTS
                                  else styles.input)
        if kind:
            formulas = _row_formulas(kind, columns, r + 1, lookup)
            percent, result = (_engine_values(kind, values, rules) if values and cached
                               else ("", ""))
            helper = len(columns)
            sheet.write_formula(r, helper, formulas["_code"], styles.formula, "")
            sheet.write_formula(r, helper + 1, formulas["_row"], styles.formula, 0)
            sheet.write_formula(r, helper + 2, formulas["_den"], styles.formula, "")
            sheet.write_formula(r, helper + 3, formulas["_counts"], styles.formula, "")
            sheet.write_formula(r, columns.index("percent"), formulas["percent"],
                                styles.formula_pct, percent)
            sheet.write_formula(r, columns.index("result"), formulas["result"], styles.formula,
                                result)
            if kind == "individual":
                _write_history_cell(sheet, r, helper + len(HELPER_HEADERS), columns, styles)
    last = max(first + n_rows, COUNTED_LAST_ROW) - 1  # entry rules and colours reach further
    _validations(sheet, kind, columns, first, last, lists)
    if kind:
        _result_colours(sheet, styles, columns, first, last)
        _write_sheet_check(workbook, sheet, kind, columns, lookup)
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    # Rows may be inserted and deleted: the totals read whole column ranges.
    sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True,
                       "insert_rows": True, "delete_rows": True})
    printed = _print_layout(sheet, columns, rows, first)
    if kind:  # the check line counts the rows below it
        define_print_end(workbook, sheet_name, printed)


def _print_layout(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Mapping[str, Any]],
                  first: int) -> str:
    """Print the filled rows (a few blank ones in a blank template) of the visible columns,
    each filled row as tall as its wrapped text. Returns the print area (A1 reference)."""
    for i, values in enumerate(rows):
        height = row_height((to_text(values[k])[0], COLUMN_WIDTHS.get(k, 12))
                            for k in columns if k in WRAPPED_INPUTS and k in values)
        if height is not None:
            sheet.set_row(first + i, height)
    printed = area(first + max(len(rows), PRINT_BLANK_ROWS), len(columns) - 1)
    sheet.print_area(printed)
    print_setup(sheet, 0, HEADER_ROW)
    return printed


def _result_colours(sheet: Worksheet, styles: Styles, columns: Sequence[str], first: int,
                     last: int) -> None:
    """Đạt green, Không đạt red, "Lỗi: …" and a titled row without its formula in error colour."""
    rc = columns.index("result")
    sheet.conditional_format(first, rc, last, rc, {
        "type": "cell", "criteria": "==", "value": f'"{F.RESULT_PASSED}"', "format": styles.ok})
    sheet.conditional_format(first, rc, last, rc, {
        "type": "cell", "criteria": "==", "value": f'"{F.RESULT_FAILED}"', "format": styles.bad})
    sheet.conditional_format(first, rc, last, rc, {
        "type": "text", "criteria": "begins with", "value": ERROR_PREFIX.strip(),
        "format": styles.error})
    t, result = column_letter(columns.index("title")), column_letter(rc)
    sheet.conditional_format(first, rc, last, rc, {
        "type": "formula", "criteria": f'=AND(TRIM(${t}{first + 1})<>"",${result}{first + 1}="")',
        "format": styles.error})


def _write_sheet_check(workbook: Workbook, sheet: Worksheet, kind: str, columns: Sequence[str],
                       lookup: _Lookup) -> None:
    """A line above the header saying, when it happens, that rows lie below the print area,
    have a title but no "Kết quả" formula, a title the sheet cannot read, or lie below the
    rows the totals cover."""
    whole = {key: f"${column_letter(columns.index(key))}:${column_letter(columns.index(key))}"
             for key in ("title", "result")}
    t = column_letter(columns.index("title"))
    data = f"${t}${HEADER_ROW + 2}:${t}${COUNTED_LAST_ROW}"
    no_formula = f'COUNTIFS({whole["title"]},"<>",{whole["result"]},"")'
    unread = f'SUM(IF(TRIM({data})<>"",IF({_is_any_title(lookup, data)},0,1),0))'
    beyond = f"COUNTA({whole['title']})-COUNTA(${t}${HEADER_ROW + 1}:${t}${COUNTED_LAST_ROW})"
    name = column_letter(columns.index("full_name" if kind == "individual" else "name"))
    outside = rows_outside(data, f"${name}${HEADER_ROW + 2}:${name}${COUNTED_LAST_ROW}")
    parts = [(outside, L.ROWS_OUTSIDE_PRINT),
             (no_formula, "dòng có danh hiệu nhưng chưa có công thức “Kết quả” — chép công "
                          "thức xuống"),
             (unread, "dòng có danh hiệu chưa nhận ra, không tính vào hạn mức — chọn trong "
                      "danh sách"),
             (beyond, f"dòng ở dưới dòng {COUNTED_LAST_ROW} không được tính vào hạn mức")]
    formula = "&".join(f'IF({n}>0,"⚠ "&{n}&" {words}.  ","")' for n, words in parts)
    bold_red = workbook.add_format({"font_name": FONT, "bold": True, "font_color": "#C00000"})
    sheet.write_array_formula(HEADER_ROW - 1, 0, HEADER_ROW - 1, 0, "{=" + formula + "}",
                              bold_red, "")


def _write_history_cell(sheet: Worksheet, r: int, c: int, columns: Sequence[str], styles: Styles
                        ) -> None:
    """The proven streak (TDKT_CHUOINAM of the add-in); on a PC without it, IFERROR leaves the
    cell blank."""
    if r == HEADER_ROW + 1:
        sheet.write_string(HEADER_ROW, c, HISTORY_HEADER, styles.header)
        sheet.set_column(c, c, 14)
    name, title = (column_letter(columns.index(k)) for k in ("full_name", "title"))
    sheet.write_formula(r, c, f'=IFERROR(TDKT_CHUOINAM({name}{r + 1},{title}{r + 1},'
                              f'{info_value("period")},"","",{info_value("unit")}),"")',
                        styles.formula, "")


def _vote_bounds(kind: str, columns: Sequence[str], first: int) -> dict[str, dict[str, Any]]:
    """Entry rules of "Số có mặt" and "Số phiếu đồng ý": whole numbers ≥ 0 that the counts
    they depend on allow (the engine's present_exceeds_members and agree_exceeds_present)."""
    n = first + 1
    m, p, a = (f"{column_letter(columns.index(k))}{n}" for k in ("members", "present", "agree"))
    rrow = f"{column_letter(len(columns) + 1)}{n}"
    whole = "ISNUMBER({0}),INT({0})={0},{0}>=0"
    # Absent members may answer in writing when the title counts all members (its rule).
    of_members = f"IF(N({rrow})>0,INDEX({rule_name('of_members')},N({rrow}))=1,FALSE)"
    labels = F.INDIVIDUAL_LABELS if kind == "individual" else F.COLLECTIVE_LABELS
    return {
        "present": {
            "validate": "custom",
            "value": f"=AND({whole.format(p)},OR(NOT(ISNUMBER({m})),{p}<={m}))",
            "input_title": "Số nguyên", "input_message": f"Không lớn hơn “{labels['members']}”",
            "error_title": "Số không hợp lệ",
            "error_message": f"“{labels['present']}” là số nguyên ≥ 0, không lớn hơn "
                             f"“{labels['members']}”."},
        "agree": {
            "validate": "custom",
            "value": f"=AND({whole.format(a)},OR(NOT(ISNUMBER({m})),{a}<={m}),"
                     f"OR(NOT(ISNUMBER({p})),{a}<={p},{of_members}))",
            "input_title": "Số nguyên", "input_message": f"Không lớn hơn “{labels['present']}”",
            "error_title": "Số không hợp lệ",
            "error_message": f"“{labels['agree']}” là số nguyên ≥ 0, không lớn hơn "
                             f"“{labels['present']}” (hoặc tổng số thành viên khi danh hiệu "
                             f"tính trên tổng số)."},
    }


def _validations(sheet: Worksheet, kind: str | None, columns: Sequence[str], first: int,
                 last: int, lists: dict[str, str]) -> None:
    def cols(key: str) -> int:
        return columns.index(key)

    bounded = _vote_bounds(kind, columns, first) if kind else {}
    for key in columns:
        if key in bounded:
            c = cols(key)
            sheet.data_validation(first, c, last, c, bounded[key])
        elif key in F.COUNT_FIELDS:
            c = cols(key)
            sheet.data_validation(first, c, last, c, {
                "validate": "integer", "criteria": ">=", "value": 0,
                "input_title": "Số nguyên", "input_message": "Nhập số nguyên ≥ 0",
                "error_title": "Số không hợp lệ",
                "error_message": "Ô này chỉ nhận số nguyên lớn hơn hoặc bằng 0."})
    if kind:
        c = cols("title")
        sheet.data_validation(first, c, last, c, {
            "validate": "list", "source": lists[kind],
            "input_title": F.TITLE_LABEL, "input_message": "Chọn danh hiệu trong danh sách",
            "error_title": "Danh hiệu không hợp lệ",
            "error_message": "Chọn một danh hiệu trong danh sách (trang “Quy tắc”)."})
    if "rank" in columns:
        c = cols("rank")
        sheet.data_validation(first, c, last, c, {
            "validate": "list", "source": lists["rank"], "error_type": "information",
            "error_title": "Cấp bậc", "error_message": "Cấp bậc không có trong danh sách."})
    if "form" in columns and not kind and "form" in lists:
        # The catalogue's forms, but any other text is accepted (reported as unknown_form).
        c = cols("form")
        sheet.data_validation(first, c, last, c, {
            "validate": "list", "source": lists["form"], "error_type": "information",
            "input_title": "Hình thức khen thưởng",
            "input_message": "Chọn trong danh sách hoặc ghi đầy đủ (vd. Huân chương Chiến công "
                             "hạng Ba)",
            "error_title": "Hình thức khen thưởng",
            "error_message": "Hình thức này không có trong danh mục; vẫn được tổng hợp theo "
                             "đúng cách ghi."})
    for key in ("kind", "level"):
        if key in columns and not kind:
            c = cols(key)
            sheet.data_validation(first, c, last, c, {
                "validate": "list", "source": lists[key],
                "error_title": "Giá trị không hợp lệ",
                "error_message": "Chọn một giá trị trong danh sách."})


def unit_workbook_bytes(rules: Rules, data: UnitData | None = None, cached: bool = True) -> bytes:
    """The unit template, blank or filled with `data`, as .xlsx bytes (deterministic)."""
    data = data or UnitData()
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, "Mẫu báo cáo thi đua, khen thưởng của đơn vị", template=True)
    styles = Styles(workbook)
    _write_guide(workbook, styles, rules)
    lists = _list_values(rules)
    refs = _list_refs(lists)
    lookup = _lookup(rules, lists)
    _write_info(workbook, styles, rules, data, lookup)
    order = [
        (F.SHEET_INDIVIDUALS, "DANH SÁCH CÁ NHÂN ĐỀ NGHỊ DANH HIỆU THI ĐUA", "individual",
         INDIVIDUAL_COLUMNS, F.INDIVIDUAL_LABELS, data.individuals),
        (F.SHEET_COLLECTIVES, "DANH SÁCH TẬP THỂ ĐỀ NGHỊ DANH HIỆU THI ĐUA", "collective",
         COLLECTIVE_COLUMNS, F.COLLECTIVE_LABELS, data.collectives),
        (F.SHEET_COMMENDATIONS, "KẾT QUẢ KHEN THƯỞNG TRONG KỲ", None, COMMENDATION_COLUMNS,
         F.COMMENDATION_LABELS, data.commendations),
    ]
    for sheet_name, title, kind, columns, labels, rows in order:
        _write_table(workbook, styles, rules, sheet_name, title, kind, columns, labels, rows,
                     refs, cached, lookup)
    write_scores_sheet(workbook, styles, *covenant_or_sample(rules), data.scores)
    _write_rules_sheet(workbook, styles, rules)
    for kind in ("individual", "collective"):
        for name, formula in count_names(_column_refs(kind)).items():
            workbook.define_name(name, "=" + formula)
    _write_lists_sheet(workbook, lists, rules, lookup)
    workbook.worksheets()[1].activate()
    return finish(workbook, buffer)
