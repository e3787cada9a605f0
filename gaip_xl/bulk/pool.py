"""Running jobs in worker processes with a bounded number in flight, so memory stays flat however many inputs.

Jobs go in chunks (fewer round trips). A job carries its submission's bytes, so what waits is bounded twice: at most
``workers × IN_FLIGHT_PER_WORKER`` chunks, and no new chunk while ``MAX_BYTES_IN_FLIGHT`` bytes are out (a chunk is
sent once it holds ``CHUNK`` jobs or ``CHUNK_BYTES`` bytes: a 20 MB document goes alone). Each file has a time
limit (``worker.FILE_SECONDS``), enforced in the worker; a chunk that overruns its own limit anyway (a hang in native
code) gets its workers killed.
If a worker process dies (a crash inside a parser, the out-of-memory killer) or is killed so, the chunks that were
running are retried one file at a time in a fresh pool, each with its limit; a file that kills its worker again is
recorded as unreadable (``E_CRASHED``), one that overruns again as ``E_TIMEOUT``, and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from ..errors import FileTimeLimit, WorkerCrashed
from . import worker
from .worker import Job, Record, process_chunk, unreadable

CHUNK = 16  # each chunk costs the bulk process a round of thread wake-ups in the executor, whatever its size
CHUNK_BYTES = 4 << 20  # a filled template is about 30 KB: only documents fill a chunk by size
IN_FLIGHT_PER_WORKER = 4
MAX_BYTES_IN_FLIGHT = 64 << 20
GRACE_SECONDS = 5.0  # beyond a file's own limit, before its worker is killed


def hard_limit(files: int) -> float:
    """How long a chunk of ``files`` may stay running before its workers are killed: its files' limits, and those
    of one other chunk it may wait behind in the executor's queue (a future is "running" once queued there)."""
    return (files + CHUNK) * worker.FILE_SECONDS + GRACE_SECONDS


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use (containers, taskset)
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    def __init__(self, workers: int, on_record: Callable[[Record], None]) -> None:
        self.workers = max(1, workers)
        self.on_record = on_record
        self._chunk: list[Job] = []
        self._chunk_bytes = 0
        self._bytes_in_flight = 0
        self._futures: dict[Future[list[Record]], list[Job]] = {}
        self._running_since: dict[Future[list[Record]], float] = {}
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def submit(self, job: Job) -> None:
        self._chunk.append(job)
        self._chunk_bytes += len(job.data)
        if len(self._chunk) >= CHUNK or self._chunk_bytes >= CHUNK_BYTES:
            self._dispatch()

    def finish(self) -> None:
        self._dispatch()
        while self._futures:
            self._drain()

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    # ------------------------------------------------------------------ internals
    def _dispatch(self) -> None:
        chunk, size, self._chunk, self._chunk_bytes = self._chunk, self._chunk_bytes, [], 0
        if not chunk:
            return
        if self.workers == 1:  # in this process: no start-up cost, and what tests and debuggers want
            for record in process_chunk(chunk):  # an OutputFailed stops the batch (exit 2), as from a worker
                self.on_record(record)
            return
        while self._futures and (len(self._futures) >= self.workers * IN_FLIGHT_PER_WORKER
                                 or self._bytes_in_flight >= MAX_BYTES_IN_FLIGHT):
            self._drain()
        if self._executor is None:
            self._executor = self._new_executor(self.workers)
        self._futures[self._executor.submit(process_chunk, chunk)] = chunk
        self._bytes_in_flight += size

    def _drain(self) -> None:
        done, _ = wait(list(self._futures), timeout=max(0.1, self._seconds_left()), return_when=FIRST_COMPLETED)
        if not done and self._seconds_left() <= 0 and self._executor is not None:
            _kill_workers(self._executor)  # every running chunk fails with BrokenProcessPool: retried file by file
            done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        broken: list[Job] = []
        for future in done:
            self._running_since.pop(future, None)
            chunk = self._futures.pop(future)
            self._bytes_in_flight -= sum(len(job.data) for job in chunk)
            try:
                records = future.result()
            except BrokenProcessPool:
                broken += chunk
                continue
            for record in records:
                self.on_record(record)
        if broken:
            self._recover(broken)

    def _seconds_left(self) -> float:
        """Seconds until the first running chunk overruns its limit, 0 or less once one has (a second when none is
        running yet); chunks seen running for the first time now start their clock now."""
        now = time.monotonic()
        for future in self._futures:
            if future not in self._running_since and future.running():
                self._running_since[future] = now
        ends = [since + hard_limit(len(self._futures[f])) for f, since in self._running_since.items()]
        return min(ends) - now if ends else 1.0

    def _recover(self, broken: list[Job]) -> None:
        """A worker died, and every chunk still running died with the pool: each of their files is retried alone, one
        at a time, so that the file that kills a worker is found and recorded as unreadable, and no other."""
        for chunk in self._futures.values():
            broken += chunk
        self._futures.clear()
        self._running_since.clear()
        self._bytes_in_flight = 0
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None
        single: ProcessPoolExecutor | None = None
        for job in broken:
            single = single or self._new_executor(1)
            future = single.submit(process_chunk, [job])
            try:
                records = future.result(timeout=worker.FILE_SECONDS + GRACE_SECONDS)
            except FutureTimeout:
                _kill_workers(single)
                single.shutdown(wait=True)
                single = None
                records = [unreadable(job.id, job.key, FileTimeLimit(job.id, seconds=worker.FILE_SECONDS))]
            except BrokenProcessPool:
                single = None
                records = [unreadable(job.id, job.key, WorkerCrashed(job.id))]
            for record in records:
                self.on_record(record)
        if single is not None:
            single.shutdown()

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker, initargs=(os.getpid(),))


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    """Kills an executor's worker processes (the executor then fails its pending futures with BrokenProcessPool).
    ``_processes`` is the executor's own table of them: there is no public way before Python 3.14."""
    for process in list(getattr(executor, "_processes", {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass


def _init_worker(parent: int) -> None:
    """In each worker: die with the parent. A killed parent's workers would otherwise wait for work forever (their
    siblings keep the task pipe open)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()  # any platform


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _context() -> multiprocessing.context.BaseContext:
    # fork is fastest where it is safe (Linux; the parent runs no threads); elsewhere the platform's default.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
