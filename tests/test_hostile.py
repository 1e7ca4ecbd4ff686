"""Hostile and broken inputs: every readable number counted once, every unreadable file named,
no input changed, nothing run, nothing read outside the workbook, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
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
from addin.io.xlsx_common import EXCEL_MAX_TEXT, STALE_AFTER, write_atomic, written_by_tdkt
from tests import corpus
from tests.conftest import needs_libreoffice, person, unit_sheets, write_openpyxl
from tests.sheet_rows import header_row

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "cum"
    corpus.build(folder)
    info = [["Đơn vị", "Đồn Biên phòng Mường Khương"], ["Cụm thi đua", "Cụm thi đua số 3"],
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
    assert people.max_row - header_row(people, "STT") == counted


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


def _staged(outdir: Path) -> list[Path]:
    """Reports written in full, waiting to be renamed in with the rest of the set."""
    return list(outdir.glob(".*.tdkt-part")) if outdir.is_dir() else []


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
        # Kill only once this run has written at least one report (staged beside its target,
        # to be renamed in with the others, or already renamed in), after a random moment.
        while proc.poll() is None and not (_staged(outdir) or _written_since(outdir, started)):
            time.sleep(0.005)
        # Half the runs die at once (the other reports and the roll-up still to come), half at
        # a random later moment (possibly after the last write, or after the process ended).
        time.sleep(0.0 if attempt % 2 == 0 else rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the workers die with it
            written = _written_since(outdir, started)
            kills_while_writing += bool(_staged(outdir)) or 0 < len(written) < 5
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
    cell = sources.cell(header_row(sources, "STT") + 1, 2)
    assert cell.value.endswith(name) and cell.data_type == "s"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cum", "r.xlsx"]


# -- round two (issue 11): probes through the real command, each with its exit code and words ---
def _tdkt(*args: str, user: str | None = None, timeout: float = 120,
          preexec=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "addin", *args]
    if user:  # root ignores permissions: run as an unprivileged user to meet them
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                          cwd=ROOT, preexec_fn=preexec)


def _no_traceback(proc: subprocess.CompletedProcess) -> str:
    """Both streams as strict UTF-8 (a name with a 0xFF byte must not break them), with no
    Python traceback or English exception text in them."""
    out = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    for english in ("Traceback", "Error:", "BrokenProcessPool", "panicked"):
        assert english not in out, out[-2000:]
    return out


@pytest.fixture()
def good_book(tmp_path) -> Path:
    return write_openpyxl(tmp_path / "good.xlsx", unit_sheets([person()]))


RULES_PROBES = [
    ("threshold-nan", "[votes.basic]\nthreshold = nan\n", ["votes.basic.threshold", "hữu hạn"]),
    ("threshold-inf", "[votes.basic]\nthreshold = inf\n", ["votes.basic.threshold", "hữu hạn"]),
    ("percent-decimals-26", "[display]\npercent_decimals = 26\n",
     ["display.percent_decimals", "từ 0 đến 10"]),
    ("misspelt-key", '[votes.basic]\ntreshold = "60%"\n',
     ["votes.basic.treshold", 'có phải "threshold"']),
    ("misspelt-table", '[vote.high]\nthreshold = "60%"\n', ["vote:", 'có phải "votes"']),
    ("unbounded-order", "[titles.CSTT]\norder = 100000000000\n", ["titles.CSTT.order"]),
    ("unbounded-streak", "[titles.CSTDTQ]\nmin_streak = 99999\n", ["titles.CSTDTQ.min_streak"]),
    ("not-toml", "[votes.basic\n", ["sai cú pháp TOML ở dòng 1"]),
]


@pytest.mark.parametrize("name,text,words", RULES_PROBES, ids=[p[0] for p in RULES_PROBES])
def test_bad_rules_files_are_refused_in_vietnamese(tmp_path, good_book, name, text, words):
    rules = tmp_path / f"{name}.toml"
    rules.write_text(text, encoding="utf-8")
    proc = _tdkt("validate", str(good_book), "--rules", str(rules))
    out = _no_traceback(proc)
    assert proc.returncode == 2, out
    assert "Bộ quy tắc không dùng được" in out and all(w in out for w in words), out
    assert "expected" not in out


def test_a_valid_override_is_still_accepted(tmp_path, good_book):
    rules = tmp_path / "ok.toml"
    rules.write_text('[votes.basic]\nthreshold = "60%"\n[display]\npercent_decimals = 10\n',
                     encoding="utf-8")
    assert _tdkt("validate", str(good_book), "--rules", str(rules)).returncode == 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_rules_path_that_is_not_a_regular_file(tmp_path, good_book, kind):
    path = tmp_path / "r.toml"
    if kind == "fifo":
        os.mkfifo(path)  # opened for reading, it would wait for a writer forever
    else:
        path.symlink_to("/dev/zero")  # read, it would never end
    proc = _tdkt("validate", str(good_book), "--rules", str(path), timeout=30)
    out = _no_traceback(proc)
    assert proc.returncode == 2 and "không phải tệp thông thường" in out, out


@pytest.mark.parametrize("kind", ["fifo", "broken-link"])
def test_local_rules_file_that_cannot_be_read_is_not_ignored(tmp_path, good_book, kind):
    folder = tmp_path / "cum"
    folder.mkdir()
    shutil.copy(good_book, folder / "a.xlsx")
    local = folder / "tdkt-rules.toml"
    if kind == "fifo":
        os.mkfifo(local)
    else:
        local.symlink_to(tmp_path / "gone.toml")
    for command in (["validate", str(folder)],
                    ["consolidate", str(folder), "-o", str(tmp_path / "r.xlsx")]):
        proc = _tdkt(*command, timeout=30)
        out = _no_traceback(proc)
        assert proc.returncode == 2 and "tdkt-rules.toml" in out and "Bộ quy tắc" in out, out


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_named_workbook_that_is_not_a_regular_file(tmp_path, good_book, kind):
    path = tmp_path / "unit.xlsx"
    if kind == "fifo":
        os.mkfifo(path)
        target = str(path)
    else:
        target = "/dev/zero"
    proc = _tdkt("validate", target, str(good_book), "--json", timeout=30)
    _no_traceback(proc)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    issue = next(i for i in data["issues"] if i["code"] == "unreadable_file")
    assert "không phải tệp thông thường" in issue["message"]
    assert data["totals"]["individuals"] == 1  # the good file is still read


NOBODY = "65534"  # nobody:nogroup


def _open_to_nobody(tmp_path: Path) -> Path:
    """A folder an unprivileged user can reach (pytest's own is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="tdkt-nobody-"))
    base.chmod(0o755)
    return base


needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="permissions are only met as an unprivileged user: needs root and setpriv")


@needs_setpriv
def test_validate_on_a_folder_it_may_not_list(tmp_path, good_book):
    base = _open_to_nobody(tmp_path)
    try:
        closed = base / "closed"
        closed.mkdir()
        shutil.copy(good_book, closed / "a.xlsx")
        closed.chmod(0o700)  # root's: nobody may not list it
        shutil.copy(good_book, base / "b.xlsx")
        (base / "b.xlsx").chmod(0o644)
        proc = _tdkt("validate", str(closed), str(base / "b.xlsx"), "--json", user=NOBODY)
        _no_traceback(proc)
        data = json.loads(proc.stdout)
        assert proc.returncode == 1
        assert any(i["code"] == "unreadable_file" and "không đọc được thư mục" in i["message"]
                   and "không có quyền" in i["message"] for i in data["issues"])
        assert data["totals"]["individuals"] == 1
        human = _tdkt("validate", str(closed), user=NOBODY)
        assert human.returncode == 1 and "không đọc được thư mục" in _no_traceback(human)
    finally:
        shutil.rmtree(base)


@needs_setpriv
@pytest.mark.parametrize("command", [["template", "unit", "-o"], ["template", "cluster", "-o"],
                                     ["demo", "-o"]])
def test_read_only_location_is_a_message(tmp_path, command):
    base = _open_to_nobody(tmp_path)
    try:
        target = base / ("out.xlsx" if command[0] == "template" else "demo")
        proc = _tdkt(*command, str(target), user=NOBODY)
        out = _no_traceback(proc)
        assert proc.returncode == 2 and "Không ghi được" in out and "không có quyền" in out, out
    finally:
        shutil.rmtree(base)


def _small_disk() -> None:
    """What a full disk does to a writer: a write fails with an OS error part way."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.parametrize("command", [["template", "unit", "-o"], ["demo", "-o"]])
def test_full_disk_is_a_message(tmp_path, command):
    proc = _tdkt(*command, str(tmp_path / "out"), preexec=_small_disk)
    out = _no_traceback(proc)
    assert proc.returncode == 2 and "Không ghi được" in out, out
    assert not any(p.name.endswith(".tdkt-part") for p in tmp_path.rglob("*"))


def test_output_that_tdkt_did_not_write_is_not_overwritten(tmp_path, good_book):
    folder = tmp_path / "cum"
    folder.mkdir()
    shutil.copy(good_book, folder / "a.xlsx")
    mine = write_openpyxl(tmp_path / "mine.xlsx", unit_sheets([person(name="Của tôi")]))
    before = mine.read_bytes()
    for command in (["consolidate", str(folder), "-o", str(mine)],
                    ["template", "unit", "-o", str(mine)]):
        proc = _tdkt(*command)
        out = _no_traceback(proc)
        assert proc.returncode == 2 and "không phải tệp do tdkt tạo ra" in out and "--force" in out
        assert mine.read_bytes() == before
    report_dir = tmp_path / "out"
    report_dir.mkdir()
    (report_dir / "cum.xlsx").write_bytes(before)  # where `report` would write cluster "cum"
    proc = _tdkt("report", str(tmp_path / "root-does-not-matter"), "-o", str(report_dir))
    assert proc.returncode == 2  # (no such root: click refuses first)
    root = tmp_path / "root"
    shutil.copytree(folder, root / "cum")
    proc = _tdkt("report", str(root), "-o", str(report_dir))
    assert proc.returncode == 2 and "không phải tệp do tdkt tạo ra" in _no_traceback(proc)
    assert (report_dir / "cum.xlsx").read_bytes() == before
    # A file tdkt wrote is replaced without asking; --force replaces anything.
    assert _tdkt("consolidate", str(folder), "-o", str(tmp_path / "r.xlsx")).returncode == 0
    assert _tdkt("consolidate", str(folder), "-o", str(tmp_path / "r.xlsx")).returncode == 0
    assert _tdkt("consolidate", str(folder), "-o", str(mine), "--force").returncode == 0
    assert mine.read_bytes() != before and written_by_tdkt(mine)


def test_names_that_are_not_utf8(tmp_path, good_book):
    """Bytes like 0xFF in file and folder names (old Windows PCs): every output is valid
    UTF-8 and shows "�"; the real file is still read."""
    root = Path(os.fsdecode(bytes(tmp_path) + b"/root"))
    cluster = Path(os.fsdecode(bytes(root) + b"/c\xffm"))
    cluster.mkdir(parents=True)
    bad_name = os.fsdecode(b"\xff\xfe-don-vi.xlsx")
    shutil.copy(good_book, cluster / bad_name)
    proc = _tdkt("validate", str(cluster), "--json")
    _no_traceback(proc)
    data = json.loads(proc.stdout.decode("utf-8"))
    assert proc.returncode == 0 and data["totals"]["individuals"] == 1
    assert data["files"][0]["path"].endswith("c\ufffdm/\ufffd\ufffd-don-vi.xlsx")
    human = _tdkt("validate", str(cluster))
    assert "\ufffd\ufffd-don-vi.xlsx" in _no_traceback(human)
    out = tmp_path / "r.xlsx"
    proc = _tdkt("consolidate", str(cluster), "-o", str(out), "--json")
    _no_traceback(proc)
    assert proc.returncode == 0 and json.loads(proc.stdout)["totals"]["individuals"] == 1
    sources = openpyxl.load_workbook(out)["Nguồn"]
    assert any("\ufffd\ufffd-don-vi.xlsx" in str(c.value) for row in sources.iter_rows()
               for c in row)
    proc = _tdkt("report", str(root), "-o", str(tmp_path / "reports"), "--json")
    _no_traceback(proc)
    data = json.loads(proc.stdout)
    assert proc.returncode == 0 and data["clusters"][0]["name"] == "c\ufffdm"
    assert (tmp_path / "reports" / "tong-hop-cac-cum.xlsx").exists()
    for command in (["demo", "-o", os.fsdecode(bytes(tmp_path) + b"/d\xff")],
                    ["template", "unit", "-o", os.fsdecode(bytes(tmp_path) + b"/\xff.xlsx")]):
        proc = _tdkt(*command)
        assert proc.returncode == 0 and "\ufffd" in _no_traceback(proc)


POISON = ("shared-string-count-bomb.xlsx", "cells-without-reference.xlsx", "fifo.xlsx")


def _poisoned_root(root: Path, clusters: int) -> None:
    cases = {c.name: c for c in corpus.CASES}
    for c in range(clusters):
        folder = root / f"cum-{c}"
        folder.mkdir(parents=True)
        for f in range(3):
            people = [person(name=f"Người {c}-{f}-{i}", seq=i + 1) for i in range(5)]
            info = [["Đơn vị", f"Đơn vị {c}-{f}"], ["Cụm thi đua", f"Cụm {c}"],
                    ["Kỳ báo cáo", "Năm 2024"], ["Quân số", 50]]
            write_openpyxl(folder / f"dv-{f}.xlsx", unit_sheets(people, info=info))
        if c == 1:  # the poisoned cluster
            for name in POISON:
                cases[name].make(folder / name)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_survives_a_poisoned_cluster(tmp_path, jobs):
    root = tmp_path / "root"
    _poisoned_root(root, clusters=3)
    outdir = tmp_path / "out"
    proc = _tdkt("report", str(root), "-o", str(outdir), "--jobs", jobs, "--json")
    _no_traceback(proc)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [c["name"] for c in data["clusters"]] == ["cum-0", "cum-1", "cum-2"]
    assert sorted(p.name for p in outdir.glob("*.xlsx")) == [
        "cum-0.xlsx", "cum-1.xlsx", "cum-2.xlsx", "tong-hop-cac-cum.xlsx"]
    assert data["totals"]["individuals"] == 3 * 3 * 5
    status = {Path(f["path"]).name: f["status"] for f in data["files"] if "cum-1" in f["path"]}
    assert all(status[name] == "unreadable" for name in POISON)
    rollup = openpyxl.load_workbook(outdir / "tong-hop-cac-cum.xlsx")
    assert rollup.sheetnames


def test_consolidate_of_a_poisoned_cluster_is_complete(tmp_path):
    root = tmp_path / "root"
    _poisoned_root(root, clusters=2)
    out = tmp_path / "r.xlsx"
    proc = _tdkt("consolidate", str(root / "cum-1"), "-o", str(out), "--json")
    _no_traceback(proc)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["totals"]["individuals"] == 15
    people = openpyxl.load_workbook(out)["Cá nhân"]
    assert people.max_row - header_row(people, "STT") == 15


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_the_parent_leaves_no_worker_behind(tmp_path):
    """SIGKILL to the main process only (not its group): the cluster workers and their reading
    workers must go too."""
    root = tmp_path / "root"
    _make_root(root, clusters=6, files=8)
    proc = subprocess.Popen([sys.executable, "-m", "addin", "report", str(root), "-o",
                             str(tmp_path / "out"), "--jobs", "2", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _descendants(proc.pid)
        if len(workers) >= 4:  # two cluster workers, each with a reading worker
            break
        time.sleep(0.02)
    assert len(workers) >= 4, "the run ended before its workers could be seen"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.05)
    assert not [p for p in workers if _alive(p)]


def test_a_cluster_worker_killed_mid_run_costs_no_roll_up(tmp_path):
    """The kernel's OOM killer (or anyone) kills one of report's cluster workers: the broken
    pool's clusters are redone in the main process; every report and the roll-up are written,
    and no BrokenProcessPool reaches the user."""
    root = tmp_path / "root"
    _make_root(root, clusters=6, files=8)
    outdir = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "addin", "report", str(root), "-o",
                             str(outdir), "--jobs", "2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and proc.poll() is None:
        children = [p for p in _descendants(proc.pid) if _parent(p) == proc.pid]
        grandchildren = [p for p in _descendants(proc.pid) if _parent(p) != proc.pid]
        if children and grandchildren:  # a cluster worker busy reading through its own worker
            victim = _parent(grandchildren[0])
        time.sleep(0.01)
    assert victim is not None, "the run ended before a cluster worker could be seen"
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    text = (out + err).decode("utf-8")
    assert "BrokenProcessPool" not in text and "Traceback" not in text, text[-2000:]
    assert proc.returncode in (0, 1)
    data = json.loads(out)
    assert len(data["clusters"]) == 6
    assert len(list(outdir.glob("cum-*.xlsx"))) == 6 and (outdir / "tong-hop-cac-cum.xlsx").exists()


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
