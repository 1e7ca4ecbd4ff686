"""LibreOffice headless as a real spreadsheet client: recalculate a workbook, or print it to PDF.

Each call uses its own profile, seeded so that formulas are recalculated on load (LibreOffice
keeps cached values of .xlsx files by default), because parallel runs sharing a profile fail.
The profile's locale is vi-VN whatever the machine's: number formats print the Vietnamese way
(36,36; 48.000) on every machine, as Excel shows them on a Vietnamese Windows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from addin.domain.errors import TdktError

_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" \
oor:op="fuse"><value>vi-VN</value></prop></item>
</oor:items>
"""
TIMEOUT_S = 180


class LibreOfficeError(TdktError, RuntimeError):
    """LibreOffice is missing or did not produce the expected file."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: str | Path, out_dir: str | Path, target: str) -> Path:
    """Convert `source` with a fresh recalculating profile; return the output path.

    target: "xlsx" (recalculated copy), "pdf", or a full filter spec such as "csv:...".
    """
    exe = soffice()
    if exe is None:
        raise LibreOfficeError("không tìm thấy LibreOffice (soffice)")
    src = Path(source)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tdkt-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", target, "--outdir", str(out),
               str(src)]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                check=False)
    produced = out / f"{src.stem}.{target.split(':')[0]}"
    # soffice exits 0 even when it could not load the source: the file is the only evidence.
    if not produced.is_file():
        raise LibreOfficeError(f"LibreOffice không tạo được {produced.name}: "
                               f"{(result.stderr or result.stdout).strip()[:500]}")
    return produced


def pdf_by_tdkt(path: str | Path) -> bool:
    """Whether an existing PDF was printed from a tdkt output (LibreOffice writes the workbook's
    keywords, "tdkt", as UTF-16 /Keywords): only such a PDF is replaced without --force."""
    from addin.io.xlsx_common import PDF_KEYWORD

    marker = b"/Keywords<FEFF" + PDF_KEYWORD.encode("utf-16-be").hex().upper().encode() + b">"
    try:
        with open(path, "rb") as handle:
            return marker in handle.read(16 * 1024 * 1024)
    except OSError:
        return False


def print_pdf(workbook: str | Path, force: bool = False) -> Path:
    """The workbook printed to PDF beside it (same name, .pdf), written atomically; an existing
    PDF that tdkt did not print is kept unless forced (raises FileExistsError)."""
    source = Path(workbook)
    target = source.with_suffix(".pdf")
    if target.exists() and not force and not pdf_by_tdkt(target):
        raise FileExistsError(str(target))
    with tempfile.TemporaryDirectory(prefix=".tdkt-pdf-", dir=source.parent) as tmp:
        produced = convert(source, tmp, "pdf")
        os.replace(produced, target)
    return target
