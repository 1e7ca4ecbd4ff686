"""Covenant scoring (contracts.md §8): a unit's "Chấm điểm" lines in, validated totals out; the
cluster's ranking, the proposal each unit earns, the suy tôn result and the next chair.

Exact arithmetic only (Fraction): 0.5 steps add up exactly and ties are real ties. The order of
the units never comes from file order: the covenant's tie-break steps decide, and a tie that
survives them shares a rank and is left to the conference's vote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from addin.domain import labels as L
from addin.domain.covenant import (
    TIE_CRITERION,
    TIE_DVQT,
    TIE_LABEL,
    TIE_PENALTY,
    TIE_VOTE,
    Covenant,
    CriterionKind,
    Proposal,
    format_points,
)
from addin.domain.issues import Code, Issue, has_errors, make_issue
from addin.domain.text import fold
from addin.domain.votes import display_percent, evaluate_vote

SHEET_SCORES = "Chấm điểm"
SCORE_LABELS: dict[str, str] = {
    "code": "Mã tiêu chí",
    "text": "Nội dung tiêu chí",
    "max": "Điểm tối đa",
    "self": L.SCORE_SELF,
    "cluster": L.SCORE_CLUSTER,
    "evidence": "Minh chứng",
}
SCORE_REQUIRED = ("code", "self")
NO_PROPOSAL = ""


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One row of a unit's "Chấm điểm" sheet, numbers already read (None: blank or unreadable)."""

    row: int
    code: str
    text: str = ""
    max: Fraction | None = None
    self_score: Fraction | None = None
    cluster_score: Fraction | None = None
    evidence: str = ""
    kind: CriterionKind | None = None  # the sheet's own "Loại điểm", used without a covenant
    columns: Mapping[str, str] = field(default_factory=dict)  # key -> Excel column letter
    invalid: frozenset[str] = frozenset()  # cells that could not be read (already reported)


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """A unit's "Chấm điểm" as read; built whole, or from a ScoreDraft while a reader collects."""

    file: str
    sheet: str
    lines: tuple[ScoreLine, ...] = ()
    issues: tuple[Issue, ...] = ()  # what reading found


@dataclass(slots=True)
class ScoreDraft:
    """A "Chấm điểm" while a reader fills it; `freeze()` gives the sheet everyone else sees."""

    file: str
    sheet: str
    lines: list[ScoreLine] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def freeze(self) -> ScoreSheet:
        return ScoreSheet(self.file, self.sheet, tuple(self.lines), tuple(self.issues))


@dataclass(frozen=True)
class Totals:
    base: Fraction
    bonus: Fraction  # after the cap
    penalty: Fraction  # after the cap (subtracted)
    penalty_points: Fraction  # before the cap (the "fewer penalty points" tie-break)
    by_code: Mapping[str, Fraction]

    @property
    def total(self) -> Fraction:
        return self.base + self.bonus - self.penalty


@dataclass(frozen=True)
class UnitScore:
    """A unit's validated scores: self, cluster (None when the cluster scored nothing) and the
    score used (the cluster's where given, criterion by criterion)."""

    self_totals: Totals | None
    cluster_totals: Totals | None
    used: Totals | None
    issues: tuple[Issue, ...]

    @property
    def valid(self) -> bool:
        return self.used is not None and not has_errors(list(self.issues))


def _totals(values: Mapping[str, Fraction], kinds: Mapping[str, CriterionKind],
            covenant: Covenant | None) -> Totals:
    sums: dict[CriterionKind, Fraction] = {"criterion": Fraction(0), "bonus": Fraction(0),
                                           "penalty": Fraction(0)}
    for code, value in values.items():
        sums[kinds[code]] += value
    bonus, penalty = sums["bonus"], sums["penalty"]
    if covenant is not None:
        bonus, penalty = min(bonus, covenant.bonus_cap), min(penalty, covenant.penalty_cap)
    return Totals(base=sums["criterion"], bonus=bonus, penalty=penalty,
                  penalty_points=sums["penalty"], by_code=dict(values))


def score_label(column: str, value: str, code: str) -> str:
    """How a score is named in the sentence of its problem: "Điểm cụm chấm 16, tiêu chí TC01"
    (`value` as format_points writes it; the live "Xếp hạng" builds it by formula)."""
    return f"{column} {value}, tiêu chí {code}"


def problem_detail(code: Code, label: str, bound: str = "") -> str:
    """The detail of a score's problem (_problem's three): below zero, above the criterion's
    maximum `bound`, off the covenant's step `bound` — one wording for the engine and the live
    "Xếp hạng" (addin.io.live_ranking)."""
    if code == Code.NEGATIVE_SCORE:
        return f"({label})"
    if code == Code.SCORE_EXCEEDS_MAX:
        return f"({label}, tối đa {bound})"
    return f"{label}: điểm chấm theo bước {bound}"


def _problem(value: Fraction, maximum: Fraction | None, step: Fraction | None, label: str
             ) -> tuple[Code, str] | None:
    """Why a score cannot count (below zero, above the criterion's maximum, off the step)."""
    if value < 0:
        return Code.NEGATIVE_SCORE, problem_detail(Code.NEGATIVE_SCORE, label)
    if maximum is not None and value > maximum:
        return Code.SCORE_EXCEEDS_MAX, problem_detail(Code.SCORE_EXCEEDS_MAX, label,
                                                      format_points(maximum))
    if step is not None and (value / step).denominator != 1:
        # no §9 code for an off-step score: it is not a number the covenant accepts
        return Code.NOT_A_NUMBER, problem_detail(Code.NOT_A_NUMBER, label, format_points(step))
    return None


def score_unit(sheet: ScoreSheet, covenant: Covenant | None) -> UnitScore:
    """Validate one unit's sheet against the covenant (or, without one, against the sheet's own
    maxima) and add it up. Every problem becomes an issue; one pass collects them all."""
    issues: list[Issue] = list(sheet.issues)

    def issue(code: Code, detail: str, line: ScoreLine | None = None, key: str | None = None
              ) -> None:
        column = line.columns.get(key) if line is not None and key else None
        issues.append(make_issue(code, detail, file=sheet.file, sheet=sheet.sheet,
                                 row=line.row if line else None, column=column))

    if not any(line.self_score is not None or line.cluster_score is not None or line.invalid
               for line in sheet.lines):
        return UnitScore(None, None, None, tuple(issues))  # not scored yet (a blank template)
    seen: dict[str, ScoreLine] = {}
    kinds: dict[str, CriterionKind] = {}
    self_values: dict[str, Fraction] = {}
    cluster_values: dict[str, Fraction] = {}
    any_cluster = any(line.cluster_score is not None for line in sheet.lines)
    for line in sheet.lines:
        if not line.code:
            issue(Code.MISSING_VALUE, f'"{SCORE_LABELS["code"]}"', line, "code")
            continue
        criterion = covenant.criterion(line.code) if covenant else None
        if covenant is not None and criterion is None:
            issue(Code.UNKNOWN_CRITERION, f"{line.code} ({covenant.name})", line, "code")
            continue
        code = criterion.code if criterion else line.code
        if fold(code) in seen:
            issue(Code.UNKNOWN_CRITERION, f"{code} ghi hai lần (dòng {seen[fold(code)].row} và "
                  f"dòng {line.row})", line, "code")
            continue
        seen[fold(code)] = line
        maximum = criterion.max if criterion else line.max
        if maximum is None and "max" not in line.invalid:
            issue(Code.MISSING_VALUE, f'"{SCORE_LABELS["max"]}" của tiêu chí {code}', line, "max")
        step = covenant.step if covenant else None
        kind = criterion.kind if criterion else (line.kind or "criterion")
        kinds[code] = kind
        for key, value, into in (("self", line.self_score, self_values),
                                 ("cluster", line.cluster_score, cluster_values)):
            if value is None:
                if key in line.invalid or key == "cluster":
                    continue  # reported already / the cluster kept the unit's own score
                if kind == "criterion" and covenant is not None:
                    issue(Code.MISSING_VALUE, f'"{SCORE_LABELS["self"]}" của tiêu chí {code}',
                          line, "self")
                    continue
                value = Fraction(0)  # blank bonus/penalty row, or any row without a covenant
            problem = _problem(value, maximum, step,
                               score_label(SCORE_LABELS[key], format_points(value), code))
            if problem is not None:
                issue(*problem, line, key)
            else:
                into[code] = value
    if covenant is not None:
        for criterion in covenant.criteria:
            if fold(criterion.code) not in seen:
                issues.append(make_issue(Code.MISSING_CRITERION,
                                         f"{criterion.code} — {criterion.text}",
                                         file=sheet.file, sheet=sheet.sheet))
    self_totals = _totals(self_values, kinds, covenant)
    cluster_totals = None
    used = self_totals
    if any_cluster:
        used_values = {**self_values, **cluster_values}
        cluster_totals = _totals(used_values, kinds, covenant)
        used = cluster_totals
    return UnitScore(self_totals, cluster_totals, used, tuple(issues))


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """A unit entering the ranking: its name, file, scores (None: no "Chấm điểm" sheet) and how
    many "Đơn vị Quyết thắng" nominations it passed (a tie-break)."""

    unit: str
    file: str
    score: UnitScore | None
    dvqt: int = 0


@dataclass(frozen=True)
class Ranked:
    unit: str
    file: str
    self_total: Fraction | None
    cluster_total: Fraction | None
    used_total: Fraction | None
    rank: int | None  # None: not ranked (no sheet, or a sheet with errors)
    tie_note: str  # how a tie on the score was settled, or that a vote is needed
    vote_needed: bool
    proposal: str  # "Cờ thi đua" / "Bằng khen" / ""
    reason: str
    suy_ton: str  # the conference's vote, when ballot counts are given


@dataclass(frozen=True)
class Ranking:
    units: tuple[Ranked, ...]
    covenant: Covenant | None
    chair: str | None
    next_chair: str | None
    notes: tuple[str, ...]

    @property
    def leader(self) -> Ranked | None:
        """The unit the cluster honours: the Cờ thi đua winner, else a sole first rank."""
        flags = [u for u in self.units if u.proposal == "Cờ thi đua" and not u.vote_needed]
        if len(flags) == 1:
            return flags[0]
        firsts = [u for u in self.units if u.rank == 1]
        return firsts[0] if len(firsts) == 1 and not flags else None


def _tie_value(step: str, score: UnitScore, dvqt: int) -> Fraction:
    assert score.used is not None
    if step.startswith(TIE_CRITERION):
        return score.used.by_code.get(step[len(TIE_CRITERION):], Fraction(0))
    if step == TIE_PENALTY:
        return -score.used.penalty_points
    if step == TIE_DVQT:
        return Fraction(dvqt)
    raise ValueError(step)


def _tie_label(step: str, covenant: Covenant) -> str:
    if step.startswith(TIE_CRITERION):
        return f"điểm tiêu chí {covenant.criterion_label(step[len(TIE_CRITERION):])} cao hơn"
    return TIE_LABEL[step]


def _first_difference(a: tuple[Fraction, ...], b: tuple[Fraction, ...]) -> int | None:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), None)


@dataclass
class _Row:
    cand: Candidate
    key: tuple[Fraction, ...] = ()
    rank: int | None = None
    tie_note: str = ""
    vote_needed: bool = False
    proposal: str = NO_PROPOSAL
    reason: str = ""
    suy_ton: str = ""


def _awards(rows: list[_Row], covenant: Covenant) -> None:
    """Hand out Cờ thi đua then Bằng khen by rank groups; a group larger than the places left
    goes to the conference's vote (or is settled by the suy tôn ballot for the Cờ)."""
    groups: dict[int, list[_Row]] = {}
    for row in rows:
        if row.rank is not None:
            groups.setdefault(row.rank, []).append(row)
    awards = [covenant.flag, covenant.merit]
    left = [covenant.flag.count, covenant.merit.count]
    a = 0
    for rank in sorted(groups):
        group = sorted(groups[rank], key=lambda r: fold(r.cand.unit))
        while group and a < len(awards):
            award = awards[a]
            total = group[0].cand.score.used.total  # type: ignore[union-attr]
            if left[a] == 0 or total < award.min_score:
                for row in group:
                    if total < award.min_score and not row.reason:
                        row.reason = (f"Chưa đạt điểm tối thiểu {format_points(award.min_score)} "
                                      f"để đề nghị {award.award}")
                a += 1
                continue
            if a == 0 and covenant.ballot is not None:
                group = _by_ballot(group, covenant, left)
                if left[0] == 0:
                    a += 1
                continue
            if len(group) <= left[a]:
                for row in group:
                    row.proposal, row.reason = award.award, _earned(row, award)
                left[a] -= len(group)
                group = []
            else:
                for row in group:
                    row.proposal, row.vote_needed = award.award, True
                    row.reason = (f"Đồng hạng {rank}: {len(group)} đơn vị cho {left[a]} suất "
                                  f"{award.award}; hội nghị biểu quyết")
                left[a] = 0
                group = []
        if a >= len(awards):
            break
    for row in rows:
        if row.rank is not None and not row.proposal and not row.reason:
            row.reason = "Ngoài số suất đề nghị của cụm"


def _earned(row: _Row, award: Proposal) -> str:
    assert row.cand.score is not None and row.cand.score.used is not None
    return (f"Hạng {row.rank}, {format_points(row.cand.score.used.total)} điểm "
            f"(tối thiểu {format_points(award.min_score)})")


def _by_ballot(group: list[_Row], covenant: Covenant, left: list[int]) -> list[_Row]:
    """The suy tôn ballot settles who of this rank group takes the Cờ; the rest go on."""
    ballot = covenant.ballot
    assert ballot is not None
    passed: list[tuple[int, _Row]] = []
    for row in group:
        votes = ballot.votes_for(row.cand.unit)
        if votes is None:
            row.suy_ton = "Không có tên trong phiếu suy tôn"
            continue
        outcome = evaluate_vote(covenant.suy_ton, ballot.members, ballot.present, votes, 2)
        share = display_percent(votes, ballot.present if covenant.suy_ton.denominator ==
                                "present" else ballot.members, 2)
        shown = f"{votes}/{ballot.present} phiếu" + (f" ({format_points(Fraction(str(share)))}%)"
                                                    if share is not None else "")
        if not outcome.quorum_ok:
            row.suy_ton = f"Không đủ túc số dự họp: {ballot.present}/{ballot.members}"
        elif outcome.reached:
            row.suy_ton = f"Được suy tôn: {shown}"
            passed.append((votes, row))
        else:
            row.suy_ton = f"Không đủ phiếu suy tôn: {shown}"
    for row in group:
        if row.vote_needed:  # the tie on the score went to this ballot
            row.vote_needed = False
            row.tie_note = "Bằng điểm; phân định theo phiếu suy tôn"
    passed.sort(key=lambda p: -p[0])
    winners: list[_Row] = []
    while passed and left[0] > 0:
        best = passed[0][0]
        level = [r for v, r in passed if v == best]
        if len(level) > left[0]:
            for row in level:
                row.proposal, row.vote_needed = covenant.flag.award, True
                row.reason = "Số phiếu suy tôn bằng nhau: hội nghị biểu quyết lại"
            left[0] = 0
            winners.extend(level)
            break
        for row in level:
            row.proposal, row.reason = covenant.flag.award, _earned(row, covenant.flag)
            winners.append(row)
        left[0] -= len(level)
        passed = passed[len(level):]
    left[0] = 0  # the ballot was held: no further unit takes a Cờ this year
    return [r for r in group if r not in winners]


def rank_units(candidates: Sequence[Candidate], covenant: Covenant | None) -> Ranking:
    """Rank the units by score used, then the covenant's tie-break steps; award proposals."""
    rows = [_Row(c) for c in sorted(candidates, key=lambda c: (fold(c.unit), c.file))]
    steps = [s for s in (covenant.tie_break if covenant else ()) if s != TIE_VOTE]
    scored = [r for r in rows if r.cand.score is not None and r.cand.score.valid]
    for row in scored:
        score = row.cand.score
        assert score is not None and score.used is not None
        row.key = (score.used.total, *(_tie_value(s, score, row.cand.dvqt) for s in steps))
    for row in scored:
        row.rank = 1 + sum(1 for other in scored if other.key > row.key)
        level: int | None = None
        tied = False
        for other in scored:
            if other is row or other.key[0] != row.key[0]:
                continue
            diff = _first_difference(row.key, other.key)
            if diff is None:
                tied = True
            elif level is None or diff > level:
                level = diff
        if tied:
            row.vote_needed = True
            row.tie_note = ("Bằng điểm, đồng hạng: cần hội nghị biểu quyết" if covenant else
                            "Bằng điểm: đồng hạng (chưa có giao ước để phân định)")
        elif level is not None and covenant is not None:  # steps come from the covenant
            row.tie_note = f"Bằng điểm; phân định theo {_tie_label(steps[level - 1], covenant)}"
    for row in rows:
        if row.cand.score is None or row.cand.score.used is None:
            row.reason = "Chưa có bảng chấm điểm"
        elif not row.cand.score.valid:
            row.reason = "Bảng chấm điểm có lỗi (xem trang Kiểm tra): chưa xếp hạng"
    if covenant is not None:
        _awards(rows, covenant)
    else:
        for row in rows:
            if row.rank is not None:
                row.reason = "Chưa có giao ước thi đua: chưa xác định đề nghị"
    notes: list[str] = []
    if not scored:
        notes.append("Chưa có đơn vị nào có bảng chấm điểm hợp lệ: chưa xếp hạng.")
    if covenant is None:
        notes.append("Chưa có giao ước thi đua của cụm: điểm tối đa lấy theo từng bảng điểm, "
                     "điểm xếp hạng là tổng điểm; các đơn vị bằng điểm xếp đồng hạng.")
    elif covenant.sample:
        notes.append(f"Đang dùng GIAO ƯỚC MẪU ({covenant.name}): thay bằng giao ước đã ký "
                     "của cụm.")
    ranked = sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, fold(r.cand.unit)))
    return Ranking(
        units=tuple(_ranked(r) for r in ranked),
        covenant=covenant,
        chair=(covenant.chair or None) if covenant else None,
        next_chair=covenant.next_chair() if covenant else None,
        notes=tuple(notes),
    )


def _ranked(row: _Row) -> Ranked:
    score = row.cand.score
    shown = score if score is not None and score.valid else None  # a sheet with errors: no totals

    def total(totals: Totals | None) -> Fraction | None:
        return totals.total if totals is not None else None

    return Ranked(
        unit=row.cand.unit, file=row.cand.file,
        self_total=total(shown.self_totals) if shown else None,
        cluster_total=total(shown.cluster_totals) if shown else None,
        used_total=total(shown.used) if shown else None,
        rank=row.rank, tie_note=row.tie_note, vote_needed=row.vote_needed,
        proposal=row.proposal, reason=row.reason, suy_ton=row.suy_ton,
    )
