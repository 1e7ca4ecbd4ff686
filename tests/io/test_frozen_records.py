"""Records stay as made (issue 12 §1): a "Chấm điểm" once read (the reader collects into a
ScoreDraft and hands out a frozen ScoreSheet, like UnitDraft and UnitWorkbook), a cluster once
consolidated."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from addin.domain.cluster import consolidate
from addin.domain.scoring import SCORE_LABELS, ScoreLine
from addin.io.scores_reader import read_scores


def test_a_score_sheet_cannot_change_after_reading():
    header = [SCORE_LABELS[k] for k in ("code", "text", "max", "self")]
    sheet = read_scores([header, ["TC01", "Huấn luyện", 10, "tám"]], "u.xlsx", "Chấm điểm")
    assert [line.code for line in sheet.lines] == ["TC01"] and len(sheet.issues) == 1
    assert isinstance(sheet.lines, tuple) and isinstance(sheet.issues, tuple)
    with pytest.raises(FrozenInstanceError):
        sheet.lines = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):  # a tuple: no append behind the reader's back
        sheet.lines.append(ScoreLine(row=9, code="TC02"))  # type: ignore[attr-defined]


def test_a_cluster_result_cannot_change_after_consolidation(rules):
    """app's cluster job adds the covenant's issues as a new value, not by extending a list."""
    result = consolidate([], rules)
    assert result.files == () and isinstance(result.cluster_issues, tuple)
    with pytest.raises(FrozenInstanceError):
        result.cluster_issues = ()  # type: ignore[misc]


def test_a_file_status_holds_its_issues_as_a_tuple(rules):
    """A skipped or unreadable file's issues cannot grow after consolidation either."""
    from addin.domain.models import UnitWorkbook

    broken = UnitWorkbook(path="x.xlsx", readable=False)
    status = consolidate([broken], rules).files[0]
    assert isinstance(status.issues, tuple)


def test_checking_a_declared_streak_twice_gives_the_same_answer_and_changes_nothing(rules):
    """The streak check counted the rows it checked on the history it was given (a benchmark's
    counter): validation changed one of its inputs. Now the history and the checker are frozen
    values and a second check is the first one again."""
    from addin.domain.issues import Issue
    from addin.domain.models import Nomination, UnitInfo, UnitWorkbook
    from addin.domain.persons import PersonIndex, unit_key
    from addin.domain.streaks import StreakHistory

    unit = "Ban CHQS huyện Ea Kar"
    history = StreakHistory(PersonIndex(), {}, {unit_key(unit): frozenset({2021, 2022, 2023})},
                            rules)
    book = UnitWorkbook(path="u.xlsx", info=UnitInfo(unit=unit, period="Năm 2024"))
    checker, problems = history.for_book(book)
    assert checker is not None and problems == []
    claim = Nomination(kind="individual", file="u.xlsx", sheet="Cá nhân", row=5, name="Lê Văn A",
                       title_text="CSTDTQ", streak=3, columns={"streak": "M"})
    before = repr(history)
    first = checker.check(claim, rules.titles["CSTDTQ"])
    assert first and first == checker.check(claim, rules.titles["CSTDTQ"])
    assert repr(history) == before
    with pytest.raises(FrozenInstanceError):
        checker.year = 2025  # type: ignore[misc]
    for value in (first[0], ScoreLine(row=9, code="TC02")):  # slotted: no attribute added
        assert isinstance(value, Issue | ScoreLine) and not hasattr(value, "__dict__")


def test_a_unit_draft_freezes_into_a_book_of_every_one_of_its_fields():
    """UnitDraft.freeze named each of the 14 fields again; it copies them all (lists as tuples),
    so a field added to both records cannot be forgotten on the way."""
    from dataclasses import fields

    from addin.domain.models import Nomination, UnitDraft, UnitInfo, UnitWorkbook

    draft = UnitDraft(path="u.xlsx")
    changed = {"path": "v.xlsx", "sha256": "ab", "readable": False, "info": UnitInfo(unit="D1"),
               "individuals": [Nomination("individual", "v.xlsx", "Cá nhân", 5)],
               "collectives": [Nomination("collective", "v.xlsx", "Tập thể", 5)],
               "commendations": [], "issues": [], "scores": None, "rows_read": 7,
               "rows_skipped": 2, "source_report": "cum.xlsx", "cluster_scope": "a › b",
               "skipped": True}
    assert sorted(changed) == sorted(f.name for f in fields(UnitDraft))
    for name, value in changed.items():
        setattr(draft, name, value)
    book = draft.freeze()
    assert isinstance(book, UnitWorkbook) and book.judgement is None
    for name, value in changed.items():
        got = getattr(book, name)
        assert got == (tuple(value) if isinstance(value, list) else value), name
        assert not isinstance(got, list), name
