"""End to end through click's CliRunner and as a subprocess, on real folders."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from tests.conftest import (
    TextLiteral,
    collective,
    needs_libreoffice,
    person,
    unit_sheets,
    write_openpyxl,
    write_xlsxwriter,
)
from tests.sheet_rows import header_row, top_texts

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str) -> tuple[int, dict]:
    code, out = run(*args, "--json")
    return code, json.loads(out)


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def clean_cluster(tmp_path) -> Path:
    folder = tmp_path / "cum"
    folder.mkdir()
    for i, unit in enumerate(("Ban CHQS huyện Ea Kar", "Ban CHQS huyện Lắk")):
        info = [["Đơn vị", unit], ["Cụm thi đua", "Cụm thi đua số 3"], ["Kỳ báo cáo", "Năm 2024"],
                ["Quân số", 60], ["Số đầu mối", 5], ["Ngày lập", f"1{i}/12/2024"]]
        people = [person(name=f"Người {i}-{k}", seq=k, agree=9) for k in range(5)]
        write_openpyxl(folder / f"u{i}.xlsx", unit_sheets(people, [collective()], info=info))
    return folder


@pytest.fixture
def messy_cluster(tmp_path) -> Path:
    """Every drift and error of contracts.md §1/§4 somewhere in the folder."""
    folder = tmp_path / "messy"
    folder.mkdir()
    people = [
        person(name="Đúng", agree=8),
        person(name="Đồng ý > có mặt", present=7, agree=8, seq=2),
        person(name="Thiếu túc số", members=9, present=5, agree=5, seq=3),
        person(name="Danh hiệu lạ", title="Huân chương", seq=4),
        person(name="Sai loại", title="Đơn vị tiên tiến", seq=5),
        person(name="Chưa đạt", agree=3, seq=6),
        person(name="Thiếu sáng kiến", title="CSTĐCS", seq=7),
        person(name="Năm liên tục", title="CSTĐ toàn quân", initiative="x", streak=1, seq=8),
        person(name="Chữ", agree="tám", seq=9),
        person(name="Lẻ", agree=7.5, seq=10),
        person(name="Âm", agree=-1, seq=11),
        person(name=TextLiteral('=HYPERLINK("http://x")'), seq=12),
        person(name="Đúng", agree=8, seq=13),  # duplicate person
        person(name="NguyÔn V¨n Hïng", seq=14),  # TCVN3
        person(name="", seq=15),
    ]
    people[0][9] = 12.5  # a stale "Tỷ lệ (%)" typed by hand
    sheets = unit_sheets(people, [collective(cstt=5)])
    sheets["Cá nhân"][3].append("Cột thêm")
    write_openpyxl(folder / "a-messy.xlsx", sheets)
    write_xlsxwriter(folder / "b-missing.xlsx", {"Thông tin": [["Đơn vị", "B"]],
                                                 "Cá nhân": [["Họ tên", "Danh hiệu"]]})
    (folder / "c-corrupt.xlsx").write_bytes(b"PK\x03\x04 not really")
    shutil.copy(folder / "a-messy.xlsx", folder / "d-copy.xlsx")
    info = [["Đơn vị", "Ban CHQS huyện Ea Kar"], ["Cụm thi đua", "Cụm thi đua số 3"],
            ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 3]]
    write_openpyxl(folder / "e-same-unit.xlsx",
                   unit_sheets([person(name=f"P{k}", seq=k) for k in range(3)], info=info))
    (folder / "~$a-messy.xlsx").write_bytes(b"lock")
    (folder / ".hidden.xlsx").write_bytes(b"x")
    (folder / "notes.txt").write_text("x")
    return folder


def test_rules_show(tmp_path):
    code, out = run("rules", "show")
    assert code == 0
    assert "CSTDCS" in out and "CẦN KIỂM TRA" in out and "TT 151/2018/TT-BQP" in out
    code, data = run_json("rules", "show")
    assert code == 0
    cstt = next(t for t in data["titles"] if t["code"] == "CSTT")
    assert cstt["vote"]["threshold"] == "50%" and cstt["vote"]["verified"] is False
    override = tmp_path / "o.toml"
    override.write_text('[votes.basic]\nthreshold = "60%"\n', encoding="utf-8")
    code, data = run_json("rules", "show", "--rules", str(override))
    assert next(t for t in data["titles"] if t["code"] == "CSTT")["vote"]["threshold"] == "60%"
    override.write_text('[votes.basic]\ncomparison = "=>"\n', encoding="utf-8")
    code, out = run("rules", "show", "--rules", str(override))
    assert code == 2 and "votes.basic.comparison" in out


def test_consolidate_clean_cluster(clean_cluster, tmp_path):
    out = tmp_path / "out" / "report.xlsx"
    before = digest_tree(clean_cluster)
    code, data = run_json("consolidate", str(clean_cluster), "-o", str(out))
    assert code == 0, data["issues"]
    assert data["totals"] == {"files": 2, "individuals": 10, "collectives": 2}
    assert data["by_title"] == {"CSTT": {"proposed": 10, "passed": 10},
                                "DVTT": {"proposed": 2, "passed": 2}}
    assert data["output"] == str(out) and data["issues"] == []
    cluster_cstt = next(q for q in data["quotas"] if q["unit"] is None and q["quota"] == "CSTT")
    assert (cluster_cstt["base"], cluster_cstt["limit"], cluster_cstt["counted"]) == (120, 48, 10)
    assert digest_tree(clean_cluster) == before  # inputs untouched
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Cá nhân", "Tập thể", "Khen thưởng", "Hạn mức",
                             "Xếp hạng", "Kiểm tra", "Nguồn"]
    summary = wb["Tổng hợp"]
    texts = top_texts(summary)
    assert "CỤM THI ĐUA SỐ 3" in texts and "……, ngày 11 tháng 12 năm 2024" in texts
    reconciliation = next(t for t in texts if t.startswith("Đối chiếu"))
    assert "14 dòng có nội dung đọc từ 2 tệp = 14 dòng trong báo cáo + 0 dòng" in reconciliation
    assert "KHÔNG KHỚP" not in reconciliation
    top = header_row(summary, "STT")  # two header rows, then the units
    assert summary.cell(top + 2, 2).value == "Ban CHQS huyện Ea Kar"
    assert str(summary.cell(top + 4, 5).value).startswith(f"=SUM(E{top + 2}:E{top + 3})")
    people = wb["Cá nhân"]
    top = header_row(people, "STT")
    header = [c.value for c in people[top]]
    assert header[-2:] == ["Tệp nguồn", "Dòng nguồn"]
    assert people.cell(top + 1, len(header) - 1).value.endswith("u0.xlsx")
    assert people.cell(top + 1, len(header)).value == 5
    sources = wb["Nguồn"]
    top = header_row(sources, "STT")
    assert sources.cell(top + 1, 5).value == hashlib.sha256(
        (clean_cluster / "u0.xlsx").read_bytes()).hexdigest()
    assert sources.cell(top + 1, 11).value == "Khớp"


def test_same_inputs_same_bytes(clean_cluster, tmp_path):
    run("consolidate", str(clean_cluster), "-o", str(tmp_path / "a.xlsx"))
    run("consolidate", str(clean_cluster), "-o", str(tmp_path / "b.xlsx"))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_messy_cluster(messy_cluster, tmp_path):
    out = tmp_path / "messy.xlsx"
    before = digest_tree(messy_cluster)
    code, data = run_json("consolidate", str(messy_cluster), "-o", str(out))
    assert code == 1 and out.exists()
    assert digest_tree(messy_cluster) == before
    statuses = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert statuses == {"a-messy.xlsx": "errors", "b-missing.xlsx": "errors",
                        "c-corrupt.xlsx": "unreadable", "d-copy.xlsx": "skipped",
                        "e-same-unit.xlsx": "errors"}
    found = {(Path(i["file"]).name if i["file"] else None, i["row"], i["column"], i["code"])
             for i in data["issues"]}
    a = "a-messy.xlsx"
    for expected in [
        (a, 6, "I", "agree_exceeds_present"), (a, 7, "H", "quorum_not_met"),
        (a, 8, "F", "unknown_title"), (a, 9, "F", "wrong_title_kind"),
        (a, 10, "I", "below_threshold"), (a, 11, "L", "prerequisite_missing"),
        (a, 12, "M", "prerequisite_missing"), (a, 13, "I", "not_a_number"),
        (a, 14, "I", "not_an_integer"), (a, 15, "I", "negative_number"),
        (a, 17, "B", "duplicate_person"), (a, 18, "B", "legacy_encoding"),
        (a, 19, "B", "missing_value"), (a, 5, "J", "percent_mismatch"),
        (a, 4, "O", "unexpected_column"), (a, 5, "E", "criteria_not_met"),
        ("b-missing.xlsx", None, None, "missing_sheet"),
        ("b-missing.xlsx", 1, None, "missing_column"),
        ("c-corrupt.xlsx", None, None, "unreadable_file"),
        ("d-copy.xlsx", None, None, "duplicate_file"),
        ("e-same-unit.xlsx", 1, "B", "duplicate_unit"),
        ("e-same-unit.xlsx", None, None, "quota_exceeded"),
    ]:
        assert expected in found, expected
    # rows in = rows out, for the counted files
    wb = openpyxl.load_workbook(out)
    names = [r[1].value for r in wb["Cá nhân"].iter_rows(
        min_row=header_row(wb["Cá nhân"], "STT") + 1)]
    assert len(names) == 15 + 3
    assert '=HYPERLINK("http://x")' in names  # user text written as text, never a formula
    cell = next(c for c in wb["Cá nhân"]["B"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"
    assert wb["Tập thể"].max_row == header_row(wb["Tập thể"], "STT") + 1
    assert wb["Kiểm tra"].max_row == header_row(wb["Kiểm tra"], "STT") + len(data["issues"])


def test_validate(messy_cluster, clean_cluster):
    code, out = run("validate", str(messy_cluster))
    assert code == 1
    assert "a-messy.xlsx" in out and "[Lỗi] Cá nhân!I6 (agree_exceeds_present)" in out
    code, data = run_json("validate", str(clean_cluster / "u0.xlsx"))
    assert code == 0 and data["output"] is None and data["totals"]["individuals"] == 5
    assert run("validate", str(clean_cluster), "--strict")[0] == 0


def test_validate_strict_fails_on_warnings(tmp_path):
    write_openpyxl(tmp_path / "w.xlsx", unit_sheets([person(agree=2)]))
    assert run("validate", str(tmp_path / "w.xlsx"))[0] == 0
    assert run("validate", str(tmp_path / "w.xlsx"), "--strict")[0] == 1


def test_nothing_to_read(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, data = run_json("consolidate", str(empty), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and data["output"] is None and not (tmp_path / "x.xlsx").exists()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "~$lock.xlsx").write_bytes(b"x")
    (junk / "readme.txt").write_text("x")
    (junk / ".hidden.xlsx").write_bytes(b"x")
    assert run("consolidate", str(junk), "-o", str(tmp_path / "y.xlsx"))[0] == 2
    assert run("validate", str(junk))[0] == 2
    assert run("validate")[0] == 2  # usage


def test_output_never_over_an_input(clean_cluster, tmp_path):
    before = digest_tree(clean_cluster)
    code, out = run("consolidate", str(clean_cluster), "-o", str(clean_cluster / "u0.xlsx"))
    assert code == 2 and ("trùng" in out or "nằm trong" in out)
    code, out = run("consolidate", str(clean_cluster), "-o", str(clean_cluster / "new.xlsx"))
    assert code == 2 and "nằm trong thư mục đầu vào" in out
    assert digest_tree(clean_cluster) == before


def test_read_only_output_location(clean_cluster, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root ignores directory permissions; /proc refuses everyone
    target = locked / "r.xlsx" if os.geteuid() != 0 else Path("/proc/tdkt-read-only/r.xlsx")
    try:
        code, out = run("consolidate", str(clean_cluster), "-o", str(target))
        assert code == 2 and "Không ghi được" in out
        assert not target.exists()
    finally:
        locked.chmod(0o700)


def test_output_path_that_cannot_be_written(clean_cluster, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out = run("consolidate", str(clean_cluster), "-o", str(blocker / "r.xlsx"))
    assert code == 2 and "Không ghi được" in out
    assert blocker.read_text() == "x"


def test_report_many_clusters(tmp_path, clean_cluster, messy_cluster):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copytree(clean_cluster, root / "cum-1")
    shutil.copytree(messy_cluster, root / "cum-2")
    (root / "cum-3-empty").mkdir()
    outdir = tmp_path / "reports"
    code, data = run_json("report", str(root), "-o", str(outdir), "--jobs", "2")
    assert code == 1
    assert sorted(p.name for p in outdir.iterdir()) == ["cum-1.xlsx", "cum-2.xlsx",
                                                        "tong-hop-cac-cum.xlsx"]
    assert data["totals"]["individuals"] == 10 + 18
    assert data["by_title"]["CSTT"]["proposed"] == 10 + 11 + 3
    rollup = openpyxl.load_workbook(outdir / "tong-hop-cac-cum.xlsx")
    assert rollup.sheetnames == ["Các cụm", "Theo danh hiệu", "Hạn mức các cụm", "Đơn vị dẫn đầu"]
    lines = rollup["Các cụm"]
    top = header_row(lines, "STT")
    assert [lines.cell(top + 1, 3).value, lines.cell(top + 2, 3).value] == ["cum-1", "cum-2"]
    assert lines.cell(top + 3, 7).value == f"=SUM(G{top + 1}:G{top + 2})"


def test_template_commands(tmp_path):
    assert run("template", "unit", "-o", str(tmp_path / "u.xlsx"))[0] == 0
    assert run("template", "cluster", "-o", str(tmp_path / "c.xlsx"))[0] == 0
    assert openpyxl.load_workbook(tmp_path / "u.xlsx").sheetnames[1] == "Thông tin"
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames[0] == "Tổng hợp"


def test_demo_runs_the_whole_flow(tmp_path):
    code, out = run("demo", "-o", str(tmp_path / "d"))
    assert code == 0
    assert (tmp_path / "d" / "ket-qua" / "bao-cao-cum-thi-dua-so-3.xlsx").is_file()
    assert (tmp_path / "d" / "ket-qua" / "bao-cao" / "tong-hop-cac-cum.xlsx").is_file()
    assert "ket-qua" in out


def test_demo_workbooks_round_trip_to_the_expected_issues():
    code, data = run_json("validate", str(DEMO))
    assert code == 1
    found = sorted({(Path(i["file"]).name, i["code"]) for i in data["issues"]})
    assert found == [
        ("ban-chqs-ea-kar.xlsx", "agree_exceeds_present"),
        ("ban-chqs-ea-kar.xlsx", "prerequisite_missing"),
        ("ban-chqs-krong-ana.xlsx", "quota_exceeded"),
        ("ban-chqs-krong-bong.xlsx", "below_threshold"),
        ("ban-chqs-krong-bong.xlsx", "duplicate_person"),
        ("ban-chqs-krong-bong.xlsx", "quorum_not_met"),
        ("ban-chqs-krong-bong.xlsx", "score_exceeds_max"),
        ("ban-chqs-mdrak.xlsx", "legacy_encoding"),
    ]
    assert data["totals"]["files"] == 5


def test_subprocess_entry_points(clean_cluster, tmp_path):
    out = tmp_path / "sub.xlsx"
    result = subprocess.run([sys.executable, "-m", "addin", "consolidate", str(clean_cluster),
                             "-o", str(out), "--json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totals"]["individuals"] == 10
    assert result.stderr == ""  # no progress bar when not on a terminal
    tdkt = shutil.which("tdkt")
    if tdkt:
        version = subprocess.run([tdkt, "--version"], capture_output=True, text=True, check=True)
        assert "tdkt" in version.stdout


def test_the_process_ends_with_its_exit_status_and_all_its_output(messy_cluster, tmp_path):
    """main() leaves without tearing the interpreter down (addin.cli._leave): what was printed
    into a file (block-buffered) is all there, and the exit status is the command's."""
    out, shown = tmp_path / "messy.xlsx", tmp_path / "stdout.json"
    with shown.open("w") as stdout:
        result = subprocess.run([sys.executable, "-m", "addin", "validate", str(messy_cluster),
                                 "--json"], stdout=stdout, stderr=subprocess.PIPE, text=True,
                                check=False)
    assert result.returncode == 1, result.stderr
    assert len(json.loads(shown.read_text("utf-8"))["issues"]) > 10
    usage = subprocess.run([sys.executable, "-m", "addin", "consolidate", str(tmp_path / "none"),
                            "-o", str(out)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "không tồn tại" in usage.stderr and not out.exists()
    listed = subprocess.run([sys.executable, "-m", "addin", "--version"], capture_output=True,
                            text=True, check=False)
    assert listed.returncode == 0 and listed.stdout.startswith("tdkt")


_LEAVE = """
import atexit, sys
from addin.cli import _leave
atexit.register(lambda: open(sys.argv[1], "w").write("exit handlers ran"))
if sys.argv[2] == "no-console":
    sys.stdout = sys.stderr = None
else:
    sys.stdout.write("x" * 100)  # block-buffered into a file, never flushed by the caller
_leave(int(sys.argv[3]))
"""


@pytest.mark.parametrize("console", ["file", "no-console"])
def test_leaving_flushes_runs_exit_handlers_and_keeps_the_status(tmp_path, console):
    marker, shown = tmp_path / "atexit.txt", tmp_path / "stdout.txt"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with shown.open("w") as stdout:
        result = subprocess.run([sys.executable, "-c", _LEAVE, str(marker), console, "3"],
                                stdout=stdout, stderr=subprocess.PIPE, text=True, check=False,
                                env=buffered)
    assert result.returncode == 3, result.stderr
    assert marker.read_text() == "exit handlers ran"
    assert shown.read_text() == ("x" * 100 if console == "file" else "")


@needs_libreoffice
def test_consolidate_with_pdf(clean_cluster, tmp_path):
    out = tmp_path / "pdf" / "report.xlsx"
    code, _ = run("consolidate", str(clean_cluster), "-o", str(out), "--pdf")
    assert code == 0
    pdf = out.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
