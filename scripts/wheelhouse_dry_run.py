"""Offline install dry run on Linux: what install-tdkt.ps1 will do with the wheelhouse on a PC,
for every Python version the wheelhouse serves, without Windows.

    python scripts/wheelhouse_dry_run.py [-w build/wheelhouse] [--keep DIR]

1. Build the wheelhouse (scripts/build_wheelhouse.py) unless -w names one already built.
2. Read the accepted versions back from its wheel tags, as the installer does
   (scripts/tdkt_install.py wheelhouse_pythons).
3. For each: `pip install --no-index --find-links WH --require-hashes -r WH/requirements.txt
   --target TMP --platform win_amd64 --python-version X --implementation cp
   --only-binary=:all:` into a throw-away folder, then check what the add-in needs is there
   (addin, xlwings, win32com, pythoncom) and that the xlwings wheel carries both DLLs as data
   files (in a venv they land in its root, where the add-in's VBA looks: tdkt_install.py verify).
Prints one line per version and a total; exit 1 if any version fails. No timing assertions:
this is a script, its output is pasted in the README.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
NEEDED = ("addin/__init__.py", "addin/udfs.py", "addin/rules/quan-doi.toml", "xlwings/__init__.py",
          "win32com/__init__.py", "pythoncom.py", "python_calamine/__init__.py")


def _helper():
    spec = importlib.util.spec_from_file_location("tdkt_install", SCRIPTS / "tdkt_install.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def install_command(wheelhouse: Path, target: Path, python: str) -> list[str]:
    return [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", str(wheelhouse),
            "--require-hashes", "-r", str(wheelhouse / "requirements.txt"),
            "--target", str(target), "--platform", "win_amd64", "--python-version", python,
            "--implementation", "cp", "--only-binary=:all:", "--disable-pip-version-check",
            "--quiet"]


def xlwings_data_files(wheelhouse: Path, python: str) -> list[str]:
    tag = "cp" + python.replace(".", "")
    wheel = next(wheelhouse.glob(f"xlwings-*-{tag}-*-win_amd64.whl"))
    with zipfile.ZipFile(wheel) as package:
        return sorted(Path(n).name for n in package.namelist() if ".data/data/" in n)


def dry_run(wheelhouse: Path, keep: Path | None) -> int:
    helper = _helper()
    pythons = helper.wheelhouse_pythons([p.name for p in wheelhouse.glob("*.whl")])
    wheels = sorted(wheelhouse.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"wheelhouse {wheelhouse}: {len(wheels)} wheels, {size:.1f} MB; "
          f"accepted Pythons (from the wheel tags): {', '.join(pythons) or 'none'}")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        for python in pythons:
            target = base / f"py{python}"
            started = time.perf_counter()
            done = subprocess.run(install_command(wheelhouse, target, python),
                                  capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - started
            missing = [n for n in NEEDED if not (target / n).exists()]
            import xlwings

            dlls = xlwings_data_files(wheelhouse, python)
            missing += [d for d in helper.xlwings_dlls(xlwings.__version__) if d not in dlls]
            ok = done.returncode == 0 and not missing
            failures += not ok
            installed = len(list(target.glob("*.dist-info"))) if target.exists() else 0
            mb = sum(f.stat().st_size for f in target.rglob("*") if f.is_file()) / 1e6 \
                if target.exists() else 0.0
            print(f"Python {python} win_amd64: {'OK' if ok else 'FAILED'} — {installed} "
                  f"distributions, {mb:.1f} MB installed, {seconds:.1f} s; DLLs: {', '.join(dlls)}")
            if not ok:
                print("  missing: " + ", ".join(missing) if missing else "", done.stderr[-2000:])
    print("dry run: " + ("all versions install offline" if not failures
                         else f"{failures} version(s) failed"))
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-w", "--wheelhouse", type=Path, help="an already built wheelhouse")
    parser.add_argument("--keep", type=Path, help="install into DIR/pyX.Y and keep it")
    args = parser.parse_args(argv)
    if args.wheelhouse is None:
        with tempfile.TemporaryDirectory() as tmp:
            wheelhouse = Path(tmp) / "wheelhouse"
            subprocess.run([sys.executable, str(SCRIPTS / "build_wheelhouse.py"), "-o",
                            str(wheelhouse)], check=True)
            return dry_run(wheelhouse, args.keep)
    return dry_run(args.wheelhouse, args.keep)


if __name__ == "__main__":
    sys.exit(main())
