"""The cluster template's "Giao ước" and live "Xếp hạng" sheets: a ranking in native formulas,
for a chair with Excel and no Python.

The chair types each unit's score used per criterion (and its number of passed "Đơn vị Quyết
thắng" nominations); totals apply the covenant's caps read from the "Giao ước" sheet; the rank
is 1 + the number of units strictly ahead on (total, then the covenant's tie-break steps), in
COUNTIFS — the engine's rule (addin.domain.scoring.rank_units), so equal keys share a rank. A
LibreOffice test recalculates it and compares with the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from addin.domain import fields as F
from addin.domain.covenant import (
    KIND_LABEL,
    TIE_CRITERION,
    TIE_DVQT,
    TIE_PENALTY,
    TIE_VOTE,
    Covenant,
    CriterionKind,
    format_points,
)
from addin.domain.issues import Code, issue_text
from addin.domain.labels import SCORE_CLUSTER, SCORE_TEXT_RULE, score_detail
from addin.io.cells import column_letter
from addin.io.covenant_sheet import (
    FIELDS,
    FIRST_FIELD_ROW,
    SHEET_COVENANT,
    criteria_first_row,
    write_covenant_sheet,
)
from addin.io.scores_template import ERROR
from addin.io.sheet_spec import Column, row_height, set_widths
from addin.io.template_formulas import (
    literal,
    points_bounds_said,
    points_error,
    points_missing_said,
    points_number,
    points_out_of_bounds,
    points_read,
    points_said,
    spaces_trimmed,
)
from addin.io.xlsx_common import Styles, print_setup, write_text

SHEET_LIVE = "Xếp hạng"
MISSING = 4  # score_check's kind of a criterion left blank (after points_out_of_bounds' 1-3)
LIVE_ROWS = 20  # units a cluster may have
# How the note of a row holding a score the engine refuses names it (the row is not ranked): the
# cells are the cluster's scores ("điểm dùng (điểm cụm chấm)"), named as everywhere else.
REFUSED_DETAIL = score_detail(SCORE_CLUSTER)
KIND_ROW, MAX_ROW, HEADER_ROW = 3, 4, 5  # 0-based
CRITERION_WIDTH = 7  # a criterion's column (its code over the units' points)
FIRST_UNIT_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class LiveUnit:
    unit: str
    scores: Mapping[str, float | int] = field(default_factory=dict)  # criterion code -> points
    dvqt: int = 0


@dataclass(frozen=True)
class LiveRanking:
    covenant: Covenant
    sample: bool
    units: Sequence[LiveUnit] = ()


@dataclass(frozen=True)
class LiveLayout:
    """Where things are on the live sheet (0-based columns), for tests and readers."""

    criteria: dict[str, int]
    dvqt: int
    base: int
    bonus: int
    penalty: int
    total: int
    penalty_key: int
    score_check: int
    rank: int
    note: int


CRITERION = "criterion:"  # the key of a criterion's column: CRITERION + its code
# a sort key of the rank formula, and the row's check of its scores: not for the eye
HIDDEN = ("penalty_key", "score_check")


def live_columns(covenant: Covenant) -> tuple[Column, ...]:
    """The columns of the live sheet, in order; a criterion's header is a formula reading its
    code off "Giao ước" (written as such by _write_live)."""
    return (Column("rank", "Hạng", 6), Column("unit", F.INFO_LABELS["unit"], 28),
            *(Column(CRITERION + c.code, c.code, CRITERION_WIDTH) for c in covenant.criteria),
            Column("dvqt", "Số ĐVQT đạt", 9), Column("base", "Cộng tiêu chí", 9),
            Column("bonus", "Điểm cộng", 9), Column("penalty", "Điểm trừ", 9),
            Column("total", "Tổng điểm", 9), Column("penalty_key", "(khóa điểm trừ)", 6),
            Column("score_check", "(kiểm tra điểm)", 6),
            Column("note", F.INDIVIDUAL_LABELS["note"], 26))


def layout_of(covenant: Covenant) -> LiveLayout:
    at = {column.key: c for c, column in enumerate(live_columns(covenant))}
    return LiveLayout(criteria={c.code: at[CRITERION + c.code] for c in covenant.criteria},
                      dvqt=at["dvqt"], base=at["base"], bonus=at["bonus"],
                      penalty=at["penalty"], total=at["total"], penalty_key=at["penalty_key"],
                      score_check=at["score_check"], rank=at["rank"], note=at["note"])


# The caps of "Điểm cộng" / "Điểm trừ", read off "Giao ước" as the engine reads covenant points
# (addin.domain.covenant: a number, or text of digits only); refused text or a blank cap makes
# every unit's total "Lỗi" and the note names the cap (its label on "Giao ước"), as the engine
# refuses the covenant.
CAPS = ("bonus_cap", "penalty_cap")
CAP_LABELS = {key: f'"{label}"' for key, label, _kind in FIELDS if key in CAPS}


def _field_cell(key: str) -> str:
    row = FIRST_FIELD_ROW + [k for k, _, _ in FIELDS].index(key)
    return f"'{SHEET_COVENANT}'!$B${row + 1}"


def write_live_sheets(workbook: Workbook, styles: Styles, live: LiveRanking) -> None:
    write_covenant_sheet(workbook, styles, live.covenant)
    _write_live(workbook, styles, live)


def _write_live(workbook: Workbook, styles: Styles, live: LiveRanking) -> Worksheet:
    covenant = live.covenant
    at = layout_of(covenant)
    columns = live_columns(covenant)
    sheet = workbook.add_worksheet(SHEET_LIVE)
    width = at.note + 1
    sheet.merge_range(0, 0, 0, width - 1, "XẾP HẠNG THI ĐUA CỦA CỤM (TỰ TÍNH THEO GIAO ƯỚC)",
                      styles.title)
    steps = [s for s in covenant.tie_break if s != TIE_VOTE]
    order = ", ".join(["tổng điểm"] + [_step_label(s, covenant) for s in steps])
    text = (f"Nhập tên đơn vị và điểm dùng (điểm cụm chấm) của từng tiêu chí. Hạng xét theo: "
            f"{order}; còn bằng nhau thì đồng hạng và hội nghị biểu quyết. Điểm tối đa, loại "
            f"điểm và mức chặn lấy từ trang “{SHEET_COVENANT}”.")
    if live.sample:
        text = "GIAO ƯỚC MẪU — thay bằng giao ước của cụm. " + text
    sheet.merge_range(1, 0, 1, width - 1, text, styles.wrap)
    sheet.set_row(1, 32)
    sheet.write_string(KIND_ROW, 1, "Loại điểm", styles.label)
    sheet.write_string(MAX_ROW, 1, "Điểm tối đa", styles.label)
    first_criterion = criteria_first_row(covenant)
    for i, criterion in enumerate(covenant.criteria):
        c, src = at.criteria[criterion.code], first_criterion + i + 1
        sheet.write_formula(KIND_ROW, c, f"='{SHEET_COVENANT}'!D{src}", styles.formula_wrap,
                            KIND_LABEL[criterion.kind])
        sheet.write_formula(MAX_ROW, c, f"='{SHEET_COVENANT}'!E{src}", styles.formula,
                            _num(criterion.max))
        sheet.write_formula(HEADER_ROW, c, f"='{SHEET_COVENANT}'!A{src}", styles.header,
                            criterion.code)
    # "Điểm cộng" is wider than a criterion's column: the kinds wrap, the row grows for them
    kind_pt = row_height([(KIND_LABEL[c.kind], CRITERION_WIDTH) for c in covenant.criteria])
    if kind_pt is not None:
        sheet.set_row(KIND_ROW, kind_pt)
    for c, column in enumerate(columns):  # the criteria's headers are the formulas above
        if not column.key.startswith(CRITERION):
            sheet.write_string(HEADER_ROW, c, column.header, styles.header)
    sheet.set_row(HEADER_ROW, 32)
    set_widths(sheet, columns)
    for c, column in enumerate(columns):
        if column.key in HIDDEN:
            sheet.set_column(c, c, column.width, None, {"hidden": True})
    first, last = FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + LIVE_ROWS  # Excel rows
    c0, c1 = column_letter(2), column_letter(2 + len(covenant.criteria) - 1)
    kinds = _kinds(len(covenant.criteria))
    keys = [at.total] + [_key_column(s, at) for s in steps]
    for i in range(LIVE_ROWS):
        r, n = FIRST_UNIT_ROW + i, FIRST_UNIT_ROW + i + 1
        unit = live.units[i] if i < len(live.units) else None
        write_text(sheet, r, 1, unit.unit if unit else "", styles.input)
        for criterion in covenant.criteria:
            c = at.criteria[criterion.code]
            value = unit.scores.get(criterion.code) if unit else None
            if value is None:
                sheet.write_blank(r, c, None, styles.input)
            else:
                sheet.write_number(r, c, value, styles.input)
        if unit:
            sheet.write_number(r, at.dvqt, unit.dvqt, styles.input_int)
        else:
            sheet.write_blank(r, at.dvqt, None, styles.input_int)
        scores = f"{c0}{n}:{c1}{n}"
        blank = f'$B{n}=""'

        def summed(kind: CriterionKind, _scores: str = scores) -> str:
            # Text scores as the engine reads them (digits only); SUM skips the "" of others.
            return f'SUM(IF({kinds}="{KIND_LABEL[kind]}",{points_number(_scores)},0))'

        # A score the engine refuses ("8,5" typed as text; or a number below 0, above its
        # criterion's "Điểm tối đa", off the step): "Lỗi", no rank, the note says why
        # A blank criterion (not a bonus or penalty point) is a missing value, as the engine
        # reports a criterion left blank. (score_check: -1 for refused text, else the first
        # criterion blank or out of bounds, 1-based.)
        check = f"{column_letter(at.score_check)}{n}"
        refused = f"{check}<>0"
        cached = _cached(covenant, unit)
        formulas = {
            at.base: f'=IF({blank},"",IF({refused},"{ERROR}",{summed("criterion")}))',
            at.bonus: (f'=IF({blank},"",IF({refused},"{ERROR}",'
                       f'{_capped("bonus_cap", summed("bonus"))}))'),
            at.penalty: (f'=IF({blank},"",IF({refused},"{ERROR}",'
                         f'{_capped("penalty_cap", summed("penalty"))}))'),
            at.total: (f'=IF({blank},"",IF(ISTEXT({column_letter(at.base)}{n})'
                       f"+ISTEXT({column_letter(at.bonus)}{n})"
                       f'+ISTEXT({column_letter(at.penalty)}{n}),"{ERROR}",'
                       f"{column_letter(at.base)}{n}+{column_letter(at.bonus)}{n}"
                       f"-{column_letter(at.penalty)}{n}))"),
            at.penalty_key: f'=IF({blank},"",IF({refused},"{ERROR}",-{summed("penalty")}))',
            at.score_check: (f'=IF({blank},"",IF(SUM({points_error(scores)})>0,-1,'
                             f"IFERROR(MATCH(TRUE,{_checked(scores, kinds, len(covenant.criteria))}"
                             f">0,0),0)))"),
        }
        for c, formula in formulas.items():
            value = cached.get(c, 0 if c == at.score_check and unit else "")
            style = styles.total if c == at.total else styles.formula
            if c == at.total:
                sheet.write_formula(r, c, formula, style, value)
            else:
                sheet.write_array_formula(r, c, r, c, "{" + formula + "}", style, value)
        rank_parts = []
        for k, col in enumerate(keys):
            same = ",".join(f"{_abs(keys[j], first, last)},{column_letter(keys[j])}{n}"
                            for j in range(k))
            ahead = f'{_abs(col, first, last)},">"&{column_letter(col)}{n}'
            rank_parts.append(f"COUNTIFS({same + ',' if same else ''}{ahead})")
        total = f"{column_letter(at.total)}{n}"
        sheet.write_formula(r, at.rank, f'=IF({blank},"",IF(ISTEXT({total}),"",'
                            f'1+{"+".join(rank_parts)}))', styles.total, cached.get(at.rank, ""))
        all_same = ",".join(f"{_abs(col, first, last)},{column_letter(col)}{n}" for col in keys)
        # an array formula: the note gives the reason where a refusal has one (points_said)
        sheet.write_array_formula(r, at.note, r, at.note, "{" + f'=IF({blank},"",IF(ISTEXT('
                                  f"{total}),IF({_caps_refused()},{_caps_said()},"
                                  f"IF({check}<0,{points_said(scores, REFUSED_DETAIL)},"
                                  f"{_check_said(scores, check, len(covenant.criteria))})),"
                                  f"IF(COUNTIFS({all_same})>1,"
                                  f'"Đồng hạng: hội nghị biểu quyết","")))' + "}", styles.formula,
                                  cached.get(at.note, ""))
    crit_first, crit_last = FIRST_UNIT_ROW, FIRST_UNIT_ROW + LIVE_ROWS - 1
    sheet.data_validation(crit_first, 2, crit_last, 2 + len(covenant.criteria) - 1, {
        "validate": "custom",
        "value": f"=AND(ISNUMBER({c0}{first}),{c0}{first}>=0,{c0}{first}<={c0}${MAX_ROW + 1})",
        "error_title": "Điểm không hợp lệ",
        "error_message": "Điểm phải từ 0 đến điểm tối đa của tiêu chí (dòng “Điểm tối đa”)."})
    sheet.conditional_format(crit_first, at.note, crit_last, at.note, {
        "type": "cell", "criteria": "<>", "value": '""', "format": styles.warning})
    foot = FIRST_UNIT_ROW + LIVE_ROWS + 1
    if covenant.next_chair():
        sheet.write_string(foot, 1, f"Cụm trưởng năm nay: {covenant.chair}; năm tới (theo thứ tự "
                           f"luân phiên): {covenant.next_chair()}.", styles.text)
    sheet.write_string(foot + 1, 1, f"Đề nghị: {covenant.flag.count} Cờ thi đua (từ "
                       f"{format_points(covenant.flag.min_score)} điểm), {covenant.merit.count} "
                       f"Bằng khen (từ {format_points(covenant.merit.min_score)} điểm) theo thứ "
                       "hạng.", styles.text)
    sheet.freeze_panes(FIRST_UNIT_ROW, 2)
    print_setup(sheet, HEADER_ROW, HEADER_ROW)
    return sheet


def _points(ref: str) -> str:
    return points_read(ref)


def _maxima(count: int) -> str:
    ref: str = xl_range_abs(MAX_ROW, 2, MAX_ROW, 2 + count - 1)
    return ref


def _out_of_bounds(scores: str, count: int) -> str:
    """Per criterion of the row (an array): points_out_of_bounds against each criterion's
    "Điểm tối đa" and the covenant's "Bước chấm điểm" read off the sheets."""
    return points_out_of_bounds(_points(scores), _points(_maxima(count)),
                                _points(_field_cell("step")))


def _checked(scores: str, kinds: str, count: int) -> str:
    """Per criterion of the row (an array): MISSING (4) for a criterion's score left blank
    (scoring.score_unit's missing_value; a blank bonus or penalty point is 0), else
    _out_of_bounds — the engine checks each line in turn, so the first of either is named."""
    blank = f'({kinds}="{KIND_LABEL["criterion"]}")*({spaces_trimmed(scores)}="")'
    return f"IF({blank},{MISSING},{_out_of_bounds(scores, count)})"


def _check_said(scores: str, check: str, count: int) -> str:
    """The engine's sentence for criterion number `check` (score_check's cell): 'Chưa nhập
    "Điểm cụm chấm" của tiêu chí TC01' for a blank criterion, else _bounds_said."""
    code = f"INDEX({xl_range_abs(HEADER_ROW, 2, HEADER_ROW, 2 + count - 1)},1,{check})"
    blank = (f'(INDEX({_kinds(count)},1,{check})="{KIND_LABEL["criterion"]}")*'
             f'({spaces_trimmed(f"INDEX({scores},1,{check})")}="")')
    return (f'IF({check}<=0,"",IF({blank},{points_missing_said(SCORE_CLUSTER, code)},'
            f"{_bounds_said(scores, check, count)}))")


def _kinds(count: int) -> str:
    ref: str = xl_range_abs(KIND_ROW, 2, KIND_ROW, 2 + count - 1)
    return ref


def _bounds_said(scores: str, check: str, count: int) -> str:
    """The engine's sentence for the score of criterion number `check` (score_check's cell):
    scoring._problem's issue for the cluster's score, built from the same words."""
    maximum = _points(f"INDEX({_maxima(count)},1,{check})")
    code = f"INDEX({xl_range_abs(HEADER_ROW, 2, HEADER_ROW, 2 + count - 1)},1,{check})"
    said = points_bounds_said(SCORE_CLUSTER, _points(f"INDEX({scores},1,{check})"), code,
                              maximum, _points(_field_cell("step")))
    return said


def _cap_refused(key: str) -> str:
    cell = _field_cell(key)
    return f'(({points_error(cell)})>0)+({spaces_trimmed(cell)}="")'


def _capped(key: str, summed: str) -> str:
    cell = _field_cell(key)
    return f'IF({_cap_refused(key)},"{ERROR}",MIN({points_number(cell)},{summed}))'


def _caps_refused() -> str:
    return "+".join(f"({_cap_refused(key)})" for key in CAPS)


def _caps_said() -> str:
    """The sentence of the first refused cap: with the reason for text, without for a blank."""
    formula = '""'
    for key in reversed(CAPS):
        cell, label = _field_cell(key), CAP_LABELS[key]
        formula = (f"IF({_cap_refused(key)},IF(ISTEXT({cell})*({spaces_trimmed(cell)}<>\"\"),"
                   f"{literal(issue_text(Code.NOT_A_NUMBER, label, SCORE_TEXT_RULE))},"
                   f"{literal(issue_text(Code.NOT_A_NUMBER, label))}),{formula})")
    return formula


def _abs(col: int, first: int, last: int) -> str:
    """$C$5:$C$24 for 0-based column `col` and Excel rows first..last."""
    ref: str = xl_range_abs(first - 1, col, last - 1, col)
    return ref


def _key_column(step: str, at: LiveLayout) -> int:
    if step.startswith(TIE_CRITERION):
        return at.criteria[step[len(TIE_CRITERION):]]
    return {TIE_PENALTY: at.penalty_key, TIE_DVQT: at.dvqt}[step]


def _step_label(step: str, covenant: Covenant) -> str:
    if step.startswith(TIE_CRITERION):
        return f"điểm tiêu chí {covenant.criterion_label(step[len(TIE_CRITERION):])}"
    return {TIE_PENALTY: "ít điểm trừ hơn", TIE_DVQT: "nhiều ĐVQT hơn"}[step]


def _num(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _cached(covenant: Covenant, unit: LiveUnit | None) -> dict[int, Any]:
    """The totals Python computes, cached in the formula cells (readers that do not recalculate
    see them; LibreOffice and Excel recalculate anyway). Ranks need the whole table: left blank
    for Excel to fill."""
    if unit is None:
        return {}
    at = layout_of(covenant)
    missing = [i for i, c in enumerate(covenant.criteria, 1)
               if c.kind == "criterion" and unit.scores.get(c.code) is None]
    if missing:  # a criterion left blank: the engine's missing_value (see _checked)
        code = covenant.criteria[missing[0] - 1].code
        return {**dict.fromkeys((at.base, at.bonus, at.penalty, at.total, at.penalty_key),
                                ERROR), at.score_check: missing[0],
                at.note: issue_text(Code.MISSING_VALUE, score_detail(SCORE_CLUSTER, code))}
    sums = {"criterion": Fraction(0), "bonus": Fraction(0), "penalty": Fraction(0)}
    for criterion in covenant.criteria:
        sums[criterion.kind] += Fraction(str(unit.scores.get(criterion.code, 0)))
    bonus = min(sums["bonus"], covenant.bonus_cap)
    penalty = min(sums["penalty"], covenant.penalty_cap)
    return {at.base: _num(sums["criterion"]), at.bonus: _num(bonus), at.penalty: _num(penalty),
            at.total: _num(sums["criterion"] + bonus - penalty),
            at.penalty_key: _num(-sums["penalty"])}
