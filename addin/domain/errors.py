"""The one exception base of tdkt's own failures (issue 12 §6).

A `TdktError` is a failure tdkt foresees and can explain: an unusable rules file, a folder that
is not there, an output it must not or cannot replace. Its message is one Vietnamese sentence
for the user; `cause` keeps the system's own (often English) words for support, shown after it.
Every front (the command line, each ribbon macro) catches it at its edge and shows the sentence;
anything else is a broken program, logged with its trace (addin/errors.py).
"""

from __future__ import annotations


class TdktError(Exception):
    """A failure of tdkt's own, with a Vietnamese message."""

    def __init__(self, message: str, cause: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause

    def __str__(self) -> str:
        return f"{self.message} (chi tiết: {self.cause})" if self.cause else self.message
