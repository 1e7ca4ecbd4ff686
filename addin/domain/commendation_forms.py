"""Commendation forms ("hình thức khen thưởng"): what a line of the "Khen thưởng" sheet names,
so totals group by the real form ("BK BQP", "Bằng khen của Bộ Quốc phòng" and "Bằng khen của
Bộ trưởng Bộ Quốc phòng" are one form). A text that names no form of the rules book is kept as
typed, still counted, and reported as unknown_form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from addin.domain import fields as F
from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import Commendation, UnitWorkbook
from addin.domain.rules import Rules
from addin.domain.spelling import Matcher, build_matcher
from addin.domain.text import clean, fold


@lru_cache(maxsize=64)
def _matcher(rules: Rules) -> Matcher:
    return build_matcher(((code, (code, f.name, *f.synonyms), f.prefixes)
                          for code, f in rules.forms.items()), rules.abbreviations)


def recognise_form(text: object, rules: Rules) -> str | None:
    """Return the code of the commendation form `text` names, or None."""
    return _matcher(rules).match(text)


def recognise_forms(items: Iterable[Commendation], rules: Rules
                    ) -> tuple[tuple[Commendation, ...], list[Issue]]:
    """Each line with its form code; one unknown_form per line whose form names none."""
    issues: list[Issue] = []
    judged: list[Commendation] = []
    for item in items:
        code = recognise_form(item.form, rules)
        judged.append(replace(item, form_code=code))
        if code is None and fold(item.form):
            issues.append(make_issue(Code.UNKNOWN_FORM, f'"{clean(item.form)}"', file=item.file,
                                     sheet=item.sheet, row=item.row, column=item.columns.get("form")))
    return tuple(judged), issues


@dataclass
class CommendationGroup:
    """One line of the report's "Khen thưởng" sheet."""

    code: str | None  # the form's code, None for a form the rules book does not know
    form: str  # the form's name in the rules book, or the text as typed
    kind: str
    level: str
    collectives: int = 0
    individuals: int = 0
    files: set[str] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)  # the spellings found in the files


def _canonical(text: str, known: Sequence[str]) -> str:
    """A known value ("Thường xuyên") whatever its case or accents, else the text as typed."""
    by_fold = {fold(value): value for value in known}
    return by_fold.get(fold(text), clean(text))


def _rank(value: str, known: Sequence[str]) -> tuple[int, str]:
    return (known.index(value) if value in known else len(known), fold(value))


def named_form(text: str, level: str, rules: Rules, code: str | None = None
               ) -> tuple[str | None, str, str]:
    """(code, form, level) a commendation line is reported under, in every report: the form's
    name in the rules book ("BK BQP" and "Bằng khen của Bộ Quốc phòng" are "Bằng khen của Bộ
    trưởng Bộ Quốc phòng"), or the text as typed when it names none; a known level whatever
    its case, a blank one the form's level from the catalogue. `code`: already recognised."""
    code = code or recognise_form(text, rules)
    form = rules.forms[code].name if code else clean(text)
    level = _canonical(level, F.COMMENDATION_LEVELS)
    if not level and code:
        level = rules.forms[code].level
    return code, form, level


def form_order(code: str | None, form: str, level: str, rules: Rules
               ) -> tuple[int, str, tuple[int, str]]:
    """Where a form's line goes: the rules book's forms in catalogue order, then unknown forms
    by their text; levels in their usual order."""
    order = list(rules.forms)
    return (order.index(code) if code is not None and code in rules.forms else len(order),
            fold(form),
            _rank(level, F.COMMENDATION_LEVELS))


def group_commendations(books: Iterable[UnitWorkbook], rules: Rules) -> list[CommendationGroup]:
    """Totals by recognised form, kind and level: the rules book's forms in catalogue order,
    then unknown forms by their text. A blank "Cấp khen" takes the form's level from the
    catalogue. Lines validation has not seen (no form code yet) are recognised here."""
    groups: dict[tuple[str, str, str], CommendationGroup] = {}
    for book in books:
        for item in book.commendations:
            code, form, level = named_form(item.form, item.level, rules, item.form_code)
            kind = _canonical(item.kind, F.COMMENDATION_KINDS)
            key = (code or "?" + fold(form), kind, level)
            group = groups.setdefault(key, CommendationGroup(code, form, kind, level))
            group.collectives += item.collectives or 0
            group.individuals += item.individuals or 0
            group.files.add(book.path)
            if clean(item.form):
                group.typed.add(clean(item.form))
    order = {code: i for i, code in enumerate(rules.forms)}

    def sort_key(g: CommendationGroup) -> tuple[int, str, tuple[int, str], tuple[int, str]]:
        return (order.get(g.code, len(order)) if g.code else len(order), fold(g.form),
                _rank(g.kind, F.COMMENDATION_KINDS), _rank(g.level, F.COMMENDATION_LEVELS))

    return sorted(groups.values(), key=sort_key)
