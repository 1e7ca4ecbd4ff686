"""Excel functions (xlwings UDFs). Each one converts, calls addin.worksheet_functions, converts
back. tdkt.xlam carries their VBA wrappers, generated at build time from these decorators
(scripts/build_addin.py); on Linux the decorators are inert and the functions are plain Python.

Every function takes a single cell or a whole range (and then returns an array of the same
shape); bad input gives a message in the cell, never a Python error.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlwings as xw

from addin import worksheet_functions as wf
from addin.domain import labels as L
from addin.domain.rules import Rules, RulesError
from addin.io.causes import detail
from addin.io.rules_file import LOCAL_RULES_NAME, load_rules

CATEGORY = "TĐKT"


@lru_cache(maxsize=8)
def _rules_cached(path: str | None, mtime: float) -> Rules:
    return load_rules(path)


def rules_for(caller: Any = None) -> Rules:
    """The rules book: a tdkt-rules.toml beside the calling workbook overrides the default."""
    folder: Path | None = None
    try:
        fullname = caller.sheet.book.fullname if caller is not None else ""
        if fullname and os.path.isabs(fullname):
            folder = Path(fullname).parent
    except Exception:  # no book behind the caller (function wizard, unsaved book)
        folder = None
    local = folder / LOCAL_RULES_NAME if folder else None
    if local is not None and local.is_file():
        return _rules_cached(str(local), local.stat().st_mtime)
    return _rules_cached(None, 0.0)


def _safely(compute: Any) -> Any:
    try:
        return compute()
    except RulesError as exc:  # a broken rules file must show in the cell, not crash Excel
        return f"{L.ERROR_PREFIX}{exc}"  # the rules parser speaks Vietnamese
    except Exception as exc:  # the Vietnamese sentence first, Python's English after it
        return f"{L.ERROR_PREFIX}không tính được {detail(exc)}"


@xw.func(category=CATEGORY)
@xw.arg("agree", ndim=2, doc="Số phiếu đồng ý (một ô hoặc một vùng)")
@xw.arg("denominator", ndim=2, doc="Mẫu số: số có mặt hoặc tổng số thành viên")
def TDKT_TYLE(agree: Any, denominator: Any, caller: Any = None) -> Any:
    """Tỷ lệ phiếu đồng ý (%), làm tròn 2 chữ số thập phân."""
    return _safely(lambda: wf.vote_share(agree, denominator, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("title", ndim=2, doc="Danh hiệu đề nghị (tên, mã hoặc cách viết khác)")
@xw.arg("members", ndim=2, doc="Tổng số thành viên Hội đồng")
@xw.arg("present", ndim=2, doc="Số có mặt")
@xw.arg("agree", ndim=2, doc="Số phiếu đồng ý")
def TDKT_KETQUA(title: Any, members: Any, present: Any, agree: Any, caller: Any = None) -> Any:
    """Kết quả bỏ phiếu theo quy tắc của danh hiệu: "Đạt" hoặc "Không đạt" (ngưỡng, túc số,
    mẫu số), hoặc thông báo lỗi số liệu."""
    return _safely(lambda: wf.vote_result(title, members, present, agree, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("title", ndim=2, doc="Danh hiệu")
@xw.arg("base", ndim=2, doc="Số cơ sở: quân số, số đầu mối…")
def TDKT_HANMUC(title: Any, base: Any, caller: Any = None) -> Any:
    """Số tối đa được đề nghị danh hiệu theo tỷ lệ xét tặng, tính từ số cơ sở."""
    return _safely(lambda: wf.quota_for(title, base, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("text", ndim=2, doc="Tên danh hiệu viết bất kỳ (CSTĐCS, Chiến sỹ tiên tiến…)")
def TDKT_DANHHIEU(text: Any, caller: Any = None) -> Any:
    """Tên chuẩn của danh hiệu thi đua."""
    return _safely(lambda: wf.title_name(text, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("text", ndim=2, doc="Hình thức khen thưởng viết bất kỳ (BK BQP, Giấy khen của…)")
def TDKT_HINHTHUC(text: Any, caller: Any = None) -> Any:
    """Tên chuẩn của hình thức khen thưởng theo danh mục."""
    return _safely(lambda: wf.form_name(text, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("text", ndim=2, doc="Văn bản cần chuẩn hóa")
def TDKT_CHUANHOA(text: Any) -> Any:
    """Chuẩn hóa văn bản: Unicode dựng sẵn, bỏ khoảng trắng thừa, chuyển TCVN3/VNI sang
    Unicode."""
    return _safely(lambda: wf.normalise(text))


@xw.func(category=CATEGORY)
@xw.arg("table", ndim=2, doc="Bảng Cá nhân hoặc Tập thể, gồm cả dòng tiêu đề")
def TDKT_KIEMTRA(table: Any, caller: Any = None) -> Any:
    """Kiểm tra từng dòng của bảng đề nghị: một cột thông báo, "" khi dòng hợp lệ."""
    return _safely(lambda: wf.check_table(table, rules_for(caller)))


@xw.func(category=CATEGORY)
@xw.arg("codes", ndim=2, doc="Cột mã tiêu chí (trang Chấm điểm)")
@xw.arg("self_scores", ndim=2, doc="Cột điểm tự chấm")
@xw.arg("cluster_scores", ndim=2, doc="Cột điểm cụm chấm (không bắt buộc)")
def TDKT_DIEM(codes: Any, self_scores: Any, cluster_scores: Any = None, caller: Any = None
              ) -> Any:
    """Tổng điểm thi đua của đơn vị theo giao ước của cụm: điểm các tiêu chí, điểm cộng và
    điểm trừ trong mức tối đa; dùng điểm cụm chấm ở tiêu chí cụm đã chấm."""
    return _safely(lambda: wf.covenant_total(codes, self_scores, cluster_scores,
                                             rules_for(caller)))



def history_db_for(caller: Any = None) -> str | None:
    """$TDKT_DB, else tdkt-lich-su.sqlite beside the calling workbook."""
    if os.environ.get("TDKT_DB"):
        return os.environ["TDKT_DB"]
    try:
        fullname = caller.sheet.book.fullname if caller is not None else ""
    except Exception:  # no book behind the caller
        fullname = ""
    if fullname and os.path.isabs(fullname):
        return str(Path(fullname).parent / "tdkt-lich-su.sqlite")
    return None


@xw.func(category=CATEGORY)
@xw.arg("full_name", ndim=2, doc="Họ và tên")
@xw.arg("title", ndim=2, doc="Danh hiệu đề nghị")
@xw.arg("period", doc="Kỳ báo cáo, vd. Năm 2024")
@xw.arg("service_no", ndim=2, doc="Số hiệu quân nhân (\"\" khi không có)")
@xw.arg("birth_year", ndim=2, doc="Năm sinh (\"\" khi không có)")
@xw.arg("unit", ndim=2, doc="Đơn vị")
def TDKT_CHUOINAM(full_name: Any, title: Any, period: Any, service_no: Any, birth_year: Any,
                  unit: Any, caller: Any = None) -> Any:
    """Số năm liên tục đạt danh hiệu trước (điều kiện của danh hiệu đề nghị) mà cơ sở dữ liệu
    lịch sử chứng minh được."""
    return _safely(lambda: wf.proven_streak(full_name, title, period, service_no, birth_year,
                                            unit, history_db_for(caller), rules_for(caller)))


UDFS = (TDKT_TYLE, TDKT_KETQUA, TDKT_HANMUC, TDKT_DANHHIEU, TDKT_HINHTHUC, TDKT_CHUANHOA,
        TDKT_KIEMTRA, TDKT_DIEM, TDKT_CHUOINAM)
