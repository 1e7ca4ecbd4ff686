"""Scores, counts and covenant points: the engine and the templates read them by one rule and say
the same thing when they refuse one (session 7, engine7).

- "Giao ước" points typed as text follow the digits-only rule of counts and scores
  (typed_numbers.text_count), with not_a_number's sentence and reason;
- a score above the engine's limit (typed_numbers.MAX_COUNT) is refused by the unit template's
  "Chấm điểm" and the cluster template's live "Xếp hạng" too (LibreOffice, vi-VN);
- a refused score is named by labels.score_detail everywhere (report, templates, add-in);
- a count or a score in a cell formatted as a date says that the format is the problem.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from fractions import Fraction as Q
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from addin.domain import fields as F
from addin.domain import labels as L
from addin.domain.issues import Code, issue_text, make_issue
from addin.domain.rules import RulesError
from addin.domain.scoring import Candidate, ScoreLine, ScoreSheet, rank_units, score_unit
from addin.io.cells import MAX_COUNT
from addin.io.cluster_template import cluster_template_bytes
from addin.io.covenant_file import sample_mapping, sample_text
from addin.io.covenant_sheet import covenant_from_rows, criteria_first_row
from addin.io.libreoffice import convert
from addin.io.live_ranking import FIRST_UNIT_ROW, LiveUnit, layout_of
from addin.io.reader import read_unit_workbook
from addin.io.rules_file import load_rules
from addin.io.scores_reader import points_why, to_points
from addin.io.unit_template import UnitData, unit_workbook_bytes
from addin.udfs import TDKT_DIEM, TDKT_KETQUA
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl
from tests.io.test_scores import SCORE_HEADER, live_units, sample_scores

WITH_WHY = f"({L.SCORE_TEXT_RULE})"
SELF, CLUSTER = '"Điểm tự chấm"', '"Điểm cụm chấm"'  # labels.score_detail of the two columns
DATE_WHY = "ô đang định dạng ngày tháng: chọn ô, Định dạng → Số"  # labels.DATE_CELL_RULE
# (points typed as text, what a score typed so reads as: a number, or None refused)
TEXT_POINTS = [("8", 8), (" 8 ", 8), ("\u00a08\n", 8), ("0010", 10), ("8,5", None),
               ("8.5", None), ("7,5", None), ("1e1", None), ("1.000", None), ("-8", None),
               ("+8", None), ("tám", None), ("１０", None)]


@pytest.fixture(scope="module")
def covenant_rules(tmp_path_factory):
    path = tmp_path_factory.mktemp("cov") / "tdkt-rules.toml"
    path.write_text(sample_text(), encoding="utf-8")
    return load_rules(path)


# -- 1. "Giao ước" points typed as text ---------------------------------------------------------
@pytest.mark.parametrize("form,read", TEXT_POINTS)
def test_covenant_points_typed_as_text_are_read_as_a_score_is(form, read):
    """A criterion's maximum, a cap or a proposal's minimum score typed as text is read exactly
    as a score typed as text (scores_reader.to_points): digits only. Anything else is refused
    with not_a_number's sentence and the scores' reason; the old rule read "1.000" as 1, "8,5"
    and "8.5" as 8.5, "1e1" as 10."""
    from addin.domain.covenant import covenant_from_mapping

    value, code = to_points(form)
    assert value == read, form
    for where in ("criteria.max", "bonus_cap", "flag.min_score"):
        data = copy.deepcopy(sample_mapping())
        head, _, tail = where.partition(".")
        target = data["criteria"][0] if head == "criteria" else data[head] if tail else data
        target[tail or head] = form
        key = "covenant." + ("criteria[0].max" if head == "criteria" else where)
        if read is None:
            with pytest.raises(RulesError) as refused:
                covenant_from_mapping(data)
            said = make_issue(code, f'"{form.strip()}"', why=points_why(form, code)).message
            assert str(refused.value) == f"{key}: {said}", (form, where)
            assert str(refused.value).endswith(WITH_WHY)
        else:
            covenant = covenant_from_mapping(data)
            got = {"criteria": covenant.criteria[0].max, "bonus_cap": covenant.bonus_cap,
                   "flag": covenant.flag.min_score}[head]
            assert got == read, (form, where)


def test_points_typed_as_text_on_the_giao_uoc_sheet_and_in_toml(tmp_path, covenant_rules):
    """The cluster template's "Giao ước" read back from a real file: a maximum typed as the text
    " 20 " is 20; "1.000" (a thousand in vi-VN, one in en-US) is refused, not read as 1. A
    tdkt-rules.toml string is read by the same rule."""
    path = tmp_path / "cum.xlsx"
    path.write_bytes(cluster_template_bytes(covenant_rules))
    book = openpyxl.load_workbook(path)
    first = criteria_first_row(covenant_rules.covenant) + 1  # Excel row of TC01
    for form in (" 20 ", "1.000"):
        cell = book["Giao ước"].cell(first, 5, form)
        cell.data_type = "s"
        book.save(tmp_path / "typed.xlsx")
        rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "typed.xlsx")
                                                          ).get_sheet_by_name("Giao ước"
                                                                              ).to_python()
        if form == " 20 ":
            assert covenant_from_rows(rows).criteria[0].max == 20  # the sample says 15
        else:
            with pytest.raises(RulesError, match=r'criteria\[0\]\.max: "1\.000" phải là số \('):
                covenant_from_rows(rows)
    toml = tmp_path / "tdkt-rules.toml"
    toml.write_text(sample_text().replace("bonus_cap = 5", 'bonus_cap = "5,0"'), encoding="utf-8")
    assert 'bonus_cap = "5,0"' in toml.read_text(encoding="utf-8")
    with pytest.raises(RulesError, match=r'covenant\.bonus_cap: "5,0" phải là số \(ô dạng'):
        load_rules(toml)


# -- 2. a score above the engine's limit --------------------------------------------------------
TOO_LARGE = (20_000_000, "20000000")


@needs_libreoffice
@pytest.mark.parametrize("form", TOO_LARGE)
def test_a_score_above_the_limit_is_refused_by_the_unit_template(tmp_path, covenant_rules, form):
    """20,000,000 points typed in "Chấm điểm" (a number or digits): the engine refuses the cell
    (`"Điểm tự chấm" phải là số`, no reason: the digits are fine); the sheet recalculated by
    LibreOffice shows "Lỗi" and the same sentence (it added the 20,000,000 up)."""
    source = tmp_path / "u.xlsx"
    source.write_bytes(unit_workbook_bytes(covenant_rules, UnitData(scores={
        code: {"self": value} for code, value in sample_scores().items()})))
    book = openpyxl.load_workbook(source)
    sheet = book["Chấm điểm"]
    row = next(r for r in range(5, 40) if sheet[f"A{r}"].value == "TC06")
    sheet[f"D{row}"] = form
    typed = tmp_path / "typed.xlsx"
    book.save(typed)
    read = read_unit_workbook(typed)
    result = score_unit(read.scores, covenant_rules.covenant)
    refused = [i.message for i in result.issues if i.severity == "error"]
    plain = issue_text(Code.NOT_A_NUMBER, SELF)
    assert refused == [plain.removeprefix(L.ERROR_PREFIX)]
    sheet = openpyxl.load_workbook(convert(typed, tmp_path / "lo", "xlsx"), data_only=True)[
        "Chấm điểm"]
    total_row = next(r for r in range(5, 40) if sheet[f"B{r}"].value == "TỔNG ĐIỂM")
    assert (sheet[f"D{total_row}"].value, sheet[f"E{total_row}"].value) == ("Lỗi", "Lỗi")
    assert sheet[f"B{total_row + 2}"].value == plain


@needs_libreoffice
def _live_recalculated(tmp_path, covenant_rules, units, typed):
    """The cluster template's live "Xếp hạng" for `units`, with `typed` ({unit: (criterion,
    value)}) typed into it, recalculated by LibreOffice: each unit's rank (None for none),
    "Ghi chú" and total."""
    source = tmp_path / "cum.xlsx"
    source.write_bytes(cluster_template_bytes(covenant_rules, [LiveUnit(*u) for u in units]))
    at = layout_of(covenant_rules.covenant)
    book = openpyxl.load_workbook(source)
    for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
        name = book["Xếp hạng"].cell(r, 2).value
        if name in typed:
            code, value = typed[name]
            book["Xếp hạng"].cell(r, at.criteria[code] + 1).value = value  # None clears
    book.save(tmp_path / "typed.xlsx")
    sheet = openpyxl.load_workbook(convert(tmp_path / "typed.xlsx", tmp_path / "lo", "xlsx"),
                                   data_only=True)["Xếp hạng"]
    got, notes, totals = {}, {}, {}
    for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
        name = sheet.cell(r, 2).value
        rank = sheet.cell(r, at.rank + 1).value
        got[name] = None if rank == "" else rank
        notes[name], totals[name] = (sheet.cell(r, at.note + 1).value,
                                     sheet.cell(r, at.total + 1).value)
    return got, notes, totals


def test_a_score_above_the_limit_is_refused_by_the_live_ranking(tmp_path, covenant_rules):
    """The live "Xếp hạng" with 20,000,000 points (a number, digits text) and "8,5": the engine
    refuses the three (no rank), so does the sheet (LibreOffice, vi-VN; it ranked the
    20,000,000 first), each note in the engine's words — with the reason only for "8,5"."""
    typed = {"Đơn vị A": 20_000_000, "Đơn vị B": "20000000", "Đơn vị C": "8,5"}
    units = live_units()
    candidates, said = [], {}
    for name, scores, dvqt in units:
        lines, read = [], []
        for i, (c, v) in enumerate(scores.items()):
            value, problem = (to_points(typed[name]) if c == "TC09" and name in typed else
                              (Q(str(v)), None))
            if problem:
                read.append(make_issue(problem, CLUSTER,
                                       why=points_why(typed[name], problem)))
            lines.append(ScoreLine(row=i, code=c, self_score=value,
                                   invalid=frozenset({"self"}) if problem else frozenset()))
        said[name] = [L.ERROR_PREFIX + i.message for i in read]
        candidates.append(Candidate(name, name, score_unit(
            ScoreSheet(name, "x", tuple(lines), tuple(read)), covenant_rules.covenant), dvqt))
    expected = {u.unit: u.rank for u in rank_units(candidates, covenant_rules.covenant).units}
    assert [expected[n] for n in typed] == [None, None, None]
    got, notes, totals = _live_recalculated(
        tmp_path, covenant_rules, units, {n: ("TC09", v) for n, v in typed.items()})
    assert got == expected
    for name in ("Đơn vị A", "Đơn vị B", "Đơn vị C"):
        assert totals[name] == "Lỗi" and [notes[name]] == said[name], name
    assert not said["Đơn vị A"][0].endswith(")") and said["Đơn vị C"][0].endswith(WITH_WHY)
    assert said["Đơn vị A"][0] == 'Lỗi: "Điểm cụm chấm" phải là số'


# -- 3. one wording for a refused score ----------------------------------------------------------
def test_a_refused_score_is_worded_once(tmp_path, covenant_rules):
    """The report names a refused score by its column ("Điểm tự chấm"), the live "Xếp hạng"
    by its cells' ("Điểm cụm chấm"), the add-in by the column and the criterion — all through
    labels.score_detail (the add-in said "Điểm của tiêu chí TC01", the live sheet "Điểm tiêu
    chí")."""
    (tmp_path / "tdkt-rules.toml").write_text(sample_text(), encoding="utf-8")

    class Caller:
        sheet = type("S", (), {"book": type("B", (), {"fullname": str(tmp_path / "u.xlsx")})()})()

    codes = [[c] for c in sample_scores()]
    own = [[v] for v in sample_scores().values()]
    own[0] = ["8,5"]
    assert TDKT_DIEM(codes, own, caller=Caller()) == (
        f'Lỗi: "Điểm tự chấm" của tiêu chí TC01 phải là số {WITH_WHY}')
    own[0], reviewed = [14], [[None]] * len(codes)
    reviewed[1] = [20_000_000]
    assert TDKT_DIEM(codes, own, reviewed, caller=Caller()) == (
        'Lỗi: "Điểm cụm chấm" của tiêu chí TC02 phải là số')
    rows = [SCORE_HEADER, ["TC01", "x", 15, "8,5"]]
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", {**unit_sheets(),
                                                                   "Chấm điểm": rows}))
    assert [i.message for i in book.scores.issues] == [
        f'"Điểm tự chấm" phải là số {WITH_WHY}']


def test_the_live_ranking_names_a_refused_score_as_the_engine_does(covenant_rules, tmp_path):
    """The note formula of the live "Xếp hạng" carries the engine's sentence for its cells."""
    path = tmp_path / "cum.xlsx"
    path.write_bytes(cluster_template_bytes(covenant_rules))
    at = layout_of(covenant_rules.covenant)
    formula = openpyxl.load_workbook(path)["Xếp hạng"].cell(FIRST_UNIT_ROW + 1, at.note + 1).value
    text = formula.text if hasattr(formula, "text") else formula
    sentence = issue_text(Code.NOT_A_NUMBER, CLUSTER, L.SCORE_TEXT_RULE)
    assert f'"{sentence.replace(chr(34), chr(34) * 2)}"' in text
    assert "Điểm tiêu chí" not in text


# -- 4. a count or a score in a date-formatted cell ----------------------------------------------
def test_a_count_in_a_date_cell_says_the_cells_format_is_the_problem(tmp_path):
    """10 typed into a cell formatted as a date is read back as 10/01/1900: not_a_number as
    before (what counts does not change), but the reason is the cell's format, not "type only
    digits 0–9" (the user did). The same for a score in "Chấm điểm" and for the add-in."""
    when = dt.datetime(1900, 1, 10)
    rows = [SCORE_HEADER, ["TC01", "x", 15, when]]
    path = write_openpyxl(tmp_path / "d.xlsx", {**unit_sheets([person(agree=when)]),
                                                "Chấm điểm": rows})
    book = read_unit_workbook(path)
    agree = [i for i in book.all_issues() if i.sheet == "Cá nhân"]
    assert [(str(i.code), i.message) for i in agree] == [
        ("not_a_number", f'"{F.INDIVIDUAL_LABELS["agree"]}" phải là số ({DATE_WHY})')]
    assert [(str(i.code), i.message) for i in book.scores.issues] == [
        ("not_a_number", f'"Điểm tự chấm" phải là số ({DATE_WHY})')]
    (tmp_path / "tdkt-rules.toml").write_text(sample_text(), encoding="utf-8")

    class Caller:
        sheet = type("S", (), {"book": type("B", (), {"fullname": str(path)})()})()

    assert TDKT_KETQUA("Chiến sĩ tiên tiến", 10, 10, when, caller=Caller()) == (
        f'Lỗi: "{F.INDIVIDUAL_LABELS["agree"]}" phải là số ({DATE_WHY})')
    assert TDKT_KETQUA("Chiến sĩ tiên tiến", 10, 10, "8,0", caller=Caller()).endswith(
        f"({L.COUNT_TEXT_RULE})")  # text keeps its own reason
    assert L.DATE_CELL_RULE == DATE_WHY


def test_the_limit_is_written_once():
    """The engine's limit on a count or a score and the templates' formulas share one
    constant (typed_numbers.MAX_COUNT)."""
    from addin.domain import typed_numbers
    from addin.io import template_formulas

    assert typed_numbers.MAX_COUNT is MAX_COUNT
    assert str(MAX_COUNT) in template_formulas.points_error("D5")
    assert str(MAX_COUNT) in template_formulas.points_number("D5")
    assert Path(template_formulas.__file__).read_text(encoding="utf-8").count("10000000") == 0


# -- 5. a cap typed as text in the live "Xếp hạng" ------------------------------------------------
@needs_libreoffice
def test_the_live_ranking_applies_a_cap_typed_as_text(tmp_path, covenant_rules):
    """"Điểm cộng tối đa" typed on "Giao ước" as the text " 2 ": the engine reads the covenant's
    cap as 2 (digits only), and the live "Xếp hạng" caps the bonus points at 2 too (its MIN
    skipped the text: no cap at all). Typed "2,5", the engine refuses the covenant; the sheet
    ranks no one and each note names the cap, in not_a_number's words."""
    units = live_units()
    source = tmp_path / "cum.xlsx"
    source.write_bytes(cluster_template_bytes(covenant_rules, [LiveUnit(*u) for u in units]))
    at = layout_of(covenant_rules.covenant)
    for form in (" 2 ", "2,5"):
        book = openpyxl.load_workbook(source)
        cap = next(r for r in range(1, 40) if book["Giao ước"].cell(r, 1).value
                   == "Điểm cộng tối đa")
        book["Giao ước"].cell(cap, 2, form).data_type = "s"
        typed = tmp_path / f"typed{len(form)}.xlsx"
        book.save(typed)
        rows = python_calamine.CalamineWorkbook.from_path(str(typed)).get_sheet_by_name(
            "Giao ước").to_python()
        sheet = openpyxl.load_workbook(convert(typed, tmp_path / f"lo{len(form)}", "xlsx"),
                                       data_only=True)["Xếp hạng"]
        got, totals, notes = {}, {}, {}
        for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
            name = sheet.cell(r, 2).value
            rank = sheet.cell(r, at.rank + 1).value
            got[name] = None if rank == "" else rank
            totals[name] = sheet.cell(r, at.total + 1).value
            notes[name] = sheet.cell(r, at.note + 1).value
        if form == " 2 ":
            covenant = covenant_from_rows(rows)
            assert covenant.bonus_cap == 2
            candidates = []
            for name, scores, dvqt in units:
                lines = [ScoreLine(row=i, code=c, self_score=Q(str(v)))
                         for i, (c, v) in enumerate(scores.items())]
                candidates.append(Candidate(name, name, score_unit(
                    ScoreSheet(name, "x", tuple(lines)), covenant), dvqt))
            engine = {c.unit: c.score.used.total for c in candidates}
            assert engine["Đơn vị D"] == Q(183, 2)  # 92 + CG01 3 capped at 2 - TR01 2.5 (not 92.5)
            assert {n: Q(str(v)) for n, v in totals.items()} == engine
            assert got == {u.unit: u.rank for u in rank_units(candidates, covenant).units}
        else:
            with pytest.raises(RulesError, match=r'bonus_cap: "2,5" phải là số \(ô dạng'):
                covenant_from_rows(rows)
            assert set(got.values()) == {None} and set(totals.values()) == {"Lỗi"}
            assert set(notes.values()) == {
                f'Lỗi: "Điểm cộng tối đa" phải là số {WITH_WHY}'}


# -- 6. a score out of its criterion's bounds in the live "Xếp hạng" (engine7b) ------------------
# (unit, criterion, the cluster's score typed): above "Điểm tối đa" (a number, digits text, a
# bonus point), below zero, off the covenant's 0.5 step — and, for the first, a refused text in
# a later criterion, which the engine names first (reading comes before scoring).
OUT_OF_BOUNDS = [("Đơn vị A", "TC01", 16), ("Đơn vị B", "TC09", " 12 "),
                 ("Đơn vị C", "CG01", 3.5), ("Đơn vị D", "TR01", -1), ("Đơn vị E", "TC02", 9.3),
                 ("Đơn vị G", "TC10", 8)]


@needs_libreoffice
def test_the_live_ranking_checks_a_score_against_its_criterions_maximum(tmp_path,
                                                                          covenant_rules):
    """The engine leaves a unit whose cluster score is above its criterion's "Điểm tối đa"
    (16 of 15; the text " 12 " of 10; 3.5 bonus points of 3), below zero or off the 0.5 step
    unranked, with score_exceeds_max / negative_score / not_a_number. The live "Xếp hạng"
    recalculated by LibreOffice does the same: "Lỗi", no rank, and its "Ghi chú" is the engine's
    sentence ("Lỗi: Điểm vượt điểm tối đa của tiêu chí (Điểm cụm chấm 16, tiêu chí TC01, tối
    đa 15)"). It ranked them on the points typed. 8 of 8 in TC10 stays ranked."""
    units = live_units()
    typed = {name: (code, value) for name, code, value in OUT_OF_BOUNDS}
    candidates, said = [], {}
    for name, scores, dvqt in units:
        lines, read = [], []
        for i, (c, v) in enumerate(scores.items()):
            cluster, problem = None, None
            if name in typed and typed[name][0] == c:
                form = typed[name][1]
                cluster, problem = to_points(form) if isinstance(form, str) else (
                    Q(str(form)), None)
            lines.append(ScoreLine(row=i, code=c, self_score=Q(str(v)), cluster_score=cluster,
                                   columns={"cluster": "E"}))
            assert problem is None
        result = score_unit(ScoreSheet(name, "x", tuple(lines), tuple(read)),
                            covenant_rules.covenant)
        said[name] = [L.ERROR_PREFIX + i.message for i in result.issues
                      if i.severity == "error"][:1]
        candidates.append(Candidate(name, name, result, dvqt))
    expected = {u.unit: u.rank for u in rank_units(candidates, covenant_rules.covenant).units}
    assert [expected[n] for n, *_ in OUT_OF_BOUNDS] == [None] * 5 + [expected["Đơn vị G"]]
    assert expected["Đơn vị G"] is not None
    assert said["Đơn vị A"] == [issue_text(Code.SCORE_EXCEEDS_MAX,
                                           "(Điểm cụm chấm 16, tiêu chí TC01, tối đa 15)")]
    assert said["Đơn vị D"] == [issue_text(Code.NEGATIVE_SCORE, "(Điểm cụm chấm -1, tiêu chí "
                                                                "TR01)")]
    assert said["Đơn vị E"] == [issue_text(Code.NOT_A_NUMBER, "Điểm cụm chấm 9,3, tiêu chí TC02: "
                                                              "điểm chấm theo bước 0,5")]
    got, notes, totals = _live_recalculated(tmp_path, covenant_rules, units, typed)
    assert got == expected
    for name, *_ in OUT_OF_BOUNDS[:5]:
        assert totals[name] == "Lỗi" and [notes[name]] == said[name], name
    assert totals["Đơn vị G"] != "Lỗi" and said["Đơn vị G"] == []


# -- 7. a score out of its criterion's bounds in the unit template's "Chấm điểm" (engine7c) -----
# (what is typed over sample_scores: {criterion: {column: value}}): a self score above "Điểm
# tối đa" (a number; digits text " 12 " of 10), a cluster score below zero, a self score off
# the 0.5 step, a later row's self score and an earlier row's cluster score (the engine names
# the earlier row first), and scores at their maxima (not refused).
UNIT_OUT_OF_BOUNDS = {
    "self above": {"TC01": {"self": 16}},
    "text above": {"TC09": {"self": " 12 "}},
    "cluster negative": {"TR01": {"cluster": -1}},
    "off step": {"TC02": {"self": 9.3}},
    "first row first": {"TC03": {"self": 20}, "TC01": {"cluster": 16}},
    "at the maxima": {"TC10": {"self": 8}, "CG01": {"self": 3}, "TC01": {"cluster": 15}},
}


@needs_libreoffice
@pytest.mark.parametrize("case", UNIT_OUT_OF_BOUNDS)
def test_the_unit_templates_totals_check_a_score_against_its_criterions_maximum(
        tmp_path, covenant_rules, case):
    """The engine refuses a self or cluster score below zero, above its criterion's "Điểm tối
    đa" or off the covenant's step (score_unit: negative_score, score_exceeds_max,
    not_a_number). The unit template's "Chấm điểm" totals, as written (cached) and recalculated
    by LibreOffice (vi-VN), do too: "Lỗi" in the totals that use the score, and under the table
    the engine's first sentence ("Lỗi: Điểm vượt điểm tối đa của tiêu chí (Điểm tự chấm 16, tiêu
    chí TC01, tối đa 15)"). They added such a score up (only a colour showed it)."""
    scores = {code: {"self": value} for code, value in sample_scores().items()}
    for code, typed in UNIT_OUT_OF_BOUNDS[case].items():
        scores[code] = {**scores[code], **typed}
    source = tmp_path / "u.xlsx"
    source.write_bytes(unit_workbook_bytes(covenant_rules, UnitData(scores=scores)))
    result = score_unit(read_unit_workbook(source).scores, covenant_rules.covenant)
    errors = [i for i in result.issues if i.severity == "error"]
    assert all(i.code in (Code.NEGATIVE_SCORE, Code.SCORE_EXCEEDS_MAX, Code.NOT_A_NUMBER)
               for i in errors)
    assert bool(errors) == (case != "at the maxima")

    def shown(totals, errors):
        return "Lỗi" if errors else (float(totals.total) if totals is not None else 0)

    expected = (shown(result.self_totals, [i for i in errors if i.column == "D"]),
                shown(result.used, errors),
                L.ERROR_PREFIX + errors[0].message if errors else "")
    if case == "first row first":
        assert expected[2] == issue_text(Code.SCORE_EXCEEDS_MAX,
                                         "(Điểm cụm chấm 16, tiêu chí TC01, tối đa 15)")
    if case == "text above":
        assert expected[2] == issue_text(Code.SCORE_EXCEEDS_MAX,
                                         "(Điểm tự chấm 12, tiêu chí TC09, tối đa 10)")
    for path in (source, convert(source, tmp_path / "lo", "xlsx")):
        sheet = openpyxl.load_workbook(path, data_only=True)["Chấm điểm"]
        total_row = next(r for r in range(5, 40) if sheet[f"B{r}"].value == "TỔNG ĐIỂM")
        got = tuple(sheet[f"{c}{total_row}"].value for c in "DE") + (
            sheet[f"B{total_row + 2}"].value or "",)
        got = tuple(float(v) if isinstance(v, int | float) else v for v in got)
        assert got == expected, path.name


def test_the_score_sheets_formulas_stay_within_excels_limit(covenant_rules):
    """Excel takes a formula of at most 8,192 characters: the "Chấm điểm" totals and the line
    under them, which now also check each score's bounds, stay below it."""
    book = openpyxl.load_workbook(io.BytesIO(unit_workbook_bytes(covenant_rules, UnitData())))
    lengths = [len(getattr(c.value, "text", c.value)) for row in book["Chấm điểm"].iter_rows()
               for c in row if str(getattr(c.value, "text", c.value)).startswith("=")]
    assert lengths and max(lengths) < 8_192


# -- 8. a criterion left blank in the live "Xếp hạng" (engine7c) ---------------------------------
# (unit, criterion, what is typed: None clears the cell, spaces are blank too); Đơn vị K's TC04
# is left out of the units written (blank from the start: the cached values say it too).
LIVE_BLANKS = [("Đơn vị A", "TC03", None), ("Đơn vị B", "TC05", "  "), ("Đơn vị C", "CG01", None),
               ("Đơn vị E", "TC10", None)]


@needs_libreoffice
def test_the_live_ranking_refuses_a_criterion_left_blank(tmp_path, covenant_rules):
    """The engine reports a criterion's score left blank as missing_value and leaves the unit
    unranked; a blank bonus or penalty point is 0. The live "Xếp hạng" (written with Đơn vị K's
    TC04 blank, then A's TC03, B's TC05 (spaces), C's CG01, E's TC10 cleared, recalculated by
    LibreOffice) does the same: "Lỗi", no rank, and "Ghi chú" `Lỗi: Chưa nhập "Điểm cụm chấm"
    của tiêu chí TC03` (its cells are the cluster's scores); C stays ranked. It added a blank
    up as 0 and ranked the unit."""
    units = [(n, dict(s), d) for n, s, d in live_units()]
    del units[-1][1]["TC04"]
    typed = {name: (code, value) for name, code, value in LIVE_BLANKS}
    candidates = []
    for name, scores, dvqt in units:
        lines = []
        for i, criterion in enumerate(covenant_rules.covenant.criteria):
            value = scores.get(criterion.code)
            if name in typed and typed[name][0] == criterion.code:
                value = None
            lines.append(ScoreLine(row=i, code=criterion.code,
                                   self_score=None if value is None else Q(str(value))))
        result = score_unit(ScoreSheet(name, "x", tuple(lines)), covenant_rules.covenant)
        errors = [i for i in result.issues if i.severity == "error"]
        assert [i.code for i in errors] == ([Code.MISSING_VALUE] if name in (*typed, "Đơn vị K")
                                            and name != "Đơn vị C" else [])
        candidates.append(Candidate(name, name, result, dvqt))
    expected = {u.unit: u.rank for u in rank_units(candidates, covenant_rules.covenant).units}
    blank = {"Đơn vị A": "TC03", "Đơn vị B": "TC05", "Đơn vị E": "TC10", "Đơn vị K": "TC04"}
    assert [expected[n] for n in blank] == [None] * 4 and expected["Đơn vị C"] is not None
    said = {n: issue_text(Code.MISSING_VALUE, L.score_detail(L.SCORE_CLUSTER, c))
            for n, c in blank.items()}
    assert said["Đơn vị A"] == 'Lỗi: Chưa nhập "Điểm cụm chấm" của tiêu chí TC03'
    # as written (cached): K's blank is said before any recalculation
    at = layout_of(covenant_rules.covenant)
    written = openpyxl.load_workbook(io.BytesIO(cluster_template_bytes(
        covenant_rules, [LiveUnit(*u) for u in units])), data_only=True)["Xếp hạng"]
    k_row = FIRST_UNIT_ROW + len(units)
    assert (written.cell(k_row, at.total + 1).value, written.cell(k_row, at.note + 1).value) == (
        "Lỗi", said["Đơn vị K"])
    got, notes, totals = _live_recalculated(tmp_path, covenant_rules, units, typed)
    assert got == expected
    for name in blank:
        assert (totals[name], notes[name]) == ("Lỗi", said[name]), name
    assert isinstance(totals["Đơn vị C"], int | float)
