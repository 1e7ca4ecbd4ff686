"""The deployable parts of the Excel add-in: the .xlam built by scripts/build_addin.py from the
pinned xlwings, and the offline wheelhouse recipe."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyopenvba
import pytest
import xlwings

ROOT = Path(__file__).resolve().parents[1]
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("addin") / "tdkt.xlam"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_addin.py"), "-o",
                             str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


def test_ribbon_has_the_three_macros(xlam):
    with zipfile.ZipFile(xlam) as package:
        ribbon = ElementTree.fromstring(package.read("customUI/customUI.xml"))
    tab = ribbon.find(f".//{NS}tab")
    assert tab is not None and tab.get("label") == "TĐKT"
    buttons = {b.get("label"): b.get("onAction") for b in ribbon.iter(f"{NS}button")}
    assert buttons == {"Kiểm tra": "RibbonTDKT.KiemTra", "Lập tổng hợp": "RibbonTDKT.LapTongHop",
                       "Tổng hợp cụm": "RibbonTDKT.TongHopCum",
                       "Xếp hạng cụm": "RibbonTDKT.XepHangCum"}


def test_vba_modules_call_existing_macros(xlam):
    book = pyopenvba.ExcelFile(xlam)
    try:
        assert book.validate() == []
        assert {"xlwings", "RibbonTDKT"} <= set(book.module_names())
        assert "RibbonMyAddin" not in book.module_names()
        ribbon = book.get_module("RibbonTDKT")
        xlwings_vba = book.get_module("xlwings")
    finally:
        book.close()
    subs = re.findall(r"Sub (\w+)\(control As IRibbonControl\)", ribbon)
    assert subs == ["KiemTra", "LapTongHop", "TongHopCum", "XepHangCum"]
    calls = re.findall(r'RunPython "import ([\w.]+); \1\.(\w+)\(\)"', ribbon)
    assert [c[1] for c in calls] == ["kiem_tra", "lap_tong_hop", "tong_hop_cum", "xep_hang_cum"]
    for module, function in calls:
        assert callable(getattr(importlib.import_module(module), function))
    assert 'PROJECT_NAME As String = "tdkt"' in xlwings_vba
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in xlwings_vba
    assert f"xlwings64-{xlwings.__version__}.dll" in xlwings_vba


def test_config_sheet_points_excel_at_the_udfs(xlam):
    with zipfile.ZipFile(xlam) as package:
        workbook = package.read("xl/workbook.xml").decode()
        assert 'name="tdkt.conf"' in workbook and "_myaddin.conf" not in workbook
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        conf = "".join(package.read(n).decode() for n in sheets)
    assert "<t>UDF Modules</t>" in conf and "<t>addin.udfs</t>" in conf
    udfs = ast.parse((ROOT / "addin" / "udfs.py").read_text(encoding="utf-8"))
    names = {n.name for n in udfs.body if isinstance(n, ast.FunctionDef)}
    assert {"TDKT_TYLE", "TDKT_KETQUA", "TDKT_HANMUC", "TDKT_DANHHIEU", "TDKT_CHUANHOA",
            "TDKT_KIEMTRA", "TDKT_DIEM"} <= names


def test_vba_source_is_ascii():
    """VBA keeps module text in the project's ANSI code page: Vietnamese letters would break."""
    (ROOT / "templates" / "addin" / "RibbonTDKT.bas").read_text(encoding="utf-8").encode("ascii")


def test_wheelhouse_recipe_is_pinned_and_names_windows_packages(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_wheelhouse.py"), "-o",
                             str(tmp_path), "--dry-run"], capture_output=True, text=True, check=True)
    download = result.stdout.splitlines()[0]
    assert "--platform win_amd64" in download and "--only-binary=:all:" in download
    assert f"xlwings=={xlwings.__version__}" in download
    assert "pywin32" in download and "colorama" in download
    assert all("==" in spec for spec in download.split() if spec.startswith(
        ("click", "openpyxl", "xlsxwriter", "python-calamine", "defusedxml")))
