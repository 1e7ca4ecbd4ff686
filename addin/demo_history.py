"""The demo's five years of history (2019–2023 here, 2024 is the demo clusters themselves): the
same units and people year after year, with service numbers, one person who moves from Ea Kar to
M'Đrắk, and one inflated streak claim. Deterministic (fixed seed)."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from addin.demo import CLUSTERS, FAMILY, GIVEN, INITIATIVES, MIDDLE, RANKS
from addin.domain import fields as F
from addin.domain.history_model import DemoHistory
from addin.domain.issues import Code
from addin.domain.rules import Rules
from addin.io.rules_file import load_rules, rules_beside
from addin.io.xlsx_common import new_workbook, write_atomic

SEED = 1975
YEARS = range(2019, 2024)
PEOPLE_PER_UNIT = 10
MOVER = {"full_name": "Nguyễn Đức Thắng", "service_no": "DL-01-0099", "birth_year": 1988,
         "rank": "Thiếu tá", "position": "Trợ lý Tác chiến"}
MOVER_FROM, MOVER_TO, MOVE_YEAR = "ban-chqs-ea-kar.xlsx", "ban-chqs-mdrak.xlsx", 2022
# The demo's import is recorded at this fixed time (after the units' "Ngày lập" of December
# 2024), not the wall clock: the demo's database is the same bytes on every run.
IMPORTED_AT = dt.datetime(2024, 12, 31, 8, 0, tzinfo=dt.UTC)
# The inflated claim: CSTĐ toàn quân in 2023 "after three years of CSTĐCS", but 2020 was CSTT.
CLAIM_UNIT, CLAIM_YEAR = "ban-chqs-krong-ana.xlsx", 2023
PERSON_COLUMNS = ("seq", "full_name", "rank", "position", "title", "members", "present", "agree",
                  "initiative", "streak", "service_no", "birth_year")
GROUP_COLUMNS = ("seq", "name", "title", "headcount", "cstt", "cstdcs", "disciplined", "members",
                 "present", "agree")


def _roster(rng: random.Random, unit_no: int) -> list[dict[str, Any]]:
    return [{"full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
             "service_no": f"DL-{unit_no:02d}-{i:04d}", "birth_year": rng.randint(1975, 2000),
             "rank": rng.choice(RANKS[3:]), "position": "Trợ lý"} for i in range(PEOPLE_PER_UNIT)]


def _vote(title: str) -> dict[str, int]:
    return {"members": 11, "present": 11, "agree": 10 if title != "CSTDTQ" else 11}


def _row(person: dict[str, Any], title: str, rng: random.Random) -> dict[str, Any]:
    row = {**person, "title": title, **_vote(title)}
    if title != "CSTT":
        row["initiative"] = rng.choice(INITIATIVES)
    return row


def _workbook(info: dict[str, Any], people: list[dict[str, Any]],
              groups: list[dict[str, Any]]) -> bytes:
    """A unit's report on the official list form: the template's columns plus "Số hiệu quân
    nhân" and "Năm sinh"."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, f"Báo cáo thi đua {info['unit']}", template=True)
    sheet = workbook.add_worksheet(F.SHEET_INFO)
    for r, key in enumerate(("unit", "cluster", "period", "headcount", "subunits")):
        sheet.write(r, 0, F.INFO_LABELS[key])
        sheet.write(r, 1, info[key])
    for name, columns, labels, rows in (
            (F.SHEET_INDIVIDUALS, PERSON_COLUMNS, F.INDIVIDUAL_LABELS, people),
            (F.SHEET_COLLECTIVES, GROUP_COLUMNS, F.COLLECTIVE_LABELS, groups)):
        sheet = workbook.add_worksheet(name)
        for c, key in enumerate(columns):
            sheet.write_string(0, c, labels[key])
        for r, row in enumerate(rows, start=1):
            for c, key in enumerate(columns):
                value = r if key == "seq" else row.get(key)
                if value is not None:
                    sheet.write(r, c, value)
    sheet = workbook.add_worksheet(F.SHEET_COMMENDATIONS)
    for c, key in enumerate(("form", "kind", "level", "collectives", "individuals")):
        sheet.write_string(0, c, F.COMMENDATION_LABELS[key])
    for r, (form, level, n) in enumerate((("Giấy khen của Chỉ huy trưởng", "Đơn vị", 6),
                                         ("Bằng khen của Bộ Quốc phòng", "Khen cao", 1)), start=1):
        for c, value in enumerate((form, "Thường xuyên", level, n // 3, n)):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def write_history(root: Path) -> list[Path]:
    """One folder per year under root, holding one folder per cluster; returns the year
    folders."""
    rng = random.Random(SEED)
    rosters: dict[str, list[dict[str, Any]]] = {}
    unit_no = 0
    for _folder, _cluster, units in CLUSTERS:
        for file_name, _unit in units:
            unit_no += 1
            rosters[file_name] = _roster(rng, unit_no)
    folders = []
    for year in YEARS:
        year_dir = root / f"nam-{year}"
        for folder, cluster, units in CLUSTERS:
            for file_name, unit in units:
                roster = rosters[file_name]
                people = []
                for i, person in enumerate(roster):
                    # Two steady CSTĐCS per unit, the rest CSTT with a chance of CSTĐCS.
                    title = "CSTDCS" if i < 2 or rng.random() < 0.15 else "CSTT"
                    people.append(_row(person, title, rng))
                here = MOVER_FROM if year < MOVE_YEAR else MOVER_TO
                if file_name == here:
                    people.append(_row(MOVER, "CSTDCS", rng))
                if file_name == CLAIM_UNIT:
                    claimant = roster[PEOPLE_PER_UNIT - 1]
                    title = "CSTT" if year == CLAIM_YEAR - 3 else "CSTDCS"
                    if year == CLAIM_YEAR:
                        people[-1] = {**_row(claimant, "CSTDTQ", rng), "streak": 3}
                    else:
                        people[-1] = _row(claimant, title, rng)
                groups = [{"name": name, "title": "DVQT" if i == 0 or year % 2 else "DVTT",
                           "headcount": 20, "cstt": 16, "cstdcs": 1, "disciplined": 0,
                           **_vote("DVQT")}
                          for i, name in enumerate(("Ban Tham mưu", "Ban Chính trị"))]
                info = {"unit": unit, "cluster": cluster, "period": f"Năm {year}",
                        "headcount": 60, "subunits": 5}
                write_atomic(year_dir / folder / file_name, _workbook(info, people, groups))
        folders.append(year_dir)
    return folders


def run(root: Path, rules: Rules) -> DemoHistory:
    """The demo's reports, in the order of a cluster chair who keeps the history: the years
    before 2024 are written and imported with the 2024 demo clusters (under root/cac-cum), then
    the cluster reports are made with the database (each unit's 2024 score and rank are kept
    with the period, contracts.md §8), the 2023 claims are checked against it, who is eligible
    in 2024 is listed and the 2019–2024 congress report written (its "Xếp hạng theo năm" shows
    the stored ranks)."""
    from addin import app, history_app
    from addin.io.history_sheets import eligible_workbook_bytes

    years = write_history(root / "lich-su")
    clusters = root / "cac-cum"
    db = root / "tdkt-lich-su.sqlite"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)  # a rerun of the demo starts from scratch
    imported = history_app.import_paths([*map(str, years), str(clusters)], str(db), rules,
                                        at=IMPORTED_AT)
    results = root / "ket-qua"
    first = clusters / CLUSTERS[0][0]
    consolidated = app.consolidate_folder(
        str(first), str(results / f"bao-cao-{first.name}.xlsx"),
        load_rules(rules_beside(first)), db=str(db)).report
    rolled = app.report_root(str(clusters), str(results / "bao-cao"), None, db=str(db)).report
    checked = app.validate_paths([str(years[-1] / CLUSTERS[0][0])], rules, db=str(db))
    claims = tuple(i for i in checked.report.issues if i.code is Code.STREAK_MISMATCH)
    eligible = history_app.eligible_list(str(db), 2024, rules)
    write_atomic(results / "du-dieu-kien-2024.xlsx", eligible_workbook_bytes(eligible, 2024, rules))
    report = history_app.period_report(str(db), 2019, 2024, None,
                                       str(results / "dai-hoi-2019-2024.xlsx"), rules)
    return DemoHistory(db=str(db), files=len(imported.files), consolidated=consolidated,
                       rolled=rolled, claims=claims, eligible=eligible, report=report.output,
                       figures=report.figures)
