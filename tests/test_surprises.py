"""Issue 13 §3: no silent surprises — a file of another cluster or period, a single file judged by
cluster-wide checks, a missing path, a folder of clusters, an output open in Excel."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from addin.cli import cli
from tests.conftest import collective, person, unit_sheets, write_openpyxl


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str) -> tuple[int, dict]:
    code, out = run(*args, "--json")
    return code, json.loads(out)


def unit(folder: Path, name: str, unit_name: str, cluster: str = "Cụm thi đua số 3",
         period: str = "Năm 2024", people: int = 3, headcount: int = 60) -> Path:
    info = [["Đơn vị", unit_name], ["Cụm thi đua", cluster], ["Kỳ báo cáo", period],
            ["Quân số", headcount], ["Số đầu mối", 5], ["Ngày lập", "10/12/2024"]]
    rows = [person(name=f"{unit_name} {k}", seq=k, agree=9) for k in range(people)]
    folder.mkdir(parents=True, exist_ok=True)
    return write_openpyxl(folder / name, unit_sheets(rows, [collective()], info=info))


def codes_by_file(data: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in data["issues"]:
        found.setdefault(Path(issue["file"] or "-").name, []).append(issue["code"])
    return found


def test_a_file_of_another_cluster_is_not_counted(tmp_path):
    folder = tmp_path / "cum-3"
    unit(folder, "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(folder, "b.xlsx", "Ban CHQS huyện Lắk", cluster="CỤM THI ĐUA SỐ 3")  # same, typed apart
    unit(folder, "c.xlsx", "Ban CHQS huyện Krông Pắc", cluster="Cụm TĐ số 3")
    unit(folder, "z.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    code, data = run_json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert codes_by_file(data) == {"z.xlsx": ["wrong_cluster"]}
    assert code == 1
    status = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert status["z.xlsx"] == "skipped" and status["a.xlsx"] == "ok"
    assert data["totals"]["individuals"] == 9  # the other cluster's 3 people are not counted
    issue = data["issues"][0]
    assert issue["severity"] == "error" and issue["sheet"] == "Thông tin" and issue["column"] == "B"
    assert "Cụm thi đua số 5" in issue["message"]


def test_a_file_of_another_period_is_not_counted(tmp_path):
    folder = tmp_path / "cum-3"
    unit(folder, "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(folder, "b.xlsx", "Ban CHQS huyện Lắk", period="NAM 2024")  # the same period
    unit(folder, "c.xlsx", "Ban CHQS huyện Krông Pắc", period="6 tháng đầu năm 2024")
    code, data = run_json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert codes_by_file(data) == {"c.xlsx": ["mixed_period"]} and code == 1
    assert data["totals"]["individuals"] == 6


def test_mixed_period_tie_keeps_the_latest(tmp_path):
    folder = tmp_path / "cum-3"
    unit(folder, "a.xlsx", "Ban CHQS huyện Ea Kar", period="Năm 2023")
    unit(folder, "b.xlsx", "Ban CHQS huyện Lắk", period="Năm 2024")
    _, data = run_json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert codes_by_file(data) == {"a.xlsx": ["mixed_period"]}


def test_units_of_cluster_reports_are_a_roll_up_not_a_wrong_cluster(tmp_path):
    """Reports of two clusters in one folder: a higher level; their units are not wrong_cluster."""
    unit(tmp_path / "c3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(tmp_path / "c5", "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    level = tmp_path / "quan-khu"
    level.mkdir()
    assert run("consolidate", str(tmp_path / "c3"), "-o", str(level / "c3.xlsx"))[0] == 0
    assert run("consolidate", str(tmp_path / "c5"), "-o", str(level / "c5.xlsx"))[0] == 0
    _, data = run_json("consolidate", str(level), "-o", str(tmp_path / "qk.xlsx"))
    assert not {"wrong_cluster", "mixed_period"} & {i["code"] for i in data["issues"]}
    assert data["totals"]["individuals"] == 6


def test_validating_one_file_has_no_cluster_wide_errors(tmp_path):
    """Two problems (the unit's CSTĐCS quota, a missing initiative) give two errors — not a third
    "Toàn cụm" quota error, which belongs to consolidation."""
    rows = [person(name=f"Người {k}", seq=k, title="Chiến sĩ thi đua cơ sở", agree=9,
                   initiative="Sáng kiến" if k else "") for k in range(3)]
    info = [["Đơn vị", "Ban CHQS huyện Ea Kar"], ["Cụm thi đua", "Cụm thi đua số 3"],
            ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 10], ["Số đầu mối", 5]]
    (tmp_path / "cum").mkdir()
    path = write_openpyxl(tmp_path / "cum" / "u.xlsx", unit_sheets(rows, [collective()], info=info))
    code, data = run_json("validate", str(path))
    errors = [i for i in data["issues"] if i["severity"] == "error"]
    assert sorted(i["code"] for i in errors) == ["prerequisite_missing", "quota_exceeded"]
    assert all(i["file"] for i in errors) and code == 1
    assert data["quotas"] and all(q["unit"] for q in data["quotas"])
    _, text = run("validate", str(path))
    assert "Toàn cụm" not in text
    # consolidating the same file as a cluster still checks the cluster's quota
    _, whole = run_json("consolidate", str(tmp_path / "cum"), "-o", str(tmp_path / "c.xlsx"))
    assert any(i["code"] == "quota_exceeded" and i["file"] is None for i in whole["issues"])


def test_units_of_several_clusters_evenly_are_a_higher_level(tmp_path):
    folder = tmp_path / "tinh"
    unit(folder, "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(folder, "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    _, data = run_json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert "wrong_cluster" not in {i["code"] for i in data["issues"]}


def test_a_folder_with_a_cluster_report_is_a_higher_level(tmp_path):
    """Units of clusters 5 and 3 beside the report of cluster 3: a mixed-level roll-up."""
    unit(tmp_path / "c3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    level = tmp_path / "tinh"
    assert run("consolidate", str(tmp_path / "c3"), "-o", str(level / "c3.xlsx"))[0] == 0
    unit(level, "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    unit(level, "c.xlsx", "Ban CHQS huyện Đắk Mil", cluster="Cụm thi đua số 5")
    unit(level, "d.xlsx", "Ban CHQS huyện Krông Pắc")  # cluster 3's own file, a minority here
    _, data = run_json("consolidate", str(level), "-o", str(tmp_path / "out.xlsx"))
    assert "wrong_cluster" not in {i["code"] for i in data["issues"]}
    assert data["totals"]["individuals"] == 12


def test_an_output_open_in_excel_is_not_written_and_the_issues_still_print(tmp_path):
    folder = tmp_path / "cum-3"
    unit(folder, "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(folder, "d.xlsx", "Ban CHQS huyện Đắk Mil")
    unit(folder, "z.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    out = tmp_path / "bao-cao.xlsx"
    assert run("consolidate", str(folder), "-o", str(out))[0] == 1
    before = out.read_bytes()
    (tmp_path / "~$bao-cao.xlsx").write_bytes(b"owner")  # Excel has it open
    unit(folder, "b.xlsx", "Ban CHQS huyện Lắk")
    code, text = run("consolidate", str(folder), "-o", str(out))
    assert code == 2 and "đang mở trong Excel? Đóng tệp rồi chạy lại" in text
    assert "(wrong_cluster)" in text  # the issues found are still shown
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.xlsx", "cum-3", "~$bao-cao.xlsx"]


def test_report_replaces_the_whole_set_or_none(tmp_path):
    root = tmp_path / "cac-cum"
    unit(root / "cum-3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(root / "cum-5", "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    out = tmp_path / "ket-qua"
    assert run("report", str(root), "-o", str(out), "--jobs", "1")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["cum-3.xlsx", "cum-5.xlsx", "tong-hop-cac-cum.xlsx"]
    unit(root / "cum-3", "c.xlsx", "Ban CHQS huyện Lắk", people=5)  # the new run differs
    (out / "~$cum-5.xlsx").write_bytes(b"owner")  # one output open in Excel
    code, text = run("report", str(root), "-o", str(out), "--jobs", "1")
    assert code == 2 and "cum-5.xlsx" in text and "đang mở trong Excel" in text
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith("~$")}
    assert after == before  # cum-3's report and the roll-up were not rewritten either
    (out / "~$cum-5.xlsx").unlink()
    code, _ = run("report", str(root), "-o", str(out), "--jobs", "1")
    assert code == 0 and (out / "cum-3.xlsx").read_bytes() != before["cum-3.xlsx"]


def test_a_refused_rename_puts_the_earlier_outputs_back(tmp_path):
    """The rename step itself refused (Windows refuses to replace a file open in Excel; here a
    folder where the roll-up should go makes the rename fail the same way, for real)."""
    root = tmp_path / "cac-cum"
    unit(root / "cum-3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    out = tmp_path / "ket-qua"
    assert run("report", str(root), "-o", str(out), "--jobs", "1")[0] == 0
    before = (out / "cum-3.xlsx").read_bytes()
    unit(root / "cum-3", "c.xlsx", "Ban CHQS huyện Lắk")
    (out / "tong-hop-cac-cum.xlsx").unlink()
    (out / "tong-hop-cac-cum.xlsx").mkdir()
    (out / "tong-hop-cac-cum.xlsx" / "x").write_text("x")
    code, text = run("report", str(root), "-o", str(out), "--jobs", "1", "--force")
    assert code == 2 and "Không ghi được" in text
    assert (out / "cum-3.xlsx").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["cum-3.xlsx", "tong-hop-cac-cum.xlsx"]


def test_one_broken_cluster_rules_file_does_not_stop_the_report(tmp_path):
    root = tmp_path / "cac-cum"
    unit(root / "cum-3", "a.xlsx", "Ban CHQS huyện Ea Kar")
    unit(root / "cum-5", "b.xlsx", "Ban CHQS huyện Cư Jút", cluster="Cụm thi đua số 5")
    (root / "cum-5" / "tdkt-rules.toml").write_text("[votes.basic\n", encoding="utf-8")
    code, data = run_json("report", str(root), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1 and [c["name"] for c in data["clusters"]] == ["cum-3", "cum-5"]
    broken = [i for i in data["issues"] if i["file"] and i["file"].endswith("tdkt-rules.toml")]
    assert len(broken) == 1 and broken[0]["severity"] == "error"
    assert (tmp_path / "out" / "cum-3.xlsx").is_file()
    (root / "tdkt-rules.toml").write_text("[votes.basic\n", encoding="utf-8")  # every cluster's
    assert run("report", str(root), "-o", str(tmp_path / "out2"))[0] == 2


def test_history_show_of_an_unknown_person_says_so_and_reading_leaves_no_files(tmp_path):
    from tests.history.builders import P, unit_file

    unit_file(tmp_path / "in" / "a.xlsx", "Đơn vị A", "Năm 2024", [P("Nguyễn Văn An")])
    db = tmp_path / "db" / "lich-su.sqlite"
    db.parent.mkdir()
    assert run("history", "import", str(tmp_path / "in"), "--db", str(db))[0] == 0
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    before = db.read_bytes()
    code, out = run("history", "show", "--db", str(db), "--person", "Trần Văn Không")
    assert code == 0 and "Không tìm thấy ai" in out and "Trần Văn Không" in out
    assert "Không tìm thấy" not in run("history", "show", "--db", str(db), "--person",
                                       "Nguyễn Văn An")[1]
    assert run("history", "eligible", "--year", "2025", "--db", str(db))[0] == 0
    assert sorted(p.name for p in db.parent.iterdir()) == ["lich-su.sqlite"]  # no -wal, -shm
    assert db.read_bytes() == before


def test_two_units_of_another_cluster_make_a_higher_level_not_strays(tmp_path):
    """A province's folder of its clusters' units (3 of cluster 3, 2 of cluster 5): all counted."""
    folder = tmp_path / "tinh"
    for k in range(3):
        unit(folder, f"a{k}.xlsx", f"Đơn vị A{k}")
    for k in range(2):
        unit(folder, f"b{k}.xlsx", f"Đơn vị B{k}", cluster="Cụm thi đua số 5")
    _, data = run_json("consolidate", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert "wrong_cluster" not in {i["code"] for i in data["issues"]}
    assert data["totals"]["individuals"] == 15
