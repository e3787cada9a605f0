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
from ..format.layout import META_EDITION, Pos, code_of_name, layout_for
from ..report import Report, report_from_values
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

    @classmethod
    def of(cls, book: Any) -> TemplateBook:
        named = named_positions(book)
        if META_EDITION not in named:
            raise NotTemplate(book.name, detail="没有找到模板的格式版本（定义名称 GX_meta__edition）")
        stated = cell(book, named[META_EDITION]).value
        edition = edition_code(stated)
        if edition is None:
            raise UnknownEdition(book.name, detail=f"模板标明的格式版本为“{stated}”")
        layout = layout_for(edition)
        # A name that went missing falls back to the layout: the template is locked, so they agree.
        positions = {code: named.get(code) or layout.position(code) for code in (*value_codes(layout.edition),
                                                                                 *layout.fields)}
        return cls(book, edition, positions)

    def read(self, codes: list[str] | None = None) -> dict[str, Any]:
        """The values of ``codes`` (default: every value code), one block read per sheet."""
        wanted = codes if codes is not None else list(value_codes(layout_for(self.edition).edition))
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
        return report_from_values(self.edition, self.read())

    def range(self, code: str) -> Any:
        return cell(self.book, self.positions[code])

    def range_at(self, pos: Pos) -> Any:
        return cell(self.book, pos)

    def write(self, values: dict[str, Any]) -> None:
        """Writes each value to the cell of its code (None blanks the cell)."""
        for code, value in values.items():
            self.range(code).value = value
