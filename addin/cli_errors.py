"""The command line's edge: every failure ends as one Vietnamese line on stderr, never a trace.

- `UsageProblem`: what the user asked for cannot be done (exit 2, "Lỗi: …").
- A `TdktError` raised anywhere below a command becomes a UsageProblem with its sentence.
- Any other exception is a broken program: its trace is logged (addin/errors.py) and the user
  reads where (exit 2: nothing was done that can be trusted).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from addin.domain import labels as L
from addin.errors import TdktError, unexpected_message
from addin.io.safe_files import shown


class UsageProblem(click.ClickException):
    """A problem with what the user asked for (bad rules file, refused output): exit 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))  # a path with undecodable bytes must still print

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{L.ERROR_PREFIX}{self.format_message()}", file=file, err=True)  # not click's "Error:"


@contextmanager
def at_the_edge() -> Iterator[None]:
    """Turn tdkt's own failures and unexpected ones into a Vietnamese message (see the module)."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
        raise  # click's own; a closed pipe (`tdkt … | head`) is click's to end quietly
    except TdktError as exc:
        raise UsageProblem(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001  (the edge: a broken program, logged)
        raise UsageProblem(unexpected_message(exc)) from exc
