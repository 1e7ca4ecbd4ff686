"""A "Chấm điểm" read once stays as read (issue 12 §1): the reader collects into a ScoreDraft and
hands out a frozen ScoreSheet, like UnitDraft and UnitWorkbook."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

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
