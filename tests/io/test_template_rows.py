"""The unit template as staff really use it (issue 9 §3, issue 13 §3): rows typed or pasted
without formulas below the prefilled ones or inserted in the middle, "Thông tin" rows moved,
titles typed any way, impossible counts. Recalculated in LibreOffice and compared with the
engine reading the same file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from addin.domain.issues import Code
from addin.domain.spellings import lookup_spellings, prefix_spellings
from addin.domain.validation import validate_unit
from addin.io.layout import HELPER_HEADERS
from addin.io.libreoffice import convert
from addin.io.reader import read_unit_workbook
from addin.io.template_formulas import ERROR_PREFIX, UNRECOGNISED, engine_result, is_sheet_error
from addin.io.unit_template import (
    COLLECTIVE_COLUMNS,
    INDIVIDUAL_COLUMNS,
    TEMPLATE_ROWS,
    UnitData,
    unit_workbook_bytes,
)
from tests.conftest import needs_libreoffice
from tests.sheet_rows import swap_info_rows

pytestmark = [needs_libreoffice, pytest.mark.libreoffice]

INFO = {"unit": "Trung đoàn 584", "cluster": "Cụm 1", "period": "Năm 2024", "headcount": 6000,
        "subunits": 12}
FIRST = 5  # first data row (Excel)
IND = {key: i + 1 for i, key in enumerate(INDIVIDUAL_COLUMNS)}  # key -> 1-based column
COL = {key: i + 1 for i, key in enumerate(COLLECTIVE_COLUMNS)}
IND_WIDTH = len(INDIVIDUAL_COLUMNS) + len(HELPER_HEADERS) + 1  # data, helpers, history


def _recalculated(source: Path, tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)


def _quota_lines(sheet) -> dict[str, tuple]:
    rows = {}
    for row in sheet.iter_rows(min_row=10, max_row=30):
        label = str(row[0].value or "")
        if label.endswith(")") and "(" in label:
            rows[label.rsplit("(", 1)[1].rstrip(")")] = tuple(c.value for c in row[3:7])
    return rows


def _engine_lines(checks) -> dict[str, tuple]:
    return {c.quota_id: (c.base, c.limit, c.counted, c.headroom) for c in checks}


def _put(sheet, row: int, columns: dict[str, int], values: dict) -> None:
    for key, value in values.items():
        sheet.cell(row, columns[key], value)


PEOPLE = [  # (values, how many): passing and failing rows of several titles, and errors
    (dict(title="Chiến sĩ tiên tiến", members=10, present=10, agree=6), 5),
    (dict(title="chien si tien tien", members=10, present=9, agree=4), 3),
    (dict(title="CSTĐ cơ sở", members=10, present=10, agree=8, initiative="Sáng kiến"), 4),
    (dict(title="Chiến sĩ thi đua cơ sở", members=10, present=10, agree=9), 2),  # no initiative
    (dict(title="Lao động tiên tiến", members=12, present=12, agree=7), 3),
    (dict(title="Chiến sĩ tiên tiến", members=10, present=7, agree=8), 2),  # impossible
]
UNITS = [
    (dict(title="Đơn vị Quyết thắng", headcount=20, cstt=15, cstdcs=1, disciplined=0,
          members=10, present=10, agree=8), 3),
    (dict(title="Đơn vị Quyết thắng", headcount=20, cstt=13, cstdcs=1, disciplined=0,
          members=10, present=10, agree=8), 1),  # 65 % CSTT
    (dict(title="Cờ thi đua của Quân khu 5", headcount=20, cstt=18, cstdcs=2, disciplined=0,
          members=10, present=10, agree=9), 1),  # a prefix form
]


def _expand(groups, n: int) -> list[dict]:
    rows: list[dict] = []
    while len(rows) < n:
        for values, count in groups:
            rows += [dict(values) for _ in range(count)]
    return rows[:n]


def test_totals_count_rows_without_formulas_inserted_rows_and_moved_info(tmp_path, rules):
    """2,000 people typed as values below the prefilled rows, rows inserted in the middle,
    "Thông tin" rows reordered: the quota lines equal the engine's."""
    with_formulas = [dict(full_name=f"Có công thức {i}", **v)
                     for i, v in enumerate(_expand(PEOPLE, 40))]
    source = tmp_path / "filled.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(
        info=INFO, individuals=with_formulas, collectives=[]), cached=False))
    book = openpyxl.load_workbook(source)
    people = book["Cá nhân"]
    # Insert 3 rows after the 10th person (Excel's insert moves the rows and their formulas
    # down) and type them in as values only.
    at = FIRST + 10
    people.move_range(f"A{at}:{openpyxl.utils.get_column_letter(IND_WIDTH)}"
                      f"{FIRST + TEMPLATE_ROWS - 1}", rows=3, translate=True)
    for i, values in enumerate(_expand(PEOPLE, 3)):
        _put(people, at + i, IND, dict(full_name=f"Chèn giữa {i}", **values))
    # 2,000 more people typed below every prefilled row, values only.
    below = FIRST + TEMPLATE_ROWS + 10
    for i, values in enumerate(_expand(PEOPLE, 2000)):
        _put(people, below + i, IND, dict(full_name=f"Thêm {i}", **values))
    units = book["Tập thể"]
    for i, values in enumerate(_expand(UNITS, 25)):  # collectives: all values only, below
        _put(units, FIRST + TEMPLATE_ROWS + 1 + i, COL, dict(name=f"Đơn vị {i}", **values))
    swap_info_rows(book["Thông tin"])
    staff = tmp_path / "staff.xlsx"
    book.save(staff)

    unit = read_unit_workbook(staff)
    assert len(unit.individuals) == 40 + 3 + 2000 and len(unit.collectives) == 25
    unit, checks = validate_unit(unit, rules)
    engine = _engine_lines(checks)
    assert engine["CSTT"][2] > 900 and engine["DVQT"][2] > 10  # the rows without formulas count
    recalculated = _recalculated(staff, tmp_path)
    lines = _quota_lines(recalculated["Thông tin"])
    assert {quota: lines[quota] for quota in engine} == engine
    # The sheet says rows lack their "Kết quả" formula.
    check = str(recalculated["Cá nhân"]["A3"].value)
    assert "2003 dòng có danh hiệu nhưng chưa có công thức" in check, check
    assert "25 dòng có danh hiệu nhưng chưa có công thức" in str(
        recalculated["Tập thể"]["A3"].value)
    # Rows with formulas, shifted by the insertion, still show the engine's verdict.
    sheet = recalculated["Cá nhân"]
    for nom in unit.individuals[:45]:
        shown = sheet.cell(nom.row, IND["result"]).value
        if shown is not None:
            assert _verdict(shown) == _verdict(engine_result(nom)), nom.name


def _verdict(shown: object) -> str:
    text = str(shown or "")
    return "Lỗi" if text.startswith(ERROR_PREFIX) else text


# ----------------------------------------------------------------------------------------------
TYPED = ["chien si tien tien", "CSTĐ  cơ sở", "Chiến sỹ thi đua cơ sở", "cstdcs", "CSTĐCS",
         "CS thi dua co so", "ĐƠN VỊ QUYẾT THẮNG", "don vi tien tien", "Lao dong tien tien",
         "  CSTĐ toàn quân ", "Cờ thi đua", "CHIẾN SỸ TIÊN TIẾN", "ĐVQT", "dvtt", "LĐTT",
         "Chiến\u00a0sĩ tiên tiến", "Chiến sĩ\nthi đua cơ sở", "Tập thể lao động xuất sắc",
         "Giỏi", "Chiến sĩ", "Đơn vị", "Chiến sĩ thi đua",
         # prefix forms: the engine reads the start
         "Cờ thi đua của Quân khu 5", "CỜ THI ĐUA QUÂN KHU 7", "co thi dua cua bo tu lenh thu do",
         "CTĐ QK 9", "Cờ thi đua của Quân đoàn 3", "Cờ thi đua Quân khu", "Cờ thi đua Quân",
         # punctuation, wildcards and look-alikes
         "Chiến sĩ tiên tiến.", "CSTĐ-CS", "Chiến sĩ thi đua (cơ sở)", "Chiến sĩ*", "CSTT?",
         "Chiến sĩ tiên tiế?", "~CSTT", "*", "Đơn vị Quyết thắng!", "Cờ thi đua của Quân khu: 5",
         "Cờ thi đua * 5"]


def _corpus(rules) -> list[str]:
    generated = [text for text, _ in lookup_spellings(rules)]
    prefixes = [f"{text} {i}" for i, (text, _) in enumerate(prefix_spellings(rules))]
    odd = [f"  {t.upper()}  " for t in generated[::3]] + [t.replace(" ", "  ", 1)
                                                        for t in generated[1::3]]
    nfd = [unicodedata.normalize("NFD", t) for t in [*TYPED[:8], *generated[::7]]]
    return TYPED + generated + prefixes + odd + nfd


def test_template_verdict_is_the_engines_or_says_unrecognised(tmp_path, rules):
    """Every spelling on both sheets, with counts that pass: the sheet's "Kết quả" is the
    engine's verdict, or the sheet says it did not recognise the title — never a silent
    different verdict."""
    spellings = _corpus(rules)
    people = [dict(full_name=f"Người {i}", title=t, members=10, present=10, agree=10,
                   initiative="Sáng kiến", streak=5) for i, t in enumerate(spellings)]
    units = [dict(name=f"Đơn vị {i}", title=t, headcount=20, cstt=20, cstdcs=2, disciplined=0,
                  members=10, present=10, agree=10) for i, t in enumerate(spellings)]
    source = tmp_path / "s.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people,
                                                           collectives=units), cached=False))
    unit = read_unit_workbook(source)
    unit = validate_unit(unit, rules).book
    recalculated = _recalculated(source, tmp_path)
    wrong, unread, passed = [], 0, 0
    for sheet_name, noms, result_col in (("Cá nhân", unit.individuals, IND["result"]),
                                         ("Tập thể", unit.collectives, COL["result"])):
        sheet = recalculated[sheet_name]
        for nom in noms:
            shown = sheet.cell(nom.row, result_col).value
            if shown == UNRECOGNISED:
                unread += 1
                continue
            passed += shown == "Đạt"
            if _verdict(shown) != _verdict(engine_result(nom)):
                wrong.append((sheet_name, repr(nom.title_text), shown, engine_result(nom)))
    assert wrong == []
    assert passed > 300 and unread < len(spellings)  # mostly real titles, read by the sheet
    # What the sheet could not read is said above the table, and counted for nothing.
    assert "dòng có danh hiệu chưa nhận ra" in str(recalculated["Cá nhân"]["A3"].value)


# ----------------------------------------------------------------------------------------------
IMPOSSIBLE = [  # individual rows: (values, the engine's code the sheet must show as "Lỗi")
    (dict(members=10, present=7, agree=8), Code.AGREE_EXCEEDS_PRESENT),
    (dict(members=10, present=11, agree=9), Code.PRESENT_EXCEEDS_MEMBERS),
    (dict(members=10, present=-1, agree=0), Code.NEGATIVE_NUMBER),
    (dict(members=10, present=10, agree=7.5), Code.NOT_AN_INTEGER),
    (dict(members=10.5, present=10, agree=7), Code.NOT_AN_INTEGER),
    (dict(members="mười", present=10, agree=7), Code.NOT_A_NUMBER),
    (dict(members=10, present=10, agree=-3), Code.NEGATIVE_NUMBER),
    (dict(members=10, present=10), Code.MISSING_VALUE),
    (dict(members=10, present=10, agree=7, streak=-2), Code.NEGATIVE_NUMBER),
    (dict(members=10, present=10, agree=7, full_name=""), Code.MISSING_VALUE),
    (dict(members=10, present=10, agree=7, title="Đơn vị tiên tiến"), Code.WRONG_TITLE_KIND),
    (dict(members=10, present=10, agree=7, title="Danh hiệu lạ"), Code.UNKNOWN_TITLE),
    (dict(members=10, present=10, agree=6), None),
    (dict(members=10, present=10, agree=4), None),
    (dict(members=10, present=5, agree=5), None),  # quorum not met: a failure, not an error
    (dict(members=0, present=0, agree=0), None),
    # All-members titles: absent members answer in writing; bounded by the members only.
    (dict(title="Chiến sĩ thi đua toàn quân", members=10, present=8, agree=9, streak=3),
     None),
    (dict(title="Chiến sĩ thi đua toàn quân", members=10, present=8, agree=11, streak=3),
     Code.AGREE_EXCEEDS_PRESENT),
    (dict(title="Chiến sĩ thi đua toàn quân", members=10, present=10, agree=10),
     Code.MISSING_VALUE),
]
IMPOSSIBLE_UNITS = [
    (dict(headcount=20, cstt=25, cstdcs=1, disciplined=0, members=10, present=10, agree=9),
     Code.CRITERIA_NOT_MET),
    (dict(headcount=20, cstt=15, cstdcs=-1, disciplined=0, members=10, present=10, agree=9),
     Code.NEGATIVE_NUMBER),
    (dict(cstt=15, cstdcs=1, disciplined=0, members=10, present=10, agree=9),
     Code.MISSING_VALUE),
    (dict(headcount=20, cstt=15, cstdcs=1, disciplined=0, members=10, present=9, agree=10),
     Code.AGREE_EXCEEDS_PRESENT),
    (dict(headcount=20, cstt=15, cstdcs=1, disciplined=0, members=10, present=10, agree=9),
     None),
]


def test_impossible_counts_show_an_error_like_the_engine(tmp_path, rules):
    """"Số phiếu đồng ý" > "Số có mặt" and the other impossible counts: the sheet's "Kết quả"
    is "Lỗi: …" in the engine's words exactly when the engine reports the error."""
    people = [{"full_name": f"Người {i}", "title": "Chiến sĩ tiên tiến", "initiative": "x",
               **values} for i, (values, _) in enumerate(IMPOSSIBLE)]
    units = [{"name": f"Đơn vị {i}", "title": "Đơn vị Quyết thắng", **values}
             for i, (values, _) in enumerate(IMPOSSIBLE_UNITS)]
    source = tmp_path / "bad.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people,
                                                           collectives=units), cached=False))
    unit = read_unit_workbook(source)
    unit = validate_unit(unit, rules).book
    recalculated = _recalculated(source, tmp_path)
    cases = [("Cá nhân", IND, n, c) for n, (_, c) in zip(unit.individuals, IMPOSSIBLE,
                                                         strict=True)]
    cases += [("Tập thể", COL, n, c) for n, (_, c) in zip(unit.collectives, IMPOSSIBLE_UNITS,
                                                          strict=True)]
    for sheet_name, columns, nom, code in cases:
        shown = str(recalculated[sheet_name].cell(nom.row, columns["result"]).value or "")
        errors = [i for i in nom.issues if is_sheet_error(i)]
        assert [i.code for i in errors[:1]] == ([code] if code else []), (nom.name, nom.issues)
        if code is None:
            assert shown == engine_result(nom), nom.name
        elif code == Code.UNKNOWN_TITLE:
            assert shown == UNRECOGNISED
        else:  # the engine's sentence, without the numbers it quotes
            said = errors[0].message.split(" (")[0]
            assert shown.startswith(ERROR_PREFIX) and said.startswith(
                shown[len(ERROR_PREFIX):].split(" (")[0].split(":")[0]), (shown, said)


_REF = re.compile(r"\b([A-Z]{1,2})5\b")
ENTRY = [  # members, present, agree, title -> "Số có mặt" accepted, "Số phiếu đồng ý" accepted
    (10, 7, 8, "Chiến sĩ tiên tiến", True, False),
    (10, 11, 9, "Chiến sĩ tiên tiến", False, True),
    (10, -1, 0, "Chiến sĩ tiên tiến", False, False),  # 0 > -1: refused too
    (10, 10, 7.5, "Chiến sĩ tiên tiến", True, False),
    (10, 10, -3, "Chiến sĩ tiên tiến", True, False),
    (10, 10, 6, "Chiến sĩ tiên tiến", True, True),
    (10, 5, 5, "Chiến sĩ tiên tiến", True, True),
    (0, 0, 0, "Chiến sĩ tiên tiến", True, True),
    (10, 8, 9, "Chiến sĩ thi đua toàn quân", True, True),  # absent members answer in writing
    (10, 8, 11, "Chiến sĩ thi đua toàn quân", True, False),
]


def test_entry_rules_refuse_the_impossible_counts(tmp_path, rules):
    """The data-validation rules of "Số có mặt" and "Số phiếu đồng ý", evaluated by
    LibreOffice on each row: they refuse the counts the engine calls impossible (and agree
    with its reading of the same rows)."""
    people = [dict(full_name=f"Người {i}", title=t, members=m, present=p, agree=a,
                   initiative="x", streak=3) for i, (m, p, a, t, _, _) in enumerate(ENTRY)]
    source = tmp_path / "v.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people),
                                           cached=False))
    book = openpyxl.load_workbook(source)
    sheet = book["Cá nhân"]
    rules_of = {}
    for dv in sheet.data_validations.dataValidation:
        for key in ("present", "agree"):
            if str(dv.sqref).startswith(f"{openpyxl.utils.get_column_letter(IND[key])}5:"):
                assert dv.type == "custom" and dv.showErrorMessage and dv.error
                rules_of[key] = dv.formula1
    assert set(rules_of) == {"present", "agree"}
    probe = IND_WIDTH + 2  # scratch columns right of the table
    for i in range(len(ENTRY)):
        for j, key in enumerate(("present", "agree")):
            sheet.cell(FIRST + i, probe + j, "=" + _REF.sub(rf"\g<1>{FIRST + i}", rules_of[key]))
    probed = tmp_path / "probed.xlsx"
    book.save(probed)
    recalculated = _recalculated(probed, tmp_path)["Cá nhân"]
    unit = read_unit_workbook(source)
    unit = validate_unit(unit, rules).book
    impossible = {Code.PRESENT_EXCEEDS_MEMBERS, Code.AGREE_EXCEEDS_PRESENT,
                  Code.NEGATIVE_NUMBER, Code.NOT_AN_INTEGER}
    for i, (nom, entry) in enumerate(zip(unit.individuals, ENTRY, strict=True)):
        accepted = tuple(bool(recalculated.cell(FIRST + i, probe + j).value) for j in range(2))
        assert accepted == entry[4:], (entry, accepted)
        assert all(accepted) == (not {x.code for x in nom.issues} & impossible), nom.issues


# ----------------------------------------------------------------------------------------------
# Counts typed or pasted as text (session 6): one rule for the engine and the sheet. A text count
# is read when, without the spaces, non-breaking spaces and line breaks around it, it is digits
# 0-9 only — what every spreadsheet reads the same way in every locale. Anything else ("10.0",
# "1.000", "7,5", "1e3", full-width digits, "+10") depends on the locale or on Excel's language,
# so both say "Lỗi: … phải là số" instead of guessing.
TEXT_COUNTS = [  # (the cell's text, read as 10 or refused as not_a_number)
    ("10", True), (" 10 ", True), ("\u00a010\u00a0", True), ("10\n", True), ("0010", True),
    ("10.0", False), ("7,5", False), ("mười", False), ("1e3", False), ("\uff11\uff10", False),
    ("1.000", False), ("+10", False), ("-5", False), ("1 0", False), ("10\t", False),
    ("20000000", False), (20_000_000, False),  # beyond any count (cells.MAX_COUNT): typing slips
]
TEXT_PEOPLE = {  # field -> a row that passes when the field holds 10
    "members": dict(title="Chiến sĩ tiên tiến", present=10, agree=8),
    "present": dict(title="Chiến sĩ tiên tiến", members=10, agree=8),
    "agree": dict(title="Chiến sĩ tiên tiến", members=10, present=10),
    "streak": dict(title="Chiến sĩ thi đua toàn quân", members=10, present=10, agree=10),
}
TEXT_UNITS = {
    "headcount": dict(cstt=8, cstdcs=1, disciplined=0, members=10, present=10, agree=9),
    "cstt": dict(headcount=12, cstdcs=1, disciplined=0, members=10, present=10, agree=9),
    "members": dict(headcount=20, cstt=15, cstdcs=1, disciplined=0, present=10, agree=9),
    "present": dict(headcount=20, cstt=15, cstdcs=1, disciplined=0, members=10, agree=9),
    "agree": dict(headcount=20, cstt=15, cstdcs=1, disciplined=0, members=10, present=10),
}


def test_counts_typed_as_text_get_the_engines_verdict(tmp_path, rules):
    """"10" in a text cell, " 10 ", NBSP-padded, "10.0", "7,5", "mười", "1e3", full-width
    digits… in every count of both sheets: the row's "Kết quả" and "Tỷ lệ (%)" are the
    engine's, on rows with formulas; the quota lines (counting rows pasted without formulas
    too, and a "Quân số" typed as text) are the engine's quota check."""
    people = [dict(full_name=f"Người {field} {i}", initiative="Sáng kiến", **base, **{field: text})
              for field, base in TEXT_PEOPLE.items() for i, (text, _) in enumerate(TEXT_COUNTS)]
    units = [dict(name=f"Đơn vị {field} {i}", title="Đơn vị Quyết thắng", **base, **{field: text})
             for field, base in TEXT_UNITS.items() for i, (text, _) in enumerate(TEXT_COUNTS)]
    source = tmp_path / "text.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people,
                                                           collectives=units), cached=False))
    book = openpyxl.load_workbook(source)
    # The same rows pasted below the prefilled ones as values only (no formulas), and "Quân số"
    # typed as text: the quota lines count and take them as the engine does.
    below = FIRST + TEMPLATE_ROWS + 5
    for sheet_name, columns, rows in (("Cá nhân", IND, people), ("Tập thể", COL, units)):
        for i, values in enumerate(rows):
            _put(book[sheet_name], below + i, columns,
                 {**values, "full_name" if sheet_name == "Cá nhân" else "name": f"Dán {i}"})
    info = book["Thông tin"]
    for r in range(1, 12):
        if info.cell(r, 1).value == "Quân số":
            info.cell(r, 2).value = "\u00a0600 "
    staff = tmp_path / "staff.xlsx"
    book.save(staff)

    unit = read_unit_workbook(staff)
    assert unit.info.headcount == 600
    unit, checks = validate_unit(unit, rules)
    recalculated = _recalculated(staff, tmp_path)
    expected = [read for _ in TEXT_PEOPLE for _, read in TEXT_COUNTS]
    expected += [read for _ in TEXT_UNITS for _, read in TEXT_COUNTS]
    noms = list(unit.individuals) + list(unit.collectives)
    wrong = []
    for nom, read in zip([n for n in noms if n.row < below], expected, strict=True):
        # The engine's own reading: 10, or not_a_number on that cell.
        assert engine_result(nom) == "Đạt" if read else (
            [i.code for i in nom.issues if is_sheet_error(i)][:1] == [Code.NOT_A_NUMBER]), (
            nom.name, nom.issues)
        sheet, columns = ((recalculated["Cá nhân"], IND) if nom.kind == "individual"
                          else (recalculated["Tập thể"], COL))
        shown = sheet.cell(nom.row, columns["result"]).value
        percent = sheet.cell(nom.row, columns["percent"]).value
        if shown != engine_result(nom) or (percent if percent != "" else None) != nom.percent:
            wrong.append((nom.name, shown, engine_result(nom), percent, nom.percent))
    assert wrong == []
    engine = _engine_lines(checks)
    assert engine["CSTT"][0] == 600  # "Quân số" typed as text is the quota's base
    lines = _quota_lines(recalculated["Thông tin"])
    assert {quota: lines[quota] for quota in engine} == engine


def test_a_refused_count_says_why_in_the_sheet_and_the_report(tmp_path, rules):
    """"10,0", "1.000", "-5" typed as text: the engine's issue and the template's "Kết quả"
    both say why ("… phải là số (chỉ gõ các chữ số 0–9, không dấu chấm, dấu phẩy)"), in the
    same words; a count too large ("20000000", 20,000,000) is "phải là số" alone."""
    why = " (chỉ gõ các chữ số 0–9, không dấu chấm, dấu phẩy)"
    cases = [("10,0", why), ("1.000", why), ("-5", why), ("20000000", ""), (20_000_000, "")]
    people = [dict(full_name=f"Người {i}", title="Chiến sĩ tiên tiến", members="10",
                   present=10, agree=8) for i in range(len(cases))]
    source = tmp_path / "why.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people),
                                           cached=False))
    book = openpyxl.load_workbook(source)
    for i, (value, _) in enumerate(cases):
        book["Cá nhân"].cell(FIRST + i, IND["members"], value)
    staff = tmp_path / "staff.xlsx"
    book.save(staff)
    unit, checks = validate_unit(read_unit_workbook(staff), rules)
    recalculated = _recalculated(staff, tmp_path)
    label = "Tổng số thành viên"
    for nom, (value, reason) in zip(unit.individuals, cases, strict=True):
        said = [i.message for i in nom.issues if i.code == Code.NOT_A_NUMBER]
        assert said == [f'"{label}" phải là số{reason}'], (value, nom.issues)
        shown = recalculated["Cá nhân"].cell(nom.row, IND["result"]).value
        assert shown == engine_result(nom) == f"{ERROR_PREFIX}{said[0]}", value
    engine = _engine_lines(checks)
    lines = _quota_lines(recalculated["Thông tin"])
    assert {quota: lines[quota] for quota in engine} == engine


def test_true_in_a_count_is_refused_when_libreoffice_recalculates(tmp_path, rules):
    """TRUE typed in a count (a person's "Số phiếu đồng ý", a unit's "Quân số" or "Tổng số
    thành viên"): the engine and Excel refuse it (not_a_number, with the reason of text);
    LibreOffice stores it as the number 1 and counted it — the row showed "Đạt"/"Không đạt"
    and the quota lines counted it. Now ISLOGICAL of the cell gives the engine's "Lỗi: …" on
    the row, and the totals leave the row out (they read the row's check cell)."""
    people = [dict(full_name="Người đúng", title="Chiến sĩ tiên tiến", members=1, present=1,
                   agree=1),
              dict(full_name="Người TRUE", title="Chiến sĩ tiên tiến", members=1, present=1,
                   agree=True)]
    units = [dict(name="Đơn vị TRUE", title="Đơn vị Quyết thắng", headcount=True, cstt=1,
                  cstdcs=1, disciplined=0, members=10, present=10, agree=9),
             dict(name="Đơn vị TRUE 2", title="Đơn vị Quyết thắng", headcount=20, cstt=15,
                  cstdcs=1, disciplined=0, members=True, present=1, agree=1)]
    source = tmp_path / "true.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO), cached=False))
    book = openpyxl.load_workbook(source)
    for sheet_name, columns, rows in (("Cá nhân", IND, people), ("Tập thể", COL, units)):
        for i, values in enumerate(rows):
            _put(book[sheet_name], FIRST + i, columns, values)
    staff = tmp_path / "staff.xlsx"
    book.save(staff)
    unit, checks = validate_unit(read_unit_workbook(staff), rules)
    recalculated = _recalculated(staff, tmp_path)
    noms = list(unit.individuals) + list(unit.collectives)
    assert [engine_result(n) for n in noms][0] == "Đạt"
    for nom in noms[1:]:
        assert engine_result(nom).startswith(ERROR_PREFIX) and "phải là số (" in engine_result(
            nom), nom.name
    shown = [recalculated["Cá nhân"].cell(n.row, IND["result"]).value for n in unit.individuals]
    shown += [recalculated["Tập thể"].cell(n.row, COL["result"]).value for n in unit.collectives]
    assert shown == [engine_result(n) for n in noms]
    engine = _engine_lines(checks)
    lines = _quota_lines(recalculated["Thông tin"])
    assert {quota: lines[quota] for quota in engine} == engine
