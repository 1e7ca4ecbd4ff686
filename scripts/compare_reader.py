"""Compare what two checkouts' readers make of the same workbooks (issue 12, reading faster).

    python scripts/compare_reader.py --base /tmp/main-copy [--corpus DIR] [PATH ...]

Each checkout reads every .xlsx/.xlsm/.xls/.ods under the given paths (default: tests/fixtures,
workbooks/, templates/ and the generated corpus) in its own interpreter, through
`addin.io.folders.read_all` (the contained worker, as a run reads them), and pickles the
records. The records must be the same field by field, down to each value's type and each
mapping's order (pickle bytes themselves vary with which strings a worker happened to share).

`--make-corpus DIR` first writes the hostile corpus (tests/corpus.py), the official-forms
corpus (tests/forms_corpus.py, also as .xls/.ods when LibreOffice is here) and randomised unit
workbooks (the fuzz test's strategy, openpyxl and XlsxWriter writers) into DIR.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
_DUMP = """
import pickle, sys
from pathlib import Path
from addin.io.folders import read_all
paths = [Path(p) for p in sys.argv[2:]]
books = read_all([(p, str(p)) for p in paths], jobs=2)
per_file = {}
for book in books:
    per_file.setdefault(book.path, []).append(book)
with open(sys.argv[1], "wb") as out:
    pickle.dump({p: pickle.dumps(b) for p, b in per_file.items()}, out)
"""


def workbooks(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES
                                and not p.is_dir()))
        elif path.suffix.lower() in SUFFIXES:
            found.append(path)
    return found


def canonical(value: object) -> object:
    """A value as nested tuples that differ whenever two values differ in anything, including
    int against float, a subclass of str, and the order of a mapping."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field the other checkout's records lack (e.g. `judgement`, newer) reads as None:
        # what a fresh reader leaves in it.
        return (type(value).__name__, tuple((f.name, canonical(getattr(value, f.name, None)))
                                            for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", tuple((canonical(k), canonical(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | frozenset | set):
        items = [canonical(v) for v in value]
        if isinstance(value, frozenset | set):
            items.sort(key=repr)
        return (type(value).__name__, tuple(items))
    return (type(value).__name__, repr(value))


def dump(checkout: Path, files: list[Path], out: Path) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run([sys.executable, "-c", _DUMP, str(out), *map(str, files)], env=env,
                   check=True, cwd=tempfile.gettempdir())
    loaded: dict[str, bytes] = pickle.loads(out.read_bytes())
    return loaded


def make_corpus(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import random

    from tests import corpus, forms_corpus
    from tests.conftest import write_openpyxl, write_xlsxwriter
    from tests.test_fuzz import individual_sheets

    corpus.build(folder / "hostile")
    forms = folder / "forms"
    forms.mkdir(parents=True, exist_ok=True)
    sources = [forms_corpus.write_source(v, forms) for v in forms_corpus.VARIANTS]
    try:
        from addin.io.libreoffice import convert

        for variant, source in zip(forms_corpus.VARIANTS, sources, strict=True):
            if variant.suffix != ".xlsx":
                convert(source, forms, variant.suffix.lstrip("."))
    except Exception as exc:  # no LibreOffice: the .xlsx sources still count
        print(f"forms corpus: no .xls/.ods ({exc})", file=sys.stderr)
    fuzz = folder / "fuzz"
    fuzz.mkdir(parents=True, exist_ok=True)
    random.seed(12)
    strategy = individual_sheets()
    for i in range(300):
        sheets, _ = strategy.example()
        writer = write_openpyxl if i % 2 else write_xlsxwriter
        try:
            writer(fuzz / f"fuzz-{i:03d}.xlsx", sheets)
        except Exception as exc:  # a value one writer cannot store
            print(f"fuzz {i}: {type(exc).__name__}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (main's)")
    parser.add_argument("--make-corpus", type=Path)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.make_corpus:
        make_corpus(args.make_corpus)
    paths = args.paths or [ROOT / "tests" / "fixtures", ROOT / "workbooks", ROOT / "templates"]
    files = workbooks(paths)
    with tempfile.TemporaryDirectory() as tmp:
        mine = dump(ROOT, files, Path(tmp) / "mine.pickle")
        base = dump(args.base, files, Path(tmp) / "base.pickle")
    differ = 0
    for path in sorted(set(mine) | set(base)):
        a, b = mine.get(path), base.get(path)
        if a is None or b is None:
            print(f"DIFFERS {path}: read by one checkout only")
        elif canonical(pickle.loads(a)) != canonical(pickle.loads(b)):
            print(f"DIFFERS {path}: records differ")
        else:
            continue
        differ += 1
    print(f"{len(files)} files, {len(mine)} books compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
