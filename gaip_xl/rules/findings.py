"""What the rules yield: findings that name every cell involved, and the report that gathers them."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from ..format import EDITIONS, Edition, layout_for

if TYPE_CHECKING:
    import pandas


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def chinese(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class CellRef:
    """One cell a finding relates: its codes, its JSON path and where it stands in the template."""

    code: str  # "s3.new.natural", or a field code such as "published_on"
    json_path: str  # JSON Pointer into the report document
    sheet: str
    address: str  # A1 address in the template
    label: str  # what a clerk calls it
    table: str | None = None
    row: str | None = None
    column: str | None = None
    report: str = "current"  # "previous" for last year's report in the cross-year rules

    @classmethod
    def figure(cls, edition: Edition, code: str, report: str = "current") -> CellRef:
        return _figure_ref(edition.code, code, report)

    @classmethod
    def field(cls, edition: Edition, code: str, label: str) -> CellRef:
        pos = layout_for(edition.code).fields.get(code)
        json_path = "/" + code.replace(".", "/")
        return cls(code, json_path, pos.sheet if pos else "", pos.a1 if pos else "", label)

    @property
    def where(self) -> str:
        return f"'{self.sheet}'!{self.address}" if self.sheet else self.json_path


@cache
def _figure_ref(edition_code: str, code: str, report: str) -> CellRef:
    """Cell references depend only on the edition and the code: built once per process (a frozen, shared value)."""
    edition = EDITIONS[edition_code]
    cell = edition.cell(code)
    pos = layout_for(edition_code).figures[code]
    label = cell.label if report == "current" else f"上年报告{cell.label}"
    return CellRef(code, cell.json_path, pos.sheet, pos.a1, label, cell.table.code, cell.row.code, cell.column.code,
                   report)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    cells: tuple[CellRef, ...] = ()
    expected: Any = None
    actual: Any = None
    difference: Any = None
    title: str = ""
    explanation: str | None = None  # the filer's 说明, on a warning only (an error must be fixed, not explained)

    @property
    def explained(self) -> bool:
        """A warning the filer explained: still listed, with its 说明, and reported as 已说明."""
        return self.severity is Severity.WARNING and bool(self.explanation)

    @property
    def status(self) -> str:
        """How a clerk's list names its severity: 错误, 警告, or 警告（已说明）."""
        return f"{self.severity.chinese}（{EXPLAINED}）" if self.explained else self.severity.chinese

    @property
    def explained_message(self) -> str:
        """The message, followed by the filer's 说明 when the warning is explained."""
        return f"{self.message}\n说明：{self.explanation}" if self.explained else self.message

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["cells"] = [asdict(c) for c in self.cells]
        data["explained"] = self.explained
        for key in ("expected", "actual", "difference"):  # a value JSON cannot hold (inf, nan) as its text
            if isinstance(data[key], float) and not math.isfinite(data[key]):
                data[key] = repr(data[key])
        return data


EXPLAINED = "已说明"


@dataclass(frozen=True)
class StaleExplanation:
    """An explanation whose finding no longer occurs (the figure was corrected, or the cells changed): listed so the
    filer can delete or fix it, never silently dropped."""

    rule: str
    cells: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "cells": list(self.cells), "text": self.text}


@dataclass
class ValidationReport:
    """Every finding of one report, frictionless-style: ``valid``, ``stats``, ``findings`` and ``flatten()``.

    Attributes:
        findings: errors first, then warnings, each in rule order; each names its rule, severity, Chinese message,
            every cell involved, and the expected and actual values.

    Example:
        >>> from gaip_xl import Report, validate
        >>> result = validate(Report.load("examples/huaian-2024.json"))
        >>> result.valid, result.stats["errors"], result.stats["warnings"], result.stats["by_rule"]
        (True, 0, 0, {})
    """

    findings: list[Finding] = field(default_factory=list)
    stale_explanations: list[StaleExplanation] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def explained_warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.explained]

    @property
    def open_warnings(self) -> list[Finding]:
        """Warnings without a 说明: what the filer still has to look at."""
        return [f for f in self.warnings if not f.explained]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def stats(self) -> dict[str, Any]:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "open_warnings": len(self.open_warnings),
            "explained_warnings": len(self.explained_warnings),
            "stale_explanations": len(self.stale_explanations),
            "by_rule": dict(Counter(f.rule for f in self.findings)),
        }

    def flatten(self) -> list[dict[str, Any]]:
        """One row per (finding, cell): what a summary sheet or a CSV lists."""
        rows = []
        for f in self.findings:
            for cell in f.cells or (None,):
                rows.append({
                    "rule": f.rule, "severity": f.severity.value, "message": f.message,
                    "sheet": cell.sheet if cell else "", "cell": cell.address if cell else "",
                    "code": cell.code if cell else "", "json_path": cell.json_path if cell else "",
                    "report": cell.report if cell else "current",
                    "expected": f.expected, "actual": f.actual, "difference": f.difference,
                    "explanation": f.explanation or "",
                })
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, **self.stats, "findings": [f.to_dict() for f in self.findings],
                "stale_explanations": [e.to_dict() for e in self.stale_explanations]}

    def to_frame(self) -> pandas.DataFrame:
        """The findings as a pandas DataFrame.

        Returns:
            One row per finding, columns ``rule``, ``severity`` (categoricals), ``title``, ``message``, ``codes``
            (the cell codes it names, a list), ``cells`` (where a clerk finds them, "'sheet'!A1", a list),
            ``expected``, ``actual``, ``difference``. For one row per finding and cell use ``flatten()``.

        Raises:
            ImportError: if pandas is not installed.

        Example:
            >>> from gaip_xl import Report, validate
            >>> report = Report.load("examples/huaian-2024.json")
            >>> report.figures["s3.new.natural"] += 1
            >>> frame = validate(report).to_frame()
            >>> frame.loc[0, ["rule", "severity"]].tolist(), int(frame.loc[0, "difference"])
            (['R1', 'error'], -1)
            >>> frame.loc[0, "codes"][:2]
            ['s3.new.natural', 's3.carried_in.natural']
        """
        from ..report.frames import findings_frame

        return findings_frame(self)
