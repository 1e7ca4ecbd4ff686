"""The unit template stays right when staff fill it beyond its prefilled rows, move the
"Thông tin" rows, or type titles their own way: recalculated in LibreOffice, compared with the
engine."""

from __future__ import annotations

import openpyxl
import pytest

from addin.domain.spellings import lookup_spellings
from addin.domain.titles import recognise_title
from addin.domain.validation import validate_unit
from addin.io.libreoffice import convert
from addin.io.reader import read_unit_workbook
from addin.io.unit_template import INDIVIDUAL_COLUMNS, TEMPLATE_ROWS, UnitData, unit_workbook_bytes
from tests.conftest import needs_libreoffice
from tests.sheet_rows import swap_info_rows

INFO = {"unit": "Trung đoàn 584", "cluster": "Cụm 1", "period": "Năm 2024", "headcount": 6000,
        "subunits": 12}
CODE_COL = INDIVIDUAL_COLUMNS.__len__() + 1  # the hidden "Mã danh hiệu" helper (1-based)


def _quota_rows(sheet) -> dict[str, tuple]:
    rows = {}
    for row in sheet.iter_rows(min_row=10, max_row=25):
        label = str(row[0].value or "")
        if label.endswith(")") and "(" in label:
            rows[label.rsplit("(", 1)[1].rstrip(")")] = tuple(c.value for c in row[3:7])
    return rows


@needs_libreoffice
@pytest.mark.libreoffice
def test_quota_lines_count_every_filled_row(tmp_path, rules):
    people = [dict(full_name=f"Người {i}", title="Chiến sĩ tiên tiến", members=10, present=10,
                   agree=6) for i in range(2000)]
    assert len(people) > TEMPLATE_ROWS
    source = tmp_path / "big.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people),
                                           cached=False))
    checks = {c.quota_id: c for c in validate_unit(read_unit_workbook(source), rules).quota_checks}
    recalculated = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"), data_only=True)
    lines = _quota_rows(recalculated["Thông tin"])
    assert checks["CSTT"].counted == 2000
    assert lines["CSTT"] == (6000, checks["CSTT"].limit, 2000, checks["CSTT"].headroom)


@needs_libreoffice
@pytest.mark.libreoffice
def test_template_follows_moved_thong_tin_rows(tmp_path, rules):
    people = [dict(full_name="Nguyễn Văn An", title="Chiến sĩ tiên tiến", members=10, present=10,
                   agree=6)]
    source = tmp_path / "t.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people)))
    book = openpyxl.load_workbook(source)
    swap_info_rows(book["Thông tin"])
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    assert read_unit_workbook(moved).info.headcount == 6000  # the engine reads by label
    recalculated = openpyxl.load_workbook(convert(moved, tmp_path / "lo", "xlsx"), data_only=True)
    assert recalculated["Cá nhân"]["A2"].value == "Đơn vị: Trung đoàn 584  —  Kỳ: Năm 2024"
    lines = _quota_rows(recalculated["Thông tin"])
    assert lines["CSTT"][:2] == (6000, 2400)
    assert lines["DVQT"][:2] == (12, 2)


# What staff type: the rules book's spellings, typed without diacritics, abbreviated, in other
# case, with doubled, leading and non-breaking spaces or a line break; and a few that name no
# title. The engine decides; the template must agree on every one.
TYPED = ["chien si tien tien", "CSTĐ  cơ sở", "Chiến sỹ thi đua cơ sở", "cstdcs", "CSTĐCS",
         "CS thi dua co so", "ĐƠN VỊ QUYẾT THẮNG", "don vi tien tien", "Lao dong tien tien",
         "  CSTĐ toàn quân ", "Cờ thi đua", "CHIẾN SỸ TIÊN TIẾN", "ĐVQT", "dvtt", "LĐTT",
         "Chiến\u00a0sĩ tiên tiến", "Chiến sĩ\nthi đua cơ sở", "Tập thể lao động xuất sắc",
         "Giỏi", "Chiến sĩ", "Đơn vị", "Chiến sĩ thi đua"]


def _corpus(rules) -> list[str]:
    generated = [text for text, _ in lookup_spellings(rules)]
    odd = [f"  {t.upper()}  " for t in generated[::3]] + [t.replace(" ", "  ", 1)
                                                        for t in generated[1::3]]
    return TYPED + generated + odd


@needs_libreoffice
@pytest.mark.libreoffice
def test_template_and_engine_recognise_the_same_spellings(tmp_path, rules):
    spellings = _corpus(rules)
    people = [dict(full_name=f"Người {i}", title=text, members=10, present=10, agree=6)
              for i, text in enumerate(spellings)]
    source = tmp_path / "s.xlsx"
    source.write_bytes(unit_workbook_bytes(rules, UnitData(info=INFO, individuals=people),
                                           cached=False))
    sheet = openpyxl.load_workbook(convert(source, tmp_path / "lo", "xlsx"),
                                   data_only=True)["Cá nhân"]
    template = [sheet.cell(5 + i, CODE_COL).value for i in range(len(spellings))]
    engine = [recognise_title(text, rules) or "?" for text in spellings]
    disagree = [(s, t, e) for s, t, e in zip(spellings, template, engine, strict=True) if t != e]
    assert disagree == []
    assert sum(e != "?" for e in engine) > 150  # the corpus is mostly real titles
