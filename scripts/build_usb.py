"""Assemble the folder to copy onto the USB stick for offline Windows PCs (docs/cai-dat-add-in.md).

    python scripts/build_usb.py [-o build/usb] [--wheelhouse DIR]

Layout (the installer finds everything beside itself, so staff run it without arguments):
    install-tdkt.ps1, tdkt_install.py   the installer and its tested decisions
    tdkt.xlam                           the add-in (scripts/build_addin.py)
    wheelhouse/                         pinned, hashed wheels for CPython 3.11-3.13
    mau/                                blank templates (work without Python)
    demo/                               the demo clusters, to try the ribbon buttons
    huong-dan/                          the install guide, the release checklist, the user guide
                                        and the formats reference it links to
    DOC-TRUOC.txt                       what to add by hand: the python.org installer
The python.org installer (python-3.1x.y-amd64.exe) is not on PyPI: copy it in by hand.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
README = """\
Bộ cài tdkt (add-in TĐKT cho Excel): đọc huong-dan\\cai-dat-add-in.md trước khi cài.

1. Chép thêm vào thư mục này bộ cài Python 64-bit của python.org, một trong các phiên bản
   {versions} (ví dụ python-3.12.x-amd64.exe).
2. Trên máy cần cài: đóng Excel, cài Python (Install for me only), rồi mở PowerShell tại thư mục
   này và chạy
   powershell -NoProfile -ExecutionPolicy Bypass -File .\\install-tdkt.ps1
"""


def build(out: Path, wheelhouse: Path | None) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("install-tdkt.ps1", "tdkt_install.py"):
        shutil.copy2(SCRIPTS / name, out / name)
    subprocess.run([sys.executable, str(SCRIPTS / "build_addin.py"), "-o", str(out / "tdkt.xlam")],
                   check=True, stdout=subprocess.DEVNULL)
    if wheelhouse is None:
        subprocess.run([sys.executable, str(SCRIPTS / "build_wheelhouse.py"), "-o",
                        str(out / "wheelhouse")], check=True, stdout=subprocess.DEVNULL)
    else:
        shutil.copytree(wheelhouse, out / "wheelhouse")
    if not (out / "wheelhouse" / "requirements.txt").is_file():
        raise SystemExit("the wheelhouse has no requirements.txt: build it with build_wheelhouse.py")
    (out / "mau").mkdir()
    for template in sorted((ROOT / "templates").glob("*.xlsx")):
        shutil.copy2(template, out / "mau" / template.name)
    shutil.copytree(ROOT / "workbooks" / "demo", out / "demo")
    (out / "huong-dan").mkdir()
    for doc in ("cai-dat-add-in.md", "kiem-tra-phat-hanh.md", "huong-dan-su-dung.md", "formats.md"):
        shutil.copy2(ROOT / "docs" / doc, out / "huong-dan" / doc)
    sys.path.insert(0, str(SCRIPTS))
    from tdkt_install import wheelhouse_pythons

    versions = wheelhouse_pythons([p.name for p in (out / "wheelhouse").glob("*.whl")])
    (out / "DOC-TRUOC.txt").write_bytes(
        # UTF-8 with a BOM: every Notepad reads it as UTF-8
        README.format(versions=", ".join(versions)).replace("\n", "\r\n").encode("utf-8-sig"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "usb")
    parser.add_argument("--wheelhouse", type=Path, help="an already built wheelhouse to copy")
    args = parser.parse_args(argv)
    built = build(args.output, args.wheelhouse)
    size = sum(f.stat().st_size for f in built.rglob("*") if f.is_file()) / 1e6
    print(f"USB folder {built}: {size:.1f} MB; add the python.org installer by hand")
    return 0


if __name__ == "__main__":
    sys.exit(main())
