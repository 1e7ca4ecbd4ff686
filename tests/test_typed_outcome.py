"""Issue 12 §2: the fronts read a typed Report. An Outcome holds the Report (no dict payload
beside it); the CLI prints from its fields and the macro takes the output path from it."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin import app, macros
from addin.cli import _print_report, cli
from addin.domain.cluster import FileState
from addin.domain.errors import TdktError
from addin.domain.issues import Code, make_issue
from addin.domain.report_model import FileEntry, Report, Totals
from addin.io.rules_file import load_rules, rules_beside

ROOT = Path(__file__).resolve().parents[1]
CLUSTER_5 = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-5"


def _found() -> Report:
    """What a consolidation found: one file with an error on a cell, one cluster-wide error."""
    entry = FileEntry(path="cum/u1.xlsx", unit="Ban CHQS huyện Lắk", period="Năm 2024",
                      status=FileState.ERRORS, sha256="0" * 64, individuals=3, collectives=1)
    issues = (make_issue(Code.AGREE_EXCEEDS_PRESENT, "(12 > 11)", file="cum/u1.xlsx",
                         sheet="Cá nhân", row=7, column="I"),
              make_issue(Code.QUOTA_EXCEEDED, "Cờ thi đua: 2 đạt, không quá 1"))
    return Report(files=(entry,), totals=Totals(1, 3, 1), issues=issues)


def test_an_outcome_is_the_typed_report_and_an_exit_code(tmp_path: Path) -> None:
    assert [f.name for f in fields(app.Outcome)] == ["report", "exit_code"]
    out = tmp_path / "c5.xlsx"
    outcome = app.consolidate_folder(str(CLUSTER_5), str(out), load_rules(rules_beside(CLUSTER_5)))
    assert isinstance(outcome.report, Report) and outcome.report.output == str(out)
    assert {f.status for f in outcome.report.files} <= set(FileState)
    assert outcome.report.totals.files == len(outcome.report.files) == 3


def test_the_cluster_macro_returns_the_output_of_the_typed_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = str(tmp_path / "Tong-hop-cum.xlsx")
    monkeypatch.setattr(macros, "consolidate_to_report",
                        lambda folder: app.Outcome(Report(output=written), app.EXIT_OK))
    assert macros.tong_hop_cum(book=object(), folder=str(tmp_path)) == written
    monkeypatch.setattr(macros, "consolidate_to_report",
                        lambda folder: app.Outcome(Report(), app.EXIT_NOTHING))
    assert macros.tong_hop_cum(book=object(), folder=str(tmp_path)) is None


def test_a_report_not_written_lists_its_errors_from_the_fields(
        capsys: pytest.CaptureFixture[str]) -> None:
    _print_report(_found())
    assert capsys.readouterr().out.splitlines() == [
        "  [Lỗi] cum/u1.xlsx Cá nhân!I7 (agree_exceeds_present): "
        "Số phiếu đồng ý lớn hơn (12 > 11)",
        "  [Lỗi] Toàn cụm  (quota_exceeded): Vượt tỷ lệ xét tặng: Cờ thi đua: 2 đạt, không quá 1",
        "Tổng: 1 tệp, 3 cá nhân, 1 tập thể; 2 lỗi."]


def test_a_consolidation_not_written_still_shows_what_was_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _found()

    def not_written(*_args: object, **_kwargs: object) -> app.Outcome:
        raise app.OutputNotWritten(TdktError("Không ghi được bao-cao.xlsx: tệp đang mở"),
                                   app.Outcome(found, app.EXIT_NOTHING))

    monkeypatch.setattr(app, "consolidate_folder", not_written)
    args = ["consolidate", str(tmp_path), "-o", str(tmp_path.parent / "bao-cao.xlsx")]
    human = CliRunner().invoke(cli, args)
    assert human.exit_code == 2
    assert human.stdout.splitlines() == [
        "cum/u1.xlsx — Ban CHQS huyện Lắk — Năm 2024: 3 cá nhân, 1 tập thể — có lỗi",
        "  [Lỗi] Cá nhân!I7 (agree_exceeds_present): Số phiếu đồng ý lớn hơn (12 > 11)",
        "Toàn cụm",
        "  [Lỗi] (quota_exceeded): Vượt tỷ lệ xét tặng: Cờ thi đua: 2 đạt, không quá 1",
        "Tổng: 1 tệp, 3 cá nhân, 1 tập thể; 2 lỗi, 0 cảnh báo, 0 thông tin."]
    assert "tệp đang mở" in human.stderr
    as_json = CliRunner().invoke(cli, [*args, "--json"])
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout) == found.to_json()
