"""What every formula of the template evaluates to, for the values its input cells hold.

Excel, WPS and LibreOffice show a formula's saved result wherever they do not calculate: Protected View (every
submission arrives by mail or download), previewers, pandas, mobile viewers. So the template and every filled copy
are saved with each result (``gaip_xl.template.cached``), computed here from the same identities the rules evaluate
(``gaip_xl.rules.identities``) with the semantics of the formulas the generator wrote for them:

- a check ``=IF(SUM(lhs)=SUM(rhs),"✓",SUM(target)-(SUM(rhs)-SUM(lhs)))``: SUM over cell references counts numbers
  only (blanks, text and TRUE/FALSE are skipped), and "=" compares numbers as the spreadsheet engines do, equal up
  to the last bits of a double;
- a failure count ``COUNTIF(checks,"<>✓")``: the checks of its rule that do not show ✓; the total: their sum;
- the findings block ``IFERROR(GAIP_CHECK(…),…)``: without the add-in (a viewer never has it) the install hint in
  its first row and "" in every other cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from ..format.layout import Pos
from ..rules.identities import Identity
from .cached import Value
from .checks import CHECK_OK, check_strips
from .summary import ADDIN_MISSING, findings_block, summary_cells

APPROX = 2.0 ** -48  # relative difference under which spreadsheet engines call two doubles equal


def spreadsheet_sum(values: Iterable[Any]) -> int | float:
    """SUM over references: numbers only; exact for whole numbers, correctly rounded otherwise (as LibreOffice's
    compensated sum)."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if all(isinstance(v, int) for v in numbers):
        return sum(numbers)
    return math.fsum(numbers)


def spreadsheet_equal(a: int | float, b: int | float) -> bool:
    if a == b:
        return True
    if a == 0 or b == 0:
        return False
    return abs(a - b) < min(abs(a), abs(b)) * APPROX


def _number(value: int | float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


def check_result(identity: Identity, value_of: Callable[[str], Any]) -> Value:
    """"✓", or the value the target should have, as the check formula of ``identity`` computes it."""
    lhs = spreadsheet_sum(value_of(t.code) for t in identity.lhs)
    rhs = spreadsheet_sum(value_of(t.code) for t in identity.rhs)
    if spreadsheet_equal(lhs, rhs):
        return CHECK_OK
    return _number(spreadsheet_sum([value_of(identity.target.code)]) - (rhs - lhs))


def formula_results(edition: str, value_of: Callable[[str], Any]) -> dict[Pos, Value]:
    """Every formula cell of the edition's template (and every cell of the findings block) → its result, for the
    input values ``value_of(code)`` gives (None for a blank cell)."""
    results: dict[Pos, Value] = {}
    failures: dict[str, int] = {}
    for strip in check_strips(edition):
        for check in strip.checks:
            result = check_result(check.identity, value_of)
            results[check.pos] = result
            failures[strip.rule] = failures.get(strip.rule, 0) + (result != CHECK_OK)
    for cell in summary_cells(edition):
        results[cell.pos] = failures.get(cell.rule, 0) if cell.rule else sum(failures.values())
    block = findings_block(edition)
    for pos in block.positions():
        results[pos] = ADDIN_MISSING if pos == block.hint else ""
    return results
