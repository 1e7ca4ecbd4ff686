"""The scoring fronts: TDKT_DIEM (a unit's total under the covenant) and the ribbon macro
"Xếp hạng cụm" run on the demo cluster through the file-based book."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from addin.io.cluster_template import cluster_template_bytes
from addin.io.covenant_file import sample_text
from addin.io.rules_file import load_rules
from addin.ranking_macro import RANKING_SHEET, rank_folder
from addin.udfs import TDKT_DIEM
from tests.file_book import FileBook

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3"
CODES = ["TC01", "TC02", "TC03", "TC04", "TC05", "TC06", "TC07", "TC08", "TC09", "TC10",
         "CG01", "CG02", "TR01", "TR02"]


class _Caller:
    """What xlwings passes as `caller`: a cell whose book sits in a folder."""

    def __init__(self, folder: Path) -> None:
        book = type("Book", (), {"fullname": str(folder / "don-vi.xlsx")})()
        self.sheet = type("Sheet", (), {"book": book})()


def test_tdkt_diem_totals_under_the_covenant(tmp_path):
    (tmp_path / "tdkt-rules.toml").write_text(sample_text(), encoding="utf-8")
    caller = _Caller(tmp_path)
    codes = [[c] for c in CODES]
    scores = [[v] for v in (15, 12, 10, 12, 10, 10, 8, 5, 10, 8, 3, 3, 4, 0)]
    assert TDKT_DIEM(codes, scores, caller=caller) == 100 + 5 - 4  # bonus 6 capped at 5
    reviewed = [[None]] * 13 + [[1.5]]
    assert TDKT_DIEM(codes, scores, reviewed, caller=caller) == 100 + 5 - 5.5
    scores[0] = [15.5]
    assert TDKT_DIEM(codes, scores, caller=caller).startswith("Lỗi: Điểm vượt điểm tối đa")
    assert TDKT_DIEM(codes[:3], scores, caller=caller).startswith("Lỗi")  # shapes differ
    assert TDKT_DIEM(codes, scores).startswith("Lỗi: chưa có giao ước")  # no covenant here


def test_xep_hang_cum_writes_the_ranking_into_the_open_workbook(tmp_path):
    folder = tmp_path / "cum"
    shutil.copytree(DEMO, folder)
    book_path = tmp_path / "cum.xlsx"
    book_path.write_bytes(cluster_template_bytes(load_rules(folder / "tdkt-rules.toml")))
    book = FileBook(book_path)
    assert rank_folder(book, folder) is not None
    rows = [list(r) for r in book.book[RANKING_SHEET].iter_rows(values_only=True)]
    header = rows.index(["Hạng", "Đơn vị", "Điểm tự chấm", "Điểm cụm chấm", "Điểm xếp hạng",
                         "Bằng điểm", "Đề nghị", "Căn cứ đề nghị", "Suy tôn"])
    table = [r for r in rows[header + 1:] if r[1]]
    assert [(r[0], r[1], r[4], r[6]) for r in table[:3]] == [
        (1, "Ban CHQS huyện Lắk", 98, "Cờ thi đua"),
        (2, "Ban CHQS huyện Krông Ana", 94, "Bằng khen"),
        (3, "Ban CHQS huyện Ea Kar", 94, "Bằng khen")]
    assert any("Giao ước" in str(r[0]) and "trang" in str(r[0]) for r in rows[:4])
    assert table[0][8].startswith("Được suy tôn: 5/5")  # the ballot typed on "Giao ước"

    # the chair edits the covenant on the sheet: one Bằng khen only -> Ea Kar drops out
    sheet = book.book["Giao ước"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "Số đơn vị đề nghị Bằng khen")
    sheet.cell(row, 2).value = 1
    rank_folder(book, folder)
    rows = [list(r) for r in book.book[RANKING_SHEET].iter_rows(values_only=True)]
    ea_kar = next(r for r in rows if r[1] == "Ban CHQS huyện Ea Kar")
    assert ea_kar[6] in ("", None) and "Ngoài số suất" in ea_kar[7]
    book.save()
    assert RANKING_SHEET in openpyxl.load_workbook(book_path).sheetnames


def test_a_broken_covenant_sheet_is_a_message_not_a_crash(tmp_path):
    book_path = tmp_path / "cum.xlsx"
    book_path.write_bytes(cluster_template_bytes(load_rules()))
    book = FileBook(book_path)
    sheet = book.book["Giao ước"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "Bước chấm điểm")
    sheet.cell(row, 2).value = "nửa"
    (tmp_path / "cum").mkdir()
    assert rank_folder(book, tmp_path / "cum") is None
    rows = [r[0] for r in book.book[RANKING_SHEET].iter_rows(values_only=True)]
    assert any(str(r).startswith("Lỗi giao ước thi đua: Giao ước.step") for r in rows)


REMOTE = r"""
import json, sys
import python_calamine, xlwings as xw
from addin.macros import xep_hang_cum

template, folder = sys.argv[1], sys.argv[2]
wb = python_calamine.CalamineWorkbook.from_path(template)
sheets = []
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False) or [[""]]
    width = max(len(r) for r in rows)
    sheets.append({"name": name, "pictures": [], "tables": [], "visibility": "Visible",
                   "values": [[("" if v is None else v) for v in r] + [""] * (width - len(r))
                              for r in rows]})
book = xw.Book(json={"client": "Microsoft Office Scripts", "version": xw.__version__,
                     "book": {"name": "cum.xlsx", "active_sheet_index": 0, "selection": "A1"},
                     "names": [], "sheets": sheets})
print(json.dumps({"sheet": xep_hang_cum(book, folder=folder), "actions": book.json()["actions"]},
                 ensure_ascii=False, default=str))
"""


def test_xep_hang_cum_through_xlwings_remote_engine(tmp_path):
    import json
    import os
    import subprocess
    import sys

    template = tmp_path / "cum.xlsx"
    template.write_bytes(cluster_template_bytes(load_rules(DEMO / "tdkt-rules.toml")))
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    result = subprocess.run([sys.executable, "-c", REMOTE, str(template), str(DEMO)], env=env,
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["sheet"] == RANKING_SHEET
    added = [a for a in out["actions"] if a["func"] == "addSheet"]
    assert added and RANKING_SHEET in json.dumps(added, ensure_ascii=False)
    values = next(a["values"] for a in out["actions"] if a["func"] == "setValues")
    ranked = [(r[0], r[1]) for r in values if r and r[0] not in ("", None) and r[1]]
    assert ("1", "Ban CHQS huyện Lắk") in {(str(int(a)) if isinstance(a, float) else str(a), b)
                                          for a, b in ranked}


def test_rules_show_prints_the_covenant():
    from click.testing import CliRunner

    from addin.cli import cli

    runner = CliRunner()
    local = str(DEMO / "tdkt-rules.toml")
    shown = runner.invoke(cli, ["rules", "show", "--rules", local])
    assert shown.exit_code == 0 and "Giao ước thi đua: Giao ước thi đua Cụm thi đua số 3" in (
        shown.output)
    assert "năm tới: Ban CHQS huyện Lắk" in shown.output
    data = runner.invoke(cli, ["rules", "show", "--rules", local, "--json"])
    import json

    covenant = json.loads(data.output)["covenant"]
    assert covenant["next_chair"] == "Ban CHQS huyện Lắk" and len(covenant["criteria"]) == 14
    assert json.loads(runner.invoke(cli, ["rules", "show", "--json"]).output)["covenant"] is None
