"""Units read out of a lower level's report (addin.io.report_input): judged at that level.

A cluster report carries each unit's records with their verdicts and every issue the unit raised
(with its file, sheet, row and column). The next level counts them as they were judged — the
cluster's own rules file, covenant and history database were at hand there, not here — and adds
only what it alone can see: its quotas, a title its rules book does not know, a person proposed
in two clusters.
"""

from __future__ import annotations

from addin.domain.issues import Code, make_issue
from addin.domain.models import UnitWorkbook
from addin.domain.quotas import QuotaCheck
from addin.domain.rules import Rules
from addin.domain.validation import unit_quotas


def judged_unit(book: UnitWorkbook, rules: Rules) -> list[QuotaCheck]:
    """The unit quota checks of a unit read from a report (its records are not validated again);
    a quota issue already stated by the unit's carried issues is not repeated."""
    for nom in book.nominations:
        if nom.title is not None and nom.title not in rules.titles:
            nom.issues.append(make_issue(Code.UNKNOWN_TITLE, f'"{nom.title_text}" ({nom.title})',
                                         file=nom.file, sheet=nom.sheet, row=nom.row))
            nom.title, nom.passed = None, False
    checks, issues = unit_quotas(book, rules)
    stated = {(i.code, i.message) for i in book.issues}
    book.issues.extend(i for i in issues if (i.code, i.message) not in stated)
    return checks
