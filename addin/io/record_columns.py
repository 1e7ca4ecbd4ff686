"""Nominations of one table built column by column (issue 12, reading faster).

The reader first decides which rows are records (addin.io.reader); their cells are then
converted one column at a time, with the field's kind known from the header: a list
comprehension takes the common cells (a whole number in a count column, a number in the
percent column, a text seen before) and marks every other cell ODD, which then takes the
general path of addin.io.cells, cell by cell, exactly as a row-by-row reading would. Records
are made by `models.nominations_of(*columns)`, one column per field.

The result is the same as converting each record's cells in turn: a record's issues come in
its columns' order (one issue at most per cell), its legacy-encoded cells are noted per
column, and cells holding an Excel error take no conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from itertools import repeat
from typing import Any, Protocol

from addin.domain import fields as F
from addin.domain.issues import Code, Issue
from addin.domain.models import Nomination, nominations_of
from addin.domain.rules import Kind
from addin.domain.typed_numbers import MAX_COUNT
from addin.io.cells import count_why, to_count, to_number, to_text

# How each field's cells convert, decided once per field name rather than per cell.
COUNT, PERCENT, TEXT = "count", "percent", "text"
FIELD_KIND: dict[str, str] = {**{name: COUNT for name in F.COUNT_FIELDS}, "percent": PERCENT}

ODD = object()  # a cell the comprehension leaves to the general path
_NO_FIELDS: frozenset[str] = frozenset()

# Raw cell (None or an exact str) -> its clean text, for texts with no legacy encoding: titles,
# ranks, positions and units repeat down every sheet. Cleared when full (names never repeat).
_KNOWN_TEXT: dict[object, str] = {None: "", "": ""}
_KNOWN_TEXT_LIMIT = 1 << 16

# Table field key -> Nomination field, where the two differ.
_FIELD_OF = {"full_name": "name", "title": "title_text", "percent": "percent_given",
             "result": "result_given"}
_FIELDS = fields(Nomination)
_POSITION = {f.name: i for i, f in enumerate(_FIELDS)}
# Each field's default (the fields every record sets get None here).
_DEFAULTS = tuple(None if f.default is MISSING else f.default for f in _FIELDS)


class SheetContext(Protocol):
    """What the reader's sheet context offers (addin.io.reader._SheetContext)."""

    errors: dict[tuple[int, str], str]
    legacy: dict[tuple[str, str], list[int]]  # (column, encoding) -> Excel rows

    def issue(self, code: Code, detail: str = "", row: int | None = None,
              column: str | None = None, why: str = "") -> Issue: ...


def nomination_field(key: str) -> str:
    """The Nomination field a table column fills."""
    return _FIELD_OF.get(key, key)


def _count_cells(cells: Sequence[Any]) -> list[Any]:
    # A float holding a whole count (what calamine gives for numbers) and an empty cell, as
    # cells.to_count decides them; everything else is ODD.
    return [(int(v) if 0.0 <= v <= MAX_COUNT and v.is_integer() else ODD) if type(v) is float
            else (None if v is None or v == "" else ODD) for v in cells]


def _percent_cells(cells: Sequence[Any]) -> list[Any]:
    return [v if type(v) is float and -MAX_COUNT <= v <= MAX_COUNT else ODD for v in cells]


def _text_cells(cells: Sequence[Any]) -> list[Any]:
    # A whole float is written without ".0" (cells.to_text); inf and NaN are not is_integer().
    known = _KNOWN_TEXT.get
    return [(str(int(v)) if v.is_integer() else ODD) if type(v) is float else known(v, ODD)
            for v in cells]


_FAST: dict[str, Callable[[Sequence[Any]], list[Any]]] = {
    COUNT: _count_cells, PERCENT: _percent_cells, TEXT: _text_cells}
# What the above (and the general path of their ODD cells) make of an empty cell (None or "").
_BLANK: dict[str, Any] = {COUNT: None, PERCENT: None, TEXT: ""}


def _remember_text(value: Any, text: str) -> None:
    if type(value) is str:
        if len(_KNOWN_TEXT) >= _KNOWN_TEXT_LIMIT:
            _KNOWN_TEXT.clear()
            _KNOWN_TEXT.update({None: "", "": ""})
        _KNOWN_TEXT[value] = text


def _odd_positions(out: list[Any]) -> Iterable[int]:
    start = 0
    while True:
        try:
            start = out.index(ODD, start)
        except ValueError:
            return
        yield start
        start += 1


@dataclass
class Converted:
    """A table's record rows, converted: each field's values down the records, and each
    record's issues (in its columns' order) and fields that could not be read."""

    values: dict[str, list[Any]]
    issues: dict[int, list[Issue]]
    invalid: dict[int, set[str]]


def convert(ctx: SheetContext, records: list[list[Any]], excel_rows: list[int],
            mapping: Mapping[int, str], columns: Mapping[str, str],
            labels: Mapping[str, str]) -> Converted:
    """The cells of `records` (their rows; `mapping`: column index -> field key, in column
    order; `columns`: field key -> column letter) as the domain's values."""
    done = Converted({}, {}, {})
    issues, invalid = done.issues, done.invalid
    count = len(records)
    # The rows' columns, transposed in C (as far as the shortest row reaches).
    by_column: list[tuple[Any, ...]] = list(zip(*records, strict=False))
    errors = ctx.errors
    known = _KNOWN_TEXT.get
    for c, key in mapping.items():
        column = columns[key]
        cells: Sequence[Any] = (by_column[c] if c < len(by_column) else
                                [row[c] if c < len(row) else None for row in records])
        field_kind = FIELD_KIND.get(key, TEXT)
        first = cells[0] if cells else None
        if (first is None or first == "") and cells.count("") + cells.count(None) == count:
            out = [_BLANK[field_kind]] * count  # a column left blank (a note, a streak)
        else:
            out = _FAST[field_kind](cells)
        failed = ([i for i, r in enumerate(excel_rows) if (r, column) in errors]
                  if errors else [])
        for i in failed:
            issues.setdefault(i, []).append(ctx.issue(Code.FORMULA_ERROR,
                                                      errors[(excel_rows[i], column)],
                                                      excel_rows[i], column))
            invalid.setdefault(i, set()).add(key)
            out[i] = "" if field_kind is TEXT else None
        for i in _odd_positions(out) if ODD in out else ():  # most columns have none
            value = cells[i]
            if field_kind is COUNT:
                number, code = to_count(value)
                if code:
                    issues.setdefault(i, []).append(ctx.issue(code, f'"{labels[key]}"',
                                                              excel_rows[i], column,
                                                              count_why(value, code)))
                    invalid.setdefault(i, set()).add(key)
                out[i] = number
            elif field_kind is PERCENT:
                out[i] = to_number(value)[0]  # the template's own formula; only compared
            else:
                # A text new to this column repeats down it (the unit of every person): the
                # cells after its first take what to_text gave that one, remembered.
                text = known(value, ODD)
                if text is ODD:
                    text, encoding = to_text(value)
                    if encoding:
                        ctx.legacy.setdefault((column, encoding), []).append(excel_rows[i])
                    else:
                        _remember_text(value, text)
                out[i] = text
        done.values[key] = out
    return done


def nominations(ctx: SheetContext, kind: Kind, file: str, sheet: str, records: list[list[Any]],
                excel_rows: list[int], sections: list[tuple[str, ...]],
                mapping: Mapping[int, str], columns: Mapping[str, str]) -> list[Nomination]:
    """The nominations of `records`, each under its `sections`."""
    labels = F.INDIVIDUAL_LABELS if kind == "individual" else F.COLLECTIVE_LABELS
    done = convert(ctx, records, excel_rows, mapping, columns, labels)
    count = len(records)
    by_position: list[Iterable[Any]] = [repeat(value, count) for value in _DEFAULTS]
    for name, value in (("kind", kind), ("file", file), ("sheet", sheet), ("columns", columns)):
        by_position[_POSITION[name]] = repeat(value, count)
    by_position[_POSITION["row"]] = excel_rows
    by_position[_POSITION["sections"]] = sections
    for key, out in done.values.items():
        by_position[_POSITION[nomination_field(key)]] = out
    issues, invalid = done.issues, done.invalid
    # Records with nothing unread or flagged (most) share one empty set and one empty tuple.
    by_position[_POSITION["invalid"]] = ([frozenset(invalid[i]) if i in invalid else _NO_FIELDS
                                          for i in range(count)] if invalid
                                         else repeat(_NO_FIELDS, count))
    by_position[_POSITION["issues"]] = ([tuple(issues[i]) if i in issues else ()
                                         for i in range(count)] if issues else repeat((), count))
    return nominations_of(*by_position)
