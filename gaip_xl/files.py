"""Reading a file a user names: only a regular file, never blocking, never more than a bound.

Every command and ``gaip-xl bulk`` read their inputs here. A FIFO would block the read until some writer comes, a
device (``/dev/zero``) never ends, a folder is no file: each (or a link to one) is refused with ``E_NOT_FILE`` naming
what it is, before a byte is read. A file is read with a buffer of its own size, and on (up to the limit) only if it
grows meanwhile: what is read is never more than the limit, whatever the file does between stat and read.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import FileMissing, GaipError, NotRegularFile, OutputFailed, TooLarge

MB = 1024 * 1024
MAX_ZIP_RATIO = 200  # unpacked ÷ packed beyond which a zip entry (or bulk's archive, all entries) is a bomb
# Everything zipfile raises for a damaged or unusual archive, which is the file's fault, never the program's: besides
# BadZipFile, a newer zip version or an unknown compression method (NotImplementedError), a password (RuntimeError),
# a damaged deflate stream (zlib.error, which is no OSError), a cut header (struct.error, EOFError), a bad name or
# extra field (ValueError, UnicodeDecodeError), a member missing from its own directory (KeyError).
ZIP_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, OSError,
                                           EOFError, ValueError, NotImplementedError, RuntimeError, KeyError,
                                           IndexError, OverflowError)


def zip_failure(exc: BaseException) -> str:
    """What went wrong with a zip, in Chinese, from one of ``ZIP_ERRORS``, with zipfile's own words after it: the
    office reads the cause and what to do, the maintainer the detail."""
    words = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, UnicodeDecodeError):
        cause = "压缩包内的文件名标为 UTF-8 编码，实际却不是（压缩软件写错了标记）：请用其他压缩软件重新压缩为 zip"
    elif isinstance(exc, NotImplementedError):
        cause = "使用了无法读取的压缩方法（如 Deflate64 或 AES 加密）：请解压后用“标准”zip 格式重新压缩"
    elif isinstance(exc, RuntimeError) and "password" in str(exc).lower():
        cause = "压缩包设置了密码（已加密）：请去掉密码后重新压缩"
    elif isinstance(exc, (zlib.error, EOFError, struct.error)) or "CRC" in str(exc):
        cause = "压缩数据已损坏或不完整（文件被截断或传输出错）：请重新获取该文件"
    elif isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        cause = f"读取时出错（{exc.strerror or '磁盘读写出错'}）"
    else:
        cause = "压缩包的 zip 结构已损坏（不是完整的 zip 文件）：请重新获取该文件"
    return f"{cause}（{words}）"


_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹"))


NAME_BYTES = 255  # the longest file name most file systems take (ext4, APFS, NTFS: 255 bytes or UTF-16 units)
DERIVED_NAME_BYTES = 150  # a name we derive from a submitted one: room for a temporary file's additions and a path


def bounded(text: str, max_bytes: int, keep_end: bool = False) -> str:
    """``text`` cut to at most ``max_bytes`` in UTF-8, on a character boundary, from the end if ``keep_end``: a file
    name derived from a submitted name (Chinese takes three bytes a character) must fit the file system's limit.

    >>> bounded("淮安市人民政府", 9)
    '淮安市'
    >>> bounded("淮安市人民政府", 7, keep_end=True)
    '政府'
    """
    if len(text.encode("utf-8", "surrogatepass")) <= max_bytes:  # nearly always: one encoding, no loop
        return text
    kept: list[str] = []
    size = 0
    for char in reversed(text) if keep_end else text:
        size += len(char.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            break
        kept.append(char)
    return "".join(reversed(kept) if keep_end else kept)


def beside(source: str | os.PathLike[str], tail: str) -> Path:
    """The default output of a command: ``source`` with its suffix replaced by ``tail`` (``.json``,
    ``（新模板）.xlsx``), its stem cut so that the name fits wherever the source's name fits.

    >>> beside("县/年报.xlsx", ".json").as_posix()
    '县/年报.json'
    """
    path = Path(source)
    return path.with_name(bounded(path.stem, NAME_BYTES - len(tail.encode("utf-8"))) + tail)


def special_kind(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file ("命名管道（FIFO）", "文件夹" …); None for one."""
    if stat.S_ISREG(mode):
        return None
    return next((text for test, text in _KINDS if test(mode)), "特殊文件")


def not_regular(mode: int, name: str) -> NotRegularFile | None:
    """The error for anything but a regular file (None for a regular file)."""
    kind = special_kind(mode)
    return None if kind is None else NotRegularFile(name, detail=kind)


def is_existing_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a regular file that is there (through links); an output about to be written over is
    checked only then: anything else, the atomic write says what it makes of it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def regular_status(path: str | os.PathLike[str], name: str) -> os.stat_result:
    """The status of the file ``path`` names (through links), which must be a regular file."""
    try:
        status = os.stat(path)
    except OSError as exc:  # missing, a dangling link, a loop of links, no permission
        raise FileMissing(name, detail=exc.strerror or str(exc)) from None
    error = not_regular(status.st_mode, name)
    if error is not None:
        raise error
    return status


def open_regular(path: str | os.PathLike[str], name: str) -> BinaryIO:
    """Opens a regular file for reading, never blocking (a FIFO put there after it was listed opens at once with
    O_NONBLOCK and is refused by its mode)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        regular_status(path, name)  # what cannot be opened at all (a socket) is named as what it is
        raise FileMissing(name, detail=exc.strerror or str(exc)) from None
    error = not_regular(os.fstat(descriptor).st_mode, name)
    if error is not None:
        os.close(descriptor)
        raise error
    return os.fdopen(descriptor, "rb")


def read_regular(path: str | os.PathLike[str], name: str, limit: int,
                 too_large: Callable[[int], GaipError] | None = None) -> bytes:
    """A regular file's bytes, never more than ``limit``; a larger file raises ``too_large(its size)`` (by default
    ``E_TOO_LARGE`` "文件超过 N MB") before it is read, or as soon as it has grown past the limit."""
    try:
        with open_regular(path, name) as stream:
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(size + 1) if size <= limit else b""
            if size < len(data) <= limit:  # it grew since fstat: read on, up to the limit
                data += stream.read(limit + 1 - len(data))
    except OSError as exc:
        raise FileMissing(name, detail=exc.strerror or str(exc)) from None
    if size > limit or len(data) > limit:
        if too_large is None:
            raise TooLarge(name, detail=f"文件超过 {limit // MB} MB")
        raise too_large(max(size, len(data)))
    return data


def same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Whether two names are one file: the same inode when both exist (a link, a hard link, ``../``, another case on
    a file system that ignores case), else the same resolved path."""
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return os.path.realpath(first) == os.path.realpath(second)


def refuse_overwriting(target: str | os.PathLike[str], *inputs: str | os.PathLike[str] | None) -> None:
    """``E_OUTPUT`` before anything is written when the output a user names is one of the command's inputs: writing
    it would replace the submission being read (a clerk's only copy of a filled workbook)."""
    for source in inputs:
        if source is not None and same_file(target, source):
            raise OutputFailed(str(target), detail="输出文件就是输入文件本身，写出会覆盖它：请另指定输出文件（-o）")
