"""Who issues and signs a printed report: the `[bao_cao]` table of a rules file (issue 13 §1).

A cluster's tdkt-rules.toml (ROOT's for the roll-up) may name the issuing unit, the place
printed before the date ("địa danh"), the preparer, and the signer's title and name. Every key
is optional: what is not given prints as dots or blank lines to fill in by hand.
Keys are read through the rules book's reader, so a misspelt key is refused, not ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from addin.domain.rules import _Reader

TABLE = "bao_cao"
KEYS = {  # key -> what it means, in the user's words (docs and messages)
    "don_vi": "đơn vị ban hành (dòng trên cùng bên trái)",
    "dia_danh": "địa danh trước ngày tháng",
    "nguoi_lap_bieu": "họ tên người lập biểu",
    "chuc_danh_ky": "chức danh người ký (ví dụ CỤM TRƯỞNG)",
    "nguoi_ky": "cấp bậc, họ tên người ký (ví dụ Đại tá Nguyễn Văn A)",
}


@dataclass(frozen=True, slots=True)
class ReportDetails:
    issuer: str = ""  # the issuing unit; the cluster's name when not given
    place: str = ""
    preparer: str = ""
    signer_role: str = ""  # replaces the default role line ("CỤM TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ")
    signer: str = ""


def report_details_from_reader(reader: _Reader) -> ReportDetails:
    issuer, place, preparer, role, signer = (reader.text(key, "").strip() for key in KEYS)
    return ReportDetails(issuer=issuer, place=place, preparer=preparer, signer_role=role,
                         signer=signer)
