"""Issue 12 §6 and issue 13 §2: every failure reaches the user as one Vietnamese sentence — at
the command line and in Excel (the ribbon macros, through xlwings' remote engine) — and an
unexpected one says where its full trace was logged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from addin import app
from addin.cli import cli
from addin.errors import LOG_NAME

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo" / "cum-thi-dua-so-3"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_validate_of_a_missing_path_names_it_and_exits_2(tmp_path):
    missing = tmp_path / "khong-co.xlsx"
    code, out = invoke("validate", str(missing))
    assert code == 2 and str(missing) in out and "không tìm thấy" in out
    assert "Traceback" not in out


def test_a_folder_of_cluster_folders_points_to_report(tmp_path):
    (tmp_path / "cac-cum").mkdir()
    os.symlink(DEMO, tmp_path / "cac-cum" / "cum-3")
    for command in (("validate",), ("consolidate", "-o", str(tmp_path / "o.xlsx"))):
        code, out = invoke(command[0], str(tmp_path / "cac-cum"), *command[1:])
        assert code == 2 and "tdkt report" in out and "cum-3" in out


def test_an_empty_cluster_folder_in_report_is_named(tmp_path):
    root = tmp_path / "cac-cum"
    root.mkdir()
    os.symlink(DEMO, root / "cum-3")
    (root / "cum-4").mkdir()
    code, out = invoke("report", str(root), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert "cum-4: thư mục không có bảng tính nào" in out and code == 1
    result = CliRunner().invoke(cli, ["report", str(root), "-o", str(tmp_path / "out"),
                                      "--jobs", "1", "--json"])
    assert json.loads(result.output)["empty_clusters"] == ["cum-4"]
    code, out = invoke("report", str(DEMO), "-o", str(tmp_path / "o2"))  # one cluster's folder
    assert code == 2 and "tdkt consolidate" in out


def test_an_unexpected_failure_is_logged_not_shown(tmp_path, monkeypatch):
    """A broken program (forced here: the real code has no known crash to trigger)."""
    monkeypatch.setenv("TDKT_LOG_DIR", str(tmp_path / "log"))

    def broken(*_args: object, **_kwargs: object) -> app.Outcome:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(app, "validate_paths", broken)
    code, out = invoke("validate", str(DEMO))
    log = tmp_path / "log" / LOG_NAME
    assert code == 2 and "lỗi ngoài dự kiến" in out and str(log) in out
    assert "Traceback" not in out and "division by zero" not in out
    assert "ZeroDivisionError: division by zero" in log.read_text(encoding="utf-8")


REMOTE = r"""
import json, sys
import xlwings as xw
from addin import app, macros

payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
           "book": {"name": "so.xlsx", "active_sheet_index": 0, "selection": "A1"},
           "names": [], "sheets": [{"name": "Sheet1", "values": [[""]], "pictures": [],
                                    "tables": [], "visibility": "Visible"}]}
book = xw.Book(json=payload)
if sys.argv[2] == "broken":
    def broken(*args, **kwargs):
        raise KeyError("internal")
    app.consolidate_folder = broken
result = macros.tong_hop_cum(book=book, folder=sys.argv[1])
print(json.dumps({"result": result, "actions": book.json()["actions"]}, ensure_ascii=False))
"""


def _remote(folder: Path, mode: str, log_dir: Path) -> dict:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "TDKT_LOG_DIR": str(log_dir)}
    done = subprocess.run([sys.executable, "-c", REMOTE, str(folder), mode], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # no traceback escapes into Excel
    return json.loads(done.stdout)


def test_a_macro_on_a_missing_folder_shows_one_vietnamese_sentence(tmp_path):
    out = _remote(tmp_path / "khong-co", "missing", tmp_path / "log")
    alerts = [a["args"] for a in out["actions"] if a["func"] == "alert"]
    assert out["result"] is None and len(alerts) == 1
    message, title = alerts[0][:2]
    assert "không tìm thấy" in message and "khong-co" in message and title == "TĐKT"
    assert "Traceback" not in message


def test_a_macro_that_breaks_says_where_the_trace_is(tmp_path):
    out = _remote(DEMO, "broken", tmp_path / "log")
    (message, *_), = [a["args"] for a in out["actions"] if a["func"] == "alert"]
    log = tmp_path / "log" / LOG_NAME
    assert "lỗi ngoài dự kiến" in message and str(log) in message
    assert "KeyError: 'internal'" in log.read_text(encoding="utf-8")


def test_a_database_that_is_not_one_is_a_sentence_not_an_unexpected_failure(tmp_path):
    """History, --db and LibreOffice failures are tdkt's own (TdktError): their Vietnamese
    sentence is shown, nothing is logged as a broken program."""
    garbage = tmp_path / "lich-su.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    unit = next(DEMO.glob("*.xlsx"))
    for args in (("validate", str(unit), "--db", str(garbage)),
                 ("history", "eligible", "--year", "2024", "--db", str(garbage))):
        code, out = invoke(*args)
        assert code == 2 and "cơ sở dữ liệu" in out and "ngoài dự kiến" not in out, out
    code, out = invoke("history", "eligible", "--year", "2024", "--db", str(tmp_path / "khong"))
    assert code == 2 and "chưa có cơ sở dữ liệu" in out and "ngoài dự kiến" not in out, out


def test_a_history_output_that_cannot_be_written_is_a_sentence(tmp_path):
    from addin.io import history_db

    db = tmp_path / "lich-su.sqlite"
    history_db.connect(db).close()  # an empty database of the current schema
    blocker = tmp_path / "outfile"
    blocker.write_text("a file where a folder should be")
    for args in (("eligible", "--year", "2024", "-o", str(blocker / "x.xlsx")),
                 ("report", "--from", "2020", "--to", "2024", "-o", str(blocker / "r.xlsx"))):
        code, out = invoke("history", *args, "--db", str(db))
        assert code == 2 and "Không ghi được" in out and "ngoài dự kiến" not in out, out
