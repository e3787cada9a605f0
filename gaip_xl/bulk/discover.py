"""Finding every submission in the inputs: folders (searched recursively), zip archives, single files.

Nothing is ever extracted to disk. An archive is listed from its central directory and each member is read into
memory, bounded, when its turn comes; a submission inside an archive is named ``batch.zip!县/a.xlsx`` (and inside a
nested archive ``batch.zip!乡镇.zip!b.xlsx``). A member that cannot be read safely (a name with ``..`` or an absolute
path, a password, too large, nested too deep) is still a submission: it becomes an unreadable entry with its code,
so the count of files in always equals the count of rows in the summary.

Not submissions, and only counted: hidden files (``.DS_Store``), Excel's lock files (``~$a.xlsx``), ``Thumbs.db``,
``desktop.ini`` and ``__MACOSX/`` folders, links to folders (never followed), the output folder itself when it lies
inside an input, and any folder holding a ``.gaip-bulk`` state folder (the output of an earlier run).

Only regular files are read, each with a bound (``gaip_xl.files``): a FIFO, a device, a socket (or a link to one)
is an unreadable entry (``E_NOT_FILE``) and is never opened. Names are kept as the file system gives them
(undecodable bytes as surrogates, ``os.fsdecode``), and shown with such bytes as ``\\xNN`` escapes (``shown``).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from ..errors import ArchiveUnreadable, ArchiveUnsafeName, FileMissing, GaipError, InternalError, TooLarge, ZipBomb
from ..files import MAX_ZIP_RATIO, ZIP_ERRORS, open_regular, read_regular, regular_status, zip_failure
from .store import STATE_DIR, RunStore
from .zipopen import open_archive

ARCHIVE_SUFFIX = ".zip"
MAX_FILE_BYTES = 20 * 1024 * 1024  # one submission; a filled template is about 30 KB
MAX_ARCHIVE_ENTRIES = 500_000
MAX_NESTED_ARCHIVE_BYTES = 512 * 1024 * 1024  # a zip inside a zip is read into memory to be listed
MAX_NESTING = 3  # archive inside archive inside archive
MAX_ARCHIVE_RATIO = MAX_ZIP_RATIO  # all members unpacked ÷ all packed, once they unpack to more than RATIO_FLOOR
RATIO_FLOOR = 64 * 1024 * 1024  # workbooks barely compress; reports' JSON and text about 10:1
LOCAL_HEADER_BYTES = 30  # a member's local header before its name and extra field
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
SEPARATOR = "!"  # between an archive and the path of a member inside it
CHANGED = "压缩包在列出其中的文件之后被改动或替换，为免读错文件已停止读取：请在它不再变动时重新运行"


@dataclass(frozen=True, slots=True)  # slots: a batch holds one per submission
class Source:
    """One submission: where its bytes are, and its stable display name ``id``."""

    id: str  # as the file system gives it (undecodable bytes as surrogates); ``shown(id)`` in outputs
    path: str | Path  # the file on disk (for a member: the outermost archive); as text once spooled
    chain: tuple[int, ...] = ()  # members inside ``path`` by position in their archive, outermost first
    error: GaipError | None = None  # known unreadable before reading (unsafe name, password, too large …)
    root: str | None = None  # the folder input it was found under, as shown ("" when it is the only input)
    stamp: tuple[int, ...] | None = None  # a member's: its outermost archive as listed (``file_stamp``)

    @property
    def local(self) -> str:
        """The name inside its input (for a file given directly: its own name)."""
        if self.root == "":
            return self.id
        if self.root and self.id.startswith(self.root + "/"):
            return self.id[len(self.root) + 1:]
        return self.id.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.id.rsplit(SEPARATOR, 1)[-1] if self.chain else os.path.basename(self.path)
        suffix = os.path.splitext(name.replace("\\", "/").rsplit("/", 1)[-1])[1].lower()
        return "" if suffix == "." else suffix  # as PurePosixPath.suffix has it


def shown(text: str) -> str:
    """A name as text that every output can hold (JSON, CSV, Excel): a name whose bytes are not UTF-8 (a GBK name
    copied from Chinese Windows) with each of its bytes beyond ASCII as ``\\xNN`` (no byte is misread as some other
    character, and the bytes can be told back from the text); every other name unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(chr(b) if b < 0x80 else f"\\x{b:02x}" for b in raw(text))


def raw(text: str) -> bytes:
    """A name's bytes, losslessly (what identifies a submission: two names that show alike stay apart)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def member_parts(name: str) -> list[str]:
    """A member's path as its parts, without empty and ``.`` parts (``./县/a.xlsx`` is ``县/a.xlsx``)."""
    return [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]


def is_junk(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or base.lower() in JUNK_NAMES


def display_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author saw it: archives made on Chinese Windows store GBK names without the UTF-8 flag,
    which Python decodes as cp437 (mojibake)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        stored = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return stored.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def unsafe(name: str) -> bool:
    """A member name that would escape a folder if extracted: absolute, a drive, or with a ``..`` part."""
    text = name.replace("\\", "/")
    return text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in text.split("/")


class Discovery:
    """Walks the inputs in a stable order (sorted names), never following into ``exclude`` (the output folder);
    the submissions found go to the run's store (``RunStore.sources``), the names ignored to ``ignored``."""

    def __init__(self, store: RunStore, exclude: Path | None = None) -> None:
        self.exclude = os.fspath(exclude.resolve()) if exclude else None  # as realpath gives it, to compare
        self.store = store
        self.ignored: list[str] = []  # system and hidden files, links to folders, second paths: not submissions
        self._root: str | None = None
        self._stamp: tuple[int, ...] | None = None  # the archive on disk being listed (``file_stamp``)

    def _add(self, source: Source) -> None:
        path = os.fspath(source.path)
        self.store.add_source((source.id, path, source.chain, source.error, self._root,
                               self._stamp if source.chain else None))

    def run(self, inputs: list[str]) -> Discovery:
        for text, label in zip(inputs, input_labels(inputs), strict=True):
            root = Path(text)
            self._root = label if root.is_dir() else None
            if root.is_dir():
                self._folder(root, label)
            elif os.path.exists(text):  # a file, or a FIFO or device given by name: a row with its code
                self._file(text, label)
            else:
                raise FileMissing(text)
        return self

    def _folder(self, root: Path, label: str) -> None:
        """Depth first, each folder's files before its sub-folders, each sorted by the bytes of their names; as
        ``os.walk`` would, but with text paths and one ``realpath`` per folder (not per file)."""
        pending = [(os.fspath(root), "")]  # (folder, its path inside root), next on top
        while pending:
            folder, relative = pending.pop()
            try:
                entries = _entries(folder)
            except OSError as exc:  # a folder that cannot be listed is reported, not skipped
                self._add(Source(_join(label, relative, "") + "/", exc.filename or folder, (),
                                 FileMissing(shown(_join(label, relative, "")), detail=exc.strerror)))
                continue
            real_folder = os.path.realpath(folder)
            descend = []
            for name, is_folder, is_link in entries:
                if not is_folder:
                    continue
                real = os.path.realpath(os.path.join(folder, name)) if is_link else os.path.join(real_folder, name)
                if is_junk(name) or is_link or real == self.exclude or os.path.isdir(os.path.join(real, STATE_DIR)):
                    # junk, a link to a folder (not followed, as os.walk does not), or a bulk output folder
                    self.ignored.append(shown(_join(label, relative, name)) + "/")
                else:
                    descend.append(name)
            for name, is_folder, is_link in entries:
                if is_folder:
                    continue
                display = _join(label, relative, name)
                if is_junk(name):
                    self.ignored.append(shown(display))
                    continue
                path = os.path.join(folder, name)
                self._file(path, display, os.path.realpath(path) if is_link else os.path.join(real_folder, name))
            pending += [(os.path.join(folder, name), _join("", relative, name)) for name in reversed(descend)]

    def _file(self, path: str | Path, name: str, real: str | None = None) -> None:
        real = real or os.path.realpath(path)
        if not self.store.first_sight(os.fsencode(real)):  # one file reached by two paths (links): one submission
            self.ignored.append(shown(name))
            return
        try:
            size = regular_status(path, shown(name)).st_size  # through a link: what matters is what it points at
        except GaipError as exc:  # missing (a dangling link, a loop, no permission), a FIFO, a device …
            self._add(Source(name, path, (), exc))
            return
        if os.path.splitext(path)[1].lower() == ARCHIVE_SUFFIX:
            self._archive(Path(path), (), name)
            return
        error = TooLarge(shown(name), detail=f"文件有 {size // 1024 // 1024} MB") if size > MAX_FILE_BYTES else None
        self._add(Source(name, path, (), error))

    def _archive(self, path: Path, chain: tuple[int, ...], name: str,
                 outer: tuple[zipfile.ZipFile, zipfile.ZipInfo] | None = None) -> None:
        """The members of one archive: the file at ``path``, or (``outer``) a member of the archive around it, read
        into memory. An archive that cannot be listed is itself an unreadable entry."""
        try:
            stream = (open_regular(path, shown(name)) if outer is None else
                      io.BytesIO(read_member(*outer, MAX_NESTED_ARCHIVE_BYTES, shown(name))))
            if outer is None:
                self._stamp = file_stamp(stream)
            with stream, open_archive(stream) as archive:
                self._members(archive, path, chain, name)
        except GaipError as exc:
            self._add(Source(name, path, chain, exc))
        except ZIP_ERRORS as exc:
            self._add(Source(name, path, chain, ArchiveUnreadable(shown(name), detail=zip_failure(exc))))
        except Exception as exc:  # a program error: the archive is a row that says so, and the batch goes on
            self._add(Source(name, path, chain, InternalError(shown(name), detail=f"{type(exc).__name__}: {exc}")))

    def _members(self, archive: zipfile.ZipFile, path: Path, chain: tuple[int, ...], outer: str) -> None:
        """Every member by its position (two members may share a name: both are read, the second and later shown
        with their number), ``./`` and empty parts of a name dropped, in the order of their names."""
        infos = [(i, info) for i, info in enumerate(archive.infolist()) if not info.is_dir()]
        if len(infos) > MAX_ARCHIVE_ENTRIES:
            raise ArchiveUnreadable(shown(outer),
                                    detail=f"压缩包内有 {len(infos)} 个文件，超过 {MAX_ARCHIVE_ENTRIES} 个")
        bomb = zip_bomb(archive.infolist())
        if bomb:
            raise ZipBomb(shown(outer), detail=bomb)
        named = sorted(((display_name(info), i, info) for i, info in infos), key=lambda item: (item[0], item[1]))
        times: Counter[str] = Counter()
        for stored, position, info in named:
            name = stored if unsafe(stored) else "/".join(member_parts(stored))
            times[name] += 1
            member = f"{outer}{SEPARATOR}{name}"
            if times[name] > 1:
                member += f"（同名文件第{times[name]}个）"
            error = _member_error(info, name, shown(member), len(chain))
            if error is None and any(is_junk(part) for part in member_parts(name)):
                self.ignored.append(shown(member))
                continue
            if error is None and name.lower().endswith(ARCHIVE_SUFFIX):
                self._archive(path, (*chain, position), member, (archive, info))
                continue
            self._add(Source(member, path, (*chain, position), error))


def file_stamp(stream: IO[bytes]) -> tuple[int, ...]:
    """Which file an open stream reads, and as of when: device, inode, size, times of change. An archive's members
    are found by their position in it; read later from an archive that is no longer the one listed (replaced,
    rewritten), a position would give another member's bytes under this member's name."""
    status = os.fstat(stream.fileno())
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def input_labels(inputs: list[str]) -> list[str]:
    """How each input prefixes the names of the submissions found in it: nothing for a single folder (its files
    are shown relative to it: ``县/a.xlsx``), else the input's own name (``submissions/县/a.xlsx``,
    ``batch.zip!县/a.xlsx``, ``a.xlsx``), and the path as typed where two inputs have the same name."""
    typed = [PurePosixPath(os.path.normpath(text).replace("\\", "/")).as_posix() for text in inputs]
    if len(inputs) == 1 and Path(inputs[0]).is_dir():
        return [""]
    names = [PurePosixPath(t).name if PurePosixPath(t).name not in ("", ".", "..") else Path(text).resolve().name
             for t, text in zip(typed, inputs, strict=True)]
    shared = {n for n in names if names.count(n) > 1}
    return [t if n in shared else n for n, t in zip(names, typed, strict=True)]


def _join(shown: str, relative: str, name: str) -> str:
    parts = [p for p in (shown if shown != "." else "", relative, name) if p and p != "."]
    return "/".join(parts)


def _entries(folder: str) -> list[tuple[str, bool, bool]]:
    """(name, is a folder, is a link) of each entry of ``folder``, sorted by the bytes of the names."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                is_folder, is_link = entry.is_dir(), entry.is_symlink()  # is_dir follows a link, as os.walk does
            except OSError:
                is_folder = is_link = False
            found.append((os.fsencode(entry.name), entry.name, is_folder, is_link))
    return [(name, is_folder, is_link) for _, name, is_folder, is_link in sorted(found)]


def _member_error(info: zipfile.ZipInfo, name: str, shown: str, depth: int) -> GaipError | None:
    if unsafe(name):
        return ArchiveUnsafeName(shown, name=name)
    if info.flag_bits & 0x1:
        return ArchiveUnreadable(shown, detail="压缩包内该文件设置了密码（已加密）")
    is_archive = name.lower().endswith(ARCHIVE_SUFFIX)
    if is_archive and depth + 1 >= MAX_NESTING:
        return ArchiveUnreadable(shown, detail=f"压缩包嵌套超过 {MAX_NESTING} 层")
    limit = MAX_NESTED_ARCHIVE_BYTES if is_archive else MAX_FILE_BYTES
    if info.file_size > limit:
        return TooLarge(shown, detail=f"解压后有 {info.file_size // 1024 // 1024} MB")
    return None


def zip_bomb(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why an archive's directory describes a zip bomb (None if it does not), judged before a member is unpacked:
    - members whose data overlap (several directory entries pointing into the same bytes): no zip program writes
      them, and they let a small file unpack a thousand times over (Python's zipfile before 3.11.8 does not check);
    - members that unpack to more than ``MAX_ARCHIVE_RATIO`` times what they pack (beyond ``RATIO_FLOOR``): a bomb
      of many members each under the size limit. A forged size cannot hide one: a member is never read past its
      declared size, and one that unpacks to more fails its CRC (``read_member``)."""
    spans = sorted((info.header_offset, info.header_offset + LOCAL_HEADER_BYTES + info.compress_size)
                   for info in infos)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:  # the least room a member takes (its name and extra field would add to it)
            return "压缩包内有互相重叠的文件（多个目录项指向同一段数据）"
    unpacked, packed = sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
    if unpacked > RATIO_FLOOR and unpacked > MAX_ARCHIVE_RATIO * max(packed, 1):
        return (f"压缩包内的文件解压后共 {unpacked // 1024 // 1024} MB，是压缩后大小的 "
                f"{unpacked // max(packed, 1)} 倍（最多 {MAX_ARCHIVE_RATIO} 倍）")
    return None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    """A member's bytes, never more than ``limit`` whatever its header claims (a forged size fails the CRC)."""
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except ZIP_ERRORS as exc:
        raise ArchiveUnreadable(shown, detail=f"无法解压：{zip_failure(exc)}") from None
    if len(data) > limit:
        raise TooLarge(shown, detail=f"解压后超过 {limit // 1024 // 1024} MB")
    return data


class Fetcher:
    """Reads the bytes of sources in order, keeping open the chain of archives of the last member read (sources of
    one archive come one after another, so each archive is opened once)."""

    def __init__(self) -> None:
        self._open: list[tuple[tuple[Path | str | int, ...], zipfile.ZipFile]] = []  # outermost first

    def read(self, source: Source) -> bytes:
        if source.error is not None:
            raise source.error
        name = shown(source.id)
        if not source.chain:
            return read_regular(source.path, name, MAX_FILE_BYTES)
        for depth in range(len(source.chain)):  # the archive at each depth: 0 is the file on disk
            key = (source.path, *source.chain[:depth])
            if depth < len(self._open) and self._open[depth][0] == key:
                continue
            self.close(from_index=depth)  # a different branch: close it and everything below
            stream = (self._archive_file(source, name) if depth == 0 else
                      io.BytesIO(self._member(depth - 1, source.chain[depth - 1], MAX_NESTED_ARCHIVE_BYTES, name)))
            self._open.append((key, open_archive(stream)))
        self.close(from_index=len(source.chain))
        return self._member(len(source.chain) - 1, source.chain[-1], MAX_FILE_BYTES, name)

    @staticmethod
    def _archive_file(source: Source, name: str) -> IO[bytes]:
        """The archive on disk that holds ``source``, if it is still the one listed."""
        stream = open_regular(source.path, name)
        if source.stamp is not None and file_stamp(stream) != source.stamp:
            stream.close()
            raise ArchiveUnreadable(name, detail=CHANGED)
        return stream

    def _member(self, depth: int, position: int, limit: int, name: str) -> bytes:
        archive = self._open[depth][1]
        return read_member(archive, archive.infolist()[position], limit, name)

    def close(self, from_index: int = 0) -> None:
        for _, archive in self._open[from_index:]:
            archive.close()
        del self._open[from_index:]


def iter_bytes(sources: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Source, bytes | GaipError]]:
    """Each source found (as the store gives it back) with its bytes, or the error that says why it has none."""
    fetcher = Fetcher()
    try:
        for item in sources:
            source = Source(*item)
            try:
                yield source, fetcher.read(source)
            except GaipError as exc:
                yield source, exc
            except ZIP_ERRORS as exc:
                yield source, ArchiveUnreadable(shown(source.id), detail=zip_failure(exc))
            except Exception as exc:  # a program error: this submission's row says so, and the batch goes on
                yield source, InternalError(shown(source.id), detail=f"{type(exc).__name__}: {exc}")
    finally:
        fetcher.close()
