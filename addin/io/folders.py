"""Which files of a folder are unit workbooks, and reading them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from addin.domain.models import UnitWorkbook
from addin.io.reader import WORKBOOK_SUFFIXES, read_inputs


def is_candidate(path: Path) -> bool:
    """A workbook staff put there: not an Excel lock file ("~$…"), not hidden, right suffix."""
    name = path.name
    return (not name.startswith(("~$", "."))
            and path.suffix.lower() in WORKBOOK_SUFFIXES
            and path.is_file())


def workbook_files(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """(real path, path as the user should see it) for every workbook under the given paths.

    A file named explicitly is always read (a wrong one becomes unreadable_file); a folder
    contributes its workbooks, in name order.
    """
    found: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for child in sorted(p.iterdir(), key=lambda c: c.name):
                if is_candidate(child):
                    found.append((child, str(Path(given) / child.name)))
        elif p.exists():
            found.append((p, given))
        else:
            found.append((p, given))  # reported as unreadable: the user named it
    return found


# Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 16


def _read_chunk(chunk: list[tuple[Path, str]]) -> list[UnitWorkbook]:
    return [book for real, shown in chunk for book in read_inputs(real, shown)]


def read_all(files: list[tuple[Path, str]], progress: Callable[[int], None] | None = None,
             jobs: int | None = None) -> list[UnitWorkbook]:
    """Read every file, in order (a cluster report gives the units it contains). Many files
    are read by a pool of processes (reading is CPU-bound Python around the Rust parser, so
    threads would not help)."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files) // (PARALLEL_FROM // 2)))
    if workers == 1 or len(files) < PARALLEL_FROM:
        books = []
        for real, shown in files:
            books.extend(read_inputs(real, shown))
            if progress:
                progress(1)
        return books
    size = max(1, min(32, len(files) // (workers * 4)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    books = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk, chunk_books in zip(chunks, pool.map(_read_chunk, chunks), strict=True):
            books.extend(chunk_books)
            if progress:
                progress(len(chunk))
    return books
