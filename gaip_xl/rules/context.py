"""What every check reads: the report's figures parsed once, blanks and non-numbers told apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ..format import EDITIONS, Edition, ValueType
from ..report import Report
from ..report.limits import MAX_WHOLE
from .findings import CellRef
from .identities import Identity, Term
from .values import Parsed, parse


@cache
def _cell_types_of(edition_code: str) -> tuple[tuple[str, ValueType], ...]:
    return tuple((c.code, c.type) for c in EDITIONS[edition_code].cells)


def _cell_types(edition: Edition) -> tuple[tuple[str, ValueType], ...]:
    return _cell_types_of(edition.code)


@dataclass
class Sheet:
    """One report's figures as the arithmetic sees them."""

    report: Report
    numbers: dict[str, int | float | None] = field(default_factory=dict)  # blank → 0, not a number → None
    problems: dict[str, Parsed] = field(default_factory=dict)  # cells a value rule (V1–V5) reports, in cell order
    blanks: dict[str, None] = field(default_factory=dict)  # blank cells, in cell order (a dict: ordered and fast)

    @classmethod
    def of(cls, report: Report) -> Sheet:
        sheet = cls(report)
        numbers, problems, blanks = sheet.numbers, sheet.problems, sheet.blanks
        get = report.figures.get
        for code, kind in _cell_types(report.edition):
            value = get(code)
            if type(value) is int and 0 <= value <= MAX_WHOLE:  # most cells: a plain count, fit for every value type
                numbers[code] = value
                continue
            parsed = parse(value, kind)
            if parsed.problem is not None:
                problems[code] = parsed
                numbers[code] = parsed.number
            elif parsed.number is None:
                blanks[code] = None
                numbers[code] = 0
            else:
                numbers[code] = parsed.number
        return sheet

    def number(self, code: str) -> int | float | None:
        """Blank counts as 0; text that is not a number gives None."""
        return self.numbers[code]

    def blank(self, code: str) -> bool:
        return code in self.blanks


@dataclass
class Context:
    current: Sheet
    previous: Sheet | None = None

    @property
    def report(self) -> Report:
        return self.current.report

    @property
    def edition(self) -> Edition:
        return self.report.edition

    def sheet(self, term: Term) -> Sheet:
        assert self.previous is not None or not term.previous
        return self.previous if term.previous else self.current  # type: ignore[return-value]

    def cell(self, term: Term) -> CellRef:
        sheet = self.sheet(term)
        return CellRef.figure(sheet.report.edition, term.code, "previous" if term.previous else "current")

    def cells(self, identity: Identity) -> tuple[CellRef, ...]:
        return tuple(self.cell(t) for t in identity.terms)
