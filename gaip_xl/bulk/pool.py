"""Running jobs in worker processes with a bounded number in flight, so memory stays flat however many inputs.

Jobs go in chunks (fewer round trips); at most ``workers × IN_FLIGHT_PER_WORKER`` chunks wait at any time, so the
parent never holds more than a few hundred submissions' bytes. If a worker process dies (a crash inside a parser,
the out-of-memory killer), the chunks it was running are retried one file at a time in a fresh pool; a file that
kills a worker again is recorded as unreadable (E_INTERNAL) and the batch goes on.
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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..errors import GaipError, InternalError, OutputFailed
from .worker import Job, OutputUnwritable, Record, process_chunk, unreadable

CHUNK = 8
IN_FLIGHT_PER_WORKER = 4


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use (containers, taskset)
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    def __init__(self, workers: int, on_record: Callable[[Record], None], private_fds: tuple[int, ...] = ()) -> None:
        self.workers = max(1, workers)
        # the parent's lock and journal: a forked worker that outlives a killed parent must not hold the lock
        self.private_fds = private_fds
        self.on_record = on_record
        self._chunk: list[Job] = []
        self._futures: dict[Future[list[Record]], list[Job]] = {}
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def submit(self, job: Job) -> None:
        self._chunk.append(job)
        if len(self._chunk) >= CHUNK:
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
        chunk, self._chunk = self._chunk, []
        if not chunk:
            return
        if self.workers == 1:  # in this process: no start-up cost, and what tests and debuggers want
            try:
                records = process_chunk(chunk)
            except OutputUnwritable as exc:
                raise OutputFailed(detail=str(exc)) from None
            for record in records:
                self.on_record(record)
            return
        while len(self._futures) >= self.workers * IN_FLIGHT_PER_WORKER:
            self._drain()
        if self._executor is None:
            self._executor = self._new_executor(self.workers)
        self._futures[self._executor.submit(process_chunk, chunk)] = chunk

    def _drain(self) -> None:
        done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        broken: list[Job] = []
        for future in done:
            chunk = self._futures.pop(future)
            try:
                records = future.result()
            except BrokenProcessPool:
                broken += chunk
                continue
            except OutputUnwritable as exc:
                raise OutputFailed(detail=str(exc)) from None
            for record in records:
                self.on_record(record)
        if broken:
            self._recover(broken)

    def _recover(self, broken: list[Job]) -> None:
        """A worker died, and every chunk still running died with the pool: each of their files is retried alone, one
        at a time, so that the file that kills a worker is found and recorded as unreadable, and no other."""
        for chunk in self._futures.values():
            broken += chunk
        self._futures.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None
        single: ProcessPoolExecutor | None = None
        for job in broken:
            single = single or self._new_executor(1)
            try:
                records = single.submit(process_chunk, [job]).result()
            except BrokenProcessPool:
                single = None
                records = [unreadable(job.id, job.key, InternalError(job.id, detail="处理进程意外退出"))]
            except OutputUnwritable as exc:
                raise OutputFailed(detail=str(exc)) from None
            for record in records:
                self.on_record(record)
        if single is not None:
            single.shutdown()


    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        context = _context()
        inherited = self.private_fds if context.get_start_method() == "fork" else ()  # spawned: nothing inherited
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                   initargs=(inherited, os.getpid()))


class Beside:
    """One function run in a forked process while this one goes on (the batch's last steps use both cores: the
    roll-ups are written beside the summary workbook). Where fork is not the start method, it runs here, at once.
    ``result()`` returns its value or raises what it raised; a ``GaipError`` crosses as (class, path, params)."""

    def __init__(self, function: Callable[..., Any], *args: Any, private_fds: tuple[int, ...] = ()) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._value: Any = None
        self._future: Future[Any] | None = None
        context = _context()
        if context.get_start_method() != "fork":
            self._value = _carried(function, *args)
            return
        self._executor = ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker,
                                             initargs=(private_fds, os.getpid()))
        self._future = self._executor.submit(_carried, function, *args)

    def result(self) -> Any:
        if self._future is not None:
            try:
                self._value = self._future.result()
            finally:
                assert self._executor is not None
                self._executor.shutdown(wait=True)
                self._future = None
        if isinstance(self._value, _Raised):
            raise self._value.error()
        return self._value


@dataclass(frozen=True)
class _Raised:
    kind: type[GaipError]
    path: str | None
    params: dict[str, Any]

    def error(self) -> GaipError:
        return self.kind(self.path, **self.params)


def _carried(function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except GaipError as exc:
        return _Raised(type(exc), exc.path, exc.params)


def _init_worker(fds: tuple[int, ...], parent: int) -> None:
    """In each worker: close the parent's private descriptors, and die with the parent. A killed parent's workers
    would otherwise wait for work forever (their siblings keep the task pipe open)."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
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
