"""Conditional formats: a total whose check fails turns red; the summary counts turn red or green.

A check that is not text is a failure (a number — the value the total should have — or an error), so the test is
ISTEXT rather than a comparison, which would itself be an error on an error value and mark nothing.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import Pos
from .checks import check_strips
from .references import ref
from .summary import summary_cells

RED_FILL = PatternFill("solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
RED_FONT = Font(color="FF9C0006", bold=True)
GREEN_FILL = PatternFill("solid", fgColor="FFC6EFCE", bgColor="FFC6EFCE")
GREEN_FONT = Font(color="FF006100")


def failing(check_cells: list[Pos], on_sheet: str) -> str:
    tests = [f"NOT(ISTEXT({ref(p, on_sheet=on_sheet, absolute=True)}))" for p in check_cells]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def total_rules(edition: str) -> dict[Pos, str]:
    """Each checked total and the formula that is true when any of its checks fails."""
    by_target: dict[Pos, list[Pos]] = {}
    for check in (c for s in check_strips(edition) for c in s.checks):
        by_target.setdefault(check.target, []).append(check.pos)
    return {target: failing(cells, target.sheet) for target, cells in by_target.items()}


def add_conditional_formats(sheets: dict[str, Worksheet], edition: str) -> None:
    for target, formula in total_rules(edition).items():
        sheets[target.sheet].conditional_formatting.add(
            target.a1, FormulaRule(formula=[formula], fill=RED_FILL, font=RED_FONT))
    for check in (c for s in check_strips(edition) for c in s.checks):
        sheets[check.pos.sheet].conditional_formatting.add(
            check.pos.a1, FormulaRule(formula=[failing([check.pos], check.pos.sheet)], fill=RED_FILL, font=RED_FONT))
    for item in summary_cells(edition):
        sheet = sheets[item.pos.sheet]
        own = ref(item.pos, absolute=True, on_sheet=item.pos.sheet)
        sheet.conditional_formatting.add(item.pos.a1, FormulaRule(formula=[f"{own}>0"], fill=RED_FILL,
                                                                  font=RED_FONT))
        sheet.conditional_formatting.add(item.pos.a1, FormulaRule(formula=[f"{own}=0"], fill=GREEN_FILL,
                                                                  font=GREEN_FONT))
