"""Hostile and broken inputs: every readable number counted once, every unreadable file named,
no input changed, nothing run, nothing read outside the workbook, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import signal
import stat
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.io.libreoffice import convert
from addin.io.safe_files import shown
from addin.io.xlsx_common import EXCEL_MAX_TEXT, STALE_AFTER, write_atomic
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


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file()}  # FIFOs and links to devices are never read, not even here


@pytest.fixture(scope="module")
def consolidated(bad_folder, tmp_path_factory) -> tuple[int, dict, Path]:
    before = _hashes(bad_folder)
    out = tmp_path_factory.mktemp("out") / "report.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(bad_folder), "-o", str(out), "--json"],
                                catch_exceptions=False)
    after = _hashes(bad_folder)
    assert after == before, "an input file was changed"
    return result.exit_code, json.loads(result.output), out


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.name for c in corpus.CASES])
def test_each_bad_file_gets_its_issue_and_the_run_goes_on(consolidated, case):
    code, data, _ = consolidated
    assert code == 1
    name = shown(case.name)  # undecodable bytes of a name are shown as "�"
    entry = next(f for f in data["files"] if Path(f["path"]).name == name)
    codes = {i["code"] for i in data["issues"] if i["file"] and Path(i["file"]).name == name}
    assert case.codes <= codes, (case.name, codes)
    if case.counted is None:
        assert entry["status"] == "unreadable"
        if case.hashed:  # named and fingerprinted
            assert entry["sha256"] and len(entry["sha256"]) == 64
        message = next(i["message"] for i in data["issues"]
                       if i["file"] == entry["path"] and i["code"] == "unreadable_file")
        assert message.startswith("Không đọc được tệp") and case.message in message, message
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


def test_stale_temporary_files_are_cleared_and_only_ours(tmp_path):
    target = tmp_path / "report.xlsx"
    stale = tmp_path / ".report.xlsx.0123456789abcdef.tdkt-part"
    young = tmp_path / ".report.xlsx.fedcba9876543210.tdkt-part"  # another run, writing now
    lookalikes = [tmp_path / ".report.xlsx.x.part", tmp_path / ".report.xlsx.abc.tdkt-part",
                  tmp_path / ".other.xlsx.0123456789abcdef.tdkt-part"]
    for path in [stale, young, *lookalikes]:
        path.write_bytes(b"half a workbook")
    old = time.time() - STALE_AFTER - 60
    for path in [stale, *lookalikes]:
        os.utime(path, (old, old))
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and not stale.exists()
    assert young.exists() and all(p.exists() for p in lookalikes)


def test_output_named_like_a_temporary_file_survives(tmp_path):
    """The old cleanup pattern ".NAME.*.part" also matched other outputs."""
    keep = tmp_path / ".r.xlsx.x.part"
    keep.write_bytes(b"keep")
    os.utime(keep, (0, 0))
    write_atomic(tmp_path / "r.xlsx", b"1")
    assert keep.read_bytes() == b"keep"


def _write_many(target: str, seed: int) -> None:
    for i in range(20):
        write_atomic(target, f"{seed}-{i}".encode() * 1000)


@pytest.mark.parametrize("writers", [2, 8])
def test_concurrent_writers_of_one_output(tmp_path, writers):
    """Processes and threads writing the same file at once: none fails, the result is one
    whole write, no temporary file is left, no descriptor leaks, the mode follows the umask."""
    target = tmp_path / "same.xlsx"
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_write_many, args=(str(target), n)) for n in range(writers)]
    for proc in procs:
        proc.start()
    fds_before = len(os.listdir("/proc/self/fd"))
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(lambda n: _write_many(str(target), 100 + n), range(writers)))
    for proc in procs:
        proc.join()
    assert all(proc.exitcode == 0 for proc in procs)
    assert len(os.listdir("/proc/self/fd")) == fds_before
    whole = {f"{n}-{i}".encode() * 1000 for n in [*range(writers), *range(100, 100 + writers)]
             for i in range(20)}
    assert target.read_bytes() in whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.xlsx"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_failed_write_leaves_no_temporary_file_and_no_descriptor(tmp_path):
    (tmp_path / "dir.xlsx").mkdir()  # a folder where the file should go: the rename fails
    fds_before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError):
        write_atomic(tmp_path / "dir.xlsx", b"x")
    assert len(os.listdir("/proc/self/fd")) == fds_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.xlsx"]


def _make_root(root: Path, clusters: int, files: int) -> None:
    for c in range(clusters):
        folder = root / f"cum-{c}"
        folder.mkdir(parents=True)
        for f in range(files):
            people = [person(name=f"Người {c}-{f}-{i}", seq=i) for i in range(40)]
            write_openpyxl(folder / f"dv-{f}.xlsx", unit_sheets(people))


def test_killing_report_never_leaves_a_broken_workbook(tmp_path):
    root = tmp_path / "root"
    _make_root(root, clusters=4, files=6)
    outdir = tmp_path / "out"
    rng = random.Random(7)
    env = {**os.environ}
    started = time.perf_counter()
    full = subprocess.run([sys.executable, "-m", "addin", "report", str(root), "-o", str(outdir),
                           "--json", "--jobs", "2"], capture_output=True, env=env, check=False)
    duration = time.perf_counter() - started
    assert full.returncode in (0, 1), full.stderr  # the units share a name: duplicate_unit
    kills = 0
    for _ in range(6):
        delay = rng.uniform(0.15, 0.85) * duration  # a random moment inside a run
        proc = subprocess.Popen([sys.executable, "-m", "addin", "report", str(root), "-o",
                                 str(outdir), "--json", "--jobs", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, env=env)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the workers die with it
            kills += 1
        proc.wait()
        for path in outdir.glob("*.xlsx"):
            with zipfile.ZipFile(path) as package:  # raises on a half-written file
                assert package.testzip() is None, path
            openpyxl.load_workbook(path, read_only=True).close()
    assert kills >= 3


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
