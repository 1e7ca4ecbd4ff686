"""A produced cluster report, opened and recalculated by LibreOffice: the live totals equal the
numbers Python wrote, and it prints."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl

from addin import app
from addin.io.libreoffice import convert
from tests.conftest import needs_libreoffice
from tests.sheet_rows import header_row

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3"


@needs_libreoffice
def test_report_totals_recalculate_to_what_python_wrote(tmp_path, rules):
    out = tmp_path / "bao-cao.xlsx"
    outcome = app.consolidate_folder(str(DEMO), str(out), rules)
    assert outcome.exit_code == 1  # the demo has deliberate errors
    written = openpyxl.load_workbook(out, data_only=True)  # XlsxWriter's cached values
    formulas = openpyxl.load_workbook(out)
    recalculated = openpyxl.load_workbook(convert(out, tmp_path / "lo", "xlsx"), data_only=True)
    checked = 0
    for name in ("Tổng hợp", "Khen thưởng"):
        for row in formulas[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                    python_value = written[name][cell.coordinate].value
                    assert recalculated[name][cell.coordinate].value == python_value, (
                        name, cell.coordinate)
                    checked += 1
    assert checked >= 12
    summary = recalculated["Tổng hợp"]
    total_row = next(r for r in summary.iter_rows() if r[0].value == "Tổng cộng")
    people = outcome.report.totals.individuals
    # Title names head their "Đề nghị" / "Đạt" column pairs (only titles the cluster proposed).
    individual = {t.name for t in rules.titles.values() if t.kind == "individual"}
    heads = [c.value for c in summary[header_row(summary, "STT")]]
    proposed_cells = [total_row[i].value for i, name in enumerate(heads) if name in individual]
    assert len(proposed_cells) == 2  # the demo proposes CSTT and CSTĐCS
    assert sum(proposed_cells) == people
    people_sheet = recalculated["Cá nhân"]
    assert people_sheet.max_row == header_row(people_sheet, "STT") + people


@needs_libreoffice
def test_report_prints_to_pdf(tmp_path, rules):
    out = tmp_path / "bao-cao.xlsx"
    app.consolidate_folder(str(DEMO), str(out), rules)
    pdf = convert(out, tmp_path / "pdf", "pdf")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "BÁO CÁO TỔNG HỢP THI ĐUA, KHEN THƯỞNG CỦA CỤM" in text
        assert "Ban CHQS huyện M'Đrắk" in text
