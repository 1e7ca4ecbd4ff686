"""The unit template's "Chấm điểm" sheet (contracts.md §8), pre-filled from the covenant.

One row per criterion (grouped), the unit types its own score (and later the cluster its
reviewed score); live totals apply the bonus and penalty caps; data validation keeps each score
within 0…maximum on the covenant's step; conditional formatting shows a score above its maximum
or a criterion left blank. Without a covenant in the rules, the shipped sample is used and the
sheet says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.covenant import KIND_LABEL, Covenant, format_points
from addin.domain.issues import Code, issue_text
from addin.domain.labels import ERROR_PREFIX, SEVERITY, score_detail
from addin.domain.scoring import (
    SCORE_LABELS,
    SHEET_SCORES,
    ScoreLine,
    ScoreSheet,
    Totals,
    UnitScore,
    score_unit,
)
from addin.io.scores_reader import points_why, to_points
from addin.io.sheet_spec import Column, write_header
from addin.io.template_formulas import (
    points_bounds_said,
    points_error,
    points_number,
    points_out_of_bounds,
    points_read,
    points_said,
)
from addin.io.xlsx_common import Styles, print_setup, write_as_typed, write_text

HEADER_ROW = 3
# The unit's table, declared (addin.io.sheet_spec); its headers are the reader's (SCORE_LABELS).
SCORE_COLUMNS = tuple(Column(key, SCORE_LABELS[key], width) for key, width in (
    ("code", 10), ("text", 58), ("max", 10), ("self", 11), ("cluster", 11), ("evidence", 30)))
COLUMNS = tuple(c.key for c in SCORE_COLUMNS)
WIDTHS = tuple(c.width for c in SCORE_COLUMNS)
# Hidden helpers beside the table: each row's kind and the score used (cluster's where given).
HELPER_KIND, HELPER_USED = len(COLUMNS), len(COLUMNS) + 1
ERROR = SEVERITY["error"]  # a total over a score the engine refuses
KIND_CODE = {"criterion": "TC", "bonus": "CG", "penalty": "TR"}
SCORE_CELLS = {"self": "D", "cluster": "E"}  # the score columns' letters
# What scoring._problem reports of a score out of bounds (below zero, above its criterion's
# maximum, off the covenant's step): the totals over such a score say "Lỗi" too.
BOUNDS_CODES = frozenset({Code.NEGATIVE_SCORE, Code.SCORE_EXCEEDS_MAX, Code.NOT_A_NUMBER})


def _num(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else float(value)


def _decimal(value: Fraction) -> str:
    """A formula literal for an exact step or cap (0.5, 10)."""
    return str(_num(value))


def write_scores_sheet(workbook: Workbook, styles: Styles, covenant: Covenant, sample: bool,
                       scores: Mapping[str, Mapping[str, Any]] | None = None) -> Worksheet:
    """Add the sheet; `scores` maps a criterion code to {"self", "cluster", "evidence"} (a
    filled workbook: the demo, test fixtures)."""
    scores = scores or {}
    sheet = workbook.add_worksheet(SHEET_SCORES)
    bold_cell = workbook.add_format({"font_name": styles.cell.font_name, "bold": True,
                                     "border": 1, "bg_color": "#EDEDED"})
    last_col = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last_col, "BẢNG CHẤM ĐIỂM THI ĐUA THEO GIAO ƯỚC CỦA CỤM",
                      styles.title)
    sheet.merge_range(1, 0, 1, last_col, "", styles.subtitle)
    sheet.write_formula(1, 0, f"=\"Đơn vị: \"&'{F.SHEET_INFO}'!B3&\"  —  Kỳ: \"&'{F.SHEET_INFO}'!B5",
                        styles.subtitle, "")
    note = (f"{covenant.name} — chấm theo bước {format_points(covenant.step)} điểm; điểm cộng "
            f"tối đa {format_points(covenant.bonus_cap)}, điểm trừ tối đa "
            f"{format_points(covenant.penalty_cap)} (ghi số dương). "
            "Đơn vị nhập cột “Điểm tự chấm”; cụm ghi “Điểm cụm chấm” khi thẩm định.")
    if sample:
        note = "GIAO ƯỚC MẪU — thay bằng giao ước đã ký của cụm. " + note
    sheet.merge_range(2, 0, 2, last_col, note, styles.wrap)
    sheet.set_row(2, 45)
    write_header(sheet, styles, HEADER_ROW, SCORE_COLUMNS)
    sheet.write_string(HEADER_ROW, HELPER_KIND, "Loại điểm", styles.header)
    sheet.write_string(HEADER_ROW, HELPER_USED, "Điểm dùng", styles.header)
    sheet.set_column(HELPER_KIND, HELPER_USED, 9, None, {"hidden": True})

    r = HEADER_ROW + 1
    first = r
    group = None
    lines: list[ScoreLine] = []
    refused: dict[str, list[str]] = {}  # score columns holding what the engine refuses: reasons
    for criterion in covenant.criteria:
        heading = criterion.group or KIND_LABEL[criterion.kind]
        if heading != group:
            group = heading
            sheet.write_blank(r, 0, None, bold_cell)
            sheet.write_string(r, 1, heading, bold_cell)
            for c in range(2, len(COLUMNS)):
                sheet.write_blank(r, c, None, bold_cell)
            r += 1
        given = scores.get(criterion.code, {})
        n = r + 1
        sheet.write_string(r, 0, criterion.code, styles.center)
        sheet.write_string(r, 1, criterion.text, styles.cell_wrap)
        sheet.write_number(r, 2, _num(criterion.max), styles.cell)
        for c, key in ((3, "self"), (4, "cluster")):
            write_as_typed(sheet, r, c, given.get(key), styles.input)
        write_text(sheet, r, 5, given.get("evidence"), styles.input)
        sheet.write_string(r, HELPER_KIND, KIND_CODE[criterion.kind], styles.formula)
        (self_v, self_p), (cluster_v, cluster_p) = (to_points(given.get("self")),
                                                    to_points(given.get("cluster")))
        for key, p in (("self", self_p), ("cluster", cluster_p)):
            if p:  # cached "Lỗi"; the sentence gives the reason where any refusal has one
                refused.setdefault(key, []).append(points_why(given.get(key), p))
        used = cluster_v if cluster_v is not None else self_v
        sheet.write_formula(r, HELPER_USED, f'=IF({points_number(f"E{n}")}<>"",'
                            f'{points_number(f"E{n}")},{points_number(f"D{n}")})',
                            styles.formula, "" if used is None else _num(used))
        lines.append(ScoreLine(row=n, code=criterion.code, max=criterion.max,
                               self_score=self_v, cluster_score=cluster_v,
                               columns=SCORE_CELLS))
        r += 1
    last = r - 1
    _validation(sheet, styles, covenant, first, last)
    _totals(sheet, styles, covenant, r + 1, first, last,
            score_unit(ScoreSheet("", SHEET_SCORES, tuple(lines)), covenant), refused)
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    print_setup(sheet, 0, HEADER_ROW)
    sheet.set_portrait()
    return sheet


def _validation(sheet: Worksheet, styles: Styles, covenant: Covenant, first: int, last: int
                ) -> None:
    n = first + 1
    step = _decimal(covenant.step)
    sheet.data_validation(first, 3, last, 4, {
        "validate": "custom",
        "value": f'=OR(AND($A{n}="",$C{n}=""),AND(ISNUMBER(D{n}),D{n}>=0,D{n}<=$C{n},'
                 f"INT(D{n}/{step})=D{n}/{step}))",
        "input_title": "Điểm chấm", "input_message": f"Từ 0 đến điểm tối đa, bước {step}",
        "error_title": "Điểm không hợp lệ",
        "error_message": f"Điểm phải từ 0 đến điểm tối đa của tiêu chí, theo bước {step}."})
    sheet.conditional_format(first, 3, last, 4, {
        "type": "formula", "criteria": f"=AND(ISNUMBER(D{n}),OR(D{n}>$C{n},D{n}<0))",
        "format": styles.bad})
    # Pasted text the engine refuses ("8,5", "1e1"): red, and the totals say "Lỗi".
    sheet.conditional_format(first, 3, last, 4, {
        "type": "formula", "criteria": f"={points_error(f'D{n}')}>0", "format": styles.bad})
    sheet.conditional_format(first, 3, last, 3, {
        "type": "formula", "criteria": f'=AND($A{n}<>"",$G{n}="TC",D{n}="")',
        "format": styles.warning})


def _totals(sheet: Worksheet, styles: Styles, covenant: Covenant, r: int, first: int, last: int,
            cached: UnitScore, refused: Mapping[str, list[str]]) -> None:
    """The totals of "Tự chấm" (column D) and of the score used (helper H: the cluster's where
    given), as array formulas reading text scores as the engine does (digits only); where a
    score the engine refuses is in a column the total uses — text it cannot read, or a score
    below zero, above its criterion's "Điểm tối đa" or off the covenant's step — "Lỗi", and the
    line under the table says which, in the engine's words (scoring.score_unit's first)."""
    f, lst = first + 1, last + 1
    kind_col, used_col = "G", "H"
    kinds = f"${kind_col}${f}:${kind_col}${lst}"
    step = _decimal(covenant.step)
    maxima = f"$C${f}:$C${lst}"

    def column(col: str) -> str:
        return f"{col}${f}:{col}${lst}"

    def summed(col: str, code: str) -> str:
        if col == used_col:  # numbers or "" already
            return f'SUMIF({kinds},"{code}",{column(col)})'
        # SUM skips the "" of a blank or refused score (refused ones make the cell "Lỗi")
        return f'SUM(IF({kinds}="{code}",{points_number(column(col))},0))'

    def out_of_bounds(col: str) -> str:
        return points_out_of_bounds(points_read(column(col)), maxima, step)

    def errors(*cols: str) -> str:
        return "+".join(f"SUM({points_error(column(c))})+SUM({out_of_bounds(c)})" for c in cols)

    checked = {"D": ("D",), used_col: ("D", "E"), "E": ("D", "E")}
    bounds = [i for i in cached.issues if i.code in BOUNDS_CODES and i.column in ("D", "E")]
    out = {letter: any(i.column == letter for i in bounds) for letter in ("D", "E")}
    cached_refused = {"D": "self" in refused or out["D"],
                      used_col: bool(refused) or out["D"] or out["E"],
                      "E": bool(refused) or out["D"] or out["E"]}

    def guarded(col: str, formula: str) -> str:
        return f'=IF({errors(*checked[col])}>0,"{ERROR}",{formula})'

    def part(totals: Totals | None, attr: str) -> Fraction:
        if totals is None:
            return Fraction(0)
        value: Fraction = getattr(totals, attr)
        return value

    rows: tuple[tuple[str, Callable[[str], str], str, Fraction], ...] = (
        ("Cộng điểm các tiêu chí", lambda c: summed(c, "TC"), "base", covenant.base_max),
        (f"Điểm cộng (tối đa {format_points(covenant.bonus_cap)})",
         lambda c: f"MIN({_decimal(covenant.bonus_cap)},{summed(c, 'CG')})", "bonus",
         covenant.bonus_cap),
        (f"Điểm trừ (tối đa {format_points(covenant.penalty_cap)})",
         lambda c: f"MIN({_decimal(covenant.penalty_cap)},{summed(c, 'TR')})", "penalty",
         covenant.penalty_cap),
    )
    sheet.write_string(r - 1, 1, "Tổng hợp điểm", styles.header)
    sheet.write_string(r - 1, 2, "Tối đa", styles.header)
    sheet.write_string(r - 1, 3, "Tự chấm", styles.header)
    sheet.write_string(r - 1, 4, "Điểm dùng", styles.header)
    for i, (label, formula, attr, top) in enumerate(rows):
        sheet.write_string(r + i, 1, label, styles.total_label)
        sheet.write_number(r + i, 2, _num(top), styles.total)
        for c, col, totals in ((3, "D", cached.self_totals), (4, used_col, cached.used)):
            value: Any = ERROR if cached_refused[col] else _num(part(totals, attr))
            sheet.write_array_formula(r + i, c, r + i, c, "{" + guarded(col, formula(col)) + "}",
                                      styles.total, value)
    end = r + len(rows)
    sheet.write_string(end, 1, "TỔNG ĐIỂM", styles.total_label)
    sheet.write_number(end, 2, _num(covenant.base_max + covenant.bonus_cap), styles.total)
    for c, letter, totals in ((3, "D", cached.self_totals), (4, "E", cached.used)):
        total: Any = (ERROR if cached_refused[letter] else
                      _num(totals.total if totals is not None else Fraction(0)))
        sheet.write_formula(end, c, f'=IF(ISTEXT({letter}{r + 1}),"{ERROR}",'
                            f"{letter}{r + 1}+{letter}{r + 2}-{letter}{r + 3})",
                            styles.total, total)
    sheet.write_string(end + 1, 1, "“Điểm dùng”: điểm cụm chấm nếu có, nếu không là điểm tự chấm.",
                       styles.text)
    # Hidden helpers beside the sentence: the first row (1-based in the table) whose self score,
    # whose cluster score, is out of bounds (0: none).
    said_row = end + 2
    first_out = {}
    for letter, helper in (("D", kind_col), ("E", used_col)):
        rows_out = [i.row for i in bounds if i.column == letter and i.row is not None]
        first_out[letter] = f"{helper}{said_row + 1}"
        sheet.write_array_formula(
            said_row, HELPER_KIND if letter == "D" else HELPER_USED, said_row,
            HELPER_KIND if letter == "D" else HELPER_USED,
            f"{{=IFERROR(MATCH(TRUE,{out_of_bounds(letter)}>0,0),0)}}", styles.formula,
            min(rows_out) - f + 1 if rows_out else 0)
    codes = f"$A${f}:$A${lst}"

    def bounds_said(letter: str) -> str:
        at = first_out[letter]
        return points_bounds_said(SCORE_LABELS["self" if letter == "D" else "cluster"],
                                  points_read(f"INDEX({column(letter)},{at},1)"),
                                  f"INDEX({codes},{at},1)", f"INDEX({maxima},{at},1)", step)

    detail = {key: score_detail(SCORE_LABELS[key]) for key in ("self", "cluster")}
    which = next((key for key in ("self", "cluster") if key in refused), None)
    said = "" if which is None else issue_text(
        Code.NOT_A_NUMBER, detail[which], next((why for why in refused[which] if why), ""))
    if not said and bounds:  # the engine's first: by row, the self score before the cluster's
        said = ERROR_PREFIX + bounds[0].message
    d, e = first_out["D"], first_out["E"]
    sheet.write_array_formula(
        said_row, 1, said_row, 1,
        f'{{=IF(SUM({points_error(column("D"))})>0,{points_said(column("D"), detail["self"])},'
        f'IF(SUM({points_error(column("E"))})>0,{points_said(column("E"), detail["cluster"])},'
        f'IF(({d}>0)*(({e}=0)+({d}<={e})>0),{bounds_said("D")},'
        f'IF({e}>0,{bounds_said("E")},""))))}}', styles.text, said)
