"""Reading untrusted files in worker processes, so that no file can stop a run.

The native reader can be driven by a crafted file to abort the process (an allocation it
cannot make), to exhaust memory, or to spin. Each file is therefore read in a worker process
with an address-space limit and a time limit; a worker that dies or overruns is killed and
replaced, its file is reported as unreadable, and every other file is still read. Workers are
forked once and kept for the life of the process (a fork costs milliseconds; a fresh
interpreter costs a third of a second), and they die with their parent (Linux: the kernel's
parent-death signal), so killing a run leaves none behind.
"""

from __future__ import annotations

import atexit
import ctypes
import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from addin.io.causes import detail

# Address space a worker may add to what it had when forked: the largest workbook tdkt accepts
# (100 MB on disk, 5 M cells) needs well under 1 GiB.
MEMORY_LIMIT = 2 * 1024**3
# Seconds one file may take: a large unit workbook reads in well under a second.
TIME_LIMIT = 120.0
_PR_SET_PDEATHSIG = 1
# Tasks sent ahead to each worker: the next file is there when one is done.
QUEUED = 2

Task = tuple[Callable[..., Any], tuple[Any, ...]]


class WorkerLost(Exception):
    """A worker died or overran while reading one file; the message (Vietnamese) says how."""


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _limit_memory(extra: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time limit and the pre-read checks remain
        return
    try:
        with open("/proc/self/statm", "rb") as handle:
            current = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        current = 0
    limit = current + extra
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def prepare_worker(parent: int) -> None:
    """What every worker process does first (also used for `tdkt report`'s cluster workers)."""
    _die_with_parent(parent)


def _worker(conn: Connection, parent: int, memory: int) -> None:
    prepare_worker(parent)
    _limit_memory(memory)
    gc.enable()  # forked from a job that paused it (addin.collector): reading under a limit
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    faulthandler.disable()  # a test runner's crash dumps, like panics, are not for the console
    try:  # the native reader's panic messages are not for the user's console
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    here = _current_folder()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, (fn, args), folder = message
        if folder is not None and folder != here:
            try:  # relative paths mean the caller's folder, wherever this worker was forked
                os.chdir(folder)
                here = folder
            except OSError:
                pass  # gone or unreadable: the task's own open says so, with its path
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("error", "không đủ bộ nhớ để đọc tệp")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a native panic is a BaseException
            reply = ("error", f"lỗi khi đọc tệp {detail(exc)}")
        try:
            conn.send((index, reply))
        except (OSError, ValueError, MemoryError):
            return


class _Worker:
    def __init__(self, context: BaseContext, memory: int) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker, args=(child, os.getpid(), memory), daemon=True)
        self.process.start()
        child.close()
        self.queue: deque[int] = deque()  # tasks sent, in order; the first is running
        self.started = 0.0  # when the first of them started

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                kill = True
        if kill and self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=None if kill else 2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerPool:
    """Persistent worker processes; `run` maps tasks to results in order, one task per file."""

    def __init__(self, memory: int = MEMORY_LIMIT, method: str | None = None) -> None:
        # fork only where it is safe and cheap (Linux); macOS and Windows start fresh workers.
        method = method or ("fork" if sys.platform.startswith("linux") else "spawn")
        self.context = multiprocessing.get_context(method)
        self.memory = memory
        self.idle: list[_Worker] = []
        self.owner = os.getpid()

    def _take(self) -> _Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.process.is_alive():
                return worker
            worker.stop(kill=True)
        return _Worker(self.context, self.memory)

    def run(self, tasks: Sequence[Task], workers: int, time_limit: float = TIME_LIMIT,
            done: Callable[[int], None] | None = None) -> list[Any | WorkerLost]:
        """Results in the order of `tasks`; a task whose worker died, overran or failed gives
        a WorkerLost in its place. Each worker holds up to QUEUED tasks so that it never waits
        for this process; when it dies, its first task is the culprit and the others are
        given to another worker."""
        results: list[Any | WorkerLost] = [None] * len(tasks)
        folder = _current_folder()  # each task runs in it: workers outlive a change of folder
        pending = deque(range(len(tasks)))
        busy: dict[Connection, _Worker] = {}

        def finish(index: int, value: Any | WorkerLost) -> None:
            results[index] = value
            if done:
                done(1)

        def lose(worker: _Worker, why: str | None = None, fresh: bool = False) -> None:
            del busy[worker.conn]
            worker.stop(kill=True)  # reaped: its exit status is known from here on
            if worker.queue:
                finish(worker.queue.popleft(), WorkerLost(why or _death(worker.process.exitcode)))
            elif fresh and pending:  # a new worker that cannot take a task: not retried forever
                finish(pending.popleft(), WorkerLost(why or _death(worker.process.exitcode)))
            pending.extendleft(reversed(worker.queue))  # not started: retried elsewhere

        def feed(worker: _Worker) -> bool:
            while pending and len(worker.queue) < QUEUED:
                index = pending.popleft()
                try:
                    worker.conn.send((index, tasks[index], folder))
                except (OSError, ValueError):
                    pending.appendleft(index)
                    return False
                if not worker.queue:
                    worker.started = time.monotonic()
                worker.queue.append(index)
            return True

        try:
            while pending or busy:
                while pending and len(busy) < max(1, workers):
                    try:
                        worker = self._take()
                    except OSError:  # no process can be started (limits, memory)
                        if busy:
                            break  # the running workers carry on with the rest
                        index = pending.popleft()  # none at all: read here, uncontained
                        finish(index, _in_process(tasks[index]))
                        continue
                    busy[worker.conn] = worker
                    if not feed(worker):
                        lose(worker, "không khởi động được tiến trình đọc tệp", fresh=True)
                if not busy:
                    continue
                deadline = min(w.started for w in busy.values()) + time_limit
                waitables: list[Any] = [*busy, *(w.process.sentinel for w in busy.values())]
                ready = set(wait(waitables, timeout=max(0.0, deadline - time.monotonic())))
                for conn, worker in list(busy.items()):
                    if conn in ready or worker.process.sentinel in ready:
                        try:
                            index, (status, value) = conn.recv()
                        except (EOFError, OSError):
                            lose(worker)
                            continue
                        worker.queue.popleft()
                        worker.started = time.monotonic()
                        finish(index, value if status == "ok" else WorkerLost(value))
                        if not feed(worker):
                            lose(worker)
                        elif not worker.queue:
                            del busy[conn]
                            self.idle.append(worker)
                    elif time.monotonic() - worker.started > time_limit:
                        lose(worker, f"đọc tệp quá {time_limit:g} giây, đã dừng (tệp bất thường)")
        finally:
            for worker in busy.values():  # interrupted: nothing half-done is reused
                worker.stop(kill=True)
        return results

    def close(self) -> None:
        if os.getpid() != self.owner:  # a forked child never stops its parent's workers
            return
        while self.idle:
            self.idle.pop().stop()


def _current_folder() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the current folder was deleted
        return None


def _in_process(task: Task) -> Any:
    fn, args = task
    try:
        return fn(*args)
    except Exception as exc:  # the same contract as a worker's answer
        return WorkerLost(f"lỗi khi đọc tệp {detail(exc)}")


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"trình đọc bị dừng bất thường khi đọc tệp ({name}; tệp có thể bị làm giả)"
    return f"trình đọc bị dừng bất thường khi đọc tệp (mã {exitcode})"


_POOL: WorkerPool | None = None


def shared_pool() -> WorkerPool:
    """The process's pool (created on first use; a forked child gets its own)."""
    global _POOL
    if _POOL is None or _POOL.owner != os.getpid():
        _POOL = WorkerPool()
        atexit.register(_POOL.close)
    return _POOL
