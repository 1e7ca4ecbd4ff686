"""Commendation forms ("hình thức khen thưởng"): what a line of the "Khen thưởng" sheet names,
so totals group by the real form ("BK BQP", "Bằng khen của Bộ Quốc phòng" and "Bằng khen của
Bộ trưởng Bộ Quốc phòng" are one form). A text that names no form of the rules book is kept as
typed, still counted, and reported as unknown_form."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from addin.domain.issues import Code, Issue, make_issue
from addin.domain.models import Commendation
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


def form_label(item: Commendation, rules: Rules) -> str:
    """The form's name in the rules book, or the text as typed when it names none."""
    return rules.forms[item.form_code].name if item.form_code else clean(item.form)


def recognise_forms(items: Iterable[Commendation], rules: Rules) -> list[Issue]:
    """Set each line's form code; one unknown_form per line whose form names none."""
    issues: list[Issue] = []
    for item in items:
        item.form_code = recognise_form(item.form, rules)
        if item.form_code is None and fold(item.form):
            issues.append(make_issue(Code.UNKNOWN_FORM, f'"{clean(item.form)}"', file=item.file,
                                     sheet=item.sheet, row=item.row, column=item.columns.get("form")))
    return issues
