"""Checked CLI values: the report date is a real day, an output workbook ends in .xlsx."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.domain.labels import date_line
from tests.sheet_rows import top_texts

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo" / "cum-thi-dua-so-3"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="tdkt")
    return result.exit_code, result.output


@pytest.fixture
def cluster(tmp_path) -> Path:
    folder = tmp_path / "cum"
    shutil.copytree(DEMO, folder)
    return folder


def report_date_line(path: Path) -> str:
    """The place-and-date line of the national header ("……, ngày 15 tháng 12 năm 2024")."""
    book = openpyxl.load_workbook(path)
    return next(t for t in top_texts(book["Tổng hợp"]) if ", ngày " in t)


@pytest.mark.parametrize("bad", ["hom-qua", "31/02/2024", "12/2024", "15/12/24", "2024"])
def test_a_date_that_is_not_a_day_is_refused(cluster, tmp_path, bad):
    out = tmp_path / "bao-cao.xlsx"
    code, text = run("consolidate", str(cluster), "-o", str(out), "--date", bad)
    assert code == 2
    assert "'--date'" in text and "không phải một ngày" in text and "15/12/2024" in text
    assert not out.exists()  # refused before any work


def test_report_refuses_a_bad_date_too(cluster, tmp_path):
    code, text = run("report", str(tmp_path), "-o", str(tmp_path.parent / "kq"), "--date", "hom-qua")
    assert code == 2 and "không phải một ngày" in text


@pytest.mark.parametrize(("typed", "printed"), [
    ("15/12/2024", "15/12/2024"), ("5/1/2025", "05/01/2025"), ("2024-12-15", "15/12/2024"),
    ("15.12.2024", "15/12/2024"),
])
def test_the_report_prints_the_day_as_dd_mm_yyyy(cluster, tmp_path, typed, printed):
    out = tmp_path / "bao-cao.xlsx"
    code, _ = run("consolidate", str(cluster), "-o", str(out), "--date", typed)
    assert code in (0, 1) and out.is_file()
    assert report_date_line(out) == date_line(printed)


@pytest.mark.parametrize("command", [["template", "unit"], ["template", "cluster"], ["consolidate"]])
def test_an_output_without_extension_becomes_xlsx(cluster, tmp_path, command):
    args = [*command, str(cluster)] if command == ["consolidate"] else command
    code, text = run(*args, "-o", str(tmp_path / "bao-cao"))
    assert code in (0, 1), text
    assert not (tmp_path / "bao-cao").exists()
    assert (tmp_path / "bao-cao.xlsx").is_file()
    assert str(tmp_path / "bao-cao.xlsx") in text  # the user is told the name written
    openpyxl.load_workbook(tmp_path / "bao-cao.xlsx")  # a real workbook


@pytest.mark.parametrize("name", ["bao-cao.xls", "bao-cao.pdf", "bao-cao.ODS", "bao-cao.csv"])
def test_an_output_of_another_format_is_refused(cluster, tmp_path, name):
    code, text = run("consolidate", str(cluster), "-o", str(tmp_path / name))
    assert code == 2
    assert "không ghi được tệp" in text and "bao-cao.xlsx" in text
    assert list(tmp_path.glob("bao-cao*")) == []


def test_xlsx_in_capitals_and_dotted_names_are_kept(tmp_path):
    code, _ = run("template", "unit", "-o", str(tmp_path / "MAU.XLSX"))
    assert code == 0 and (tmp_path / "MAU.XLSX").is_file()
    code, _ = run("template", "unit", "-o", str(tmp_path / "Cum 3.2024"))
    assert code == 0 and (tmp_path / "Cum 3.2024.xlsx").is_file()
