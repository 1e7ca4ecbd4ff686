"""Hostile and broken inputs: every readable number counted once, every unreadable file named,
no input changed, nothing run, nothing read outside the workbook, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.io.libreoffice import convert
from addin.io.xlsx_common import EXCEL_MAX_TEXT, write_atomic
from tests import corpus
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "cum"
    corpus.build(folder)
    info = [["Đơn vị", "Đồn Biên phòng Mường Khương"], ["Cụm thi đua", "Cụm 1"],
            ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 40]]
    write_openpyxl(folder / "zz-good.xlsx", unit_sheets([person(name=f"Tốt {i}", seq=i)
                                                         for i in range(3)], info=info))
    return folder


@pytest.fixture(scope="module")
def consolidated(bad_folder, tmp_path_factory) -> tuple[int, dict, Path]:
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bad_folder.iterdir()}
    out = tmp_path_factory.mktemp("out") / "report.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(bad_folder), "-o", str(out), "--json"],
                                catch_exceptions=False)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in bad_folder.iterdir()}
    assert after == before, "an input file was changed"
    return result.exit_code, json.loads(result.output), out


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.name for c in corpus.CASES])
def test_each_bad_file_gets_its_issue_and_the_run_goes_on(consolidated, case):
    code, data, _ = consolidated
    assert code == 1
    entry = next(f for f in data["files"] if Path(f["path"]).name == case.name)
    codes = {i["code"] for i in data["issues"] if i["file"] and Path(i["file"]).name == case.name}
    assert case.codes <= codes, (case.name, codes)
    if case.counted is None:
        assert entry["status"] == "unreadable"
        assert entry["sha256"] and len(entry["sha256"]) == 64  # named and fingerprinted
        message = next(i["message"] for i in data["issues"]
                       if i["file"] == entry["path"] and i["code"] == "unreadable_file")
        assert message.startswith("Không đọc được tệp")
    else:
        assert entry["status"] in ("ok", "errors") and entry["individuals"] == case.counted
    good = next(f for f in data["files"] if Path(f["path"]).name == "zz-good.xlsx")
    assert good["status"] == "ok" and good["individuals"] == 3


def test_every_counted_row_is_in_the_report(consolidated):
    _, data, out = consolidated
    counted = sum(f["individuals"] for f in data["files"] if f["status"] in ("ok", "errors"))
    assert data["totals"]["individuals"] == counted
    people = openpyxl.load_workbook(out)["Cá nhân"]
    assert people.max_row - 5 == counted


def test_text_stays_text_and_fits_excel(consolidated):
    _, _, out = consolidated
    people = openpyxl.load_workbook(out)["Cá nhân"]
    names = {c.value: c for c in people["B"][5:]}
    for text in ("=1+1", "+84 912", "-Lê", "@Trần"):
        assert text in names and names[text].data_type == "s", text
    assert "Nguyễn 🎖️ Văn Anh" in names and "王小明" in names and "Иван Петров" in names
    longest = max((c for c in people["B"][5:] if isinstance(c.value, str)),
                  key=lambda c: len(c.value))
    assert len(longest.value) == EXCEL_MAX_TEXT and longest.value.endswith("[cắt bớt]")
    assert "pass" not in "".join(str(c.value) for c in people["B"] if c.value)  # no /etc/passwd


def test_macros_are_never_copied(consolidated):
    _, _, out = consolidated
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
    assert not any("vba" in n.lower() for n in names)
    assert out.suffix == ".xlsx"


@needs_libreoffice
def test_report_of_bad_inputs_opens_in_libreoffice(consolidated, tmp_path):
    _, _, out = consolidated
    assert convert(out, tmp_path, "pdf").stat().st_size > 0


def test_stale_temporary_files_are_cleared(tmp_path):
    target = tmp_path / "report.xlsx"
    stale = tmp_path / ".report.xlsx.abc123.part"
    stale.write_bytes(b"half a workbook")
    other = tmp_path / ".other.xlsx.x.part"
    other.write_bytes(b"x")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and not stale.exists() and other.exists()


def _make_root(root: Path, clusters: int, files: int) -> None:
    for c in range(clusters):
        folder = root / f"cum-{c}"
        folder.mkdir(parents=True)
        for f in range(files):
            people = [person(name=f"Người {c}-{f}-{i}", seq=i) for i in range(40)]
            write_openpyxl(folder / f"dv-{f}.xlsx", unit_sheets(people))


def _written_since(outdir: Path, since: float) -> list[Path]:
    return [p for p in outdir.glob("*.xlsx") if p.stat().st_mtime >= since]


def test_killing_report_never_leaves_a_broken_workbook(tmp_path):
    root = tmp_path / "root"
    _make_root(root, clusters=4, files=6)
    outdir = tmp_path / "out"
    rng = random.Random(7)
    command = [sys.executable, "-m", "addin", "report", str(root), "-o", str(outdir), "--json",
               "--jobs", "2"]
    kills_while_writing = 0
    for attempt in range(6):
        started = time.time()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        # Kill only once this run has replaced at least one report (so that the kill lands
        # while outputs are being written, never before any exists), after a random moment.
        while proc.poll() is None and not _written_since(outdir, started):
            time.sleep(0.005)
        # Half the runs die at once (the other reports and the roll-up still to come), half at
        # a random later moment (possibly after the last write, or after the process ended).
        time.sleep(0.0 if attempt % 2 == 0 else rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the workers die with it
            written = _written_since(outdir, started)
            kills_while_writing += 0 < len(written) < 5  # some reports replaced, not all
        proc.wait()
        for path in outdir.glob("*.xlsx"):
            with zipfile.ZipFile(path) as package:  # raises on a half-written file
                assert package.testzip() is None, path
            openpyxl.load_workbook(path, read_only=True).close()
    assert kills_while_writing >= 3, kills_while_writing
    full = subprocess.run(command, capture_output=True, check=False)
    assert full.returncode in (0, 1), full.stderr  # the units share a name: duplicate_unit
    assert len(list(outdir.glob("*.xlsx"))) == 5  # 4 clusters and the roll-up


def test_output_folder_inside_the_input_is_refused(tmp_path):
    root = tmp_path / "root"
    _make_root(root, clusters=1, files=1)
    result = CliRunner().invoke(cli, ["report", str(root), "-o", str(root / "out")])
    assert result.exit_code == 2 and "nằm trong thư mục đầu vào" in result.output


def test_file_names_with_tricks_are_read_and_shown_as_text(tmp_path):
    folder = tmp_path / "cum"
    folder.mkdir()
    name = "bad\nname; ..\\..\\=cmd.xlsx"
    write_openpyxl(folder / name, unit_sheets([person()]))
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json"],
                                catch_exceptions=False)
    data = json.loads(result.output)
    assert [Path(f["path"]).name for f in data["files"]] == [name]
    assert data["totals"]["individuals"] == 1
    sources = openpyxl.load_workbook(out)["Nguồn"]
    cell = sources["B6"]
    assert cell.value.endswith(name) and cell.data_type == "s"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cum", "r.xlsx"]
