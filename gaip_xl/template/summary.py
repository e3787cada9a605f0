"""The check summary on the first sheet: failures per rule and in all, and the add-in's full list of findings.

It stands below the basic facts, outside the ranges the template passes to the add-in's UDF (``udf_ranges``), so
the UDF never depends on its own cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..format.layout import SHEET_INFO, UDF_CHECK, Label, Pos, layout_for, sheet_extent, udf_ranges
from ..rules.catalog import SPECS
from .checks import CHECK_OK, check_strips
from .references import ref, runs

SUMMARY_TITLE = "勾稽关系自查（无需加载项，填写时自动计算）"
# Zero reads "✓ 一致", anything else "3 处不一致"; the cell keeps the plain count for whoever reads it.
COUNT_NUMBER_FORMAT = '[=0]"✓ 一致";0" 处不一致"'
TOTAL_LABEL = "不一致合计"
UDF_LABEL = "加载项校验（全部问题）"
ADDIN_MISSING = ("未安装“政府信息公开年报校验”加载项，此处无法列出全部问题。安装方法：在本机运行 pip install gaip-xl，"
                 "再运行 gaip-xl addin install，然后重新打开本文件。上方的勾稽关系自查不需要加载项。")


@dataclass(frozen=True)
class SummaryCell:
    label: Label
    pos: Pos  # the formula's cell, right of its label
    formula: str
    counts: bool  # a failure count (as opposed to the add-in's text)


def failure_count_formula(edition: str, rule: str) -> str:
    """COUNTIF per run of check cells: anything but "✓" (a number, or an error) is a failure."""
    cells = [c.pos for s in check_strips(edition) if s.rule == rule for c in s.checks]
    return "=" + "+".join(f'COUNTIF({ref(a, b, on_sheet=SHEET_INFO)},"<>{CHECK_OK}")' for a, b in runs(cells))


def udf_formula(edition: str) -> str:
    """The add-in's UDF under its bare name, as Excel itself stores add-in functions in .xlsx (no _xludf. prefix,
    which marks a function Excel could not resolve); without the add-in the name fails and IFERROR explains."""
    arguments = ",".join((f'"{edition}"', *udf_ranges(layout_for(edition))))
    return f'=IFERROR({UDF_CHECK}({arguments}),"{ADDIN_MISSING}")'


@cache
def summary_cells(edition: str) -> tuple[SummaryCell, ...]:
    layout = layout_for(edition)
    top = sheet_extent(layout, SHEET_INFO)[0] + 2
    rules = list(dict.fromkeys(s.rule for s in check_strips(edition)))
    cells = []
    for i, rule in enumerate(rules):
        row = top + 1 + i
        label = Label(Pos(SHEET_INFO, row, 1), f"{rule} {SPECS[rule].title}", row, 1, "field")
        cells.append(SummaryCell(label, Pos(SHEET_INFO, row, 2), failure_count_formula(edition, rule), True))
    total_row = top + 1 + len(rules)
    first, last = cells[0].pos, cells[-1].pos
    cells.append(SummaryCell(Label(Pos(SHEET_INFO, total_row, 1), TOTAL_LABEL, total_row, 1, "field"),
                             Pos(SHEET_INFO, total_row, 2), f"=SUM({ref(first, last, on_sheet=SHEET_INFO)})", True))
    udf_row = total_row + 2
    cells.append(SummaryCell(Label(Pos(SHEET_INFO, udf_row, 1), UDF_LABEL, udf_row, 1, "field"),
                             Pos(SHEET_INFO, udf_row, 2), udf_formula(edition), False))
    return tuple(cells)


def summary_title(edition: str) -> Label:
    row = summary_cells(edition)[0].label.pos.row - 1
    return Label(Pos(SHEET_INFO, row, 1), SUMMARY_TITLE, row, 2, "caption")


def total_failures_cell(edition: str) -> Pos:
    return next(c.pos for c in summary_cells(edition) if c.label.text == TOTAL_LABEL)


def udf_cell(edition: str) -> Pos:
    return summary_cells(edition)[-1].pos
