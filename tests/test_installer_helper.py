"""scripts/tdkt_install.py: the decisions of the Windows installer, as data (issue 10, points
3, 4, 5 and 9). The Python choice is a table: installed interpreters -> the one chosen."""

from __future__ import annotations

import ast
import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import xlwings

ROOT = Path(__file__).resolve().parents[1]
HELPER = ROOT / "scripts" / "tdkt_install.py"


def _load():
    spec = importlib.util.spec_from_file_location("tdkt_install", HELPER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helper = _load()

PURE = ["click-8.5.1-py3-none-any.whl", "colorama-0.4.6-py2.py3-none-any.whl",
        "tdkt-0.1.0-py3-none-any.whl"]


def binary(*versions: str) -> list[str]:
    names = []
    for v in versions:
        tag = "cp" + v.replace(".", "")
        names += [f"pywin32-312-{tag}-{tag}-win_amd64.whl",
                  f"xlwings-0.37.8-{tag}-{tag}-win_amd64.whl",
                  f"python_calamine-0.9.1-{tag}-{tag}-win_amd64.whl"]
    return names


ALL = binary("3.11", "3.12", "3.13") + PURE


@pytest.mark.parametrize("names, expected", [
    (ALL, ["3.11", "3.12", "3.13"]),
    (binary("3.11") + PURE, ["3.11"]),  # today's main: 3.11 only
    # one package lacks 3.13 -> 3.13 is not served
    (binary("3.11", "3.12") + ["pywin32-312-cp313-cp313-win_amd64.whl"] + PURE, ["3.11", "3.12"]),
    (binary("3.11") + ["pywin32-312-cp311-cp311-win32.whl"], ["3.11"]),  # 32-bit wheels ignored
    (["pywin32-312-cp311-cp311-win_amd64.whl", "calamine-1.0-cp312-abi3-win_amd64.whl"], []),
    (["pywin32-312-cp312-cp312-win_amd64.whl", "calamine-1.0-cp311-abi3-win_amd64.whl"], ["3.12"]),
    (PURE, []),
])
def test_accepted_versions_come_from_the_wheel_tags(names, expected):
    assert helper.wheelhouse_pythons(names) == expected


STORE = "PythonSoftwareFoundation.Python.3.13_qbz5n2kfra8p0"
NEW_LAUNCHER = f"""\
 -V:3.13 *        C:\\Users\\an\\AppData\\Local\\Microsoft\\WindowsApps\\{STORE}\\python.exe
 -V:3.12          C:\\Program Files\\Python312\\python.exe
 -V:3.11-32       C:\\Users\\an\\AppData\\Local\\Programs\\Python\\Python311-32\\python.exe
 -V:3.10          C:\\Users\\an\\AppData\\Local\\Programs\\Python\\Python310\\python.exe
"""
OLD_LAUNCHER = """\
Installed Pythons found by py Launcher for Windows
 -3.9-64 *      C:\\Python39\\python.exe
 -3.8-32        C:\\Python38-32\\python.exe
"""


def test_launcher_output_in_both_formats():
    assert helper.launcher_paths(NEW_LAUNCHER) == [
        "C:\\Users\\an\\AppData\\Local\\Microsoft\\WindowsApps\\PythonSoftwareFoundation.Python.3.13"
        "_qbz5n2kfra8p0\\python.exe",
        "C:\\Program Files\\Python312\\python.exe",
        "C:\\Users\\an\\AppData\\Local\\Programs\\Python\\Python311-32\\python.exe",
        "C:\\Users\\an\\AppData\\Local\\Programs\\Python\\Python310\\python.exe"]
    assert helper.launcher_paths(OLD_LAUNCHER) == ["C:\\Python39\\python.exe",
                                                   "C:\\Python38-32\\python.exe"]
    assert helper.launcher_paths("No installed Pythons found!\r\n") == []


def test_candidates_merge_launcher_and_folders_once_and_respect_a_given_path():
    folders = ["C:\\Program Files\\Python312\\python.exe", "C:\\Program Files\\Python313\\python.exe"]
    paths = helper.candidate_paths(NEW_LAUNCHER, folders)
    assert paths[-1] == "C:\\Program Files\\Python313\\python.exe" and len(paths) == 5
    assert helper.candidate_paths(NEW_LAUNCHER, folders, "D:\\py\\python.exe") == ["D:\\py\\python.exe"]


def probe(path: str, version: str, bits: int = 64, implementation: str = "CPython",
          executable: str | None = None) -> tuple[str, dict]:
    return path, {"path": path, "version": [int(p) for p in version.split(".")], "bits": bits,
                  "implementation": implementation, "executable": executable or path}


P310 = probe("C:\\U\\Programs\\Python\\Python310\\python.exe", "3.10.11")
P311 = probe("C:\\U\\Programs\\Python\\Python311\\python.exe", "3.11.9")
P312 = probe("C:\\Program Files\\Python312\\python.exe", "3.12.7")
P313 = probe("C:\\U\\Programs\\Python\\Python313\\python.exe", "3.13.1")
P314 = probe("C:\\U\\Programs\\Python\\Python314\\python.exe", "3.14.0")
P313_STORE = probe("C:\\U\\Microsoft\\WindowsApps\\python3.13.exe", "3.13.1")
P312_STORE_REAL = probe("C:\\U\\python.exe", "3.12.7", executable="C:\\Program Files\\WindowsApps\\"
                        "PythonSoftwareFoundation.Python.3.12\\python.exe")
P313_32 = probe("C:\\U\\Programs\\Python\\Python313-32\\python.exe", "3.13.1", bits=32)
PYPY = probe("C:\\pypy\\pypy3.exe", "3.11.9", implementation="PyPy")
P313T = probe("C:\\U\\Programs\\Python\\Python313\\python3.13t.exe", "3.13.1")
P313T[1]["free_threaded"] = True
P312_ARM = probe("C:\\U\\Programs\\Python\\Python312-arm64\\python.exe", "3.12.7")
P312_ARM[1]["platform"] = "win-arm64"
BROKEN = ("C:\\gone\\python.exe", None)
THREE = ["3.11", "3.12", "3.13"]

# installed (in discovery order), accepted by the wheelhouse -> chosen
CHOICES = [
    ([P311], THREE, P311[0]),
    ([P310, P311], THREE, P311[0]),  # the old Python31* glob picked Python310
    ([P310], THREE, None),
    ([P311, P313], ["3.11"], P311[0]),  # wheelhouse for 3.11 only: never 3.13 (point 5)
    ([P311, P312, P313], THREE, P313[0]),  # newest accepted
    ([P313, P312], THREE, P313[0]),
    ([P314, P312], THREE, P312[0]),  # too new for the wheelhouse
    ([P313_STORE, P312], THREE, P312[0]),
    ([P312_STORE_REAL], THREE, None),  # a Store build found through an alias
    ([P313_32, P311], THREE, P311[0]),  # 32-bit refused (point 9)
    ([PYPY, BROKEN], THREE, None),
    ([P313T, P312], THREE, P312[0]),  # the free-threaded build needs cp313t wheels
    ([P312_ARM, P311], THREE, P311[0]),  # 64-bit, but not x64
    ([BROKEN, P312], THREE, P312[0]),
    ([], THREE, None),
    ([P311, P312], [], None),  # an empty wheelhouse accepts nothing
]


@pytest.mark.parametrize("installed, accepted, expected", CHOICES)
def test_python_choice_table(installed, accepted, expected):
    chosen, judged = helper.choose(installed, accepted)
    assert chosen == expected
    assert [v for _, _, v in judged].count(helper.CHOSEN) == (expected is not None)
    assert {v for _, _, v in judged} <= set(helper.VERDICTS)


def test_reasons_are_given_for_every_refusal():
    _, judged = helper.choose([P310, P313_STORE, P313_32, PYPY, BROKEN, P313T, P312_ARM, P312],
                              THREE)
    assert [v for _, _, v in judged] == [
        helper.VERSION_NOT_IN_WHEELHOUSE, helper.STORE_BUILD, helper.NOT_64BIT, helper.NOT_CPYTHON,
        helper.DOES_NOT_RUN, helper.FREE_THREADED, helper.WRONG_PLATFORM, helper.CHOSEN]


def test_probe_runs_the_real_interpreter():
    found = helper.probe_interpreter(sys.executable)
    assert found["version"][:2] == list(sys.version_info[:2])
    assert found["implementation"] == "CPython" and found["bits"] in (32, 64)
    assert helper.probe_interpreter("/nonexistent/python.exe") is None


def test_choose_command_end_to_end(tmp_path):
    """The command install-tdkt.ps1 runs, with this machine's Python as the user's choice."""
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for name in binary(here) + PURE:
        (wheelhouse / name).write_bytes(b"")
    done = subprocess.run([sys.executable, str(HELPER), "choose", "--wheelhouse", str(wheelhouse),
                           "--given", sys.executable], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.decode("ascii"))
    assert report["chosen"] == sys.executable and report["accepted"] == [here]
    # the same machine against a wheelhouse built for another version: refused, exit 3
    for name in wheelhouse.iterdir():
        name.unlink()
    for name in binary("3.9") + PURE:
        (wheelhouse / name).write_bytes(b"")
    done = subprocess.run([sys.executable, str(HELPER), "choose", "--wheelhouse", str(wheelhouse),
                           "--given", sys.executable], capture_output=True, check=False)
    assert done.returncode == 3
    assert json.loads(done.stdout)["candidates"][0]["verdict"] == helper.VERSION_NOT_IN_WHEELHOUSE


def _vba_input(data: bytes) -> dict[str, str]:
    """How xlwings' GetConfigFromFile reads the file: `Input #` in the ANSI code page."""
    text = data.decode("cp1252")
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if row}


def test_config_bytes_are_ascii_without_bom_and_the_first_key_is_read():
    data = helper.config_bytes("%LOCALAPPDATA%\\tdkt\\venv\\Scripts\\pythonw.exe")
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    data.decode("ascii")
    assert _vba_input(data) == {"Interpreter_Win": "%LOCALAPPDATA%\\tdkt\\venv\\Scripts\\pythonw.exe"}
    # what Set-Content -Encoding UTF8 wrote in Windows PowerShell 5.1: the key is lost
    bom = b"\xef\xbb\xbf" + data
    assert "Interpreter_Win" not in _vba_input(bom)


def test_paths_keep_their_variable_so_vietnamese_user_names_stay_ascii():
    env = {"LOCALAPPDATA": "C:\\Users\\Nguyễn Văn An\\AppData\\Local",
           "USERPROFILE": "C:\\Users\\Nguyễn Văn An"}
    path = "C:\\Users\\Nguyễn Văn An\\AppData\\Local\\tdkt\\venv\\Scripts\\pythonw.exe"
    assert helper.with_variables(path, env) == "%LOCALAPPDATA%\\tdkt\\venv\\Scripts\\pythonw.exe"
    assert helper.with_variables("D:\\py\\pythonw.exe", env) == "D:\\py\\pythonw.exe"
    with pytest.raises(UnicodeEncodeError):
        helper.config_bytes("D:\\Tài liệu\\pythonw.exe")


def test_write_config_command(tmp_path):
    local = tmp_path / "Nguyễn" / "AppData" / "Local"
    config = tmp_path / "home" / ".tdkt" / "tdkt.conf"
    env = {"LOCALAPPDATA": str(local), "PATH": ""}
    done = subprocess.run([sys.executable, str(HELPER), "write-config", "--venv",
                           str(local / "tdkt" / "venv"), "--config", str(config)],
                          capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    data = config.read_bytes()
    assert data == b'"Interpreter_Win","%LOCALAPPDATA%/tdkt/venv/Scripts/pythonw.exe"\r\n'


def test_verify_needs_both_dlls(tmp_path):
    version = xlwings.__version__
    (tmp_path / f"xlwings64-{version}.dll").write_bytes(b"MZ")
    run = [sys.executable, str(HELPER), "verify", "--venv", str(tmp_path)]
    done = subprocess.run(run, capture_output=True, check=False)
    assert done.returncode == 4
    assert json.loads(done.stdout)["missing"] == [f"xlwings32-{version}.dll"]  # 32-bit Office
    (tmp_path / f"xlwings32-{version}.dll").write_bytes(b"MZ")
    done = subprocess.run(run, capture_output=True, check=False)
    assert done.returncode == 0 and json.loads(done.stdout) == {"xlwings": version, "missing": []}


def test_helper_parses_with_old_pythons():
    """Any Python 3 on the PC may run the helper (only the chosen one must be 3.11+)."""
    ast.parse(HELPER.read_text(encoding="utf-8"), feature_version=(3, 7))
    HELPER.read_text(encoding="utf-8").encode("ascii")


def test_choose_discovers_through_the_launcher(tmp_path):
    """`py -0p` lists the interpreters; a listed one that is gone does not stop the choice."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = tmp_path / "Python 311" / "python.exe"  # the launcher lists .exe files
    python.parent.mkdir()
    python.symlink_to(sys.executable)
    launcher = bin_dir / "py"
    launcher.write_text("#!/bin/sh\nprintf ' -V:3.13 *        /gone/python.exe\\n"
                        f" -V:3.11          {python}\\n'\n")
    launcher.chmod(0o755)
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    for name in binary("3.11", "3.12", "3.13") + PURE:
        (wheelhouse / name).write_bytes(b"")
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    done = subprocess.run([sys.executable, str(HELPER), "choose", "--wheelhouse", str(wheelhouse)],
                          capture_output=True, env={"PATH": str(bin_dir)}, check=False)
    report = json.loads(done.stdout)
    verdicts = [(c["path"], c["verdict"]) for c in report["candidates"]]
    assert verdicts[0] == ("/gone/python.exe", helper.DOES_NOT_RUN)
    assert verdicts[1] == (str(python), helper.CHOSEN if here in THREE
                           else helper.VERSION_NOT_IN_WHEELHOUSE)
