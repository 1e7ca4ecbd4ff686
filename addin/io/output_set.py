"""Writing a job's outputs as one set: every file replaced, or none (issue 13 §3).

`tdkt report` writes a report per cluster and the roll-up of them all. If one output cannot be
written (open in Excel, read-only), rewriting the others would leave the roll-up disagreeing
with the reports beside it. So each output is first written in full to a temporary file beside
its target, and only when all are there are they renamed in (`commit`); a failure while
renaming puts the earlier files back. Each rename replaces its target atomically, so a run
killed at any moment leaves every output whole (old or new).

An output open in Excel has Excel's lock file ("~$name.xlsx") beside it: Excel would keep
showing, and on saving write back, the old contents, so such an output is not written at all;
on Windows the rename itself is refused. Both say "đang mở trong Excel? Đóng tệp rồi chạy lại".
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Mapping
from pathlib import Path

from addin.domain.errors import TdktError
from addin.io.safe_files import describe, shown
from addin.io.xlsx_common import _TEMP_SUFFIX, write_atomic

LOCK_PREFIX = "~$"
_OLD_SUFFIX = ".tdkt-old"
# What Windows says when the file is open in another program (a sharing violation).
_BUSY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EBUSY, getattr(errno, "ETXTBSY", errno.EBUSY)}


class OutputBusy(TdktError):
    """An output is open in Excel (or otherwise refused): nothing of the set was written."""


def lock_file(target: Path) -> Path | None:
    """Excel's lock file of `target` ("~$" + its name; long names lose their first two
    characters in some Excel versions), when one is there."""
    for name in {f"{LOCK_PREFIX}{target.name}", f"{LOCK_PREFIX}{target.name[2:]}"}:
        candidate = target.with_name(name)
        if os.path.lexists(candidate):
            return candidate
    return None


def busy_message(targets: list[Path]) -> str:
    names = ", ".join(shown(t) for t in targets)
    return (f"Không ghi được {names}: tệp đang mở trong Excel? Đóng tệp rồi chạy lại "
            "(chưa tệp kết quả nào bị thay)")


def staged_path(target: Path) -> Path:
    """Where `target`'s new contents wait to be renamed in (a name write_atomic's clean-up of a
    killed run recognises)."""
    return target.parent / f".{target.name}.{secrets.token_hex(8)}{_TEMP_SUFFIX}"


def _discard(paths: list[Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


def _keep(target: Path) -> Path:
    """A copy of `target`'s current contents to put back if the set fails: a second name for the
    same file where the disk allows (no copying), else a copy (FAT-formatted USB sticks)."""
    old = target.parent / f".{target.name}.{secrets.token_hex(8)}{_OLD_SUFFIX}"
    try:
        os.link(target, old, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, old, follow_symlinks=False)
    return old


def _same_mode(target: Path, new: Path) -> None:
    """The new file keeps the permissions the user gave the old one (as write_atomic does)."""
    try:
        os.chmod(new, stat.S_IMODE(target.stat().st_mode))
    except OSError:
        pass


def commit(staged: Mapping[Path, Path]) -> None:
    """Rename every staged file (target -> staged) over its target, all or none. Raises
    OutputBusy (open in Excel, refused) or TdktError (another disk problem); the staged files
    are removed either way."""
    busy = [t for t in staged if lock_file(t) is not None]
    if busy:
        _discard(list(staged.values()))
        raise OutputBusy(busy_message(busy))
    kept: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for target, new in staged.items():
            if target.is_symlink() or target.is_file():
                kept[target] = _keep(target)
                _same_mode(target, new)
            os.replace(new, target)  # atomic: a killed run leaves the old file or the new one
            placed.append(target)
    except OSError as exc:
        for target in placed:  # put the earlier ones back as they were
            try:
                if target in kept:
                    os.replace(kept.pop(target), target)
                else:
                    os.unlink(target)
            except OSError:
                pass
        _discard([*staged.values(), *kept.values()])
        failed = getattr(exc, "filename2", None) or getattr(exc, "filename", None)
        culprit = [Path(failed)] if failed else list(staged)
        if exc.errno in _BUSY_ERRNOS:
            raise OutputBusy(busy_message(culprit), cause=describe(exc)) from exc
        raise TdktError(f"Không ghi được {shown(culprit[0])}: {describe(exc)} "
                        "(chưa tệp kết quả nào bị thay)") from exc
    _discard(list(kept.values()))


def write_outputs(outputs: Mapping[Path, bytes]) -> None:
    """Write every output, all or none (see the module)."""
    staged: dict[Path, Path] = {}
    try:
        for target, data in outputs.items():
            staged[target] = staged_path(target)
            write_atomic(staged[target], data)
    except OSError as exc:
        _discard(list(staged.values()))
        raise TdktError(f"Không ghi được {shown(target)}: {describe(exc)}") from exc
    commit(staged)
