"""The demo's five-year history: the moved person is followed, the inflated claim is caught."""

from __future__ import annotations

from pathlib import Path

from addin import demo_history
from addin.demo import write_demo
from addin.domain.rules import Rules


def test_demo_history(tmp_path: Path, rules: Rules) -> None:
    write_demo(tmp_path / "cac-cum", rules)
    done = demo_history.run(tmp_path, rules)  # a typed DemoHistory, not a dict (issue 12 §2)
    assert done.files == 8 * 6
    (claim,) = done.claims
    assert claim.code == "streak_mismatch"
    assert claim.file.endswith("nam-2023/cum-thi-dua-so-3/ban-chqs-krong-ana.xlsx")
    assert "2021, 2022" in claim.message and "2020" in claim.message
    mover = [r for r in done.eligible if r.name == demo_history.MOVER["full_name"]
             and r.chain == "CSTDTQ"]
    assert [(r.unit, r.years) for r in mover] == [("Ban CHQS huyện M'Đrắk", (2021, 2022, 2023))]
    assert Path(done.report).is_file() and Path(done.db).is_file()
    assert (tmp_path / "ket-qua" / "du-dieu-kien-2024.xlsx").is_file()
