"""The cyclic garbage collector, paused for the length of a batch job.

A job allocates hundreds of thousands of records that live until it ends; every burst of
allocations makes the collector scan them all again, about 8 % of a job's CPU
(`scripts/benchmark.py`). The job's own cyclic garbage is a few thousand objects (XlsxWriter's
workbook), so one collection when the job ends is enough. Reference counting frees everything
else as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector inside; collect once when leaving and restore its state (a worker
    forked during a paused job inherits the pause, and each of its jobs collects when done)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()
