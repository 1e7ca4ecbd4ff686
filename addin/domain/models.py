"""Records of a unit workbook, as the domain sees them (each one knows where it came from).

Records are frozen: reading builds them once, and validation returns new, judged copies
(addin.domain.validation) instead of writing into them, so validating twice gives the same
answer. Only the reader's draft (UnitDraft) is filled step by step, and it is frozen into a
UnitWorkbook before anything else sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from addin.domain.issues import Issue, has_errors
from addin.domain.quotas import QuotaCheck
from addin.domain.rules import Kind
from addin.domain.scoring import ScoreSheet


@dataclass(frozen=True, slots=True)
class Nomination:
    """One proposed person ("Cá nhân") or collective ("Tập thể") with its vote."""

    kind: Kind
    file: str
    sheet: str
    row: int
    name: str = ""
    title_text: str = ""
    seq: str = ""
    rank: str = ""
    position: str = ""
    unit: str = ""
    initiative: str = ""
    note: str = ""
    service_no: str = ""  # "Số hiệu quân nhân" (contracts.md §6), identity across periods
    birth_year: int | None = None
    members: int | None = None
    present: int | None = None
    agree: int | None = None
    streak: int | None = None
    headcount: int | None = None
    cstt: int | None = None
    cstdcs: int | None = None
    disciplined: int | None = None
    percent_given: float | None = None
    result_given: str = ""
    # Section rows above the record on an official form, outermost first (contracts.md §6):
    # the nearest one naming a title gives the title when the record has none.
    sections: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)  # field key -> Excel column letter
    invalid: frozenset[str] = frozenset()  # fields whose cell could not be read
    issues: tuple[Issue, ...] = ()  # the reader's, then (on the judged copy) validation's
    # Set on the judged copy validation returns:
    title: str | None = None
    percent: float | None = None
    reached: bool = False
    passed: bool = False

    @property
    def has_errors(self) -> bool:
        return has_errors(self.issues)


_NOMINATION_FIELDS = tuple(f.name for f in fields(Nomination))
_nomination_values = attrgetter(*_NOMINATION_FIELDS)
_NOMINATION_AT = {name: i for i, name in enumerate(_NOMINATION_FIELDS)}


# Records made in bulk (issue 12): the reader makes one per row, validation a judged copy of
# each, and the parent of the reading workers unpickles them all. Nomination's own __init__
# sets each of its 32 fields through object.__setattr__ (the class is frozen); an open twin
# with the same slots stores them as plain attributes, then turns the object into the
# Nomination it is (the same slots in the same order: the same layout, so Python allows the
# class change). The result is the record Nomination(*values) makes, in a fifth of the time;
# Nomination has no __post_init__ for it to skip (tests/domain/test_records_pickle.py).
def _open_twin(cls: type) -> Any:
    names = tuple(f.name for f in fields(cls))
    if getattr(cls, "__slots__", None) != names or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: not a plain slotted record")  # pragma: no cover
    body = "".join(f"    self.{name} = {name}\n" for name in names)
    namespace: dict[str, Any] = {"_record": cls}
    exec(f"def __init__(self, {', '.join(names)}):\n{body}"  # noqa: S102 - our own names
         "    self.__class__ = _record\n", namespace)
    return type(f"_Open{cls.__name__}", (), {"__slots__": names,
                                               "__init__": namespace["__init__"]})


_OpenNomination = _open_twin(Nomination)


def nominations_of(*columns: Iterable[Any]) -> list[Nomination]:
    """Nomination(*values) of each record, given one column of values per field, in the
    fields' order: a tuple per field, or an iterator (itertools.repeat for a field all share)."""
    records: list[Nomination] = list(map(_OpenNomination, *columns))
    return records


def judged(nom: Nomination, **changes: Any) -> Nomination:
    """A copy of `nom` with `changes`: dataclasses.replace, at a fraction of its cost
    (validation makes one per record, hundreds of thousands in a large report)."""
    values = list(_nomination_values(nom))
    for name, value in changes.items():
        values[_NOMINATION_AT[name]] = value
    record: Nomination = _OpenNomination(*values)
    return record


@dataclass(frozen=True, slots=True)
class Commendation:
    """One line of "Khen thưởng": commendations given in the period."""

    file: str
    sheet: str
    row: int
    form: str = ""
    kind: str = ""
    level: str = ""
    collectives: int | None = None
    individuals: int | None = None
    note: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)  # field key -> Excel column letter
    form_code: str | None = None  # on the judged copy: the form of the rules book, if any


@dataclass(frozen=True, slots=True)
class UnitInfo:
    unit: str = ""
    cluster: str = ""
    period: str = ""
    headcount: int | None = None
    subunits: int | None = None
    council: int | None = None
    prepared_by: str = ""
    prepared_on: str = ""
    sheet: str | None = None
    rows: Mapping[str, int] = field(default_factory=dict)  # key -> Excel row of its label
    invalid: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Judgement:
    """Carried by a book validation has judged (addin.domain.judgement): which rules book
    judged it (its key), whether a history database took part, and the unit-quota checks it
    gave. A judged book is not judged again (its issues would be added twice): consolidate
    takes it as it is, so that a reading worker can judge books in parallel."""

    rules: str
    with_history: bool
    quota_checks: tuple[QuotaCheck, ...] = ()
    # Each individual's identity (text.person_key), in the book's order: the cluster-wide check
    # for one person in two files compares these instead of folding every name again (serial,
    # after the parallel reading: 20,000 names took 0.03 s). Made by judgement.stamped from the
    # judged records; nothing changes a record's name, rank or unit after that. Code that
    # would (a replace of the book's individuals) must stamp the book again.
    people: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class UnitWorkbook:
    """Everything read from one unit workbook."""

    path: str
    sha256: str = ""
    readable: bool = True
    info: UnitInfo = field(default_factory=UnitInfo)
    individuals: tuple[Nomination, ...] = ()
    collectives: tuple[Nomination, ...] = ()
    commendations: tuple[Commendation, ...] = ()
    issues: tuple[Issue, ...] = ()  # file, sheet and header level
    scores: ScoreSheet | None = None  # "Chấm điểm" (contracts.md §8), when the unit has one
    rows_read: int = 0  # rows with content seen under the tables' headers
    rows_skipped: int = 0  # of those, rows that are not records (each one a skipped_row issue)
    # Read out of a cluster report ("cum-3.xlsx"), not from the unit's own file.
    source_report: str = ""
    # Read out of a report: the reports above the unit's own file ("tinh.xlsx › cum-3.xlsx");
    # with the unit's cluster name, the scope of a per-cluster quota at a higher level.
    cluster_scope: str = ""
    skipped: bool = False  # a copy its report left out (duplicate): stays out, its issues kept
    judgement: Judgement | None = None  # set once validation has judged the book

    @property
    def nominations(self) -> tuple[Nomination, ...]:
        return self.individuals + self.collectives

    def all_issues(self) -> list[Issue]:
        found = list(self.issues)
        for nom in self.nominations:
            found.extend(nom.issues)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its records as columns (a reading worker sends every book it read to
        its parent): see _packed."""
        values = list(_book_values(self))
        values[_INDIVIDUALS] = _packed(self.individuals)
        values[_COLLECTIVES] = _packed(self.collectives)
        return _unpacked_book, (tuple(values),)


@dataclass(slots=True)
class UnitDraft:
    """A unit workbook while the reader fills it; `freeze()` gives the record everyone else sees."""

    path: str
    sha256: str = ""
    readable: bool = True
    info: UnitInfo = field(default_factory=UnitInfo)
    individuals: list[Nomination] = field(default_factory=list)
    collectives: list[Nomination] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    scores: ScoreSheet | None = None
    rows_read: int = 0
    rows_skipped: int = 0
    source_report: str = ""
    cluster_scope: str = ""
    skipped: bool = False

    def freeze(self) -> UnitWorkbook:
        """The record with the draft's fields, its lists as tuples (a field the record does not
        have fails here; the record's own, `judgement`, keeps its default)."""
        values: dict[str, Any] = {f.name: tuple(v) if isinstance(v, list) else v
                                  for f in fields(self) for v in (getattr(self, f.name),)}
        return UnitWorkbook(**values)


# ----------------------------------------------------------------------------------------------
# Records between processes. A reading worker sends its books to the parent pickled; pickled one
# by one, each Nomination costs a class reference, a tuple and a call that sets its 32 fields one
# by one through the frozen class's guard. A book's records go instead as one tuple per field
# (`zip` transposes them in C), and come back made by nominations_of: the same values, types
# and equality.
_book_values = attrgetter(*(f.name for f in fields(UnitWorkbook)))
_INDIVIDUALS = [f.name for f in fields(UnitWorkbook)].index("individuals")
_COLLECTIVES = [f.name for f in fields(UnitWorkbook)].index("collectives")

Packed = tuple[int, tuple[tuple[Any, ...], ...]]


_INVALID = _NOMINATION_FIELDS.index("invalid")
_NO_FIELDS: frozenset[str] = frozenset()


def _packed(records: tuple[Nomination, ...]) -> Packed:
    columns = list(zip(*map(_nomination_values, records), strict=True))
    if columns:  # one empty set for all (each record's own would be pickled one by one)
        columns[_INVALID] = tuple(v if v else _NO_FIELDS for v in columns[_INVALID])
    return len(records), tuple(columns)


def _unpacked(packed: Packed) -> tuple[Nomination, ...]:
    count, columns = packed
    if not count:
        return ()
    records = tuple(nominations_of(*columns))
    if len(records) != count or any(len(column) != count for column in columns):
        # map() stops at the shortest column: a damaged pack must fail, not lose people
        raise ValueError(f"packed records: {count} announced, columns of "
                         f"{sorted({len(c) for c in columns})}")
    return records


def judged_all(noms: Sequence[Nomination], names: Sequence[str],
               changes: Sequence[Sequence[Any]]) -> tuple[Nomination, ...]:
    """judged(nom, **dict(zip(names, change))) of each record and its change, made column by
    column as _unpacked makes records (validation makes one copy per record read)."""
    if not noms:
        return ()
    columns: list[Sequence[Any]] = list(zip(*map(_nomination_values, noms), strict=True))
    for name, changed in zip(names, zip(*changes, strict=True), strict=True):
        columns[_NOMINATION_AT[name]] = changed
    return tuple(nominations_of(*columns))


def _unpacked_book(values: tuple[Any, ...]) -> UnitWorkbook:
    rebuilt = list(values)
    rebuilt[_INDIVIDUALS] = _unpacked(values[_INDIVIDUALS])
    rebuilt[_COLLECTIVES] = _unpacked(values[_COLLECTIVES])
    return UnitWorkbook(*rebuilt)
