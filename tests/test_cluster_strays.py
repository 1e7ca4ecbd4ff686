"""Files of another cluster are never counted silently (contracts §9 `wrong_cluster`): two or
more strays beside a clear majority are strays; a folder of several clusters without one is a
higher level, and says so (`several_clusters`, info)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli
from tests.test_surprises import unit

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"


def _json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def _codes(data: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in data["issues"]:
        if issue["code"] in ("wrong_cluster", "several_clusters"):
            found.setdefault(Path(issue["file"] or "-").name, []).append(issue["code"])
    return found


def test_two_files_of_another_cluster_in_the_demo_cluster_are_strays(tmp_path: Path):
    folder = tmp_path / "cum-3"
    folder.mkdir()
    for source in (DEMO / "cum-thi-dua-so-3").glob("ban-chqs-*.xlsx"):
        shutil.copy(source, folder / source.name)
    for name in ("ban-chqs-buon-don.xlsx", "ban-chqs-cu-mgar.xlsx"):
        shutil.copy(DEMO / "cum-thi-dua-so-5" / name, folder / name)
    code, data = _json("consolidate", str(folder), "-o", str(tmp_path / "x.xlsx"))
    assert _codes(data) == {"ban-chqs-buon-don.xlsx": ["wrong_cluster"],
                            "ban-chqs-cu-mgar.xlsx": ["wrong_cluster"]}
    status = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert status["ban-chqs-buon-don.xlsx"] == status["ban-chqs-cu-mgar.xlsx"] == "skipped"
    assert sum(s != "skipped" for s in status.values()) == 5
    _, alone = _json("consolidate", str(DEMO / "cum-thi-dua-so-3"), "-o", str(tmp_path / "y.xlsx"))
    assert data["totals"]["individuals"] == alone["totals"]["individuals"]
    assert code == 1


def _three_and_two(folder: Path) -> Path:
    """Three units of Cụm thi đua số 3 (a0–a2) and two of Cụm thi đua số 5 (b0, b1)."""
    for k in range(3):
        unit(folder, f"a{k}.xlsx", f"Đơn vị A{k}")
    for k in range(2):
        unit(folder, f"b{k}.xlsx", f"Đơn vị B{k}", cluster="Cụm thi đua số 5")
    return folder


def test_a_province_folder_of_two_clusters_says_it_is_a_higher_level(tmp_path: Path):
    folder = _three_and_two(tmp_path / "tinh")
    _, data = _json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert _codes(data) == {"-": ["several_clusters"]}
    note = next(i for i in data["issues"] if i["code"] == "several_clusters")
    assert note["severity"] == "info"
    assert "2 cụm" in note["message"] and "tổng hợp cấp trên" in note["message"]
    assert "Cụm thi đua số 3: 3 tệp" in note["message"]
    assert data["totals"]["individuals"] == 15


def test_reports_of_two_clusters_say_they_are_a_higher_level(tmp_path: Path):
    unit(tmp_path / "c3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(tmp_path / "c5", "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    level = tmp_path / "quan-khu"
    level.mkdir()
    for name in ("c3", "c5"):
        assert _json("consolidate", str(tmp_path / name), "-o", str(level / f"{name}.xlsx"))[0] == 0
    _, data = _json("consolidate", str(level), "-o", str(tmp_path / "qk.xlsx"))
    assert _codes(data) == {"-": ["several_clusters"]}
    assert data["totals"]["individuals"] == 6


def test_one_cluster_folder_has_no_note(tmp_path: Path):
    _, data = _json("consolidate", str(DEMO / "cum-thi-dua-so-3"), "-o", str(tmp_path / "y.xlsx"))
    assert _codes(data) == {}


def test_in_report_each_subfolder_is_one_cluster(tmp_path: Path):
    """3 of cluster 3 and 2 of cluster 5 in a subfolder of ROOT: that subfolder is cluster 3."""
    root = tmp_path / "tinh"
    for k in range(3):
        unit(root / "cum-3", f"a{k}.xlsx", f"Đơn vị A{k}")
    for k in range(2):
        unit(root / "cum-3", f"b{k}.xlsx", f"Đơn vị B{k}", cluster="Cụm thi đua số 5")
    unit(root / "cum-5", "c.xlsx", "Đơn vị C", cluster="Cụm thi đua số 5")
    code, data = _json("report", str(root), "-o", str(tmp_path / "out"))
    assert _codes(data) == {"b0.xlsx": ["wrong_cluster"], "b1.xlsx": ["wrong_cluster"]}
    assert code == 1


def test_the_one_cluster_share_is_the_rules_books(tmp_path: Path):
    """3 files of one cluster and 2 of another: 3/5 is below the shipped 2/3, a higher level;
    a cluster whose rules file sets `[folders] one_cluster_share = "50%"` makes it one cluster,
    and the other cluster's two files strays."""
    folder = _three_and_two(tmp_path / "cum")
    _, shipped = _json("consolidate", str(folder), "-o", str(tmp_path / "s.xlsx"))
    assert _codes(shipped) == {"-": ["several_clusters"]}
    mine = tmp_path / "quy-tac.toml"
    mine.write_text('[folders]\none_cluster_share = "50%"\n', encoding="utf-8")
    _, half = _json("consolidate", str(folder), "-o", str(tmp_path / "h.xlsx"), "--rules",
                    str(mine))
    assert _codes(half) == {"b0.xlsx": ["wrong_cluster"], "b1.xlsx": ["wrong_cluster"]}
    mine.write_text('[folders]\none_cluster_share = "0%"\n', encoding="utf-8")
    refused = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "z.xlsx"),
                                       "--rules", str(mine)])
    assert refused.exit_code == 2 and "folders.one_cluster_share" in refused.output
