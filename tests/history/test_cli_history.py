"""`tdkt history …` end to end: where the database is, exit codes, the period report command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli
from tests.history.builders import P, unit_file

ROOT = Path(__file__).resolve().parents[2]


def test_database_is_db_option_else_tdkt_db_else_the_current_folder(tmp_path: Path,
                                                                     monkeypatch) -> None:  # noqa: ANN001
    unit_file(tmp_path / "in" / "a.xlsx", "Đơn vị A", "Năm 2024", [P("Nguyễn Văn An")])
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    monkeypatch.delenv("TDKT_DB", raising=False)
    assert runner.invoke(cli, ["history", "import", "in"]).exit_code == 0
    assert (tmp_path / "tdkt-lich-su.sqlite").is_file()
    monkeypatch.setenv("TDKT_DB", str(tmp_path / "env.sqlite"))
    assert runner.invoke(cli, ["history", "import", "in"]).exit_code == 0
    assert (tmp_path / "env.sqlite").is_file()
    result = runner.invoke(cli, ["history", "import", "in", "--db", "given.sqlite", "--json"])
    assert json.loads(result.output)["db"] == "given.sqlite"
    shown = runner.invoke(cli, ["history", "show", "--json"])
    assert json.loads(shown.output)["periods"] == [{"period": "Năm 2024", "files": 1}]
    missing = runner.invoke(cli, ["history", "show", "--db", "none.sqlite"])
    assert missing.exit_code == 2 and "chưa có cơ sở dữ liệu" in missing.output
    assert not (tmp_path / "none.sqlite").exists()


def test_report_command_writes_the_workbook(tmp_path: Path) -> None:
    for y in (2023, 2024):
        unit_file(tmp_path / "in" / f"a-{y}.xlsx", "Đơn vị A", f"Năm {y}", [P("Nguyễn Văn An")])
    db = str(tmp_path / "ls.sqlite")
    runner = CliRunner()
    assert runner.invoke(cli, ["history", "import", str(tmp_path / "in"), "--db", db]).exit_code == 0
    out = tmp_path / "bc.xlsx"
    result = runner.invoke(cli, ["history", "report", "--from", "2023", "--to", "2024", "--db", db,
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "giai đoạn 2023–2024" in result.output
    bad = runner.invoke(cli, ["history", "report", "--from", "2024", "--to", "2023", "--db", db,
                              "-o", str(out)])
    assert bad.exit_code == 2
    mine = tmp_path / "cua-toi.xlsx"
    mine.write_bytes(b"a staff officer's own file")
    refused = runner.invoke(cli, ["history", "report", "--from", "2023", "--to", "2024", "--db",
                                  db, "-o", str(mine)])
    assert refused.exit_code == 2 and mine.read_bytes() == b"a staff officer's own file"


def test_the_command_line_does_not_load_pandas() -> None:
    code = "import sys, addin.cli; sys.exit('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_a_cluster_report_imports_as_its_unit_files(tmp_path: Path) -> None:
    """tdkt consolidate's report → the same rows as the unit files; then the unit files
    themselves change nothing (same SHA-256)."""
    for unit in ("Đơn vị A", "Đơn vị B"):
        unit_file(tmp_path / "cum" / f"{unit}.xlsx", unit, "Năm 2023",
                  [P("Nguyễn Văn An", "CSTDCS"), P("Lê Văn Bình", agree=3)],
                  [("Ban Tham mưu", "DVQT")])
    runner = CliRunner()
    report = tmp_path / "bao-cao.xlsx"
    assert runner.invoke(cli, ["consolidate", str(tmp_path / "cum"), "-o", str(report)]
                         ).exit_code in (0, 1)
    db = str(tmp_path / "ls.sqlite")
    result = runner.invoke(cli, ["history", "import", str(report), "--db", db, "--json"])
    data = json.loads(result.output)
    assert [(f["unit"], f["status"], f["individuals"], f["collectives"]) for f in data["files"]
            ] == [("Đơn vị A", "imported", 2, 1), ("Đơn vị B", "imported", 2, 1)]
    again = json.loads(runner.invoke(cli, ["history", "import", str(tmp_path / "cum"), "--db",
                                           db, "--json"]).output)
    assert [f["status"] for f in again["files"]] == ["unchanged", "unchanged"]
    shown = json.loads(runner.invoke(cli, ["history", "show", "--db", db, "--person",
                                           "Lê Văn Bình", "--json"]).output)
    assert [(t["title"], t["passed"]) for p in shown["persons"] for t in p["titles"]] == [
        ("CSTT", False), ("CSTT", False)]
    cluster = json.loads(runner.invoke(cli, ["history", "eligible", "--year", "2024", "--db", db,
                                             "--json"]).output)
    assert cluster["eligible"] == []
