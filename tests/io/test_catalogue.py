"""The full title catalogue end to end: every title can be proposed through the unit template
(its "Kết quả" formula knows each one, recalculated in LibreOffice), is recognised in its common
spellings, counted by consolidate, and the report groups titles and commendation forms."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from addin import app
from addin.cli import cli
from addin.domain.validation import validate_unit
from addin.io.libreoffice import convert
from addin.io.reader import read_unit_workbook
from addin.io.unit_template import UnitData, unit_workbook_bytes
from tests.conftest import collective, needs_libreoffice, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row

PASSING_VOTE = {"members": 10, "present": 10, "agree": 10}
SOUND_COLLECTIVE = {"headcount": 20, "cstt": 18, "cstdcs": 2, "disciplined": 0}
# Common spellings that are not listed one by one in the rules book: abbreviations expanded,
# prefixes, no diacritics, other case (engine recognition).
TYPED = {
    "CSTT": "Chiến sỹ tiên tiến", "LDTT": "LĐTT", "CSTDCS": "CSTĐ cơ sở",
    "CSTDTQ": "CS thi đua toàn quân", "CSTDTQG": "chien si thi dua toan quoc",
    "DVTT": "ĐVTT", "TTLDTT": "TTLĐTT", "DVQT": "ĐƠN VỊ QUYẾT THẮNG", "TTLDXS": "TTLĐXS",
    "CTD": "Cờ thi đua của Quân khu 5", "CTDBQP": "Cờ TĐ BQP", "CTDCP": "Cờ TĐ CP",
    "VMTDMMTB": "VMTD MMTB", "DVHLG": "ĐVHLG", "DVVHTB": "ĐV văn hóa tiêu biểu",
}
TYPED_FORMS = ["BK BQP", "BK TTg", "GK", "Huân chương Chiến công hạng Ba",
               "Bằng khen của Tư lệnh Quân khu 5", "Bằng khen của Hội Cựu chiến binh huyện"]


def _rows(rules, spellings_of) -> tuple[list[dict], list[dict]]:
    people, units = [], []
    for code, title in rules.titles.items():
        for k, text in enumerate(spellings_of(code, title)):
            if title.kind == "individual":
                people.append({"full_name": f"Người {code} {k}", "title": text,
                               "initiative": "Sáng kiến", "streak": 3, **PASSING_VOTE})
            else:
                units.append({"name": f"Tập thể {code} {k}", "title": text, **SOUND_COLLECTIVE,
                              **PASSING_VOTE})
    for seq, row in enumerate(people + units, start=1):
        row["seq"] = seq
    return people, units


def _unit(rules, name: str, spellings_of, forms: list[str]) -> UnitData:
    people, units = _rows(rules, spellings_of)
    info = {"unit": name, "cluster": "Cụm thử danh mục", "period": "Năm 2024",
            "headcount": 1000, "subunits": 200, "prepared_on": "15/12/2024"}
    lines = [{"seq": i, "form": form, "kind": "Thường xuyên", "collectives": 1, "individuals": 2}
             for i, form in enumerate(forms, start=1)]
    return UnitData(info=info, individuals=people, collectives=units, commendations=lines)


def _listed(code, title) -> list[str]:
    """Every spelling the template's look-up lists: code, name, synonyms."""
    return [code, title.name, *title.synonyms]


@needs_libreoffice
def test_every_title_can_be_proposed_through_the_template(tmp_path, rules):
    data = _unit(rules, "Đơn vị A", _listed, [f.name for f in rules.forms.values()])
    source = tmp_path / "a.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, data, cached=False))  # nothing precomputed
    book = read_unit_workbook(source)
    book = validate_unit(book, rules).book
    recalculated = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)
    seen = set()
    for sheet_name, noms, result_col in (("Cá nhân", book.individuals, "K"),
                                         ("Tập thể", book.collectives, "L")):
        for nom in noms:
            assert nom.title is not None and nom.passed, (nom.title_text, nom.issues)
            assert recalculated[sheet_name][f"{result_col}{nom.row}"].value == "Đạt", (
                nom.title_text)
            seen.add(nom.title)
    assert seen == set(rules.titles)
    # consolidate counts each of them (the LibreOffice-recalculated copy, as a unit would send it)
    folder = tmp_path / "cum"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes((tmp_path / "lo" / "a.xlsx").read_bytes())
    outcome = app.consolidate_folder(str(folder), str(tmp_path / "r.xlsx"), rules, "20/12/2024")
    assert {i.code for i in outcome.report.issues} <= {"quota_exceeded"}
    assert {code: n.passed for code, n in outcome.report.by_title.items()} == {
        code: len(_listed(code, t)) for code, t in rules.titles.items()}
    # The dropdowns offer every title of its kind, and every form.
    lists = recalculated["Danh mục"]
    offered = {c.value for row in lists.iter_rows(min_row=2) for c in row[:2] if c.value}
    assert {t.name for t in rules.titles.values()} <= offered
    forms = {c.value for c in lists["F"][1:] if c.value}
    assert forms == {f.name for f in rules.forms.values()}


def test_a_cluster_proposing_every_title_in_common_spellings_is_counted_and_grouped(tmp_path,
                                                                                    rules):
    folder = tmp_path / "cum"
    folder.mkdir()
    named = _unit(rules, "Đơn vị A", _listed, [f.name for f in rules.forms.values()])
    typed = _unit(rules, "Đơn vị B", lambda code, _t: [TYPED[code]], TYPED_FORMS)
    (folder / "a.xlsx").write_bytes(unit_workbook_bytes(rules, named))
    (folder / "b.xlsx").write_bytes(unit_workbook_bytes(rules, typed))
    out = tmp_path / "bao-cao.xlsx"
    outcome = app.consolidate_folder(str(folder), str(out), rules, "20/12/2024")
    payload = outcome.report.to_json()
    codes = {i["code"] for i in payload["issues"]}
    assert "unknown_title" not in codes and "wrong_title_kind" not in codes
    assert [i["code"] for i in payload["issues"] if i["code"] == "unknown_form"] == [
        "unknown_form"]  # the one form of no catalogue, kept and reported
    # Every error left is the one-flag-per-cluster quota: several units proposed a Cờ thi đua.
    errors = [i for i in payload["issues"] if i["severity"] == "error"]
    assert errors and all(i["code"] == "quota_exceeded"
                          and i["message"].startswith(f"Vượt tỷ lệ xét tặng: {rules.title('CTD').name},")
                          for i in errors)
    assert set(payload["by_title"]) == set(rules.titles)
    for code, counts in payload["by_title"].items():
        listed = len(_listed(code, rules.title(code)))
        assert counts == {"proposed": listed + 1, "passed": listed + 1}, code

    report = openpyxl.load_workbook(out)
    heads = [c.value for c in report["Tổng hợp"][header_row(report["Tổng hợp"], "STT")]
             if c.value]
    assert [h for h in heads if h in {t.name for t in rules.titles.values()}] == [
        t.name for t in rules.titles.values()]  # every title, in catalogue order
    sheet = report["Khen thưởng"]
    lines = []
    # the totals, down to "Tổng cộng" (details below)
    for row in sheet.iter_rows(min_row=header_row(sheet, "STT") + 1):
        if row[0].value == "Tổng cộng":
            break
        lines.append([c.value for c in row])
    by_code = {line[8]: line for line in lines}
    assert list(by_code) == [*rules.forms, "?"]  # catalogue order, the unknown form last
    assert by_code["BKBQP"][1] == "Bằng khen của Bộ trưởng Bộ Quốc phòng"
    assert by_code["BKBQP"][5] == 4 and by_code["BKBQP"][6] == 2  # A's name + B's "BK BQP"
    assert "BK BQP" in by_code["BKBQP"][7]
    assert by_code["?"][1] == "Bằng khen của Hội Cựu chiến binh huyện"
    assert sum(line[5] for line in lines) == 2 * (len(rules.forms) + len(TYPED_FORMS))


def test_one_collective_carries_titles_awarded_alongside(tmp_path, rules):
    """Two rows, same collective, different families: no duplicate, neither counts toward the
    other's quota. Two Đơn vị Quyết thắng-family rows over the limit do."""
    rows = [collective(name="Tiểu đoàn 1", title=t) for t in
            ("Đơn vị Quyết thắng", "Đơn vị huấn luyện giỏi", "ĐVVHTB", "VMTD MMTB")]
    info = [["Đơn vị", "Trung đoàn 9"], ["Cụm thi đua", "Cụm 1"], ["Kỳ báo cáo", "Năm 2024"],
            ["Quân số", 400], ["Số đầu mối", 5]]  # DVQT quota: floor(5 × 20%) = 1
    book = read_unit_workbook(write_openpyxl(tmp_path / "u.xlsx",
                                             unit_sheets(collectives=rows, info=info)))
    book, found = validate_unit(book, rules)
    checks = {c.quota_id: c for c in found}
    assert book.all_issues() == []
    assert [n.title for n in book.collectives if n.passed] == ["DVQT", "DVHLG", "DVVHTB",
                                                               "VMTDMMTB"]
    assert (checks["DVQT"].limit, checks["DVQT"].counted, checks["DVQT"].ok) == (1, 1, True)

    rows.append(collective(name="Tiểu đoàn 2", title="Cờ TĐ BQP"))
    book = read_unit_workbook(write_openpyxl(tmp_path / "v.xlsx",
                                             unit_sheets(collectives=rows, info=info)))
    book, found = validate_unit(book, rules)
    checks = {c.quota_id: c for c in found}
    assert checks["DVQT"].counted == 2 and checks["DVQT"].ok is False
    assert [str(i.code) for i in book.all_issues()] == ["quota_exceeded"]


def test_rules_show_prints_the_catalogue(rules):
    result = CliRunner().invoke(cli, ["rules", "show"])
    assert result.exit_code == 0
    for title in rules.titles.values():
        assert title.name in result.output
    for form in rules.forms.values():
        assert form.name in result.output
    chain = ("DVTT", "DVQT", "CTD", "CTDBQP", "CTDCP")  # by name where a person reads it
    assert " → ".join(rules.titles[c].name for c in chain) in result.output
    parsed = json.loads(CliRunner().invoke(cli, ["rules", "show", "--json"]).output)
    assert {f["code"] for f in parsed["forms"]} == set(rules.forms)
    assert {t["code"]: t["family"] for t in parsed["titles"]}["DVHLG"] == "huan-luyen"
