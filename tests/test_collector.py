"""The cyclic collector is paused for a job and restored after it; reading workers collect."""

from __future__ import annotations

import gc
import weakref

from addin.collector import collector_paused
from addin.io.sandbox import WorkerPool


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_paused_inside_restored_after_and_cycles_collected() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        node = _Node()
        gone = weakref.ref(node)
        del node
        assert gone() is not None  # paused: the cycle waits
    assert gc.isenabled()
    assert gone() is None  # collected once when the job ends


def test_nested_pause_keeps_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_job_raising_still_restores_the_collector() -> None:
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_reading_workers_collect_even_when_forked_from_a_paused_job() -> None:
    pool = WorkerPool()
    try:
        with collector_paused():
            (enabled,) = pool.run([(gc.isenabled, ())], workers=1)
    finally:
        pool.close()
    assert enabled is True


def test_overlapping_jobs_of_two_threads_leave_the_collector_on() -> None:
    """A first job ends while a second, begun after it, still runs: the collector stays paused
    for the second and comes back on when it ends (before: it stayed off for good)."""
    import threading

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            assert not gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert gc.isenabled()
