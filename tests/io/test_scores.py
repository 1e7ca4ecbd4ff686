"""The "Chấm điểm" sheet (contracts.md §8) read from real files, the unit template's scoring
sheet, the cluster template's "Giao ước" and live ranking (recalculated in LibreOffice), and the
cluster report's "Xếp hạng"."""

from __future__ import annotations

import copy
from fractions import Fraction as Q
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from addin import app
from addin.domain.issues import make_issue
from addin.domain.scoring import Candidate, ScoreLine, ScoreSheet, rank_units, score_unit
from addin.domain.validation import validate_unit
from addin.io.cluster_template import cluster_template_bytes
from addin.io.covenant_file import cluster_rules, sample_covenant, sample_mapping, sample_text
from addin.io.covenant_sheet import covenant_from_rows
from addin.io.libreoffice import convert
from addin.io.live_ranking import FIRST_UNIT_ROW, LiveUnit, layout_of
from addin.io.reader import read_unit_workbook
from addin.io.rules_file import load_rules
from addin.io.unit_template import UnitData, unit_workbook_bytes
from tests.conftest import needs_libreoffice, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row, top_texts

SCORE_HEADER = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm",
                "Điểm cụm chấm", "Minh chứng"]


@pytest.fixture(scope="module")
def covenant_rules(tmp_path_factory):
    path = tmp_path_factory.mktemp("cov") / "tdkt-rules.toml"
    path.write_text(sample_text(), encoding="utf-8")
    return load_rules(path)


def sample_scores(**overrides: float) -> dict[str, float]:
    scores = {"TC01": 14, "TC02": 11.5, "TC03": 10, "TC04": 11, "TC05": 9.5, "TC06": 9,
              "TC07": 7, "TC08": 5, "TC09": 9, "TC10": 7.5, "CG01": 0, "CG02": 0, "TR01": 0,
              "TR02": 0}
    scores.update(overrides)
    return scores


def test_reader_takes_a_drifted_sheet(tmp_path, covenant_rules):
    rows = [["BẢNG TỰ CHẤM ĐIỂM"], [], ["ma tieu chi", "Noi dung", "Thang điểm", "TỰ CHẤM",
                                          "Điểm cụm", "Tài liệu minh chứng"],
            ["I. Nhiệm vụ quân sự"]]
    # digits typed as text are read (" 9 "); "11,5" as text is not (test_text_scores_…)
    for code, value in sample_scores(TC06=" 9 ", CG01=2).items():
        rows.append([code, f"Tiêu chí {code}", None, value, None, "Báo cáo số 12"])
    rows += [[None, "Tổng cộng", 100, 104], ["", "Người chấm: Trợ lý"]]
    sheets = {**unit_sheets(), "CHAM DIEM": rows}
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", sheets))
    assert book.scores is not None and book.scores.issues == ()
    assert [line.code for line in book.scores.lines][:2] == ["TC01", "TC02"]
    assert len(book.scores.lines) == 14
    assert book.scores.lines[1].self_score == Q(23, 2)
    book = validate_unit(book, covenant_rules).book
    assert [i for i in book.all_issues() if i.severity == "error"] == []
    total = score_unit(book.scores, covenant_rules.covenant).used.total
    assert total == Q(191, 2)  # 93.5 on the criteria + 2 bonus points


TEXT_SCORES = [  # (a score typed as text, what tdkt reads: a number, or None refused)
    ("8", 8), (" 8 ", 8), ("\u00a08\n", 8), ("8,5", None), ("8.5", None), ("1e1", None),
    ("1.000", None), ("-8", None), ("tám", None),
    (True, None)]  # TRUE: refused with the same reason the templates give
SCORE_WHY = ('"Điểm tự chấm" phải là số (ô dạng văn bản chỉ nhận các chữ số 0–9; điểm lẻ gõ '
             "dạng số, không định dạng Văn bản)")


def test_text_scores_are_read_only_as_every_locale_reads_them(tmp_path, covenant_rules):
    """A score typed as text counts when it is digits only ("8", " 8 "); "8,5", "8.5", "1e1",
    "1.000" hang on the PC's decimal mark or the spreadsheet, so tdkt refuses them with the
    reason (it used to read 8.5, 8.5, 10 and 1000) — as the templates do."""
    rows = [SCORE_HEADER]
    for i, (text, _) in enumerate(TEXT_SCORES):
        rows.append([f"TC{i + 1:02d}", "x", 10, text])
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", {**unit_sheets(),
                                                                   "Chấm điểm": rows}))
    assert book.scores is not None
    for line, (text, read) in zip(book.scores.lines, TEXT_SCORES, strict=True):
        assert line.self_score == read, text
        said = [i.message for i in book.scores.issues if i.row == line.row]
        assert said == ([] if read is not None else [SCORE_WHY]), text


def test_reader_reports_bad_cells_where_they_are(tmp_path, covenant_rules):
    rows = [SCORE_HEADER]
    for code, value in sample_scores(TC01=16, TC03="mười", TC04=-1).items():
        rows.append([code, code, None, value])
    rows.append(["TC99", "Tiêu chí lạ", 5, 5])
    del rows[5]  # TC05 missing
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx", {**unit_sheets(),
                                                                   "Chấm điểm": rows}))
    book = validate_unit(book, covenant_rules).book
    found = {(str(i.code), i.row, i.column) for i in book.all_issues() if i.sheet == "Chấm điểm"}
    assert found == {("score_exceeds_max", 2, "D"), ("not_a_number", 4, "D"),
                     ("negative_score", 5, "D"), ("unknown_criterion", 15, "A"),
                     ("missing_criterion", None, None)}


def test_unit_template_scoring_sheet_prefilled_from_the_covenant(tmp_path, covenant_rules):
    path = tmp_path / "u.xlsx"
    path.write_bytes(unit_workbook_bytes(covenant_rules))
    wb = openpyxl.load_workbook(path)
    sheet = wb["Chấm điểm"]
    assert [c.value for c in sheet[4]][:6] == SCORE_HEADER
    codes = [sheet[f"A{r}"].value for r in range(5, 30) if sheet[f"A{r}"].value]
    assert codes == [c.code for c in covenant_rules.covenant.criteria]
    dv = sheet.data_validations.dataValidation[0]
    assert dv.type == "custom" and "INT(D5/0.5)" in dv.formula1 and "$C5" in dv.formula1
    assert str(dv.sqref) == "D5:E23"  # 14 criteria under 5 group headings
    assert sheet.conditional_formatting
    assert not sheet["D6"].protection.locked and sheet["C6"].protection.locked
    assert "GIAO ƯỚC MẪU" in sheet["A3"].value  # the sample says it is one
    blank = read_unit_workbook(path)
    blank = validate_unit(blank, covenant_rules).book
    assert not [i for i in blank.all_issues() if i.sheet == "Chấm điểm"]  # not scored yet


@needs_libreoffice
def test_unit_template_live_total_matches_the_engine(tmp_path, covenant_rules):
    scores = {code: {"self": value} for code, value in
              sample_scores(TC02=12, CG01=3, CG02=3, TR01=4, TR02=2.5).items()}
    scores["TC01"]["cluster"] = 13.5
    source = tmp_path / "u.xlsx"
    source.write_bytes(unit_workbook_bytes(covenant_rules, UnitData(scores=scores)))
    book = read_unit_workbook(source)
    result = score_unit(book.scores, covenant_rules.covenant)
    assert result.self_totals.total == 94 + 5 - Q(13, 2)  # bonus 6 capped at 5
    sheet = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)[
        "Chấm điểm"]
    total_row = next(r for r in range(5, 40) if sheet[f"B{r}"].value == "TỔNG ĐIỂM")
    assert Q(str(sheet[f"D{total_row}"].value)) == result.self_totals.total
    assert Q(str(sheet[f"E{total_row}"].value)) == result.used.total
    assert result.used.total == result.self_totals.total - Q(1, 2)


AGREEMENT_FORMS = ("8", " 8 ", "8,5", "8.5", "1e1", "1.000")


@needs_libreoffice
@pytest.mark.parametrize("form", AGREEMENT_FORMS)
def test_text_scores_give_the_engines_total_in_the_unit_template(tmp_path, covenant_rules, form):
    """A score typed as text in "Chấm điểm": the sheet's totals (recalculated in LibreOffice,
    vi-VN) are the engine's — 8 for "8" and " 8 " (the sheet's SUMIF skipped text: 9 points
    short); for "8,5", "8.5", "1e1", "1.000" the engine refuses the cell and the sheet shows
    "Lỗi" and the engine's sentence, not a total without the cell."""
    scores = {code: {"self": value} for code, value in sample_scores(TC06=form).items()}
    scores["TC01"]["cluster"] = 13.5
    source = tmp_path / "u.xlsx"
    source.write_bytes(unit_workbook_bytes(covenant_rules, UnitData(scores=scores)))
    book = read_unit_workbook(source)
    result = score_unit(book.scores, covenant_rules.covenant)
    refused = [i.message for i in result.issues if i.severity == "error"]
    sheet = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)[
        "Chấm điểm"]
    total_row = next(r for r in range(5, 40) if sheet[f"B{r}"].value == "TỔNG ĐIỂM")
    shown = (sheet[f"D{total_row}"].value, sheet[f"E{total_row}"].value)
    said = sheet[f"B{total_row + 2}"].value or ""
    if form.strip() == "8":
        assert refused == [] and result.self_totals.total == Q(185, 2)  # TC06: 9 -> 8
        assert tuple(Q(str(v)) for v in shown) == (result.self_totals.total, result.used.total)
        assert said == ""
    else:
        assert refused == [SCORE_WHY]
        assert shown == ("Lỗi", "Lỗi")
        assert said == "Lỗi: " + SCORE_WHY


@needs_libreoffice
def test_text_scores_give_the_engines_ranks_in_the_live_ranking(tmp_path, covenant_rules):
    """The cluster template's live "Xếp hạng" with a criterion typed as text in six units: the
    ranks (recalculated in LibreOffice, vi-VN) are the engine's reading the same texts — "8"
    and " 8 " count 8 (SUMIF skipped them: 0), "8,5", "8.5", "1e1", "1.000" are refused: the
    unit is not ranked (no rank, "Lỗi" totals, the note says why) and ranks no one else."""
    from addin.io.scores_reader import to_points

    refused_note = ('Lỗi: "Điểm cụm chấm" phải là số (ô dạng văn bản chỉ nhận các chữ số 0–9; '
                    "điểm lẻ gõ dạng số, không định dạng Văn bản)")

    units = live_units()
    typed = dict(zip(("Đơn vị A", "Đơn vị B", "Đơn vị C", "Đơn vị D", "Đơn vị E", "Đơn vị G"),
                     AGREEMENT_FORMS, strict=True))
    candidates = []
    for name, scores, dvqt in units:
        lines, read = [], []  # the reader's lines, and its not_a_number issues
        for i, (c, v) in enumerate(scores.items()):
            value, problem = (to_points(typed[name]) if c == "TC09" and name in typed else
                              (Q(str(v)), None))
            if problem:
                read.append(make_issue(problem, '"Điểm tự chấm"'))
            lines.append(ScoreLine(row=i, code=c, self_score=value,
                                   invalid=frozenset({"self"}) if problem else frozenset()))
        score = score_unit(ScoreSheet(name, "x", tuple(lines), tuple(read)),
                           covenant_rules.covenant)
        candidates.append(Candidate(name, name, score, dvqt))
    expected = {u.unit: u.rank for u in rank_units(candidates, covenant_rules.covenant).units}
    engine_totals = {c.unit: c.score.used.total for c in candidates if c.score.used}
    assert [expected[n] for n in typed] == [1, 2, None, None, None, None]
    source = tmp_path / "cum.xlsx"
    source.write_bytes(cluster_template_bytes(covenant_rules, [LiveUnit(*u) for u in units]))
    at = layout_of(covenant_rules.covenant)
    book = openpyxl.load_workbook(source)
    live = book["Xếp hạng"]
    for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
        name = live.cell(r, 2).value
        if name in typed:
            live.cell(r, at.criteria["TC09"] + 1, typed[name])
    typed_path = tmp_path / "typed.xlsx"
    book.save(typed_path)
    sheet = openpyxl.load_workbook(convert(typed_path, tmp_path / "lo", "xlsx"),
                                   data_only=True)["Xếp hạng"]
    got, totals, notes = {}, {}, {}
    for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
        name = sheet.cell(r, 2).value
        got[name] = sheet.cell(r, at.rank + 1).value
        totals[name] = sheet.cell(r, at.total + 1).value
        notes[name] = sheet.cell(r, at.note + 1).value
    assert {n: (None if v == "" else v) for n, v in got.items()} == expected
    for name in typed:
        if expected[name] is None:
            assert totals[name] == "Lỗi" and notes[name] == refused_note, name
        else:
            assert Q(str(totals[name])) == engine_totals[name] == Q(185, 2), name  # TC09: 8


def test_giao_uoc_sheet_and_toml_give_the_same_covenant(tmp_path, covenant_rules):
    path = tmp_path / "cum.xlsx"
    path.write_bytes(cluster_template_bytes(covenant_rules))
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name("Giao ước").to_python()
    assert covenant_from_rows(rows) == covenant_rules.covenant == sample_covenant()
    data = copy.deepcopy(sample_mapping())
    data["rotation"] = ["Cục Kỹ thuật", "Cục Chính trị", "Cục Hậu cần"]
    data["chair"] = "Cục Kỹ thuật"
    data["tie_break"] = ["penalty", "criterion:TC04"]
    data["ballot"] = {"members": 3, "present": 3, "votes": {"Cục Kỹ thuật": 3, "Cục Hậu cần": 1}}
    toml = tmp_path / "r.toml"
    toml.write_text(_as_toml(data), encoding="utf-8")
    rules = load_rules(toml)
    path.write_bytes(cluster_template_bytes(rules))
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Giao ước").to_python()
    assert covenant_from_rows(rows) == rules.covenant
    assert rules.covenant.next_chair() == "Cục Chính trị"
    assert rules.covenant.ballot.votes_for("cục kỹ thuật") == 3


def _as_toml(data: dict) -> str:
    import json

    def value(v: object) -> str:
        if isinstance(v, dict):  # an inline table
            return "{ " + ", ".join(f"{value(k)} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v, ensure_ascii=False)

    lines = ["[covenant]"]
    tables = []
    for key, v in data.items():
        if isinstance(v, dict):
            tables.append(f"[covenant.{key}]\n" + "\n".join(f"{k} = {value(x)}"
                                                              for k, x in v.items()))
        elif key != "criteria":
            lines.append(f"{key} = {value(v)}")
    for item in data["criteria"]:
        tables.append("[[covenant.criteria]]\n" + "\n".join(f"{k} = {value(x)}"
                                                             for k, x in item.items()))
    return "\n".join(lines) + "\n\n" + "\n\n".join(tables) + "\n"


def live_units() -> list[tuple[str, dict[str, float], int]]:
    """Ties at every level of the sample's tie-break (TC01, penalty, dvqt, vote)."""
    return [
        ("Đơn vị A", sample_scores(TC01=15, TC02=10.5), 0),   # 98: ahead on TC01
        ("Đơn vị B", sample_scores(TC01=14, TC02=11.5), 0),   # 98
        ("Đơn vị C", sample_scores(TC02=10.5, CG01=1, TR01=1), 0),  # 97: fewer penalty points
        ("Đơn vị D", sample_scores(TC02=10, CG01=3, TR01=2.5), 0),  # 97
        ("Đơn vị E", sample_scores(TC02=9.5), 2),             # 96: more DVQT
        ("Đơn vị G", sample_scores(TC02=9.5), 1),             # 96
        ("Đơn vị H", sample_scores(TC02=9, TR02=0.5, CG02=0.5), 1),  # 95 tied in full ...
        ("Đơn vị I", sample_scores(TC03=9.5, TR02=0.5, CG02=0.5, TC02=9.5), 1),  # ... with H
        ("Đơn vị K", sample_scores(TC01=10), 3),              # 93.5
    ]


def engine_ranks(rules, units) -> dict[str, int | None]:
    candidates = []
    for name, scores, dvqt in units:
        lines = [ScoreLine(row=i, code=c, self_score=Q(str(v))) for i, (c, v) in
                 enumerate(scores.items())]
        candidates.append(Candidate(name, name, score_unit(ScoreSheet(name, "x", tuple(lines)),
                                                           rules.covenant), dvqt))
    return {u.unit: u.rank for u in rank_units(candidates, rules.covenant).units}


@needs_libreoffice
def test_cluster_template_live_ranking_equals_the_engine(tmp_path, covenant_rules):
    units = live_units()
    expected = engine_ranks(covenant_rules, units)
    assert expected == {"Đơn vị A": 1, "Đơn vị B": 2, "Đơn vị C": 3, "Đơn vị D": 4,
                        "Đơn vị E": 5, "Đơn vị G": 6, "Đơn vị H": 7, "Đơn vị I": 7,
                        "Đơn vị K": 9}
    source = tmp_path / "cum.xlsx"
    # written in another order than the engine's: the file order must not matter
    live = [LiveUnit(n, s, d) for n, s, d in reversed(units)]
    source.write_bytes(cluster_template_bytes(covenant_rules, live))
    sheet = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)[
        "Xếp hạng"]
    at = layout_of(covenant_rules.covenant)
    got, notes = {}, {}
    for r in range(FIRST_UNIT_ROW + 1, FIRST_UNIT_ROW + 1 + len(units)):
        name = sheet.cell(r, 2).value
        got[name] = sheet.cell(r, at.rank + 1).value
        notes[name] = sheet.cell(r, at.note + 1).value
    assert got == expected
    assert notes["Đơn vị H"] and notes["Đơn vị I"] and not notes["Đơn vị A"]
    assert sheet.cell(FIRST_UNIT_ROW + 1 + len(units), at.rank + 1).value in (None, "")


# -- the cluster report --------------------------------------------------------------------------
def scored_unit(folder: Path, rules, name: str, scores: dict[str, float], cluster=None) -> None:
    data = UnitData(info={"unit": name, "cluster": "Cụm thi đua số 3", "period": "Năm 2024",
                          "headcount": 50, "subunits": 5},
                    individuals=[dict(full_name="Nguyễn Văn An", title="Chiến sĩ tiên tiến",
                                      members=10, present=10, agree=9)],
                    scores={c: {"self": v, **({"cluster": cluster[c]} if cluster and c in cluster
                                              else {})} for c, v in scores.items()})
    (folder / f"{name}.xlsx").write_bytes(unit_workbook_bytes(rules, data))


def test_report_ranking_sheet(tmp_path, covenant_rules):
    folder = tmp_path / "cum"
    folder.mkdir()
    mapping = sample_text().replace('rotation = []', 'rotation = ["Đơn vị A", "Đơn vị B", '
                                    '"Đơn vị C"]').replace('chair = ""', 'chair = "Đơn vị C"')
    (folder / "tdkt-rules.toml").write_text(mapping, encoding="utf-8")
    rules = cluster_rules(None, folder)
    scored_unit(folder, rules, "Đơn vị A", sample_scores(TC01=15, TC02=12), {"TC02": 10})
    scored_unit(folder, rules, "Đơn vị B", sample_scores(TC01=15, TC02=12))
    scored_unit(folder, rules, "Đơn vị C", sample_scores(TC01=16))  # above the maximum
    out = tmp_path / "out.xlsx"
    outcome = app.consolidate_folder(str(folder), str(out), rules)
    codes = {i.code for i in outcome.report.issues}
    assert "score_exceeds_max" in codes
    sheet = openpyxl.load_workbook(out)["Xếp hạng"]
    top = header_row(sheet, "Hạng")
    table = {row[1]: row for row in sheet.iter_rows(min_row=top + 1, max_row=top + 3,
                                                    values_only=True)}
    assert table["Đơn vị B"][:5] == (1, "Đơn vị B", 95, None, 95)
    assert table["Đơn vị B"][6] == "Cờ thi đua"
    assert table["Đơn vị A"][:5] == (2, "Đơn vị A", 95, 93, 93)
    assert table["Đơn vị A"][6] == "Bằng khen"
    assert table["Đơn vị C"][0] is None and "có lỗi" in table["Đơn vị C"][7]
    texts = [c.value for row in sheet.iter_rows(min_row=10, max_row=20) for c in row if c.value]
    assert any("năm tới" in str(t) and "Đơn vị A" in str(t) for t in texts)
    assert any("GIAO ƯỚC MẪU" in str(t) for t in texts)
    assert sheet._charts  # the bar chart of scores


def test_a_cluster_with_no_scores_at_all(tmp_path, rules):
    folder = tmp_path / "cum"
    folder.mkdir()
    data = UnitData(info={"unit": "Đơn vị A", "cluster": "Cụm", "period": "Năm 2024",
                          "headcount": 50})
    (folder / "a.xlsx").write_bytes(unit_workbook_bytes(rules, data))
    write_openpyxl(folder / "b.xlsx", unit_sheets())  # no "Chấm điểm" sheet at all
    out = tmp_path / "out.xlsx"
    outcome = app.consolidate_folder(str(folder), str(out), rules)
    assert outcome.exit_code == app.EXIT_OK, outcome.report.issues
    sheet = openpyxl.load_workbook(out)["Xếp hạng"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("Chưa có đơn vị nào có bảng chấm điểm" in t for t in texts)
    assert any("Chưa có giao ước" in t for t in texts)
    assert sum("Chưa có bảng chấm điểm" in t for t in texts) == 2
    assert not sheet._charts


def test_report_uses_each_cluster_folders_covenant(tmp_path, rules):
    root = tmp_path / "root"
    for name, covenant in (("cum-1", True), ("cum-2", False)):
        folder = root / name
        folder.mkdir(parents=True)
        if covenant:
            (folder / "tdkt-rules.toml").write_text(sample_text(), encoding="utf-8")
        local = cluster_rules(None, folder)
        assert (local.covenant is not None) == covenant
        scored_unit(folder, local, f"Đơn vị {name}", sample_scores())
    outcome = app.report_root(str(root), str(tmp_path / "out"), None, jobs=1)
    assert outcome.exit_code == app.EXIT_OK, outcome.report.issues
    with_cov = openpyxl.load_workbook(tmp_path / "out" / "cum-1.xlsx")["Xếp hạng"]
    assert any("(MẪU)" in t for t in top_texts(with_cov))
    rollup = openpyxl.load_workbook(tmp_path / "out" / app.ROLLUP_NAME)
    sheet = rollup["Đơn vị dẫn đầu"]
    leaders = [row for row in sheet.iter_rows(min_row=header_row(sheet, "STT") + 1,
                                              values_only=True) if row[0]]
    assert [(r[1], r[2]) for r in leaders] == [("Cụm thi đua số 3", "Đơn vị cum-1"),
                                               ("Cụm thi đua số 3", "Đơn vị cum-2")]



def test_a_broken_cluster_covenant_is_an_issue_of_that_cluster(tmp_path, rules):
    root = tmp_path / "root"
    for name in ("cum-1", "cum-2"):
        (root / name).mkdir(parents=True)
        scored_unit(root / name, rules, f"Đơn vị {name}", sample_scores())
    (root / "cum-1" / "tdkt-rules.toml").write_text(
        sample_text().replace("step = 0.5", "step = -1"), encoding="utf-8")
    outcome = app.report_root(str(root), str(tmp_path / "out"), None, jobs=1)
    bad = [i for i in outcome.report.issues if i.code == "unreadable_file"]
    assert len(bad) == 1 and bad[0].file.endswith("cum-1/tdkt-rules.toml")
    assert "covenant.step" in bad[0].message
    assert outcome.exit_code == app.EXIT_ERRORS
    assert (tmp_path / "out" / "cum-1.xlsx").is_file() and (tmp_path / "out" / "cum-2.xlsx").is_file()


def test_scores_and_ranks_are_kept_with_the_period_when_a_database_is_given(tmp_path):
    import shutil
    import sqlite3

    from addin.io import history_db as hdb
    from addin.io.covenant_file import cluster_rules

    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
    folder = tmp_path / "cum-3"
    shutil.copytree(demo / "cum-thi-dua-so-3", folder)
    db = str(tmp_path / "lich-su.sqlite")
    hdb.connect(db).close()  # an empty database of the current schema
    rules = cluster_rules(None, folder)
    app.consolidate_folder(str(folder), str(tmp_path / "a.xlsx"), rules, db=db)
    app.consolidate_folder(str(folder), str(tmp_path / "b.xlsx"), rules, db=db)  # replaces
    rows = sqlite3.connect(db).execute(
        "SELECT u.name, p.year_from, s.self_score, s.cluster_score, s.score_used, s.rank "
        "FROM scores s JOIN units u ON u.id = s.unit_id JOIN periods p ON p.id = s.period_id "
        "ORDER BY s.rank IS NULL, s.rank, u.name").fetchall()
    assert rows == [
        ("Ban CHQS huyện Lắk", 2024, 98.5, 98.0, 98.0, 1),
        ("Ban CHQS huyện Krông Ana", 2024, 94.0, None, 94.0, 2),
        ("Ban CHQS huyện Ea Kar", 2024, 94.0, None, 94.0, 3),
        ("Ban CHQS huyện M'Đrắk", 2024, 86.0, 85.5, 85.5, 4),
    ]
    # the period report shows each unit's rank by year
    from addin import history_app

    out = tmp_path / "ky.xlsx"
    history_app.period_report(db, 2023, 2024, None, str(out), rules)
    sheet = openpyxl.load_workbook(out)["Xếp hạng theo năm"]
    table = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]}
    assert table["Ban CHQS huyện Lắk"] == ("Cụm thi đua số 3", "Ban CHQS huyện Lắk", None, None,
                                          1, 98)
    assert table["Ban CHQS huyện Ea Kar"][4:] == (3, 94)


def test_report_stores_the_clusters_ranks_in_folder_order(tmp_path):
    """`tdkt report --db` ranked its clusters in two worker processes that each wrote their
    scores to the database as they finished: the rows' order (and the file's bytes) depended on
    which worker was faster. The workers only compute; the parent stores the clusters in folder
    order, so two runs give the same database."""
    import shutil
    import sqlite3

    from addin.io import history_db as hdb

    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
    root = tmp_path / "cac-cum"
    shutil.copytree(demo, root)
    copies = []
    for run in ("a", "b"):
        db = str(tmp_path / f"{run}.sqlite")
        hdb.connect(db).close()
        app.report_root(str(root), str(tmp_path / f"out-{run}"), None, jobs=2, db=db)
        conn = sqlite3.connect(db)
        try:
            order = [c for (c,) in conn.execute(
                "SELECT c.name FROM scores s JOIN clusters c ON c.id = s.cluster_id ORDER BY s.id")]
            names = [n for (n,) in conn.execute("SELECT name FROM clusters ORDER BY id")]
        finally:
            conn.close()
        assert order == ["Cụm thi đua số 3"] * 4 + ["Cụm thi đua số 5"] * 3
        assert names == ["Cụm thi đua số 3", "Cụm thi đua số 5"]
        copies.append(Path(db).read_bytes())
    assert copies[0] == copies[1]


def test_report_stores_every_clusters_ranks_through_one_connection(tmp_path, monkeypatch):
    """`tdkt report --db` opened the database once per cluster to store its ranks (the demo's
    two clusters: two connections for writing). It opens it once for the run, after the reports
    are committed, and stores the same rows."""
    import shutil
    import sqlite3

    from addin.io import history_db as hdb

    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
    root = tmp_path / "cac-cum"
    shutil.copytree(demo, root)
    db = str(tmp_path / "h.sqlite")
    hdb.connect(db).close()
    opened: list[tuple[str, bool]] = []
    connect = sqlite3.connect

    def counted(database, *args, **kwargs):
        opened.append((str(database), bool(kwargs.get("uri"))))  # uri: a read-only opening
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counted)
    app.report_root(str(root), str(tmp_path / "out"), None, jobs=1, db=db)
    monkeypatch.undo()
    assert [name for name, read_only in opened if not read_only] == [db]
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
    finally:
        conn.close()
    assert stored == 4 + 3


def test_no_ranks_are_kept_of_a_run_whose_report_was_not_written(tmp_path):
    """Ranks are stored once the reports stand: a consolidate or report whose output cannot be
    written ends with "nothing written" (exit 2) and leaves the database without its scores."""
    import shutil
    import sqlite3

    from addin.domain.errors import TdktError
    from addin.io import history_db as hdb

    demo = Path(__file__).resolve().parents[2] / "workbooks" / "demo"
    root = tmp_path / "cac-cum"
    shutil.copytree(demo, root)
    db = str(tmp_path / "h.sqlite")
    hdb.connect(db).close()
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    # The outputs' names are taken by folders: with --force, the run reads, judges and ranks
    # everything, then cannot put its files in place.
    (blocked / app.ROLLUP_NAME).mkdir()

    def scores() -> int:
        conn = sqlite3.connect(db)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0])
        finally:
            conn.close()

    with pytest.raises(TdktError):
        app.report_root(str(root), str(blocked), None, jobs=1, db=db, force=True)
    assert scores() == 0
    with pytest.raises(TdktError):
        app.consolidate_folder(str(root / "cum-thi-dua-so-3"), str(blocked / app.ROLLUP_NAME),
                               load_rules(None), force=True, db=db)
    assert scores() == 0
    app.consolidate_folder(str(root / "cum-thi-dua-so-3"), str(tmp_path / "ok.xlsx"),
                           load_rules(None), db=db)
    assert scores() == 4
