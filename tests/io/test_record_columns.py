"""Records converted column by column (addin.io.record_columns, issue 12 performance) are the
records the row-by-row conversion made: the same values of the same types, the same issues in
the same order, the same legacy-encoding notes, for any cells (hypothesis) and in the orders a
sheet can mix records, skipped rows and error cells."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.domain import fields as F
from addin.domain.issues import Code, Issue
from addin.domain.legacy import encode_tcvn3, encode_vni
from addin.domain.models import Nomination, UnitDraft
from addin.io import record_columns
from addin.io.cells import MAX_COUNT, column_letter, count_why, to_count, to_number, to_text
from addin.io.reader import _SheetContext, read_table
from tests.conftest import COL_HEADER, IND_HEADER


class _Str(str):
    """A str subclass (an xlwings or openpyxl caller may pass one)."""


def _row_by_row(ctx: _SheetContext, excel_row: int, values: dict[str, Any],
                columns: dict[str, str], labels: dict[str, str], issues: list[Issue],
                invalid: set[str]) -> dict[str, Any]:
    """The oracle: each cell through addin.io.cells in turn, as the reader converted a record
    before the column-by-column pass."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        column = columns[name]
        kind = record_columns.FIELD_KIND.get(name, record_columns.TEXT)
        if (excel_row, column) in ctx.errors:
            issues.append(ctx.issue(Code.FORMULA_ERROR, ctx.errors[(excel_row, column)],
                                    excel_row, column))
            invalid.add(name)
            out[name] = "" if kind is record_columns.TEXT else None
        elif kind is record_columns.COUNT:
            number, code = to_count(value)
            if code:
                issues.append(ctx.issue(code, f'"{labels[name]}"', excel_row, column,
                                        count_why(value, code)))
                invalid.add(name)
            out[name] = number
        elif kind is record_columns.PERCENT:
            out[name] = to_number(value)[0]
        else:
            text, encoding = to_text(value)
            if encoding:
                ctx.legacy.setdefault((column, encoding), []).append(excel_row)
            out[name] = text
    return out


def _typed(value: object) -> object:
    """A value with its type, so that 1 and 1.0, "" and None, NaN and NaN compare as they are."""
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


cells = st.one_of(
    st.none(), st.just(""), st.just("  \u00a0"), st.floats(), st.sampled_from(
        [0.0, -0.0, 1.0, 15.0, 15.5, -1.0, float(MAX_COUNT), MAX_COUNT + 1.0, 1e300, math.inf,
         -math.inf, math.nan]),
    st.integers(-5, 2 * MAX_COUNT), st.booleans(), st.datetimes(min_value=dt.datetime(1990, 1, 1),
                                                                max_value=dt.datetime(2030, 1, 1)),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.text(max_size=12), st.sampled_from(
        ["15", "1.234", "7,5", "-3", "mười", "Chiến sĩ tiên tiến", " Trung  sĩ ", "Nguye\u0302\u0303n",
         encode_tcvn3("Nguyễn Văn Hùng"), encode_vni("Phạm Đức Thắng"), "1e-400", "=A1"]),
    st.sampled_from(["Trung sĩ", " Lê "]).map(_Str),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[int, str], list[list[Any]], set[tuple[int, int]]]:
    keys = draw(st.lists(st.sampled_from(list(F.INDIVIDUAL_LABELS)), min_size=1, unique=True))
    mapping = {c: key for c, key in enumerate(keys)}
    width = len(keys)
    rows = draw(st.lists(st.lists(cells, min_size=max(0, width - 2), max_size=width + 1),
                         min_size=1, max_size=12))  # ragged rows too
    errors = draw(st.sets(st.tuples(st.integers(0, len(rows) - 1), st.integers(0, width - 1)),
                          max_size=4))
    return mapping, rows, errors


def _context(errors: set[tuple[int, int]]) -> _SheetContext:
    return _SheetContext(UnitDraft(path="f.xlsx"), "Cá nhân",
                         {(10 + r, column_letter(c)): "#DIV/0!" for r, c in errors})


@settings(max_examples=300, deadline=None)
@given(tables(), st.booleans())
def test_columns_convert_as_each_cell_did(table, warm) -> None:
    mapping, rows, errors = table
    columns = {key: column_letter(c) for c, key in mapping.items()}
    excel_rows = [10 + r for r in range(len(rows))]
    if not warm:
        record_columns._KNOWN_TEXT.clear()  # the known texts only spare work
        record_columns._KNOWN_TEXT.update({None: "", "": ""})
    ctx, oracle = _context(errors), _context(errors)
    got = record_columns.convert(ctx, rows, excel_rows, mapping, columns, F.INDIVIDUAL_LABELS)
    for i, (row, excel_row) in enumerate(zip(rows, excel_rows, strict=True)):
        values = {k: row[c] if c < len(row) else None for c, k in mapping.items()}
        issues: list[Issue] = []
        invalid: set[str] = set()
        expected = _row_by_row(oracle, excel_row, values, columns, F.INDIVIDUAL_LABELS, issues,
                               invalid)
        assert {k: _typed(v[i]) for k, v in got.values.items()} == {
            k: _typed(v) for k, v in expected.items()}
        assert got.issues.get(i, []) == issues
        assert got.invalid.get(i, set()) == invalid
    assert ctx.legacy == oracle.legacy


def test_a_full_cache_of_known_texts_starts_again(monkeypatch) -> None:
    monkeypatch.setattr(record_columns, "_KNOWN_TEXT_LIMIT", 4)
    rows = [[f"Người {i}", "Trung sĩ"] for i in range(20)]
    ctx = _context(set())
    got = record_columns.convert(ctx, rows, list(range(1, 21)), {0: "full_name", 1: "rank"},
                                 {"full_name": "A", "rank": "B"}, F.INDIVIDUAL_LABELS)
    assert got.values["full_name"] == [f"Người {i}" for i in range(20)]
    assert got.values["rank"] == ["Trung sĩ"] * 20
    assert len(record_columns._KNOWN_TEXT) <= 4


def test_nominations_take_every_field_by_position() -> None:
    """map(Nomination, *columns) fills each field from its own column: every mapped key of
    both tables lands on the field the keyword construction gave it."""
    for kind, labels in (("individual", F.INDIVIDUAL_LABELS), ("collective", F.COLLECTIVE_LABELS)):
        mapping = dict(enumerate(labels))
        row = [f"v-{key}" if record_columns.FIELD_KIND.get(key, "text") == "text" else 3.0
               for key in labels]
        columns = {key: column_letter(c) for c, key in mapping.items()}
        [nom] = record_columns.nominations(_context(set()), kind, "f.xlsx", "S", [row], [7],
                                           [("I. A",)], mapping, columns)
        assert isinstance(nom, Nomination)
        assert (nom.kind, nom.file, nom.sheet, nom.row, nom.sections, nom.columns) == (
            kind, "f.xlsx", "S", 7, ("I. A",), columns)
        for key in labels:
            expected = f"v-{key}" if record_columns.FIELD_KIND.get(key, "text") == "text" else (
                3.0 if key == "percent" else 3)
            assert getattr(nom, record_columns.nomination_field(key)) == expected, key
        assert (nom.issues, nom.invalid, nom.title, nom.passed) == ((), frozenset(), None, False)


def test_legacy_note_counts_from_the_first_row_whatever_the_order() -> None:
    """A legacy-encoded text in a skipped row below a legacy-encoded record: the note still
    starts at the record's row (records are converted after the rows around them)."""
    old = encode_tcvn3("Nguyễn Văn Hùng")
    rows = [list(IND_HEADER),
            [1, old, "Trung sĩ", "", "", "Chiến sĩ tiên tiến", 10, 9, 8],
            [None, encode_tcvn3("I. Danh hiệu Chiến sĩ tiên tiến")]]  # a section row: skipped
    book = read_table(rows, "individual")
    legacy = [(i.row, i.column, i.message) for i in book.issues if i.code == "legacy_encoding"]
    assert [(i.code, i.row) for i in book.issues if i.code == "skipped_row"] == [
        ("skipped_row", 3)]
    assert [(r, c) for r, c, _ in legacy] == [(2, "B")]
    assert "2 ô, từ dòng 2" in legacy[0][2]


def test_commendation_issues_keep_their_place_among_skipped_rows() -> None:
    from addin.io.reader import _read_table

    book = UnitDraft(path="f.xlsx")
    ctx = _SheetContext(book, "Khen thưởng", {})
    rows = [["Hình thức khen thưởng", "Loại", "Cấp khen", "Số tập thể", "Số cá nhân"],
            ["", "Thường xuyên", "Đơn vị", 2, 5],  # no form: missing_value
            ["I. KHEN ĐỘT XUẤT"],  # a section row: skipped_row
            ["Giấy khen", "Đột xuất", "Đơn vị", -1, "x"],  # negative_number, not_a_number
            ["Tổng cộng", None, None, 2, 5]]
    _read_table(ctx, "commendations", rows)
    assert [(i.code, i.row) for i in book.issues] == [
        ("missing_value", 2), ("skipped_row", 3), ("negative_number", 4), ("not_a_number", 4),
        ("skipped_row", 5)]
    assert [c.row for c in book.commendations] == [2, 4]


def test_collectives_read_as_before() -> None:
    rows = [list(COL_HEADER), [1, "Ban Tham mưu", "Đơn vị tiên tiến", 20, 15, 1, 0, 10, 10, 9]]
    [nom] = read_table(rows, "collective").collectives
    assert (nom.name, nom.title_text, nom.headcount, nom.cstt, nom.agree, nom.seq) == (
        "Ban Tham mưu", "Đơn vị tiên tiến", 20, 15, 9, "1")


def test_a_new_text_repeated_down_a_column_is_converted_once(monkeypatch) -> None:
    """The unit of every person, new to the reader: converted for its first cell, the others
    take what that one gave (a cold reading worker met it 100 times a file)."""
    record_columns._KNOWN_TEXT.clear()
    record_columns._KNOWN_TEXT.update({None: "", "": ""})
    calls: list[object] = []

    def counted(value: object) -> tuple[str, str | None]:
        calls.append(value)
        return to_text(value)

    monkeypatch.setattr(record_columns, "to_text", counted)
    legacy = encode_tcvn3("Đại đội 2")
    rows = [[f"Người {i}", "Đại đội 1", legacy] for i in range(50)]
    ctx = _context(set())
    got = record_columns.convert(ctx, rows, list(range(5, 55)),
                                 {0: "full_name", 1: "unit", 2: "note"},
                                 {"full_name": "A", "unit": "B", "note": "C"}, F.INDIVIDUAL_LABELS)
    assert got.values["unit"] == ["Đại đội 1"] * 50
    assert got.values["note"] == ["Đại đội 2"] * 50
    assert calls.count("Đại đội 1") == 1
    # a legacy-encoded text is noted cell by cell, as before (never remembered)
    assert calls.count(legacy) == 50 and ctx.legacy == {("C", "TCVN3"): list(range(5, 55))}
