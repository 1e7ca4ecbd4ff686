"""The history database on real SQLite files: idempotent import, replacement, kill -9 inside an
import, two importers at once, the upgrade of an older schema file."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from addin import history_app as happ
from addin.domain.rules import Rules
from addin.io import history_db as hdb
from tests.history.builders import P, unit_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("imports", "nominations", "persons", "commendations", "replacements",
                          "collectives")}
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def three_years(folder: Path) -> list[Path]:
    return [unit_file(folder / f"a-{y}.xlsx", "Đơn vị A", f"Năm {y}",
                      [P("Nguyễn Văn An", "CSTDCS", "SH-1"), P("Lê Văn Bình")],
                      [("Ban Tham mưu", "DVQT")]) for y in (2021, 2022, 2023)]


def test_import_is_idempotent_by_sha256(tmp_path: Path, rules: Rules) -> None:
    db = tmp_path / "ls.sqlite"
    three_years(tmp_path / "in")
    first = happ.import_paths([str(tmp_path / "in")], str(db), rules)
    assert first.exit_code == 0
    assert [f.status for f in first.files] == ["imported"] * 3
    before = counts(db)
    assert before["imports"] == 3 and before["nominations"] == 9 and before["persons"] == 2
    again = happ.import_paths([str(tmp_path / "in")], str(db), rules)
    assert [f.status for f in again.files] == ["unchanged"] * 3
    assert counts(db) == before
    # The same content under another name is the same file.
    shutil.copy(tmp_path / "in" / "a-2021.xlsx", tmp_path / "copy.xlsx")
    copy = happ.import_paths([str(tmp_path / "copy.xlsx")], str(db), rules)
    assert copy.files[0].status == "unchanged"
    assert counts(db) == before


def test_corrected_file_replaces_and_keeps_a_record(tmp_path: Path, rules: Rules) -> None:
    db = tmp_path / "ls.sqlite"
    old = unit_file(tmp_path / "v1" / "a.xlsx", "Đơn vị A", "Năm 2023",
                    [P("Nguyễn Văn An", "CSTDCS"), P("Lê Văn Bình")])
    new = unit_file(tmp_path / "v2" / "a.xlsx", "ĐƠN VỊ A", "Tổng kết năm 2023",
                    [P("Nguyễn Văn An", "CSTDCS"), P("Lê Văn Bình"), P("Trần Văn Cường")])
    happ.import_paths([str(old)], str(db), rules)
    out = happ.import_paths([str(new)], str(db), rules)
    assert out.files[0].status == "replaced"
    assert out.files[0].replaced == str(old)
    c = counts(db)
    assert c["imports"] == 2 and c["replacements"] == 1 and c["nominations"] == 3
    shown = happ.show(str(db), "Đơn vị A", None)
    assert [u.in_force for u in shown.units] == [True, False]
    assert shown.replacements[0].old == str(old)
    # Re-importing the replaced file puts it back in force (and records that too).
    back = happ.import_paths([str(old)], str(db), rules)
    assert back.files[0].status == "replaced"
    assert counts(db)["nominations"] == 2 and counts(db)["replacements"] == 2


def test_an_import_records_the_wall_clock_unless_its_time_is_given(tmp_path: Path,
                                                                    rules: Rules) -> None:
    """The audit trail: a real import (and the replacement it makes) is recorded at the wall
    clock, in UTC to the second; these are the only times the database holds. Given a time
    (`at`, what the demo does), the same files give a byte-identical database."""
    import datetime as dt

    old = unit_file(tmp_path / "v1" / "a.xlsx", "Đơn vị A", "Năm 2023", [P("Nguyễn Văn An")])
    new = unit_file(tmp_path / "v2" / "a.xlsx", "Đơn vị A", "Năm 2023",
                    [P("Nguyễn Văn An"), P("Lê Văn Bình")])
    db = tmp_path / "ls.sqlite"
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    happ.import_paths([str(old)], str(db), rules)
    happ.import_paths([str(new)], str(db), rules)
    end = dt.datetime.now(dt.UTC)
    conn = sqlite3.connect(db)
    try:
        stamps = [t for (t,) in conn.execute("SELECT imported_at FROM imports UNION ALL "
                                             "SELECT replaced_at FROM replacements")]
    finally:
        conn.close()
    assert len(stamps) == 3
    for stamp in stamps:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        assert start <= moment <= end, stamp
    at = dt.datetime(2024, 12, 31, 8, 0, tzinfo=dt.UTC)
    copies = []
    for run in ("a", "b"):
        fixed = tmp_path / f"{run}.sqlite"
        happ.import_paths([str(old)], str(fixed), rules, at=at)
        if run == "b":
            time.sleep(1.1)  # the wall clock moves on; the recorded time does not
        happ.import_paths([str(new)], str(fixed), rules, at=at)
        copies.append(fixed.read_bytes())
    assert copies[0] == copies[1]
    shown = happ.show(str(tmp_path / "a.sqlite"), None, None)
    assert {u.imported_at for u in shown.units} == {"2024-12-31T08:00:00Z"}
    assert [r.at for r in shown.replacements] == ["2024-12-31T08:00:00Z"]


def test_unparsed_period_and_unreadable_file_change_nothing(tmp_path: Path, rules: Rules) -> None:
    db = tmp_path / "ls.sqlite"
    unit_file(tmp_path / "in" / "a.xlsx", "Đơn vị A", "Quý III", [P("Nguyễn Văn An")])
    (tmp_path / "in" / "b.xlsx").write_bytes(b"not a workbook")
    out = happ.import_paths([str(tmp_path / "in")], str(db), rules)
    assert out.exit_code == 1
    assert {i.code for i in out.issues} == {"period_unparsed", "unreadable_file"}
    assert counts(db)["imports"] == 0


# ----------------------------------------------------------------------------------------------
KILL_SCRIPT = """
import sys, time
from pathlib import Path
from addin import history_app as happ
from addin.io import history_db as hdb
from addin.io.folders import read_all
from addin.io.rules_file import load_rules
from addin.domain.periods import parse_period
from addin.domain.validation import validate_unit

db, marker, *files = sys.argv[1:]
rules = load_rules()
books = [validate_unit(b, rules).book for b in read_all([(Path(f), f) for f in files])]

def slow():
    for i, b in enumerate(books):
        yield hdb.prepare(b, parse_period(b.info.period))
        if i == 1:
            Path(marker).write_text("inside the transaction")
            time.sleep(60)

conn = hdb.connect(db)
hdb.import_books(conn, slow())
"""


def test_kill_9_inside_an_import_leaves_the_database_as_it_was(tmp_path: Path, rules: Rules
                                                                ) -> None:
    db = tmp_path / "ls.sqlite"
    happ.import_paths([str(p) for p in three_years(tmp_path / "old")][:1], str(db), rules)
    before = counts(db)
    new = [unit_file(tmp_path / "new" / f"b-{y}.xlsx", "Đơn vị B", f"Năm {y}",
                     [P(f"Người {i}", "CSTT") for i in range(50)]) for y in (2021, 2022, 2023)]
    # A corrected 2021 file of unit A too: the replacement must be undone as well.
    new.append(unit_file(tmp_path / "new" / "a-2021.xlsx", "Đơn vị A", "Năm 2021",
                         [P("Phạm Văn Dũng")]))
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db), str(marker),
                             *map(str, sorted(new, key=lambda p: p.name))],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "the importer ended before reaching the transaction"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert integrity(db) == "ok"
    assert counts(db) == before
    # And the database still takes the import afterwards.
    out = happ.import_paths([str(p) for p in new], str(db), rules)
    assert out.exit_code == 0 and integrity(db) == "ok"
    assert counts(db)["imports"] == before["imports"] + 4


def test_two_importers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ls.sqlite"
    for who in ("x", "y"):
        for y in range(2015, 2024):
            unit_file(tmp_path / who / f"{who}-{y}.xlsx", f"Đơn vị {who.upper()}", f"Năm {y}",
                      [P(f"Người {who} {i}", "CSTT", f"{who}-{i}") for i in range(40)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    hdb.connect(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a third writer holds the lock: both must wait, then race
    procs = [subprocess.Popen([sys.executable, "-m", "addin", "history", "import",
                               str(tmp_path / who), "--db", str(db), "--json"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for who in ("x", "y")]
    time.sleep(1.5)
    assert all(proc.poll() is None for proc in procs)
    holder.execute("COMMIT")
    holder.close()
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    assert integrity(db) == "ok"
    c = counts(db)
    assert c["imports"] == 18 and c["nominations"] == 18 * 40 and c["persons"] == 80


def test_database_of_an_older_version_upgrades_itself(tmp_path: Path, rules: Rules) -> None:
    """tests/fixtures/history-v1.sqlite was written by schema version 1 (three years of unit
    A); opening it upgrades it in place and keeps every row."""
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "history-v1.sqlite", db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'scores'").fetchall()
    conn.close()
    before = counts(db)
    conn = hdb.connect(db)
    assert hdb.schema_version(conn) == hdb.SCHEMA_VERSION == 2
    hdb.write_score(conn, "Đơn vị A", hdb.Period(2023, 2023, "year"), "Cụm thi đua số 1",
                    92.5, 90.0, 90.0, 1)
    assert conn.execute("SELECT self_score, cluster_score, score_used, rank FROM scores"
                        ).fetchall() == [(92.5, 90.0, 90.0, 1)]
    conn.close()
    assert counts(db) == before and integrity(db) == "ok"
    rows = happ.eligible_list(str(db), 2024, rules)
    assert ("Nguyễn Văn An", "CSTDTQ") in {(r.name, r.chain) for r in rows}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(hdb.HistoryError):
        hdb.connect(db)


def test_many_files_are_prepared_in_worker_processes(tmp_path: Path, rules: Rules) -> None:
    """More files than one round of the reading workers: the same result as one by one."""
    n = happ.ROUND + 3
    for i in range(n):
        unit_file(tmp_path / "in" / f"u-{i:02d}.xlsx", f"Đơn vị {i:02d}", "Năm 2023",
                  [P("Nguyễn Văn An", "CSTDCS"), P("Lê Văn Bình")])
    (tmp_path / "in" / "hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    out = happ.import_paths([str(tmp_path / "in")], str(tmp_path / "ls.sqlite"), rules)
    statuses = [f.status for f in out.files]
    assert statuses.count("imported") == n
    assert statuses.count("unreadable") == 1
    assert counts(tmp_path / "ls.sqlite")["nominations"] == 2 * n


def test_a_write_transaction_is_committed_whole_or_rolled_back_whole(tmp_path):
    """migrate, import_books and write_score each wrote BEGIN IMMEDIATE … COMMIT, ROLLBACK on
    failure; they share history_db.transaction."""
    conn = hdb.connect(tmp_path / "h.sqlite")
    try:
        with hdb.transaction(conn):
            conn.execute("CREATE TABLE probe (x INTEGER)")
            conn.execute("INSERT INTO probe VALUES (1)")
        with pytest.raises(RuntimeError), hdb.transaction(conn, retry_begin=True):
            conn.execute("INSERT INTO probe VALUES (2)")
            raise RuntimeError("a failure half-way")
        assert not conn.in_transaction
        assert conn.execute("SELECT x FROM probe").fetchall() == [(1,)]
    finally:
        conn.close()
