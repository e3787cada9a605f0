"""Finding every submission in the inputs: folders (searched recursively), zip archives, single files.

Nothing is ever extracted to disk. An archive is listed from its central directory and each member is read into
memory, bounded, when its turn comes; a submission inside an archive is named ``batch.zip!县/a.xlsx`` (and inside a
nested archive ``batch.zip!乡镇.zip!b.xlsx``). A member that cannot be read safely (a name with ``..`` or an absolute
path, a password, too large, nested too deep) is still a submission: it becomes an unreadable entry with its code,
so the count of files in always equals the count of rows in the summary.

Not submissions, and only counted: hidden files (``.DS_Store``), Excel's lock files (``~$a.xlsx``), ``Thumbs.db``,
``desktop.ini`` and ``__MACOSX/`` folders, and the output folder itself when it lies inside an input.
"""

from __future__ import annotations

import io
import os
import pickle
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..errors import ArchiveUnreadable, ArchiveUnsafeName, FileMissing, GaipError, TooLarge
from .state import DiskSet, private_database

ARCHIVE_SUFFIX = ".zip"
MAX_FILE_BYTES = 20 * 1024 * 1024  # one submission; a filled template is about 30 KB
MAX_ARCHIVE_ENTRIES = 500_000
MAX_NESTED_ARCHIVE_BYTES = 512 * 1024 * 1024  # a zip inside a zip is read into memory to be listed
MAX_NESTING = 3  # archive inside archive inside archive
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
SEPARATOR = "!"  # between an archive and the path of a member inside it


@dataclass(frozen=True, slots=True)  # slots: a batch holds one per submission
class Source:
    """One submission: where its bytes are, and its stable display name ``id``."""

    id: str
    path: str | Path  # the file on disk (for a member: the outermost archive); as text once spooled
    chain: tuple[str, ...] = ()  # member names inside ``path``, outermost first; empty for a plain file
    error: GaipError | None = None  # known unreadable before reading (unsafe name, password, too large …)
    root: str | None = None  # the folder input it was found under, as shown ("" when it is the only input)

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
        name = self.chain[-1] if self.chain else os.path.basename(self.path)
        suffix = os.path.splitext(name.replace("\\", "/").rsplit("/", 1)[-1])[1].lower()
        return "" if suffix == "." else suffix  # as PurePosixPath.suffix has it


class SourceSpool:
    """The submissions found, in order, pickled to a private temporary file rather than held in memory: listing a
    country's year (over 100,000 files) costs disk, not memory. Iterating reads the file once, in order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # removed when closed or collected
        self._count = 0

    def append(self, source: Source) -> None:
        error = source.error  # a GaipError is rebuilt from its class, path and parameters (its own pickle is not)
        carried = None if error is None else (type(error), error.path, error.params)
        pickle.dump((source.id, os.fspath(source.path), source.chain, carried, source.root), self._file,
                    pickle.HIGHEST_PROTOCOL)  # the path as text: unpickling a Path costs more than reading the file
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Source]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            id_, path, chain, carried, root = pickle.load(self._file)
            error = None if carried is None else carried[0](carried[1], **carried[2])
            yield Source(id_, path, chain, error, root)


@dataclass
class Inventory:
    sources: SourceSpool = field(default_factory=SourceSpool)
    ignored: list[str] = field(default_factory=list)  # system and hidden files that are not submissions


def is_junk(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return base.startswith((".", "~$")) or base.lower() in JUNK_NAMES


def display_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author saw it: archives made on Chinese Windows store GBK names without the UTF-8 flag,
    which Python decodes as cp437 (mojibake)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def unsafe(name: str) -> bool:
    """A member name that would escape a folder if extracted: absolute, a drive, or with a ``..`` part."""
    text = name.replace("\\", "/")
    return text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in text.split("/")


class Discovery:
    """Walks the inputs in a stable order (sorted names), never following into ``exclude`` (the output folder)."""

    def __init__(self, exclude: Path | None = None) -> None:
        self.exclude = os.fspath(exclude.resolve()) if exclude else None  # as realpath gives it, to compare
        self.inventory = Inventory()
        self._seen = DiskSet()  # resolved paths, on disk: one file reached through two inputs counts once
        self._root: str | None = None

    def _add(self, source: Source) -> None:
        self.inventory.sources.append(replace(source, root=self._root))

    def run(self, inputs: list[str]) -> Inventory:
        try:
            for text, shown in zip(inputs, input_labels(inputs), strict=True):
                root = Path(text)
                self._root = shown if root.is_dir() else None
                if root.is_dir():
                    self._folder(root, shown)
                elif root.is_file():
                    self._file(root, shown)
                else:
                    raise FileMissing(text)
        finally:
            self._seen.close()
        return self.inventory

    def _folder(self, root: Path, shown: str) -> None:
        """Depth first, each folder's files (sorted) before its sub-folders (sorted); as ``os.walk`` would, but with
        text paths, one ``realpath`` per folder (not per file), and a folder's names sorted on disk when it holds
        many (a flat folder of 100,000 submissions)."""
        pending = [(os.fspath(root), "")]  # (folder, its path inside root), next on top
        while pending:
            folder, relative = pending.pop()
            try:
                listing = _Listing(folder)
            except OSError as exc:  # a folder that cannot be listed is reported, not skipped
                self._add(Source(_join(shown, relative, "") + "/", exc.filename or folder, (),
                                 FileMissing(str(exc.filename or folder))))
                continue
            with listing:
                real_folder = os.path.realpath(folder)
                descend = []
                for name, is_link in listing.names(folders=True):
                    real = os.path.realpath(os.path.join(folder, name)) if is_link else os.path.join(real_folder, name)
                    if is_junk(name) or real == self.exclude:
                        self.inventory.ignored.append(_join(shown, relative, name) + "/")
                    elif not is_link:  # a link to a folder is not followed (as os.walk does not)
                        descend.append(name)
                for name, is_link in listing.names(folders=False):
                    display = _join(shown, relative, name)
                    if is_junk(name):
                        self.inventory.ignored.append(display)
                        continue
                    path = os.path.join(folder, name)
                    self._file(path, display, os.path.realpath(path) if is_link else os.path.join(real_folder, name))
            pending += [(os.path.join(folder, name), _join("", relative, name)) for name in reversed(descend)]

    def _file(self, path: str | Path, shown: str, real: str | None = None) -> None:
        real = real or os.path.realpath(path)
        if not self._seen.add(real):  # the same file reached through two inputs is one submission
            return
        if os.path.splitext(path)[1].lower() == ARCHIVE_SUFFIX:
            self._archive(Path(path), shown)
            return
        try:
            size = os.stat(path).st_size
        except OSError:
            self._add(Source(shown, path, (), FileMissing(shown)))
            return
        error = TooLarge(shown, detail=f"文件有 {size // 1024 // 1024} MB") if size > MAX_FILE_BYTES else None
        self._add(Source(shown, path, (), error))

    def _archive(self, path: Path, shown: str) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                self._members(archive, path, (), shown)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            self._add(Source(shown, path, (), ArchiveUnreadable(shown, detail=str(exc))))

    def _members(self, archive: zipfile.ZipFile, path: Path, chain: tuple[str, ...], shown: str) -> None:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ARCHIVE_ENTRIES:
            raise ArchiveUnreadable(shown, detail=f"压缩包内有 {len(infos)} 个文件，超过 {MAX_ARCHIVE_ENTRIES} 个")
        for info in sorted(infos, key=display_name):
            name = display_name(info)
            member = f"{shown}{SEPARATOR}{name}"
            error = _member_error(info, name, member, len(chain))
            if error is None and any(is_junk(part) for part in name.replace("\\", "/").split("/")):
                self.inventory.ignored.append(member)
                continue
            if error is None and name.lower().endswith(ARCHIVE_SUFFIX):
                self._nested(archive, info, path, (*chain, info.filename), member)
                continue
            self._add(Source(member, path, (*chain, info.filename), error))

    def _nested(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, chain: tuple[str, ...],
                shown: str) -> None:
        try:
            data = read_member(archive, info, MAX_NESTED_ARCHIVE_BYTES, shown)
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                self._members(inner, path, chain, shown)
        except GaipError as exc:
            self._add(Source(shown, path, chain, exc))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            self._add(Source(shown, path, chain, ArchiveUnreadable(shown, detail=str(exc))))


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


SORTED_IN_MEMORY = 4096  # names of one folder sorted in memory; a folder with more is sorted on disk


class _Listing:
    """The names in one folder, its sub-folders and its files each in sorted order (by their bytes, which for UTF-8
    names is the order ``sorted`` gives), with memory bounded however many the folder holds: past
    ``SORTED_IN_MEMORY`` names they go to a private SQLite database, which sorts BLOBs by their bytes too."""

    def __init__(self, folder: str) -> None:
        self._memory: list[tuple[bytes, bool, bool]] = []  # name as bytes, is a folder, is a link
        self._db: sqlite3.Connection | None = None
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_folder = entry.is_dir()  # follows a link, as os.walk does
                    is_link = entry.is_symlink()
                except OSError:
                    is_folder = is_link = False
                self._put((os.fsencode(entry.name), is_folder, is_link))

    def _put(self, row: tuple[bytes, bool, bool]) -> None:
        if self._db is not None:
            self._db.execute("INSERT INTO name VALUES (?, ?, ?)", row)
            return
        self._memory.append(row)
        if len(self._memory) > SORTED_IN_MEMORY:
            self._db = private_database()
            self._db.execute("CREATE TABLE name (name BLOB, folder INTEGER, link INTEGER)")
            self._db.executemany("INSERT INTO name VALUES (?, ?, ?)", self._memory)
            self._memory = []

    def names(self, folders: bool) -> Iterator[tuple[str, bool]]:
        """(name, is a link) of the sub-folders, or of everything else, in sorted order."""
        if self._db is None:
            rows: Iterable[tuple[bytes, bool, bool]] = sorted(r for r in self._memory if r[1] == folders)
        else:
            rows = self._db.execute("SELECT name, folder, link FROM name WHERE folder = ? ORDER BY name", (folders,))
        for name, _, is_link in rows:
            yield os.fsdecode(name), bool(is_link)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()


def _member_error(info: zipfile.ZipInfo, name: str, shown: str, depth: int) -> GaipError | None:
    if unsafe(name):
        return ArchiveUnsafeName(shown, name=name)
    if info.flag_bits & 0x1:
        return ArchiveUnreadable(shown, detail="压缩包设置了密码")
    is_archive = name.lower().endswith(ARCHIVE_SUFFIX)
    if is_archive and depth + 1 >= MAX_NESTING:
        return ArchiveUnreadable(shown, detail=f"压缩包嵌套超过 {MAX_NESTING} 层")
    limit = MAX_NESTED_ARCHIVE_BYTES if is_archive else MAX_FILE_BYTES
    if info.file_size > limit:
        return TooLarge(shown, detail=f"解压后有 {info.file_size // 1024 // 1024} MB")
    return None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    """A member's bytes, never more than ``limit`` whatever its header claims (a forged size fails the CRC)."""
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveUnreadable(shown, detail=f"无法解压（{exc}）") from None
    if len(data) > limit:
        raise TooLarge(shown, detail=f"解压后超过 {limit // 1024 // 1024} MB")
    return data


class Fetcher:
    """Reads the bytes of sources in order, keeping the archives of the current chain open (sources of one archive
    come one after another, so each archive is opened once)."""

    def __init__(self) -> None:
        self._open: list[tuple[tuple[Path | str, ...], zipfile.ZipFile]] = []

    def read(self, source: Source) -> bytes:
        if source.error is not None:
            raise source.error
        if not source.chain:
            try:
                with open(source.path, "rb") as stream:
                    return stream.read()
            except OSError as exc:
                raise FileMissing(source.id, detail=str(exc)) from None
        archive = self._archive(source, len(source.chain) - 1)
        info = archive.getinfo(source.chain[-1])
        return read_member(archive, info, MAX_FILE_BYTES, source.id)

    def _archive(self, source: Source, depth: int) -> zipfile.ZipFile:
        """The archive holding the member at ``depth`` of the chain (depth 0: the file on disk)."""
        key = (source.path, *source.chain[:depth])
        for i, (open_key, archive) in enumerate(self._open):
            if open_key == key:
                return archive
            if key[: len(open_key)] != open_key:  # a different branch: close it and everything below
                self.close(from_index=i)
                break
        if depth == 0:
            archive = zipfile.ZipFile(source.path)
        else:
            outer = self._archive(source, depth - 1)
            data = read_member(outer, outer.getinfo(source.chain[depth - 1]), MAX_NESTED_ARCHIVE_BYTES, source.id)
            archive = zipfile.ZipFile(io.BytesIO(data))
        self._open.append((key, archive))
        return archive

    def close(self, from_index: int = 0) -> None:
        for _, archive in self._open[from_index:]:
            archive.close()
        del self._open[from_index:]


def iter_bytes(sources: Iterable[Source]) -> Iterator[tuple[Source, bytes | GaipError]]:
    fetcher = Fetcher()
    try:
        for source in sources:
            try:
                yield source, fetcher.read(source)
            except GaipError as exc:
                yield source, exc
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
                yield source, ArchiveUnreadable(source.id, detail=str(exc))
    finally:
        fetcher.close()
