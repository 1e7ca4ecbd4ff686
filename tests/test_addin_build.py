"""The deployable parts of the Excel add-in: the .xlam built by scripts/build_addin.py from the
pinned xlwings, and the offline wheelhouse recipe."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyopenvba
import pytest
import xlwings

from addin.io.libreoffice import soffice
from tests.conftest import needs_libreoffice

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
    subs = re.findall(r"Sub (\w+)\(control As IRibbonControl\)\n    (.+)\n", ribbon)
    assert [s[0] for s in subs] == ["KiemTra", "LapTongHop", "TongHopCum", "XepHangCum"]
    # RunPython reads ActiveWorkbook.FullName: every button first checks a workbook is open
    assert {s[1] for s in subs} == {"If Not HasWorkbook() Then Exit Sub"}
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
    # a folder named "addin" beside a workbook must not shadow the package (issue 10, point 12)
    assert re.search(r"<t>ADD_WORKBOOK_TO_PYTHONPATH</t></is></c><c [^>]*><is><t>False</t>", conf)
    # …nor a folder "addin" in Excel's working directory: the venv's packages come first
    site = re.search(r"<t>PYTHONPATH</t></is></c><c [^>]*><is><t>([^<]+)</t>", conf)
    installer = (ROOT / "scripts" / "install-tdkt.ps1").read_text(encoding="ascii")
    venv = re.search(r'\$venvDir = Join-Path \$env:LOCALAPPDATA "([^"]+)"', installer)
    assert site and venv and site.group(1) == f"%LOCALAPPDATA%\\{venv.group(1)}\\Lib\\site-packages"
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
    downloads = [line for line in result.stdout.splitlines() if " download " in line]
    # every Python the installer accepts gets its wheels (issue 10, point 5)
    assert [line.split("--python-version ")[1].split()[0] for line in downloads] == [
        "3.11", "3.12", "3.13"]
    for download in downloads:
        assert "--platform win_amd64" in download and "--only-binary=:all:" in download
        assert f"xlwings=={xlwings.__version__}" in download
        specs = download.split(str(tmp_path))[1].split()
        names = {spec.split("==")[0] for spec in specs}
        assert {"pywin32", "colorama", "click", "xlsxwriter", "python-calamine",
                "defusedxml"} <= names
        assert not {"openpyxl", "et-xmlfile"} & names  # test-only since issue 12 §8
        assert all(re.fullmatch(r"[\w-]+==[\w.]+", spec) for spec in specs), specs


def test_wheelhouse_requirements_pin_and_hash_every_wheel(tmp_path):
    spec = importlib.util.spec_from_file_location("build_wheelhouse",
                                                  ROOT / "scripts" / "build_wheelhouse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, data in [("pywin32-312-cp311-cp311-win_amd64.whl", b"a"),
                       ("pywin32-312-cp312-cp312-win_amd64.whl", b"b"),
                       ("et_xmlfile-2.0.0-py3-none-any.whl", b"c")]:
        (tmp_path / name).write_bytes(data)
    lines = module.requirements(tmp_path).splitlines()[1:]
    assert lines[0] == ("et-xmlfile==2.0.0 --hash=sha256:"
                        "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6")
    assert lines[1].startswith("pywin32==312 --hash=sha256:") and lines[1].count("--hash=") == 2
    (tmp_path / "pywin32-311-cp311-cp311-win_amd64.whl").write_bytes(b"d")
    with pytest.raises(SystemExit, match="several versions of pywin32"):
        module.requirements(tmp_path)


def _udfs_declared() -> dict[str, list[str]]:
    """Every @xw.func of addin/udfs.py, discovered (others add UDFs), with its parameters."""
    tree = ast.parse((ROOT / "addin" / "udfs.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ast.unparse(target) == "xw.func":
                found[node.name] = [a.arg for a in node.args.args]
    return found


def _vba_wrappers(source: str) -> dict[str, tuple[list[str], list[str]]]:
    """Function NAME(args) -> (its VBA parameters, the arguments it passes to Python)."""
    wrappers = {}
    for name, params in re.findall(r"^Function (\w+)\(([^)]*)\)$", source, flags=re.M):
        call = re.search(rf'{name} = XLPy\.CallUDF\("addin\.udfs", "{name}", Array\(([^)]*)\), '
                         r"ActiveWorkbook, Application\.Caller\)", source)
        assert call, f"{name}: no CallUDF into addin.udfs with the calling workbook"
        wrappers[name] = ([p.strip().removeprefix("Optional ") for p in params.split(",")
                           if p.strip()],
                          [a.strip() for a in call.group(1).split(",")])
    return wrappers


def test_every_udf_has_a_wrapper_with_its_arguments(xlam):
    """`=TDKT_TYLE(…)` works as the add-in loads: the wrappers "Import Functions" would write
    are in the add-in already (issue 10, point 6)."""
    book = pyopenvba.ExcelFile(xlam)
    try:
        source = book.get_module("xlwings_udfs")
    finally:
        book.close()
    declared = _udfs_declared()
    assert {"TDKT_TYLE", "TDKT_KETQUA", "TDKT_KIEMTRA"} <= set(declared)
    wrappers = _vba_wrappers(source)
    assert set(wrappers) == set(declared)
    for name, params in declared.items():
        from_excel = [p for p in params if p != "caller"]  # xlwings passes the caller itself
        vba_params, passed = wrappers[name]
        assert vba_params == from_excel, name
        assert passed == [p if p != "caller" else "Nothing" for p in params], name
    assert source.isascii()


def test_wrappers_follow_the_udf_module_not_a_list(tmp_path, monkeypatch):
    """The wrappers come from xlwings' generator run over the module: a new UDF gets one."""
    package = tmp_path / "extra_udfs_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "udfs.py").write_text(
        "import xlwings as xw\n\n@xw.func\n@xw.arg('x', ndim=2)\ndef TDKT_MOI(x, y=1, caller=None):\n"
        "    return x\n\ndef helper(z):\n    return z\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = importlib.util.spec_from_file_location("build_addin", ROOT / "scripts" / "build_addin.py")
    assert spec is not None and spec.loader is not None
    build_addin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_addin)
    monkeypatch.setattr(build_addin, "udf_modules", lambda: ["extra_udfs_pkg.udfs"])
    text = build_addin.udf_wrappers_vba()
    assert "Function TDKT_MOI(x, Optional y)" in text
    assert 'XLPy.CallUDF("extra_udfs_pkg.udfs", "TDKT_MOI", Array(x, y, Nothing)' in text
    assert "helper" not in text
    assert xlwings.func(len) is len  # the Linux decorators are back after the build


def test_vba_project_is_named_tdkt_and_the_config_sheet_keeps_its_code_name(xlam):
    book = pyopenvba.ExcelFile(xlam)
    try:
        assert book.vba_project().name == "tdkt"
        modules = set(book.module_names())
    finally:
        book.close()
    with zipfile.ZipFile(xlam) as package:
        sheets = [package.read(n).decode() for n in package.namelist()
                  if n.startswith("xl/worksheets/")]
    code_names = [re.search(r'<sheetPr codeName="(\w+)"', s) for s in sheets]
    assert all(code_names) and {m.group(1) for m in code_names if m} <= modules


def _basic_modules(ods: Path) -> dict[str, dict[str, str]]:
    """library -> module -> source, as LibreOffice stored the Basic it loaded."""
    libraries: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(ods) as package:
        for name in package.namelist():
            parts = name.split("/")
            if len(parts) == 3 and parts[0] == "Basic" and not parts[2].startswith("script-"):
                module = ElementTree.fromstring(package.read(name))
                libraries.setdefault(parts[1], {})[parts[2].removesuffix(".xml")] = module.text or ""
    return libraries


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_reads_the_vba_project(xlam, tmp_path):
    """A second VBA client, independent of pyopenvba (issue 10, point 11): LibreOffice loads the
    add-in's VBA as Basic; its copy is listed module by module, with their Subs and Functions."""
    source = tmp_path / "tdkt.xlsm"  # LibreOffice refuses the .xlam extension, not the content
    source.write_bytes(xlam.read_bytes())
    done = subprocess.run([str(soffice()), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--headless", "--norestore", "--infilter=Calc MS Excel 2007 VBA XML",
                           "--convert-to", "ods", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180, check=False)
    assert (tmp_path / "tdkt.ods").is_file(), done.stderr
    libraries = _basic_modules(tmp_path / "tdkt.ods")
    assert set(libraries) - {"Standard"} == {"tdkt"}
    modules = libraries["tdkt"]
    assert {"xlwings", "RibbonTDKT", "xlwings_udfs", "Dictionary", "ThisWorkbook"} <= set(modules)

    def procedures(text: str) -> list[str]:
        return re.findall(r"^(?:Public |Private )?(?:Sub|Function) (\w+)", text, flags=re.M)

    assert procedures(modules["RibbonTDKT"]) == ["HasWorkbook", "KiemTra", "LapTongHop", "TongHopCum",
                                                 "XepHangCum"]
    assert set(procedures(modules["xlwings_udfs"])) == set(_udfs_declared())
    assert {"RunPython", "XLPy", "GetConfig"} <= set(procedures(modules["xlwings"]))


def test_usb_folder_holds_what_the_guide_lists(tmp_path):
    """docs/cai-dat-add-in.md §1: the installer finds everything beside itself."""
    wheelhouse = tmp_path / "wh"
    wheelhouse.mkdir()
    for name in ["pywin32-312-cp311-cp311-win_amd64.whl", "pywin32-312-cp312-cp312-win_amd64.whl",
                 "tdkt-0.1.0-py3-none-any.whl"]:
        (wheelhouse / name).write_bytes(b"")
    (wheelhouse / "requirements.txt").write_text("# pinned\n")
    out = tmp_path / "usb"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_usb.py"), "-o", str(out),
                           "--wheelhouse", str(wheelhouse)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    for name in ("install-tdkt.ps1", "tdkt_install.py", "tdkt.xlam", "wheelhouse/requirements.txt",
                 "mau/mau-don-vi.xlsx", "mau/mau-cum.xlsx",
                 "demo/cum-thi-dua-so-3/ban-chqs-ea-kar.xlsx", "huong-dan/cai-dat-add-in.md",
                 "huong-dan/kiem-tra-phat-hanh.md", "huong-dan/huong-dan-su-dung.md",
                 "huong-dan/formats.md"):
        assert (out / name).is_file(), name
    readme = (out / "DOC-TRUOC.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and b"\r\n" in readme
    assert "một trong các phiên bản\r\n   3.11, 3.12" in readme.decode("utf-8-sig")
    guide = (ROOT / "docs" / "cai-dat-add-in.md").read_text(encoding="utf-8")
    for name in ("install-tdkt.ps1", "tdkt_install.py", "tdkt.xlam", "wheelhouse", "mau\\", "demo\\"):
        assert name in guide, name


def test_install_guide_and_release_checklist_cover_the_windows_pitfalls():
    guide = (ROOT / "docs" / "cai-dat-add-in.md").read_text(encoding="utf-8")
    for topic in ("không cần quyền quản trị", "Group Policy", "AppLocker", "Defender ASR",
                  "vị trí tin cậy", "ký số", "Ctrl+Shift+Enter", "Office 32-bit", "Đóng Excel",
                  "XLSTART", "=TDKT_TYLE(7;10)", "kiem-tra-phat-hanh.md"):
        assert topic in guide, topic
    assert "Import Functions" not in guide.split("## 3.")[0]  # no longer a step
    checklist = (ROOT / "docs" / "kiem-tra-phat-hanh.md").read_text(encoding="utf-8")
    for name in _udfs_declared():
        # each function is tried once in real Excel before a release
        assert f"={name}(" in checklist, f"add a line for {name} to docs/kiem-tra-phat-hanh.md §C"
    for step in ("## A. Cài đặt", "## B. Add-in và ribbon", "## C. Hàm", "## E. Gỡ cài đặt"):
        assert step in checklist
