"""Records cross processes pickled (a reading worker sends its books to the parent): a book's
records travel as columns and come back equal, of the same types, still frozen."""

from __future__ import annotations

import dataclasses
import pickle
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.domain.issues import Code, make_issue
from addin.domain.models import (
    Commendation,
    Judgement,
    Nomination,
    UnitInfo,
    UnitWorkbook,
)
from addin.domain.quotas import QuotaCheck
from addin.domain.scoring import ScoreLine, ScoreSheet

ISSUE = make_issue(Code.BELOW_THRESHOLD, "(70%; cần > 50%)", file="a.xlsx", sheet="Cá nhân",
                   row=5, column="I")


def _every_field(row: int, kind: str = "individual") -> Nomination:
    """A record with no field left at its default."""
    return Nomination(
        kind=kind, file="a.xlsx", sheet="Cá nhân", row=row, name=f"Nguyễn Văn {row}",
        title_text="Chiến sĩ tiên tiến", seq=str(row), rank="Trung sĩ", position="Chiến sĩ",
        unit="Đại đội 1", initiative="Sáng kiến", note="ghi chú", service_no="12-345",
        birth_year=1990, members=10, present=9, agree=8, streak=2, headcount=30, cstt=20,
        cstdcs=1, disciplined=0, percent_given=88.89, result_given="Đạt",
        sections=("A. Khối cơ quan", "CHIẾN SĨ TIÊN TIẾN"), columns={"full_name": "B"},
        invalid=frozenset({"streak"}), issues=(ISSUE, ISSUE), title="CSTT", percent=88.89,
        reached=True, passed=True)


def _book(individuals: tuple[Nomination, ...], collectives: tuple[Nomination, ...] = ()
          ) -> UnitWorkbook:
    check = QuotaCheck("CSTDCS", "CSTDCS", "Đại đội 1", 30, Fraction(3, 20), None, 4, 2, "Cụm 3")
    return UnitWorkbook(
        path="a.xlsx", sha256="ab" * 32, readable=True,
        info=UnitInfo(unit="Đại đội 1", cluster="Cụm 3", period="Năm 2024", headcount=30,
                      subunits=3, council=7, prepared_by="Đại úy A", prepared_on="15/12/2024",
                      sheet="Thông tin", rows={"unit": 1}, invalid=frozenset({"council"})),
        individuals=individuals, collectives=collectives,
        commendations=(Commendation("a.xlsx", "Khen thưởng", 2, "Giấy khen", "Thường xuyên",
                                    "Đơn vị", 2, 5, "", {"form": "A"}, "GK"),),
        issues=(ISSUE,),
        scores=ScoreSheet("a.xlsx", "Chấm điểm", (ScoreLine(4, "1.1", "Huấn luyện", Fraction(10),
                                                            Fraction(19, 2), None, "biên bản"),),
                          (ISSUE,)),
        rows_read=7, rows_skipped=1, source_report="cum-3.xlsx", cluster_scope="tinh.xlsx",
        skipped=False, judgement=Judgement("key", False, (check,)))


def _same(a: object, b: object) -> None:
    """Equal, and every field of the same type (a list for a tuple would still compare unequal,
    a set for a frozenset would not)."""
    assert a == b
    assert type(a) is type(b)
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            _same(x, y)


def test_every_field_type_comes_back_equal_and_of_its_type():
    book = _book(tuple(_every_field(r) for r in range(5, 9)),
                 (dataclasses.replace(_every_field(20, "collective"), invalid=frozenset()),))
    assert all(getattr(book.individuals[0], f.name) != f.default for f in
               dataclasses.fields(Nomination) if f.default is not dataclasses.MISSING)
    back = pickle.loads(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    _same(back, book)
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.individuals[0].name = "changed"  # type: ignore[misc]


def test_empty_and_default_records_come_back_equal():
    for book in (UnitWorkbook("a.xlsx"), UnitWorkbook("b.xlsx", readable=False),
                 _book((Nomination("individual", "a.xlsx", "Cá nhân", 5),), ())):
        _same(pickle.loads(pickle.dumps(book)), book)


def test_records_are_never_built_behind_an_init_that_does_more():
    """Unpickling fills the slots without __init__: fine while there is nothing else to run."""
    assert not hasattr(Nomination, "__post_init__")


_text = st.text(max_size=8)
_count = st.none() | st.integers(min_value=-5, max_value=10**7)
_share = st.none() | st.floats(allow_nan=False)
_issue = st.builds(make_issue, st.sampled_from(list(Code)), _text,
                   file=st.none() | _text, row=st.none() | st.integers(1, 10**6))
_record = st.builds(
    Nomination, kind=st.sampled_from(["individual", "collective"]), file=_text, sheet=_text,
    row=st.integers(1, 10**6), name=_text, title_text=_text, service_no=_text,
    birth_year=_count, members=_count, agree=_count, streak=_count, percent_given=_share,
    sections=st.tuples(_text) | st.just(()), columns=st.dictionaries(_text, _text, max_size=3),
    invalid=st.frozensets(_text, max_size=3), issues=st.lists(_issue, max_size=2).map(tuple),
    title=st.none() | _text, percent=_share, reached=st.booleans(), passed=st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(_record, max_size=6).map(tuple), st.lists(_record, max_size=3).map(tuple))
def test_any_records_come_back_equal(individuals, collectives):
    book = UnitWorkbook("a.xlsx", individuals=individuals, collectives=collectives)
    _same(pickle.loads(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)), book)


@settings(max_examples=60, deadline=None)
@given(st.lists(_record, max_size=6))
def test_records_judged_together_are_those_judged_one_by_one(records):
    """Validation copies a book's records together (models.judged_all): the same records,
    field by field and of the same types, as validate_nomination's copy of each."""
    from addin.domain.validation import validate_nomination, validate_nominations
    from addin.io.rules_file import load_rules

    rules = load_rules(None)
    together = validate_nominations(records, rules, "Đại đội 9")
    one_by_one = tuple(validate_nomination(r, rules, "Đại đội 9") for r in records)
    _same(together, one_by_one)
    # and as a copy written out field by field would be (an oracle that shares no code path)
    from addin.domain.validation import _verdict

    by_replace = tuple(dataclasses.replace(r, **_verdict(r, rules, "Đại đội 9", None)._asdict())
                       for r in records)
    _same(together, by_replace)
    for record, copy in zip(records, together, strict=True):
        assert copy is not record and (copy.unit or "") == (record.unit or (
            "Đại đội 9" if record.kind == "individual" else ""))


def _columns(records):
    return [tuple(getattr(r, f.name) for r in records) for f in dataclasses.fields(Nomination)]


@settings(max_examples=60, deadline=None)
@given(st.lists(_record, min_size=1, max_size=6))
def test_records_made_in_bulk_are_those_the_class_makes(records):
    """models.nominations_of (the reader's records, validation's copies, unpickled books) makes
    each record as Nomination(*values) does: equal, of the same types, frozen, hashed alike."""
    from addin.domain.models import nominations_of

    made = nominations_of(*_columns(records))
    _same(tuple(made), tuple(records))
    for mine, theirs in zip(made, records, strict=True):
        assert type(mine) is Nomination and mine is not theirs
        assert mine.__slots__ == theirs.__slots__ and not hasattr(mine, "__dict__")
        if not any(isinstance(v, dict) for v in dataclasses.astuple(theirs)):
            assert hash(mine) == hash(theirs)
        with pytest.raises(dataclasses.FrozenInstanceError):
            mine.name = "changed"  # type: ignore[misc]


def test_records_made_in_bulk_need_every_field():
    from addin.domain.models import nominations_of

    columns = _columns([_every_field(5)])
    with pytest.raises(TypeError):
        nominations_of(*columns[:-1])


def test_a_damaged_pack_fails_instead_of_losing_people():
    """Records come back column by column; map() would stop at the shortest column, so a pack
    whose columns are shorter than announced must be refused, not read as fewer people."""
    from addin.domain import models

    people = tuple(Nomination(kind="individual", file="a.xlsx", sheet="Cá nhân", name=f"Người {i}",
                              row=5 + i) for i in range(3))
    count, columns = models._packed(people)
    assert models._unpacked((count, columns)) == people
    short = tuple(c[:2] if i == 1 else c for i, c in enumerate(columns))
    with pytest.raises(ValueError, match="3 announced"):
        models._unpacked((count, short))
