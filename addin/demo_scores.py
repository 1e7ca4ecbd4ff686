"""The demo clusters' covenant and scores: cluster 3 held its conference (cluster scores,
suy tôn ballot, a tie on the score (Krông Ana, Ea Kar) broken by criterion TC01, one unit that scored above a
maximum); cluster 5 has not voted yet and two units tie on everything (the vote decides)."""

from __future__ import annotations

import re
from typing import Any

from addin.io.covenant_file import sample_text

CODES = ("TC01", "TC02", "TC03", "TC04", "TC05", "TC06", "TC07", "TC08", "TC09", "TC10",
         "CG01", "CG02", "TR01", "TR02")
# file -> self scores in CODES order; cluster scores where the cluster changed one
SELF: dict[str, tuple[float, ...]] = {
    "ban-chqs-lak.xlsx": (15, 11.5, 10, 11.5, 10, 9.5, 8, 5, 9.5, 7.5, 1, 0, 0, 0),
    "ban-chqs-krong-ana.xlsx": (14, 11, 9.5, 11, 9.5, 9, 7.5, 4.5, 9, 7, 2, 0, 0, 0),
    "ban-chqs-ea-kar.xlsx": (13.5, 11.5, 9.5, 11, 9.5, 9.5, 7.5, 4.5, 9, 7, 1.5, 0, 0, 0),
    "ban-chqs-mdrak.xlsx": (13, 10, 9, 10, 9, 8.5, 7, 4, 8.5, 7, 0, 0, 0, 0),
    "ban-chqs-krong-bong.xlsx": (13, 10.5, 9, 12.5, 9, 8.5, 7, 4.5, 7, 6.5, 0, 1, 2, 0),
    "ban-chqs-buon-don.xlsx": (14, 11, 9.5, 11, 9, 9, 7.5, 4.5, 9, 7, 1, 0, 0, 0),
    "ban-chqs-cu-mgar.xlsx": (14, 10.5, 9.5, 11, 9.5, 9, 7, 4.5, 9, 7.5, 1, 0, 0, 0),
    "ban-chqs-ea-sup.xlsx": (13, 10, 9, 10.5, 9, 8.5, 7, 4, 8, 7, 0, 0, 1, 0),
}
CLUSTER: dict[str, dict[str, float]] = {
    "ban-chqs-lak.xlsx": {"TC04": 11},
    "ban-chqs-mdrak.xlsx": {"TC02": 9.5},
}
EVIDENCE = "Báo cáo tổng kết năm 2024; biên bản kiểm tra của cụm"
# cluster folder -> (this year's chair, the conference's suy tôn ballot or None)
CONFERENCE: dict[str, tuple[str, dict[str, Any] | None]] = {
    "cum-thi-dua-so-3": ("Ban CHQS huyện Krông Bông",
                         {"members": 5, "present": 5, "votes": {"Ban CHQS huyện Lắk": 5}}),
    "cum-thi-dua-so-5": ("Ban CHQS huyện Buôn Đôn", None),
}


def scores_for(file_name: str) -> dict[str, dict[str, Any]]:
    own = SELF[file_name]
    reviewed = CLUSTER.get(file_name, {})
    return {code: {"self": value, "evidence": EVIDENCE if code.startswith("TC") else "",
                   **({"cluster": reviewed[code]} if code in reviewed else {})}
            for code, value in zip(CODES, own, strict=True)}


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def cluster_rules_text(folder: str, cluster: str, units: list[str]) -> str:
    """The cluster folder's tdkt-rules.toml: the sample covenant under the cluster's name, its
    chair rotation (the units in order), and the suy tôn ballot when the conference voted."""
    chair, ballot = CONFERENCE[folder]
    text = sample_text()
    text = text.replace('name = "Giao ước thi đua mẫu (100 điểm)"',
                        f'name = "Giao ước thi đua {cluster} năm 2024 (dữ liệu mẫu)"')
    # The key line only: the header comment also quotes `sample = true`.
    text = re.sub(r"(?m)^sample = true$", "sample = false  # the demo cluster's own (synthetic)",
                  text)
    text = text.replace("rotation = []", f"rotation = {_toml(units)}")
    text = text.replace('chair = ""', f"chair = {_toml(chair)}")
    if ballot is not None:
        votes = ", ".join(f"{_toml(k)} = {v}" for k, v in ballot["votes"].items())
        text += (f"\n[covenant.ballot]  # phiếu suy tôn tại hội nghị tổng kết cụm\n"
                 f"members = {ballot['members']}\npresent = {ballot['present']}\n"
                 f"votes = {{ {votes} }}\n")
    return text
