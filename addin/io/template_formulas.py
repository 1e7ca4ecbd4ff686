"""The unit template's decision formulas, written once for a row and for a whole column.

A data row's "Kết quả" and the quota lines' "Đã đạt" decide the same thing: the first for one
row (its cells, its title's rule found by the row's helper), the second for every row of a
column range at once (one title's rule), as a legacy array formula that Excel 2016/2019 and
LibreOffice both compute. Both are built here from one description of the engine's checks
(addin.domain.validation), so the totals read the raw columns and count a row staff typed or
pasted without copying its formulas.

Only IF, arithmetic and comparisons combine conditions (AND/OR would fold a whole array into one
value); a check that could meet text is guarded by ISNUMBER first.

A count typed or pasted as text is read as addin.io.cells.to_count reads it: digits 0-9 only
once the spaces, non-breaking spaces and line breaks around them are dropped, a rule that no
locale changes (VALUE of "1.000" or "7,5" does depend on the decimal mark); any other text is
"phải là số". A row reads its counts inline (`count_error`, `count_value`); the totals, over
whole columns, read them through workbook names (`count_names`) that keep each array formula
short (Excel takes at most 8,192 characters).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.issues import Code, Issue, issue_text
from addin.domain.models import Nomination
from addin.domain.scoring import problem_detail, score_label
from addin.domain.typed_numbers import MAX_COUNT

ERROR_PREFIX = L.ERROR_PREFIX
UNRECOGNISED = f"{ERROR_PREFIX}chưa nhận ra danh hiệu — chọn trong danh sách"
# Engine issues the sheet shows as "Lỗi: …" instead of a verdict: counts that cannot be right,
# required cells left blank, a title the sheet cannot read. Everything else is Đạt / Không đạt.
SHEET_ERROR_CODES = frozenset({
    Code.NOT_A_NUMBER, Code.NOT_AN_INTEGER, Code.NEGATIVE_NUMBER, Code.MISSING_VALUE,
    Code.PRESENT_EXCEEDS_MEMBERS, Code.AGREE_EXCEEDS_PRESENT, Code.UNKNOWN_TITLE,
    Code.WRONG_TITLE_KIND,
})
# The engine's criteria_not_met detail for a count that cannot be right ("… (25) lớn hơn quân số
# (20)"): the sheet shows it as an error too.
CSTT_ABOVE_HEADCOUNT = "lớn hơn quân số"
KIND_LABEL = {"individual": "Cá nhân", "collective": "Tập thể"}
_KIND_WORDS = {"individual": "cá nhân", "collective": "tập thể"}


def literal(value: str) -> str:
    """A string literal of a formula."""
    return '"' + value.replace('"', '""') + '"'


def spaces_trimmed(cell: str) -> str:
    """The cell's text with non-breaking spaces and line breaks made spaces, then TRIM (which
    also folds runs of spaces): what a lookup of a pasted title must compare."""
    return f'TRIM(SUBSTITUTE(SUBSTITUTE({cell},_xlfn.UNICHAR(160)," "),CHAR(10)," "))'


def match_key(cell: str) -> str:
    """The trimmed text with MATCH's wildcards escaped: "Chiến sĩ*" must not match a title."""
    return (f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({spaces_trimmed(cell)},"~","~~"),"*","~*"),'
            f'"?","~?")')


@dataclass(frozen=True)
class Refs:
    """How one formula names its inputs: `cell(key)` is the row's cell of a column (or the
    column's range), `rule(key)` the title's rule value of a "Quy tắc" column (a scalar)."""

    kind: str
    columns: Sequence[str]
    cell: Callable[[str], str]
    rule: Callable[[str], str]
    denominator: str | None = None  # a cell holding the vote's denominator, when there is one
    named: bool = False  # counts read through count_names (whole columns), not inline
    # the rows' count_errors cells over the same rows (named refs): what a whole column's
    # count_error cannot see in LibreOffice (TRUE, stored as 1), each row's own check sees
    checked: str | None = None

    def counts(self) -> list[str]:
        return [key for key in self.columns if key in F.COUNT_FIELDS]

    def number(self, key: str) -> str:
        """A count as a number: 0 when blank (only read where the count is valid)."""
        return count_name(self.kind, "N", key) if self.named else count_value(self.cell(key))

    def error(self, key: str) -> str:
        return count_name(self.kind, "E", key) if self.named else count_error(self.cell(key))

    def blank(self, key: str) -> str:
        if self.named and key in F.COUNT_FIELDS:
            return count_name(self.kind, "B", key)
        return no_text(self.cell(key))

    def labels(self) -> dict[str, str]:
        return F.INDIVIDUAL_LABELS if self.kind == "individual" else F.COLLECTIVE_LABELS

    def name(self) -> str:
        return self.cell("full_name" if self.kind == "individual" else "name")


def no_text(ref: str) -> str:
    """Blank as the engine cleans text: non-breaking spaces and line breaks are spaces too.
    (UNICHAR carries the _xlfn. prefix, so the writer takes the formula as already prepared
    instead of scanning it for new functions: the long row formulas are written 3× faster.)"""
    return f'{spaces_trimmed(ref)}=""'


def _digits_dropped(text: str) -> str:
    """The text without its digits 0-9: "" when it holds nothing else."""
    for digit in "0123456789":
        text = f'SUBSTITUTE({text},"{digit}","")'
    return text


def count_error(ref: str) -> str:
    """0 for a whole number ≥ 0, a blank, or text of digits only (spaces around); else 1 not a
    number (text of other characters, and TRUE/FALSE: the reason is shown), 2 not whole, 3
    negative, 4 not a number (above MAX_COUNT) — the reader's order and reasons
    (addin.io.cells.to_count, count_why). LibreOffice stores TRUE as the number 1 in a cell of
    boolean format: ISLOGICAL of the cell tells it (of one cell only, not of each cell of a
    range in an array formula: the totals take the row's check cell too, `Refs.checked`)."""
    text = spaces_trimmed(ref)
    return (f"IF(ISLOGICAL({ref}),1,IF(ISNUMBER({ref}),IF(ABS({ref})>{MAX_COUNT},4,"
            f"IF(INT({ref})<>{ref},2,IF({ref}<0,3,0))),IF({_digits_dropped(text)}=\"\","
            f"IF(IFERROR(VALUE({text}),0)>{MAX_COUNT},4,0),1)))")


def count_value(ref: str) -> str:
    """A valid count (count_error 0) as a number, 0 when blank: a number's text and digits are
    read back alike in every locale (no decimal mark, no grouping below MAX_COUNT)."""
    return f"IFERROR(VALUE({spaces_trimmed(ref)}),0)"


def count_name(kind: str, what: str, key: str) -> str:
    """Workbook name of a table column's counts: "N" their values, "E" their count_error, "B"
    whether each is blank."""
    return f"QT_{what}_{'CN' if kind == 'individual' else 'TT'}_{key.upper()}"


def count_names(r: Refs) -> dict[str, str]:
    """The names `Refs(named=True)` uses, each with its formula over the column (`r.cell`)."""
    names = {}
    for key in r.counts():
        names[count_name(r.kind, "N", key)] = count_value(r.cell(key))
        names[count_name(r.kind, "E", key)] = count_error(r.cell(key))
        names[count_name(r.kind, "B", key)] = no_text(r.cell(key))
    return names


def _rule_denominator(r: Refs) -> str:
    """Members or present, as the title's rule says."""
    return f'IF({r.rule("of_members")}=1,{r.number("members")},{r.number("present")})'


def _denominator(r: Refs) -> str:
    return r.denominator or _rule_denominator(r)


def vote_denominator(r: Refs) -> str:
    """The row's vote denominator (members or present, as the title's rule says), blank unless
    the three vote counts are valid and filled — when the engine computes the share."""
    unread = "+".join(f"({r.error(k)}>0)+({r.blank(k)})" for k in ("members", "present", "agree"))
    return f'IF({unread},"",{_rule_denominator(r)})'


def passes(r: Refs) -> str:
    """1/0 (or TRUE/FALSE) per row: the vote and the title's conditions met, for a row whose
    counts are valid and whose required cells are filled."""
    m, p, a = (r.number(k) for k in ("members", "present", "agree"))
    q = r.rule
    den = _denominator(r)
    vote = (f"({den}>0)*({p}<={m})*({a}<={den})*({p}*{q('q_den')}>={q('q_num')}*{m})*"
            f"IF({q('strict')}=1,{a}*{q('th_den')}>{q('th_num')}*{den},"
            f"{a}*{q('th_den')}>={q('th_num')}*{den})")
    if r.kind == "individual":
        ini = r.cell("initiative")
        # A blank streak is 0: below any streak the title needs (and "Chưa nhập" first).
        extra = (f'(({q("initiative")}=0)+(TRIM({ini})<>"")>0)*'
                 f"(({q('streak')}=0)+({r.number('streak')}>={q('streak')})>0)")
    else:
        # Headcount is filled where the criteria count (a missing_value first); a blank CSTT
        # count is not judged (the title needs no share of CSTT), as in the engine.
        hn, cn = r.number("headcount"), r.number("cstt")
        c2, d = r.number("cstdcs"), r.number("disciplined")
        share = (f"IF({r.blank('cstt')},1,({hn}>0)*({cn}<={hn})*IF({q('c_strict')}=1,"
                 f"{cn}*{q('c_den')}>{q('c_num')}*{hn},{cn}*{q('c_den')}>={q('c_num')}*{hn}))")
        extra = (f"(({q('has_criteria')}=0)+{share}*"
                 f"({c2}>={q('c_cstdcs')})*({d}<={q('c_disc')})>0)")
    return f"{vote}*{extra}"


def _required(r: Refs) -> list[tuple[str, str]]:
    """(condition, message) of the required cells left blank, once the title is known."""
    labels, q = r.labels(), r.rule
    found = [(r.blank(k), issue_text(Code.MISSING_VALUE, f'"{labels[k]}"'))
             for k in ("members", "present", "agree")]
    if r.kind == "individual":
        found.append((f"({q('streak')}>0)*({r.blank('streak')})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["streak"]}"')))
    else:
        found.append((f"({q('has_criteria')}=1)*({r.blank('headcount')})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["headcount"]}"')))
        found.append((f"({q('has_criteria')}=1)*({q('c_num')}>0)*({r.blank('cstt')})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["cstt"]}"')))
    return found


def _chain(checks: Sequence[tuple[str, str]], last: str) -> str:
    """IF(c1,v1,IF(c2,v2,…last)): the first check that holds gives the value."""
    formula = last
    for condition, value in reversed(checks):
        formula = f"IF({condition},{value},{formula})"
    return formula


def count_errors(r: Refs) -> str:
    """The row's first count that cannot be read, as "Lỗi: …" in the engine's words (with the
    reason for text it refuses), else "" (a helper cell of the row: "Kết quả" shows it
    first)."""
    labels = r.labels()
    formula = '""'
    for key in reversed(r.counts()):  # CHOOSE(error+1, the next count's check, its 3 sentences)
        detail = f'"{labels[key]}"'
        formula = (f"CHOOSE({r.error(key)}+1,{formula},"
                   f"{literal(issue_text(Code.NOT_A_NUMBER, detail, L.COUNT_TEXT_RULE))},"
                   f"{literal(issue_text(Code.NOT_AN_INTEGER, detail))},"
                   f"{literal(issue_text(Code.NEGATIVE_NUMBER, detail))},"
                   f"{literal(issue_text(Code.NOT_A_NUMBER, detail))})")
    return "=" + formula


def row_result(r: Refs, recognised: str, kind_ok: str, title: str, count_check: str) -> str:
    """"Kết quả" of one row: blank for an empty row, "Lỗi: …" for what the engine reports as an
    error (SHEET_ERROR_CODES), else Đạt / Không đạt. `count_check` is the row's count_errors
    cell."""
    labels = r.labels()
    checks: list[tuple[str, str]] = [(f'{count_check}<>""', count_check)]
    name_key = "full_name" if r.kind == "individual" else "name"
    other = "collective" if r.kind == "individual" else "individual"
    checks += [
        (no_text(r.name()), literal(issue_text(Code.MISSING_VALUE, f'"{labels[name_key]}"'))),
        (no_text(title), literal(issue_text(Code.MISSING_VALUE, f'"{labels["title"]}"'))),
        (f"NOT({recognised})", literal(UNRECOGNISED)),
        (f"NOT({kind_ok})", literal(issue_text(
            Code.WRONG_TITLE_KIND, f"danh hiệu {_KIND_WORDS[other]}, không đề nghị cho "
                                   f"{_KIND_WORDS[r.kind]}"))),
        *((c, literal(m)) for c, m in _required(r)),
        (f"{r.number('present')}>{r.number('members')}",
         literal(issue_text(Code.PRESENT_EXCEEDS_MEMBERS))),
        (f"{r.number('agree')}>{_denominator(r)}",
         f'IF({r.rule("of_members")}=1,'
         f'{literal(issue_text(Code.AGREE_EXCEEDS_PRESENT, "tổng số thành viên"))},'
         f'{literal(issue_text(Code.AGREE_EXCEEDS_PRESENT, "số có mặt"))})'),
    ]
    if r.kind == "collective":
        # Headcount is filled where the criteria count; a blank CSTT count is 0, never above.
        h, c1 = r.number("headcount"), r.number("cstt")
        checks.append((f"({r.rule('has_criteria')}=1)*({c1}>{h})",
                       literal(issue_text(Code.CRITERIA_NOT_MET,
                                          f"số đạt CSTT {CSTT_ABOVE_HEADCOUNT}"))))
    verdict = f'IF({passes(r)},"{F.RESULT_PASSED}","{F.RESULT_FAILED}")'
    return f'=IF(AND({no_text(title)},{no_text(r.name())}),"",{_chain(checks, verdict)})'


def passed_count(r: Refs, is_title: str) -> str:
    """Array formula: rows of the range where `is_title` holds and that pass — a row with an
    error counts for nothing, as in the engine."""
    errors = [f"({r.error(k)}>0)" for k in r.counts()]
    errors += [f"({no_text(r.name())})"] + [f"({c})" for c, _ in _required(r)]
    if r.checked is not None:
        errors.append(f'({r.checked}<>"")')
    return f"=SUM(IF({is_title},IF({'+'.join(errors)},0,IF({passes(r)},1,0)),0))"


def is_sheet_error(issue: Issue) -> bool:
    """Whether the sheet shows this engine issue as "Lỗi: …" (the cases the sheet flags)."""
    return issue.code in SHEET_ERROR_CODES or (
        issue.code == Code.CRITERIA_NOT_MET and CSTT_ABOVE_HEADCOUNT in issue.message)


def engine_result(nom: Nomination) -> str:
    """What "Kết quả" shows for a nomination the engine has validated: its first error in the
    engine's words, else Đạt / Không đạt (the cached value of the formula)."""
    errors = [issue for issue in nom.issues if is_sheet_error(issue)]
    if errors:
        return ERROR_PREFIX + errors[0].message
    return F.RESULT_PASSED if nom.passed else F.RESULT_FAILED


# Scores ("Chấm điểm" of the unit template, the cluster template's live "Xếp hạng"): decimals
# are allowed, so a score typed as text is read only when it is digits 0-9 (spaces around), as
# addin.io.scores_reader.to_points reads it; any other text ("8,5", "1e1", "1.000") and TRUE/
# FALSE are errors, never a silent 0. So is a score above MAX_COUNT, typed as a number or as
# digits (the engine's limit: cells.to_number, typed_numbers.text_count).
POINTS_REFUSED_WHY, POINTS_TOO_LARGE = 1, 2  # points_error's kinds of refusal


def _points_text_ok(ref: str) -> str:
    return f'{_digits_dropped(spaces_trimmed(ref))}=""'


def _digits_value(ref: str) -> str:
    """Digits-only text as a number; above MAX_COUNT where VALUE cannot read it (too long)."""
    return f"IFERROR(VALUE({spaces_trimmed(ref)}),{MAX_COUNT + 1})"


def points_error(ref: str) -> str:
    """Where the cell (or each cell of a range, in an array formula) holds a score the engine
    refuses: POINTS_REFUSED_WHY (1) for text other than digits and TRUE/FALSE (the sentence
    gives labels.SCORE_TEXT_RULE), POINTS_TOO_LARGE (2) for a number or digits above MAX_COUNT
    (the sentence alone, as scores_reader.points_why gives it); else 0."""
    return (f"IF(ISLOGICAL({ref}),{POINTS_REFUSED_WHY},IF(ISNUMBER({ref}),"
            f"IF(ABS({ref})>{MAX_COUNT},{POINTS_TOO_LARGE},0),IF(ISTEXT({ref}),"
            f'IF({_points_text_ok(ref)},IF({spaces_trimmed(ref)}="",0,'
            f"IF({_digits_value(ref)}>{MAX_COUNT},{POINTS_TOO_LARGE},0)),"
            f"{POINTS_REFUSED_WHY}),0)))")


def points_number(ref: str) -> str:
    """The score as the engine reads it: a number, or digits-only text as a number; "" when
    blank or refused (points_error says which)."""
    text = spaces_trimmed(ref)
    return (f'IF(ISLOGICAL({ref}),"",IF(ISNUMBER({ref}),IF(ABS({ref})>{MAX_COUNT},"",{ref}),'
            f'IF(ISTEXT({ref}),IF(({_points_text_ok(ref)})*({text}<>""),'
            f'IF({_digits_value(ref)}>{MAX_COUNT},"",VALUE({text})),""),"")))')


def points_said(ref: str, detail: str) -> str:
    """The engine's sentence for the first kind of refused score in `ref` (a range, in an array
    formula): with the reason where text or TRUE/FALSE is refused, without it where only a
    score above MAX_COUNT is; "" where none is."""
    error = points_error(ref)
    return (f"IF(SUM(IF({error}={POINTS_REFUSED_WHY},1,0))>0,"
            f"{literal(issue_text(Code.NOT_A_NUMBER, detail, L.SCORE_TEXT_RULE))},"
            f"IF(SUM({error})>0,{literal(issue_text(Code.NOT_A_NUMBER, detail))},\"\"))")


# A score's bounds (scoring._problem: below zero, above its criterion's maximum, off the
# covenant's step), checked by the unit template's "Chấm điểm" totals and the live "Xếp hạng"
# alike, and said in the engine's sentence (scoring.score_label, problem_detail).
POINTS_NEGATIVE, POINTS_ABOVE_MAX, POINTS_OFF_STEP = 1, 2, 3  # points_out_of_bounds' kinds


def points_read(ref: str) -> str:
    """A score that is not refused as text (points_error 0), as a number (0 when blank): VALUE
    of its text reads back a number and digits alike in every locale."""
    return f"IFERROR(VALUE({spaces_trimmed(ref)}),0)"


def points_out_of_bounds(value: str, maximum: str, step: str) -> str:
    """Per score (an array over a range): 1 below zero, 2 above `maximum`, 3 off `step`, else 0
    — scoring._problem's checks, in its order (`value`, `maximum`, `step`: formulas)."""
    return (f"IF({value}<0,{POINTS_NEGATIVE},IF({value}>{maximum},{POINTS_ABOVE_MAX},"
            f"IFERROR(IF(ROUND({value}/{step},6)<>ROUND({value}/{step},0),{POINTS_OFF_STEP},0),"
            f"0)))")


# Stand-ins for the parts of a sentence a formula fills in (never in a sentence's own words).
_VALUE, _CODE, _BOUND = "\x01", "\x02", "\x03"


def points_shown(number: str) -> str:
    """Points as format_points writes them (7,5; 10), whatever the locale's decimal mark."""
    return f'SUBSTITUTE(ROUND({number},2)&"",".",",")'


def spliced(sentence: str, parts: Mapping[str, str]) -> str:
    """A formula of `sentence` with each stand-in replaced by its formula."""
    pieces: list[str] = []
    text = ""
    for char in sentence:
        if char in parts:
            if text:
                pieces.append(literal(text))
            pieces.append(parts[char])
            text = ""
        else:
            text += char
    if text:
        pieces.append(literal(text))
    return "&".join(pieces)


def points_bounds_said(column: str, value: str, code: str, maximum: str, step: str) -> str:
    """The engine's sentence for a score out of bounds (points_out_of_bounds > 0): the score
    `value` of the criterion `code` in the column named `column` (labels.SCORE_SELF …), against
    `maximum` and `step` (all formulas) — scoring._problem's issue, built from the same words."""
    label = score_label(column, _VALUE, _CODE)

    def said(code_: Code, bound: str = "") -> str:
        return spliced(issue_text(code_, problem_detail(code_, label, bound)),
                       {_VALUE: points_shown(value), _CODE: code,
                        _BOUND: points_shown(maximum if code_ == Code.SCORE_EXCEEDS_MAX
                                             else step)})

    return (f"IF({value}<0,{said(Code.NEGATIVE_SCORE)},IF({value}>{maximum},"
            f"{said(Code.SCORE_EXCEEDS_MAX, _BOUND)},{said(Code.NOT_A_NUMBER, _BOUND)}))")


def points_missing_said(column: str, code: str) -> str:
    """The engine's sentence for a criterion's score left blank (scoring.score_unit's
    missing_value): 'Lỗi: Chưa nhập "Điểm cụm chấm" của tiêu chí TC01', `code` a formula."""
    return spliced(issue_text(Code.MISSING_VALUE, L.score_detail(column, _CODE)), {_CODE: code})
