"""The marked workbook, written without Excel: what the add-in's 校验 would leave in the clerk's workbook.

The report (read by the safe reader) is written into a fresh template of its edition (``writer.filled_template``:
the upload itself is never opened by openpyxl), then every mark is painted as ``gaip_xl.excel.marks`` describes it:
the fill of its severity, a note, the record on the ``_gaip`` sheet (so the add-in's 清除标记 or next 校验 clears
them), and the 校验结果 sheet with a link per finding. The web service hands this file to clerks who have no add-in.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook

from ..atomic import atomic_path
from ..format.layout import SHEET_META
from ..inert import put_text
from ..report import Report
from ..rules import ValidationReport
from .marks import (
    FILL,
    NOTE_AUTHOR,
    RESULTS_SHEET,
    LinkFormula,
    marks_column,
    marks_of,
    record_row,
    results_rows,
    template_positions,
)
from .writer import filled_template

NOTE_WIDTH, NOTE_HEIGHT = 320, 120  # points: a note wide enough for a finding's message
RESULTS_WIDTHS = {"A": 8, "B": 8, "C": 18, "D": 24, "E": 90}


def _argb(hex_colour: str) -> str:
    return "FF" + hex_colour.lstrip("#").upper()


def marked_workbook(report: Report, result: ValidationReport) -> Workbook:
    """A fresh template holding ``report`` with the marks of ``result`` painted on it."""
    from ..template.styles import INPUT_FILL  # the fill every input cell had before it was marked

    workbook = filled_template(report)
    edition = report.edition.code
    positions = template_positions(edition)
    previous_fill = "#" + str(INPUT_FILL.fgColor.rgb)[-6:]
    records = []
    for mark in marks_of(positions, result):
        cell = workbook[mark.pos.sheet].cell(mark.pos.row, mark.pos.col)
        colour = _argb(FILL[mark.severity])
        cell.fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        cell.comment = Comment(mark.note, NOTE_AUTHOR, width=NOTE_WIDTH, height=NOTE_HEIGHT)
        records.append(record_row(mark, previous_fill, True))
    meta = workbook[SHEET_META]
    first = marks_column(edition)
    for r, row in enumerate(records, start=1):
        for c, value in enumerate(row):
            meta.cell(r, first + c, value)
    _write_results(workbook, results_rows(positions, result))
    workbook.calculation.fullCalcOnLoad = True  # the links are formulas: computed when the file is opened
    return workbook


def _write_results(workbook: Workbook, rows: list[list[object]]) -> None:
    shown = [ws for ws in workbook.worksheets if ws.title != SHEET_META]
    index = workbook.worksheets.index(shown[-1]) + 1  # after the last shown sheet, never after the very hidden one
    sheet = workbook.create_sheet(RESULTS_SHEET, index)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, LinkFormula):
                sheet.cell(r, c, value)
            elif isinstance(value, str) and value:
                put_text(sheet.cell(r, c), value)  # a finding's message or 说明 is text, whatever it starts with
            elif value != "":
                sheet.cell(r, c, value)
    for column, width in RESULTS_WIDTHS.items():
        sheet.column_dimensions[column].width = width


def marked_bytes(report: Report, result: ValidationReport) -> bytes:
    """The marked workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    marked_workbook(report, result).save(buffer)
    return buffer.getvalue()


def write_marked(report: Report, result: ValidationReport, path: str | Path) -> None:
    """Writes the marked workbook to ``path`` atomically."""
    with atomic_path(path, suffix=".xlsx") as temporary:
        marked_workbook(report, result).save(temporary)


__all__ = ["marked_bytes", "marked_workbook", "write_marked"]
