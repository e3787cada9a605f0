"""Conditional formats: a total whose check fails turns red; the summary counts turn red or green.

A check that is not text is a failure (a number — the value the total should have — or an error), so the test is
ISTEXT rather than a comparison, which would itself be an error on an error value and mark nothing.

Every filled workbook carries these formats, so they are written compactly: each cell's own formula uses relative
references, and cells whose formulas are the same up to translation (Excel and LibreOffice apply a conditional
format's formula relative to the top-left cell of its range) share one block over a rectangle, e.g. the check
cells D31:J31 with NOT(ISTEXT(D31)). ``shared_blocks`` proves with openpyxl's Translator that the block's formula,
moved to each of its cells, is exactly that cell's own formula; a cell that does not fit keeps a block of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import Pos
from .checks import check_strips
from .references import ref, runs
from .summary import summary_cells

RED_FILL = PatternFill("solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
RED_FONT = Font(color="FF9C0006", bold=True)
GREEN_FILL = PatternFill("solid", fgColor="FFC6EFCE", bgColor="FFC6EFCE")
GREEN_FONT = Font(color="FF006100")
STYLES = {"red": (RED_FILL, RED_FONT), "green": (GREEN_FILL, GREEN_FONT)}


@dataclass(frozen=True)
class CellFormat:
    """The rules one cell needs, in priority order: (formula as it stands in this cell, style name)."""

    pos: Pos
    rules: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Block:
    """One <conditionalFormatting>: the rectangle first:last and its rules, written for the cell ``first``."""

    first: Pos
    last: Pos
    rules: tuple[tuple[str, str], ...]

    @property
    def sqref(self) -> str:
        return ref(self.first, self.last, on_sheet=self.first.sheet)

    def cells(self) -> list[Pos]:
        return [Pos(self.first.sheet, row, col) for row in range(self.first.row, self.last.row + 1)
                for col in range(self.first.col, self.last.col + 1)]


def failing(check_cells: list[Pos], on_sheet: str) -> str:
    """True when any of the checks fails; relative references, as the formula stands in the total's own cell."""
    tests = [f"NOT(ISTEXT({ref(p, on_sheet=on_sheet)}))" for p in check_cells]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def moved(formula: str, origin: Pos, target: Pos) -> str:
    """``formula`` written for ``origin`` as Excel applies it to ``target``: relative references move along."""
    return Translator(f"={formula}", origin=origin.a1).translate_formula(target.a1).removeprefix("=")


def total_rules(edition: str) -> dict[Pos, str]:
    """Each checked total and the formula, as it stands in the total's cell, that is true when any check fails."""
    by_target: dict[Pos, list[Pos]] = {}
    for check in (c for s in check_strips(edition) for c in s.checks):
        by_target.setdefault(check.target, []).append(check.pos)
    return {target: failing(cells, target.sheet) for target, cells in by_target.items()}


def cell_formats(edition: str) -> list[CellFormat]:
    """Every cell's own rules: the checked totals, the check cells, the summary counts (red above 0, green at 0)."""
    formats = [CellFormat(target, ((formula, "red"),)) for target, formula in total_rules(edition).items()]
    checks = [c.pos for s in check_strips(edition) for c in s.checks]
    formats += [CellFormat(pos, ((failing([pos], pos.sheet), "red"),)) for pos in checks]
    for item in summary_cells(edition):
        own = ref(item.pos, on_sheet=item.pos.sheet)
        formats.append(CellFormat(item.pos, ((f"{own}>0", "red"), (f"{own}=0", "green"))))
    return formats


def _fits(block: Block, own: dict[Pos, tuple[tuple[str, str], ...]]) -> list[Pos]:
    """The block's cells whose own rules are the block's rules moved to them."""
    return [pos for pos in block.cells()
            if own[pos] == tuple((moved(f, block.first, pos), style) for f, style in block.rules)]


def shared_blocks(formats: Iterable[CellFormat]) -> list[Block]:
    """Blocks over rectangles of cells whose rules agree up to translation, in the order the cells came."""
    formats = list(formats)
    own = {f.pos: f.rules for f in formats}
    if len(own) != len(formats):
        raise ValueError("a cell has more than one set of conditional formats")
    # Every cell's rules moved to one anchor below and right of all cells (so no reference moves off the sheet):
    # equal there means equal up to translation.
    anchor_row, anchor_col = max(p.row for p in own), max(p.col for p in own)
    groups: dict[tuple, list[Pos]] = {}
    for item in formats:
        anchor = Pos(item.pos.sheet, anchor_row, anchor_col)
        key = (item.pos.sheet, tuple((moved(f, item.pos, anchor), style) for f, style in item.rules))
        groups.setdefault(key, []).append(item.pos)
    return [block for positions in groups.values() for block in _proven(positions, own)]


def _proven(positions: list[Pos], own: dict[Pos, tuple[tuple[str, str], ...]]) -> list[Block]:
    """Rectangles of ``positions``, each kept only where the block's rules moved to every cell are its own."""
    blocks = []
    for first, last in runs(positions):
        block = Block(first, last, own[first])
        cells, fitting = block.cells(), _fits(block, own)
        if len(fitting) == len(cells):
            blocks.append(block)
        else:  # the grouping should prevent this; the misfits stand alone, the rest (fewer cells) is tried again
            blocks += [Block(p, p, own[p]) for p in cells if p not in fitting]
            blocks += _proven(fitting, own)
    return blocks


def add_conditional_formats(sheets: dict[str, Worksheet], edition: str) -> None:
    """Totals first, then checks, then the summary: openpyxl numbers the priorities in this order."""
    for block in shared_blocks(cell_formats(edition)):
        for formula, style in block.rules:
            fill, font = STYLES[style]
            sheets[block.first.sheet].conditional_formatting.add(
                block.sqref, FormulaRule(formula=[formula], fill=fill, font=font))
