"""Benchmark: tdkt against the by-hand baseline a user would write, as whole processes.

  python scripts/benchmark.py consolidate   # 200 unit workbooks x 100 people (20k people)
  python scripts/benchmark.py report        # 1,000 unit workbooks x 500 people in 20 clusters
  python scripts/benchmark.py startup       # tdkt --help and tdkt validate of one file
  python scripts/benchmark.py all --repeats 3
  python scripts/benchmark.py consolidate --against /tmp/main   # alternate with another checkout
  python scripts/benchmark.py consolidate --floor   # also the floor: read and write, nothing else

The baseline is what staff write by hand: pandas.read_excel with its default engine, per sheet,
then concat and to_excel. Each run is a fresh process; the two are alternated, and the median of
the per-pair ratios is reported with people per second and peak memory (the whole process tree's
resident memory, sampled from /proc). Generated data is cached under --data (fixed seed).
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.domain import fields as F  # noqa: E402

HEADER = list(F.INDIVIDUAL_LABELS.values())
COL_HEADER = list(F.COLLECTIVE_LABELS.values())
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
GIVEN = ("Văn Hùng", "Đức Thắng", "Thị Lan", "Minh Tuấn", "Quốc Huy", "Hữu Nghĩa", "Ngọc Ánh")

BASELINE = r"""
import sys, pandas as pd
from pathlib import Path
folder, out = Path(sys.argv[1]), sys.argv[2]
people, groups = [], []
for f in sorted(folder.glob("*.xlsx")):
    people.append(pd.read_excel(f, sheet_name="Cá nhân", header=3).assign(file=f.name))
    groups.append(pd.read_excel(f, sheet_name="Tập thể", header=3).assign(file=f.name))
with pd.ExcelWriter(out) as writer:
    pd.concat(people).to_excel(writer, sheet_name="Cá nhân", index=False)
    pd.concat(groups).to_excel(writer, sheet_name="Tập thể", index=False)
"""

# The floor of any consolidate on this machine: every sheet read by python-calamine in two forked
# workers, the rows sent back and written once as plain sheet XML, deflated. No checks, no
# styles, no totals, no report: what tdkt's own work is measured above.
FLOOR = r"""
import sys, zipfile
from multiprocessing import get_context
from pathlib import Path
from python_calamine import CalamineWorkbook
def read(path):
    wb = CalamineWorkbook.from_path(str(path))
    return [wb.get_sheet_by_name(n).to_python() for n in ("Thông tin", "Cá nhân", "Tập thể")]
def text(v):
    return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
folder, out = Path(sys.argv[1]), sys.argv[2]
with get_context("fork").Pool(2) as pool:
    books = pool.map(read, sorted(folder.glob("*.xlsx")), chunksize=8)
xml = ["<sheetData>"]
for i, row in enumerate((r for b in books for sheet in b[1:] for r in sheet[4:]), 1):
    xml.append(f'<row r="{i}">' + "".join(
        f'<c t="inlineStr"><is><t>{text(v)}</t></is></c>' if isinstance(v, str) else
        f"<c><v>{v}</v></c>" for v in row if v != "") + "</row>")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/worksheets/sheet1.xml", "".join(xml) + "</sheetData>")
"""


def write_unit(path: Path, rng: random.Random, unit: str, people: int) -> None:
    """A unit workbook in the contract layout (title rows, header on row 4, cached formulas)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    info = wb.add_worksheet("Thông tin")
    for r, (label, value) in enumerate((("Đơn vị", unit), ("Cụm thi đua", "Cụm bench"),
                                        ("Kỳ báo cáo", "Năm 2024"),
                                        ("Quân số", people * 3), ("Số đầu mối", 10))):
        info.write(r, 0, label)
        info.write(r, 1, value)
    for name, header, rows in (("Cá nhân", HEADER, people), ("Tập thể", COL_HEADER,
                                                             max(1, people // 10))):
        ws = wb.add_worksheet(name)
        ws.write(0, 0, f"DANH SÁCH {name.upper()}")
        ws.write(1, 0, unit)
        ws.write_row(3, 0, header)
        for i in range(rows):
            r = 4 + i
            members = rng.randint(9, 15)
            present = members - rng.randint(0, 2)
            agree = present - rng.randint(0, 3)
            pct = round(agree / present * 100, 2)
            if name == "Cá nhân":
                ws.write_row(r, 0, [i + 1, f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {i}",
                                    "Trung sĩ", "Chiến sĩ", unit, "Chiến sĩ tiên tiến",
                                    members, present, agree])
                ws.write_formula(r, 9, f"=ROUND(I{r + 1}/H{r + 1}*100,2)", None, pct)
                ws.write_string(r, 10, "Đạt")
                if rng.random() < 0.2:
                    ws.write_string(r, 13, "ghi chú")
            else:
                size = rng.randint(10, 30)
                ws.write_row(r, 0, [i + 1, f"Đơn vị con {i}", "Đơn vị tiên tiến", size,
                                    size * 3 // 4, 1, 0, members, present, agree])
                ws.write_formula(r, 10, f"=ROUND(J{r + 1}/I{r + 1}*100,2)", None, pct)
                ws.write_string(r, 11, "Đạt")
    wb.close()


def make_cluster(folder: Path, units: int, people: int, seed: int) -> Path:
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for u in range(units):
        write_unit(folder / f"don-vi-{u:04d}.xlsx", rng, f"Đơn vị {seed}-{u:04d}", people)
    marker.write_text("ok")
    return folder


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    stack = [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Wall time, peak tree RSS and CPU seconds (user + system, the process and the children it
    waited for) of a whole process. CPU time is what to compare on a shared, loaded machine:
    other people's jobs stretch the wall time, much less the work done."""
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and block the child
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd)
        peaks = [0]
        ended = threading.Event()

        def sample() -> None:  # the memory, every 50 ms, beside the wait below
            while not ended.wait(0.05):
                peaks.append(_tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # Reaped here, the moment it ends (rusage kept): a loop that polled every 50 ms added
        # 25 ms on average to every run's wall time, 0.004 of the consolidate ratio.
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        ended.set()
        sampler.join()
        peak = max(peaks)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            errors.seek(0)
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {errors.read().decode()}")
    return wall, peak, usage.ru_utime + usage.ru_stime


def tdkt(*args: str) -> list[str]:
    return [sys.executable, "-m", "addin", *args]


def compiled(*checkouts: Path | None) -> None:
    """Compile each checkout's package to bytecode before timing it, as `pip install` does for
    an installed tdkt. A machine with PYTHONDONTWRITEBYTECODE set (this one) never writes
    .pyc files itself: every run would otherwise compile each module changed since its .pyc
    was last written (a fresh checkout: all of them, about 0.07 s) and time that too."""
    for checkout in checkouts:
        if checkout is not None:
            compileall.compile_dir(str(Path(checkout) / "addin"), quiet=1)


def bench_consolidate(data: Path, out: Path, repeats: int, units: int, people: int,
                      against: Path | None = None, floor: bool = False) -> None:
    folder = make_cluster(data / f"cluster-{units}x{people}", units, people, seed=1)
    compiled(ROOT, against)
    total = units * people
    command = tdkt("consolidate", str(folder), "-o", str(out / "t.xlsx"), "--json", "--force")
    names = ["tdkt", "baseline"] + (["against"] if against else []) + (["floor"] if floor else [])
    runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {"wall": [], "cpu": []}
    for i in range(repeats):
        order = names[i % len(names):] + names[:i % len(names)]  # each goes first in turn
        pair = {}
        for name in order:
            if name == "tdkt":
                pair[name] = timed(command, ROOT)
            elif name == "against":
                pair[name] = timed(command, against)
            elif name == "floor":
                pair[name] = timed([sys.executable, "-c", FLOOR, str(folder), str(out / "f.zip")])
            else:
                pair[name] = timed([sys.executable, "-c", BASELINE, str(folder),
                                    str(out / "b.xlsx")])
            runs[name].append(pair[name])
        ratios["wall"].append(pair["baseline"][0] / pair["tdkt"][0])
        ratios["cpu"].append(pair["baseline"][2] / pair["tdkt"][2])
        if floor:
            ratios.setdefault("floor/baseline wall", []).append(pair["floor"][0] / pair["baseline"][0])
    print(f"\n## consolidate: {units} workbooks x {people} people = {total:,} people "
          f"({repeats} alternated runs)")
    print("| command | median wall s | median CPU s | people/s | peak memory MiB |")
    print("|---|---:|---:|---:|---:|")
    labels = {"tdkt": "tdkt consolidate", "baseline": "baseline (pandas.read_excel + to_excel)",
              "against": f"tdkt consolidate of {against}",
              "floor": "floor (calamine read + plain XML write, nothing else)"}
    for name, values in runs.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[2] for v in values)
        peak = max(v[1] for v in values) / 2**20
        print(f"| {labels[name]} | {wall:.2f} | {cpu:.2f} | {total / wall:,.0f} | {peak:.0f} |")
    floor_ratios = ratios.pop("floor/baseline wall", [])
    if floor_ratios:
        print(f"\nfloor/baseline (wall): {statistics.median(floor_ratios):.3f} "
              f"(per pair: {', '.join(f'{r:.3f}' for r in floor_ratios)})")
    for kind, pairs in ratios.items():
        print(f"\nmedian {kind} speed-up of tdkt over the baseline: "
              f"{statistics.median(pairs):.2f}x, tdkt/baseline {1 / statistics.median(pairs):.3f} "
              f"(per-pair ratios: {', '.join(f'{r:.2f}' for r in pairs)})")


def bench_report(data: Path, out: Path, repeats: int, clusters: int, units: int, people: int,
                 jobs: int, against: Path | None = None) -> None:
    root = data / f"root-{clusters}x{units}x{people}"
    for c in range(clusters):
        make_cluster(root / f"cum-{c:03d}", units, people, seed=100 + c)
    compiled(ROOT, against)
    total = clusters * units * people
    print(f"\n## report: {clusters} clusters x {units} workbooks x {people} people = "
          f"{total:,} people, --jobs {jobs}")
    print("| run | code | wall s | CPU s | people/s | peak memory MiB (process tree) |")
    print("|---|---|---:|---:|---:|---:|")
    for i in range(repeats):
        for code in ([ROOT, against] if i % 2 == 0 else [against, ROOT]) if against else [ROOT]:
            wall, peak, cpu = timed(tdkt("report", str(root), "-o", str(out / "reports"),
                                         "--jobs", str(jobs), "--json", "--force"), code)
            print(f"| {i + 1} | {code} | {wall:.1f} | {cpu:.1f} | {total / wall:,.0f} | "
                  f"{peak / 2**20:.0f} |")


def bench_startup(data: Path, repeats: int) -> None:
    """`tdkt --help` and `tdkt validate` of one workbook, alternated, as whole processes (the
    interpreter's start and the imports are what is measured; bytecode is compiled first)."""
    folder = make_cluster(data / "cluster-1x100", 1, 100, seed=7)
    one = str(next(folder.glob("*.xlsx")))
    compiled(ROOT)
    commands = {"tdkt --help": tdkt("--help"), "tdkt validate (1 file)": tdkt("validate", one,
                                                                             "--json")}
    for cmd in commands.values():  # a first run each, untimed (the files in the OS's cache)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
            runs[name].append(time.perf_counter() - start)
    print(f"\n## start-up ({repeats} alternated runs each)")
    print("| command | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    for name, values in runs.items():
        print(f"| `{name}` | {statistics.median(values):.3f} | {min(values):.3f} | "
              f"{max(values):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["consolidate", "report", "startup", "all"])
    parser.add_argument("--data", type=Path, default=Path("/tmp/tdkt-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout (e.g. main's) whose tdkt alternates with this one")
    parser.add_argument("--report-repeats", type=int, default=None)
    parser.add_argument("--floor", action="store_true",
                        help="consolidate: also time the floor (read and write, no checks)")
    args = parser.parse_args()
    out = args.data / "out"
    out.mkdir(parents=True, exist_ok=True)
    if args.what in ("consolidate", "all"):
        bench_consolidate(args.data, out, args.repeats, args.units, args.people, args.against,
                          args.floor)
    if args.what in ("startup", "all"):
        bench_startup(args.data, max(args.repeats, 9))
    if args.what in ("report", "all"):
        bench_report(args.data, out, args.report_repeats or max(1, args.repeats // 3),
                     clusters=20, units=50, people=500, jobs=args.jobs, against=args.against)


if __name__ == "__main__":
    main()
