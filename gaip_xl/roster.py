"""The roster (名单) of agencies that must report to a collecting office, and the accounting against it.

A roster is an .xlsx or a .csv (UTF-8 with or without a BOM, or GBK as Chinese Excel saves it) whose first row
holds headers named as the template's 基本情况 labels (``ROSTER_FIELDS``; 机关名称 required, the others optional),
one agency per row. Names are matched by ``name_key``: whitespace and invisible characters removed, full/half-width
forms unified (NFKC), so “某某县 人民政府” and “某某县人民政府” are one agency. ``reconcile`` tells expected /
submitted / missing / not on the roster, and for a submitted name not on the roster the missing entry it most resembles
(“某某县教育局” beside a missing “某某县教育体育局”): a hint for the office to check, never a match — the two
stay apart in every count. The web service and ``gaip-xl bulk --roster`` use this module; an .xlsx roster is
opened with the converter's safety checks first.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GaipError, RosterDuplicate, RosterEmpty, RosterHeader, RosterUnreadable
from .files import read_regular
from .format.fields import INFO_FIELDS_BY_CODE
from .inert import excel_csv_text

# The roster's columns: the template's own labels for these facts (never typed here).
ROSTER_CODES = ("agency.name", "agency.level", "agency.region_code", "agency.contact")
ROSTER_FIELDS = tuple(INFO_FIELDS_BY_CODE[code] for code in ROSTER_CODES)
REQUIRED_CODE = "agency.name"
MAX_ROSTER_BYTES = 20 * 1024 * 1024


_INVISIBLE = ("Cc", "Cf")  # control and format characters: zero-width spaces, BOMs, soft hyphens, direction marks


def name_key(name: str) -> str:
    """The key two spellings of one agency share: NFKC (full-width → half-width), and nothing a reader cannot see
    (whitespace, and the zero-width and format characters a name copied from a web page or Word brings along)."""
    # Removed before NFKC too: an invisible character between two that compose would keep them apart.
    return _visible(unicodedata.normalize("NFKC", _visible(name or "")))


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE)


@dataclass(frozen=True)
class RosterEntry:
    name: str
    level: str | None = None
    region_code: str | None = None
    contact: str | None = None
    line: int = 0  # the row in the roster file (1-based, header is row 1)

    @property
    def key(self) -> str:
        return name_key(self.name)


def _text(value: Any) -> str | None:
    """A cell as text: numbers without a trailing .0 (a region code typed as a number), blanks as None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _rows_of_csv(data: bytes) -> list[list[Any]]:
    """The rows of a CSV roster: UTF-8 (a BOM allowed), or GB18030, what Excel on Chinese Windows writes for
    "CSV (逗号分隔)", taken only when its header row names the required column (``_has_required_header``): bytes that
    are neither are refused, never read as some other text."""
    try:
        return _csv_rows(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        rows = _csv_rows(data.decode("gb18030"))
    except UnicodeDecodeError:
        rows = []
    if not _has_required_header(rows):
        label = INFO_FIELDS_BY_CODE[REQUIRED_CODE].label
        raise RosterUnreadable(detail=f"CSV 文件既不是 UTF-8 编码，也不是表头含“{label}”的 GBK 编码"
                                      "（在 Excel 中“另存为 → CSV UTF-8”即可）")
    return rows


def _csv_rows(text: str) -> list[list[Any]]:
    try:
        # a list gaip-xl wrote (missing.csv, links.csv) may be a roster again: its names without the quote that kept
        # them text in Excel
        return [[excel_csv_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise RosterUnreadable(detail=f"CSV 格式有误（{exc}）") from None


def _has_required_header(rows: list[list[Any]]) -> bool:
    return _find_header([row for row in rows if any(_text(c) for c in row)]) is not None


_MAX_ROSTER_COLUMNS = 64  # a roster has a handful; anything further right is ignored, never allocated


def _rows_of_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    """The first shown sheet's rows that hold anything, with their row numbers, read by the converter's own safe
    reader (zip bomb, XML entities, duplicate parts and sheets refused; one parse of the sheet's cells, nothing
    allocated for a far cell)."""
    from .excel.names import read_directory
    from .excel.reader import _Sheets
    from .excel.safety import open_package
    from .excel.scan import NO_VALUE

    package = open_package(path)
    try:
        directory = read_directory(package)
        shown = [entry for entry in directory.sheets.values() if entry.state == "visible" and entry.part]
        if not shown:
            raise RosterUnreadable(detail="工作簿中没有可见的工作表")
        cells = _Sheets(package, directory).cells(shown[0].name, None)
    finally:
        package.close()
    by_row: dict[int, dict[int, Any]] = {}
    for (row, col), value in cells.items():
        if col <= _MAX_ROSTER_COLUMNS and value is not NO_VALUE:
            by_row.setdefault(row, {})[col] = value
    return [(row, [values.get(col) for col in range(1, max(values) + 1)]) for row, values in sorted(by_row.items())]


def _columns(header: list[Any]) -> dict[str, int]:
    """Which column holds which code, by the header's labels (compared by ``name_key``)."""
    wanted = {name_key(f.label): f.code for f in ROSTER_FIELDS}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        code = wanted.get(name_key(_text(cell) or ""))
        if code is not None and code not in found:
            found[code] = index
    if REQUIRED_CODE not in found:
        shown = "、".join(_text(c) or "" for c in header if _text(c)) or "（空）"
        raise RosterHeader(required=INFO_FIELDS_BY_CODE[REQUIRED_CODE].label,
                           optional="、".join(f.label for f in ROSTER_FIELDS if f.code != REQUIRED_CODE),
                           detail=f"现有表头：{shown}")
    return found


HEADER_SEARCH = 10  # rows (that hold anything) in which the header is looked for: a title or a date may come first


def roster_from_rows(rows: list[list[Any]]) -> list[RosterEntry]:
    """Entries from a table given row by row from its first (row 1); see ``_roster_from_numbered``."""
    return _roster_from_numbered(list(enumerate(rows, start=1)))


def _find_header(rows: list[list[Any]]) -> int | None:
    """The index of the header among rows that hold anything: the first naming the required column among the first
    ``HEADER_SEARCH`` (rows above it are a title, a date, a note: an office's list seldom starts with its header)."""
    required = name_key(INFO_FIELDS_BY_CODE[REQUIRED_CODE].label)
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if any(name_key(_text(cell) or "") == required for cell in row):
            return index
    return None


def _roster_from_numbered(numbered: list[tuple[int, list[Any]]]) -> list[RosterEntry]:
    """Entries from (row number, cells) pairs: the header found by ``_find_header``; blank names are skipped,
    duplicates refused, each entry with its row number as the program showing the file shows it."""
    rows = [(number, row) for number, row in numbered if any(_text(c) for c in row)]
    if not rows:
        raise RosterEmpty()
    start = _find_header([row for _, row in rows]) or 0  # none: the first row, whose cells the error shows
    columns = _columns(rows[start][1])

    def cell(row: list[Any], code: str) -> str | None:
        index = columns.get(code)
        return _text(row[index]) if index is not None and index < len(row) else None

    entries: list[RosterEntry] = []
    seen: dict[str, list[int]] = {}
    for line, row in rows[start + 1:]:
        name = cell(row, "agency.name")
        if not name:
            continue
        entry = RosterEntry(name, cell(row, "agency.level"), cell(row, "agency.region_code"),
                            cell(row, "agency.contact"), line)
        seen.setdefault(entry.key, []).append(line)
        entries.append(entry)
    for lines in seen.values():
        if len(lines) > 1:
            first = next(e for e in entries if e.line == lines[0])
            raise RosterDuplicate(name=first.name, rows="、".join(map(str, lines)))
    if not entries:
        raise RosterEmpty()
    return entries


def read_roster(path: str | Path) -> list[RosterEntry]:
    """The roster in an .xlsx or a UTF-8 .csv file; raises a ``GaipError`` with a Chinese message."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":  # a FIFO or a device given as the roster is refused, never waited on
            data = read_regular(path, str(path), MAX_ROSTER_BYTES, lambda _: RosterUnreadable(detail="文件超过 20 MB"))
            return roster_from_rows(_rows_of_csv(data))  # a CSV record is a row, as Excel opens it
        if suffix in (".xlsx", ".xlsm"):
            return _roster_from_numbered(_rows_of_xlsx(path))
    except GaipError:
        raise
    except OSError as exc:
        raise RosterUnreadable(detail=exc.strerror or str(exc)) from None
    raise RosterUnreadable(detail=f"扩展名“{path.suffix or '（无）'}”")


@dataclass
class Reconciliation:
    """Who must report and who did: every list in roster (or submission) order."""

    expected: list[RosterEntry]
    submitted: list[RosterEntry] = field(default_factory=list)  # on the roster, with at least one submission
    missing: list[RosterEntry] = field(default_factory=list)  # on the roster, nothing submitted
    not_on_roster: list[str] = field(default_factory=list)  # submitted names matching no roster entry (distinct)
    # a name of not_on_roster → the missing entry it most resembles (only where one resembles it closely)
    similar: dict[str, RosterEntry] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {"expected": len(self.expected), "submitted": len(self.submitted), "missing": len(self.missing),
                "not_on_roster": len(self.not_on_roster)}


def reconcile(entries: Iterable[RosterEntry], submitted_names: Iterable[str | None]) -> Reconciliation:
    """Expected / submitted / missing / not on roster, given the agency names of the submitted reports."""
    expected = list(entries)
    by_key = {e.key: e for e in expected}
    got: set[str] = set()
    strangers: dict[str, str] = {}
    for name in submitted_names:
        key = name_key(name or "")
        if key in by_key:
            got.add(key)
        elif key not in strangers:
            strangers[key] = name or ""
    missing = [e for e in expected if e.key not in got]
    return Reconciliation(expected, [e for e in expected if e.key in got], missing, list(strangers.values()),
                          similar_entries(strangers.values(), missing))


SIMILAR_SCORE = 70  # rapidfuzz ratio (0–100) of two name keys from which one is offered as a hint for the other


def similar_entries(names: Iterable[str], entries: list[RosterEntry]) -> dict[str, RosterEntry]:
    """For each name, the entry whose name resembles it most (ratio of the name keys ≥ ``SIMILAR_SCORE``), each entry
    offered for one name at most (the closest): a name typed differently in the workbook than on the roster."""
    from rapidfuzz import fuzz

    pairs = sorted(((fuzz.ratio(name_key(name), entry.key), index, name, entry)
                    for index, name in enumerate(names) for entry in entries), key=lambda p: (-p[0], p[1]))
    found: dict[str, RosterEntry] = {}
    taken: set[str] = set()
    for score, _, name, entry in pairs:
        if score < SIMILAR_SCORE:
            break
        if name not in found and entry.key not in taken:
            found[name] = entry
            taken.add(entry.key)
    return found


__all__ = ["ROSTER_FIELDS", "Reconciliation", "RosterEntry", "name_key", "read_roster", "reconcile",
           "roster_from_rows", "similar_entries"]
