"""The ribbon macros' edge (issue 12 §6): Excel shows one Vietnamese sentence, never a trace.

xlwings shows an uncaught Python exception to the user as a traceback in a message box. Each
macro is wrapped here: tdkt's own failure (`TdktError`: a missing folder, an unusable rules
file, an output open in Excel…) is shown as its sentence; anything else is logged with its full
trace (addin/errors.py) and the message box says where the log is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from addin.domain import labels as L
from addin.errors import TdktError, unexpected_message

ALERT_TITLE = "TĐKT"
R = TypeVar("R")


def _alert(book: Any, message: str) -> bool:
    """Show `message` in the book's Excel (desktop or remote engine); False without one."""
    app = getattr(book, "app", None)
    alert = getattr(app, "alert", None)
    if not callable(alert):
        return False
    alert(message, title=ALERT_TITLE)
    return True


def shown_in_excel(caller: Callable[[Any], Any]) -> Callable[[Callable[..., R]], Callable[..., R | None]]:
    """Wrap a macro `f(book=None, …)`; `caller(book)` gives the xlwings Book to alert in."""

    def wrap(macro: Callable[..., R]) -> Callable[..., R | None]:
        @functools.wraps(macro)
        def run(*args: Any, **kwargs: Any) -> R | None:
            try:
                return macro(*args, **kwargs)
            except TdktError as exc:
                message = f"{L.ERROR_PREFIX}{exc}"
                failure: BaseException = exc
            except Exception as exc:  # noqa: BLE001  (the edge: a broken program, logged)
                message = unexpected_message(exc)
                failure = exc
            book = kwargs.get("book", args[0] if args else None)
            try:
                target = caller(book)
            except Exception:  # noqa: BLE001  (no Excel to show it in: raise the failure)
                target = None
            if target is None or not _alert(target, message):
                raise failure
            return None

        return run

    return wrap
