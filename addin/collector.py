"""The cyclic garbage collector, paused for the length of a batch job.

A job allocates hundreds of thousands of records that live until it ends; every burst of
allocations makes the collector scan them all again, about 8 % of a job's CPU
(`scripts/benchmark.py`). The job's own cyclic garbage is a few thousand objects (XlsxWriter's
workbook), so one collection when the job ends is enough. Reference counting frees everything
else as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # jobs inside a pause, of every thread (a forked worker inherits its parent's)
_enabled_before = False  # the collector's state when the outermost pause began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector inside; collect once when leaving. The collector comes back on
    when the last pause ends (jobs of two threads overlapping, in a long Excel session, do not
    leave it off), and only if it was on before the first (a worker forked during a paused job
    inherits the pause, and each of its jobs collects when done)."""
    global _depth, _enabled_before
    with _lock:
        if _depth == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        gc.collect()
        with _lock:
            _depth -= 1
            if _depth == 0 and _enabled_before:
                gc.enable()
