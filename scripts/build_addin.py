"""Build the ribbon add-in tdkt.xlam from the pinned xlwings package and the text sources in
templates/addin/ (VBA module, ribbon XML, config). Nothing binary is committed.

    python scripts/build_addin.py [-o build/addin/tdkt.xlam]

Steps: copy xlwings' own custom-ribbon add-in template (quickstart_addin_ribbon.xlam, the file
`xlwings quickstart NAME --addin --ribbon` copies); replace its ribbon with customUI.xml; rename
its config sheet to the active "tdkt.conf" and fill it from tdkt.conf; then, with pyopenvba,
set PROJECT_NAME = "tdkt" in the xlwings VBA module and replace the sample ribbon module with
RibbonTDKT.bas. The VBA of the xlwings module therefore always matches the installed, pinned
xlwings (its DLL name carries the version).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlwings

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "templates" / "addin"
DEFAULT_OUT = ROOT / "build" / "addin" / "tdkt.xlam"
PROJECT = "tdkt"
RIBBON_MODULE = "RibbonTDKT"
SAMPLE_MODULE = "RibbonMyAddin"
SAMPLE_CONF = "_myaddin.conf"


def config_pairs() -> list[tuple[str, str]]:
    text = (SOURCES / "tdkt.conf").read_text(encoding="utf-8")
    return [(row[0], row[1]) for row in csv.reader(io.StringIO(text)) if row]


def config_sheet_xml(pairs: list[tuple[str, str]]) -> bytes:
    rows = []
    for r, (key, value) in enumerate(pairs, start=1):
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
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
                    data = config_sheet_xml(config_pairs())
                elif info.filename == "docProps/core.xml":
                    data = re.sub(rb"<dc:creator>[^<]*</dc:creator>", b"<dc:creator>tdkt</dc:creator>",
                                  data)
                target.writestr(info, data)


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
    book.save()
    book.close()
    check = pyopenvba.ExcelFile(path)
    problems = check.validate()
    check.close()
    if problems:
        raise SystemExit("VBA project does not validate: " + "; ".join(problems))


def build(out: Path) -> Path:
    template = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / out.name
        rewrite_package(template, staged)
        rewrite_vba(staged)
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
