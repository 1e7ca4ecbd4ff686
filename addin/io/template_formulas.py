"""The unit template's decision formulas, written once for a row and for a whole column.

A data row's "Kết quả" and the quota lines' "Đã đạt" decide the same thing: the first for one
row (its cells, its title's rule found by the row's helper), the second for every row of a
column range at once (one title's rule), as a legacy array formula that Excel 2016/2019 and
LibreOffice both compute. Both are built here from one description of the engine's checks
(addin.domain.validation), so the totals read the raw columns and count a row staff typed or
pasted without copying its formulas.

Only IF, arithmetic and comparisons combine conditions (AND/OR would fold a whole array into one
value); a check that could meet text is guarded by ISNUMBER first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.issues import Code, Issue, issue_text
from addin.domain.models import Nomination

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

    def counts(self) -> list[str]:
        return [key for key in self.columns if key in F.COUNT_FIELDS]

    def labels(self) -> dict[str, str]:
        return F.INDIVIDUAL_LABELS if self.kind == "individual" else F.COLLECTIVE_LABELS

    def name(self) -> str:
        return self.cell("full_name" if self.kind == "individual" else "name")


def _blank(ref: str) -> str:
    return f'TRIM({ref})=""'


def _no_text(ref: str) -> str:
    """Blank as the engine cleans text: non-breaking spaces and line breaks are spaces too.
    (UNICHAR carries the _xlfn. prefix, so the writer takes the formula as already prepared
    instead of scanning it for new functions: the long row formulas are written 3× faster.)"""
    return f'{spaces_trimmed(ref)}=""'


def _number(ref: str) -> str:
    """The cell as a number, 0 when blank (text never reaches here: it is an error first)."""
    return f"IF(ISNUMBER({ref}),{ref},0)"


def count_error(ref: str) -> str:
    """0 for a whole number ≥ 0 or a blank; else 1 not a number, 2 not whole, 3 negative —
    the reader's order (addin.io.cells.to_count)."""
    return f'IF(ISNUMBER({ref}),IF(INT({ref})<>{ref},2,IF({ref}<0,3,0)),IF({_blank(ref)},0,1))'


def _denominator(r: Refs) -> str:
    if r.denominator:
        return r.denominator
    return f'IF({r.rule("of_members")}=1,{r.cell("members")},{r.cell("present")})'


def passes(r: Refs) -> str:
    """1/0 (or TRUE/FALSE) per row: the vote and the title's conditions met, for a row whose
    counts are valid and whose required cells are filled."""
    m, p, a = (r.cell(k) for k in ("members", "present", "agree"))
    q = r.rule
    den = _denominator(r)
    vote = (f"({den}>0)*({p}<={m})*({a}<={den})*({p}*{q('q_den')}>={q('q_num')}*{m})*"
            f"IF({q('strict')}=1,{a}*{q('th_den')}>{q('th_num')}*{den},"
            f"{a}*{q('th_den')}>={q('th_num')}*{den})")
    if r.kind == "individual":
        ini, st = r.cell("initiative"), r.cell("streak")
        extra = (f'(({q("initiative")}=0)+(TRIM({ini})<>"")>0)*'
                 f"(({q('streak')}=0)+ISNUMBER({st})*({_number(st)}>={q('streak')})>0)")
    else:
        h, c1, c2, d = (r.cell(k) for k in ("headcount", "cstt", "cstdcs", "disciplined"))
        hn, cn = _number(h), _number(c1)
        share = (f"IF(ISNUMBER({c1}),({hn}>0)*({cn}<={hn})*IF({q('c_strict')}=1,"
                 f"{cn}*{q('c_den')}>{q('c_num')}*{hn},{cn}*{q('c_den')}>={q('c_num')}*{hn}),1)")
        extra = (f"(({q('has_criteria')}=0)+ISNUMBER({h})*{share}*"
                 f"({_number(c2)}>={q('c_cstdcs')})*({_number(d)}<={q('c_disc')})>0)")
    return f"{vote}*{extra}"


def _required(r: Refs) -> list[tuple[str, str]]:
    """(condition, message) of the required cells left blank, once the title is known."""
    labels, q = r.labels(), r.rule
    found = [(_blank(r.cell(k)), issue_text(Code.MISSING_VALUE, f'"{labels[k]}"'))
             for k in ("members", "present", "agree")]
    if r.kind == "individual":
        found.append((f"({q('streak')}>0)*({_blank(r.cell('streak'))})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["streak"]}"')))
    else:
        found.append((f"({q('has_criteria')}=1)*({_blank(r.cell('headcount'))})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["headcount"]}"')))
        found.append((f"({q('has_criteria')}=1)*({q('c_num')}>0)*({_blank(r.cell('cstt'))})",
                      issue_text(Code.MISSING_VALUE, f'"{labels["cstt"]}"')))
    return found


def _chain(checks: Sequence[tuple[str, str]], last: str) -> str:
    """IF(c1,v1,IF(c2,v2,…last)): the first check that holds gives the value."""
    formula = last
    for condition, value in reversed(checks):
        formula = f"IF({condition},{value},{formula})"
    return formula


def row_result(r: Refs, recognised: str, kind_ok: str, title: str) -> str:
    """"Kết quả" of one row: blank for an empty row, "Lỗi: …" for what the engine reports as an
    error (SHEET_ERROR_CODES), else Đạt / Không đạt."""
    labels = r.labels()
    checks: list[tuple[str, str]] = []
    for key in r.counts():
        error = count_error(r.cell(key))
        detail = f'"{labels[key]}"'
        checks.append((f"{error}>0", f"CHOOSE({error},{literal(issue_text(Code.NOT_A_NUMBER, detail))},"
                       f"{literal(issue_text(Code.NOT_AN_INTEGER, detail))},"
                       f"{literal(issue_text(Code.NEGATIVE_NUMBER, detail))})"))
    name_key = "full_name" if r.kind == "individual" else "name"
    other = "collective" if r.kind == "individual" else "individual"
    checks += [
        (_no_text(r.name()), literal(issue_text(Code.MISSING_VALUE, f'"{labels[name_key]}"'))),
        (_no_text(title), literal(issue_text(Code.MISSING_VALUE, f'"{labels["title"]}"'))),
        (f"NOT({recognised})", literal(UNRECOGNISED)),
        (f"NOT({kind_ok})", literal(issue_text(
            Code.WRONG_TITLE_KIND, f"danh hiệu {_KIND_WORDS[other]}, không đề nghị cho "
                                   f"{_KIND_WORDS[r.kind]}"))),
        *((c, literal(m)) for c, m in _required(r)),
        (f"{r.cell('present')}>{r.cell('members')}",
         literal(issue_text(Code.PRESENT_EXCEEDS_MEMBERS))),
        (f"{r.cell('agree')}>{_denominator(r)}",
         f'IF({r.rule("of_members")}=1,'
         f'{literal(issue_text(Code.AGREE_EXCEEDS_PRESENT, "tổng số thành viên"))},'
         f'{literal(issue_text(Code.AGREE_EXCEEDS_PRESENT, "số có mặt"))})'),
    ]
    if r.kind == "collective":
        h, c1 = r.cell("headcount"), r.cell("cstt")
        checks.append((f"({r.rule('has_criteria')}=1)*ISNUMBER({h})*ISNUMBER({c1})*({c1}>{h})",
                       literal(issue_text(Code.CRITERIA_NOT_MET,
                                          f"số đạt CSTT {CSTT_ABOVE_HEADCOUNT}"))))
    verdict = f'IF({passes(r)},"{F.RESULT_PASSED}","{F.RESULT_FAILED}")'
    return f'=IF(AND({_no_text(title)},{_no_text(r.name())}),"",{_chain(checks, verdict)})'


def passed_count(r: Refs, is_title: str) -> str:
    """Array formula: rows of the range where `is_title` holds and that pass — a row with an
    error counts for nothing, as in the engine."""
    errors = [f"({count_error(r.cell(k))}>0)" for k in r.counts()]
    errors += [f"({_no_text(r.name())})"] + [f"({c})" for c, _ in _required(r)]
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
