"""Helpers for the template tests: load a generated template, fill it with a report, recalculate in LibreOffice."""

from __future__ import annotations

import datetime as dt
import random
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import builders
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from gaip_xl.format.layout import layout_for
from gaip_xl.report import Report, report_from_values, values_from_report
from gaip_xl.rules.identities import identities
from gaip_xl.template import save_template
from gaip_xl.template.libreoffice import soffice

needs_libreoffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc-nogui")


def generated(edition: str, folder: Path) -> Workbook:
    """The template of ``edition`` as written to disk and read back (what a clerk's Excel opens)."""
    path = folder / f"template-{edition}.xlsx"
    save_template(edition, path)
    return load_workbook(path)


def label_ranges(edition: str) -> dict[str, set[str]]:
    """The merged ranges the layout asks for, per sheet."""
    ranges: dict[str, set[str]] = {}
    for label in layout_for(edition).labels:
        if label.merged:
            ranges.setdefault(label.pos.sheet, set()).add(label.range_a1)
    return ranges


def type_values(workbook: Workbook, report: Report, overrides: dict[str, Any] | None = None) -> None:
    """Types every value of ``report`` (``overrides`` replace some) into the cell of its code, as a clerk would —
    through the layout and openpyxl directly, not through the product's writer, so these tests do not rest on it."""
    layout = layout_for(report.edition.code)
    for code, value in {**values_from_report(report), **(overrides or {})}.items():
        if value is None:
            continue
        if code == "published_on" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        pos = layout.position(code)
        workbook[pos.sheet].cell(pos.row, pos.col).value = value
    block = layout.explanations
    for row, explanation in enumerate(report.explanations, start=block.first_row if block else 0):
        assert block is not None
        sheet = workbook[block.sheet]
        for key, value in (("rule", explanation.rule), ("cells", ", ".join(explanation.cells)),
                           ("text", explanation.text)):
            sheet.cell(row, block.columns[key]).value = value


def fill(template: Path, report: Report, target: Path) -> None:
    """Writes every value of ``report`` into the cell of its code, as a clerk would type it."""
    workbook = load_workbook(template)
    type_values(workbook, report)
    workbook.save(target)


def consistent_report(edition: str, seed: int) -> Report:
    """A report whose R1–R4 all hold, built from random parts by adding them up (tests/builders.py), with small
    figures and a publication date."""
    report = builders.consistent_report(edition, random.Random(seed), high=9)
    report.published_on = "2021-01-20" if edition == "2019" else "2024-01-20"
    return report


case = builders.load_case


def broken(report: Report, changes: dict[str, int]) -> Report:
    """``report`` with some figures moved by the given amounts."""
    values = values_from_report(report)
    for code, delta in changes.items():
        values[code] = (values[code] or 0) + delta
    return report_from_values(report.edition.code, values)


def failing_identities(report: Report) -> dict[tuple[str, str], int]:
    """(rule, key) → the value the target should have, for each identity of R1–R4 that does not hold
    (computed directly from the figures, blanks as 0)."""
    def total(terms) -> int:
        return sum(report.figures.get(t.code) or 0 for t in terms)

    found = {}
    for identity in identities(report.edition.code):
        lhs, rhs = total(identity.lhs), total(identity.rhs)
        if lhs != rhs:
            found[(identity.rule, identity.key)] = (report.figures.get(identity.target.code) or 0) - (rhs - lhs)
    return found


class _SheetGrids(HTMLParser):
    """LibreOffice's HTML export of a workbook: per sheet (named in the <h1> before its table) every cell's
    (row, column) from A1, with its background colour as rendered (conditional formats applied) and its text;
    merged cells (colspan/rowspan) take the position of their top-left cell."""

    def __init__(self) -> None:
        super().__init__()
        self.grids: dict[str, dict[tuple[int, int], tuple[str | None, str]]] = {}
        self._title, self._in_em, self._sheet = "", False, ""
        self._row, self._taken, self._cell = 0, set(), None  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "em":
            self._in_em, self._title = True, ""
        elif tag == "table":
            self._sheet, self._row, self._taken = self._title, 0, set()
            self.grids[self._sheet] = {}
        elif tag == "tr":
            self._row += 1
        elif tag == "td":
            col = 1
            while (self._row, col) in self._taken:
                col += 1
            rows, cols = int(found.get("rowspan") or 1), int(found.get("colspan") or 1)
            self._taken |= {(self._row + r, col + c) for r in range(rows) for c in range(cols)}
            self._cell = ((self._row, col), (found.get("bgcolor") or "").upper() or None, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "em":
            self._in_em = False
        elif tag == "td" and self._cell:
            pos, colour, text = self._cell
            self.grids[self._sheet][pos] = (colour, "".join(text).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_em:
            self._title += data
        elif self._cell:
            self._cell[2].append(data)


def rendered_cells(html: Path) -> dict[str, dict[tuple[int, int], tuple[str | None, str]]]:
    """Sheet → (row, column) → (background colour "#RRGGBB" or None, text) of a LibreOffice HTML export."""
    parser = _SheetGrids()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.grids
