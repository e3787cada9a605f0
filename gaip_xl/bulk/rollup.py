"""The roll-up (汇总): the sum of every valid report of one year and edition, as a collecting office compiles it.

Which reports count: those without errors (warnings allowed). Reports with errors are listed as left out, with the
reason. Two or more submissions of the same agency and year: if they hold the same report (same figures, facts and
text) it is counted once; if they differ, none of them is counted until the office decides which one stands.

The sum: figure by figure (by code). A figure stays blank only if it is blank in every report counted; counts are
summed as integers, amounts as decimals and rounded to six places (what the format allows). The roll-up's facts are
the compiling office's (``RollupIdentity``); its text says how many reports it sums and where their list is.
"""

from __future__ import annotations

import csv
import os
import pickle
import tempfile
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_path
from ..format import EDITIONS
from ..format.model import AMOUNT_DECIMALS
from ..report import Report
from ..rules import validate
from .stable import stabilise
from .state import DiskSet
from .worker import ERRORS, OK

DEFAULT_OFFICE = "汇总"
DEFAULT_LEVEL = "其他"
FOLDER = "rollup"
LIST_COLUMNS = ("file", "agency", "level", "status", "included", "reason")


@dataclass(frozen=True)
class RollupIdentity:
    """Who compiles: the agency facts the roll-up report carries."""

    name: str = DEFAULT_OFFICE
    level: str = DEFAULT_LEVEL
    region_code: str | None = None


ENTRY_COLUMNS = ("file", "agency", "level", "status", "reason")
ENTRY_SUFFIX = ".entries"  # the spools of a run live in OUT_DIR/.gaip-bulk/ while it runs (see ``EntrySpool``)


class EntrySpool:
    """The list of reports of one roll-up (counted or left out, in input order), pickled to a named temporary file
    under the run's state folder rather than held in memory: a roll-up may list over 100,000 reports. Pickling a
    spool (to the process that writes the roll-ups beside the summary) carries its file name, not its entries."""

    def __init__(self, folder: Path) -> None:
        descriptor, self.name = tempfile.mkstemp(prefix=".rollup-", suffix=ENTRY_SUFFIX, dir=folder)
        self._file: IO[bytes] = os.fdopen(descriptor, "w+b")
        self.counts = [0, 0]  # left out, counted
        weakref.finalize(self, _discard, self._file, self.name)  # removed when the roll-up is collected

    def append(self, counted: bool, entry: tuple[Any, ...]) -> None:
        pickle.dump((counted, entry), self._file, pickle.HIGHEST_PROTOCOL)
        self.counts[counted] += 1

    def entries(self, counted: bool) -> Iterator[tuple[Any, ...]]:
        """The entries counted (or left out), in input order. Read through the spool's own descriptor (its name may
        be gone: a later run in the same folder removes leftovers), one pass at a time."""
        self._file.seek(0)
        for _ in range(sum(self.counts)):
            flag, entry = pickle.load(self._file)
            if flag == counted:
                yield entry
        self._file.seek(0, os.SEEK_END)

    def __reduce__(self) -> tuple[Any, ...]:
        self._file.flush()
        return _reopened, (self.name, self.counts)


class _ReadSpool(EntrySpool):
    """A spool opened by name in another process, to be read (its owner removes the file)."""

    def __init__(self, name: str, counts: list[int]) -> None:
        self.name = name
        self._file = open(name, "rb")  # closed when collected
        self.counts = counts


def _discard(file: IO[bytes], name: str) -> None:
    file.close()
    try:
        os.unlink(name)
    except OSError:
        pass  # already removed as a leftover by a later run in the same folder


def _reopened(name: str, counts: list[int]) -> EntrySpool:
    return _ReadSpool(name, counts)


def remove_leftover_spools(folder: Path) -> None:
    """Spools a killed run left in the state folder (the run holds the folder's lock, so none is in use)."""
    for path in folder.glob(f".rollup-*{ENTRY_SUFFIX}"):
        try:
            path.unlink()
        except OSError:
            pass  # still open in this process (Windows): removed when closed


@dataclass
class Rollup:
    year: int
    edition: str
    _entries: EntrySpool
    _whole: dict[str, int] = field(default_factory=dict)
    _decimal: dict[str, Decimal] = field(default_factory=dict)

    @property
    def included_count(self) -> int:
        return self._entries.counts[True]

    @property
    def included(self) -> list[dict[str, Any]]:
        """The reports counted: file, agency, level, status, reason (empty)."""
        return [dict(zip(ENTRY_COLUMNS, entry, strict=True)) for entry in self._entries.entries(True)]

    @property
    def excluded(self) -> list[dict[str, Any]]:
        """The reports left out, each with the reason."""
        return [dict(zip(ENTRY_COLUMNS, entry, strict=True)) for entry in self._entries.entries(False)]

    @property
    def stem(self) -> str:
        return f"rollup-{self.year}-{self.edition}"

    def add(self, values: Sequence[Any]) -> None:
        """Adds one report's figures, given in its edition's cell order (``tidy.figure_values``)."""
        whole, decimal = self._whole, self._decimal
        for code, value in zip(EDITIONS[self.edition].cell_codes, values, strict=True):
            kind = type(value)
            if kind is int:
                whole[code] = whole.get(code, 0) + value
            elif kind is float:  # the decimal a clerk typed, summed exactly (no binary drift over thousands of reports)
                decimal[code] = decimal.get(code, Decimal(0)) + Decimal(repr(value))
            # else blank (None): a report without errors holds only numbers; anything else is not summed

    @property
    def sums(self) -> tuple[dict[str, int], dict[str, Decimal]]:
        return self._whole, self._decimal

    @sums.setter
    def sums(self, value: tuple[dict[str, int], dict[str, Decimal]]) -> None:
        self._whole, self._decimal = value

    def figures(self) -> dict[str, int | float]:
        result: dict[str, int | float] = {}
        for code in EDITIONS[self.edition].cell_codes:
            if code in self._decimal:
                total = self._decimal[code] + self._whole.get(code, 0)
                result[code] = float(round(total, AMOUNT_DECIMALS))
            elif code in self._whole:
                result[code] = self._whole[code]
        return result

    def report(self, identity: RollupIdentity) -> Report:
        report = Report.empty(self.edition, self.year)
        report.agency.name, report.agency.level = identity.name, identity.level
        report.agency.region_code = identity.region_code
        report.text["overview"] = (f"本报告由{identity.name}汇总{self.included_count}份{self.year}年度"
                                   f"政府信息公开工作年度报告生成（{self.edition}年版格式），"
                                   f"所汇总报告的清单见 {self.stem}-reports.csv。")
        report.figures = dict(self.figures())
        return report

    def write(self, folder: Path, identity: RollupIdentity) -> list[Path]:
        """The roll-up as JSON (with its own findings), as a filled template, and the list of reports."""
        from ..excel import write_workbook  # openpyxl only when there is a roll-up to write

        report = self.report(identity)
        json_path, xlsx_path, list_path = (folder / f"{self.stem}{suffix}" for suffix in
                                           (".json", ".xlsx", "-reports.csv"))
        report.save(json_path, validation=validate(report).to_dict())
        with atomic_path(xlsx_path) as temporary:
            write_workbook(report, temporary)
            stabilise(temporary)
        with atomic_path(list_path) as temporary, open(temporary, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.DictWriter(stream, LIST_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            for counted, mark in ((True, "是"), (False, "否")):
                writer.writerows({**dict(zip(ENTRY_COLUMNS, entry, strict=True)), "included": mark}
                                 for entry in self._entries.entries(counted))
        return [json_path, xlsx_path, list_path]


def write_all(rollups: list[Rollup], folder: Path, identity: RollupIdentity) -> list[Path]:
    """Every roll-up that counts at least one report, written; the files, in order."""
    written: list[Path] = []
    for rollup in rollups:
        if rollup.included_count:
            written += rollup.write(folder, identity)
    return written


class Planner:
    """Decides, submission by submission in input order, which roll-up each one belongs to and whether it counts,
    spooling the roll-ups' lists as it goes (``consider``); ``rollups`` gives them sorted by year and edition."""

    def __init__(self, groups: dict[str, list[dict[str, Any]]], folder: Path) -> None:
        self._groups = groups
        self._folder = folder
        self._rollups: dict[tuple[int, str], Rollup] = {}

    def consider(self, s: dict[str, Any]) -> Rollup | None:
        """The roll-up whose sum ``s`` counts in (None: in none), its entry spooled to the roll-up's list."""
        if s["status"] not in (OK, ERRORS) or s["year"] is None or s["edition"] is None:
            return None
        rollup = self._rollups.get((s["year"], s["edition"]))
        if rollup is None:
            rollup = self._rollups[(s["year"], s["edition"])] = Rollup(s["year"], s["edition"],
                                                                      EntrySpool(self._folder))
        reason = _left_out(s, self._groups.get(s["duplicate_key"] or "", []))
        rollup._entries.append(not reason, (s["file"], s["agency"], s["level"], s["status"], reason))
        return None if reason else rollup

    def rollups(self) -> list[Rollup]:
        return [self._rollups[key] for key in sorted(self._rollups)]


def _left_out(summary: dict[str, Any], group: list[dict[str, Any]]) -> str:
    if summary["status"] != OK:
        return f"有 {summary['errors']} 个错误，未计入汇总"
    if len(group) < 2:
        return ""
    if len({g["digest"] for g in group}) > 1:
        return "同一机关同一年度有内容不同的多份报告，请核实保留一份后重新汇总，均未计入"
    first = group[0]["file"]
    return "" if summary["file"] == first else f"与“{first}”内容相同（重复提交），只计一次"


def duplicate_groups(summaries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Submissions of the same agency and year (two or more), by duplicate key, in input order. Two passes: the
    keys seen are remembered on disk, so that only the submissions that have a duplicate are held in memory."""
    seen, repeated = DiskSet(), set()
    for s in summaries:
        if s["duplicate_key"] and not seen.add(s["duplicate_key"]):
            repeated.add(s["duplicate_key"])
    seen.close()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in summaries:
        if s["duplicate_key"] in repeated:
            groups[s["duplicate_key"]].append(s)
    return dict(groups)
