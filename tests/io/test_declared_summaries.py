"""The summary sheets are declared (addin.io.sheet_spec): the cluster report's "Tổng hợp", the
roll-up's "Theo danh hiệu" and the cluster template's live "Xếp hạng" are written from one
declaration of their columns each, so what is read back is that declaration, column by column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from addin.app import report_root
from addin.domain import labels as L
from addin.io.cluster_template import cluster_template_bytes
from addin.io.covenant_file import sample_covenant, sample_text
from addin.io.live_ranking import HEADER_ROW, SHEET_LIVE, layout_of, live_columns
from addin.io.report import SUMMARY_FIXED, SUMMARY_TAIL, shown_titles, summary_columns
from addin.io.rollup import by_title_columns
from addin.io.rules_file import load_rules
from addin.io.sheet_spec import Column
from tests.conftest import collective, person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row

RULES = load_rules()


def _band(columns: tuple[Column, ...]) -> tuple[list[object], list[object]]:
    """The two header rows a band of `columns` shows (a merged cell reads as its first)."""
    top: list[object] = []
    below: list[object] = []
    for c, column in enumerate(columns):
        if not column.group:
            top.append(column.header)
            below.append(None)
            continue
        starts = c == 0 or columns[c - 1].group != column.group
        top.append(column.group if starts else None)
        below.append(column.header)
    return top, below


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("declared")
    for c, cluster in enumerate(("Cụm 1", "Cụm 2")):
        folder = root / "in" / f"cum-{c}"
        folder.mkdir(parents=True)
        for k in range(2):
            info = [["Đơn vị", f"Đơn vị {c}-{k}"], ["Cụm thi đua", cluster],
                    ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 30 + k]]
            people = [person(name=f"Người {c}-{k}-{i}", seq=i, agree=7) for i in range(3)]
            people.append(person(name=f"Người {c}-{k} CS", title="CSTĐ cơ sở", agree=9,
                                 initiative="Sáng kiến"))
            write_openpyxl(folder / f"u{k}.xlsx", unit_sheets(
                people, [collective(name=f"Đội {k}")], info=info))
    report_root(str(root / "in"), str(root / "out"), None, jobs=1, date="20/11/2026")
    return root


def test_the_cluster_summary_is_its_declaration(root: Path) -> None:
    path = root / "out" / "cum-0.xlsx"
    sheet = openpyxl.load_workbook(path)[L.SHEET_SUMMARY]
    titles = shown_titles(RULES, ("CSTT", "CSTDCS", "DVTT"))
    columns = summary_columns(titles)
    assert columns[:len(SUMMARY_FIXED)] == SUMMARY_FIXED
    assert columns[-len(SUMMARY_TAIL):] == SUMMARY_TAIL
    assert [c.header for c in columns if c.group] == [L.PROPOSED, L.PASSED] * len(titles)
    top = header_row(sheet, "STT")
    rows = [[cell.value for cell in row][:len(columns)]
            for row in sheet.iter_rows(min_row=top, max_row=top + 3)]
    assert (rows[0], rows[1]) == _band(columns)
    values = dict(zip((c.key for c in columns), rows[2], strict=True))
    assert (values["unit"], values["file"], values["headcount"]) == ("Đơn vị 0-0", "u0.xlsx", 30)
    assert (values["proposed:CSTT"], values["passed:CSTT"]) == (3, 3)
    assert (values["proposed:CSTDCS"], values["passed:CSTDCS"]) == (1, 1)
    assert values["quota"] and values["errors"] == 0


def test_the_rollup_by_title_is_its_declaration(root: Path) -> None:
    sheet = openpyxl.load_workbook(root / "out" / "tong-hop-cac-cum.xlsx")["Theo danh hiệu"]
    columns = by_title_columns(shown_titles(RULES, ("CSTT", "CSTDCS", "DVTT")))
    top = header_row(sheet, columns[0].header)
    rows = [[cell.value for cell in row][:len(columns)]
            for row in sheet.iter_rows(min_row=top, max_row=top + 3)]
    assert (rows[0], rows[1]) == _band(columns)
    values = dict(zip((c.key for c in columns), rows[2], strict=True))
    assert values["cluster"] == "Cụm 1"
    assert (values["proposed:CSTT"], values["passed:CSTDCS"]) == (6, 2)


def test_the_live_ranking_is_its_declaration(tmp_path: Path) -> None:
    rules_path = tmp_path / "tdkt-rules.toml"
    rules_path.write_text(sample_text(), encoding="utf-8")
    path = tmp_path / "mau-cum.xlsx"
    path.write_bytes(cluster_template_bytes(load_rules(rules_path)))
    covenant = sample_covenant()
    columns = live_columns(covenant)
    sheet = openpyxl.load_workbook(path)[SHEET_LIVE]
    headers = [cell.value for cell in sheet[HEADER_ROW + 1]][:len(columns)]
    at = layout_of(covenant)
    for column, header in zip(columns, headers, strict=True):
        if column.key.startswith("criterion:"):  # the code, read off "Giao ước" by a formula
            assert str(header).startswith(f"='{L.SHEET_COVENANT}'!A")
        else:
            assert header == column.header
    assert [columns[at.criteria[c.code]].header for c in covenant.criteria] == [
        c.code for c in covenant.criteria]
    keys = [c.key for c in columns]
    assert (at.rank, at.dvqt, at.total, at.note) == tuple(
        keys.index(k) for k in ("rank", "dvqt", "total", "note"))
    dims = sheet.column_dimensions
    assert dims[openpyxl.utils.get_column_letter(at.penalty_key + 1)].hidden
    assert not dims[openpyxl.utils.get_column_letter(at.note + 1)].hidden
