"""Title names, not codes, where a person reads the report and the template (issue 13 §2)."""

from __future__ import annotations

import re

import openpyxl

from addin import app
from tests.conftest import person, unit_sheets, write_openpyxl


def test_page_one_names_the_exceeded_titles(tmp_path, rules):
    folder = tmp_path / "cum-3"
    folder.mkdir()
    people = [person(name=f"Nguyễn Văn {i}", seq=i, title="Chiến sĩ thi đua cơ sở",
                     initiative="Sáng kiến", agree=9) for i in range(1, 9)]  # 8 > 10 % of 60
    write_openpyxl(folder / "don-vi.xlsx", unit_sheets(people))
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(folder), str(out), rules, date="20/11/2026")
    book = openpyxl.load_workbook(out, read_only=True)
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row
             if v is not None]
    book.close()
    over = [c for c in cells if c.startswith("Vượt")]
    assert over and all("Chiến sĩ thi đua cơ sở" in c for c in over), over
    assert not any(re.search(r"\bCSTD(CS|TQ|TQG)?\b", c) for c in over), over


def test_the_template_rules_sheet_reads_in_words(tmp_path, rules):
    from addin.io.unit_template import RULES_SHEET, unit_workbook_bytes

    path = tmp_path / "mau.xlsx"
    path.write_bytes(unit_workbook_bytes(rules))
    sheet = openpyxl.load_workbook(path)[RULES_SHEET]
    header = [c.value for c in sheet[4]]
    hidden = {c - 1 for d in sheet.column_dimensions.values() if d.hidden
              for c in range(d.min, d.max + 1)}  # a <col> element may span several columns
    shown = [c for c, h in enumerate(header) if h and c not in hidden]
    shown_text = [str(sheet.cell(r, c + 1).value) for r in range(4, sheet.max_row + 1)
                  for c in shown if sheet.cell(r, c + 1).value is not None]
    assert not any(">=" in t or "(1/0)" in t or t in ("0", "1") for t in shown_text), shown_text
    assert any("từ 70 % số có mặt trở lên" in t for t in shown_text)
    assert "Chiến sĩ thi đua cơ sở" in shown_text and "CSTDCS" not in shown_text
    # the formulas' integer twins are still there, hidden
    assert {"Ngưỡng (tử)", "Cần sáng kiến (1/0)", "Mã"} <= set(header)
