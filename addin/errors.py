"""Errors at the edge (issue 12 §6): tdkt's own failures are one Vietnamese sentence; anything
else is a broken program, whose full trace goes to a log file the user can send to support,
while the user reads a short Vietnamese message saying where that file is.

`TdktError` (addin/domain/errors.py) is the base; the command line (addin/cli_errors.py) and
every ribbon macro (addin/macro_errors.py) catch it here.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path

from addin.domain.errors import TdktError

__all__ = ["LOG_NAME", "TdktError", "log_dir", "log_unexpected", "unexpected_message"]

LOG_NAME = "tdkt-loi.log"
LOG_DIR_VARIABLE = "TDKT_LOG_DIR"


def log_dir() -> Path:
    """$TDKT_LOG_DIR, else a "tdkt" folder in the user's temporary folder (%TEMP% on Windows)."""
    given = os.environ.get(LOG_DIR_VARIABLE)
    return Path(given) if given else Path(tempfile.gettempdir()) / "tdkt"


def log_unexpected(exc: BaseException) -> Path | None:
    """Append `exc`'s full trace to the log; its path, or None when even that cannot be written."""
    path = log_dir() / LOG_NAME
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    trace = "".join(traceback.format_exception(exc))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(f"--- {stamp}\n{trace}\n")
    except OSError:
        return None
    return path


def unexpected_message(exc: BaseException) -> str:
    """The short Vietnamese message for a broken program; logs the trace first."""
    logged = log_unexpected(exc)
    where = (f"chi tiết đã ghi vào {logged}; gửi tệp này cho bộ phận hỗ trợ"
             if logged else "không ghi được tệp nhật ký lỗi")
    return f"tdkt gặp lỗi ngoài dự kiến ({type(exc).__name__}), chưa làm xong: {where}."
