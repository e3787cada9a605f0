"""Uploaded files kept by content hash, outside any web root, so that an accepted upload survives a crash.

``put`` streams the upload into a temporary file of the store's own ``tmp`` folder while hashing it, stops at the
size limit, fsyncs the file, renames it to ``blobs/ab/abcdef…`` (its SHA-256) and fsyncs the folder: when ``put``
returns, the file is on disk under its final name, and the caller may commit the database row that refers to it.
``tidy`` (on start) removes temporary files a killed process left and blobs no row refers to (stored but never
answered "received"). Files are never served by path; the service reads them back by hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import UploadTooLarge

CHUNK = 256 * 1024
_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class BlobStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _HASH.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blobs / sha256[:2] / sha256

    def put(self, stream: BinaryIO, limit: int) -> Stored:
        """Stores what ``stream`` holds (at most ``limit`` bytes, else ``UploadTooLarge``) and returns its hash."""
        digest = hashlib.sha256()
        size = 0
        handle, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=self.tmp)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise UploadTooLarge(limit_mb=limit // (1024 * 1024))
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(exist_ok=True)
            os.replace(temporary, target)  # the same content twice is the same file: replacing it changes nothing
            _fsync_dir(target.parent)
            return Stored(sha, size, target)
        finally:
            temporary.unlink(missing_ok=True)

    def put_bytes(self, data: bytes, limit: int) -> Stored:
        import io

        return self.put(io.BytesIO(data), limit)

    def temporary_copy(self, suffix: str = ".part") -> Path:
        """A private temporary file in the store (for a file read and deleted within one request), ending in
        ``suffix`` (a roster's .csv or .xlsx tells its reader what it is)."""
        handle, name = tempfile.mkstemp(prefix="check-", suffix=suffix, dir=self.tmp)
        os.close(handle)
        return Path(name)

    def tidy(self, referenced: Callable[[], Iterable[str]]) -> tuple[int, int]:
        """Removes leftover temporary files and unreferenced blobs; returns how many of each. Run before serving."""
        temporaries = 0
        for path in self.tmp.iterdir():
            path.unlink(missing_ok=True)
            temporaries += 1
        keep = set(referenced())
        orphans = 0
        for folder in self.blobs.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    orphans += 1
        return temporaries, orphans
