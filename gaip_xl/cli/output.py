"""Where commands write: text for people on stdout, errors on stderr, all UTF-8.

A command's stdout may be a full disk (``> /dev/full``), a pipe whose reader has gone (``| head -c1``) or a closed
file. Every write and flush to it goes through ``GuardedStream``, which turns such a failure into ``OutputFailed``
(``E_OUTPUT``), so the command line reports it with its code and exit 2 like any other error. Writing to stderr
never raises: when even stderr is gone there is nobody left to tell. Lines for people go through
``gaip_xl.inert.terminal_text``: a submission's text never sends an escape sequence to the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from ..errors import OutputFailed
from ..inert import terminal_text

STDOUT_NAME = "标准输出"


class GuardedStream:
    """A text stream whose write and flush failures (OSError, ValueError of a closed file, an unencodable
    character) become ``OutputFailed``; everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO, name: str = STDOUT_NAME) -> None:
        self.stream = stream
        self.name = name
        self.failed = False

    def _fail(self, exc: Exception) -> OutputFailed:
        self.failed = True
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        if isinstance(exc, BrokenPipeError):
            detail = "接收输出的程序已关闭管道"
        return OutputFailed(self.name, detail=detail)

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as exc:  # ValueError: closed file; UnicodeEncodeError is one too
            raise self._fail(exc) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            raise self._fail(exc) from None

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno… as the wrapped stream has them
        return getattr(self.stream, name)


@dataclass
class Output:
    stdout: TextIO
    stderr: TextIO

    def __post_init__(self) -> None:
        if not isinstance(self.stdout, GuardedStream):
            self.stdout = GuardedStream(self.stdout)  # type: ignore[assignment]

    def write(self, text: str) -> None:
        """Text as it is: a JSON document, the help."""
        self.stdout.write(text)

    def line(self, text: str = "") -> None:
        """A line for people: submitted text in it (a file or agency name, a cell's text) never acts on the
        terminal (``terminal_text``)."""
        self.stdout.write(terminal_text(text) + "\n")

    def error(self, text: str) -> None:
        try:
            self.stderr.write(terminal_text(text.rstrip("\n")) + "\n")
            self.stderr.flush()
        except (OSError, ValueError):
            pass  # stderr itself is gone: nobody is left to tell

    def flush(self) -> None:
        self.stdout.flush()
        try:
            self.stderr.flush()
        except (OSError, ValueError):
            pass
