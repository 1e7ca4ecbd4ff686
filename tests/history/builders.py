"""Real unit workbooks for the history tests: one call per unit and period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import COL_HEADER, IND_HEADER, collective, person, write_xlsxwriter

PERSON_HEADER = (*IND_HEADER, "Số hiệu quân nhân", "Năm sinh")


@dataclass
class P:
    """One person row: name, title code or name, and the optional identity columns."""

    name: str
    title: str = "CSTT"
    service_no: str = ""
    birth_year: int | None = None
    streak: int | None = None
    agree: int = 10


def unit_file(path: Path, unit: str, period: str, people: Sequence[P] = (),
              collectives: Sequence[tuple[str, str]] = (), cluster: str = "Cụm thi đua số 1",
              headcount: int = 200) -> Path:
    rows = []
    for i, p in enumerate(people, start=1):
        initiative = "" if p.title in ("CSTT", "LDTT") else "Sáng kiến cải tiến"
        row = person(name=p.name, title=p.title, members=10, present=10, agree=p.agree,
                     initiative=initiative, streak=p.streak, seq=i)
        rows.append(row + [p.service_no or None, p.birth_year])
    groups = [collective(name=name, title=title) for name, title in collectives]
    info = [["Đơn vị", unit], ["Cụm thi đua", cluster], ["Kỳ báo cáo", period],
            ["Quân số", headcount], ["Số đầu mối", 20]]
    sheets = {
        "Thông tin": info,
        "Cá nhân": [list(PERSON_HEADER)] + rows,
        "Tập thể": [list(COL_HEADER)] + groups,
        "Khen thưởng": [["Hình thức khen thưởng", "Loại", "Cấp khen", "Số tập thể", "Số cá nhân"],
                        ["Giấy khen", "Thường xuyên", "Đơn vị", 2, 5],
                        ["Bằng khen của Bộ Quốc phòng", "Thường xuyên", "Khen cao", 1, 1]],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsxwriter(path, sheets)
