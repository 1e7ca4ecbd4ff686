"""Which files of a folder are unit workbooks, and reading them (each file in a contained
worker process: addin.io.sandbox)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from addin.domain.models import UnitWorkbook
from addin.domain.rules import Rules
from addin.io import safe_files
from addin.io.judged_read import RulesParcel, read_judged
from addin.io.reader import (
    MAX_FILE_BYTES,
    UNSUPPORTED_SUFFIXES,
    WORKBOOK_SUFFIXES,
    read_inputs,
    unreadable,
)
from addin.io.sandbox import TIME_LIMIT, Task, WorkerLost, shared_pool

LISTED_SUFFIXES = WORKBOOK_SUFFIXES + tuple(UNSUPPORTED_SUFFIXES)


def is_candidate(path: Path) -> bool:
    """A workbook staff put there: not an Excel lock file ("~$…"), not hidden, right suffix
    (or a workbook kind tdkt lists as not read). Anything so named that is not a regular file
    (a FIFO, a link to a device, a folder) is listed too: the reader refuses it, without
    opening it, and says why, rather than dropping it without a word."""
    name = path.name
    return not name.startswith(("~$", ".")) and path.suffix.lower() in LISTED_SUFFIXES


def workbook_files(paths: Iterable[str], unlisted: list[tuple[str, str]] | None = None
                   ) -> list[tuple[Path, str]]:
    """(real path, path as the user should see it) for every workbook under the given paths.

    A file named explicitly is always read (a wrong one becomes unreadable_file); a folder
    contributes its workbooks, in name order. A folder that cannot be listed raises OSError,
    unless `unlisted` is given: then (folder as shown, reason) is appended to it.
    """
    found: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            try:
                children = sorted(p.iterdir(), key=lambda c: c.name)
            except OSError as exc:
                if unlisted is None:
                    raise
                unlisted.append((safe_files.shown(given), safe_files.describe(exc)))
                continue
            for child in children:
                if is_candidate(child):
                    found.append((child, safe_files.shown(Path(given) / child.name)))
        else:
            found.append((p, safe_files.shown(given)))  # unreadable if wrong: the user named it
    return found


def subfolders(root: str | Path) -> list[Path]:
    """The folders inside `root` (a root of cluster folders), hidden ones left out, by name."""
    return sorted((p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(safe_files.read_regular(path, MAX_FILE_BYTES)).hexdigest()
    except OSError:
        return ""


def read_all(files: list[tuple[Path, str]], progress: Callable[[int], None] | None = None,
             jobs: int | None = None, time_limit: float = TIME_LIMIT,
             rules: Rules | None = None) -> list[UnitWorkbook]:
    """Read every file, in order, each in a worker process with memory and time limits (more
    than one worker for several files: reading is CPU-bound Python around the Rust parser). A
    file whose worker dies or overruns is unreadable_file; the others are read regardless. A
    cluster report gives the unit workbooks it contains (addin.io.report_input). With `rules`,
    each worker also judges the books it read (addin.io.judged_read): consolidate them with
    the same rules book."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    tasks: list[Task]
    if rules is None:
        tasks = [(read_inputs, (real, shown)) for real, shown in files]
    else:
        parcel = RulesParcel.of(rules)
        tasks = [(read_judged, (real, shown, parcel)) for real, shown in files]
    results = shared_pool().run(tasks, workers, time_limit, progress)
    books: list[UnitWorkbook] = []
    for (real, shown), result in zip(files, results, strict=True):
        if isinstance(result, WorkerLost):
            books.append(unreadable(shown, str(result), _sha256(real)))
        else:
            books.extend(result)
    return books


def folders_with_workbooks(folder: str | Path) -> list[Path]:
    """The subfolders of `folder` that hold workbooks (a folder of cluster folders, given where
    one cluster's folder was meant); empty when it cannot be listed."""
    try:
        return [c for c in subfolders(folder) if any(is_candidate(f) for f in c.iterdir())]
    except OSError:
        return []
