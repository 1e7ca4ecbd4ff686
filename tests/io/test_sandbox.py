"""The reading workers: whatever one task does to its process (abort, exhaust memory, hang),
its result is a WorkerLost and every other task still gets its answer."""

from __future__ import annotations

import os
import time
from pathlib import Path

from addin.io.sandbox import WorkerLost, WorkerPool


def _pid() -> int:
    return os.getpid()


def _echo(value: int) -> int:
    return value


def _abort() -> None:
    os.abort()  # a native abort; the real crafted file is in the hostile corpus


def _hang() -> None:
    time.sleep(600)


def _allocate() -> int:
    return len(bytearray(8 * 1024**3))  # more than the worker may have


def _raise() -> None:
    raise ValueError("bad header")  # English: kept for support, after the Vietnamese


def test_results_come_back_in_order_from_persistent_workers():
    pool = WorkerPool()
    try:
        first = pool.run([(_pid, ())] * 6, workers=2)
        again = pool.run([(_pid, ())] * 6, workers=2)
        assert set(first) == set(again) and len(set(first)) <= 2  # the same workers, reused
        assert os.getpid() not in first
        assert pool.run([(_echo, (i,)) for i in range(20)], workers=2) == list(range(20))
    finally:
        pool.close()


def test_an_abort_loses_only_its_own_task():
    pool = WorkerPool()
    try:
        results = pool.run([(_echo, (1,)), (_abort, ()), (_echo, (3,)), (_abort, ()),
                            (_echo, (5,))], workers=2)
        assert results[0::2] == [1, 3, 5]
        for lost in results[1::2]:
            assert isinstance(lost, WorkerLost) and "SIGABRT" in str(lost)
    finally:
        pool.close()


def test_a_hang_is_stopped_at_the_time_limit():
    pool = WorkerPool()
    started = time.monotonic()
    try:
        results = pool.run([(_hang, ()), (_echo, (2,)), (_echo, (3,))], workers=2,
                           time_limit=1.0)
    finally:
        pool.close()
    assert time.monotonic() - started < 10
    assert isinstance(results[0], WorkerLost) and "quá 1 giây" in str(results[0])
    assert results[1:] == [2, 3]


def test_memory_is_limited_and_exceptions_read_vietnamese_first():
    pool = WorkerPool(memory=512 * 1024**2)
    try:
        results = pool.run([(_allocate, ()), (_raise, ()), (_echo, (7,))], workers=1)
    finally:
        pool.close()
    assert isinstance(results[0], WorkerLost) and "không đủ bộ nhớ" in str(results[0])
    # Vietnamese first; the library's words only as technical details after it (issue 13 §2).
    assert isinstance(results[1], WorkerLost)
    assert str(results[1]) == "lỗi khi đọc tệp (chi tiết kỹ thuật: ValueError: bad header)"
    assert results[2] == 7


def test_progress_counts_every_task_lost_or_not():
    pool = WorkerPool()
    seen: list[int] = []
    try:
        pool.run([(_echo, (1,)), (_abort, ()), (_echo, (3,))], workers=2, done=seen.append)
    finally:
        pool.close()
    assert sum(seen) == 3


def test_files_queued_behind_a_dying_one_are_read_by_the_next_worker():
    pool = WorkerPool()
    try:  # one worker holds the abort and the file after it
        results = pool.run([(_abort, ()), (_echo, (2,)), (_abort, ()), (_echo, (4,))],
                           workers=1)
    finally:
        pool.close()
    assert isinstance(results[0], WorkerLost) and isinstance(results[2], WorkerLost)
    assert results[1::2] == [2, 4]


def test_fresh_workers_as_on_windows_and_macos():
    """The "spawn" start method those systems use (no fork, no memory limit on Windows)."""
    pool = WorkerPool(method="spawn")
    try:
        results = pool.run([(_echo, (1,)), (_abort, ()), (_echo, (3,))], workers=2)
    finally:
        pool.close()
    assert results[0::2] == [1, 3] and isinstance(results[1], WorkerLost)


def test_workers_read_relative_paths_from_the_callers_current_folder(tmp_path, monkeypatch):
    """Workers live as long as the process (an Excel session, a test run) and were forked in
    whatever folder was current then: a relative path must still mean the caller's folder."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "x.txt").write_bytes(b"second")
    pool = WorkerPool()
    try:
        monkeypatch.chdir(first)
        assert pool.run([(os.getcwd, ())], workers=1) == [str(first)]
        monkeypatch.chdir(second)
        assert pool.run([(os.getcwd, ()), (Path.read_bytes, (Path("x.txt"),))],
                        workers=1) == [str(second), b"second"]
    finally:
        pool.close()

