"""The progress bar on stderr: files done of all, and how many are ok / with errors / unreadable so far.

Drawn by rich only when stderr is a terminal and the user did not ask for ``--quiet``; refreshed from the main
thread (no refresh thread, so that worker processes can be forked safely), at most ten times a second.
"""

from __future__ import annotations

import time
from typing import TextIO

from .worker import ERRORS, OK, UNREADABLE

REFRESH_SECONDS = 0.1


class Progress:
    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.counts = {OK: 0, ERRORS: 0, UNREADABLE: 0}
        self.skipped = 0
        self._bar = None
        self._last = 0.0
        if stream is not None and total:
            from rich.console import Console

            console = Console(file=stream, highlight=False)
            if console.is_terminal:
                self._bar = _bar(console, total)

    def advance(self, status: str, skipped: bool = False) -> None:
        self.counts[status] += 1
        self.skipped += skipped
        if self._bar is None:
            return
        progress, task = self._bar
        progress.update(task, advance=1, counts=self.text())
        now = time.monotonic()
        if now - self._last >= REFRESH_SECONDS:
            self._last = now
            progress.refresh()

    def text(self) -> str:
        return (f"[green]通过 {self.counts[OK]}[/] · [red]有错误 {self.counts[ERRORS]}[/] · "
                f"[bright_black]无法读取 {self.counts[UNREADABLE]}[/]"
                + (f" · 未变更跳过 {self.skipped}" if self.skipped else ""))

    def close(self) -> None:
        if self._bar is not None:
            progress, _ = self._bar
            progress.refresh()
            progress.stop()
            self._bar = None


def _bar(console, total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("转换与校验"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
               TimeElapsedColumn())
    progress = Progress(*columns, console=console, auto_refresh=False, transient=False)
    task = progress.add_task("bulk", total=total, counts="")
    progress.start()
    return progress, task


def identity_text(counts: dict[str, int], total: int) -> str:
    """The summary's promise that no file is lost, in words: files in = ok + with errors + unreadable."""
    ok, errors, unreadable = counts[OK], counts[ERRORS], counts[UNREADABLE]
    verdict = "一个不少" if ok + errors + unreadable == total else "数目不符！"
    return f"输入文件 {total} 个 = 通过 {ok} + 有错误 {errors} + 无法读取 {unreadable}（{verdict}）"
