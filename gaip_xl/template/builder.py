"""Builds the official template from the format model: every position comes from ``layout_for(edition)``."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from typing import Any

from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_bytes
from ..errors import UnknownEdition
from ..format import EDITIONS
from ..format.fields import INFO_FIELDS, FieldKind
from ..format.layout import (
    META_EDITION,
    META_VERSION,
    SHEET_INFO,
    SHEET_META,
    SHEET_TEXT,
    Label,
    Layout,
    layout_for,
)
from .cached import with_results
from .checks import CHECK_NUMBER_FORMAT, check_notes, check_strips
from .conditional import add_conditional_formats
from .explanations import column_widths as explanation_widths
from .explanations import prepare_explanations
from .printing import freeze_and_print
from .protection import TEMPLATE_VERSION, protect_sheet, protect_workbook
from .results import formula_results
from .styles import (
    FINDING,
    FINDING_LINES,
    LEFT,
    TOP_LEFT,
    fit_columns,
    fit_rows,
    lines_height,
    style_checks,
    style_findings,
    style_inputs,
    style_labels,
    wrapped_lines,
)
from .summary import ADDIN_MISSING, COUNT_NUMBER_FORMAT, FindingsBlock, findings_block, summary_cells, summary_title
from .validation import add_validation

UNLOCKED = Protection(locked=False)
META_LABELS = {META_EDITION: "格式版本", META_VERSION: "模板版本"}
FACT_FORMATS = {FieldKind.YEAR: "0", FieldKind.DATE: "yyyy-mm-dd", FieldKind.REGION_CODE: "@"}
INFO_VALUE_WIDTH, CHECK_WIDTH, TEXT_WIDTH, FINDINGS_MESSAGE_WIDTH = 48.0, 13.0, 90.0, 60.0
TITLE_HEIGHT, OVERVIEW_HEIGHT, TEXT_HEIGHT = 28.0, 320.0, 160.0
# The calculation engine of Excel 2016–365: with the results saved beside the formulas, a workbook that says it was
# calculated by this engine is shown as saved (no recalculation on open, no prompt to save on close).
EXCEL_CALC_ID = 191029


def input_codes(layout: Layout) -> list[str]:
    """Every code a clerk fills in: the figures, the basic facts and the prose (not the meta cells)."""
    return [*layout.figures, *(code for code in layout.fields if code not in META_LABELS)]


def build_template(edition: str = "2021") -> Workbook:
    """The empty template of ``edition`` ("2021" or "2019"), locked, with a defined name for every code."""
    if edition not in EDITIONS:
        raise UnknownEdition(detail=f"没有“{edition}”版格式")
    layout = layout_for(edition)
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the sheet a new workbook starts with
    sheets = {name: workbook.create_sheet(name) for name in layout.sheets}
    labels = all_labels(edition)
    _write_labels(sheets, labels)
    _write_checks(sheets, edition)
    _prepare_inputs(sheets, layout)
    prepare_explanations(sheets, layout)
    add_validation(sheets, layout, edition)
    add_conditional_formats(sheets, edition)
    _lay_out_sheets(sheets, layout, edition, labels)
    _write_meta(sheets[SHEET_META], layout, edition)
    _define_names(workbook, layout)
    for sheet in sheets.values():
        protect_sheet(sheet)
    sheets[SHEET_META].sheet_state = "veryHidden"
    protect_workbook(workbook)
    return workbook


def all_labels(edition: str) -> list[Label]:
    """The official labels plus the template's own: check captions, notes, the summary's and the findings' labels."""
    own = [s.caption for s in check_strips(edition)] + check_notes(edition)
    own += [summary_title(edition), *(c.label for c in summary_cells(edition)), *findings_block(edition).labels]
    return [*layout_for(edition).labels, *own]


def _write_labels(sheets: dict[str, Worksheet], labels: Iterable[Label]) -> None:
    for label in labels:
        sheet = sheets[label.pos.sheet]
        sheet.cell(label.pos.row, label.pos.col, label.text)
        if label.merged:
            sheet.merge_cells(start_row=label.pos.row, start_column=label.pos.col,
                              end_row=label.last_row, end_column=label.last_col)


def _write_checks(sheets: dict[str, Worksheet], edition: str) -> None:
    """The check formulas beside the totals, the summary's counts and the findings' array formula."""
    for check in (c for s in check_strips(edition) for c in s.checks):
        cell = sheets[check.pos.sheet].cell(check.pos.row, check.pos.col, check.formula)
        cell.number_format = CHECK_NUMBER_FORMAT
        style_checks(sheets[check.pos.sheet], [check.pos])
    for item in summary_cells(edition):
        sheet = sheets[item.pos.sheet]
        sheet.cell(item.pos.row, item.pos.col, item.formula).number_format = COUNT_NUMBER_FORMAT
        style_checks(sheet, [item.pos])
    _write_findings(sheets[SHEET_INFO], findings_block(edition))


class BlockFormula(ArrayFormula):
    """openpyxl's array formula, equal to another with the same range and text, as a plain formula's string is to
    its copy (openpyxl's compares by identity), so a written workbook can be compared with a fresh template."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayFormula) and (self.ref, self.text) == (other.ref, other.text)

    def __hash__(self) -> int:
        return hash((self.ref, self.text))


def _write_findings(sheet: Worksheet, block: FindingsBlock) -> None:
    """One legacy array formula over the whole block, stored in its first cell; every cell stays locked."""
    sheet.cell(block.first.row, block.first.col).value = BlockFormula(block.range_a1, block.formula)
    style_findings(sheet, block.positions())


def _prepare_inputs(sheets: dict[str, Worksheet], layout: Layout) -> None:
    """Unlocked, tinted, and formatted for what they hold."""
    for code in input_codes(layout):
        pos = layout.position(code)
        sheet = sheets[pos.sheet]
        alignment = TOP_LEFT if pos.sheet == SHEET_TEXT else LEFT if pos.sheet == SHEET_INFO else None
        style_inputs(sheet, [pos], *([alignment] if alignment else []))
        sheet.cell(pos.row, pos.col).protection = UNLOCKED
    for info in INFO_FIELDS:
        if info.kind in FACT_FORMATS:
            pos = layout.fields[info.code]
            sheets[pos.sheet].cell(pos.row, pos.col).number_format = FACT_FORMATS[info.kind]


def _lay_out_sheets(sheets: dict[str, Worksheet], layout: Layout, edition: str, labels: list[Label]) -> None:
    for name in layout.sheets[:-1]:  # every sheet but the hidden meta sheet
        sheet, own = sheets[name], [label for label in labels if label.pos.sheet == name]
        style_labels(sheet, own)
        fixed, at_least = _column_widths(layout, edition, name)
        widths = fit_columns(sheet, own, fixed, at_least)
        heights = _row_heights(layout, edition, name, own)
        if name == SHEET_INFO:
            heights.update(_findings_heights(findings_block(edition), widths))
        fit_rows(sheet, own, widths, heights, {pos.row for pos in layout.figures.values() if pos.sheet == name})
        freeze_and_print(sheet, layout, widths)


def _column_widths(layout: Layout, edition: str, sheet: str) -> tuple[dict[int, float], dict[int, float]]:
    """Widths fixed for input and check columns, and minimum widths where a row of checks must show "✗应为 1234"."""
    strips = [s for s in check_strips(edition) if s.caption.pos.sheet == sheet]
    fixed = {s.caption.pos.col: CHECK_WIDTH for s in strips if not s.across}
    at_least = {c.pos.col: CHECK_WIDTH - 2 for s in strips if s.across for c in s.checks}
    if sheet == SHEET_INFO:
        fixed[layout.fields[INFO_FIELDS[0].code].col] = INFO_VALUE_WIDTH
        fixed[findings_block(edition).hint.col] = FINDINGS_MESSAGE_WIDTH
    if sheet == SHEET_TEXT:
        fixed[layout.fields[f"text.{layout.edition.text_parts[0].code}"].col] = TEXT_WIDTH
    if layout.explanations is not None and sheet == layout.explanations.sheet:
        fixed.update(explanation_widths(layout))
    return fixed, at_least


def _row_heights(layout: Layout, edition: str, sheet: str, labels: list[Label]) -> dict[int, float]:
    fixed = {label.pos.row: TITLE_HEIGHT for label in labels if label.kind == "title"}
    if sheet == SHEET_TEXT:
        texts = [layout.fields[f"text.{p.code}"] for p in layout.edition.text_parts]
        fixed.update({pos.row: OVERVIEW_HEIGHT if i == 0 else TEXT_HEIGHT for i, pos in enumerate(texts)})
    return fixed


def _findings_heights(block: FindingsBlock, widths: dict[int, float]) -> dict[int, float]:
    """Fixed heights (Excel does not refit a row when a formula's result changes, and the sheet is protected):
    room for a finding's message in every row, and in the first row for the install hint as well."""
    size = FINDING.size or 11
    heights = dict.fromkeys(range(block.first.row, block.last.row + 1), lines_height(FINDING_LINES, size))
    hint_lines = wrapped_lines(ADDIN_MISSING, widths[block.hint.col])
    heights[block.hint.row] = lines_height(max(FINDING_LINES, hint_lines), size)
    return heights


def _write_meta(sheet: Worksheet, layout: Layout, edition: str) -> None:
    for code, value in ((META_EDITION, edition), (META_VERSION, TEMPLATE_VERSION)):
        pos = layout.fields[code]
        sheet.cell(pos.row, pos.col - 1, META_LABELS[code])
        sheet.cell(pos.row, pos.col, value)


def _define_names(workbook: Workbook, layout: Layout) -> None:
    for name, pos in layout.names().items():
        workbook.defined_names.add(DefinedName(name, attr_text=pos.absolute))


def workbook_bytes(workbook: Workbook, edition: str) -> bytes:
    """The saved package of a template (blank or filled) with every formula's result beside it
    (``gaip_xl.template.results``), and no request to recalculate on load: a viewer that does not calculate
    (Protected View, previewers, pandas) shows the checks, the counts and the install hint as Excel would."""
    layout = layout_for(edition)

    def value_of(code: str) -> Any:
        pos = layout.position(code)
        return workbook[pos.sheet].cell(pos.row, pos.col).value

    workbook.calculation = CalcProperties(calcId=EXCEL_CALC_ID, fullCalcOnLoad=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_results(buffer.getvalue(), formula_results(edition, value_of))


def save_template(edition: str, path: str | os.PathLike[str]) -> None:
    """Writes the template atomically: complete or not at all (``gaip_xl.atomic``)."""
    write_bytes(path, workbook_bytes(build_template(edition), edition))
