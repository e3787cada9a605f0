"""Writing a file so that it is either complete or absent: a temporary file beside it, renamed when done.

A crash, a full disk or a kill half-way never leaves a half-written output where a user (or a rerun) would take it
for a finished one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputFailed
from .files import NAME_BYTES, bounded, special_kind

# What a clerk reads for the failures a disk gives (the system's own words follow in brackets).
_CAUSES = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "超出磁盘配额", errno.EFBIG: "文件超过系统允许的大小",
           errno.EIO: "磁盘读写出错", errno.EROFS: "磁盘或文件夹是只读的", errno.EACCES: "没有写入权限",
           errno.EPERM: "没有写入权限", errno.EISDIR: "同名的文件夹已存在",
           errno.ENOTDIR: "路径中有同名的文件（应为文件夹）", errno.ENOENT: "文件夹不存在（可能在运行中被删除或移走）"}


def failure_detail(exc: OSError) -> str:
    """Why a file could not be written, in Chinese where the cause is a known one (a full disk, a read-only
    folder …), with the system's own message after it."""
    system = exc.strerror or str(exc)
    cause = _CAUSES.get(exc.errno or 0)
    return f"{cause}（{system}）" if cause else system


def failed(target: str | os.PathLike[str], exc: OSError) -> OutputFailed:
    """``E_OUTPUT`` for ``target``, which could not be written."""
    return OutputFailed(os.fspath(target), detail=failure_detail(exc))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def destination(target: str | os.PathLike[str]) -> Path:
    """Where an output named ``target`` goes: the file a link points at (the link stays a link), and only ever a
    regular file or a new one. Renaming a finished file over a device, a FIFO or a folder would replace it (as root,
    ``-o /dev/null`` replaced the device with a file), so those are refused (``E_OUTPUT``) before anything is
    written."""
    path = Path(target)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        kind = special_kind(os.stat(real).st_mode)
    except OSError:
        return real  # not there yet (or a dangling link: the file it names is made)
    if kind is not None:
        raise OutputFailed(str(target), detail=f"输出位置是{kind}，不是普通文件，未写出：请给出一个文件名")
    return real


def _temporary_stem(name: str) -> str:
    """The target's name as its temporary file's name begins: cut so that the temporary name, which adds a dot, a
    random or process part and a suffix, fits the file system wherever the target's own name fits."""
    return bounded(name, NAME_BYTES - 32)


@contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yields a temporary path in the target's folder; on success it replaces ``target`` (``destination``), on
    failure it is removed."""
    final = destination(target)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        suffix = suffix or (final.suffix if len(final.suffix) <= 8 else ".tmp")
        handle, name = tempfile.mkstemp(prefix=f".{_temporary_stem(final.name)}.", suffix=suffix, dir=final.parent)
    except OSError as exc:
        raise failed(target, exc) from None
    os.close(handle)
    temporary = Path(name)
    try:
        # mkstemp makes the file private (0600); an output should get the permissions any new file would get.
        os.chmod(temporary, 0o666 & ~_umask())
        yield temporary
        os.replace(temporary, final)
    except OSError as exc:
        raise failed(target, exc) from None
    finally:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass  # the error that brought us here is the one to report


def temporary_pattern(target: str) -> str:
    """A regular expression matching the names of the temporary files that ``atomic_path`` and ``write_new_text``
    make for a target whose name matches the regular expression ``target`` (and fits ``_temporary_stem``): what a
    killed run may leave, and all that a clean-up may take for its own."""
    return rf"\.(?:{target})\.[a-z0-9_]+\.[A-Za-z0-9]+"


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_new_text(target: str | os.PathLike[str], text: str) -> None:
    """``write_text`` for the hot path of a batch: the folder must exist, and no other writer may use the same
    target at the same time (each bulk worker writes its own files). Four system calls instead of about eleven:
    the temporary name is derived from the target and the process (no random name to try), created with
    O_CREAT|O_EXCL and mode 0o666 so the umask gives it the permissions any new file gets (no chmod), then renamed
    over the target. A temporary file left by a killed process is replaced on the next attempt."""
    path = os.fspath(target)
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{_temporary_stem(name)}.{os.getpid()}.tmp")
    data = text.encode("utf-8")
    try:
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # left by a killed process that had the same id: never a live writer's
            os.unlink(temporary)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise failed(path, exc) from None


def remove_file(path: str | os.PathLike[str]) -> None:
    """Removes an output (a file or a link) that is no longer wanted; a folder of that name is someone else's and is
    left alone."""
    path = Path(path)
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
