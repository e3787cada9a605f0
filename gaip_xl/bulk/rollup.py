"""The roll-up (汇总): the sum of every valid report of one year and edition, as a collecting office compiles it.

Which reports count: those without errors (warnings allowed). Reports with errors are listed as left out, with the
reason. Two or more submissions of the same agency and year: if they hold the same report (same figures, facts and
text) it is counted once; if they differ, none of them is counted until the office decides which one stands.

The sum: figure by figure (by code). A figure stays blank only if it is blank in every report counted; counts are
summed as integers, amounts as decimals and rounded to six places (what the format allows). The roll-up's facts are
the compiling office's (``RollupIdentity``); its text says how many reports it sums and where their list is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..format import EDITIONS, REPORT_TYPES
from ..format.model import AMOUNT_DECIMALS
from ..inert import ExcelCsvWriter
from ..report import Report
from ..rules import validate
from .owned import ROLLUP
from .stable import stabilise
from .store import ENTRY_COLUMNS, RunStore
from .worker import ERRORS, OK

DEFAULT_OFFICE = "汇总"
DEFAULT_LEVEL = "其他"
ROLLUP_REPORT_TYPE = REPORT_TYPES[1]  # 汇总: the 报告类型 of a compiled report (its deadline, S3, follows from it)
FOLDER = ROLLUP
LIST_COLUMNS = ("file", "agency", "level", "status", "included", "reason")


@dataclass(frozen=True)
class RollupIdentity:
    """Who compiles: the agency facts the roll-up report carries."""

    name: str = DEFAULT_OFFICE
    level: str = DEFAULT_LEVEL
    region_code: str | None = None


@dataclass
class Rollup:
    """One roll-up: its sums in memory (one figure per cell), its list of reports in the run's store."""

    year: int
    edition: str
    store: RunStore  # the run's store, where the list of reports (counted or left out) is kept
    counts: list[int] = field(default_factory=lambda: [0, 0])  # left out, counted
    _whole: dict[str, int] = field(default_factory=dict)
    _decimal: dict[str, Decimal] = field(default_factory=dict)

    @property
    def included_count(self) -> int:
        return self.counts[True]

    def entries(self, counted: bool) -> list[dict[str, Any]]:
        return [dict(zip(ENTRY_COLUMNS, entry, strict=True))
                for entry in self.store.entries(self.year, self.edition, counted)]

    @property
    def included(self) -> list[dict[str, Any]]:
        """The reports counted: file, agency, level, status, reason (empty)."""
        return self.entries(True)

    @property
    def excluded(self) -> list[dict[str, Any]]:
        """The reports left out, each with the reason."""
        return self.entries(False)

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
        report.report_type = ROLLUP_REPORT_TYPE
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
            writer = ExcelCsvWriter(stream, LIST_COLUMNS)  # meant for Excel: no file or agency name a formula
            writer.writeheader()
            for counted, mark in ((True, "是"), (False, "否")):
                writer.writerows({**dict(zip(ENTRY_COLUMNS, entry, strict=True)), "included": mark}
                                 for entry in self.store.entries(self.year, self.edition, counted))
        return [json_path, xlsx_path, list_path]


class Planner:
    """Decides, submission by submission in input order, which roll-up each one belongs to and whether it counts,
    keeping the roll-ups' lists in the store as it goes (``consider``); ``rollups`` gives them by year and edition."""

    def __init__(self, store: RunStore) -> None:
        self._store = store
        self._groups = store.duplicate_groups()
        self._rollups: dict[tuple[int, str], Rollup] = {}

    @property
    def duplicates(self) -> set[str]:
        return {s["file"] for group in self._groups.values() for s in group}

    def consider(self, s: dict[str, Any]) -> Rollup | None:
        """The roll-up whose sum ``s`` counts in (None: in none), its entry kept in the roll-up's list."""
        if s["status"] not in (OK, ERRORS) or s["year"] is None or s["edition"] is None:
            return None
        key = (s["year"], s["edition"])
        rollup = self._rollups.get(key) or self._rollups.setdefault(key, Rollup(*key, self._store))
        reason = _left_out(s, self._groups.get(s["duplicate_key"] or "", []))
        self._store.add_entry(*key, not reason, (s["file"], s["agency"], s["level"], s["status"], reason))
        rollup.counts[not reason] += 1
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
