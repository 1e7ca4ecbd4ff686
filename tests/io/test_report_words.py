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
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    over = [c for c in cells if c.startswith("Vượt")]
    assert over and all("Chiến sĩ thi đua cơ sở" in c for c in over), over
    assert not any(re.search(r"\bCSTD(CS|TQ|TQG)?\b", c) for c in over), over
