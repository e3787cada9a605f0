"""Where commands write: text for people on stdout, errors on stderr, all UTF-8."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO


@dataclass
class Output:
    stdout: TextIO
    stderr: TextIO

    def write(self, text: str) -> None:
        self.stdout.write(text)

    def line(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def error(self, text: str) -> None:
        self.stderr.write(text.rstrip("\n") + "\n")

    def flush(self) -> None:
        for stream in (self.stdout, self.stderr):
            stream.flush()
