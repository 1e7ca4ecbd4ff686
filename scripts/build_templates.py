"""Regenerate the committed templates (templates/) from the code and the default rules book.

Deterministic: running it twice gives the same bytes; tests/io/test_templates.py fails when the
committed copies drift from what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.io.cluster_template import cluster_template_bytes  # noqa: E402
from addin.io.rules_file import load_rules  # noqa: E402
from addin.io.unit_template import unit_workbook_bytes  # noqa: E402
from addin.io.xlsx_common import write_atomic  # noqa: E402

UNIT_TEMPLATE = ROOT / "templates" / "mau-don-vi.xlsx"
CLUSTER_TEMPLATE = ROOT / "templates" / "mau-cum.xlsx"


def main() -> None:
    rules = load_rules()
    write_atomic(UNIT_TEMPLATE, unit_workbook_bytes(rules))
    write_atomic(CLUSTER_TEMPLATE, cluster_template_bytes(rules))
    print(f"wrote {UNIT_TEMPLATE.relative_to(ROOT)} and {CLUSTER_TEMPLATE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
