"""Property-based fuzzing (hypothesis, bounded for CI) of the reader and the rules-book parser:
no exception escapes, every row with data is counted, and the report always opens."""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.app import meta_for
from addin.domain.cluster import consolidate
from addin.domain.rules import Rules, RulesError, rules_from_mapping
from addin.domain.text import clean, fold
from addin.io.folders import read_all
from addin.io.reader import read_unit_workbook
from addin.io.report import cluster_report_bytes
from addin.io.rules_file import default_mapping, load_rules
from addin.io.sheet_scan import UnsafeWorkbook, _parse_scan, _plain_scan, _Scan, scan_sheet_xml
from tests.conftest import IND_HEADER, INFO_ROWS, TextLiteral, write_openpyxl
from tests.sheet_rows import header_row

# Bounded in CI; TDKT_FUZZ_EXAMPLES=2000 for a longer hunt.
FUZZ = settings(max_examples=int(os.environ.get("TDKT_FUZZ_EXAMPLES", "25")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
RULES = load_rules()
# "votes.basic.comparison: expected one of …", "quotas[2].max: …", "titles.CSTT: …"
_KEY_MESSAGE = re.compile(r"^[\w.\[\]-]+: \S")

# Text openpyxl can store (no control characters) and that is not a closing total row.
_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30).filter(
    lambda t: not fold(t).startswith(("cong", "tong")))
cell_values = st.one_of(
    st.none(), st.integers(-5, 10**12), st.floats(-1e6, 1e16, allow_nan=False),
    st.booleans(), st.datetimes(min_value=dt.datetime(1990, 1, 1),
                                max_value=dt.datetime(2030, 1, 1)),
    _text, _text.map(lambda t: TextLiteral("=" + t)),
    st.sampled_from(["CSTT", "Chiến sỹ tiên tiến", "CSTĐCS", "ĐVQT", "15", "7,5", "mười",
                     "NguyÔn V¨n Hïng", "Phaïm Ñöùc Thaéng"]),
)


# Rows of official forms (contracts.md §6): sections, totals, the signature block, a person
# whose name folds like a total, a name alone.
FORM_ROWS = [("I. CHIẾN SĨ TIÊN TIẾN",), ("A", "Khối cơ quan"), ("Cộng", None, 3), ("Tổng cộng",),
             ("Tổng cộng: 16 đồng chí",), (None, "NGƯỜI LẬP BIỂU"), ("Nơi nhận:",),
             (None, None, "(Ký, ghi rõ họ tên, đóng dấu)"), ("Tống Công Thành",),
             (None, "Đại úy Trần Văn Nam"), ("Ea Kar, ngày 15 tháng 12 năm 2024",)]


@st.composite
def individual_sheets(draw: st.DrawFn) -> tuple[dict[str, list[list[Any]]], list[int]]:
    header = draw(st.permutations(IND_HEADER))
    keep = draw(st.integers(2, len(header)))
    header = list(header[:keep])
    if draw(st.booleans()):
        header.append("Cột lạ")
    title_rows = draw(st.integers(0, 3))
    rows = [["DANH SÁCH"]] + [[] for _ in range(title_rows - 1)] if title_rows else []
    rows.append(header)
    data = draw(st.lists(st.lists(cell_values, min_size=len(header), max_size=len(header)),
                         max_size=8))
    for form_row in draw(st.lists(st.sampled_from(FORM_ROWS), max_size=4)):  # official forms
        padded = (list(form_row) + [None] * len(header))[:len(header)]
        data.insert(draw(st.integers(0, len(data))), padded)
    rows.extend(data)
    # Excel rows that carry data in a column the reader maps (STT, %, result don't make a row)
    first_data_row = len(rows) - len(data) + 1
    mapped = [i for i, h in enumerate(header) if h not in ("STT", "Tỷ lệ (%)", "Kết quả",
                                                           "Cột lạ")]
    with_data = []
    for offset, row in enumerate(data):
        typed_text = any(isinstance(v, str) and v.strip() and not v.startswith("=") for v in row)
        if typed_text or any(row[i] is not None and str(row[i]).strip() != "" for i in mapped):
            with_data.append(first_data_row + offset)
    sheets = {"Thông tin": [list(r) for r in INFO_ROWS], "Cá nhân": rows,
              "Tập thể": [["Tên tập thể", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
                          "Số phiếu đồng ý"]]}
    return sheets, with_data


def _numbering_row(row: list[Any]) -> bool:
    filled = [v for v in row if v is not None and str(v).strip()]
    return len(filled) >= 3 and all(str(v).strip().strip("()").removesuffix(".0").isdigit()
                                    for v in filled)


@FUZZ
@given(individual_sheets())
def test_reader_counts_every_row_and_the_report_opens(case):
    sheets, with_data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = write_openpyxl(Path(tmp) / "fuzz.xlsx", sheets)
        book = read_unit_workbook(path)  # must not raise
    assert book.readable
    rows_read = {n.row for n in book.individuals}
    skipped = {i.row for i in book.issues if i.code == "skipped_row"}
    header_missing = [i for i in book.issues if i.code == "missing_column" and i.sheet == "Cá nhân"
                      and i.row is None]
    # The header is found exactly when the sheet has a name column and another known one;
    # without it the sheet is not read, and the issues say so.
    assert bool(header_missing) == (_header_known(sheets) is False)
    assert not (rows_read & skipped)
    for row in with_data if not header_missing else []:
        cells = sheets["Cá nhân"][row - 1]
        if row == first_row_under_header(sheets) and _numbering_row(cells):
            continue  # a "(1) (2) (3)…" line under the header is not a person
        # Every row with data is a record, or listed as a skipped row: nothing disappears.
        assert row in rows_read | skipped, (row, cells)
    for row in skipped:
        assert any(isinstance(v, str) and v.strip() for v in sheets["Cá nhân"][row - 1])
    result = consolidate([book], RULES)
    data = cluster_report_bytes(result, RULES, meta_for(result, RULES, None))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    people = workbook["Cá nhân"]
    assert people.max_row == header_row(people, "STT") + len(book.individuals)


def _header_known(sheets: dict[str, list[list[Any]]]) -> bool:
    """Whether the generated header carries what the reader needs to find it: two known
    columns, one of them required (the fuzzed header may lose any of them)."""
    header = next(r for r in sheets["Cá nhân"] if len(r) >= 2)
    known = [h for h in header if h in IND_HEADER]
    required = {"Họ và tên", "Danh hiệu đề nghị", "Tổng số thành viên", "Số có mặt",
                "Số phiếu đồng ý"}
    return len(known) >= 2 and bool(required & set(header))


def first_row_under_header(sheets: dict[str, list[list[Any]]]) -> int:
    """Excel row just under the header (where a numbering row may stand)."""
    rows = sheets["Cá nhân"]
    header_index = next(i for i, r in enumerate(rows) if len(r) >= 2)
    return header_index + 2


# ----------------------------------------------------------------------------------------------
leaf_values = st.one_of(st.integers(-10, 1000), st.floats(allow_nan=False, allow_infinity=False),
                        st.booleans(), st.text(max_size=12),
                        st.sampled_from(["50%", "2/3", "0/0", "150%", ">", ">=", "members",
                                         "floor", "half_up", "CSTT", "individual"]),
                        st.lists(st.text(max_size=6), max_size=3), st.just({}))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@FUZZ
@given(st.data())
def test_rules_parser_never_crashes(data):
    mapping = default_mapping()
    paths = _paths(mapping)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        target: Any = mapping
        try:
            for key in path[:-1]:
                target = target[key]
            if data.draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = data.draw(leaf_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation changed the shape under this path
    try:
        result = rules_from_mapping(copy.deepcopy(mapping))
    except RulesError as exc:
        assert _KEY_MESSAGE.match(str(exc)), str(exc)  # a message naming the key
    else:
        assert isinstance(result, Rules)


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_rules_file_of_any_bytes_is_a_rules_error_or_rules(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.toml"
        path.write_bytes(content)
        try:
            result = load_rules(path)
        except RulesError as exc:
            assert str(exc).startswith(str(path)), str(exc)  # names the file
        else:
            # Accepted only when it is a real TOML override (here: empty or a comment).
            assert isinstance(result, Rules)
            tomllib.loads(content.decode("utf-8-sig"))


# ----------------------------------------------------------------------------------------------
# Sheet XML as a crafted file may write it: namespaces, whitespace, attribute order and quotes,
# rows and cells with or without their reference, numbers near and past Excel's grid. No
# exception may escape the pre-read scan, and no file it lets through may abort the reader.
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_space = st.sampled_from([" ", "\t", "\n", " \r\n\t "])
_quote = st.sampled_from(['"', "'"])


def _mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nine in ten draws valid: a file refused for a bad reference never reaches the reader."""
    return st.integers(0, 9).flatmap(lambda k: invalid if k == 0 else valid)


_row_number = _mostly(st.one_of(st.integers(1, 40), st.integers(1_048_560, 1_048_576)),
                      st.one_of(st.just(0), st.integers(1_048_577, 100_000_000)))
_letters = _mostly(st.one_of(st.sampled_from(["A", "B", "N", "Z", "AA", "KN", "XFA", "XFD"]),
                             st.text(st.sampled_from("ABCXYZ"), min_size=1, max_size=2)),
                   st.sampled_from(["XFE", "ZZZ", "AAAA", "a", ""]))


@st.composite
def _attrs(draw: st.DrawFn, pairs: list[tuple[str, str]]) -> str:
    pairs = draw(st.permutations(pairs))
    return "".join(f"{draw(_space)}{k}={(q := draw(_quote))}{v}{q}" for k, v in pairs)


@st.composite
def sheet_xml(draw: st.DrawFn) -> bytes:
    p = draw(st.sampled_from(["", "x:"]))
    declare = f' xmlns:x="{_NS}"' if p else f' xmlns="{_NS}"'
    parts = [f"<{p}worksheet{declare}>"]
    if draw(st.booleans()):
        ref = f"A1:{draw(_letters)}{draw(_row_number)}"
        parts.append(f"<{p}dimension{draw(_attrs([('ref', ref)]))}/>")
    parts.append(f"<{p}sheetData>")
    for _ in range(draw(st.integers(0, 5))):
        row = draw(_row_number)
        row_attrs = [("r", str(row))] if draw(st.booleans()) else []
        if draw(st.booleans()):
            row_attrs.append(("spans", "1:14"))
        parts.append(f"<{p}row{draw(_attrs(row_attrs))}>")
        for _ in range(draw(st.integers(0, 4))):
            cell: list[tuple[str, str]] = []
            if draw(st.booleans()):
                cell.append(("r", f"{draw(_letters)}{draw(st.one_of(st.just(row), _row_number))}"))
            kind = draw(st.sampled_from([None, "n", "e", "str", "b"]))
            if kind:
                cell.append(("t", kind))
            value = {"e": "#DIV/0!", "str": "chữ", "b": "1"}.get(kind or "", "12")
            parts.append(f"<{p}c{draw(_attrs(cell))}><{p}v>{value}</{p}v></{p}c>")
        parts.append(f"</{p}row>")
    parts.append(f"</{p}sheetData></{p}worksheet>")
    return "".join(parts).encode()


_FUZZ_BASE: dict[str, bytes] = {}


def _workbook_with_people_sheet(xml: bytes) -> bytes:
    from tests.corpus import PEOPLE_SHEET, person, unit_sheets

    if "base" not in _FUZZ_BASE:
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as tmp:
            path = write_openpyxl(Path(tmp) / "base.xlsx", unit_sheets([person()]))
            buffer.write(path.read_bytes())
        _FUZZ_BASE["base"] = buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(_FUZZ_BASE["base"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, xml if info.filename == PEOPLE_SHEET else data)
    return out.getvalue()


@FUZZ
@given(sheet_xml())
def test_sheet_xml_never_escapes_the_scan_nor_aborts_the_reader(xml):
    try:
        scan_sheet_xml("Cá nhân", io.BytesIO(xml))
    except UnsafeWorkbook as exc:
        assert str(exc).startswith('trang "Cá nhân"')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        path.write_bytes(_workbook_with_people_sheet(xml))
        [book] = read_all([(path, "fuzz.xlsx")], time_limit=60)
    lost = [i.message for i in book.issues  # what only the reading worker's guard catches
            if any(w in i.message for w in ("trình đọc bị dừng", "quá 60 giây",
                                            "lỗi khi đọc tệp", "không đủ bộ nhớ"))]
    assert not lost, (xml, lost)  # the pre-read checks must have caught what kills the reader


def _verdict(check: Any) -> str:
    try:
        return "accepted" if check() is not False else "undecided"
    except UnsafeWorkbook:
        return "refused"


@settings(max_examples=int(os.environ.get("TDKT_FUZZ_EXAMPLES", "25")) * 20, deadline=None)
@given(sheet_xml(), st.booleans())
def test_the_fast_path_never_accepts_what_the_parser_refuses(xml, plain):
    """The regular-expression path serves plainly written sheets; on any input it either
    declines or agrees with the XML parser."""
    if plain:  # the way writers put it: one space, double quotes, the reference first
        xml = re.sub(rb"\s+", b" ", xml).replace(b"'", b'"')
        xml = re.sub(rb'<c( t="\w+")? r="([^"]*)"', rb'<c r="\2"\1', xml)
    fast = _verdict(lambda: _plain_scan(_Scan("s"), xml))
    if fast == "undecided":
        return
    slow = _verdict(lambda: _parse_scan("s", xml))
    assert fast == slow, (xml, fast, slow)


@settings(max_examples=int(os.environ.get("TDKT_FUZZ_EXAMPLES", "25")) * 20, deadline=None)
@given(st.one_of(st.text(max_size=40),
                 st.from_regex(r"\A[+-]?\d{0,30}([.,]\d{0,30})?([eE][+-]?\d{1,30})?\Z")))
def test_a_count_typed_as_any_text_is_a_count_or_a_code(text):
    """Never an exception, never a fraction counted as whole votes."""
    from decimal import Decimal, InvalidOperation

    from addin.io.cells import to_count

    number, code = to_count(text)
    assert number is None or code is None
    if number is not None:
        # Only digits 0-9 with spaces around them, as the template's formulas read them.
        digits = text.strip(" \u00a0\n")
        assert digits.isascii() and digits.isdigit() and int(digits) == number, text
        plain = clean(text).replace("\u00a0", "")  # as the reader sees it
        if re.fullmatch(r"[1-9]\d{0,2}(?:[.,\s]\d{3})+", plain):
            assert number == int(re.sub(r"\D", "", plain))  # grouped thousands: "1.234"
            return
        try:
            exact = Decimal(plain.replace(",", "."))
        except InvalidOperation:
            return
        assert exact == number, (text, number)
