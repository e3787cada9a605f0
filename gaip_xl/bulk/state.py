"""What a batch has already done, so that a rerun skips unchanged inputs and a killed run resumes.

The journal ``OUT_DIR/.gaip-bulk/journal.jsonl`` holds one line per processed submission::

    KEY <tab> SUMMARY-JSON <tab> DETAIL-JSON <newline>

``KEY`` is the SHA-256 of the submission's name and content hash (``input_key``): same name and same bytes → same
key → skipped. A line is written in one ``write`` and ends with a newline, so a run killed half-way leaves at most
one incomplete last line, which the next run cuts off. The first line names the journal format and a fingerprint of
the gaip_xl code that wrote it: after an upgrade every input is processed again. Every final output is rebuilt from
the journal in input order at the end of each run, so a resumed run ends with exactly the files of a clean one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

from ..errors import OutputInUse

STATE_DIR = ".gaip-bulk"
JOURNAL = "journal.jsonl"
FORMAT = "gaip-bulk-journal 1"
KEY_LENGTH = 64


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_key(source_id: bytes, digest: str) -> str:
    """The key of one submission: its name's bytes (lossless) and its content hash."""
    return hashlib.sha256(source_id + b"\0" + digest.encode()).hexdigest()


_UNSAFE = re.compile(r'[\x00-\x1f<>:"|?*\\/!]+')


def json_name(source_id: str, key: str, limit: int = 100) -> str:
    """The file name of a submission's JSON: its name made safe on every file system, plus 12 hex digits of its
    key, e.g. ``县__乡镇__a-3f2a9c01b7de.json`` for ``县/乡镇/a.xlsx``: stable while name and content are unchanged,
    and never the same for two submissions."""
    stem = source_id.rsplit(".", 1)[0] if "." in source_id.rsplit("/", 1)[-1] else source_id
    stem = _UNSAFE.sub("__", stem).strip("._ ") or "report"
    if len(stem) > limit:
        stem = stem[-limit:].lstrip("._ ")
    return f"{stem}-{key[:12]}.json"


@cache
def code_fingerprint() -> str:
    """A digest of the gaip_xl source that makes a result (reader, model, rules, bulk; not the add-in or the CLI):
    results cached by another version are not reused."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.suffix in (".py", ".json") and "__pycache__" not in parts and parts[0] not in ("addin", "cli"):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Journal:
    """The append-only journal of one output folder. The offset of each line and the keys of this run's inputs (in
    input order) are kept in a private on-disk SQLite database, not in memory: a batch's memory does not grow with
    its number of submissions (a country's year is over 100,000)."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / STATE_DIR
        self.path = self.folder / JOURNAL
        self.header = f"{FORMAT} {code_fingerprint()}\n".encode()
        self._index = private_database()
        self._index.executescript("CREATE TABLE line (key TEXT PRIMARY KEY, offset INTEGER) WITHOUT ROWID;"
                                  "CREATE TABLE input (position INTEGER PRIMARY KEY, key TEXT);")
        self._file: IO[bytes] | None = None
        self._lock: Any = None

    # ------------------------------------------------------------------ lifecycle
    def open(self) -> Journal:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        if self.path.exists():
            self._file = open(self.path, "r+b")  # noqa: SIM115  (kept open for the whole run)
            end = self._scan()
            self._file.seek(end)
            self._file.truncate()
        else:
            self._file = open(self.path, "w+b")  # noqa: SIM115
            self._file.write(self.header)
            self._file.flush()
        return self

    def _scan(self) -> int:
        """Reads the offsets of complete lines; returns where the valid part ends (a stale header: 0, start over)."""
        assert self._file is not None
        self._file.seek(0)
        if self._file.readline() != self.header:
            self._file.seek(0)
            self._file.truncate()
            self._file.write(self.header)
            return len(self.header)
        end = len(self.header)
        while True:
            line = self._file.readline()
            if not line.endswith(b"\n") or len(line) <= KEY_LENGTH or line[KEY_LENGTH:KEY_LENGTH + 1] != b"\t":
                return end  # an incomplete last line from a killed run (or the end)
            self._set_offset(line[:KEY_LENGTH].decode(), end)
            end += len(line)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._index.close()
        self._release_lock()

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ records
    def __contains__(self, key: str) -> bool:
        return self._offset(key) is not None

    def _offset(self, key: str) -> int | None:
        row = self._index.execute("SELECT offset FROM line WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_offset(self, key: str, offset: int) -> None:
        self._index.execute("INSERT OR REPLACE INTO line VALUES (?, ?)", (key, offset))

    def add_input(self, key: str) -> None:
        """The next input of this run, in input order (``inputs`` gives them back)."""
        self._index.execute("INSERT INTO input (key) VALUES (?)", (key,))

    def inputs(self) -> InputKeys:
        return InputKeys(self._index)

    def append(self, key: str, summary: dict[str, Any], detail: dict[str, Any] | str) -> None:
        """``detail`` may come already encoded (``journal_json``): the workers encode it, in parallel."""
        assert self._file is not None
        encoded = detail if isinstance(detail, str) else journal_json(detail)
        line = "\t".join((key, journal_json(summary), encoded)).encode() + b"\n"
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        self._file.write(line)  # one write: a kill leaves this line whole or without its newline
        self._file.flush()
        self._set_offset(key, offset)

    def offset(self, key: str) -> int:
        """Where the line of ``key`` starts (the key must be in the journal)."""
        offset = self._offset(key)
        if offset is None:
            raise KeyError(key)
        return offset

    def line_at(self, offset: int) -> list[bytes]:
        """The key, summary and detail of the line starting at ``offset``, as bytes."""
        assert self._file is not None
        self._file.seek(offset)
        return _fields(self._file.readline())

    def _line(self, key: str) -> list[bytes]:
        return self.line_at(self.offset(key))

    def summary(self, key: str) -> dict[str, Any]:
        return json.loads(self._line(key)[1])

    def detail(self, key: str) -> dict[str, Any]:
        return json.loads(self._line(key)[2])

    def compact(self) -> None:
        """Keeps only the lines of this run's inputs (in input order), atomically, when the journal holds others.
        Every input has its line by now, so the journal holds others exactly when it has more keys."""
        held = self._index.execute("SELECT count(*) FROM line").fetchone()[0]
        if held == self._index.execute("SELECT count(DISTINCT key) FROM input").fetchone()[0]:
            return
        assert self._file is not None
        temporary = self.path.with_name(f".{JOURNAL}.compact")
        self._index.execute("CREATE TABLE kept (key TEXT PRIMARY KEY, offset INTEGER) WITHOUT ROWID")
        rows = self._index.execute("SELECT input.key, line.offset FROM input JOIN line USING (key) "
                                   "GROUP BY input.key ORDER BY min(input.position)")
        with open(temporary, "wb") as target:
            target.write(self.header)
            for key, offset in rows:
                self._file.seek(offset)
                self._index.execute("INSERT INTO kept VALUES (?, ?)", (key, target.tell()))
                target.write(self._file.readline())
        self._file.close()
        os.replace(temporary, self.path)
        self._file = open(self.path, "r+b")  # noqa: SIM115
        self._index.executescript("DROP TABLE line; ALTER TABLE kept RENAME TO line;")

    @property
    def private_fds(self) -> tuple[int, ...]:
        """Descriptors a forked worker must close: the lock (else a killed run's orphans would keep it) and the
        journal (only the parent writes it)."""
        return tuple(f.fileno() for f in (self._lock, self._file) if f is not None)

    # ------------------------------------------------------------------ one run per output folder
    def _acquire_lock(self) -> None:
        lock = open(self.folder / "lock", "a+b")  # noqa: SIM115
        try:
            if os.name == "nt":
                import msvcrt

                lock.seek(0)
                msvcrt.locking(lock.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise OutputInUse(str(self.folder.parent)) from None
        self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock on every platform
            self._lock = None


def private_database() -> sqlite3.Connection:
    """An SQLite database in a private temporary file (deleted when closed) with a small page cache: what a run
    keeps per submission lives on disk."""
    connection = sqlite3.connect("", isolation_level=None)  # "": a private on-disk temporary database
    connection.executescript("PRAGMA cache_size = -256; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
    return connection


class DiskSet:
    """A set of texts in a private on-disk SQLite database: what a batch must remember once per submission (paths
    already seen, current output names, duplicate keys) costs disk, not memory. ``add`` says whether it was new."""

    def __init__(self) -> None:
        self._db = private_database()
        self._db.execute("CREATE TABLE item (text TEXT PRIMARY KEY) WITHOUT ROWID")

    def add(self, text: str | bytes) -> bool:
        return self._db.execute("INSERT OR IGNORE INTO item VALUES (?)", (text,)).rowcount == 1

    def __contains__(self, text: object) -> bool:
        return self._db.execute("SELECT 1 FROM item WHERE text = ?", (text,)).fetchone() is not None

    def close(self) -> None:
        self._db.close()


class InputKeys:
    """This run's input keys in input order, read from the journal's index as they are iterated."""

    def __init__(self, index: sqlite3.Connection) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.execute("SELECT count(*) FROM input").fetchone()[0]

    def __iter__(self) -> Iterator[str]:
        # a snapshot cursor of its own: the caller may query the index between two steps
        for (key,) in self._index.execute("SELECT key FROM input ORDER BY position"):
            yield key


def read_lines(path: Path, offsets: Iterable[int]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The summary and detail of the journal lines at ``offsets``, in that order, through a file of its own (the
    process that writes tidy.csv and the roll-ups reads the journal while this one reads it too)."""
    with open(path, "rb") as journal:
        for offset in offsets:
            journal.seek(offset)
            _, summary, detail = _fields(journal.readline())
            yield json.loads(summary), json.loads(detail)


def _fields(line: bytes) -> list[bytes]:
    """A journal line's key, summary and detail."""
    return line.rstrip(b"\n").split(b"\t", 2)


def journal_json(value: Any) -> str:
    # JSON never contains a raw tab or newline (both are escaped inside strings), so the line format is safe.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SummaryRows(Sequence[dict[str, Any]]):
    """The summary rows of a batch, in input order, kept in a private temporary file (one JSON line each) rather
    than in memory: the memory of a batch does not grow with its number of submissions. Each access reads and
    parses the row again; iterating reads the file once, in order."""

    def __init__(self, journal: Journal, keys: Iterable[str]) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the rows; removed when closed)
        self._offsets = array("q")
        self.journal_offsets = array("q")  # where each row's journal line starts: its details are read from there
        for key in keys:
            offset = journal.offset(key)
            self._offsets.append(self._file.tell())
            self.journal_offsets.append(offset)
            self._file.write(journal.line_at(offset)[1] + b"\n")
        self._file.flush()

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        self._file.seek(self._offsets[index])
        return json.loads(self._file.readline())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for offset in self._offsets:  # seek each time: callers may read other rows between two steps
            self._file.seek(offset)
            yield json.loads(self._file.readline())
