"""Validation of nominations and of a whole unit: every problem becomes an Issue, in one pass.

Nothing here raises on bad data; a row with an error is kept, marked, and does not pass.
Records are never changed: validation returns judged copies (dataclasses.replace) carrying the
verdict and the issues found, so the same records validated twice give the same answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from addin.domain import fields as F
from addin.domain import vi_format as vi
from addin.domain.commendation_forms import recognise_forms
from addin.domain.issues import Code, Issue, has_errors, info_issue, make_issue
from addin.domain.judgement import carried_checks
from addin.domain.models import Nomination, UnitInfo, UnitWorkbook, judged, judged_all
from addin.domain.quotas import QuotaCheck, base_for, check_quota, count_for
from addin.domain.rules import Rules, Title
from addin.domain.scoring import score_unit
from addin.domain.text import fold, person_key
from addin.domain.titles import recognise_title
from addin.domain.votes import evaluate_vote, meets

if TYPE_CHECKING:
    from addin.domain.streaks import BookStreaks, StreakHistory

_KIND_LABEL = {"individual": "cá nhân", "collective": "tập thể"}


def _labels(nom: Nomination) -> dict[str, str]:
    return F.INDIVIDUAL_LABELS if nom.kind == "individual" else F.COLLECTIVE_LABELS


@dataclass(slots=True)
class _Judging:
    """What validation finds about one record while it looks at it; the record stays as read."""

    nom: Nomination
    title_text: str
    issues: list[Issue] = field(default_factory=list)
    title: str | None = None
    percent: float | None = None
    passed: bool = False


def _flag(j: _Judging, code: Code, detail: str, field: str | None) -> None:
    nom = j.nom
    column = nom.columns.get(field) if field else None
    j.issues.append(
        make_issue(code, detail, file=nom.file, sheet=nom.sheet, row=nom.row, column=column)
    )


def _required_count(j: _Judging, field: str) -> int | None:
    """The value of a required count, flagging it when blank (unreadable cells were flagged
    by the reader already)."""
    value: int | None = getattr(j.nom, field)
    if value is None and field not in j.nom.invalid:
        _flag(j, Code.MISSING_VALUE, f'"{_labels(j.nom)[field]}"', field)
    return value


def _recognise(j: _Judging, rules: Rules) -> Title | None:
    nom = j.nom
    name_field = "full_name" if nom.kind == "individual" else "name"
    if not nom.name and name_field not in nom.invalid:
        _flag(j, Code.MISSING_VALUE, f'"{_labels(nom)[name_field]}"', name_field)
    if not j.title_text and "title" not in nom.invalid:
        j.title_text = _section_title(nom, rules)
    if not j.title_text:
        if "title" not in nom.invalid:
            _flag(j, Code.MISSING_VALUE, f'"{F.INDIVIDUAL_LABELS["title"]}"', "title")
        return None
    code = recognise_title(j.title_text, rules)
    if code is None:
        _flag(j, Code.UNKNOWN_TITLE, f'"{j.title_text}"', "title")
        return None
    title = rules.title(code)
    j.title = code
    if title.kind != nom.kind:
        _flag(
            j,
            Code.WRONG_TITLE_KIND,
            f'"{title.name}" là danh hiệu {_KIND_LABEL[title.kind]}, '
            f"không đề nghị cho {_KIND_LABEL[nom.kind]}",
            "title",
        )
        return None
    return title


def _section_title(nom: Nomination, rules: Rules) -> str:
    """The title named by the nearest section row above the record (contracts.md §6), as its
    canonical name; "" when no section names one (a section like "A. Khối cơ quan" only groups)."""
    for text in reversed(nom.sections):
        for candidate in _section_candidates(text):
            code = recognise_title(candidate, rules)
            if code is not None:
                return rules.title(code).name
    return ""


_SECTION_COUNT = re.compile(r"\s*[(:,;-].*$")  # "(gồm 05 đồng chí)", ": 02 đồng chí"
_SECTION_ASK = re.compile(r"^(?:de nghi|xet tang|tang|danh hieu|ve|cac)\s+")


def _section_candidates(text: str) -> list[str]:
    """A section's text, then what it names once counts and asking words are dropped:
    "CHIẾN SĨ TIÊN TIẾN (gồm 05 đồng chí)", "Đề nghị tặng danh hiệu Chiến sĩ tiên tiến"."""
    candidates = [text, _SECTION_COUNT.sub("", text)]
    if ":" in text:
        candidates.append(text.split(":", 1)[1])
    folded = fold(candidates[1])
    while (shorter := _SECTION_ASK.sub("", folded)) != folded:
        folded = shorter
    return [*candidates, folded]


_PASSED, _FAILED = fold(F.RESULT_PASSED), fold(F.RESULT_FAILED)


def _check_result(j: _Judging) -> None:
    """The workbook's own "Kết quả", when it says Đạt or Không đạt, must be the engine's."""
    nom = j.nom
    given = fold(nom.result_given)
    if given == _PASSED:
        said = True
    elif given.startswith(_FAILED):
        said = False
    else:
        return  # blank, or a remark the engine cannot compare
    if said != j.passed:
        engine = F.RESULT_PASSED if j.passed else F.RESULT_FAILED
        _flag(j, Code.RESULT_MISMATCH, f'("{nom.result_given}" ≠ "{engine}")', "result")


def _check_vote(j: _Judging, title: Title | None, rules: Rules) -> bool:
    nom = j.nom
    members, present, agree = nom.members, nom.present, nom.agree
    if members is None or present is None or agree is None:  # flagged in the columns' order
        members = _required_count(j, "members")
        present = _required_count(j, "present")
        agree = _required_count(j, "agree")
    if title is None or members is None or present is None or agree is None:
        return False
    rule = title.vote
    outcome = evaluate_vote(rule, members, present, agree, rules.percent_decimals)
    j.percent = outcome.percent
    if outcome.present_too_high:
        _flag(j, Code.PRESENT_EXCEEDS_MEMBERS, f"({present} > {members})", "present")
    if outcome.agree_too_high:
        bound = "tổng số thành viên" if rule.denominator == "members" else "số có mặt"
        limit = members if rule.denominator == "members" else present
        _flag(j, Code.AGREE_EXCEEDS_PRESENT, f"{bound} ({agree} > {limit})", "agree")
    if not outcome.quorum_ok and not outcome.present_too_high:
        _flag(
            j,
            Code.QUORUM_NOT_MET,
            f"({present}/{members} có mặt, cần {vi.compared('>=', vi.ratio(rule.quorum))})",
            "present",
        )
    if outcome.quorum_ok and not (outcome.agree_too_high or outcome.present_too_high):
        if not outcome.reached:
            shown = ("—" if outcome.percent is None
                     else vi.percent(outcome.percent, rules.percent_decimals))
            base = vi.words(vi.DENOMINATOR_WORDS, rule.denominator)
            needed = vi.compared(rule.comparison, f"{vi.ratio(rule.threshold)} {base}")
            _flag(
                j,
                Code.BELOW_THRESHOLD,
                f"({shown}; {title.name} cần {needed})",
                "agree",
            )
    _check_percent(j)
    return outcome.reached


def _check_percent(j: _Judging) -> None:
    given, computed = j.nom.percent_given, j.percent
    if given is None or computed is None:
        return
    # A percentage cell may hold 70 or, formatted as %, 0.7: either reading that matches is fine.
    if abs(given - computed) > 0.01 and abs(given * 100 - computed) > 0.01:
        _flag(j, Code.PERCENT_MISMATCH, f"({given:g} ≠ {computed:g})", "percent")


def _check_prerequisites(j: _Judging, title: Title) -> None:
    nom = j.nom
    if title.requires_initiative and not nom.initiative and "initiative" not in nom.invalid:
        _flag(
            j,
            Code.PREREQUISITE_MISSING,
            f"{title.name} cần có sáng kiến, đề tài hoặc giải pháp",
            "initiative",
        )
    if title.min_streak is not None:
        streak = _required_count(j, "streak")
        if streak is not None and streak < title.min_streak:
            _flag(
                j,
                Code.PREREQUISITE_MISSING,
                f"{title.name} cần {title.min_streak} năm liên tục đạt danh hiệu trước, "
                f"mới có {streak}",
                "streak",
            )


def _check_criteria(j: _Judging, title: Title) -> None:
    criteria = title.criteria
    if criteria is None:
        return
    nom = j.nom
    headcount = _required_count(j, "headcount")
    cstt = _required_count(j, "cstt") if criteria.min_cstt_share > 0 else nom.cstt
    # Blank counts of CSTĐCS and of disciplined members mean none, as staff fill them.
    cstdcs = nom.cstdcs or 0
    disciplined = nom.disciplined or 0
    if headcount is not None and cstt is not None:
        if cstt > headcount:
            _flag(j, Code.CRITERIA_NOT_MET, f"số đạt CSTT ({cstt}) lớn hơn quân số ({headcount})",
                  "cstt")
        elif headcount == 0 or not meets(cstt, headcount, criteria.min_cstt_share,
                                         criteria.comparison):
            _flag(
                j,
                Code.CRITERIA_NOT_MET,
                f"{title.name} cần "
                f"{vi.compared(criteria.comparison, vi.ratio(criteria.min_cstt_share))} "
                f"quân số đạt CSTT ({cstt}/{headcount})",
                "cstt",
            )
    if cstdcs < criteria.min_cstdcs:
        _flag(j, Code.CRITERIA_NOT_MET,
              f"{title.name} cần ít nhất {criteria.min_cstdcs} CSTĐCS (có {cstdcs})", "cstdcs")
    if criteria.max_disciplined is not None and disciplined > criteria.max_disciplined:
        _flag(j, Code.CRITERIA_NOT_MET,
              f"{title.name}: có {disciplined} người bị kỷ luật từ cảnh cáo trở lên", "disciplined")


class _Verdict(NamedTuple):
    """What judging a record changes in it: each name is the Nomination field it sets."""

    unit: str
    title_text: str
    issues: tuple[Issue, ...]
    title: str | None
    percent: float | None
    reached: bool
    passed: bool


def _verdict(nom: Nomination, rules: Rules, default_unit: str,
             streaks: BookStreaks | None) -> _Verdict:
    """Recognise the title, decide the vote and check the title's conditions: what the
    judged copy of `nom` changes."""
    unit = default_unit if nom.kind == "individual" and not nom.unit and default_unit else nom.unit
    if unit != nom.unit and streaks is not None:
        nom = judged(nom, unit=unit)  # the history knows the person under the unit
    j = _Judging(nom, nom.title_text, list(nom.issues))
    title = _recognise(j, rules)
    reached = _check_vote(j, title, rules)
    if title is not None:
        if nom.kind == "individual":
            _check_prerequisites(j, title)
            if streaks is not None:
                j.issues.extend(streaks.check(nom, title))
        else:
            _check_criteria(j, title)
    j.passed = reached and not has_errors(j.issues)
    _check_result(j)
    return _Verdict(unit, j.title_text, tuple(j.issues), j.title, j.percent, reached, j.passed)


def validate_nomination(nom: Nomination, rules: Rules, default_unit: str = "",
                        streaks: BookStreaks | None = None) -> Nomination:
    """Recognise the title, decide the vote and check the title's conditions; return the judged
    copy of `nom` (with `streaks`, a declared streak is checked against the history too)."""
    return judged(nom, **_verdict(nom, rules, default_unit, streaks)._asdict())


def validate_nominations(noms: Sequence[Nomination], rules: Rules, default_unit: str = "",
                         streaks: BookStreaks | None = None) -> tuple[Nomination, ...]:
    """validate_nomination of each record, the copies made together (models.judged_all)."""
    return judged_all(noms, _Verdict._fields,
                      [_verdict(n, rules, default_unit, streaks) for n in noms])


def validate_info(info: UnitInfo, file: str) -> list[Issue]:
    issues = []
    for key in F.INFO_REQUIRED:
        if getattr(info, key) in ("", None) and key not in info.invalid:
            issues.append(
                info_issue(Code.MISSING_VALUE, f'"{F.INFO_LABELS[key]}"', info, key, file=file)
            )
    return issues


def duplicate_people(noms: Iterable[Nomination], across_files_only: bool = False,
                     scope_of: Callable[[Nomination], str] = lambda n: n.file,
                     keys: Iterable[tuple[str, str, str] | None] | None = None) -> list[Issue]:
    """One issue per later occurrence of the same person (normalised name + rank + unit), at
    that record's row (`with_issues` attaches them); `across_files_only` skips pairs within one
    scope (already flagged): a file by default. `keys`: each record's text.person_key where
    already known (None where not), in the records' order."""
    first: dict[tuple[str, str, str], Nomination] = {}
    issues: list[Issue] = []
    pairs = ((n, None) for n in noms) if keys is None else zip(noms, keys, strict=True)
    for nom, known in pairs:
        if nom.kind != "individual":
            continue
        key = known or person_key(nom.name, nom.rank, nom.unit)
        if not key[0]:  # no name to compare
            continue
        if key in first and not (across_files_only and scope_of(first[key]) == scope_of(nom)):
            seen = first[key]
            where = f"{seen.file}, dòng {seen.row}" if seen.file != nom.file else f"dòng {seen.row}"
            issue = make_issue(Code.DUPLICATE_PERSON, f"{nom.name} (đã có ở {where})",
                               file=nom.file, sheet=nom.sheet, row=nom.row,
                               column=nom.columns.get("full_name"))
            issues.append(issue)
        elif key not in first:
            first[key] = nom
    return issues


def with_issues(noms: Sequence[Nomination], issues: Iterable[Issue]) -> tuple[Nomination, ...]:
    """The records, each with the issues found at its own file, sheet and row added (new copies
    for those; the verdicts they carry stay as judged)."""
    at: dict[tuple[str | None, str | None, int | None], list[Issue]] = {}
    for issue in issues:
        at.setdefault((issue.file, issue.sheet, issue.row), []).append(issue)
    if not at:
        return tuple(noms)
    return tuple(judged(n, issues=n.issues + tuple(found))
                 if (found := at.get((n.file, n.sheet, n.row))) else n for n in noms)


def passed_by_title(noms: Iterable[Nomination]) -> Counter[str]:
    return Counter(n.title for n in noms if n.passed and n.title)


def unit_quotas(book: UnitWorkbook, rules: Rules) -> tuple[list[QuotaCheck], list[Issue]]:
    """Check every unit-scope quota of the rules book against the unit's passing nominations."""
    info = book.info
    passed = passed_by_title(book.nominations)
    checks: list[QuotaCheck] = []
    issues: list[Issue] = []
    for rule in rules.active_quotas("unit"):
        base = base_for(rule, info.headcount, info.subunits, passed)
        check = check_quota(rule, info.unit or None, base, count_for(rule, passed))
        checks.append(check)
        if check.limit is None and check.counted > 0 and rule.base not in F.INFO_REQUIRED:
            if rule.base in F.INFO_LABELS and rule.base not in info.invalid:
                issues.append(info_issue(
                    Code.MISSING_VALUE,
                    f'"{F.INFO_LABELS[rule.base]}" (cần để tính tỷ lệ xét tặng '
                    f'{_title_name(rules, rule.title)})',
                    info, rule.base, file=book.path))
        if check.ok is False:
            issues.append(quota_issue(check, rules, file=book.path))
    return checks, issues


def quota_issue(check: QuotaCheck, rules: Rules, file: str | None) -> Issue:
    title = rules.title(check.title)
    if check.max_count is not None:
        limit_text = f"tối đa {check.max_count}"
    else:
        share = vi.ratio(check.max_share) if check.max_share is not None else "?"
        limit_text = f"không quá {share} của {check.base} = {check.limit}"
    where = check.unit or (f"toàn cụm {check.cluster}" if check.cluster else "toàn cụm")
    sheet = F.SHEET_INDIVIDUALS if title.kind == "individual" else F.SHEET_COLLECTIVES
    # A quota that counts titles above its own says so, by the titles' names.
    counts = next((q.counts for q in rules.quotas if q.id == check.quota_id), ())
    counted = (f" (tính cả {', '.join(_title_name(rules, c) for c in counts if c != check.title)})"
               if len(counts) > 1 else "")
    # The quota's id only where one title has several quotas (it names the rule to look up).
    rule = "" if check.quota_id == check.title else f" (hạn mức {check.quota_id})"
    return make_issue(
        Code.QUOTA_EXCEEDED,
        f"{title.name}{rule}, {where}: {check.counted} đạt{counted}, {limit_text}",
        file=file, sheet=sheet,
    )


def _title_name(rules: Rules, code: str) -> str:
    return rules.titles[code].name if code in rules.titles else code


class ValidatedUnit(NamedTuple):
    """A unit workbook judged: the judged copy of the book, and its unit-scope quota checks."""

    book: UnitWorkbook
    quota_checks: list[QuotaCheck]


def validate_unit(book: UnitWorkbook, rules: Rules, history: StreakHistory | None = None
                  ) -> ValidatedUnit:
    """Validate every record of a readable unit workbook; the book given is left as it was.
    A book already judged by `rules` is not judged again (addin.domain.judgement)."""
    if not book.readable:
        return ValidatedUnit(book, [])
    if (carried := carried_checks(book, rules, history is not None)) is not None:
        return ValidatedUnit(book, carried)
    issues = list(book.issues)
    issues.extend(validate_info(book.info, book.path))
    streaks, found = history.for_book(book) if history is not None else (None, [])
    issues.extend(found)
    unit = book.info.unit
    individuals = validate_nominations(book.individuals, rules, unit, streaks)
    collectives = validate_nominations(book.collectives, rules, unit, streaks)
    commendations, form_issues = recognise_forms(book.commendations, rules)
    issues.extend(form_issues)
    judged = replace(book, individuals=with_issues(individuals, duplicate_people(individuals)),
                     collectives=collectives, commendations=commendations)
    checks, quota_issues = unit_quotas(judged, rules)
    issues.extend(quota_issues)
    if book.scores is not None:  # "Chấm điểm" against the cluster's covenant (contracts.md §8)
        issues.extend(score_unit(book.scores, rules.covenant).issues)
    return ValidatedUnit(replace(judged, issues=tuple(issues)), checks)
