"""The safety scan's faster expressions (issue 12 performance) decide exactly as the ones they
replaced, on any bytes: the r-attribute count is the same, and the prefixed-tag hint finds
something whenever the exact expression does."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.io.sheet_scan import _ANY_R, _PREFIXED, _PREFIXED_HINT

_ORIGINAL_ANY_R = re.compile(rb"\sr\s*=")
# The expressions the fifth pass replaced (kept here for the oracles below).
_PLAIN_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"[\s/>]')
_ANY_ROW = re.compile(rb"<row[\s/>]")
_PLAIN_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
_ANY_DIMENSION = re.compile(rb"<dimension[\s/>]")
_LONGER_ROW = {d: re.compile(rb'<c r="[A-Z]{1,3}[1-9][0-9]{%d}' % d) for d in range(1, 7)}
_THREE_LETTERS = re.compile(rb'<c r="[A-Z]{3}')


def _counted_exactly(scan, cells) -> bool:
    """The earlier passes' exact count of the plain cells found (both oracles end so)."""
    from operator import itemgetter

    from addin.io import sheet_scan as S

    scan.cells = len(cells)
    scan.max_row = max(map(int, set(map(itemgetter(1), cells))), default=0)
    scan.max_col = max(map(S._column_number, {c.decode() for c in set(map(itemgetter(0), cells))}),
                       default=0)
    if scan.max_row > S.EXCEL_ROWS or scan.max_col > S.EXCEL_COLUMNS:
        raise scan.refuse("có ô nằm ngoài bảng tính Excel")
    if scan.max_row * scan.max_col > S.MAX_SHEET_CELLS or scan.cells > S.MAX_SHEET_CELLS:
        raise scan.too_large()
    return True


def _outcome(scan_function: object, xml: bytes) -> object:
    """What a pass decides on `xml`: its answer, or the refusal's words (a sheet accepted
    without its cells listed has no counts to compare)."""
    from addin.io import sheet_scan as S

    scan = S._Scan("x")
    try:
        return scan_function(scan, xml)  # type: ignore[operator]
    except S.UnsafeWorkbook as exc:
        return str(exc)


def _bounded(xml: bytes, rows: list[bytes]) -> bool:
    """The bounds as _plain_scan now decides them, for a sheet whose cells are all plain:
    every cell near its rows' digits and two letters (one search), and fitting the limits."""
    from addin.io import sheet_scan as S

    digits = max(map(len, rows), default=1)
    return digits <= 6 and not S._NOT_NEAR[digits].search(xml) and S._near_fits(xml, digits)
_PIECES = st.sampled_from([b"<c", b"<row", b"<x:c", b"<x:row", b"</x:c>", b"<a:dimension",
                           b":c", b":row", b"dimension", b" ", b"\t", b"\n", b"\r", b"\x0b",
                           b"\x0c", b"/", b">", b"<", b"r", b"=", b" r=", b"rr", b"\x85", b"\xa0",
                           b"a", b"_", b"-", b".", b"ref"])
_XML = st.lists(_PIECES, max_size=40).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(_XML)
def test_the_r_attribute_count_is_unchanged(xml: bytes) -> None:
    assert len(_ANY_R.findall(xml)) == len(_ORIGINAL_ANY_R.findall(xml)), xml


@settings(max_examples=500, deadline=None)
@given(_XML)
def test_the_prefixed_hint_never_misses_a_prefixed_tag(xml: bytes) -> None:
    if _PREFIXED.search(xml):
        assert _PREFIXED_HINT.search(xml), xml


def test_the_expressions_on_what_writers_write() -> None:
    plain = b'<row r="4" spans="1:3"><c r="A4" s="1"><v>1</v></c></row><pageMargins header="0.3"/>'
    assert len(_ANY_R.findall(plain)) == 2
    assert _PREFIXED_HINT.search(b'<x:c r="A1"/>') and _PREFIXED.search(b'<x:c r="A1"/>')
    assert _PREFIXED_HINT.search(plain) is None


# Third pass: one search for a cell the plain expression does not account for, instead of
# counting both expressions' matches; and "!" looked for before "<!".
_CELL_PIECES = st.sampled_from([b"<c", b"<c ", b'<c r="', b'<c r="A1"', b'<c r="AB12" ',
                                b'<c r="XFD1048576"/>', b'<c r="A0"', b'<c r="a1"', b'<c r="ABCD1"',
                                b'<c r="A12345678"', b"r=", b'"', b"A", b"1", b"0", b" ", b"\t",
                                b"/", b">", b"<", b"<col ", b"<cell ", b"!", b"<!", b"<c<c "])
_CELL_XML = st.lists(_CELL_PIECES, max_size=30).map(b"".join)


@settings(max_examples=1000, deadline=None)
@given(_CELL_XML)
def test_the_odd_cell_search_finds_one_exactly_when_the_counts_differ(xml: bytes) -> None:
    from addin.io.sheet_scan import _ANY_CELL, _ODD_CELL, _PLAIN_CELL

    differ = len(_PLAIN_CELL.findall(xml)) != len(_ANY_CELL.findall(xml))
    assert bool(_ODD_CELL.search(xml)) == differ, xml


def _plain_scan_before(scan: object, xml: bytes) -> bool:
    """sheet_scan._plain_scan as it was before the third pass (the oracle)."""
    from addin.io import sheet_scan as S

    assert isinstance(scan, S._Scan)
    if b"<!" in xml or b't="e"' in xml or (S._PREFIXED_HINT.search(xml) and S._PREFIXED.search(xml)):
        return False
    cells = S._PLAIN_CELL.findall(xml)
    if len(cells) != len(S._ANY_CELL.findall(xml)):
        return False
    rows = _PLAIN_ROW.findall(xml)
    if len(rows) != len(_ANY_ROW.findall(xml)) or any(int(r) > S.EXCEL_ROWS for r in rows):
        return False
    if len(S._ANY_R.findall(xml)) != len(cells) + len(rows):
        return False
    dimensions = _PLAIN_DIMENSION.findall(xml)
    if len(dimensions) != len(_ANY_DIMENSION.findall(xml)):
        return False
    for ref in dimensions:
        scan.dimension(ref.decode("ascii", "replace"))
    return _counted_exactly(scan, cells)


_ROW_PIECES = st.sampled_from([b'<row r="1">', b'<row r="1048577">', b"<row>", b"</row>",
                               b'<dimension ref="A1:B2"/>', b"<dimension/>", b't="e"',
                               b"<x:c/>", b" r=", b"<!-- -->", b" r =", b"\tr=", b'<c\tr="A1">',
                               b'<row\tr="1">', b'<row r="2" r="3">', b'<c r="A1" r="B1">',
                               b'<c  r="A1">', b'<row  r="1">', b' sqref="A1"', b'abc r=',
                               b'xow r=', b'<col r="1">'])
_SHEET_XML = st.lists(st.one_of(_CELL_PIECES, _ROW_PIECES), max_size=30).map(b"".join)


@settings(max_examples=1000, deadline=None)
@given(_SHEET_XML)
def test_the_plain_scan_decides_as_before(xml: bytes) -> None:
    from addin.io import sheet_scan as S

    assert _outcome(S._plain_scan, xml) == _outcome(_plain_scan_before, xml), xml


# Fourth pass: a plain sheet is accepted by bounds (row-number digits, column letters) without
# listing its cells; anything the bounds cannot settle is counted exactly, as before.
_BOUND_PIECES = st.sampled_from([b'<row r="1">', b'<row r="99">', b'<row r="1000">',
                                 b'<row r="999999">', b"</row>", b'<c r="A1"/>', b'<c r="Z9"/>',
                                 b'<c r="AA10"/>', b'<c r="ZZ999"/>', b'<c r="AAA1"/>',
                                 b'<c r="XFD1"/>', b'<c r="XFE1"/>', b'<c r="ZZZ1"/>',
                                 b'<c r="A1000"/>', b'<c r="A1048576"/>', b'<c r="A1048577"/>',
                                 b'<c r="B5000"/>', b'<dimension ref="A1:B2"/>',
                                 # at the bounds' edges (a review found these missing)
                                 b'<row r="100">', b'<row r="99999">', b'<c r="ZZ9999"/>',
                                 b'<c r="ZZ99999"/>', b'<c r="Z99999"/>', b'<c r="A100000"/>'])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_BOUND_PIECES, max_size=12).map(b"".join))
def test_a_sheet_the_bounds_accept_is_one_the_exact_count_accepts(xml: bytes) -> None:
    from addin.io import sheet_scan as S

    rows = _PLAIN_ROW.findall(xml)
    if S._ODD_CELL.search(xml) or not _bounded(xml, rows):
        return
    scan = S._Scan("x")
    assert _plain_scan_before(scan, xml) is True, xml  # no refusal: the bounds were right


def test_the_bounds_settle_a_unit_sheet_and_leave_far_cells_to_the_count() -> None:
    from addin.io import sheet_scan as S

    unit = b"".join(b'<row r="%d"><c r="A%d"/><c r="N%d"/></row>' % (r, r, r)
                    for r in range(4, 120))
    assert _bounded(unit, _PLAIN_ROW.findall(unit))
    for far in (b'<c r="A1048577"/>', b'<c r="XFE4"/>', b'<c r="A99999"/>'):
        sheet = unit.replace(b'<c r="N50"/>', far)
        assert not _bounded(sheet, _PLAIN_ROW.findall(sheet)), far
    with pytest.raises(S.UnsafeWorkbook):  # and the count refuses what is off the grid
        S._plain_scan(S._Scan("x"), unit.replace(b'<c r="N50"/>', b'<c r="XFE4"/>'))


def test_the_bounds_count_the_cells_too(monkeypatch) -> None:
    """A sheet within the grid bounds but with more cells than allowed (the same cell written
    over and over) is left to the exact count, which refuses it."""
    from addin.io import sheet_scan as S

    monkeypatch.setattr(S, "MAX_SHEET_CELLS", 300)  # the grid bound here: 9 rows x 26 columns
    repeated = b'<row r="1">' + b'<c r="A1"/>' * 301 + b"</row>"
    assert not _bounded(repeated, _PLAIN_ROW.findall(repeated))
    with pytest.raises(S.UnsafeWorkbook):
        S._plain_scan(S._Scan("x"), repeated)


# Fifth pass (session 8): rows and dimensions found with their plain parts in one search each,
# cells not plain or far (a long row number, three letters) in one, the two-letter columns and
# the cell count only where they can change the answer, the error cell through a regular
# expression.
def _bounded_before(xml: bytes, rows: list[bytes]) -> bool:
    """sheet_scan._bounded as it was before the fifth pass (the oracle)."""
    from addin.io import sheet_scan as S

    digits = max(map(len, rows), default=1)
    if digits > 6 or _LONGER_ROW[digits].search(xml):
        return False
    if _THREE_LETTERS.search(xml):
        return False
    columns = 702 if S._TWO_LETTERS.search(xml) else 26
    return (10**digits - 1) * columns <= S.MAX_SHEET_CELLS and \
        xml.count(b'<c r="') <= S.MAX_SHEET_CELLS


def _plain_scan_fourth(scan: object, xml: bytes) -> bool:
    """sheet_scan._plain_scan as it was before the fifth pass (the oracle)."""
    from addin.io import sheet_scan as S

    assert isinstance(scan, S._Scan)
    if (b"!" in xml and b"<!" in xml) or b't="e"' in xml or (
            S._PREFIXED_HINT.search(xml) and S._PREFIXED.search(xml)):
        return False
    if S._ODD_CELL.search(xml):
        return False
    rows = _PLAIN_ROW.findall(xml)
    if len(rows) != len(_ANY_ROW.findall(xml)) or any(int(r) > S.EXCEL_ROWS for r in rows):
        return False
    if S._ODD_R.search(xml):
        return False
    dimensions = _PLAIN_DIMENSION.findall(xml)
    if len(dimensions) != len(_ANY_DIMENSION.findall(xml)):
        return False
    for ref in dimensions:
        scan.dimension(ref.decode("ascii", "replace"))
    if _bounded_before(xml, rows):
        return True
    cells = S._PLAIN_CELL.findall(xml)
    return _counted_exactly(scan, cells)


_FIFTH_PIECES = st.sampled_from([
    b'<row r="1">', b'<row r="1048577">', b'<row r="1048576">', b'<row r="0">', b"<row>",
    b"<row/>", b"<row\t>", b'<row r="7"/>', b'<row r=\'7\'>', b'<row  r="1">', b'<row r="1"x',
    b'<rowBreaks count="1">', b"</row>", b'<dimension ref="A1:B2"/>', b'<dimension ref=""/>',
    b'<dimension ref="A1:XFD1048576"/>', b"<dimension/>", b'<dimension  ref="A1"/>',
    b"<dimensionX/>", b'<dimension ref="A1"', b't="e"', b't="e', b'"e"', b'<c r="A1"/>',
    b'<c r="Z9"/>', b'<c r="AA10"/>', b'<c r="ZZ999"/>', b'<c r="AAA1"/>', b'<c r="XFE1"/>',
    b'<c r="A1000"/>', b'<c r="B5000"/>', b'<c r="A1048577"/>', b'<c r="A99999"/>',
    b'<c r="AB1234567"/>', b'<c r="', b"A", b"1", b'"', b" ", b"/", b">", b"<!-- -->", b"<x:c/>"])
_FIFTH_XML = st.lists(_FIFTH_PIECES, max_size=30).map(b"".join)


@settings(max_examples=2000, deadline=None)
@given(_FIFTH_XML)
def test_rows_and_dimensions_are_found_as_before(xml: bytes) -> None:
    from addin.io import sheet_scan as S

    rows = S._ROWS.findall(xml)
    plain_rows = _PLAIN_ROW.findall(xml)
    assert (b"" not in rows) == (len(plain_rows) == len(_ANY_ROW.findall(xml))), xml
    if b"" not in rows:
        assert rows == plain_rows, xml
    dimensions = S._DIMENSIONS.findall(xml)
    plain = _PLAIN_DIMENSION.findall(xml)
    assert (b"" not in dimensions) == (len(plain) == len(_ANY_DIMENSION.findall(xml))), xml
    if b"" not in dimensions:
        assert [d[:-1] for d in dimensions] == plain, xml
    assert bool(S._ERROR_CELL.search(xml)) == (b't="e"' in xml)
    for digits in range(1, 7):
        assert bool(S._NOT_NEAR[digits].search(xml)) == bool(
            S._ODD_CELL.search(xml) or _LONGER_ROW[digits].search(xml)
            or _THREE_LETTERS.search(xml)), (digits, xml)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_FIFTH_XML, _SHEET_XML, st.lists(_BOUND_PIECES, max_size=12).map(b"".join)))
def test_the_fifth_pass_decides_as_the_fourth(xml: bytes) -> None:
    from addin.io import sheet_scan as S

    assert _outcome(S._plain_scan, xml) == _outcome(_plain_scan_fourth, xml), xml
    rows = _PLAIN_ROW.findall(xml)
    if not S._ODD_CELL.search(xml):  # the bounds are for sheets whose cells are all plain
        assert _bounded(xml, rows) == _bounded_before(xml, rows), xml


@pytest.mark.parametrize("limit", [300, 3000, 5_000_000])
def test_the_bounds_decide_as_before_at_any_limit(monkeypatch, limit: int) -> None:
    """The skipped two-letter search and cell count, at limits where they matter: a sheet of
    1,000 rows or more with two-letter columns, and a part long enough to hold too many cells."""
    from addin.io import sheet_scan as S

    monkeypatch.setattr(S, "MAX_SHEET_CELLS", limit)
    for rows in (range(1, 50), range(990, 1010), range(1, 400)):
        for last in (b"N", b"AB", b"ZZ"):
            xml = b"".join(b'<row r="%d"><c r="A%d"/><c r="%s%d"/></row>' % (r, r, last, r)
                           for r in rows)
            for sheet in (xml, xml + b'<row r="1"><c r="A1"/></row>' * 200):
                found = _PLAIN_ROW.findall(sheet)
                assert _bounded(sheet, found) == _bounded_before(sheet, found), (limit, rows, last)
