import re
from dataclasses import replace

import pytest

from addin.domain.cluster import consolidate
from addin.domain.issues import Code
from addin.domain.models import Nomination, UnitInfo, UnitWorkbook
from addin.domain.validation import validate_nomination, validate_unit


def person(**kw) -> Nomination:
    base = dict(kind="individual", file="f.xlsx", sheet="Cá nhân", row=5, name="Nguyễn Văn A",
                title_text="Chiến sĩ tiên tiến", members=10, present=10, agree=8,
                columns={"full_name": "B", "title": "F", "members": "G", "present": "H",
                         "agree": "I", "percent": "J", "initiative": "L", "streak": "M"})
    base.update(kw)
    return Nomination(**base)


def codes(nom: Nomination) -> list[str]:
    return [str(i.code) for i in nom.issues]


def test_clean_nomination_passes(rules):
    nom = validate_nomination(person(), rules)
    assert nom.passed and nom.percent == 80.0 and nom.issues == () and nom.title == "CSTT"


def test_every_problem_of_a_row_is_collected_in_one_pass(rules):
    nom = validate_nomination(person(name="", title_text="Chiến sĩ thi đua cơ sở", members=10,
                                     present=11, agree=12), rules)
    assert set(codes(nom)) == {"missing_value", "present_exceeds_members",
                               "agree_exceeds_present", "prerequisite_missing"}
    assert not nom.passed
    by_code = {str(i.code): i for i in nom.issues}
    assert by_code["agree_exceeds_present"].column == "I"
    assert by_code["agree_exceeds_present"].row == 5
    assert by_code["prerequisite_missing"].column == "L"


def test_below_threshold_is_a_warning_and_does_not_pass(rules):
    nom = validate_nomination(person(agree=4), rules)
    assert codes(nom) == ["below_threshold"]
    assert nom.issues[0].severity == "warning" and not nom.passed


def test_quorum(rules):
    assert validate_nomination(person(members=9, present=6, agree=6), rules).passed
    nom = validate_nomination(person(members=9, present=5, agree=5), rules)
    assert codes(nom) == ["quorum_not_met"] and not nom.passed


def test_unknown_and_wrong_kind(rules):
    assert codes(validate_nomination(person(title_text="Huân chương"), rules)) == ["unknown_title"]
    assert codes(validate_nomination(person(title_text="Đơn vị Quyết thắng"), rules)) == [
        "wrong_title_kind"]


def test_streak_prerequisite(rules):
    base = dict(title_text="CSTĐ toàn quân", members=11, present=11, agree=11, initiative="x")
    assert validate_nomination(person(**base, streak=3), rules).passed
    assert codes(validate_nomination(person(**base, streak=2), rules)) == ["prerequisite_missing"]
    assert codes(validate_nomination(person(**base), rules)) == ["missing_value"]


def test_unreadable_cell_is_not_reported_twice(rules):
    nom = person(members=None, invalid=frozenset({"members"}))
    judged = validate_nomination(nom, rules)
    assert codes(judged) == []
    assert not judged.passed


def collective(**kw) -> Nomination:
    base = dict(kind="collective", file="f.xlsx", sheet="Tập thể", row=5, name="Ban Tham mưu",
                title_text="Đơn vị Quyết thắng", headcount=20, cstt=14, cstdcs=1, disciplined=0,
                members=10, present=10, agree=7)
    base.update(kw)
    return Nomination(**base)


def test_collective_criteria(rules):
    assert validate_nomination(collective(), rules).passed  # exactly 70% CSTT
    assert codes(validate_nomination(collective(cstt=13), rules)) == ["criteria_not_met"]
    assert codes(validate_nomination(collective(cstdcs=0), rules)) == ["criteria_not_met"]
    assert codes(validate_nomination(collective(disciplined=1), rules)) == ["criteria_not_met"]
    # DVTT needs *more than* 50%: exactly half fails
    dvtt = dict(title_text="Đơn vị tiên tiến", agree=5)
    assert codes(validate_nomination(collective(**dvtt, cstt=10), rules)) == ["criteria_not_met"]
    assert validate_nomination(collective(**dvtt, cstt=11), rules).passed


def unit(path: str, people: list[Nomination], headcount: int = 30, unit_name: str = "Đơn vị A",
         period: str = "Năm 2024", sha: str | None = None) -> UnitWorkbook:
    return UnitWorkbook(path=path, sha256=sha or path,
                        info=UnitInfo(unit=unit_name, cluster="Cụm 3", period=period,
                                      headcount=headcount, sheet="Thông tin",
                                      rows={"unit": 2, "headcount": 5}),
                        individuals=tuple(replace(p, file=path) for p in people))


def test_quota_counts_titles_above_and_only_passing(rules):
    people = [person(row=5 + i, name=f"Người {i}", title_text="Chiến sĩ thi đua cơ sở",
                     initiative="x", agree=9) for i in range(4)]
    people.append(person(row=20, name="Người trượt", title_text="Chiến sĩ thi đua cơ sở",
                         initiative="x", agree=1))
    book = unit("a.xlsx", people, headcount=30)  # CSTĐCS limit = floor(30 × 10%) = 3
    book, found = validate_unit(book, rules)
    checks = {c.quota_id: c for c in found}
    assert (checks["CSTDCS"].counted, checks["CSTDCS"].limit, checks["CSTDCS"].ok) == (4, 3, False)
    assert checks["CSTT"].counted == 4  # a CSTĐCS also holds CSTT
    assert any(i.code == Code.QUOTA_EXCEEDED for i in book.issues)


def test_cluster_duplicates_and_quotas(rules):
    a = unit("a.xlsx", [person(name="Lê Văn B")], unit_name="Đơn vị A")
    copy = unit("a-copy.xlsx", [person(name="Lê Văn B")], unit_name="Đơn vị A", sha="a.xlsx")
    other = unit("b.xlsx", [person(name="Trần C")], unit_name="Đơn vị A", sha="b")
    result = consolidate([a, copy, other], rules)
    status = {f.book.path: f.status for f in result.files}
    assert status == {"a-copy.xlsx": "ok", "a.xlsx": "skipped", "b.xlsx": "errors"}
    found = {(i.file, str(i.code)) for i in result.issues}
    assert ("a.xlsx", "duplicate_file") in found
    assert ("b.xlsx", "duplicate_unit") in found
    cluster = [c for c in result.quota_checks if c.unit is None]
    assert {c.quota_id for c in cluster} == {"CSTT", "LDTT", "CSTDCS", "DVQT", "CTD"}
    assert result.by_title(rules) == {"CSTT": {"proposed": 2, "passed": 2}}


def test_same_person_in_two_files_is_flagged(rules):
    a = unit("a.xlsx", [person(name="Lê Văn B", unit="Đại đội 1")], unit_name="A")
    b = unit("b.xlsx", [person(name="LÊ VĂN  B", unit="Đại đội 1")], unit_name="B")
    result = consolidate([a, b], rules)
    assert [str(i.code) for i in result.issues] == ["duplicate_person"]
    assert result.issues[0].file == "b.xlsx"


def test_the_cluster_check_compares_the_identities_the_judgement_carries(rules):
    """Books judged (in the reading workers) carry their people's identities: the cluster-wide
    check compares those, and gives what folding every name again gives."""
    from addin.domain.cluster import judge
    from addin.domain.models import Judgement

    a = unit("a.xlsx", [person(name="Lê Văn B", unit="Đại đội 1"),
                        person(row=6, name="Trần Thị C", unit="Đại đội 1")], unit_name="A")
    b = unit("b.xlsx", [person(name="LÊ VĂN  B", unit="Đại đội 1"),
                        person(row=6, name="Tran Thi D", unit="Đại đội 1")], unit_name="B")
    judged = [judge(book, rules).book for book in (a, b)]
    assert all(len(j.judgement.people) == 2 for j in judged)

    def without_people(book):
        return replace(book, judgement=replace(book.judgement, people=()))

    carried = consolidate(judged, rules)
    folded_again = consolidate([without_people(j) for j in judged], rules)
    assert [(i.code, i.file, i.row) for i in carried.issues] == \
        [(i.code, i.file, i.row) for i in folded_again.issues] == [("duplicate_person", "b.xlsx", 5)]
    # The carried identities are what is compared: "Tran Thi D" made C's twin is flagged.
    twin = judged[1].judgement.people[:1] + judged[0].judgement.people[1:]
    made_twins = replace(judged[1], judgement=Judgement(
        judged[1].judgement.rules, False, judged[1].judgement.quota_checks, twin))
    flagged = consolidate([judged[0], made_twins], rules)
    assert [(i.file, i.row) for i in flagged.issues] == [("b.xlsx", 5), ("b.xlsx", 6)]


def test_validating_the_same_records_twice_gives_the_same_answer(rules):
    """Records are frozen and validation returns judged copies: nothing accumulates in the
    input (on the old in-place validation the second run doubled every issue)."""
    people = [person(row=5 + i, name=f"Người {i}", title_text="Chiến sĩ thi đua cơ sở",
                     initiative="x", agree=9) for i in range(4)]
    people += [person(row=20, name="Người 0", title_text="Chiến sĩ thi đua cơ sở",
                      initiative="x", agree=9),  # the same person again: duplicate_person
               person(row=21, name="Người trượt", agree=1)]
    book = unit("a.xlsx", people, headcount=30)  # CSTĐCS quota exceeded too
    first, second = validate_unit(book, rules), validate_unit(book, rules)
    assert first == second
    assert sorted(str(i.code) for i in first.book.all_issues()) == [
        "below_threshold", "duplicate_person", "quota_exceeded"]
    assert book.all_issues() == [] and not any(n.passed for n in book.nominations)
    other = unit("b.xlsx", [person(name="Người 1", row=7)], unit_name="Đơn vị B")
    assert consolidate([book, other], rules) == consolidate([book, other], rules)
    with pytest.raises(AttributeError):
        book.individuals[0].passed = True  # type: ignore[misc]


def test_judged_copies_every_field_like_replace():
    from addin.domain.models import judged

    nom = person(seq="3", streak=2, sections=("I. CSTT",), invalid=frozenset({"agree"}))
    changes = dict(title="CSTT", percent=70.0, reached=True, passed=True, unit="Đại đội 1")
    assert judged(nom, **changes) == replace(nom, **changes)


def test_quota_messages_name_titles_not_codes(rules):
    """Issue 13 §2: title names wherever a person reads them; the issue code stays the same."""
    people = [person(row=5 + i, name=f"Người {i}", title_text="Chiến sĩ thi đua cơ sở",
                     initiative="x", agree=9) for i in range(4)]
    book, _ = validate_unit(unit("a.xlsx", people, headcount=30), rules)
    [issue] = [i for i in book.issues if i.code == Code.QUOTA_EXCEEDED]
    assert "Chiến sĩ thi đua cơ sở" in issue.message
    assert "Chiến sĩ thi đua toàn quân" in issue.message  # counted with it, by name
    assert not re.search(r"\bCSTD(CS|TQ|TQG)\b", issue.message), issue.message
