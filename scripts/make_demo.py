"""Regenerate the demo cluster data in workbooks/demo/ (fixed seed: same bytes every run)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.demo import write_demo  # noqa: E402
from addin.io.rules_file import load_rules  # noqa: E402

DEMO = ROOT / "workbooks" / "demo"


def main() -> None:
    if DEMO.exists():
        shutil.rmtree(DEMO)
    folders = write_demo(DEMO, load_rules())
    print("wrote", ", ".join(str(f.relative_to(ROOT)) for f in folders))


if __name__ == "__main__":
    main()
