"""The run-state store: everything a batch must remember lives in one SQLite database per output folder.

``OUT_DIR/.gaip-bulk/state.sqlite`` (WAL) holds the results of done inputs (``result``: keyed by the SHA-256 of a
submission's name and content, ``input_key``, so a rerun skips unchanged inputs), and for the current run the inputs
found (``source``), their keys in input order (``input``), the paths already seen, and the roll-ups' lists
(``entry``). Results are committed in batches (``COMMIT_EVERY``): a run killed at any point (even by SIGKILL) loses
at most the results not yet committed, which the next run redoes; every output is rebuilt from the store in input
order, so a resumed run ends with exactly the files of a clean one. Memory does not grow with the batch: rows are read
back with cursors. The results of another version of the code are not reused (``code_fingerprint``); a store that
cannot serve is rebuilt, and a stored result whose checksum does not match is done again (``RunStore``,
``checksum``).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from ..atomic import failed
from ..errors import OutputFailed, OutputInUse
from ..files import DERIVED_NAME_BYTES, bounded

STATE_DIR = ".gaip-bulk"
DATABASE = "state.sqlite"
FORMAT = "gaip-bulk-store 1"
COMMIT_EVERY = 256  # results per transaction: a commit writes every page its results touched (keys are hashes)
CACHE_SIZE = -512  # KiB of page cache: memory flat

ENTRY_COLUMNS = ("file", "agency", "level", "status", "reason")  # an entry of a roll-up's list of reports
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS result (key TEXT PRIMARY KEY, status TEXT, json TEXT, duplicate_key TEXT, digest TEXT,
                                   summary TEXT, detail TEXT, checksum TEXT);
CREATE INDEX IF NOT EXISTS result_json ON result (json);
DROP TABLE IF EXISTS input; DROP TABLE IF EXISTS source; DROP TABLE IF EXISTS seen; DROP TABLE IF EXISTS entry;
CREATE TABLE input (position INTEGER PRIMARY KEY, key TEXT);
CREATE INDEX input_key ON input (key);
CREATE TABLE source (position INTEGER PRIMARY KEY, item BLOB);
CREATE TABLE seen (path BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE entry (position INTEGER PRIMARY KEY, year INTEGER, edition TEXT, counted INTEGER,
                    {', '.join(ENTRY_COLUMNS)});
"""


RESULT_COLUMNS = ("key", "status", "json", "duplicate_key", "digest", "summary", "detail")


def checksum(row: Sequence[Any]) -> str:
    """The digest of a stored result's columns, kept beside them: SQLite checks the structure of its file, not what
    the rows hold, and a store damaged in place (a disk error, a file cut short: SQLite reads the missing bytes as
    zeros) could otherwise give a wrong result that a rerun would take for done."""
    digest = hashlib.sha256()
    for value in row:
        digest.update(b"\x00" if value is None else b"\x01" + str(value).encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_key(source_id: bytes, digest: str) -> str:
    """The key of one submission: its name's bytes (lossless) and its content hash."""
    return hashlib.sha256(source_id + b"\0" + digest.encode()).hexdigest()


_UNSAFE = re.compile(r'[\x00-\x1f<>:"|?*\\/!]+')


def json_name(source_id: str, key: str) -> str:
    """The file name of a submission's JSON: its name made safe on every file system, plus 12 hex digits of its
    key, e.g. ``县__乡镇__a-3f2a9c01b7de.json`` for ``县/乡镇/a.xlsx``: stable while name and content are unchanged,
    and never the same for two submissions. A long name keeps its end (the file's own name), within
    ``DERIVED_NAME_BYTES`` in all: a submission's name may use the file system's whole limit, and the folders
    it sits in add to it."""
    stem = source_id.rsplit(".", 1)[0] if "." in source_id.rsplit("/", 1)[-1] else source_id
    stem = _UNSAFE.sub("__", stem).strip("._ ") or "report"
    tail = f"-{key[:12]}.json"
    stem = bounded(stem, DERIVED_NAME_BYTES - len(tail), keep_end=True).lstrip("._ ") or "report"
    return stem + tail


@cache
def code_fingerprint() -> str:
    """A digest of the gaip_xl source that makes a result (reader, model, rules, bulk; not the add-in or the CLI):
    results stored by another version are not reused."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.suffix in (".py", ".json") and "__pycache__" not in parts and parts[0] not in ("addin", "cli"):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{FORMAT} {digest.hexdigest()[:16]}"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # once: json.dumps makes one per call


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


class RunStore:
    """The store of one output folder, held by one run at a time (``E_OUTPUT_IN_USE`` for a second): the database
    is opened in SQLite's exclusive locking mode, so its lock is held from the run's first write until it closes the
    store, and released by the system if the run is killed. It is SQLite's own file lock, which a forked worker does
    not inherit: an orphaned worker of a killed run never holds it.

    The store is a cache: one that cannot serve (damaged, cut short, not a database, a database of another schema or
    version, a folder in its place) is discarded and built afresh, so that nothing found in the output folder stops a
    rerun or is read as a result. A disk that fails under it is ``E_OUTPUT`` (``store_failed``), never SQLite's own
    exception."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / STATE_DIR
        self.path = self.folder / DATABASE
        self._pending = 0
        self.db: sqlite3.Connection | None = None

    def __enter__(self) -> RunStore:
        # A folder, link or FIFO in the store's place (SQLite would wait on a FIFO) goes first; once the store's lock
        # is held, what older versions kept here (journal.jsonl, roll-up spools, lock) and a killed run's temporary
        # files (never those of a run that holds the lock).
        self._clean(lambda path: path.name.startswith(DATABASE) and not _regular(path), make=True)
        try:
            self.db = self._open()
        except _Unusable:
            self._clean(lambda path: path.name.startswith(DATABASE))  # with its journal: not replayed into a new one
            self.db = self._open(fresh=True)
        self._clean(lambda path: not path.name.startswith(DATABASE))
        self.db.execute("BEGIN")
        return self

    def _clean(self, unwanted: Callable[[Path], bool], make: bool = False) -> None:
        """Removes what ``unwanted`` names from the state folder (made first if ``make``)."""
        try:
            if make:
                _make_folder(self.folder)
            for path in self.folder.iterdir():
                if unwanted(path):
                    _remove(path)
        except OSError as exc:
            raise failed(self.folder, exc) from None

    def _open(self, fresh: bool = False) -> sqlite3.Connection:
        """The store, locked and checked. ``_Unusable`` if what is there cannot serve; once ``fresh`` (what was
        there is gone), a failure is the disk's: ``E_OUTPUT``."""
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=0)  # a lock held elsewhere: refused at once
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        try:
            db.executescript("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                             f"PRAGMA cache_size = {CACHE_SIZE};")
            if not fresh and not _serves(db):
                raise _Unusable
            db.executescript(SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code_fingerprint(),))
        except sqlite3.Error as exc:
            db.close()
            if exc.sqlite_errorcode == sqlite3.SQLITE_BUSY:
                raise OutputInUse(str(self.folder.parent)) from None
            if exc.sqlite_errorcode in UNUSABLE and not fresh:
                raise _Unusable from None
            raise self._failed(exc) from None
        except _Unusable:
            db.close()
            raise
        return db

    def _failed(self, exc: sqlite3.Error) -> OutputFailed:
        return store_failed(self.path, exc)

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        """Keeps what the run has done (a rerun resumes from it); when the run already failed, that failure is the
        one reported, not a second one from the same disk."""
        if self.db is None:
            return
        db, self.db = self.db, None
        try:
            if db.in_transaction:
                db.execute("COMMIT")
            db.execute("PRAGMA journal_mode = DELETE")  # one file again: read back read-only, nothing left over
        except sqlite3.Error as error:
            if kind is None:
                raise self._failed(error) from None
        finally:
            db.close()  # releases the lock

    def _sql(self, statement: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        assert self.db is not None
        try:
            return self.db.execute(statement, parameters)
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _each(self, statement: str, parameters: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a query, read one at a time: a disk that fails half-way is ``E_OUTPUT`` too."""
        cursor = self._sql(statement, parameters)
        try:
            yield from cursor
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def commit(self) -> None:
        self._sql("COMMIT")
        self._sql("BEGIN")
        self._pending = 0

    # ------------------------------------------------------------------ discovery
    def first_sight(self, path: bytes) -> bool:
        """Whether ``path`` (a resolved file path) is seen for the first time in this run."""
        return self._sql("INSERT OR IGNORE INTO seen VALUES (?)", (path,)).rowcount == 1

    def add_source(self, item: tuple[Any, ...]) -> None:
        self._sql("INSERT INTO source (item) VALUES (?)", (pickle.dumps(item, pickle.HIGHEST_PROTOCOL),))

    def sources(self) -> Iterator[tuple[Any, ...]]:
        for (item,) in self._each("SELECT item FROM source ORDER BY position"):
            yield pickle.loads(item)

    def source_count(self) -> int:
        return int(self._sql("SELECT count(*) FROM source").fetchone()[0])

    # ------------------------------------------------------------------ results
    def add_input(self, key: str) -> tuple[str, str | None] | None:
        """Records the next input of this run; the status of its result and the name of its report JSON (None for
        an unreadable input) if a result is already stored."""
        self._sql("INSERT INTO input (key) VALUES (?)", (key,))
        cursor = self._sql(f"SELECT {', '.join(RESULT_COLUMNS)}, checksum FROM result WHERE key = ?", (key,))
        try:
            found = cursor.fetchone()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) is not None:  # SQLite's own: the disk
                raise self._failed(exc) from None
            found = None  # Python's: text damaged in place that is no UTF-8 any more, a result not to be trusted
        if found is None or checksum(found[:-1]) != found[-1]:  # none, or damaged: a result not to be trusted
            return None
        return str(found[1]), found[2]

    def record(self, key: str, summary: dict[str, Any], detail: str) -> None:
        row = (key, summary["status"], summary["json"], summary["duplicate_key"], summary["digest"], dumps(summary),
               detail)
        self._sql("INSERT OR REPLACE INTO result VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (*row, checksum(row)))
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def rows(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Every input's summary and detail, in input order."""
        query = "SELECT summary, detail FROM input JOIN result USING (key) ORDER BY position"
        for summary, detail in self._each(query):
            yield json.loads(summary), json.loads(detail)

    def duplicate_groups(self) -> dict[str, list[dict[str, Any]]]:
        """The summaries of each agency-and-year seen twice or more, in input order (only those are held)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        query = ("SELECT duplicate_key, summary FROM input JOIN result USING (key) WHERE duplicate_key IN "
                 "(SELECT duplicate_key FROM input JOIN result USING (key) GROUP BY duplicate_key HAVING count(*) > 1)"
                 " ORDER BY position")
        for key, summary in self._each(query):
            groups.setdefault(key, []).append(json.loads(summary))
        return groups

    def is_current(self, json_file: str) -> bool:
        """Whether a report JSON belongs to an input of this run."""
        query = "SELECT 1 FROM result JOIN input USING (key) WHERE json = ? LIMIT 1"
        return self._sql(query, (json_file,)).fetchone() is not None

    def forget_others(self) -> None:
        """Results of inputs that are gone or changed are dropped: the store holds this run's inputs only."""
        self._sql("DELETE FROM result WHERE key NOT IN (SELECT key FROM input)")
        self.commit()

    # ------------------------------------------------------------------ roll-up lists
    def add_entry(self, year: int, edition: str, counted: bool, entry: tuple[Any, ...]) -> None:
        self._sql(f"INSERT INTO entry (year, edition, counted, {', '.join(ENTRY_COLUMNS)}) VALUES "
                  f"(?, ?, ?{', ?' * len(ENTRY_COLUMNS)})", (year, edition, counted, *entry))

    def entries(self, year: int, edition: str, counted: bool) -> Iterator[tuple[Any, ...]]:
        """A roll-up's list (the reports counted, or left out), in input order: while the run holds the store from
        its connection, after the run from the file, read-only."""
        query = (f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entry WHERE year = ? AND edition = ? AND counted = ? "
                 "ORDER BY position")
        try:
            with nullcontext(self.db) if self.db is not None else closing(connect_read_only(self.path)) as db:
                yield from db.execute(query, (year, edition, counted))
        except sqlite3.Error as exc:
            raise self._failed(exc) from None


class _Unusable(Exception):
    """What is at the store's path cannot serve as the store: it is discarded and built afresh."""


UNUSABLE = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_ERROR, sqlite3.SQLITE_FORMAT,
            sqlite3.SQLITE_SCHEMA, sqlite3.SQLITE_MISMATCH}  # not a database, damaged, another schema
_STORE_CAUSES = {sqlite3.SQLITE_FULL: "磁盘空间已满", sqlite3.SQLITE_IOERR: "磁盘读写出错",
                 sqlite3.SQLITE_READONLY: "磁盘或文件夹是只读的", sqlite3.SQLITE_PERM: "没有写入权限",
                 sqlite3.SQLITE_CANTOPEN: "无法创建或打开", sqlite3.SQLITE_CORRUPT: "已损坏（下次运行时自动重建）"}


def store_failed(path: Path, exc: sqlite3.Error) -> OutputFailed:
    """``E_OUTPUT`` for a store the disk failed under: what happened in Chinese, SQLite's words after it."""
    code = getattr(exc, "sqlite_errorcode", None) or 0
    cause = _STORE_CAUSES.get(code & 0xFF, "无法写入")  # an extended code (SQLITE_IOERR_WRITE …) by its primary code
    return OutputFailed(str(path), detail=f"运行状态库{cause}（{exc}）")


def _serves(db: sqlite3.Connection) -> bool:
    """Whether a database opened as the store is one: empty (new), or undamaged and written by this version of the
    code (anything else, another program's database included, is rebuilt)."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,):
        return True
    if db.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
        return False
    try:
        return db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone() == (code_fingerprint(),)
    except sqlite3.Error:  # no such table or column: not our store
        return False


def _make_folder(folder: Path) -> None:
    """The state folder; a file in its place (it is our name) is replaced by it."""
    if folder.exists() and not folder.is_dir():
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _regular(path: Path) -> bool:
    """Whether ``path`` is a file itself (not a link, folder, FIFO or device)."""
    return stat.S_ISREG(path.lstat().st_mode)


def _remove(path: Path) -> None:
    """A file, link or folder inside the state folder, which holds only the store's own files."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection to a finished run's store with a small page cache (memory flat)."""
    db = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, isolation_level=None)
    db.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    return db


class StoredRows(Sequence[dict[str, Any]]):
    """A finished run's summary rows, in input order, read from its store when asked (never all in memory); each
    access opens the store read-only and closes it again."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _rows(self, tail: str = "", parameters: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            with closing(connect_read_only(self._path)) as db:
                for (summary,) in db.execute(f"SELECT summary FROM input JOIN result USING (key) ORDER BY position "
                                             f"{tail}", parameters):
                    yield json.loads(summary)
        except sqlite3.Error as exc:
            raise store_failed(self._path, exc) from None

    def __len__(self) -> int:
        try:
            with closing(connect_read_only(self._path)) as db:
                return int(db.execute("SELECT count(*) FROM input").fetchone()[0])
        except sqlite3.Error as exc:
            raise store_failed(self._path, exc) from None

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        index = index + len(self) if index < 0 else index
        for row in self._rows("LIMIT 1 OFFSET ?", (index,)):
            return row
        raise IndexError(index)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._rows()
