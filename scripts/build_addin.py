"""Build the ribbon add-in tdkt.xlam from the pinned xlwings package and the text sources in
templates/addin/ (VBA module, ribbon XML, config). Nothing binary is committed.

    python scripts/build_addin.py [-o build/addin/tdkt.xlam]

Steps: copy xlwings' own custom-ribbon add-in template (quickstart_addin_ribbon.xlam, the file
`xlwings quickstart NAME --addin --ribbon` copies); replace its ribbon with customUI.xml; rename
its config sheet to the active "tdkt.conf" and fill it from tdkt.conf; then, with pyopenvba,
set PROJECT_NAME = "tdkt" in the xlwings VBA module, replace the sample ribbon module with
RibbonTDKT.bas and add the UDF wrappers (module xlwings_udfs, see udf_wrappers_vba). The VBA of
the xlwings module therefore always matches the installed, pinned xlwings (its DLL name carries
the version), and `=TDKT_TYLE(…)` works as soon as Excel loads the add-in: no "Import
Functions", no trust in the VBA object model, nothing saved from the VBA editor on each PC.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import re
import shutil
import sys
import tempfile
import types
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlwings

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "templates" / "addin"
DEFAULT_OUT = ROOT / "build" / "addin" / "tdkt.xlam"
PROJECT = "tdkt"
RIBBON_MODULE = "RibbonTDKT"
SAMPLE_MODULE = "RibbonMyAddin"
SAMPLE_CONF = "_myaddin.conf"
UDF_MODULE_VBA = "xlwings_udfs"  # the name xlwings' own "Import Functions" gives the module


def config_pairs() -> list[tuple[str, str]]:
    text = (SOURCES / "tdkt.conf").read_text(encoding="utf-8")
    return [(row[0], row[1]) for row in csv.reader(io.StringIO(text)) if row]


def udf_modules() -> list[str]:
    return [m for m in dict(config_pairs())["UDF Modules"].split(";") if m]


def config_sheet_xml(pairs: list[tuple[str, str]], code_name: str) -> bytes:
    """The config sheet; it keeps the template's codeName, which its VBA document module
    (Sheet2) is tied to."""
    rows = []
    for r, (key, value) in enumerate(pairs, start=1):
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetPr codeName="{escape(code_name)}"/>'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>').encode()


def _sheet_part(package: zipfile.ZipFile, sheet_name: str) -> str:
    workbook = package.read("xl/workbook.xml").decode("utf-8")
    rels = package.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet name="{re.escape(sheet_name)}"[^>]*r:id="([^"]+)"', workbook)
    if rid is None:
        raise SystemExit(f"the xlwings template has no sheet {sheet_name!r}")
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def rewrite_package(template: Path, out: Path) -> None:
    """Ribbon and config sheet: plain parts of the zip package."""
    ribbon = (SOURCES / "customUI.xml").read_bytes()
    with zipfile.ZipFile(template) as source:
        conf_part = _sheet_part(source, SAMPLE_CONF)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename.startswith("customUI/") and info.filename.endswith(".xml") \
                        and b"<customUI" in data:
                    data = ribbon
                elif info.filename == "xl/workbook.xml":
                    data = data.replace(f'name="{SAMPLE_CONF}"'.encode(),
                                        f'name="{PROJECT}.conf"'.encode())
                elif info.filename == conf_part:
                    code_name = re.search(rb'<sheetPr[^>]*codeName="([^"]+)"', data)
                    if code_name is None:
                        raise SystemExit("the xlwings template's config sheet has no codeName")
                    data = config_sheet_xml(config_pairs(), code_name.group(1).decode())
                elif info.filename == "docProps/core.xml":
                    data = re.sub(rb"<dc:creator>[^<]*</dc:creator>", b"<dc:creator>tdkt</dc:creator>",
                                  data)
                target.writestr(info, data)


class _AddinBook:
    """What xlwings' generator reads of the workbook: its name (an .xlam passes ActiveWorkbook)."""

    Name = f"{PROJECT}.xlam"


def _windows_xlwings_udfs() -> Any:
    """xlwings.udfs, which holds the Windows decorators and the VBA generator, loaded on Linux.
    It imports pywin32 at the top but uses it only to talk to a running Excel, which the
    generator never does: inert stand-ins let the module load."""
    stand_ins = {name: types.ModuleType(name) for name in
                 ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stand_ins["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    stand_ins["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    stand_ins["win32com.client"].Dispatch = None  # type: ignore[attr-defined]
    missing = {k: v for k, v in stand_ins.items() if k not in sys.modules}
    sys.modules.update(missing)
    try:
        spec = importlib.util.spec_from_file_location(
            "xlwings.udfs", Path(xlwings.__file__).parent / "udfs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for name in missing:
            del sys.modules[name]
    return module


def _decorated(module_name: str, xlwings_udfs: Any) -> types.ModuleType:
    """A fresh copy of a UDF module with xlwings' Windows decorators, which attach the
    `__xlfunc__` metadata the generator reads (on Linux `xw.func` is the identity)."""
    names = ("func", "arg", "ret", "script", "sub")
    windows = (xlwings_udfs.xlfunc, xlwings_udfs.xlarg, xlwings_udfs.xlret, xlwings_udfs.xlsub,
               xlwings_udfs.xlsub)
    saved = {name: getattr(xlwings, name) for name in names}
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None
    fresh = importlib.util.spec_from_file_location(module_name, spec.origin)
    assert fresh is not None and fresh.loader is not None
    module = importlib.util.module_from_spec(fresh)
    for name, decorator in zip(names, windows, strict=True):
        setattr(xlwings, name, decorator)
    try:
        fresh.loader.exec_module(module)
    finally:
        for name, original in saved.items():
            setattr(xlwings, name, original)
    return module


def udf_wrappers_vba() -> str:
    """The VBA module "Import Functions" would write on Windows, made here by xlwings' own
    generator (xlwings.udfs.generate_vba_wrapper) from every @xw.func of the UDF modules."""
    xlwings_udfs = _windows_xlwings_udfs()
    out = io.StringIO()
    out.write(f'Attribute VB_Name = "{UDF_MODULE_VBA}"\n'
              "' Generated by scripts/build_addin.py with xlwings' generator: do not edit.\n"
              "#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel\n")
    for module_name in udf_modules():
        xlwings_udfs.generate_vba_wrapper(module_name, _decorated(module_name, xlwings_udfs), out,
                                          _AddinBook())
    text = out.getvalue()
    text.encode("ascii")  # VBA keeps module text in the ANSI code page
    if "XLPy.CallUDF" not in text:
        raise SystemExit("no UDF found in " + ", ".join(udf_modules()))
    return text


def rewrite_vba(path: Path) -> None:
    import pyopenvba

    book = pyopenvba.ExcelFile(path)
    xlwings_source = book.get_module("xlwings")
    patched, count = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"',
                             rf'\1"{PROJECT}"', xlwings_source)
    if count != 1:
        raise SystemExit("PROJECT_NAME not found in the xlwings VBA module")
    book.set_module("xlwings", patched)
    project = book.vba_project()
    if SAMPLE_MODULE in book.module_names():
        project.delete_module(SAMPLE_MODULE)  # its RunMain would import a module "tdkt"
    source = (SOURCES / f"{RIBBON_MODULE}.bas").read_text(encoding="utf-8")
    project.add_module(RIBBON_MODULE, source)
    project.add_module(UDF_MODULE_VBA, udf_wrappers_vba())
    book.save()
    book.close()


def validate(path: Path) -> None:
    import pyopenvba

    check = pyopenvba.ExcelFile(path)
    problems = check.validate()
    check.close()
    if problems:
        raise SystemExit("VBA project does not validate: " + "; ".join(problems))


def _renamed_vba_project(vba_bin: bytes, new: str) -> bytes:
    """Name the VBA project (it shows in the VBA editor, in error messages and in LibreOffice as
    the Basic library): the PROJECTNAME record of the dir stream and the PROJECT stream's Name
    line must agree ([MS-OVBA] 2.3.4.2.1.6, 2.3.1.7). pyopenvba edits modules, not this."""
    import struct

    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_bin)
    project = cfb.get_stream("PROJECT")
    old = re.search(rb'\r\nName="([^"]*)"', project)
    if old is None:
        raise SystemExit("the VBA PROJECT stream has no Name")
    record = b"\x04\x00" + struct.pack("<I", len(old.group(1))) + old.group(1)
    directory = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    if directory.count(record) != 1:
        raise SystemExit("PROJECTNAME record not found once in the VBA dir stream")
    name = new.encode("ascii")
    directory = directory.replace(record, b"\x04\x00" + struct.pack("<I", len(name)) + name)
    cfb.write_stream_in_storage("VBA", "dir", compress(directory))
    cfb.write_stream("PROJECT", project.replace(old.group(0), b'\r\nName="' + name + b'"'))
    return cfb.to_bytes()


def rename_vba_project(path: Path, new: str) -> None:
    staged = path.with_suffix(".renamed")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/vbaProject.bin":
                data = _renamed_vba_project(data, new)
            target.writestr(info, data)
    staged.replace(path)


def build(out: Path) -> Path:
    template = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / out.name
        rewrite_package(template, staged)
        rewrite_vba(staged)
        rename_vba_project(staged, PROJECT)
        validate(staged)
        shutil.move(staged, out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    built = build(args.output)
    print(f"built {built} from xlwings {xlwings.__version__}")


if __name__ == "__main__":
    sys.exit(main())
