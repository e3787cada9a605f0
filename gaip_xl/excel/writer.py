"""Filling a fresh copy of the edition's template with a report (openpyxl).

The template is generated in memory by ``gaip_xl.template.build_template`` (the package never reads a template file
at run time), so protection, formats, data validation and the check formulas are exactly the template's. Each value
goes to the cell of its code's defined name. Text is always written as text: a value that starts with "=" stays the
characters the clerk typed and never becomes a formula. The file is written to a temporary file beside the target
and renamed (``gaip_xl.atomic``), so a failure (a full disk included) never leaves a half-written workbook. Every
formula is saved with its result for the report's values (``gaip_xl.template.builder.workbook_bytes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from ..atomic import write_bytes
from ..errors import OutputFailed, UnsupportedFile, UnwritableValue
from ..format.layout import column_letter, defined_name, layout_for
from ..inert import put_text
from ..report import Report, explanation_rows, values_from_report
from ..report.limits import excel_date, excel_text, number_problem, text_problem

DATE_FORMAT = "yyyy-mm-dd"
DATE_CODES = ("published_on",)


def _check_text(code: str, text: str) -> str:
    problem = text_problem(text)
    if problem:
        raise UnwritableValue(code=code, detail=problem)
    return excel_text(text)


def _check_number(code: str, value: int | float) -> int | float:
    problem = number_problem(value)
    if problem:
        raise UnwritableValue(code=code, detail=f"{value!r}：{problem}")
    return value


def _set(cell: Cell, code: str, value: Any) -> None:
    """Writes one value so that the reader gets it back unchanged (the limits are ``gaip_xl.report.limits``)."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = _check_number(code, value)
    elif isinstance(value, str):
        date = excel_date(value) if code in DATE_CODES else None
        if date is not None:
            cell.value = date
            if cell.number_format == "General":  # keep the template's date format; never leave a bare serial
                cell.number_format = DATE_FORMAT
        else:  # text, and a date out of range or malformed: kept as typed (the schema names it)
            put_text(cell, _check_text(code, value))  # openpyxl turns "=…" into a formula; text stays text
    else:
        raise UnwritableValue(code=code, detail=f"类型为 {type(value).__name__}，不是数字或文字")


def fill(workbook: Workbook, values: Iterable[tuple[str, Any]]) -> None:
    """Writes each (code, value) to the cell of the code's defined name in ``workbook``."""
    for code, value in values:
        name = workbook.defined_names.get(defined_name(code))
        if name is None:
            raise UnwritableValue(code=code, detail="模板中没有这个名称")
        for sheet, address in name.destinations:
            _set(workbook[sheet][address.replace("$", "")], code, value)


def filled_template(report: Report) -> Workbook:
    from ..template import build_template  # lazily: reading never needs openpyxl

    workbook = build_template(report.edition.code)
    fill(workbook, values_from_report(report).items())
    fill_explanations(workbook, report)
    return workbook


def fill_explanations(workbook: Workbook, report: Report) -> None:
    """Writes the report's explanations to the rows of the 说明 sheet, one per row, as text."""
    block = layout_for(report.edition.code).explanations
    if block is None:
        return
    rows = explanation_rows(report.explanations)
    if len(rows) > block.rows:
        raise UnwritableValue(code="explanations",
                              detail=f"共 {len(rows)} 条说明，模板的“说明”工作表最多 {block.rows} 条")
    sheet = workbook[block.sheet]
    for offset, row in enumerate(rows):
        for key, value in zip(("rule", "cells", "text"), row, strict=True):
            cell = sheet.cell(block.first_row + offset, block.columns[key])
            assert isinstance(cell, Cell)  # the 说明 rows hold no merged cell
            _styled_as_column(cell, sheet.column_dimensions[column_letter(block.columns[key])])
            _set(cell, f"explanations.{key}", value or None)


def _styled_as_column(cell: Cell, column: Any) -> None:
    """A written cell gets a style of its own, so it must repeat its column's (unlocked, pale yellow): an empty cell
    of the 说明 sheet is styled by its column alone."""
    cell.font, cell.fill, cell.border = copy(column.font), copy(column.fill), copy(column.border)
    cell.alignment, cell.protection = copy(column.alignment), copy(column.protection)


def write_workbook(report: Report, path: str | Path) -> None:
    """Writes ``report`` into a fresh template of its edition at ``path`` (always .xlsx: never macros)."""
    if Path(path).suffix.lower() != ".xlsx":
        raise UnsupportedFile(str(path), detail=f"输出文件扩展名应为 .xlsx（现为“{Path(path).suffix or '无'}”）")
    from ..template.builder import workbook_bytes

    # Saved in memory first: openpyxl's zip writer, interrupted by a full disk, would raise again from its
    # finaliser ("Exception ignored …"); the bytes then go to disk atomically, any failure being E_OUTPUT.
    # openpyxl still spools each sheet through a temporary file, which a full disk also stops.
    try:
        data = workbook_bytes(filled_template(report), report.edition.code)
    except OSError as exc:
        raise OutputFailed(str(path), detail=f"临时文件无法写入（{exc.strerror or exc}）") from None
    write_bytes(path, data)
