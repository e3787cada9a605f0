"""Writing a file so that it is either complete or absent: a temporary file beside it, renamed when done.

A crash, a full disk or a kill half-way never leaves a half-written output where a user (or a rerun) would take it
for a finished one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputFailed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yields a temporary path in the target's folder; on success it replaces ``target``, on failure it is removed."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputFailed(str(target), detail=exc.strerror or str(exc)) from None
    os.close(handle)
    temporary = Path(name)
    # mkstemp makes the file private (0600); an output should get the permissions any new file would get.
    os.chmod(temporary, 0o666 & ~_umask())
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputFailed(str(target), detail=exc.strerror or str(exc)) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    write_bytes(target, text.encode("utf-8"))
