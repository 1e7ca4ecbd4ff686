"""The English cause of a failure, kept for support after the Vietnamese sentence (issue 13 §2).

Libraries explain failures in English ("Cannot detect file format", "file is not a database",
"Cannot overwrite a value"). The user reads a Vietnamese sentence saying what happened and what
to do; the library's own words follow it, marked as details for whoever supports them, and cut
short so that a long message never buries the sentence.
"""

from __future__ import annotations

MAX_DETAIL = 120


def detail(exc: BaseException) -> str:
    """"(chi tiết kỹ thuật: CalamineError: Cannot detect file format)"."""
    text = " ".join(str(exc).split())
    if len(text) > MAX_DETAIL:
        text = text[:MAX_DETAIL - 1] + "…"
    cause = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"(chi tiết kỹ thuật: {cause})"
