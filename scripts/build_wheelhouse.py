"""Build the offline Windows wheelhouse: everything tdkt needs on a PC without internet.

    python scripts/build_wheelhouse.py [-o build/wheelhouse] [--python 3.11 3.12 3.13] [--dry-run]

Downloads win_amd64 wheels (binary only) for every CPython version the installer accepts, every
one pinned (the runtime packages to the versions installed here, pywin32 and colorama to the
versions below), plus the tdkt wheel itself, into one folder. Then writes requirements.txt:
every distribution `==` its version with the sha256 of each of its wheels, which the installer
passes to `pip install --require-hashes`. The installer reads the accepted versions back from
the wheel tags (scripts/tdkt_install.py), so a wheelhouse built for fewer versions still works.
pywin32 and colorama are named explicitly: pip judges platform markers against the machine it
runs on, not the target (ecosystem.md §3).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")  # what install-tdkt.ps1 can choose from
RUNTIME = ["xlwings", "click", "openpyxl", "xlsxwriter", "python-calamine", "defusedxml",
           "et-xmlfile",
           # the period report's pivots (issue 14) and what pandas itself requires
           "pandas", "numpy", "python-dateutil", "six"]
# Windows-only, so not installed here to read a version from: pinned by hand. pandas requires
# tzdata on Windows only (its marker: sys_platform == "win32").
WINDOWS_ONLY = {"pywin32": "312", "colorama": "0.4.6", "tzdata": "2026.6"}
REQUIREMENTS = "requirements.txt"


def pinned(names: list[str]) -> list[str]:
    specs = []
    for name in names:
        try:
            specs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError as exc:
            raise SystemExit(f"{name} is not installed here: cannot pin it") from exc
    return specs + [f"{name}=={version}" for name, version in WINDOWS_ONLY.items()]


def commands(out: Path, pythons: list[str]) -> list[list[str]]:
    downloads = [[sys.executable, "-m", "pip", "download", "--only-binary=:all:",
                  "--platform", "win_amd64", "--python-version", python,
                  "--implementation", "cp", "-d", str(out), *pinned(RUNTIME)]
                 for python in pythons]
    own = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    return [*downloads, own]


def _project(wheel: Path) -> tuple[str, str]:
    name, version = wheel.name.split("-")[:2]
    return re.sub(r"[-_.]+", "-", name).lower(), version


def requirements(out: Path) -> str:
    """Every wheel pinned and hashed; one line per distribution, one hash per wheel file."""
    hashes: dict[tuple[str, str], list[str]] = {}
    for wheel in sorted(out.glob("*.whl")):
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        hashes.setdefault(_project(wheel), []).append(digest)
    names = [name for name, _ in hashes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:  # two versions of one package: a stale wheelhouse, not a pinned one
        raise SystemExit(f"several versions of {', '.join(duplicates)} in {out}: use a fresh folder")
    lines = ["# Written by scripts/build_wheelhouse.py: every wheel pinned and hashed."]
    for (name, version), digests in sorted(hashes.items()):
        lines.append(f"{name}=={version} " + " ".join(f"--hash=sha256:{d}" for d in digests))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "wheelhouse")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS),
                        help="target CPython versions (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="print the pip commands only")
    args = parser.parse_args(argv)
    for cmd in commands(args.output, args.python):
        print(" ".join(cmd))
        if not args.dry_run:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if not args.dry_run:
        (args.output / REQUIREMENTS).write_text(requirements(args.output), encoding="ascii",
                                                newline="\n")
        wheels = sorted(args.output.glob("*.whl"))
        size = sum(w.stat().st_size for w in wheels) / 1e6
        print(f"{len(wheels)} wheels, {size:.1f} MB in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
