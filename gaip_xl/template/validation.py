"""Data validation for every input cell, with a Chinese input prompt and error alert.

One rule per kind of value (not per cell) so the file stays small: figures by ValueType, the basic facts by their
FieldKind, the prose by a length limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..format import EDITIONS, LEVELS, REPORT_TYPES, ValueType
from ..format.fields import INFO_FIELDS, FieldKind, InfoField
from ..format.layout import ExplanationsBlock, Layout, Pos, column_letter
from ..report.cells import EXCEL_EPOCH
from .references import ranges_a1

FIRST_YEAR, LAST_YEAR = 2008, 2100  # the regulations took effect on 2008-05-01
CHANGE_LIMIT = 999_999_999
TEXT_LIMIT = 32_767  # the most one Excel cell holds
NAME_LIMIT = 200


def _serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


_Kind = Literal["whole", "decimal", "list", "date", "textLength"]
_Operator = Literal["between", "equal", "greaterThanOrEqual", "lessThanOrEqual"]


def _rule(kind: _Kind, prompt_title: str, prompt: str, error: str, operator: _Operator | None = None,
          formula1: str | None = None, formula2: str | None = None) -> DataValidation:
    rule = DataValidation(type=kind, operator=operator, formula1=formula1, formula2=formula2, allow_blank=True,
                          showInputMessage=True, showErrorMessage=True, errorStyle="stop")
    rule.promptTitle, rule.prompt = prompt_title[:32], prompt[:255]
    rule.errorTitle, rule.error = "输入有误", error[:255]
    return rule


def figure_rule(value_type: ValueType) -> DataValidation:
    prompt = f"请填写{value_type.chinese}。没有发生的事项填0。"
    error = f"此处只能填写{value_type.chinese}。"
    if value_type is ValueType.COUNT:
        return _rule("whole", "件数", prompt, error, "greaterThanOrEqual", "0")
    if value_type is ValueType.CHANGE:
        return _rule("whole", "本年增/减", prompt, error, "between", str(-CHANGE_LIMIT), str(CHANGE_LIMIT))
    return _rule("decimal", "金额", prompt, error, "greaterThanOrEqual", "0")


def field_rule(info: InfoField) -> DataValidation:
    if info.kind is FieldKind.LEVEL:
        return _rule("list", info.label, info.prompt, "请从下拉列表中选择行政级别。", formula1=f'"{",".join(LEVELS)}"')
    if info.kind is FieldKind.REPORT_TYPE:
        return _rule("list", info.label, info.prompt, f"请从下拉列表中选择{'或'.join(REPORT_TYPES)}。",
                     formula1=f'"{",".join(REPORT_TYPES)}"')
    if info.kind is FieldKind.YEAR:
        return _rule("whole", info.label, info.prompt, f"报告年度应为{FIRST_YEAR}至{LAST_YEAR}之间的四位年份。",
                     "between", str(FIRST_YEAR), str(LAST_YEAR))
    if info.kind is FieldKind.DATE:
        first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR + 1, 12, 31)
        return _rule("date", info.label, f"{info.prompt}。格式如 2025-01-20。",
                     "请填写有效日期，格式如 2025-01-20。", "between", str(_serial(first)), str(_serial(last)))
    if info.kind is FieldKind.REGION_CODE:
        return _rule("textLength", info.label, info.prompt, "行政区划代码应为6位数字。", "equal", "6")
    return _rule("textLength", info.label, info.prompt, f"最多{NAME_LIMIT}个字。", "lessThanOrEqual",
                 str(NAME_LIMIT))


def text_rule(label: str) -> DataValidation:
    prompt = f"在此填写“{label}”的全文，可直接粘贴；单元格内换行用 Alt+Enter。"
    return _rule("textLength", label[:32], prompt, f"一个单元格最多{TEXT_LIMIT}个字，请精简。", "lessThanOrEqual",
                 str(TEXT_LIMIT))


def _add(sheets: dict[str, Worksheet], rule: DataValidation, positions: Iterable[Pos]) -> None:
    positions = list(positions)
    if not positions:
        return
    sheet = sheets[positions[0].sheet]
    for cell_range in ranges_a1(positions):  # "D6:J30", not 175 single cells: every filled file carries the sqref
        rule.add(cell_range)
    sheet.add_data_validation(rule)


def add_validation(sheets: dict[str, Worksheet], layout: Layout, edition: str) -> None:
    cells = EDITIONS[edition].cells
    for value_type in ValueType:
        by_sheet: dict[str, list[Pos]] = {}
        for cell in (c for c in cells if c.type is value_type):
            pos = layout.figures[cell.code]
            by_sheet.setdefault(pos.sheet, []).append(pos)
        for positions in by_sheet.values():
            _add(sheets, figure_rule(value_type), positions)
    for info in INFO_FIELDS:
        if info.code in layout.fields:  # a field newer than the layout's template version has no cell
            _add(sheets, field_rule(info), [layout.fields[info.code]])
    for part in EDITIONS[edition].text_parts:
        _add(sheets, text_rule(part.label), [layout.fields[f"text.{part.code}"]])


def add_explanation_validation(sheet: Worksheet, block: ExplanationsBlock) -> None:
    """The 说明 column: a prompt saying what to write, and Excel's length limit."""
    col = block.columns["text"]
    rule = _rule("textLength", "说明", "写明为什么这条警告不是错误（如“文件到期失效”）。错误必须改正，不能用说明代替。",
                 f"一个单元格最多{TEXT_LIMIT}个字，请精简。", "lessThanOrEqual", str(TEXT_LIMIT))
    rule.add(f"{column_letter(col)}{block.first_row}:{column_letter(col)}{block.last_row}")
    sheet.add_data_validation(rule)

