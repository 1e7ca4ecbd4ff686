"""Build the offline Windows wheelhouse: everything tdkt needs on a PC without internet.

    python scripts/build_wheelhouse.py [-o build/wheelhouse] [--python 3.11] [--dry-run]

Downloads win_amd64 wheels (binary only) for the given CPython version, pinned to the versions
installed here, plus the tdkt wheel itself. pywin32 and colorama are named explicitly: pip
judges platform markers against the machine it runs on, not the target (ecosystem.md §3).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ["xlwings", "click", "openpyxl", "xlsxwriter", "python-calamine", "defusedxml",
           "et-xmlfile"]
WINDOWS_ONLY = ["pywin32", "colorama"]


def pinned(names: list[str]) -> list[str]:
    specs = []
    for name in names:
        try:
            specs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            specs.append(name)
    return specs


def commands(out: Path, python: str) -> list[list[str]]:
    download = [sys.executable, "-m", "pip", "download", "--only-binary=:all:",
                "--platform", "win_amd64", "--python-version", python,
                "--implementation", "cp", "-d", str(out),
                *pinned(RUNTIME), *WINDOWS_ONLY]
    own = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    return [download, own]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "wheelhouse")
    parser.add_argument("--python", default="3.11", help="target CPython version (≥ 3.11)")
    parser.add_argument("--dry-run", action="store_true", help="print the pip commands only")
    args = parser.parse_args(argv)
    for cmd in commands(args.output, args.python):
        print(" ".join(cmd))
        if not args.dry_run:
            subprocess.run(cmd, check=True)
    if not args.dry_run:
        wheels = sorted(p.name for p in args.output.glob("*.whl"))
        print(f"{len(wheels)} wheels in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
