"""The demo's five-year history: the moved person is followed, the inflated claim is caught, the
cluster reports keep their ranks in the database, and the database is the same bytes on every
run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from addin import demo_history
from addin.cli import cli
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
    assert done.consolidated.output.endswith("ket-qua/bao-cao-cum-thi-dua-so-3.xlsx")
    assert done.rolled.rollup.endswith("ket-qua/bao-cao/tong-hop-cac-cum.xlsx")


def test_the_congress_report_shows_the_ranks_the_cluster_reports_stored(tmp_path: Path,
                                                                        rules: Rules) -> None:
    """The demo made its cluster reports before the history database existed, so no score or
    rank was stored and the congress report's "Xếp hạng theo năm" said "Chưa có điểm và thứ
    hạng…". The reports are made with the database now: each ranked unit's 2024 rank and score
    (Krông Bông scored above a maximum: no total, no rank)."""
    write_demo(tmp_path / "cac-cum", rules)
    done = demo_history.run(tmp_path, rules)
    sheet = openpyxl.load_workbook(tmp_path / "ket-qua" / "dai-hoi-2019-2024.xlsx")[
        "Xếp hạng theo năm"]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    header = next(i for i, r in enumerate(rows) if r[:3] == ("Cụm thi đua", "Đơn vị", "Hạng 2019"))
    assert rows[header][-2:] == ("Hạng 2024", "Điểm 2024")
    table = {(r[0], r[1]): r[-2:] for r in rows[header + 1:]}
    assert table == {
        ("Cụm thi đua số 3", "Ban CHQS huyện Ea Kar"): (3, 94),
        ("Cụm thi đua số 3", "Ban CHQS huyện Krông Ana"): (2, 94),
        ("Cụm thi đua số 3", "Ban CHQS huyện Lắk"): (1, 98),
        ("Cụm thi đua số 3", "Ban CHQS huyện M'Đrắk"): (4, 85.5),
        ("Cụm thi đua số 5", "Ban CHQS huyện Buôn Đôn"): (1, 92.5),
        ("Cụm thi đua số 5", "Ban CHQS huyện Cư M'gar"): (1, 92.5),
        ("Cụm thi đua số 5", "Ban CHQS huyện Ea Súp"): (3, 85),
    }
    assert not [v for r in rows for v in r if isinstance(v, str) and v.startswith("Chưa có điểm")]
    assert done.figures.ranked_units == 7


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_the_demo_writes_the_same_bytes_on_every_run(tmp_path: Path) -> None:
    """Same inputs, same bytes: tdkt-lich-su.sqlite differed on every run (it stored the wall
    clock as each file's import time). The demo records its import at a fixed time; run twice
    into the same folder (paths are written into the outputs), every file is identical — the
    database, the workbooks, the history files."""
    out = tmp_path / "tdkt-demo"
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = _files(out)
    again = runner.invoke(cli, ["demo", "-o", str(out)])
    assert again.exit_code == 0, again.output
    after = _files(out)
    assert sorted(after) == sorted(before)
    assert [name for name in before if before[name] != after[name]] == []
    assert "tdkt-lich-su.sqlite" in before and first.output == again.output
    conn = sqlite3.connect(out / "tdkt-lich-su.sqlite")
    try:
        times = {t for (t,) in conn.execute("SELECT imported_at FROM imports")}
    finally:
        conn.close()
    assert times == {"2024-12-31T08:00:00Z"}
