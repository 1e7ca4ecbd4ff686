"""Units read out of a lower level's report (addin.io.report_input): judged at that level.

A cluster report carries each unit's records with their verdicts and every issue the unit raised
(with its file, sheet, row and column). The next level counts them as they were judged — the
cluster's own rules file, covenant and history database were at hand there, not here — and adds
only what it alone can see: its quotas, a title its rules book does not know, a person proposed
in two clusters.
"""

from __future__ import annotations

from dataclasses import replace

from addin.domain.issues import Code, make_issue
from addin.domain.models import Nomination, UnitWorkbook, judged
from addin.domain.rules import Rules
from addin.domain.validation import ValidatedUnit, unit_quotas


def judged_unit(book: UnitWorkbook, rules: Rules) -> ValidatedUnit:
    """A unit read from a report as its level judged it (its records are not validated again),
    with this level's unit quota checks; a quota issue already stated by the unit's carried
    issues is not repeated. The book given is left as it was."""
    noms = {kind: tuple(_known_here(n, rules) for n in group)
            for kind, group in (("individuals", book.individuals),
                                ("collectives", book.collectives))}
    here = replace(book, individuals=noms["individuals"], collectives=noms["collectives"])
    checks, issues = unit_quotas(here, rules)
    stated = {(i.code, i.message) for i in book.issues}
    new = tuple(i for i in issues if (i.code, i.message) not in stated)
    return ValidatedUnit(replace(here, issues=book.issues + new) if new else here, checks)


def _known_here(nom: Nomination, rules: Rules) -> Nomination:
    """A title this level's rules book does not know is unknown_title here, and does not pass."""
    if nom.title is None or nom.title in rules.titles:
        return nom
    issue = make_issue(Code.UNKNOWN_TITLE, f'"{nom.title_text}" ({nom.title})', file=nom.file,
                       sheet=nom.sheet, row=nom.row)
    return judged(nom, issues=(*nom.issues, issue), title=None, passed=False)
