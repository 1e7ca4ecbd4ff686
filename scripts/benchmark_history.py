"""Benchmark of the history database (issue 14), each step timed on its own:

  python scripts/benchmark_history.py import   # 500 unit workbooks x 1,000 people (500k)
  python scripts/benchmark_history.py report   # 2.5 M nominations (5 years) -> congress report
  python scripts/benchmark_history.py streak   # a 20k-person cluster checked against 2.5 M rows
  python scripts/benchmark_history.py all [--scale 0.1]

`import` runs `tdkt history import` as a fresh process (peak memory of the process tree sampled
from /proc) on generated workbooks cached under --data, then again on the same files (hash check
only); the import's time is split into hashing, reading (calamine + validation) and writing
(one SQLite transaction). `report` and `streak` fill a database straight from in-memory records
(2.5 M nominations from workbooks would take far longer to generate than to import), so they
measure the report and the check themselves. Fixed seeds: the same data every run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402

from addin import history_app  # noqa: E402
from addin.domain import fields as F  # noqa: E402
from addin.domain.cluster import consolidate  # noqa: E402
from addin.domain.models import Nomination, UnitInfo, UnitWorkbook  # noqa: E402
from addin.domain.periods import Period  # noqa: E402
from addin.io import history_db as hdb  # noqa: E402
from addin.io.rules_file import load_rules  # noqa: E402

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quốc", "Hữu", "Ngọc", "Xuân")
GIVEN = ("Hùng", "Thắng", "Lan", "Tuấn", "Huy", "Nghĩa", "Ánh", "Sơn", "Hải", "Long")
HEADER = [*F.INDIVIDUAL_LABELS.values()]
TITLES = ("Chiến sĩ tiên tiến",) * 8 + ("Chiến sĩ thi đua cơ sở",) * 2


def peak_rss_of(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time, peak resident memory (bytes) of the process tree, and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # Files, not pipes: a full pipe nobody reads yet would stall the child.
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"failed: {cmd}\n{err.read()}")
        return time.perf_counter() - start, peak, out.read()


def _tree_rss(pid: int) -> int:
    total = 0
    children = {pid}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().split()
            if int(stat[3]) in children or int(entry.name) == pid:
                children.add(int(entry.name))
                total += int(stat[23]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


# ----------------------------------------------------------------------------------------------
def write_unit(path: Path, rng: random.Random, unit: str, people: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    info = wb.add_worksheet("Thông tin")
    for r, (label, value) in enumerate((("Đơn vị", unit), ("Cụm thi đua", "Cụm bench"),
                                        ("Kỳ báo cáo", "Năm 2024"), ("Quân số", people * 4),
                                        ("Số đầu mối", 10))):
        info.write(r, 0, label)
        info.write(r, 1, value)
    sheet = wb.add_worksheet("Cá nhân")
    header = [*HEADER]
    for c, text in enumerate(header):
        sheet.write_string(0, c, text)
    col = {k: i for i, k in enumerate(F.INDIVIDUAL_LABELS)}
    for r in range(1, people + 1):
        title = rng.choice(TITLES)
        sheet.write_number(r, col["seq"], r)
        sheet.write_string(r, col["full_name"],
                           f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
        sheet.write_string(r, col["rank"], "Trung sĩ")
        sheet.write_string(r, col["title"], title)
        sheet.write_number(r, col["members"], 11)
        sheet.write_number(r, col["present"], 11)
        sheet.write_number(r, col["agree"], rng.randint(7, 11))
        if title != "Chiến sĩ tiên tiến":
            sheet.write_string(r, col["initiative"], "Sáng kiến")
        sheet.write_string(r, col["service_no"], f"{unit[-4:]}-{r:05d}")
        sheet.write_number(r, col["birth_year"], rng.randint(1970, 2004))
    groups = wb.add_worksheet("Tập thể")
    for c, text in enumerate(F.COLLECTIVE_LABELS.values()):
        groups.write_string(0, c, text)
    wb.close()


def bench_import(data: Path, scale: float) -> None:
    files, people = max(2, int(500 * scale)), 1000
    folder = data / f"import-{files}x{people}"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        rng = random.Random(14)
        t = time.perf_counter()
        for i in range(files):
            write_unit(folder / f"dv-{i:04d}.xlsx", rng, f"Đơn vị {i:04d}", people)
        print(f"  generated {files} workbooks x {people} people in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "addin", "history", "import", str(folder), "--db", str(db),
               "--json"]
        wall, peak, _ = peak_rss_of(cmd, env)
        n = files * people
        print(f"import {n:,} nominations: {wall:.1f} s, peak {peak / 2**20:.0f} MB "
              f"(target ≤ 20 s, ≤ 1 GB); database {db.stat().st_size / 2**20:.0f} MB")
        wall2, peak2, _ = peak_rss_of(cmd, env)
        print(f"re-import of the same files: {wall2:.2f} s, peak {peak2 / 2**20:.0f} MB "
              f"(target ≤ 2 s)")
    # Where the time goes, in this process, on the import's own path: hashing; reading,
    # validating and slimming (worker processes); writing (one transaction).
    from addin.io.folders import workbook_files

    rules = load_rules()
    found = workbook_files([str(folder)])
    t0 = time.perf_counter()
    for real, _ in found:
        history_app._sha256(real)
    t1 = time.perf_counter()
    prepared = [b for _, _, b in history_app._prepare_all(found, rules) if b is not None]  # noqa: E501
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        conn = hdb.connect(Path(tmp) / "split.sqlite")
        hdb.import_books(conn, prepared)
        conn.close()
    t3 = time.perf_counter()
    print(f"  split: hash {t1 - t0:.1f} s; read + validate ({os.cpu_count()} processes) "
          f"{t2 - t1:.1f} s; write (one transaction) {t3 - t2:.1f} s")


# ----------------------------------------------------------------------------------------------
def synthetic_books(units: int, people: int, year: int, rng: random.Random
                    ) -> list[UnitWorkbook]:
    """Validated-looking unit books straight in memory: the same people every year (service
    numbers), a CSTĐCS for roughly one in ten, DVQT for one collective in three."""
    books = []
    for u in range(units):
        unit = f"Đơn vị {u:04d}"
        path = f"mem/{year}/{u}.xlsx"
        local = random.Random(u)  # a unit's people stay the same across the years
        individuals, collectives = [], []
        for p in range(people):
            title = "CSTDCS" if rng.random() < 0.1 else "CSTT"
            name = f"{local.choice(FAMILY)} {local.choice(MIDDLE)} {local.choice(GIVEN)} {p}"
            individuals.append(Nomination(
                kind="individual", file=path, sheet="Cá nhân", row=p + 2, name=name,
                title_text=title, service_no=f"{u:04d}-{p:05d}", birth_year=1970 + p % 30,
                members=11, present=11, agree=10, title=title, passed=rng.random() < 0.95))
        for c in range(5):
            title = "DVQT" if rng.random() < 0.33 else "DVTT"
            collectives.append(Nomination(kind="collective", file=path, sheet="Tập thể",
                                          row=c + 2, name=f"Đại đội {c + 1}", title_text=title,
                                          title=title, passed=True))
        books.append(UnitWorkbook(path=path, sha256=f"{year}-{u:06d}",
                                  info=UnitInfo(unit=unit, cluster=f"Cụm {u % 50:02d}",
                                                period=f"Năm {year}", headcount=people * 4),
                                  individuals=tuple(individuals), collectives=tuple(collectives)))
    return books


def filled_db(data: Path, scale: float) -> Path:
    units, people = max(2, int(500 * scale)), 1000
    db = data / f"history-{units}x{people}x5.sqlite"
    if db.is_file():
        return db
    rng = random.Random(2019)
    filling = db.with_name(db.name + ".filling")  # a run that stops leaves no empty cache
    filling.unlink(missing_ok=True)
    conn = hdb.connect(filling)
    t = time.perf_counter()
    for year in range(2019, 2024):
        hdb.import_books(conn, [hdb.prepare(b, Period(year, year, "year"))
                                for b in synthetic_books(units, people, year, rng)])
    conn.close()
    filling.replace(db)
    print(f"  filled {db.name}: {units * people * 5:,} nominations in "
          f"{time.perf_counter() - t:.1f} s ({db.stat().st_size / 2**20:.0f} MB)")
    return db


def bench_report(data: Path, scale: float) -> None:
    db = filled_db(data, scale)
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        facts = history_app.period_report(str(db), 2019, 2023, None, str(Path(tmp) / "r.xlsx"),
                                          rules)
        wall = time.perf_counter() - t
    print(f"five-year report over {facts.figures.nominations:,} nominations "
          f"({facts.figures.units} units): {wall:.1f} s (target ≤ 15 s)")


def bench_streak(data: Path, scale: float) -> None:
    db = filled_db(data, scale)
    rules = load_rules()
    units, people = 20, 1000  # a 20,000-person cluster proposing for 2024
    # Every person declaring a streak is the worst case; in a real cluster only the CSTĐ toàn
    # quân proposals (a few in a hundred) declare one.
    for share in (1.0, 0.02):
        pick = random.Random(8)
        books = [replace(book, individuals=tuple(
            replace(nom, title_text="CSTDTQ", streak=3, initiative="Sáng kiến", agree=11)
            if pick.random() < share else nom for nom in book.individuals))
            for book in synthetic_books(units, people, 2024, random.Random(7))]
        declaring = sum(nom.streak is not None for book in books for nom in book.individuals)
        t = time.perf_counter()
        consolidate(books, rules)  # records are not changed by it: the same books again below
        plain = time.perf_counter() - t
        t = time.perf_counter()
        history = history_app.streak_history(books, rules, str(db))
        loaded = time.perf_counter() - t
        result = consolidate(books, rules, history)
        checked = time.perf_counter() - t
        mismatches = sum(1 for i in result.issues if i.code == "streak_mismatch")
        print(f"streak check, {units * people:,} people ({declaring:,} declaring a streak) "
              f"against {int(2.5e6 * scale):,} rows: +{checked - plain:.2f} s over consolidate's "
              f"{plain:.2f} s (history queries {loaded:.2f} s; target ≤ 0.5 s); "
              f"{mismatches:,} mismatches")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("import", "report", "streak", "all"))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "tdkt-bench",
                        help="where generated data is cached")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    for step, fn in (("import", bench_import), ("report", bench_report),
                     ("streak", bench_streak)):
        if args.what in (step, "all"):
            fn(args.data, args.scale)


if __name__ == "__main__":
    main()
