"""The check summary on the first sheet: failures per rule and in all, and the add-in's list of findings.

Both stand below the basic facts, outside the ranges the template passes to the add-in's UDF (``udf_ranges``), so
the UDF never depends on its own cells. The findings are a legacy (CSE) array formula over a fixed block, the one
form that shows a whole 2-D result in every Excel since 2007, in WPS and in LibreOffice: a plain formula shows only
the first element, and Excel 365 reads a plain formula written without dynamic-array metadata with implicit
intersection (@), so it would not spill either.
"""

from __future__ import annotations

from collections.abc import Iterator
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
# The block's height, the one constant: the add-in pads its result to it (``gaip_xl.addin.udfs``), Excel cuts a
# longer result off silently, and the note says where the rest is.
FINDINGS_ROWS = 60
FINDINGS_HEADER = ("规则", "单元格", "说明")  # the columns GAIP_CHECK returns, in its order
FINDINGS_NOTE = (f"由校验加载项自动列出，最多显示 {FINDINGS_ROWS} 条；点“政府信息公开年报”选项卡中的“校验”，"
                 "可在“校验结果”工作表查看全部问题，并标出有问题的单元格。")
ADDIN_MISSING = ("未安装或未启用校验加载项，此处无法列出问题（上方自查不受影响）。安装（Windows 版 Excel）：运行 "
                 "pip install gaip-xl 和 gaip-xl addin install，重启 Excel，点“政府信息公开年报”选项卡中的"
                 "“注册函数”，再按 Ctrl+Alt+F9 重新计算。")


@dataclass(frozen=True)
class SummaryCell:
    label: Label
    pos: Pos  # the failure count's formula, right of its label
    formula: str
    rule: str | None = None  # the rule whose failures it counts; None for the total of all counts


@dataclass(frozen=True)
class FindingsBlock:
    """The add-in's findings: a caption, a note, a header row (规则 | 单元格 | 说明) and below it one array formula
    over ``first``:``last`` (``FINDINGS_ROWS`` rows, one column per header)."""

    caption: Label
    note: Label
    header: tuple[Label, ...]
    first: Pos
    last: Pos
    hint: Pos  # where the install hint shows without the add-in
    formula: str

    @property
    def range_a1(self) -> str:
        return ref(self.first, self.last, on_sheet=self.first.sheet)

    @property
    def labels(self) -> tuple[Label, ...]:
        return (self.caption, self.note, *self.header)

    def positions(self) -> Iterator[Pos]:
        for row in range(self.first.row, self.last.row + 1):
            for col in range(self.first.col, self.last.col + 1):
                yield Pos(self.first.sheet, row, col)


def failure_count_formula(edition: str, rule: str) -> str:
    """COUNTIF per run of check cells: anything but "✓" (a number, or an error) is a failure."""
    cells = [c.pos for s in check_strips(edition) if s.rule == rule for c in s.checks]
    return "=" + "+".join(f'COUNTIF({ref(a, b, on_sheet=SHEET_INFO)},"<>{CHECK_OK}")' for a, b in runs(cells))


def udf_call(edition: str) -> str:
    """The add-in's UDF under its bare name, as Excel itself stores add-in functions in .xlsx (no _xludf. prefix,
    which marks a function Excel could not resolve)."""
    arguments = ",".join((f'"{edition}"', *udf_ranges(layout_for(edition))))
    return f"{UDF_CHECK}({arguments})"


def findings_formula(call: str, first: Pos, last: Pos, hint: Pos) -> str:
    """The block's array formula around ``call``. Without the add-in the call fails as a whole (#NAME?) and IFERROR
    gives an array of the block's size: the install hint at ``hint``, "" everywhere else. With it, the call returns
    the findings padded to the block's size (a smaller array would show #N/A in the rest of the block, and a one-row
    array would repeat in every row), so IFERROR has nothing to replace. Only IFERROR, IF, ROW and COLUMN: Excel
    2007+, WPS and LibreOffice."""
    block = ref(first, last, on_sheet=first.sheet, absolute=True)
    anchor = ref(hint, on_sheet=hint.sheet, absolute=True)
    at_hint = f"(ROW({block})=ROW({anchor}))*(COLUMN({block})=COLUMN({anchor}))"
    return f'=IFERROR({call},IF({at_hint},"{ADDIN_MISSING}",""))'


@cache
def summary_cells(edition: str) -> tuple[SummaryCell, ...]:
    """The failure count of every rule with checks, then their total."""
    layout = layout_for(edition)
    top = sheet_extent(layout, SHEET_INFO)[0] + 2
    rules = list(dict.fromkeys(s.rule for s in check_strips(edition)))
    cells = []
    for i, rule in enumerate(rules):
        row = top + 1 + i
        label = Label(Pos(SHEET_INFO, row, 1), f"{rule} {SPECS[rule].title}", row, 1, "field")
        cells.append(SummaryCell(label, Pos(SHEET_INFO, row, 2), failure_count_formula(edition, rule), rule))
    total_row = top + 1 + len(rules)
    first, last = cells[0].pos, cells[-1].pos
    cells.append(SummaryCell(Label(Pos(SHEET_INFO, total_row, 1), TOTAL_LABEL, total_row, 1, "field"),
                             Pos(SHEET_INFO, total_row, 2), f"=SUM({ref(first, last, on_sheet=SHEET_INFO)})"))
    return tuple(cells)


@cache
def findings_block(edition: str) -> FindingsBlock:
    """Below the counts, after one empty row, aligned with their labels' column."""
    below = summary_cells(edition)[-1].label.pos
    col, last_col = below.col, below.col + len(FINDINGS_HEADER) - 1
    caption_row = below.row + 2
    caption = Label(Pos(SHEET_INFO, caption_row, col), UDF_LABEL, caption_row, last_col, "caption")
    note = Label(Pos(SHEET_INFO, caption_row + 1, col), FINDINGS_NOTE, caption_row + 1, last_col, "note")
    header_row = caption_row + 2
    header = tuple(Label(Pos(SHEET_INFO, header_row, col + i), text, header_row, col + i, "header")
                   for i, text in enumerate(FINDINGS_HEADER))
    first = Pos(SHEET_INFO, header_row + 1, col)
    last = Pos(SHEET_INFO, header_row + FINDINGS_ROWS, last_col)
    hint = Pos(SHEET_INFO, first.row, last.col)  # the 说明 cell of the first row: the widest column
    return FindingsBlock(caption, note, header, first, last, hint,
                         findings_formula(udf_call(edition), first, last, hint))


def summary_title(edition: str) -> Label:
    row = summary_cells(edition)[0].label.pos.row - 1
    return Label(Pos(SHEET_INFO, row, 1), SUMMARY_TITLE, row, 2, "caption")


def total_failures_cell(edition: str) -> Pos:
    return next(c.pos for c in summary_cells(edition) if c.label.text == TOTAL_LABEL)
