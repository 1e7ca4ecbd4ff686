"""Every JSON quota line names its cluster, also when the reports of several clusters are
consolidated (as the workbook's "Hạn mức" does), and the demo's JSON is unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"


def _json(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    return json.loads(result.output)


def test_quota_lines_of_two_clusters_reports_name_their_cluster(tmp_path: Path):
    _json("report", str(DEMO), "-o", str(tmp_path / "out"))
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("cum-thi-dua-so-3.xlsx", "cum-thi-dua-so-5.xlsx"):  # not the roll-up
        shutil.copy(tmp_path / "out" / name, reports / name)
    data = _json("consolidate", str(reports), "-o", str(tmp_path / "y.xlsx"))
    whole = [(q["cluster"], q["title"]) for q in data["quotas"] if q["unit"] is None]
    assert len(whole) == len(set(whole))  # no two indistinguishable lines
    assert {c for c, _ in whole} == {"Cụm thi đua số 3", "Cụm thi đua số 5"}
    units = {q["unit"]: q["cluster"] for q in data["quotas"] if q["unit"]}
    assert units["Ban CHQS huyện Ea Kar"] == "Cụm thi đua số 3"
    assert units["Ban CHQS huyện Ea Súp"] == "Cụm thi đua số 5"


def test_one_cluster_keeps_its_name_on_every_line(tmp_path: Path):
    data = _json("consolidate", str(DEMO / "cum-thi-dua-so-3"), "-o", str(tmp_path / "y.xlsx"))
    assert {q["cluster"] for q in data["quotas"]} == {"Cụm thi đua số 3"}
