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
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..format import EDITIONS
from ..format.model import AMOUNT_DECIMALS
from ..report import Report
from ..rules import validate
from .stable import stabilise
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


@dataclass
class Rollup:
    year: int
    edition: str
    _included: list[tuple[Any, ...]] = field(default_factory=list)  # ENTRY_COLUMNS: tuples, not dicts (memory)
    _excluded: list[tuple[Any, ...]] = field(default_factory=list)
    _whole: dict[str, int] = field(default_factory=dict)
    _decimal: dict[str, Decimal] = field(default_factory=dict)

    @property
    def included(self) -> list[dict[str, Any]]:
        """The reports counted: file, agency, level, status, reason (empty)."""
        return [dict(zip(ENTRY_COLUMNS, entry, strict=True)) for entry in self._included]

    @property
    def excluded(self) -> list[dict[str, Any]]:
        """The reports left out, each with the reason."""
        return [dict(zip(ENTRY_COLUMNS, entry, strict=True)) for entry in self._excluded]

    @property
    def stem(self) -> str:
        return f"rollup-{self.year}-{self.edition}"

    def add(self, figures: dict[str, Any]) -> None:
        for code, value in figures.items():
            if value is None or isinstance(value, (bool, str)):
                continue  # a report without errors holds only numbers; anything else is not summed
            if isinstance(value, int):
                self._whole[code] = self._whole.get(code, 0) + value
            else:  # the decimal a clerk typed, summed exactly (no binary rounding drift over thousands of reports)
                self._decimal[code] = self._decimal.get(code, Decimal(0)) + Decimal(repr(value))

    def figures(self) -> dict[str, int | float]:
        codes = [c.code for c in EDITIONS[self.edition].cells]
        result: dict[str, int | float] = {}
        for code in codes:
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
        report.text["overview"] = (f"本报告由{identity.name}汇总{len(self._included)}份{self.year}年度"
                                   f"政府信息公开工作年度报告生成（{self.edition}年版格式），"
                                   f"所汇总报告的清单见 {self.stem}-reports.csv。")
        report.figures = self.figures()
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
            writer.writerows({**row, "included": "是"} for row in self.included)
            writer.writerows({**row, "included": "否"} for row in self.excluded)
        return [json_path, xlsx_path, list_path]


def write_all(rollups: list[Rollup], folder: Path, identity: RollupIdentity) -> list[Path]:
    """Every roll-up that counts at least one report, written; the files, in order."""
    written: list[Path] = []
    for rollup in rollups:
        if rollup.included:
            written += rollup.write(folder, identity)
    return written


def plan(summaries: Sequence[dict[str, Any]], duplicate_groups: dict[str, list[dict[str, Any]]]) \
        -> tuple[dict[tuple[int, str], Rollup], set[int]]:
    """The roll-ups of a batch and the positions (in ``summaries``, input order) of the files counted in one."""
    rollups: dict[tuple[int, str], Rollup] = {}
    counted: set[int] = set()
    for index, s in enumerate(summaries):
        if s["status"] not in (OK, ERRORS) or s["year"] is None or s["edition"] is None:
            continue
        rollup = rollups.setdefault((s["year"], s["edition"]), Rollup(s["year"], s["edition"]))
        reason = _left_out(s, duplicate_groups.get(s["duplicate_key"] or "", []))
        entry = (s["file"], s["agency"], s["level"], s["status"], reason)
        if reason:
            rollup._excluded.append(entry)
        else:
            rollup._included.append(entry)
            counted.add(index)
    return {key: rollups[key] for key in sorted(rollups)}, counted


def _left_out(summary: dict[str, Any], group: list[dict[str, Any]]) -> str:
    if summary["status"] != OK:
        return f"有 {summary['errors']} 个错误，未计入汇总"
    if len(group) < 2:
        return ""
    if len({g["digest"] for g in group}) > 1:
        return "同一机关同一年度有内容不同的多份报告，请核实保留一份后重新汇总，均未计入"
    first = group[0]["file"]
    return "" if summary["file"] == first else f"与“{first}”内容相同（重复提交），只计一次"


def duplicate_groups(summaries: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Submissions of the same agency and year (two or more), by duplicate key, in input order. Two passes, so that
    only the submissions that have a duplicate are held."""
    counts = Counter(s["duplicate_key"] for s in summaries if s["duplicate_key"])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in summaries:
        if counts.get(s["duplicate_key"], 0) > 1:
            groups[s["duplicate_key"]].append(s)
    return dict(groups)
