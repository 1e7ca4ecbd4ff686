"""Who a row is, across periods (domain.md "Time"): the service number ("Số hiệu quân nhân")
where given, else normalised name + birth year ("Năm sinh") + unit. A person moves between units,
so a service number matched in another unit is the same person; a row that fits two people is an
ambiguity to report, never to guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from addin.domain.text import clean, fold

_NO_SPACE = re.compile(r"[\s.\-/]+")


def name_key(name: str) -> str:
    """NFC, spacing and case folded; the diacritics stay ("Hùng" and "Hưng" are two people).
    Legacy TCVN3/VNI text is decoded by the reader before it gets here."""
    return clean(name).casefold()


def service_key(service_no: str) -> str:
    """'12-345 678' and '12345678' are the same service number."""
    return _NO_SPACE.sub("", clean(service_no)).upper()


def unit_key(unit: str) -> str:
    return fold(unit)


@dataclass(frozen=True)
class PersonRef:
    """A row to identify."""

    name: str
    unit: str
    service_no: str = ""
    birth_year: int | None = None


@dataclass
class KnownPerson:
    id: int
    service_no: str  # service_key form, "" when unknown
    name_key: str
    birth_year: int | None
    unit_keys: set[str] = field(default_factory=set)  # every unit the person was recorded in


@dataclass(frozen=True)
class Match:
    person_id: int | None  # None: nobody (a new person) or ambiguous
    candidates: tuple[int, ...] = ()  # two or more: ambiguous
    moved: bool = False  # matched by service number in another unit

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


class PersonIndex:
    """The known persons, indexed for matching rows against them."""

    def __init__(self, people: Iterable[KnownPerson] = ()) -> None:
        self.people: dict[int, KnownPerson] = {}
        self._by_service: dict[str, int] = {}
        # (name, unit) -> persons: common names repeat thousands of times army-wide, so the
        # unit is part of the key, not a filter over every namesake.
        self._by_name_unit: dict[tuple[str, str], list[int]] = {}
        for person in people:
            self.add(person)

    def add(self, person: KnownPerson) -> None:
        self.people[person.id] = person
        if person.service_no:
            self._by_service[person.service_no] = person.id
        for unit in person.unit_keys:
            self._index_unit(person, unit)

    def _index_unit(self, person: KnownPerson, unit: str) -> None:
        ids = self._by_name_unit.setdefault((person.name_key, unit), [])
        if person.id not in ids:
            ids.append(person.id)

    def add_unit(self, person_id: int, unit: str) -> None:
        """The person was recorded in `unit` too (a move, or a first record)."""
        person = self.people[person_id]
        if unit not in person.unit_keys:
            person.unit_keys.add(unit)
            self._index_unit(person, unit)

    def set_service_no(self, person_id: int, service_no: str) -> None:
        self.people[person_id].service_no = service_no
        self._by_service[service_no] = person_id

    def match(self, ref: PersonRef) -> Match:
        return self.match_keys(name_key(ref.name), unit_key(ref.unit), service_key(ref.service_no),
                               ref.birth_year)

    def match_keys(self, name: str, unit: str, service: str, birth_year: int | None) -> Match:
        """match() on keys already normalised (the import computes them once per row)."""
        if service and service in self._by_service:
            pid = self._by_service[service]
            return Match(pid, (pid,), moved=unit not in self.people[pid].unit_keys)
        candidates = []
        for pid in self._by_name_unit.get((name, unit), ()):
            person = self.people[pid]
            if service and person.service_no and person.service_no != service:
                continue  # two service numbers: two people
            if (birth_year is not None and person.birth_year is not None
                    and birth_year != person.birth_year):
                continue
            candidates.append(pid)
        if len(candidates) == 1:
            return Match(candidates[0], (candidates[0],))
        return Match(None, tuple(sorted(candidates)))
