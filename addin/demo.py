"""The bundled demo: Cụm thi đua số 3 (five district military commands of Đắk Lắk) and a second,
smaller cluster, with synthetic people and a few realistic mistakes. Deterministic (fixed seed)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from addin.demo_scores import cluster_rules_text, scores_for
from addin.domain.legacy import encode_tcvn3, encode_vni
from addin.domain.rules import Rules
from addin.io.rules_file import LOCAL_RULES_NAME, load_rules
from addin.io.unit_template import UnitData, unit_workbook_bytes
from addin.io.xlsx_common import write_atomic

SEED = 2024
PERIOD = "Năm 2024"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Y", "H'")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Ngọc", "Xuân", "Công")
GIVEN = ("Hùng", "Thắng", "Dũng", "Hải", "Long", "Nam", "Sơn", "Tuấn", "Việt", "Khoa", "Lâm",
         "Phúc", "Trung", "Quân", "Hiếu", "Bình", "An", "Thành", "Cường", "Đạt", "Huy", "Nhân")
RANKS = ("Binh nhất", "Hạ sĩ", "Trung sĩ", "Thượng sĩ", "Thiếu úy", "Trung úy", "Thượng úy",
         "Đại úy", "Thiếu tá", "Trung tá")
POSITIONS = ("Chiến sĩ", "Tiểu đội trưởng", "Trợ lý", "Nhân viên", "Trung đội trưởng",
             "Phó Chỉ huy trưởng")
INITIATIVES = ("Cải tiến sổ theo dõi huấn luyện", "Giải pháp quản lý vũ khí", "Mô hình dân vận khéo",
               "Sáng kiến bảo quản trang bị mùa mưa")

CLUSTERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("cum-thi-dua-so-3", "Cụm thi đua số 3", (
        ("ban-chqs-ea-kar.xlsx", "Ban CHQS huyện Ea Kar"),
        ("ban-chqs-mdrak.xlsx", "Ban CHQS huyện M'Đrắk"),
        ("ban-chqs-krong-ana.xlsx", "Ban CHQS huyện Krông Ana"),
        ("ban-chqs-krong-bong.xlsx", "Ban CHQS huyện Krông Bông"),
        ("ban-chqs-lak.xlsx", "Ban CHQS huyện Lắk"),
    )),
    ("cum-thi-dua-so-5", "Cụm thi đua số 5", (
        ("ban-chqs-buon-don.xlsx", "Ban CHQS huyện Buôn Đôn"),
        ("ban-chqs-cu-mgar.xlsx", "Ban CHQS huyện Cư M'gar"),
        ("ban-chqs-ea-sup.xlsx", "Ban CHQS huyện Ea Súp"),
    )),
)


def _person(rng: random.Random, title: str) -> dict[str, Any]:
    members = rng.randint(9, 15)
    present = members - rng.choice((0, 0, 1, 2))
    agree = present - rng.choice((0, 0, 0, 1, 2))
    row: dict[str, Any] = {
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "rank": rng.choice(RANKS), "position": rng.choice(POSITIONS), "title": title,
        "members": members, "present": present, "agree": agree,
    }
    if title != "Chiến sĩ tiên tiến":
        row["initiative"] = rng.choice(INITIATIVES)
    return row


def unit_data(rng: random.Random, unit: str, cluster: str, mistakes: str) -> UnitData:
    headcount = rng.randint(45, 80)
    n_cstdcs = 3 if mistakes != "quota" else 10
    people = [_person(rng, "Chiến sĩ thi đua cơ sở") for _ in range(n_cstdcs)]
    people += [_person(rng, "Chiến sĩ tiên tiến") for _ in range(rng.randint(12, 18))]
    collectives = []
    for i in range(rng.randint(2, 3)):
        size = rng.randint(10, 25)
        members = rng.randint(9, 13)
        collectives.append({
            "name": f"{('Ban Tham mưu', 'Ban Chính trị', 'Ban Hậu cần - Kỹ thuật')[i]}",
            "title": "Đơn vị tiên tiến" if i else "Đơn vị Quyết thắng", "headcount": size,
            "cstt": round(size * 0.75), "cstdcs": 1 if i == 0 else 0, "disciplined": 0,
            "members": members, "present": members, "agree": members - rng.choice((0, 1)),
        })
    if mistakes == "votes":  # Ea Kar: counts typed wrong, an initiative forgotten
        people[4]["agree"] = people[4]["present"] + 2
        people[1].pop("initiative")
    elif mistakes == "legacy":  # M'Đrắk: an old PC typing TCVN3 and VNI, numbers as text
        for row in people[:6]:
            row["full_name"] = encode_tcvn3(row["full_name"])
        people[6]["full_name"] = encode_vni(people[6]["full_name"])
        people[7]["title"] = "Chiến sỹ tiên tiến"
        people[8]["members"] = str(people[8]["members"])
        people[9]["title"] = "CSTĐ cơ sở"
        people[9]["initiative"] = INITIATIVES[0]
    elif mistakes == "meeting":  # Krông Bông: a duplicate, a failed vote, a thin meeting
        people.append(dict(people[5]))
        people[10]["agree"] = people[10]["present"] // 2 - 1
        people[11]["present"] = people[11]["members"] // 2
        people[11]["agree"] = people[11]["present"]
    for i, row in enumerate(people, start=1):
        row["seq"] = i
    for i, row in enumerate(collectives, start=1):
        row["seq"] = i
    commendations = [
        {"seq": 1, "form": "Giấy khen của Chỉ huy trưởng", "kind": "Thường xuyên",
         "level": "Đơn vị", "collectives": rng.randint(1, 4), "individuals": rng.randint(5, 15)},
        {"seq": 2, "form": "Giấy khen của Chỉ huy trưởng", "kind": "Đột xuất", "level": "Đơn vị",
         "collectives": 0, "individuals": rng.randint(1, 4)},
        {"seq": 3, "form": "Bằng khen của Bộ Quốc phòng", "kind": "Thường xuyên",
         "level": "Khen cao", "collectives": rng.randint(0, 1), "individuals": rng.randint(0, 2)},
    ]
    info = {"unit": unit, "cluster": cluster, "period": PERIOD, "headcount": headcount,
            "subunits": 5, "council": 11, "prepared_by": "Trợ lý Tuyên huấn",
            "prepared_on": f"{rng.randint(10, 20)}/12/2024"}
    return UnitData(info=info, individuals=people, collectives=collectives,
                    commendations=commendations)


MISTAKES = {"ban-chqs-ea-kar.xlsx": "votes", "ban-chqs-mdrak.xlsx": "legacy",
            "ban-chqs-krong-ana.xlsx": "quota", "ban-chqs-krong-bong.xlsx": "meeting"}


def write_demo(root: Path, rules: Rules) -> list[Path]:
    """Write the demo clusters under root (one folder each); return the folders."""
    rng = random.Random(SEED)
    folders = []
    for folder_name, cluster, units in CLUSTERS:
        folder = root / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        # The cluster's covenant (giao ước) with its chair rotation: the units are scored on it.
        local = folder / LOCAL_RULES_NAME
        write_atomic(local, cluster_rules_text(folder_name, cluster, [u for _, u in units])
                     .encode("utf-8"))
        cluster_rules = load_rules(local) if rules.covenant is None else rules
        for file_name, unit in units:
            data = unit_data(rng, unit, cluster, MISTAKES.get(file_name, ""))
            data.scores = scores_for(file_name)
            write_atomic(folder / file_name, unit_workbook_bytes(cluster_rules, data))
        folders.append(folder)
    # What a real shared folder also holds: an Excel lock file and a note; both are skipped.
    (folders[0] / "~$ban-chqs-lak.xlsx").write_bytes(b"\x00lock")
    (folders[0] / "ghi-chu.txt").write_text("Thư mục nộp báo cáo của cụm 3\n", encoding="utf-8")
    return folders
