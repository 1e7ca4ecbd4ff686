"""A consolidated cluster's ranking: each counted unit workbook's "Chấm điểm" under the cluster's
covenant (or none), with the passed "Đơn vị Quyết thắng" nominations as a tie-break."""

from __future__ import annotations

from collections.abc import Sequence

from addin.domain.covenant import DVQT_CODE
from addin.domain.models import UnitWorkbook
from addin.domain.rules import Rules
from addin.domain.scoring import Candidate, Ranking, rank_units, score_unit


def candidate_of(book: UnitWorkbook, rules: Rules) -> Candidate:
    unit = book.info.unit or book.path
    score = score_unit(book.scores, rules.covenant) if book.scores is not None else None
    dvqt = sum(1 for n in book.collectives if n.title == DVQT_CODE and n.passed)
    return Candidate(unit=unit, file=book.path, score=score, dvqt=dvqt)


def cluster_ranking(books: Sequence[UnitWorkbook], rules: Rules) -> Ranking:
    return rank_units([candidate_of(b, rules) for b in books], rules.covenant)
