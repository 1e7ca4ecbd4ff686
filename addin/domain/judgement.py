"""Books judged once: the marker a judged book carries, and which rules book it names.

A reading worker may judge the books it reads (addin.io.judged_read), so that validation runs
in parallel with the reading; consolidate then takes those books as they are. A book is judged
by one rules book: the marker names it by a key (a digest of the pickled book), computed once
per Rules object by the process that holds it and handed, with the rules, to the workers — a
worker never recomputes it (a set's order, and so a pickle, may differ between interpreters).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace
from weakref import WeakKeyDictionary

from addin.domain.models import Judgement, UnitWorkbook
from addin.domain.quotas import QuotaCheck
from addin.domain.rules import Rules
from addin.domain.text import person_key

_KEYS: WeakKeyDictionary[Rules, str] = WeakKeyDictionary()  # Rules hash by identity


class JudgedElsewhere(ValueError):
    """A judged book given with another rules book (or history) than the one that judged it:
    a program error (its records cannot be judged again without doubling their issues)."""


def rules_pickle(rules: Rules) -> bytes:
    return pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)


def rules_key(rules: Rules) -> str:
    """The key that names `rules` on the books it judged (the same object, the same key)."""
    key = _KEYS.get(rules)
    if key is None:
        key = _KEYS[rules] = hashlib.sha256(rules_pickle(rules)).hexdigest()
    return key


def adopt_key(rules: Rules, key: str) -> None:
    """`rules` is a copy, received from another process, of the rules book `key` names there."""
    _KEYS[rules] = key


def stamped(book: UnitWorkbook, rules: Rules, with_history: bool,
            checks: list[QuotaCheck]) -> UnitWorkbook:
    """The judged `book` marked as judged by `rules`, with its unit-quota checks and its
    people's identities."""
    people = tuple(person_key(n.name, n.rank, n.unit) for n in book.individuals)
    return replace(book, judgement=Judgement(rules_key(rules), with_history, tuple(checks),
                                             people))


def carried_checks(book: UnitWorkbook, rules: Rules, with_history: bool
                   ) -> list[QuotaCheck] | None:
    """The unit-quota checks of a book already judged by `rules`; None for a book not judged
    yet. Raises JudgedElsewhere for a book judged by another rules book or history."""
    verdict = book.judgement
    if verdict is None:
        return None
    if verdict.rules != rules_key(rules) or verdict.with_history != with_history:
        raise JudgedElsewhere(f"{book.path} was judged with another rules book or history")
    return list(verdict.quota_checks)
