"""What the Excel functions compute, without Excel: cell values in, cell values out.

Each function takes single values or 2-D ranges (lists of rows, as xlwings passes them) and
returns a value of the same shape. Bad input gives a readable Vietnamese message in the cell,
never an exception. The decisions are the domain's (addin.domain); this module only converts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.commendation_forms import recognise_form
from addin.domain.issues import Code, issue_text
from addin.domain.labels import ERROR_PREFIX
from addin.domain.legacy import detect_and_convert
from addin.domain.quotas import quota_limit
from addin.domain.rules import Rules
from addin.domain.scoring import ScoreLine, ScoreSheet, score_unit
from addin.domain.text import clean
from addin.domain.titles import recognise_title
from addin.domain.validation import duplicate_people, validate_nomination, with_issues
from addin.domain.votes import display_percent, evaluate_vote
from addin.io.cells import count_why, to_count, to_text
from addin.io.reader import read_table, table_kind
from addin.io.scores_reader import points_why, to_points

# A failure the engine reports as an Issue shows that issue's sentence (issue_text, the same
# text as the templates' in-sheet checks); these are the functions' own failures.
MSG_SHAPE = f"{ERROR_PREFIX}các vùng không cùng kích thước"
MSG_UNKNOWN_TITLE = f"{ERROR_PREFIX}không rõ danh hiệu"
MSG_UNKNOWN_FORM = "Không có trong danh mục hình thức khen thưởng"
MSG_NO_QUOTA = f"{ERROR_PREFIX}danh hiệu không có tỷ lệ xét tặng"
MSG_NO_COVENANT = f"{ERROR_PREFIX}chưa có giao ước thi đua (tdkt-rules.toml của cụm, mục [covenant])"
MSG_NOT_TABLE = f"{ERROR_PREFIX}không nhận ra bảng Cá nhân/Tập thể (cần cả dòng tiêu đề)"
MSG_RAGGED = f"{ERROR_PREFIX}vùng không phải hình chữ nhật (các dòng dài ngắn khác nhau)"
MSG_ZERO_DENOMINATOR = f"{ERROR_PREFIX}mẫu số bằng 0"
MSG_NO_SCORE = f"{ERROR_PREFIX}chưa có điểm"


def _is_range(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _grid(value: Sequence[Any]) -> list[list[Any]] | None:
    """A range as rows of cells: a flat list is one row; None when the rows are ragged or mix
    cells and rows (Python callers can pass such lists; Excel never does)."""
    if all(not _is_range(v) for v in value):
        return [list(value)]
    if not all(_is_range(v) for v in value):
        return None
    rows = [list(v) for v in value]
    if len({len(r) for r in rows}) > 1 or any(_is_range(c) for r in rows for c in r):
        return None
    return rows


def broadcast(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply fn cell by cell. All scalars -> a scalar; otherwise the shape of the ranges given
    (a single value is repeated over the range)."""
    grids: dict[int, list[list[Any]]] = {}
    for i, arg in enumerate(args):
        if _is_range(arg):
            grid = _grid(arg)
            if grid is None:
                return MSG_RAGGED
            grids[i] = grid
    if not grids:
        return fn(*args)
    shapes = {(len(g), len(g[0]) if g else 0) for g in grids.values()}
    if len(shapes) > 1:
        return MSG_SHAPE
    rows, cols = shapes.pop()
    return [[fn(*(grids[i][r][c] if i in grids else a for i, a in enumerate(args)))
             for c in range(cols)] for r in range(rows)]


def _count(value: Any, label: str) -> tuple[int | None, str | None]:
    """A whole number ≥ 0, or the cell's sentence for the issue (as the templates word it)."""
    number, code = to_count(value)
    if code is not None:
        return None, issue_text(code, f'"{label}"', count_why(value, code))
    if number is None:
        return None, issue_text(Code.MISSING_VALUE, f'"{label}"')
    return number, None


def vote_share(agree: Any, denominator: Any, rules: Rules) -> Any:
    """TDKT_TYLE: agree / denominator in %, 2 decimals."""
    def one(a: Any, d: Any) -> Any:
        agree_n, err = _count(a, F.INDIVIDUAL_LABELS["agree"])
        if err:
            return err
        den_n, err = _count(d, "mẫu số")
        if err:
            return err
        assert agree_n is not None and den_n is not None
        if den_n == 0:
            return MSG_ZERO_DENOMINATOR
        if agree_n > den_n:
            return issue_text(Code.AGREE_EXCEEDS_PRESENT, "mẫu số")
        return display_percent(agree_n, den_n, rules.percent_decimals)

    return broadcast(one, agree, denominator)


def vote_result(title: Any, members: Any, present: Any, agree: Any, rules: Rules) -> Any:
    """TDKT_KETQUA: "Đạt" / "Không đạt" by the title's vote rule, or what is wrong."""
    def one(t: Any, m: Any, p: Any, a: Any) -> Any:
        code = recognise_title(t, rules)
        if code is None:
            return MSG_UNKNOWN_TITLE if clean(t) else ""
        counts: list[int] = []
        for value, key in ((m, "members"), (p, "present"), (a, "agree")):
            number, err = _count(value, F.INDIVIDUAL_LABELS[key])
            if err or number is None:
                return err
            counts.append(number)
        members_n, present_n, agree_n = counts
        rule = rules.title(code).vote
        outcome = evaluate_vote(rule, members_n, present_n, agree_n, rules.percent_decimals)
        if outcome.present_too_high:
            return issue_text(Code.PRESENT_EXCEEDS_MEMBERS)
        if outcome.agree_too_high:
            return issue_text(Code.AGREE_EXCEEDS_PRESENT, "tổng số thành viên"
                              if rule.denominator == "members" else "số có mặt")
        if not outcome.quorum_ok:
            return f"{F.RESULT_FAILED} (không đủ túc số)"
        return F.RESULT_PASSED if outcome.reached else F.RESULT_FAILED

    return broadcast(one, title, members, present, agree)


def quota_for(title: Any, base: Any, rules: Rules) -> Any:
    """TDKT_HANMUC: the largest number that may be proposed for the title from that base."""
    def one(t: Any, b: Any) -> Any:
        code = recognise_title(t, rules)
        if code is None:
            return MSG_UNKNOWN_TITLE
        quota = next((q for q in rules.quotas if q.enabled and q.title == code), None)
        if quota is None:
            return MSG_NO_QUOTA
        if quota.max_count is not None:
            return quota.max_count
        base_n, err = _count(b, "số cơ sở")
        if err:
            return err
        assert base_n is not None and quota.max_share is not None
        return quota_limit(base_n, quota.max_share, quota.rounding)

    return broadcast(one, title, base)


def title_name(text: Any, rules: Rules) -> Any:
    """TDKT_DANHHIEU: the canonical name of the title any spelling names."""
    def one(t: Any) -> Any:
        if not clean(t):
            return ""
        code = recognise_title(t, rules)
        return rules.title(code).name if code else MSG_UNKNOWN_TITLE

    return broadcast(one, text)


def form_name(text: Any, rules: Rules) -> Any:
    """TDKT_HINHTHUC: the catalogue name of the commendation form any spelling names."""
    def one(t: Any) -> Any:
        if not clean(t):
            return ""
        code = recognise_form(t, rules)
        return rules.forms[code].name if code else MSG_UNKNOWN_FORM

    return broadcast(one, text)


def normalise(text: Any) -> Any:
    """TDKT_CHUANHOA: NFC, spaces trimmed and folded, TCVN3/VNI converted to Unicode."""
    def one(t: Any) -> Any:
        if t is None:
            return ""
        if isinstance(t, float) and t.is_integer():
            t = int(t)
        return detect_and_convert(clean(t))[0]

    return broadcast(one, text)


def check_table(table: Sequence[Sequence[Any]], rules: Rules, unit: str = "") -> list[list[str]]:
    """TDKT_KIEMTRA: one message per data row of a "Cá nhân" or "Tập thể" table ("" when the
    row is fine). The table includes its header row; the result has one row per data row."""
    if not _is_range(table) or len(table) < 1 or not all(_is_range(r) for r in table):
        return [[MSG_NOT_TABLE]]
    rows = [list(r) for r in table]  # ragged rows are fine: short ones are read as blanks
    kind = table_kind(rows)
    if kind is None:
        return [[MSG_NOT_TABLE]] * max(1, len(rows) - 1)
    book = read_table(rows, kind)
    records = book.individuals + book.collectives
    if not records and any(i.code == "missing_column" for i in book.issues):
        return [[MSG_NOT_TABLE]] * max(1, len(rows) - 1)
    judged = [validate_nomination(nom, rules, default_unit=unit) for nom in records]
    records = with_issues(judged, duplicate_people(judged))
    messages: dict[int, list[str]] = {}
    for nom in records:
        for issue in nom.issues:
            if issue.severity != "info":
                messages.setdefault(nom.row, []).append(issue.message)
    for issue in book.issues:  # legacy text and other table-level notes
        if issue.row and issue.severity != "info":
            messages.setdefault(issue.row, []).append(issue.message)
    return [["; ".join(messages.get(r, []))] for r in range(2, len(rows) + 1)]


def _column(value: Any) -> list[Any]:
    """A range (rows of cells) or a single cell as one flat list, row by row."""
    if _is_range(value):
        return [cell for row in value for cell in row]
    return [value]


def covenant_total(codes: Any, self_scores: Any, cluster_scores: Any, rules: Rules) -> Any:
    """TDKT_DIEM: a unit's total under the cluster's covenant (bonus and penalty caps applied;
    the cluster's score where given), or the first problem as a message."""
    if rules.covenant is None:
        return MSG_NO_COVENANT
    code_cells, self_cells = _column(codes), _column(self_scores)
    cluster_cells = _column(cluster_scores) if cluster_scores is not None else []
    if len(code_cells) != len(self_cells) or (cluster_cells and
                                              len(cluster_cells) != len(code_cells)):
        return MSG_SHAPE
    lines = []
    for i, code_cell in enumerate(code_cells):
        code = to_text(code_cell)[0]
        own, problem = to_points(self_cells[i])
        reviewed, problem2 = to_points(cluster_cells[i]) if cluster_cells else (None, None)
        if problem or problem2:
            column, why = ((L.SCORE_SELF, points_why(self_cells[i], problem)) if problem else
                           (L.SCORE_CLUSTER, points_why(cluster_cells[i], problem2)))
            return issue_text(Code.NOT_A_NUMBER, L.score_detail(column, code or str(i + 1)), why)
        if code or own is not None or reviewed is not None:
            lines.append(ScoreLine(row=i + 1, code=code, self_score=own, cluster_score=reviewed))
    result = score_unit(ScoreSheet(file="", sheet="", lines=tuple(lines)), rules.covenant)
    errors = [i for i in result.issues if i.severity == "error"]
    if errors:
        return ERROR_PREFIX + errors[0].message
    if result.used is None:
        return MSG_NO_SCORE
    return float(result.used.total)


MSG_NO_HISTORY = "Chưa có cơ sở dữ liệu lịch sử ({name})"
MSG_AMBIGUOUS = "Trùng nhiều người: cần Số hiệu quân nhân hoặc Năm sinh"


def proven_streak(full_name: Any, title: Any, period: Any, service_no: Any, birth_year: Any,
                  unit: Any, db: str | None, rules: Rules) -> Any:
    """TDKT_CHUOINAM: the consecutive years of the prerequisite title that the history database
    proves for the person on the row (for the title proposed, in the period's year). The
    database is read-only here, and read once for the whole range."""
    from pathlib import Path

    from addin.domain.periods import parse_period
    from addin.domain.persons import PersonRef
    from addin.domain.streaks import chain_for
    from addin.io import history_db as hdb

    args = (full_name, title, period, service_no, birth_year, unit)
    if not db or not Path(db).is_file():
        message = MSG_NO_HISTORY.format(name=Path(db).name if db else hdb.DEFAULT_DB)
        return broadcast(lambda *_: message, *args)

    def ref(n: Any, s: Any, b: Any, u: Any) -> PersonRef:
        return PersonRef(detect_and_convert(clean(n))[0], clean(u), clean(s), to_count(b)[0])

    refs: list[PersonRef] = []
    broadcast(lambda n, _t, _p, s, b, u: refs.append(ref(n, s, b, u)), *args)
    conn = hdb.connect(db, readonly=True)
    try:
        history = hdb.streak_history(conn, refs, rules)
    finally:
        conn.close()

    def one(n: Any, t: Any, p: Any, s: Any, b: Any, u: Any) -> Any:
        code = recognise_title(t, rules)
        chain = chain_for(code, rules) if code else None
        if chain is None or not clean(n):
            return ""
        parsed = parse_period(p)
        if parsed is None:
            return issue_text(Code.PERIOD_UNPARSED)
        _match, streak = history.proven(ref(n, s, b, u), chain, parsed.start)
        if streak is None:
            return MSG_AMBIGUOUS
        if streak.complete or streak.count >= chain.count:  # enough, even if older years lack
            return streak.count
        return f"ít nhất {streak.count} (chưa có dữ liệu năm {streak.missing})"

    return broadcast(one, *args)
