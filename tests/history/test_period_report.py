"""The period report: cells, charts, byte-identical output, rendered by LibreOffice to PDF."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from addin import history_app as happ
from addin.domain.rules import Rules
from addin.io.libreoffice import convert
from tests.conftest import needs_libreoffice
from tests.history.builders import P, unit_file


@pytest.fixture()
def db(tmp_path: Path, rules: Rules) -> Path:
    """Unit A every year 2014–2024 (An CSTDCS each year, Ban Tham mưu DVQT each year);
    unit B: Cường CSTDCS in odd years; a 6-month report of A in 2024; B in another cluster."""
    for y in range(2014, 2025):
        unit_file(tmp_path / "in" / f"a-{y}.xlsx", "Đơn vị A", f"Năm {y}",
                  [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình")],
                  [("Ban Tham mưu", "DVQT")])
        unit_file(tmp_path / "in" / f"b-{y}.xlsx", "Đơn vị B", f"Năm {y}",
                  [P("Trần Văn Cường", "CSTDCS" if y % 2 else "CSTT"), P("Lê Văn Dũng"),
                   P("Hồ Văn Em", agree=3)],  # a failed vote: proposed, not passed
                  [("Ban Hậu cần", "DVQT" if y != 2020 else "DVTT")], cluster="Cụm thi đua số 2")
    unit_file(tmp_path / "in" / "a-2024-h1.xlsx", "Đơn vị A", "6 tháng đầu năm 2024",
              [P("Nguyễn Văn An", "CSTDCS", "SH-1")])
    path = tmp_path / "ls.sqlite"
    assert happ.import_paths([str(tmp_path / "in")], str(path), rules).exit_code == 0
    return path


def values(ws) -> list[list[object]]:  # noqa: ANN001
    return [[c.value for c in row] for row in ws.iter_rows()]


def find_row(ws, *texts: str) -> list[object]:  # noqa: ANN001
    for row in values(ws):
        if all(t in row for t in texts):
            return row
    raise AssertionError(f"no row with {texts}")


def test_congress_report_cells(tmp_path: Path, db: Path, rules: Rules) -> None:
    out = tmp_path / "dai-hoi.xlsx"
    report = happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    assert report.figures.nominations == 6 * (2 + 1 + 3 + 1)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "So sánh giai đoạn", "Khen thưởng",
                             "Điển hình tiên tiến", "Biểu đồ", "Xếp hạng theo năm"]
    titles = wb["Tổng hợp"]
    assert find_row(titles, "Số đạt")[2] == "Số đạt"
    assert find_row(titles, "2019", "2024")[2:9] == ["2019", "2020", "2021", "2022", "2023",
                                                     "2024", "Cộng"]
    # CSTT passed: A's Bình every year + B's Dũng every year + Cường in even years (3).
    cstt = find_row(titles, "Chiến sĩ tiên tiến")
    assert cstt[2:9] == [2, 3, 2, 3, 2, 3, 15]
    assert cstt[9:16] == [3, 4, 3, 4, 3, 4, 21]  # proposed: Em's failed vote too
    units = wb["Theo đơn vị"]
    b_cstdcs = find_row(units, "Đơn vị B", "Chiến sĩ thi đua cơ sở")
    assert b_cstdcs[3:10] == [1, 0, 1, 0, 1, 0, 3]
    compare = wb["So sánh giai đoạn"]
    assert "Đạt giai đoạn 2013–2018" in find_row(compare, "STT")
    dvqt = find_row(compare, "Đơn vị Quyết thắng")
    assert dvqt[2:7] == [11, 11, 10, 10, 1]  # 2013 is not in the database: 5 + 5 before
    commend = wb["Khen thưởng"]
    assert find_row(commend, "Giấy khen", "Đơn vị")[3:10] == [4, 4, 4, 4, 4, 4, 24]
    models = values(wb["Điển hình tiên tiến"])
    names = [r[1] for r in models]
    assert "Nguyễn Văn An" in names and "Trần Văn Cường" in names  # 6 and 3 years
    assert "Ban Tham mưu" in names and "Ban Hậu cần" not in names  # B missed DVQT in 2020
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    assert len(charts) == 4 + 2  # a line chart per title, a bar chart per unit
    assert xml.count("<c:lineChart>") == 4 and xml.count("<c:barChart>") == 2
    # The same database gives the same bytes.
    again = tmp_path / "again.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(again), rules)
    assert again.read_bytes() == out.read_bytes()


def test_one_year_report_has_the_6_month_column_and_a_cluster_filter(tmp_path: Path, db: Path,
                                                                      rules: Rules) -> None:
    out = tmp_path / "nam-2024.xlsx"
    report = happ.period_report(str(db), 2024, 2024, "Cụm thi đua số 2", str(out), rules)
    assert report.figures.units == 1
    wb = openpyxl.load_workbook(out)
    head = find_row(wb["Tổng hợp"], "Cả năm 2024")
    assert "6 tháng đầu năm 2024" in head  # the column exists even where the cluster has none
    assert find_row(wb["So sánh giai đoạn"], "STT")[5] == "Đạt năm 2023"
    rows = values(wb["Theo đơn vị"])
    header = rows.index(find_row(wb["Theo đơn vị"], "STT", "Đơn vị"))
    units = [r[1] for r in rows[header + 2:]]
    assert set(units) == {"Đơn vị B"}


@needs_libreoffice
@pytest.mark.libreoffice
def test_congress_report_renders_to_pdf(tmp_path: Path, db: Path, rules: Rules) -> None:
    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    pdf = convert(out, tmp_path / "pdf", "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "KẾT QUẢ THI ĐUA GIAI ĐOẠN 2019–2024" in text
    assert "ĐIỂN HÌNH TIÊN TIẾN" in text and "Nguyễn Văn An" in text
    assert "Đơn vị Quyết thắng — số đạt" in text  # a chart's title, drawn on the charts page


def test_flat_tables_are_declared_and_their_headers_fit(tmp_path: Path, db: Path,
                                                        rules: Rules) -> None:
    """"So sánh", "Điển hình tiên tiến" and "Xếp hạng theo năm" are written from their column declarations
    (addin.io.sheet_spec): declared widths, and a header row tall enough for its wrapped text
    (LibreOffice prints a wrapped header in a one-line row over its neighbours)."""
    from addin.io.period_report import MODEL_COLUMNS, compare_columns
    from addin.io.rank_history import rank_columns
    from addin.io.sheet_spec import LINE_PT, wrapped_lines

    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    wb = openpyxl.load_workbook(out)
    for sheet, columns in (("So sánh giai đoạn", compare_columns("giai đoạn 2013–2018")),
                           ("Điển hình tiên tiến", MODEL_COLUMNS),
                           ("Xếp hạng theo năm", rank_columns(list(range(2019, 2025))))):
        ws = wb[sheet]
        rows = values(ws)
        header = rows.index(find_row(ws, columns[0].header, columns[1].header)) + 1
        assert rows[header - 1][:len(columns)] == [c.header for c in columns]
        lines = max(wrapped_lines(c.header, c.width) for c in columns)
        assert lines > 1 and ws.row_dimensions[header].height >= LINE_PT * lines
        spans = [(d.min, d.max, d.width) for d in ws.column_dimensions.values()]
        widths = [next(w for lo, hi, w in spans if lo <= i <= hi)  # a span shares one width
                  for i in range(1, len(columns) + 1)]
        assert widths == pytest.approx([c.width for c in columns], abs=1)



@pytest.mark.parametrize("first", [2019, 2024])
def test_per_period_sheets_are_declared_with_a_two_row_header(tmp_path: Path, db: Path,
                                                              rules: Rules, first: int) -> None:
    """"Tổng hợp", "Theo đơn vị" and "Khen thưởng" are written from their declarations too
    (fixed columns over both header rows, a block per count: a column per period and "Cộng"):
    the headers, merges and widths on the sheet are the declared ones, and nothing else."""
    from addin.io.period_report import (
        COMMEND_BLOCKS,
        COMMEND_FIXED,
        COUNT_BLOCKS,
        PERIOD_TOTAL,
        TITLES_FIXED,
        UNITS_FIXED,
    )

    out = tmp_path / "bc.xlsx"
    happ.period_report(str(db), first, 2024, None, str(out), rules)
    wb = openpyxl.load_workbook(out)
    periods = (["2019", "2020", "2021", "2022", "2023", "2024"] if first < 2024
               else ["6 tháng đầu năm 2024", "Cả năm 2024"])
    for name, fixed, blocks in (("Tổng hợp", TITLES_FIXED, COUNT_BLOCKS),
                                ("Theo đơn vị", UNITS_FIXED, COUNT_BLOCKS),
                                ("Khen thưởng", COMMEND_FIXED, COMMEND_BLOCKS)):
        ws = wb[name]
        rows = values(ws)
        top = rows.index(find_row(ws, "STT", fixed[1].header))
        k, per_block = len(fixed), len(periods) + 1
        width = k + len(blocks) * per_block
        assert rows[top][:width] == [c.header for c in fixed] + [
            text for block in blocks for text in [block] + [None] * len(periods)]
        assert rows[top + 1][:width] == [None] * k + (periods + [PERIOD_TOTAL]) * len(blocks)
        merges = {str(r) for r in ws.merged_cells.ranges}
        for c in range(k):
            letter = get_column_letter(c + 1)
            assert f"{letter}{top + 1}:{letter}{top + 2}" in merges
        for b in range(len(blocks)):
            lo = get_column_letter(k + b * per_block + 1)
            hi = get_column_letter(k + (b + 1) * per_block)
            assert f"{lo}{top + 1}:{hi}{top + 1}" in merges
        period_width = 11 if first == 2024 else 7
        declared = [c.width for c in fixed] + [period_width] * (width - k)
        spans = {(d.min, d.max): d.width for d in ws.column_dimensions.values() if d.min}
        assert max(hi for _lo, hi in spans) == width  # no width past the table
        assert [next(w for (lo, hi), w in spans.items() if lo <= i <= hi)
                for i in range(1, width + 1)] == pytest.approx(declared, abs=0.75)


def test_every_chart_is_drawn_over_the_period_labels(tmp_path: Path, db: Path,
                                                     rules: Rules) -> None:
    """Each chart's categories are the period labels of its sheet (the unit charts pointed at
    a row of the national header, blank, once that header moved the tables down)."""
    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    wb = openpyxl.load_workbook(out)
    with zipfile.ZipFile(out) as z:
        refs = [re.findall(r"<c:cat>.*?<c:f>'(.+?)'!(.+?)</c:f>", z.read(n).decode())
                for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    assert len(refs) == 6 and all(refs)
    sheets = set()
    for sheet, cells in (ref for found in refs for ref in found):
        sheets.add(sheet)
        found = [c.value for row in wb[sheet][cells.replace("$", "")] for c in row]
        assert found == ["2019", "2020", "2021", "2022", "2023", "2024"], (sheet, cells, found)
    assert sheets == {"Tổng hợp", "Theo đơn vị"}

def test_the_source_line_says_to_check_once(tmp_path: Path, db: Path, rules: Rules) -> None:
    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    lines = [str(c) for row in values(openpyxl.load_workbook(out)["Điển hình tiên tiến"])
             for c in row if isinstance(c, str) and c.startswith("Căn cứ:")]
    assert lines and all(line.lower().count("cần kiểm tra") <= 1 for line in lines), lines


def test_every_sheet_of_the_period_report_has_the_national_header(tmp_path: Path, db: Path,
                                                                   rules: Rules) -> None:
    from addin.domain import labels as L

    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    wb = openpyxl.load_workbook(out)
    missing = [ws.title for ws in wb.worksheets if ws.title != "Biểu đồ"
               and not any(L.NATION in row for row in values(ws)[:4])]
    assert not missing, missing


def test_count_axes_show_whole_numbers(tmp_path: Path, db: Path, rules: Rules) -> None:
    """A chart of 0 and 1 person went 0, 0.2 … 1.2 up its axis: every value axis of the period
    report counts in whole steps (major unit ≥ 1) and shows numbers without decimals."""
    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist())
                  if n.startswith("xl/charts/chart")]
    assert len(charts) == 6
    for xml in charts:
        (axis,) = re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.S)
        unit = re.search(r'<c:majorUnit val="([\d.]+)"/>', axis)
        assert unit and float(unit.group(1)) >= 1 and float(unit.group(1)).is_integer(), axis
        assert '<c:numFmt formatCode="0" sourceLinked="0"/>' in axis, axis


def test_printed_texts_speak_to_staff_not_to_a_terminal(tmp_path: Path, db: Path,
                                                        rules: Rules) -> None:
    """The ranks sheet, empty when no score was stored, said "(lập báo cáo cụm bằng tdkt
    consolidate hoặc tdkt report với --db)"; the congress source said "domain.md: …". Printed
    pages say in Vietnamese what is missing, and every source of the rules book is one staff can
    read (no developer file)."""
    from addin.io.rules_json import rules_as_json

    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    wb = openpyxl.load_workbook(out)
    texts = [str(c) for ws in wb.worksheets for row in values(ws) for c in row if c]
    command = re.compile(r"tdkt (consolidate|report|history|validate|rules|template|demo)|--\w")
    assert not [t for t in texts if command.search(t) or ".md" in t]
    empty = find_row(wb["Xếp hạng theo năm"], next(t for t in texts if t.startswith("Chưa có điểm")))
    assert "Chưa có điểm và thứ hạng thi đua nào được lưu cho giai đoạn 2019–2024" in empty[0]
    (source,) = [t for t in texts if t.startswith("Căn cứ:")]
    assert "Quy ước của tdkt" in source and source.lower().count("cần kiểm tra") == 1

    def sources(node: object) -> list[str]:
        if isinstance(node, dict):
            return [v for k, v in node.items() if k == "source" and isinstance(v, str)] + [
                s for v in node.values() for s in sources(v)]
        if isinstance(node, list):
            return [s for v in node for s in sources(v)]
        return []

    found = sources(rules_as_json(rules))
    assert len(found) > 30 and not [s for s in found if ".md" in s], found


def test_forms_are_named_as_the_cluster_reports_name_them(tmp_path: Path, db: Path,
                                                          rules: Rules) -> None:
    """The period report printed each form as typed in the units' workbooks ("Bằng khen của Bộ
    Quốc phòng") where the cluster report of the same workbooks names it from the rules book
    ("Bằng khen của Bộ trưởng Bộ Quốc phòng"): both name it from the rules book now."""
    import shutil

    from addin import app

    out = tmp_path / "dai-hoi.xlsx"
    happ.period_report(str(db), 2019, 2024, None, str(out), rules)
    sheet = openpyxl.load_workbook(out)["Khen thưởng"]
    rows = values(sheet)
    top = rows.index(find_row(sheet, "STT"))
    period_forms = [r[1] for r in rows[top + 2:] if r[1]]
    assert period_forms == [rules.forms["BKBQP"].name, rules.forms["GK"].name]  # catalogue order
    assert "Bằng khen của Bộ Quốc phòng" not in period_forms
    folder = tmp_path / "cum"
    folder.mkdir()
    shutil.copy(tmp_path / "in" / "a-2024.xlsx", folder / "a-2024.xlsx")
    cluster = tmp_path / "cum.xlsx"
    app.consolidate_folder(str(folder), str(cluster), rules, date="20/11/2026")
    cluster_texts = {c for row in values(openpyxl.load_workbook(cluster)["Khen thưởng"])
                     for c in row if isinstance(c, str)}
    assert set(period_forms) <= cluster_texts
