"""Benchmark: what the unit template's formulas cost to build and to recalculate.

  python scripts/benchmark_template.py              # blank template and 2,000 people
  python scripts/benchmark_template.py --repeats 5

Times the writer (unit_workbook_bytes) and a full LibreOffice recalculation (the
addin.io.libreoffice profile that recalculates on load) of the blank template and of a workbook
with 2,000 people filled in; prints the median of the repeats. Excel is not available here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.io.libreoffice import convert  # noqa: E402
from addin.io.rules_file import load_rules  # noqa: E402
from addin.io.unit_template import UnitData, unit_workbook_bytes  # noqa: E402

TITLES = ("Chiến sĩ tiên tiến", "CSTĐ cơ sở", "Lao động tiên tiến", "chien si tien tien")


def _median(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rules = load_rules()
    people = [dict(full_name=f"Người {i}", title=TITLES[i % len(TITLES)], members=10,
                   present=10, agree=5 + i % 5, initiative="Sáng kiến") for i in range(2000)]
    cases = {"blank": UnitData(), "2,000 people": UnitData(
        info={"unit": "Trung đoàn 1", "cluster": "Cụm 1", "period": "Năm 2024",
              "headcount": 6000, "subunits": 12}, individuals=people)}
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-template-") as tmp:
        for name, data in cases.items():
            built = _median(lambda data=data: unit_workbook_bytes(rules, data, cached=False),
                            args.repeats)
            path = Path(tmp) / "t.xlsx"
            path.write_bytes(unit_workbook_bytes(rules, data, cached=False))
            recalc = _median(lambda path=path: convert(path, Path(tmp) / "out", "xlsx"),
                             args.repeats)
            print(f"{name:>13}: build {built:6.2f} s   LibreOffice recalculation {recalc:6.2f} s"
                  f"   ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
