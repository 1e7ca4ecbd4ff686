"""The ribbon macros: end to end on real workbooks through the file-based book, and through
xlwings' own remote (JSON) engine, asserting the actions it would send to Excel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from addin.macros import CHECK_SHEET, MARK_COLORS, SUMMARY_SHEET, check_workbook, tong_hop_cum, write_summary
from tests.file_book import FileBook

ROOT = Path(__file__).resolve().parents[1]
EA_KAR = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3" / "ban-chqs-ea-kar.xlsx"


def test_check_marks_cells_links_them_and_clears_old_marks(tmp_path):
    path = tmp_path / "ea-kar.xlsx"
    shutil.copy(EA_KAR, path)
    book = FileBook(path)
    original = book.cell_color("Cá nhân", "I9")
    issues = check_workbook(book)
    assert {str(i.code) for i in issues} == {"agree_exceeds_present", "prerequisite_missing"}
    assert book.cell_color("Cá nhân", "I9") == MARK_COLORS["error"]
    assert book.cell_color("Cá nhân", "L6") == MARK_COLORS["error"]
    book.save()

    reopened = openpyxl.load_workbook(path)
    sheet = reopened[CHECK_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("STT", "Trang", "Ô", "Mã lỗi", "Mức độ", "Nội dung")
    assert {r[3] for r in rows[1:]} == {"agree_exceeds_present", "prerequisite_missing"}
    link_cells = [c for c in sheet["C"][1:] if c.hyperlink]
    # One link per marked cell, each to its own cell of the sheet (an internal "#…" target).
    assert sorted((c.value, c.hyperlink.location or c.hyperlink.target) for c in link_cells) == [
        ("I9", "#'Cá nhân'!I9"), ("L6", "#'Cá nhân'!L6")]

    # the user fixes the vote count: the next run clears the old mark and restores the colour
    fixed = FileBook(path)
    fixed.book["Cá nhân"]["I9"].value = 10
    issues = check_workbook(fixed)
    assert {str(i.code) for i in issues} == {"prerequisite_missing"}
    assert fixed.cell_color("Cá nhân", "I9") == original
    assert fixed.cell_color("Cá nhân", "L6") == MARK_COLORS["error"]


def test_check_text_is_never_a_formula(tmp_path):
    path = tmp_path / "inj.xlsx"
    shutil.copy(EA_KAR, path)
    book = FileBook(path)
    book.book["Cá nhân"]["F5"].value = "=cmd|' /C calc'!A0"
    book.book["Cá nhân"]["F5"].data_type = "s"
    check_workbook(book)
    book.save()
    sheet = openpyxl.load_workbook(path)[CHECK_SHEET]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
             and "cmd|" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_summary_sheet(tmp_path):
    path = tmp_path / "s.xlsx"
    shutil.copy(EA_KAR, path)
    book = FileBook(path)
    unit = write_summary(book)
    book.save()
    rows = list(openpyxl.load_workbook(path)[SUMMARY_SHEET].iter_rows(values_only=True))
    cstt = next(r for r in rows if r[0] == "CSTT")
    proposed = sum(1 for n in unit.nominations if n.title == "CSTT")
    assert cstt[2] == proposed and cstt[3] == sum(1 for n in unit.nominations
                                                  if n.title == "CSTT" and n.passed)
    quota = next(r for r in rows if r[0] == "CSTDCS" and r[2] == "10%")
    assert quota[4] == unit.info.headcount // 10


def test_cluster_macro_with_a_given_folder(tmp_path):
    folder = tmp_path / "cum-3"
    shutil.copytree(EA_KAR.parent, folder)
    output = tong_hop_cum(book=object(), folder=str(folder))
    assert output == str(tmp_path / "Tong-hop-cum-3.xlsx")
    assert openpyxl.load_workbook(output).sheetnames[0] == "Tổng hợp"


REMOTE_SCRIPT = r"""
import json, sys
import python_calamine, xlwings as xw
from addin.macros import XlwingsBook, check_workbook, write_summary

path = sys.argv[1]
wb = python_calamine.CalamineWorkbook.from_path(path)
sheets = []
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    width = max((len(r) for r in rows), default=1)
    values = [[("" if v is None else v) for v in r] + [""] * (width - len(r)) for r in rows] or [[""]]
    sheets.append({"name": name, "values": values, "pictures": [], "tables": [],
                   "visibility": "Visible"})
payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
           "book": {"name": "ea-kar.xlsx", "active_sheet_index": 0, "selection": "A1"},
           "names": [], "sheets": sheets}
book = xw.Book(json=payload)
issues = check_workbook(XlwingsBook(book))
write_summary(XlwingsBook(book))
print(json.dumps({"issues": sorted({str(i.code) for i in issues}),
                  "actions": book.json()["actions"]}, ensure_ascii=False, default=str))
"""


def test_macros_through_xlwings_remote_engine(tmp_path):
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    result = subprocess.run([sys.executable, "-c", REMOTE_SCRIPT, str(EA_KAR)], env=env,
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["issues"] == ["agree_exceeds_present", "prerequisite_missing"]
    actions = out["actions"]
    funcs = [a["func"] for a in actions]
    assert "addSheet" in funcs and "setValues" in funcs and "addHyperlink" in funcs
    colors = [a for a in actions if a["func"] == "setRangeColor"]
    assert {(a["sheet_position"], a["start_row"], a["start_column"]) for a in colors} >= {
        (2, 8, 8), (2, 5, 11)}  # Cá nhân!I9 and L6 (0-based row/column)
    assert all(a["args"][0].upper() == MARK_COLORS["error"] for a in colors)
    written = [a for a in actions if a["func"] == "setValues"]
    check_values = written[0]["values"]
    assert check_values[0][:3] == ["STT", "Trang", "Ô"]
    assert {row[3] for row in check_values[1:]} == {"agree_exceeds_present",
                                                    "prerequisite_missing"}
    links = [a for a in actions if a["func"] == "addHyperlink"]
    assert any("'Cá nhân'!I9" in a["args"][0] for a in links)
    summary = written[-1]["values"]
    assert summary[0][0] == "TỔNG HỢP ĐỀ NGHỊ DANH HIỆU THI ĐUA"


def test_bookkeeping_columns_are_hidden(tmp_path):
    path = tmp_path / "h.xlsx"
    shutil.copy(EA_KAR, path)
    book = FileBook(path)
    check_workbook(book)
    book.save()
    sheet = openpyxl.load_workbook(path)[CHECK_SHEET]
    assert [sheet.column_dimensions[c].hidden for c in "FGHI"] == [False, True, True, True]
