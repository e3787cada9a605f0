"""The open template as an xlwings ``Book``: where each code stands (by its defined name), its values, its report.

Works with any xlwings engine: Excel on Windows (COM) or macOS (AppleScript), and the remote engine the tests use.
Values are read one block per sheet (one call to Excel each) and picked at the positions the defined names give,
so a workbook with hundreds of cells is read in a handful of calls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..errors import NotTemplate, UnknownEdition
from ..excel.names import parse_cell_ref
from ..format.layout import (
    EXPLANATION_COLUMNS,
    META_EDITION,
    META_VERSION,
    TEMPLATE_VERSION,
    TEMPLATE_VERSIONS,
    Layout,
    Pos,
    code_of_name,
    layout_for,
)
from ..inert import excel_typed
from ..report import Report, explanations_from_rows, report_from_values
from ..report.cells import value_codes
from .udfs import edition_code


def named_positions(book: Any) -> dict[str, Pos]:
    """Every code the workbook's GX_ defined names give, with the single cell each refers to."""
    positions: dict[str, Pos] = {}
    for name in book.names:
        code = code_of_name(name.name.rsplit("!", 1)[-1])
        reference = name.refers_to or ""
        target = parse_cell_ref(reference.lstrip("="))
        if code is not None and target is not None:
            positions[code] = Pos(target.sheet, target.row, target.col)
    return positions


def cell(book: Any, pos: Pos) -> Any:
    """The xlwings range of one cell."""
    return book.sheets[pos.sheet].range((pos.row, pos.col))


@dataclass
class TemplateBook:
    """An open template: the xlwings book, its edition, and where every value code stands in it."""

    book: Any
    edition: str
    positions: dict[str, Pos]  # value code (figure, fact, text) and meta code → cell
    version: str = TEMPLATE_VERSION  # the template version the workbook was made from (its layout)

    @classmethod
    def of(cls, book: Any) -> TemplateBook:
        named = named_positions(book)
        if META_EDITION not in named:
            raise NotTemplate(book.name, detail="没有找到模板的格式版本（定义名称 GX_meta__edition）")
        stated = cell(book, named[META_EDITION]).value
        edition = edition_code(stated)
        if edition is None:
            raise UnknownEdition(book.name, detail=f"模板标明的格式版本为“{stated}”")
        version = _version(book, named)
        layout = layout_for(edition, version)
        # A name that went missing falls back to the layout: the template is locked, so they agree.
        codes = [c for c in value_codes(layout.edition) if c in layout.figures or c in layout.fields]
        positions = {code: named.get(code) or layout.position(code) for code in (*codes, *layout.fields)}
        return cls(book, edition, positions, version)

    @property
    def layout(self) -> Layout:
        return layout_for(self.edition, self.version)

    def read(self, codes: list[str] | None = None) -> dict[str, Any]:
        """The values of ``codes`` (default: every value code the template has), one block read per sheet."""
        wanted = codes if codes is not None else [c for c in value_codes(self.layout.edition) if c in self.positions]
        by_sheet: dict[str, list[str]] = defaultdict(list)
        for code in wanted:
            by_sheet[self.positions[code].sheet].append(code)
        values: dict[str, Any] = {}
        for sheet, sheet_codes in by_sheet.items():
            last_row = max(self.positions[c].row for c in sheet_codes)
            last_col = max(self.positions[c].col for c in sheet_codes)
            block = self.book.sheets[sheet].range((1, 1), (last_row, last_col)).options(ndim=2).value
            for code in sheet_codes:
                pos = self.positions[code]
                values[code] = block[pos.row - 1][pos.col - 1]
        return values

    def report(self) -> Report:
        report = report_from_values(self.edition, self.read())
        report.explanations = explanations_from_rows((row[0], row[1], row[3]) for row in self.explanation_rows())
        return report

    def explanation_rows(self) -> list[list[Any]]:
        """The 说明 sheet's rows as they stand: [rule, cells, 问题, 说明] each (none before template 1.1)."""
        block = self.layout.explanations
        if block is None:
            return []
        keys = [key for key, _ in EXPLANATION_COLUMNS]
        first, last = block.columns[keys[0]], block.columns[keys[-1]]
        sheet = self.book.sheets[block.sheet]
        values = sheet.range((block.first_row, first), (block.last_row, last)).options(ndim=2).value
        at = {key: block.columns[key] - first for key in keys}
        return [[row[at[key]] for key in keys] for row in values]

    def write_explanation_rows(self, rows: list[list[Any]]) -> None:
        """Replaces the 说明 sheet's rows with ``rows`` (each [rule, cells, 问题, 说明]), from its first row."""
        block = self.layout.explanations
        if block is None or not rows:
            return
        first = block.columns[EXPLANATION_COLUMNS[0][0]]
        rows = [[excel_typed(value) for value in row] for row in rows[:block.rows]]
        self.book.sheets[block.sheet].range((block.first_row, first)).value = rows

    def range(self, code: str) -> Any:
        return cell(self.book, self.positions[code])

    def range_at(self, pos: Pos) -> Any:
        return cell(self.book, pos)

    def write(self, values: dict[str, Any]) -> None:
        """Writes each value to the cell of its code (None blanks the cell); text Excel would take for a formula
        goes with its text mark (``inert.excel_typed``)."""
        for code, value in values.items():
            self.range(code).value = excel_typed(value)


def _version(book: Any, named: dict[str, Pos]) -> str:
    """The template version the workbook states, when it is one this gaip_xl knows; else the current one."""
    pos = named.get(META_VERSION)
    stated = cell(book, pos).value if pos is not None else None
    text = "" if stated is None else str(stated).strip()
    return text if text in TEMPLATE_VERSIONS else TEMPLATE_VERSION
